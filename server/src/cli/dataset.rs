//! `netball dataset`: writes a YOLO training set of simulated frames.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use netball_server::simulate::dataset::{DatasetSettings, write_dataset};

use super::options::{parse_duration, parse_resolution, progress_bar};

#[derive(Args)]
pub struct DatasetArgs {
    /// How many images to write, training and validation together.
    #[arg(long, default_value_t = 5000)]
    images: usize,
    /// An empty (or new) folder for images/, labels/ and data.yaml.
    #[arg(long)]
    out: PathBuf,
    #[arg(long, default_value = "1280x720", value_parser = parse_resolution)]
    resolution: (u32, u32),
    /// Share of the images kept for validation (their clips' seeds never appear in training).
    #[arg(long, default_value_t = 0.1)]
    val_fraction: f64,
    /// Seed of the first clip; clip k uses seed + k.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Images taken from each simulated clip.
    #[arg(long, default_value_t = 20)]
    per_clip: usize,
    /// Play between two images of a clip.
    #[arg(long, default_value = "3s", value_parser = parse_duration)]
    spacing: f64,
    /// Label only objects at least this visible (0-1).
    #[arg(long, default_value_t = 0.3)]
    min_visibility: f32,
}

pub fn run(args: DatasetArgs) -> Result<()> {
    let (width, height) = args.resolution;
    let settings = DatasetSettings {
        out: args.out,
        images: args.images,
        width,
        height,
        val_fraction: args.val_fraction,
        seed: args.seed,
        per_clip: args.per_clip,
        spacing: args.spacing,
        min_visibility: args.min_visibility,
    };
    let bar = progress_bar(settings.images as u64, "images");
    let summary = write_dataset(&settings, |done| bar.set_position(done as u64))?;
    bar.finish_and_clear();
    println!(
        "wrote {} training and {} validation images ({} labels) to {}",
        summary.train_images,
        summary.val_images,
        summary.labels,
        settings.out.display()
    );
    Ok(())
}
