//! `netball serve`.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use netball_server::serve::{ServeConfig, run as serve};

#[derive(Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// The built browser app.
    #[arg(long, default_value = "dist")]
    dist: PathBuf,
    /// The model the app loads [default: the default model].
    #[arg(long)]
    model: Option<PathBuf>,
}

pub fn run(args: ServeArgs) -> Result<()> {
    let config = ServeConfig {
        dist: args.dist,
        model: args.model.unwrap_or_else(super::default_model_path),
    };
    tokio::runtime::Runtime::new()?.block_on(serve(config, args.addr))
}
