//! The analysis pipeline: decode → preprocess → detect → track → write.
//!
//! ```text
//!  decode ──► preprocess ──► detect ──► track ──► write
//!  (FFmpeg,    (pad and       (the model, (ByteTrack, (result.json,
//!   scaled to   normalise,     dynamic     ball, kit    CSV, MOT;
//!   model size) rayon)         batches)    colours)     streamed)
//! ```
//!
//! Each arrow is a bounded channel, so a slow stage holds the ones before it back and memory
//! stays flat whatever the length of the video. The model runs on the calling thread (one
//! model per device); the other stages get a thread each. A failing stage stops the run: its
//! channels close, the stages around it wind down, and the run returns that stage's error (not
//! the closed channels it caused); outputs of a failed run are removed.
//!
//! `Mode::Baseline` is the straightforward first version, kept as the reference for the
//! speed-up: one thread, every frame converted at full resolution and resized by the model's
//! letterbox, batch 1, repeated frames detected again.

mod baseline;
mod cache;
mod metrics;
pub mod oracle;
pub mod output;
mod stages;
mod tracking;
mod video;

use std::num::{NonZeroU32, NonZeroUsize};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use netball_shared::Detector;
use netball_shared::result::{
    AnalysisSettings, DetectorInfo, ResultHeader, RunMetrics, StageMetrics, VideoInfo,
};

use crate::decode::video::{DecodeOptions, StreamInfo, VideoFrames};
pub use cache::Cache;
pub use metrics::peak_rss_bytes;
pub use oracle::OracleSettings;
pub use output::OutputPaths;
use tracking::Tracking;

/// How the frames are processed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Stages on their own threads, frames decoded at the model's size, dynamic batches,
    /// repeated frames not detected again.
    Pipelined,
    /// The naive reference: sequential, full-resolution frames, batch 1.
    Baseline,
}

impl Mode {
    pub fn name(self) -> &'static str {
        match self {
            Mode::Pipelined => "pipelined",
            Mode::Baseline => "baseline",
        }
    }
}

/// Where detections come from.
pub enum Source<'a> {
    Model {
        detector: &'a Detector,
        /// The weights file, for the record and the cache key.
        weights: PathBuf,
        /// Most frames per model call; fewer when frames arrive slower than the model runs.
        batch: NonZeroUsize,
    },
    /// Boxes from a simulator truth file, degraded on purpose.
    Oracle {
        truth: PathBuf,
        settings: OracleSettings,
    },
}

impl Source<'_> {
    fn info(&self) -> DetectorInfo {
        match self {
            Source::Model {
                detector,
                weights,
                batch,
            } => {
                let info = detector.info();
                DetectorInfo::Model {
                    name: weights
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default(),
                    classes: info.classes.clone(),
                    input_size: info.input_size,
                    batch: batch.get(),
                }
            }
            Source::Oracle { settings, .. } => DetectorInfo::Oracle {
                classes: oracle::classes(),
                miss_rate: settings.miss_rate,
                noise_px: settings.noise_px,
                false_positives: settings.false_positives,
                seed: settings.seed,
            },
        }
    }

    /// The files the detections depend on.
    fn inputs(&self) -> Vec<&Path> {
        match self {
            Source::Model { weights, .. } => vec![weights],
            Source::Oracle { truth, .. } => vec![truth],
        }
    }

    /// The model's square input size, when there is a model.
    fn input_size(&self) -> Option<u32> {
        match self {
            Source::Model { detector, .. } => Some(detector.info().input_size),
            Source::Oracle { .. } => None,
        }
    }
}

/// Which frames, and how.
#[derive(Clone, Debug, PartialEq)]
pub struct RunSettings {
    pub mode: Mode,
    pub stride: NonZeroU32,
    pub start: Option<f64>,
    pub end: Option<f64>,
    /// Capacity of each channel between stages, in frames.
    pub queue: NonZeroUsize,
    /// Write the annotated video.
    pub video: bool,
}

/// What a finished run gives back.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub paths: OutputPaths,
    /// `None` when the result came from the cache.
    pub metrics: Option<RunMetrics>,
}

/// How many frames a run over `info` will analyse (for progress bars; exact for constant-rate
/// video with a known duration).
pub fn expected_frames(info: &StreamInfo, settings: &RunSettings) -> Option<u64> {
    let duration = info.duration?;
    let end = settings.end.map_or(duration, |e| e.min(duration));
    let start = settings.start.unwrap_or(0.0).min(end);
    let first = (start * info.fps).round() as u64;
    let last = (end * info.fps).round() as u64;
    let stride = u64::from(settings.stride.get());
    let first = first.div_ceil(stride) * stride;
    Some(if last > first {
        (last - first).div_ceil(stride)
    } else {
        0
    })
}

/// Opens a video to read what it is, without decoding it.
pub fn probe(video: &Path) -> Result<StreamInfo> {
    Ok(VideoFrames::open(video)?.info())
}

/// Analyses one video into `out`. `progress` is called once per frame written; `cancel` stops
/// the run (it then fails with "cancelled"). With a `cache`, a pipelined run whose inputs and
/// settings were analysed before copies that result instead; the baseline is never cached.
#[allow(clippy::too_many_arguments)]
pub fn analyze(
    video: &Path,
    source: &Source,
    analysis: &AnalysisSettings,
    run: &RunSettings,
    out: OutputPaths,
    cache: Option<&Cache>,
    progress: &(dyn Fn(u64) + Sync),
    cancel: &AtomicBool,
) -> Result<Outcome> {
    let started = Instant::now();
    let cache = cache.filter(|_| run.mode == Mode::Pipelined);
    // The range and stride are in the analysis settings, so they are in the key.
    let variant = if run.video { "video" } else { "no-video" };
    let key = cache
        .map(|_| Cache::key(video, &source.inputs(), &source.info(), analysis, variant))
        .transpose()?;
    if let (Some(cache), Some(key)) = (cache, &key)
        && cache.fetch(key, &out)?
    {
        return Ok(Outcome {
            paths: out,
            metrics: None,
        });
    }
    let result = analyze_inner(
        video, source, analysis, run, &out, progress, cancel, started,
    );
    match (&result, cache, &key) {
        (Err(_), _, _) => out.remove_partial(),
        (Ok(_), Some(cache), Some(key)) => {
            // A result that cannot be cached is still a result.
            if let Err(e) = cache.store(key, &out) {
                tracing::warn!("{e:#}");
            }
        }
        _ => {}
    }
    result
}

#[allow(clippy::too_many_arguments)]
fn analyze_inner(
    video: &Path,
    source: &Source,
    analysis: &AnalysisSettings,
    run: &RunSettings,
    out: &OutputPaths,
    progress: &(dyn Fn(u64) + Sync),
    cancel: &AtomicBool,
    started: Instant,
) -> Result<Outcome> {
    if let (Some(s), Some(e)) = (run.start, run.end)
        && e <= s
    {
        bail!("the end ({e} s) must come after the start ({s} s)");
    }
    let fit = match run.mode {
        Mode::Pipelined => source.input_size(),
        Mode::Baseline => None,
    };
    let decode = DecodeOptions {
        fit,
        stride: run.stride,
        start: run.start,
        end: run.end,
        // The baseline decodes as it was first written: on its own thread only.
        threaded: run.mode == Mode::Pipelined,
    };
    let info = VideoFrames::open_with(video, decode)?.info();
    let name = video
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let header = ResultHeader::new(
        VideoInfo {
            name,
            width: info.width,
            height: info.height,
            fps: info.fps,
            duration: info.duration,
        },
        source.info(),
        analysis.clone(),
    );
    let classes = header.detector.classes().to_vec();
    let floor = match &analysis.calibration {
        Some(c) => Some(c.for_size(info.width, info.height).with_context(|| {
            format!(
                "the calibration is for {}x{} frames, another view than this {}x{} video",
                c.width, c.height, info.width, info.height
            )
        })?),
        None => None,
    };
    let tracking = Tracking::new(analysis, &classes, (info.width, info.height), floor)
        .context("loading the bundled bib reader")?;
    let video_fps = run.video.then(|| info.fps / f64::from(run.stride.get()));
    let outputs = output::Outputs::start(out.clone(), &header)?;
    let job = stages::Job {
        video,
        decode,
        source,
        tracking,
        outputs,
        video_path: out.video(),
        video_fps,
        video_size: (info.width, info.height),
        queue: run.queue.get(),
        progress,
        cancel,
    };
    let (tracking, outputs, stages, repeated, analysed) = match run.mode {
        Mode::Pipelined => stages::run(job)?,
        Mode::Baseline => baseline::run(job)?,
    };
    if cancel.load(std::sync::atomic::Ordering::Relaxed) {
        bail!("cancelled");
    }
    let wall = started.elapsed().as_secs_f64();
    let metrics = RunMetrics {
        wall_seconds: wall,
        frames: analysed,
        frames_per_second: if wall > 0.0 {
            analysed as f64 / wall
        } else {
            0.0
        },
        repeated_frames: repeated,
        peak_rss_bytes: peak_rss_bytes(),
        mode: run.mode.name().into(),
        stages,
    };
    let summary = tracking.finish(metrics.clone());
    let paths = outputs
        .finish(&summary)
        .with_context(|| format!("writing the results to {}", out.dir.display()))?;
    Ok(Outcome {
        paths,
        metrics: Some(metrics),
    })
}

/// The stage metrics in pipeline order, for reports.
pub fn stage_table(stages: &[StageMetrics]) -> String {
    stages
        .iter()
        .map(|s| {
            format!(
                "{:<10} {:>8} items {:>9.2} s busy {:>8.2} ms/item",
                s.stage,
                s.items,
                s.busy_seconds,
                s.ms_per_item()
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}
