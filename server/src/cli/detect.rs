//! `netball detect <image|video>`.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};
use clap::Args;
#[cfg(feature = "video")]
use netball_server::decode::video::VideoFrames;
use netball_server::decode::{self, MediaKind};
use netball_server::device::{self, DeviceChoice};
use netball_server::{annotate, model_import};
use netball_shared::{DetectConfig, Detection, Detector, Frame};
use serde::Serialize;

#[derive(Args)]
pub struct DetectArgs {
    /// An image (PNG, JPEG, WebP, BMP) or a video (anything FFmpeg reads).
    input: PathBuf,
    /// Model weights: a model file (.bpk) or an Ultralytics checkpoint (.pt, .safetensors)
    /// [default: the default model].
    #[arg(long)]
    weights: Option<PathBuf>,
    /// Where to run the model.
    #[arg(long, value_enum, default_value_t = DeviceChoice::Auto)]
    device: DeviceChoice,
    /// Where to write the annotated image [default: <input>.detections.png beside the input].
    #[arg(long)]
    annotated: Option<PathBuf>,
    /// Minimum class probability.
    #[arg(long, default_value_t = DetectConfig::default().confidence)]
    confidence: f32,
    /// NMS overlap threshold.
    #[arg(long, default_value_t = DetectConfig::default().iou)]
    iou: f32,
    /// Video frames per model call.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=256))]
    batch: u16,
    /// Stop after this many video frames.
    #[arg(long)]
    max_frames: Option<u64>,
}

#[derive(Serialize)]
struct FrameResult {
    index: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    seconds: Option<f64>,
    detections: Vec<Detection>,
}

/// Everything detected in one input.
struct Detected {
    width: u32,
    height: u32,
    frames: Vec<FrameResult>,
    /// The frame drawn in the annotated image (the one with the most detections) and its index.
    showcase: (u64, Frame),
}

#[derive(Serialize)]
struct Report<'a> {
    input: &'a Path,
    device: &'a str,
    model: &'a netball_shared::ModelInfo,
    width: u32,
    height: u32,
    frames: Vec<FrameResult>,
    annotated: PathBuf,
}

pub fn run(args: DetectArgs) -> Result<()> {
    let kind = decode::media_kind(&args.input)
        .with_context(|| format!("opening {}", args.input.display()))?;
    let weights = args
        .weights
        .clone()
        .unwrap_or_else(super::default_model_path);
    if !weights.exists() && args.weights.is_none() {
        anyhow::bail!(
            "no default model at {}: pass --weights or run `netball model import <checkpoint>`",
            weights.display()
        );
    }
    let file = model_import::load_weights(&weights)?;
    let selected = device::select(args.device)?;
    tracing::info!("running on {}", selected.description);
    let config = DetectConfig {
        confidence: args.confidence,
        iou: args.iou,
        ..DetectConfig::default()
    };
    let detector = Detector::new(file, selected.device.clone(), config)?;
    let annotated = args
        .annotated
        .clone()
        .unwrap_or_else(|| super::beside(&args.input, "detections.png"));

    let Detected {
        width,
        height,
        frames,
        showcase,
    } = match kind {
        MediaKind::Image => {
            let frame = decode::image::read(&args.input)?;
            let start = Instant::now();
            let detections = detect(&detector, std::slice::from_ref(&frame))?.remove(0);
            tracing::info!("{} detections in {:.0?}", detections.len(), start.elapsed());
            let result = FrameResult {
                index: 0,
                seconds: None,
                detections,
            };
            Detected {
                width: frame.width(),
                height: frame.height(),
                frames: vec![result],
                showcase: (0, frame),
            }
        }
        #[cfg(feature = "video")]
        MediaKind::Video => detect_video(&detector, &args)?,
        #[cfg(not(feature = "video"))]
        MediaKind::Video => anyhow::bail!(
            "{} is not an image this build can read, and it reads no video (built without \
             the `video` feature)",
            args.input.display()
        ),
    };
    let best_detections = &frames
        .iter()
        .find(|f| f.index == showcase.0)
        .expect("the annotated frame is one of the results")
        .detections;
    annotate::draw(&showcase.1, best_detections)
        .save(&annotated)
        .with_context(|| format!("writing {}", annotated.display()))?;

    let report = Report {
        input: &args.input,
        device: &selected.description,
        model: detector.info(),
        width,
        height,
        frames,
        annotated,
    };
    println!("{}", serde_json::to_string_pretty(&report)?);
    Ok(())
}

fn detect(detector: &Detector, frames: &[Frame]) -> Result<Vec<Vec<Detection>>> {
    Ok(pollster::block_on(detector.detect(frames))?)
}

/// Streams the video through the detector in batches.
#[cfg(feature = "video")]
fn detect_video(detector: &Detector, args: &DetectArgs) -> Result<Detected> {
    let video = VideoFrames::open(&args.input)?;
    let (width, height) = (video.width(), video.height());
    let limit = args.max_frames.unwrap_or(u64::MAX);
    let mut results = Vec::new();
    let mut best: Option<(usize, u64, Frame)> = None;
    let mut batch = Vec::with_capacity(args.batch as usize);
    let start = Instant::now();
    let mut frames = video.take(limit as usize).peekable();
    while frames.peek().is_some() {
        batch.clear();
        for f in frames.by_ref().take(args.batch as usize) {
            batch.push(f?);
        }
        let images: Vec<Frame> = batch.iter().map(|f| f.frame.clone()).collect();
        for (timed, detections) in batch.drain(..).zip(detect(detector, &images)?) {
            if best.as_ref().is_none_or(|(n, _, _)| detections.len() > *n) {
                best = Some((detections.len(), timed.index, timed.frame));
            }
            results.push(FrameResult {
                index: timed.index,
                seconds: Some(timed.seconds),
                detections,
            });
        }
        tracing::info!("{} frames", results.len());
    }
    let (_, index, frame) = best.context("the video has no frames")?;
    let elapsed = start.elapsed().as_secs_f64();
    tracing::info!(
        "{} frames in {elapsed:.1} s ({:.1} frames/s)",
        results.len(),
        results.len() as f64 / elapsed
    );
    Ok(Detected {
        width,
        height,
        frames: results,
        showcase: (index, frame),
    })
}
