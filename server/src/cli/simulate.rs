//! `netball simulate`: renders a simulated match to H.264 video with its exact truth.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use netball_server::simulate::camera_rig::CameraView;
use netball_server::simulate::clip::ClipSettings;
use netball_server::simulate::encode::EncodeSettings;
use netball_server::simulate::events::ViolationKind;
use netball_server::simulate::output::{Outputs, write_clip};
use netball_server::simulate::play::MatchConfig;
use netball_server::simulate::render::Effects;

use super::options::{parse_duration, parse_resolution, progress_bar};

#[derive(Args)]
pub struct SimulateArgs {
    /// The seed: the same seed and settings give the same clip, frame for frame.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// How much play to film from the first centre pass ("90s", "15m", "1h"); at most the match.
    #[arg(long, default_value = "90s", value_parser = parse_duration)]
    duration: f64,
    #[arg(long, default_value = "1920x1080", value_parser = parse_resolution)]
    resolution: (u32, u32),
    #[arg(long, default_value_t = 25)]
    fps: u32,
    /// The video to write (H.264 in MP4).
    #[arg(long)]
    out: PathBuf,
    /// The truth to write (JSON, see docs/truth-format.md).
    #[arg(long)]
    truth: PathBuf,
    /// Also write the tracks as MOTChallenge gt.txt.
    #[arg(long)]
    gt: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = CameraView::Sideline)]
    view: CameraView,
    /// Violations to cause, comma separated (all are recorded in the truth whenever they happen).
    #[arg(long, value_enum, value_delimiter = ',')]
    violations: Vec<ViolationKind>,
    /// About how often to cause one of them.
    #[arg(long, default_value = "20s", value_parser = parse_duration)]
    violation_every: f64,
    /// Length of a period of play.
    #[arg(long, default_value = "15m", value_parser = parse_duration)]
    period_length: f64,
    #[arg(long, default_value_t = 4)]
    periods: u8,
    /// Radial lens distortion k1 (negative: barrel, as wide lenses).
    #[arg(long, default_value_t = 0.0, allow_hyphen_values = true)]
    distortion: f64,
    /// Sensor noise, standard deviation in 8-bit levels.
    #[arg(long, default_value_t = 0.0)]
    noise: f32,
    /// Smear the ball along its path in each frame.
    #[arg(long)]
    motion_blur: bool,
    /// libx264 quality (0-51, lower is better; 30+ shows compression artefacts).
    #[arg(long, default_value_t = 20)]
    crf: u8,
    /// libx264 preset (ultrafast .. veryslow).
    #[arg(long, default_value = "veryfast")]
    preset: String,
}

pub fn run(args: SimulateArgs) -> Result<()> {
    // libx264 reports its settings and statistics at FFmpeg's default level; keep warnings only.
    ffmpeg_next::util::log::set_level(ffmpeg_next::util::log::Level::Warning);
    let (width, height) = args.resolution;
    let settings = ClipSettings {
        seed: args.seed,
        duration: args.duration,
        width,
        height,
        fps: args.fps,
        view: args.view,
        k1: args.distortion,
        effects: Effects {
            noise: args.noise,
            motion_blur: args.motion_blur,
        },
        game: MatchConfig {
            period_seconds: args.period_length,
            periods: args.periods,
            violations: args.violations,
            violation_interval: args.violation_every,
            ..MatchConfig::default()
        },
    };
    let total = settings.frames();
    let bar = progress_bar(total, "frames");
    let written = write_clip(
        settings,
        &EncodeSettings {
            fps: args.fps,
            crf: args.crf,
            preset: args.preset,
        },
        Outputs {
            video: &args.out,
            truth: &args.truth,
            gt: args.gt.as_deref(),
        },
        |done, _| bar.set_position(done),
    )?;
    bar.finish_and_clear();
    let video_seconds = written.frames as f64 / f64::from(args.fps);
    println!(
        "wrote {} ({} frames, {:.1} s of play, score {}-{}, {} events) and {} in {:.1} s: {:.2}x real time",
        args.out.display(),
        written.frames,
        video_seconds,
        written.score[0],
        written.score[1],
        written.events,
        args.truth.display(),
        written.seconds,
        video_seconds / written.seconds
    );
    Ok(())
}
