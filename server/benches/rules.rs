//! The rules' logic against the simulator's truth, video to result: oracle detections (the
//! truth's boxes with the usual misses, noise and false detections), the simulator's floor map
//! as the calibration, and oracle roles (each track's position and attacking end by a vote
//! over the truth players its boxes cover), so what is measured is the rules alone.
//!
//! ```text
//! cargo bench -p netball-server --bench rules
//! NETBALL_BENCH_SECONDS=120 cargo bench -p netball-server --bench rules
//! ```
//!
//! Offside: a flag is right when it names, at its first frame, the truth player of a truth
//! offside and the two overlap in time (0.5 s of slack either side). Prints precision and
//! recall, matched one to one, and apart from tracking: the flags raised while the track
//! covered the player it took its role from, and how many of those are right. (A track that
//! switches to another player keeps its role, and her feet break it.)

use std::collections::HashMap;
use std::path::Path;

use anyhow::Result;
use netball_server::simulate::events::{EventKind, ViolationKind};
use netball_server::simulate::team::Team;
use netball_server::simulate::truth::{ObjectClass, Truth};
use netball_shared::court::{End, Position};
use netball_shared::result::AnalysisResult;
use support::{env_f64, netball, simulate};

mod support;

/// Seconds a flag and a truth offside may be apart and still be the same.
const SLACK: f64 = 0.5;

fn iou(a: [f32; 4], b: [f32; 4]) -> f32 {
    let w = (a[2].min(b[2]) - a[0].max(b[0])).max(0.0);
    let h = (a[3].min(b[3]) - a[1].max(b[1])).max(0.0);
    let inter = w * h;
    let area = |r: [f32; 4]| (r[2] - r[0]) * (r[3] - r[1]);
    inter / (area(a) + area(b) - inter).max(1e-6)
}

/// The truth player under each track's box in each frame (IoU > 0.5): `(frame, track)` to id.
fn truth_ids(result: &AnalysisResult, truth: &Truth) -> HashMap<(u64, u32), u32> {
    let frames: HashMap<u64, _> = truth.frames.iter().map(|f| (f.frame, f)).collect();
    let mut ids = HashMap::new();
    for frame in &result.frames {
        let Some(t) = frames.get(&frame.frame) else {
            continue;
        };
        for track in &frame.tracks {
            let b = [track.bbox.x1, track.bbox.y1, track.bbox.x2, track.bbox.y2];
            let best = t
                .objects
                .iter()
                .filter(|o| o.class == ObjectClass::Player)
                .map(|o| (iou(o.bbox, b), o.id))
                .filter(|&(v, _)| v > 0.5)
                .max_by(|a, b| a.0.total_cmp(&b.0));
            if let Some((_, id)) = best {
                ids.insert((frame.frame, track.id), id);
            }
        }
    }
    ids
}

fn main() -> Result<()> {
    let seconds = env_f64("NETBALL_BENCH_SECONDS", 60.0);
    let dir = tempfile::tempdir()?;
    let path = |name: &str| dir.path().join(name).to_string_lossy().into_owned();
    let (video, truth_path) = simulate(
        dir.path(),
        "rules",
        11,
        seconds,
        "1280x720",
        &["--violations", "offside", "--violation-every", "8s"],
    )?;
    let (video, truth_path) = (
        video.to_string_lossy().into_owned(),
        truth_path.to_string_lossy().into_owned(),
    );
    let truth: Truth = serde_json::from_slice(&std::fs::read(&truth_path)?)?;
    let calibration = path("cal.json");
    std::fs::write(
        &calibration,
        serde_json::json!({
            "width": truth.header.width,
            "height": truth.header.height,
            "homography": truth.frames[0].camera.homography.0,
        })
        .to_string(),
    )?;
    let moved = truth
        .frames
        .iter()
        .any(|f| f.camera.homography != truth.frames[0].camera.homography);
    if moved {
        eprintln!("note: the camera moves; the first frame's floor map is used throughout");
    }

    // 1. Tracks, then each one's role by vote over the truth players it covers.
    let analyze = |out: &str, extra: &[&str]| -> Result<AnalysisResult> {
        let mut args = vec![
            "analyze",
            &video,
            "-o",
            out,
            "--no-cache",
            "--no-video",
            "--truth",
            &truth_path,
            "--calibration",
            &calibration,
        ];
        args.extend(extra);
        netball(&args)?;
        Ok(AnalysisResult::from_json(&std::fs::read(
            Path::new(out).join("rules/result.json"),
        )?)?)
    };
    let first = analyze(&path("first"), &[])?;
    let ids = truth_ids(&first, &truth);
    let people: HashMap<u32, (Team, Position)> = truth
        .frames
        .iter()
        .flat_map(|f| &f.objects)
        .filter_map(|o| Some((o.id, (o.team?, o.position?))))
        .collect();
    let home_attacks = truth.frames[0].home_attacks;
    let mut votes: HashMap<u32, HashMap<u32, u32>> = HashMap::new();
    for (&(_, track), &id) in &ids {
        *votes.entry(track).or_default().entry(id).or_default() += 1;
    }
    let mut roles = String::from("track,position,attacking\n");
    for (track, counts) in &votes {
        let (&id, _) = counts.iter().max_by_key(|&(id, n)| (*n, *id)).unwrap();
        let Some(&(team, position)) = people.get(&id) else {
            continue;
        };
        let attacking = match team {
            Team::Home => home_attacks,
            Team::Away => home_attacks.opposite(),
        };
        let end = if attacking == End::Low { "low" } else { "high" };
        roles.push_str(&format!("{track},{position},{end}\n"));
    }
    let positions = path("positions.csv");
    std::fs::write(&positions, roles)?;

    // 2. The rules on those roles.
    let result = analyze(&path("second"), &["--positions", &positions])?;
    let ids = truth_ids(&result, &truth);
    let wanted: Vec<(u32, f64, f64)> = truth
        .events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::Violation {
                violation: ViolationKind::Offside,
                player,
                end,
                ..
            } => Some((player, e.time, end)),
            _ => None,
        })
        .collect();
    let voted: HashMap<u32, u32> = votes
        .iter()
        .map(|(&track, counts)| {
            let (&id, _) = counts.iter().max_by_key(|&(id, n)| (*n, *id)).unwrap();
            (track, id)
        })
        .collect();
    let mut taken = vec![false; wanted.len()];
    let (mut right, mut own, mut own_right) = (0, 0, 0);
    for flag in &result.flags {
        let who = flag
            .players
            .first()
            .and_then(|&t| ids.get(&(flag.frame, t)));
        let hit = wanted
            .iter()
            .enumerate()
            .position(|(i, &(player, from, to))| {
                !taken[i]
                    && who == Some(&player)
                    && flag.time <= to + SLACK
                    && flag.time + flag.duration >= from - SLACK
            });
        if let Some(i) = hit {
            taken[i] = true;
            right += 1;
        }
        // Tracking apart: did the track cover the player whose role it was given?
        let voted = flag.players.first().and_then(|t| voted.get(t));
        if who.is_some() && who == voted {
            own += 1;
            own_right += usize::from(hit.is_some());
        }
    }
    let flags = result.flags.len();
    let found = taken.iter().filter(|&&t| t).count();
    println!(
        "## Offside, oracle detections and roles, {seconds} s at 720p (seed 11, one caused every 8 s)\n"
    );
    println!(
        "| truth offsides | flags | right | precision | recall | flags on the voted player | right of those |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|");
    println!(
        "| {} | {flags} | {right} | {:.3} | {:.3} | {own} | {own_right} |",
        wanted.len(),
        right as f64 / flags.max(1) as f64,
        found as f64 / wanted.len().max(1) as f64,
    );
    println!(
        "\n{} of {} tracks got a role",
        votes.len(),
        first.tracks.len()
    );
    Ok(())
}
