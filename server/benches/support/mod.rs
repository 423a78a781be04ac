//! What the benches that drive the `netball` command line share.

use std::process::Command;

use anyhow::{Context, Result, bail};

/// A number from the environment, or `default`.
pub fn env_f64(name: &str, default: f64) -> f64 {
    std::env::var(name)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

/// Runs `netball` with `args` and returns what it printed; its errors if it failed.
pub fn netball(args: &[&str]) -> Result<String> {
    let out = Command::new(env!("CARGO_BIN_EXE_netball"))
        .args(args)
        .output()
        .context("running netball")?;
    if !out.status.success() {
        bail!(
            "netball {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}
