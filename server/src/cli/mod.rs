//! The `netball` command line.

#[cfg(feature = "video")]
mod analyze;
mod bench;
mod bibs;
mod calibrate;
mod dataset;
mod detect;
mod eval;
mod model;
mod options;
#[cfg(feature = "video")]
mod roles;
mod serve;
#[cfg(feature = "video")]
mod simulate;
mod standings;

use std::path::PathBuf;

use anyhow::Result;
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "netball", version, about = "Netball match analysis")]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Analyse videos: detect, track, and write results, CSV and MOTChallenge tracks.
    #[cfg(feature = "video")]
    Analyze(analyze::AnalyzeArgs),
    /// Detect objects in an image or a video; prints JSON and writes an annotated image.
    Detect(detect::DetectArgs),
    /// Fit the court homography to clicked landmarks; writes it with a preview of the lines.
    Calibrate(calibrate::CalibrateArgs),
    /// Score an analysis against a simulator's truth: detection AP, HOTA, IDF1, MOTA.
    Eval(eval::EvalArgs),
    /// Import and inspect model files.
    #[command(subcommand)]
    Model(model::ModelCommand),
    /// Serve the browser app and the model.
    Serve(serve::ServeArgs),
    /// Train and measure the bib reader (positions from the letters on bibs).
    #[command(subcommand)]
    Bibs(bibs::BibsCommand),
    /// Check a device against the CPU on real weights and measure detector throughput.
    Bench(bench::BenchArgs),
    /// Write a YOLO training set of simulated frames (images, labels, data.yaml).
    Dataset(dataset::DatasetArgs),
    /// League tables per category from a fixtures CSV; prints them and writes CSV.
    Standings(standings::StandingsArgs),
    /// Render a simulated match to video with its exact truth (boxes, tracks, events).
    #[cfg(feature = "video")]
    Simulate(simulate::SimulateArgs),
}

impl Cli {
    pub fn run(self) -> Result<()> {
        match self.command {
            #[cfg(feature = "video")]
            Command::Analyze(args) => analyze::run(args),
            Command::Detect(args) => detect::run(args),
            Command::Calibrate(args) => calibrate::run(args),
            Command::Eval(args) => eval::run(args),
            Command::Model(cmd) => model::run(cmd),
            Command::Serve(args) => serve::run(args),
            Command::Bench(args) => bench::run(args),
            Command::Bibs(cmd) => bibs::run(cmd),
            Command::Dataset(args) => dataset::run(args),
            Command::Standings(args) => standings::run(args),
            #[cfg(feature = "video")]
            Command::Simulate(args) => simulate::run(args),
        }
    }
}

/// `<input>.<suffix>` in the input's folder: where an output made from one file goes unless
/// named.
fn beside(input: &std::path::Path, suffix: &str) -> PathBuf {
    let mut name = input.file_name().unwrap_or_default().to_os_string();
    name.push(".");
    name.push(suffix);
    input.with_file_name(name)
}

/// Where `netball` keeps its data: `$NETBALL_DATA`, else `~/.local/share/netball`.
fn data_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("NETBALL_DATA") {
        return PathBuf::from(dir);
    }
    let home = std::env::var_os("HOME").map_or_else(|| PathBuf::from("."), PathBuf::from);
    home.join(".local/share/netball")
}

/// The model used when none is named: `<data dir>/models/default.bpk`.
fn default_model_path() -> PathBuf {
    data_dir().join("models").join("default.bpk")
}
