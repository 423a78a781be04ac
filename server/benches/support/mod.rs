//! What the benches that drive the `netball` command line share.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

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

/// Simulates `seconds` of match `seed` at `resolution` (with `extra` arguments for `netball
/// simulate`) into `dir` as `name.mp4` and `name.json`, and returns their paths.
pub fn simulate(
    dir: &Path,
    name: &str,
    seed: u64,
    seconds: f64,
    resolution: &str,
    extra: &[&str],
) -> Result<(PathBuf, PathBuf)> {
    let video = dir.join(format!("{name}.mp4"));
    let truth = dir.join(format!("{name}.json"));
    let started = Instant::now();
    let duration = format!("{seconds}s");
    let seed = seed.to_string();
    let mut args = vec![
        "simulate",
        "--seed",
        &seed,
        "--duration",
        &duration,
        "--resolution",
        resolution,
        "--out",
        video.to_str().context("utf-8 path")?,
        "--truth",
        truth.to_str().context("utf-8 path")?,
    ];
    args.extend(extra);
    netball(&args)?;
    eprintln!(
        "simulated {name} ({seconds} s at {resolution}) in {:.0?}",
        started.elapsed()
    );
    Ok((video, truth))
}
