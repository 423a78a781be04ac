//! `netball bibs`: train the bib reader on simulated matches, and measure one.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use burn::tensor::Device;
use clap::{Args, Subcommand};
use netball_server::bibs::samples::{SampleSettings, Samples, sample};
use netball_server::bibs::train::{Evaluation, TrainSettings, evaluate, train};
use netball_shared::bib::{BibClass, BibModel, BibReader};

use super::options::{parse_duration, parse_resolution, progress_bar};

#[derive(Subcommand)]
pub enum BibsCommand {
    /// Train a reader on crops of simulated matches; writes its weights file.
    Train(TrainArgs),
    /// Measure a reader (the bundled one unless named) on crops of unseen simulated matches.
    Eval(EvalArgs),
}

/// Which simulated crops to use.
#[derive(Args, Clone)]
struct SampleArgs {
    /// Seed of the first clip; clip k uses seed + k.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Frames taken from each clip.
    #[arg(long, default_value_t = 12)]
    per_clip: usize,
    /// Play between two frames of a clip.
    #[arg(long, default_value = "1s", value_parser = parse_duration)]
    spacing: f64,
    /// Resolutions the clips alternate between (comma-separated).
    #[arg(long, default_value = "1280x720,1920x1080", value_delimiter = ',', value_parser = parse_resolution)]
    resolutions: Vec<(u32, u32)>,
    /// Leave out boxes less visible than this (0-1).
    #[arg(long, default_value_t = 0.7)]
    min_visibility: f32,
}

impl SampleArgs {
    fn settings(&self, seed: u64, clips: usize) -> SampleSettings {
        SampleSettings {
            seed,
            clips,
            per_clip: self.per_clip,
            spacing: self.spacing,
            resolutions: self.resolutions.clone(),
            min_visibility: self.min_visibility,
            jitter: 0.04,
            jitter_px: 2.0,
        }
    }
}

#[derive(Args)]
pub struct TrainArgs {
    /// Where to write the reader's weights.
    #[arg(long)]
    out: PathBuf,
    /// Clips to train on.
    #[arg(long, default_value_t = 150)]
    clips: usize,
    /// Clips to validate on, with seeds after the training ones.
    #[arg(long, default_value_t = 20)]
    val_clips: usize,
    #[command(flatten)]
    samples: SampleArgs,
    #[arg(long, default_value_t = 12)]
    epochs: usize,
    #[arg(long, default_value_t = 64)]
    batch: usize,
    #[arg(long, default_value_t = 2e-3)]
    learning_rate: f64,
}

#[derive(Args)]
pub struct EvalArgs {
    /// A weights file from `netball bibs train`; the bundled reader when left out.
    #[arg(long)]
    model: Option<PathBuf>,
    /// Clips to measure on.
    #[arg(long, default_value_t = 20)]
    clips: usize,
    #[command(flatten)]
    samples: SampleArgs,
}

pub fn run(command: BibsCommand) -> Result<()> {
    match command {
        BibsCommand::Train(args) => run_train(args),
        BibsCommand::Eval(args) => run_eval(args),
    }
}

fn crops(settings: &SampleSettings, what: &str) -> Result<Samples> {
    let bar = progress_bar(settings.clips as u64, "clips").with_prefix(format!("{what} "));
    let samples = sample(settings, |done| bar.set_position(done as u64))?;
    bar.finish_and_clear();
    let counts = samples.counts();
    println!("{what}: {} crops, per class {counts:?}", samples.len());
    if samples.is_empty() {
        bail!("the {what} clips gave no crops");
    }
    Ok(samples)
}

fn run_train(args: TrainArgs) -> Result<()> {
    let seed = args.samples.seed;
    let train_set = crops(&args.samples.settings(seed, args.clips), "training")?;
    let val_set = if args.val_clips > 0 {
        let val_seed = seed + args.clips as u64;
        crops(
            &args.samples.settings(val_seed, args.val_clips),
            "validation",
        )?
    } else {
        Samples::default()
    };
    let settings = TrainSettings {
        epochs: args.epochs,
        batch: args.batch,
        learning_rate: args.learning_rate,
        weight_decay: 1e-4,
        smoothing: 0.05,
        seed,
    };
    let net = train(&train_set, &val_set, &settings, |r| match &r.validation {
        Some(v) => println!(
            "epoch {:>2}: loss {:.4}, validation accuracy {:.4}",
            r.epoch,
            r.loss,
            v.accuracy()
        ),
        None => println!("epoch {:>2}: loss {:.4}", r.epoch, r.loss),
    });
    let bytes = BibModel::of(&net).to_bytes()?;
    std::fs::write(&args.out, bytes).with_context(|| format!("writing {}", args.out.display()))?;
    if !val_set.is_empty() {
        print_evaluation(&evaluate(&BibReader::new(net, Device::flex()), &val_set));
    }
    println!("wrote {}", args.out.display());
    Ok(())
}

fn run_eval(args: EvalArgs) -> Result<()> {
    let model = match &args.model {
        Some(path) => BibModel::from_bytes(
            std::fs::read(path).with_context(|| format!("reading {}", path.display()))?,
        )
        .with_context(|| format!("reading {}", path.display()))?,
        None => BibModel::bundled()?,
    };
    let device = Device::flex();
    let reader = BibReader::new(model.load(&device)?, device);
    let set = crops(
        &args.samples.settings(args.samples.seed, args.clips),
        "test",
    )?;
    print_evaluation(&evaluate(&reader, &set));
    Ok(())
}

fn print_evaluation(e: &Evaluation) {
    println!("accuracy {:.4}", e.accuracy());
    for c in &e.confident {
        println!(
            "read as a position with p >= {:.2}: {:.1}% of player crops, {:.2}% of them right",
            c.confidence,
            100.0 * c.coverage,
            100.0 * c.precision
        );
    }
    let name = |i: usize| match BibClass::from_index(i) {
        Some(BibClass::Position(p)) => p.letters().to_string(),
        _ => "none".to_string(),
    };
    print!("truth \\ read");
    for i in 0..BibClass::COUNT {
        print!("{:>7}", name(i));
    }
    println!();
    for (i, row) in e.confusion.iter().enumerate() {
        print!("{:>12}", name(i));
        for n in row {
            print!("{n:>7}");
        }
        println!();
    }
}
