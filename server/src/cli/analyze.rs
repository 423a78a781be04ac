//! `netball analyze <videos…> -o out/`: the whole pipeline over one or more videos.

use std::collections::{BTreeMap, BTreeSet};
use std::num::{NonZeroU32, NonZeroUsize};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Context, Result, bail};
use clap::Args;
use indicatif::{MultiProgress, ProgressBar};
use netball_server::device::{self, DeviceChoice};
use netball_server::model_import;
use netball_server::pipeline::{
    self, Cache, Mode, OracleSettings, OutputPaths, RunSettings, Source, expected_frames,
};
use netball_shared::camera::FrameCalibration;
use netball_shared::model::Precision;
use netball_shared::result::AnalysisSettings;
use netball_shared::rules::{OffsideSettings, RuleSettings};
use netball_shared::track::{BallTrackerSettings, ByteTrackSettings, StitchSettings, TeamSettings};
use netball_shared::{DetectConfig, Detector, ModelFile};

use super::options::{parse_duration, progress_bar};

#[derive(Args)]
pub struct AnalyzeArgs {
    /// Videos to analyse (anything FFmpeg reads).
    #[arg(required = true)]
    videos: Vec<PathBuf>,
    /// Folder for the results: one sub-folder per video.
    #[arg(short, long)]
    out: PathBuf,
    /// Videos analysed at the same time, sharing one copy of the model.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=64))]
    jobs: u16,
    /// Model weights: a model file (.bpk) or an Ultralytics checkpoint [default: the default
    /// model]. Ignored with --truth.
    #[arg(long)]
    weights: Option<PathBuf>,
    /// Class names, comma-separated, for a checkpoint that does not carry them (as with
    /// `netball model import`). People are tracked by class name: player, umpire, person,
    /// Normal, Fall; the ball is ball or "sports ball".
    #[arg(long, value_delimiter = ',')]
    classes: Option<Vec<String>>,
    /// Oracle detections from a simulator truth file instead of a model: give one per video,
    /// in the same order.
    #[arg(long)]
    truth: Vec<PathBuf>,
    /// Oracle: share of objects missed per frame.
    #[arg(long, default_value_t = OracleSettings::default().miss_rate)]
    oracle_misses: f64,
    /// Oracle: noise on box edges, pixels (standard deviation).
    #[arg(long, default_value_t = OracleSettings::default().noise_px)]
    oracle_noise: f64,
    /// Oracle: false detections per frame (mean).
    #[arg(long, default_value_t = OracleSettings::default().false_positives)]
    oracle_false: f64,
    /// Oracle: seed of its random draws.
    #[arg(long, default_value_t = 0)]
    oracle_seed: u64,
    /// Where to run the model.
    #[arg(long, value_enum, default_value_t = DeviceChoice::Auto)]
    device: DeviceChoice,
    /// Most frames per model call.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=256))]
    batch: u16,
    /// The float type the model computes in: f16 runs autotuned half-precision kernels on a
    /// GPU's tensor cores (f32 only on the CPU).
    #[arg(long, default_value_t = Precision::F32)]
    precision: Precision,
    /// Analyse every n-th frame.
    #[arg(long, default_value_t = NonZeroU32::MIN)]
    stride: NonZeroU32,
    /// Start this far into the video (90s, 1m30s, or seconds).
    #[arg(long, value_parser = parse_duration)]
    start: Option<f64>,
    /// Stop this far into the video.
    #[arg(long, value_parser = parse_duration)]
    end: Option<f64>,
    /// The naive reference path: one thread, full-resolution frames, batch 1.
    #[arg(long)]
    baseline: bool,
    /// Minimum class probability of a detection.
    #[arg(long, default_value_t = DetectConfig::default().confidence)]
    confidence: f32,
    /// ByteTrack: detections at or above this score are confident.
    #[arg(long, default_value_t = ByteTrackSettings::default().high_score)]
    track_high: f32,
    /// ByteTrack: detections below this are ignored.
    #[arg(long, default_value_t = ByteTrackSettings::default().low_score)]
    track_low: f32,
    /// ByteTrack: least score to start a track.
    #[arg(long, default_value_t = ByteTrackSettings::default().new_track_score)]
    track_new: f32,
    /// ByteTrack: frames a lost track is kept to be found again.
    #[arg(long, default_value_t = ByteTrackSettings::default().lost_frames)]
    track_lost: u32,
    /// Longest gap (analysed frames) in a track filled with interpolated boxes once the track
    /// is matched again; 0 fills none. At most the identity lag.
    #[arg(long, default_value_t = ByteTrackSettings::default().fill_gaps)]
    fill_gaps: u32,
    /// The camera's floor map from `netball calibrate` (its JSON): puts each track's feet on
    /// the court, in result.json and tracks.csv. One view for every video given.
    #[arg(long)]
    calibration: Option<PathBuf>,
    /// Roles of tracks set by hand, for the rules: a CSV file `track,position,attacking`
    /// (`12,GS,high`), with the track ids of an earlier run. Needs --calibration.
    #[arg(long, requires = "calibration")]
    positions: Option<PathBuf>,
    /// Metres a player's feet must be beyond her areas for an offside.
    #[arg(long, default_value_t = OffsideSettings::default().tolerance_m)]
    offside_tolerance: f32,
    /// Seconds a player's feet must stay beyond her areas for an offside.
    #[arg(long, default_value_t = OffsideSettings::default().persistence_s)]
    offside_persistence: f64,
    /// Without --positions, judge offside by the roles read from the bibs (each track's most
    /// read position; the end her team's GS and GK stand at). Needs --calibration. Many false
    /// flags where tracks move between players: see docs/performance.md.
    #[arg(long, requires = "calibration")]
    read_roles: bool,
    /// Do not read the letters on bibs (tracks then keep players apart by boxes and kit
    /// colours only).
    #[arg(long)]
    no_bibs: bool,
    /// Frames tracks are held back so later identity corrections reach them (memory: this
    /// many frames at the analysed size).
    #[arg(long, default_value_t = 50)]
    identity_lag: u32,
    /// With a calibration: metres beyond a box's bottom edge, away from the camera (square to
    /// the image's rows on the floor), where a player's court position is taken (the edge
    /// shows the front of her feet, not the middle of where she stands).
    #[arg(long, default_value_t = 0.25)]
    feet_depth: f32,
    /// Do not join tracklets into players at the end (tracklets of one team and bib position
    /// never seen together, and tracklets without a bib that continue one another).
    #[arg(long)]
    no_stitch: bool,
    /// Analysed frames two tracklets of one player may share and still be joined.
    #[arg(long, default_value_t = StitchSettings::default().max_overlap)]
    stitch_overlap: u32,
    /// Longest gap, seconds, between two tracklets without a bib position chained into one
    /// (the second beginning where the first's person could have run to).
    #[arg(long, default_value_t = StitchSettings::default().max_gap_s)]
    stitch_gap: f64,
    /// Do not write the annotated video (annotated.mp4).
    #[arg(long)]
    no_video: bool,
    /// Analyse again even when the same analysis is in the cache.
    #[arg(long)]
    no_cache: bool,
    /// Where analyses are cached [default: <data dir>/cache].
    #[arg(long)]
    cache_dir: Option<PathBuf>,
    /// Channel capacity between stages, frames.
    #[arg(long, default_value_t = NonZeroUsize::new(16).expect("non-zero"))]
    queue: NonZeroUsize,
}

impl AnalyzeArgs {
    fn analysis(&self) -> AnalysisSettings {
        // The tracker sees every analysed frame; with a stride, "lost for n frames" means
        // n analysed frames.
        AnalysisSettings {
            stride: self.stride.get(),
            start: self.start,
            end: self.end,
            detect: DetectConfig {
                // Low-score detections feed ByteTrack's second round.
                confidence: self.confidence.min(self.track_low),
                precision: self.precision,
                ..DetectConfig::default()
            },
            people: ByteTrackSettings {
                high_score: self.track_high,
                low_score: self.track_low,
                new_track_score: self.track_new,
                lost_frames: self.track_lost,
                fill_gaps: self.fill_gaps,
                ..ByteTrackSettings::default()
            },
            ball: BallTrackerSettings::default(),
            teams: TeamSettings::default(),
            calibration: None,
            feet_depth_m: self.feet_depth,
            roles: BTreeMap::new(),
            rules: RuleSettings {
                offside: OffsideSettings {
                    tolerance_m: self.offside_tolerance,
                    persistence_s: self.offside_persistence,
                    read_roles: self.read_roles,
                    ..OffsideSettings::default()
                },
                ..RuleSettings::default()
            },
            read_bibs: !self.no_bibs,
            identity_lag: self.identity_lag,
            stitch: StitchSettings {
                enabled: !self.no_stitch,
                max_overlap: self.stitch_overlap,
                max_gap_s: self.stitch_gap,
                ..StitchSettings::default()
            },
            events: Default::default(),
        }
    }

    fn run_settings(&self) -> RunSettings {
        RunSettings {
            mode: if self.baseline {
                Mode::Baseline
            } else {
                Mode::Pipelined
            },
            stride: self.stride,
            start: self.start,
            end: self.end,
            queue: self.queue,
            video: !self.no_video,
        }
    }

    fn oracle(&self) -> OracleSettings {
        OracleSettings {
            miss_rate: self.oracle_misses,
            noise_px: self.oracle_noise,
            false_positives: self.oracle_false,
            seed: self.oracle_seed,
        }
    }
}

/// A folder name from a video's file name that is safe on every file system: anything but
/// letters, digits, `-`, `_` and `.` becomes `_`, no leading dot, and repeats get `-2`, `-3`.
fn folder_names(videos: &[PathBuf]) -> Vec<String> {
    let mut taken = BTreeSet::new();
    videos
        .iter()
        .map(|v| {
            let stem = v
                .file_stem()
                .map(|s| s.to_string_lossy())
                .unwrap_or_default();
            let mut name: String = stem
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                        c
                    } else {
                        '_'
                    }
                })
                .take(100)
                .collect();
            name = name.trim_start_matches('.').to_owned();
            if name.is_empty() {
                name = "video".into();
            }
            let mut unique = name.clone();
            let mut n = 2;
            while !taken.insert(unique.clone()) {
                unique = format!("{name}-{n}");
                n += 1;
            }
            unique
        })
        .collect()
}

/// What the model jobs share: the weights' path and the device.
struct ModelSpec {
    weights: PathBuf,
    classes: Option<Vec<String>>,
    device: device::SelectedDevice,
    batch: NonZeroUsize,
    config: DetectConfig,
    /// Burn's own operations on the CPU, not the fast path (the baseline's model as first
    /// written).
    burn_ops: bool,
}

pub fn run(args: AnalyzeArgs) -> Result<()> {
    ffmpeg_next::util::log::set_level(ffmpeg_next::util::log::Level::Error);
    anyhow::ensure!(
        (0.0..=2.0).contains(&args.feet_depth),
        "--feet-depth {} is not a distance from 0 to 2 m",
        args.feet_depth
    );
    if !args.truth.is_empty() && args.truth.len() != args.videos.len() {
        bail!(
            "--truth is given {} times for {} videos: give one truth file per video, in order",
            args.truth.len(),
            args.videos.len()
        );
    }
    let model = if args.truth.is_empty() {
        let weights = args
            .weights
            .clone()
            .unwrap_or_else(super::default_model_path);
        if !weights.exists() {
            bail!(
                "no model at {}: pass --weights, run `netball model import <checkpoint>`, or \
                 use oracle detections with --truth",
                weights.display()
            );
        }
        // Checked once here, so a bad file fails before any video starts.
        let file = model_import::load_weights(&weights)?;
        if let Some(classes) = &args.classes {
            anyhow::ensure!(
                classes.len() == file.info().classes.len(),
                "--classes names {} classes but the model predicts {}",
                classes.len(),
                file.info().classes.len()
            );
        }
        drop(file);
        let device = device::select(args.device)?;
        tracing::info!("running on {}", device.description);

        Some(ModelSpec {
            weights,
            classes: args.classes.clone(),
            device,
            batch: NonZeroUsize::new(usize::from(args.batch)).context("--batch is at least 1")?,
            config: DetectConfig {
                confidence: args.confidence.min(args.track_low),
                precision: args.precision,
                ..DetectConfig::default()
            },
            burn_ops: args.baseline,
        })
    } else {
        None
    };
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;

    let names = folder_names(&args.videos);
    let bars = MultiProgress::new();
    let overall = bars.add(progress_bar(0, "frames (all videos)"));
    let queue: Mutex<Vec<usize>> = Mutex::new((0..args.videos.len()).rev().collect());
    let failures: Mutex<Vec<(usize, anyhow::Error)>> = Mutex::new(Vec::new());
    let cancel = cancel_on_ctrl_c();
    let mut analysis = args.analysis();
    if let Some(path) = &args.calibration {
        let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        let calibration: FrameCalibration = serde_json::from_slice(&bytes).with_context(|| {
            format!(
                "{}: not a calibration (write one with `netball calibrate`)",
                path.display()
            )
        })?;
        analysis.calibration = Some(calibration);
    }
    if let Some(path) = &args.positions {
        analysis.roles = super::roles::read(path)?;
    }
    let settings = args.run_settings();
    let cache = (!args.no_cache).then(|| {
        Cache::new(
            args.cache_dir
                .clone()
                .unwrap_or_else(|| super::data_dir().join("cache")),
        )
    });

    // One model for every job: the weights are loaded once, and the jobs' passes share them
    // (the CPU fast path's layers spread over one thread pool, a GPU queues their work).
    let detector = model.as_ref().map(load_detector).transpose()?;
    let detector = detector.as_ref();
    std::thread::scope(|s| {
        for _ in 0..args.jobs.min(args.videos.len() as u16) {
            s.spawn(|| {
                loop {
                    if cancel.load(Ordering::Relaxed) {
                        break;
                    }
                    let Some(i) = queue.lock().expect("not poisoned").pop() else {
                        break;
                    };
                    let video = &args.videos[i];
                    let source = match (detector, &model) {
                        (Some(detector), Some(spec)) => Source::Model {
                            detector,
                            weights: spec.weights.clone(),
                            batch: spec.batch,
                        },
                        _ => Source::Oracle {
                            truth: args.truth[i].clone(),
                            settings: args.oracle(),
                        },
                    };
                    let out = OutputPaths::new(args.out.join(&names[i]));
                    let result = analyze_one(
                        video,
                        &source,
                        &analysis,
                        &settings,
                        out,
                        cache.as_ref(),
                        &bars,
                        &overall,
                        cancel,
                    );
                    match result {
                        Ok(summary) => {
                            bars.suspend(|| println!("{summary}"));
                        }
                        Err(e) => failures.lock().expect("not poisoned").push((i, e)),
                    }
                }
            });
        }
    });
    overall.finish_and_clear();

    let failures = failures.into_inner().expect("not poisoned");
    for (i, e) in &failures {
        let message = format!("{e:#}");
        match args.videos.get(*i) {
            // Errors from opening a file already name it.
            Some(video) if !message.contains(&*video.to_string_lossy()) => {
                eprintln!("error: {}: {message}", video.display());
            }
            _ => eprintln!("error: {message}"),
        }
    }
    if !failures.is_empty() {
        bail!(
            "{} of {} videos failed",
            failures.len().min(args.videos.len()),
            args.videos.len()
        );
    }
    Ok(())
}

/// A flag raised by the first Ctrl-C: the runs stop at their next frame, remove their partial
/// outputs and report "cancelled"; a second Ctrl-C quits at once. Watched by a thread of its
/// own with tokio's portable signal handling (already a dependency, for the server).
fn cancel_on_ctrl_c() -> &'static AtomicBool {
    static CANCEL: AtomicBool = AtomicBool::new(false);
    let watcher = std::thread::Builder::new().name("ctrl-c".into()).spawn(|| {
        let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        else {
            return;
        };
        runtime.block_on(async {
            if tokio::signal::ctrl_c().await.is_ok() {
                CANCEL.store(true, Ordering::Relaxed);
                eprintln!("stopping after the current frames (Ctrl-C again quits at once)");
            }
            if tokio::signal::ctrl_c().await.is_ok() {
                std::process::exit(130);
            }
        });
    });
    if let Err(e) = watcher {
        tracing::warn!("Ctrl-C will not stop runs cleanly: {e}");
    }
    &CANCEL
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn load_detector(spec: &ModelSpec) -> Result<Detector> {
    let mut file = model_import::load_weights(&spec.weights)?;
    if let Some(classes) = &spec.classes {
        let mut info = file.info().clone();
        info.classes.clone_from(classes);
        file = ModelFile::new(info, file.into_tensors())?;
    }
    let device = spec.device.device.clone();
    Ok(if spec.burn_ops {
        Detector::with_burn_ops(file, device, spec.config)?
    } else {
        Detector::new(file, device, spec.config)?
    })
}

#[allow(clippy::too_many_arguments)]
fn analyze_one(
    video: &Path,
    source: &Source,
    analysis: &AnalysisSettings,
    settings: &RunSettings,
    out: OutputPaths,
    cache: Option<&Cache>,
    bars: &MultiProgress,
    overall: &ProgressBar,
    cancel: &AtomicBool,
) -> Result<String> {
    let info = pipeline::probe(video)?;
    let expected = expected_frames(&info, settings).unwrap_or(0);
    overall.inc_length(expected);
    let bar = bars.insert_before(overall, progress_bar(expected, "frames"));
    bar.set_prefix(format!("{} ", file_name(video)));
    let progress = |n: u64| {
        bar.inc(n);
        overall.inc(n);
    };
    let outcome = pipeline::analyze(
        video, source, analysis, settings, out, cache, &progress, cancel,
    );
    bar.finish_and_clear();
    let outcome = outcome?;
    let Some(m) = &outcome.metrics else {
        overall.inc(expected.saturating_sub(bar.position()));
        return Ok(format!(
            "{}: the same analysis was cached -> {}",
            video.display(),
            outcome.paths.dir.display()
        ));
    };
    Ok(format!(
        "{}: {} frames in {:.1} s ({:.1} frames/s, peak memory {}) -> {}\n{}",
        video.display(),
        m.frames,
        m.wall_seconds,
        m.frames_per_second,
        m.peak_rss_bytes
            .map_or("unknown".into(), |b| format!("{:.0} MB", b as f64 / 1e6)),
        outcome.paths.dir.display(),
        pipeline::stage_table(&m.stages)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folder_names_are_safe_and_unique() {
        let names = folder_names(&[
            PathBuf::from("a/match one.mp4"),
            PathBuf::from("b/match one.mp4"),
            PathBuf::from("../../etc/passwd"),
            PathBuf::from("..mp4"),
            PathBuf::from("x/$(rm -rf).mkv"),
        ]);
        assert_eq!(
            names,
            ["match_one", "match_one-2", "passwd", "video", "__rm_-rf_"]
        );
    }
}
