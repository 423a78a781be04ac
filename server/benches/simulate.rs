//! Simulator speed against real time: renders and encodes clips at 1080p25 (and optionally
//! 4K) and prints how many seconds of video each second of wall time produces. Real time is
//! the baseline: a ratio of 1.0 means a 90-second clip takes 90 seconds.
//!
//!     cargo bench -p netball-server --bench simulate
//!     NETBALL_BENCH_SECONDS=30 NETBALL_BENCH_4K=1 cargo bench -p netball-server --bench simulate

use std::time::Instant;

use netball_server::simulate::camera_rig::CameraView;
use netball_server::simulate::clip::{Clip, ClipSettings};
use netball_server::simulate::encode::EncodeSettings;
use netball_server::simulate::output::{Outputs, write_clip};
use netball_server::simulate::play::MatchConfig;
use netball_server::simulate::render::Effects;

fn settings(width: u32, height: u32, seconds: f64, view: CameraView) -> ClipSettings {
    ClipSettings {
        seed: 1,
        duration: seconds,
        width,
        height,
        fps: 25,
        view,
        k1: 0.0,
        effects: Effects::default(),
        game: MatchConfig::default(),
    }
}

fn main() -> anyhow::Result<()> {
    let seconds: f64 = std::env::var("NETBALL_BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10.0);
    let mut sizes = vec![(1920, 1080)];
    if std::env::var_os("NETBALL_BENCH_4K").is_some() {
        sizes.push((3840, 2160));
    }
    let dir = tempfile::tempdir()?;
    println!("| clip | stage | wall s | video s | x real time |");
    println!("|---|---|---|---|---|");
    for (width, height) in sizes {
        for view in [CameraView::Sideline, CameraView::Panning] {
            let label = format!("{width}x{height}@25 {view:?}");
            // Rendering alone, truth included (what the encoder must keep up with).
            let started = Instant::now();
            let mut clip = Clip::new(settings(width, height, seconds, view))?;
            let mut frames = 0u64;
            while let Some(truth) = clip.next_frame() {
                std::hint::black_box((truth, clip.pixels()[0]));
                frames += 1;
            }
            let render = started.elapsed().as_secs_f64();
            let video = frames as f64 / 25.0;
            println!(
                "| {label} | render | {render:.2} | {video:.1} | {:.2} |",
                video / render
            );
            for preset in ["veryfast", "ultrafast"] {
                let out = dir.path().join("bench.mp4");
                let written = write_clip(
                    settings(width, height, seconds, view),
                    &EncodeSettings {
                        fps: 25,
                        crf: 20,
                        preset: preset.into(),
                    },
                    Outputs {
                        video: &out,
                        truth: &dir.path().join("truth.json"),
                        gt: None,
                    },
                    |_, _| {},
                )?;
                let video = written.frames as f64 / 25.0;
                println!(
                    "| {label} | render + encode ({preset}) | {:.2} | {video:.1} | {:.2} |",
                    written.seconds,
                    video / written.seconds
                );
            }
        }
    }
    Ok(())
}
