//! `netball model import|info`.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use netball_server::model_import::{import_checkpoint, read_model_file};
use netball_shared::ModelFile;

#[derive(Subcommand)]
pub enum ModelCommand {
    /// Convert an Ultralytics YOLOv8 detection checkpoint (.pt, .safetensors) into a model file.
    Import(ImportArgs),
    /// Describe a model file.
    Info {
        /// The model file (.bpk).
        file: PathBuf,
    },
}

#[derive(Args)]
pub struct ImportArgs {
    /// The checkpoint.
    checkpoint: PathBuf,
    /// Where to write the model file [default: the default model, used when no --weights is given].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Class names, comma-separated, overriding those in the checkpoint.
    #[arg(long, value_delimiter = ',')]
    classes: Option<Vec<String>>,
    /// Side of the square model input, a multiple of 32 [default: the training size recorded
    /// in the checkpoint, else 640].
    #[arg(long)]
    input_size: Option<u32>,
}

pub fn run(cmd: ModelCommand) -> Result<()> {
    match cmd {
        ModelCommand::Import(args) => import(args),
        ModelCommand::Info { file } => {
            let model = read_model_file(&file)?;
            println!("{}", serde_json::to_string_pretty(model.info())?);
            Ok(())
        }
    }
}

fn import(args: ImportArgs) -> Result<()> {
    let imported = import_checkpoint(&args.checkpoint)?;
    let mut info = imported.info().clone();
    if let Some(classes) = args.classes {
        anyhow::ensure!(
            classes.len() == info.classes.len(),
            "--classes names {} classes but the model predicts {}",
            classes.len(),
            info.classes.len()
        );
        info.classes = classes;
    } else {
        tracing::warn!(
            "class names are not read from checkpoints; they are {}: pass --classes to name them",
            info.classes.join(", ")
        );
    }
    if let Some(size) = args.input_size {
        info.input_size = size;
    }
    let file = ModelFile::new(info, imported.into_tensors())?;
    let out = args.out.unwrap_or_else(super::default_model_path);
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let bytes = file.to_bytes()?;
    std::fs::write(&out, &bytes).with_context(|| format!("writing {}", out.display()))?;
    let info = file.info();
    eprintln!(
        "wrote {} (YOLOv8{}, {} classes: {}, input {}px, {:.1} MB)",
        out.display(),
        info.scale.letter(),
        info.classes.len(),
        info.classes.join(", "),
        info.input_size,
        bytes.len() as f64 / 1e6
    );
    Ok(())
}
