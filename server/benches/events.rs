//! Match events and the rules judged on them against the simulator's truth, video to result:
//! for each seed a clip is simulated, calibrated from its painted lines (`netball calibrate`),
//! analysed with oracle detections (the truth's boxes with the usual misses, noise and false
//! detections) and scored by `netball eval`; the counts are summed over the clips.
//!
//! ```text
//! cargo bench -p netball-server --bench events
//! NETBALL_BENCH_SEEDS="11 21 22" NETBALL_BENCH_SECONDS=120 NETBALL_BENCH_RESOLUTION=1280x720 \
//!     cargo bench -p netball-server --bench events
//! NETBALL_BENCH_SEEDS="51 52 53 54 55 56" \
//!     NETBALL_BENCH_VIOLATIONS=obstruction,over-a-third,breaking NETBALL_BENCH_VIOLATION_EVERY=8s \
//!     cargo bench -p netball-server --bench events
//! ```
//!
//! `NETBALL_BENCH_VIOLATIONS` has the simulator cause those violations (`netball simulate
//! --violations`) about every `NETBALL_BENCH_VIOLATION_EVERY`; without it, only the ones that
//! happen in play are in the truth.
//!
//! The event settings were tuned on seeds 11 and 21-25; the default seeds, 26-31, were not
//! looked at while tuning.

use std::collections::BTreeMap;

use anyhow::{Context, Result};
use serde_json::Value;
use support::{env_f64, netball, simulate};

mod support;

fn main() -> Result<()> {
    let seconds = env_f64("NETBALL_BENCH_SECONDS", 60.0);
    let seeds: Vec<u64> = std::env::var("NETBALL_BENCH_SEEDS")
        .unwrap_or_else(|_| "26 27 28 29 30 31".into())
        .split_whitespace()
        .map(|s| s.parse().context("NETBALL_BENCH_SEEDS: seeds are numbers"))
        .collect::<Result<_>>()?;
    let resolution =
        std::env::var("NETBALL_BENCH_RESOLUTION").unwrap_or_else(|_| "1920x1080".into());
    let violations = std::env::var("NETBALL_BENCH_VIOLATIONS").ok();
    let every = std::env::var("NETBALL_BENCH_VIOLATION_EVERY").unwrap_or_else(|_| "8s".into());
    let mut extra = Vec::new();
    if let Some(violations) = &violations {
        extra.extend(["--violations", violations, "--violation-every", &every]);
    }
    let dir = tempfile::tempdir()?;
    // Kind -> truth, found, matched, right player.
    let mut totals: BTreeMap<String, [u64; 4]> = BTreeMap::new();
    for &seed in &seeds {
        let name = format!("s{seed}");
        let (video, truth) = simulate(dir.path(), &name, seed, seconds, &resolution, &extra)?;
        let (video, truth) = (video.to_string_lossy(), truth.to_string_lossy());
        let calibration = dir.path().join(format!("{name}.cal.json"));
        let calibration = calibration.to_string_lossy();
        let out = dir.path().join(&name).to_string_lossy().into_owned();
        let mut analyze = vec!["analyze", &video, "-o", &out, "--no-cache", "--no-video"];
        analyze.extend(["--truth", &truth]);
        // A clip whose lines cannot be found is still analysed, in the picture alone.
        match netball(&["calibrate", &video, "-o", &calibration]) {
            Ok(_) => analyze.extend(["--calibration", &calibration]),
            Err(e) => eprintln!("seed {seed}: no calibration ({e})"),
        }
        netball(&analyze)?;
        let result = format!("{out}/{name}/result.json");
        let report: Value = serde_json::from_str(&netball(&[
            "eval", "--truth", &truth, "--result", &result, "--json",
        ])?)?;
        let events = report["events"]
            .as_object()
            .context("eval printed no events")?;
        let mut line = format!("seed {seed}:");
        for (kind, k) in events {
            let n = |f: &str| k[f].as_u64().unwrap_or(0);
            let counts = [n("truth"), n("found"), n("matched"), n("right_player")];
            line += &format!(" {kind} {}/{}/{}", counts[2], counts[0], counts[1]);
            let total = totals.entry(kind.clone()).or_default();
            for (t, c) in total.iter_mut().zip(counts) {
                *t += c;
            }
        }
        eprintln!("{line} (matched/truth/found)");
    }

    println!(
        "{} clips of {seconds} s at {resolution} (seeds {seeds:?}), oracle detections{}",
        seeds.len(),
        violations.map_or(String::new(), |v| format!(", {v} caused every {every}")),
    );
    println!("| event | truth | found | matched | precision | recall | F1 | right player |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    let ratio = |a: u64, b: u64| if b == 0 { 1.0 } else { a as f64 / b as f64 };
    for (kind, [truth, found, matched, right]) in &totals {
        println!(
            "| {kind} | {truth} | {found} | {matched} | {:.3} | {:.3} | {:.3} | {right} of {matched} |",
            ratio(*matched, *found),
            ratio(*matched, *truth),
            ratio(2 * matched, truth + found),
        );
    }
    Ok(())
}
