//! The analysis pipeline against its own baseline, on simulated clips:
//!
//! 1. speed: `netball analyze` with the person detector (YOLOv8s, the test assets'
//!    `best.pt`) on a 1080p clip, `--baseline` (one thread, full-resolution frames, batch 1)
//!    against the pipelined run on the same frames, with the time per stage of each;
//! 2. memory: peak resident memory while analysing a 4K clip (the run's own metric, read from
//!    its result: each run is its own process);
//! 3. tracking: oracle detections (10% misses, 2 px noise, 0.5 false detections a frame) on a
//!    longer clip, scored with `netball eval` (IDF1, ID switches per player per five minutes).
//!
//! ```text
//! cargo bench -p netball-server --bench analyze
//! NETBALL_BENCH_SECONDS=8 NETBALL_BENCH_TRACK_SECONDS=300 cargo bench -p netball-server --bench analyze
//! ```
//!
//! Every ratio is against a baseline measured in the same run. Needs the test assets
//! (`bash scripts/fetch-assets.sh`).

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use netball_shared::result::AnalysisResult;
use support::{env_f64, netball, simulate};

mod support;

fn asset(rel: &str) -> Result<PathBuf> {
    let root = std::env::var_os("NETBALL_ASSETS").map_or_else(
        || {
            PathBuf::from(std::env::var_os("HOME").unwrap_or_default())
                .join(".cache/netball-assets")
        },
        PathBuf::from,
    );
    let path = root.join(rel);
    if !path.is_file() {
        bail!(
            "missing {}: run `bash scripts/fetch-assets.sh`",
            path.display()
        );
    }
    Ok(path)
}

/// Runs `netball analyze` and returns its result (read back) and its wall time.
fn analyze(video: &Path, out: &Path, extra: &[&str]) -> Result<(AnalysisResult, f64)> {
    let mut args = vec![
        "analyze",
        video.to_str().context("utf-8 path")?,
        "-o",
        out.to_str().context("utf-8 path")?,
        "--no-cache",
    ];
    args.extend(extra);
    let started = Instant::now();
    netball(&args)?;
    let wall = started.elapsed().as_secs_f64();
    let stem = video.file_stem().context("a file name")?.to_string_lossy();
    let bytes = std::fs::read(out.join(&*stem).join("result.json"))?;
    Ok((AnalysisResult::from_json(&bytes)?, wall))
}

fn stage_rows(label: &str, result: &AnalysisResult) {
    for s in &result.metrics.stages {
        println!(
            "| {label} | {} | {} | {:.2} | {:.1} |",
            s.stage,
            s.items,
            s.busy_seconds,
            s.ms_per_item()
        );
    }
}

/// Detections of two runs on the same frames: the share of boxes with a partner of the same
/// class at IoU ≥ 0.9, and the counts.
fn agreement(a: &AnalysisResult, b: &AnalysisResult) -> (f64, usize, usize) {
    let (mut matched, mut total_a, mut total_b) = (0, 0, 0);
    for (fa, fb) in a.frames.iter().zip(&b.frames) {
        total_a += fa.detections.len();
        total_b += fb.detections.len();
        for d in &fa.detections {
            if fb
                .detections
                .iter()
                .any(|e| e.class_id == d.class_id && e.bbox.iou(&d.bbox) >= 0.9)
            {
                matched += 1;
            }
        }
    }
    (matched as f64 / total_a.max(1) as f64, total_a, total_b)
}

fn main() -> Result<()> {
    let seconds = env_f64("NETBALL_BENCH_SECONDS", 4.0);
    let track_seconds = env_f64("NETBALL_BENCH_TRACK_SECONDS", 60.0);
    let weights = asset("fall/best.pt")?;
    let weights = weights.to_str().context("utf-8 path")?;
    let dir = tempfile::tempdir()?;
    let out = dir.path().join("out");

    // 1. Speed at 1080p, model on the CPU.
    let (video, _) = simulate(dir.path(), "hd", 11, seconds, "1920x1080", &[])?;
    let model = ["--weights", weights, "--device", "cpu"];
    let (baseline, baseline_wall) = analyze(
        &video,
        &out.join("baseline"),
        &[&model[..], &["--baseline"]].concat(),
    )?;
    let (fast, fast_wall) = analyze(&video, &out.join("fast"), &model)?;
    let (same, a, b) = agreement(&baseline, &fast);
    println!(
        "## 1080p, {} frames, YOLOv8s 640 on the CPU\n",
        fast.frames.len()
    );
    println!("| run | wall s | frames/s | speed-up |");
    println!("|---|---|---|---|");
    println!(
        "| baseline | {baseline_wall:.1} | {:.2} | 1.00 |",
        baseline.frames.len() as f64 / baseline_wall
    );
    println!(
        "| pipelined | {fast_wall:.1} | {:.2} | {:.2} |",
        fast.frames.len() as f64 / fast_wall,
        baseline_wall / fast_wall
    );
    println!(
        "\ndetections: baseline {a}, pipelined {b}; {:.1}% of the baseline's have a same-class partner at IoU >= 0.9\n",
        same * 100.0
    );
    println!("| run | stage | items | busy s | ms/item |");
    println!("|---|---|---|---|---|");
    stage_rows("baseline", &baseline);
    stage_rows("pipelined", &fast);

    // 2. Memory at 4K.
    let (video, _) = simulate(dir.path(), "uhd", 11, 2.0, "3840x2160", &[])?;
    let (uhd, _) = analyze(&video, &out.join("uhd"), &model)?;
    let (uhd_base, _) = analyze(
        &video,
        &out.join("uhd-base"),
        &[&model[..], &["--baseline"]].concat(),
    )?;
    let mb = |r: &AnalysisResult| r.metrics.peak_rss_bytes.unwrap_or(0) as f64 / 1e6;
    println!(
        "\n## 4K, {} frames: peak resident memory\n",
        uhd.frames.len()
    );
    println!("| run | peak MB |");
    println!("|---|---|");
    println!("| baseline | {:.0} |", mb(&uhd_base));
    println!("| pipelined | {:.0} |", mb(&uhd));

    // 3. Tracking with oracle detections.
    let (video, truth) = simulate(dir.path(), "track", 11, track_seconds, "1280x720", &[])?;
    let truth_str = truth.to_str().context("utf-8 path")?;
    let (_, wall) = analyze(&video, &out.join("track"), &["--truth", truth_str])?;
    let result = out.join("track/track/result.json");
    let scores: serde_json::Value = serde_json::from_str(&netball(&[
        "eval",
        "--truth",
        truth_str,
        "--result",
        result.to_str().context("utf-8 path")?,
        "--json",
    ])?)?;
    let t = &scores["tracking"];
    let switches = t["id_switches"].as_f64().unwrap_or(f64::NAN);
    let people = t["gt_ids"].as_f64().unwrap_or(f64::NAN);
    println!(
        "\n## Tracking, oracle detections, {track_seconds} s at 720p (analysed in {wall:.1} s)\n"
    );
    println!("| HOTA | IDF1 | MOTA | ID switches | per person per 5 min | AP50 |");
    println!("|---|---|---|---|---|---|");
    println!(
        "| {:.3} | {:.3} | {:.3} | {switches} | {:.2} | {:.3} |",
        t["hota"].as_f64().unwrap_or(f64::NAN),
        t["idf1"].as_f64().unwrap_or(f64::NAN),
        t["mota"].as_f64().unwrap_or(f64::NAN),
        switches / people / (track_seconds / 300.0),
        scores["ap50"].as_f64().unwrap_or(f64::NAN),
    );
    Ok(())
}
