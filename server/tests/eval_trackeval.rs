//! `netball_server::eval` against TrackEval 1.3.0, the reference implementation of HOTA, CLEAR
//! MOT and the identity metrics: deterministic synthetic sequences are written as
//! MOTChallenge text, scored by `scripts/trackeval_scores.py` and by `evaluate`, and every
//! field must agree (fractions to 1e-6, counts exactly).
//!
//! The Python interpreter is the one `common::python` finds. Without one the tests fail rather
//! than skip: a skipped reference check would let the metrics drift unnoticed.

mod common;

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use netball_server::eval::{FrameObjects, Sequence, TrackingScores, evaluate};

/// SplitMix64: a few lines of deterministic randomness, the same on every machine.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
}

/// People-sized boxes moving on overlapping sinusoidal paths, some entering late or leaving
/// early. Ids are 1..=objects. Coordinates are rounded to 1/100 px, as `gt.txt` is written.
fn ground_truth(rng: &mut Rng, objects: usize, frames: usize, spread: f64) -> Sequence {
    let mut seq = Sequence::default();
    seq.pad_to(frames);
    for id in 1..=objects {
        let (cx, cy) = (
            rng.range(200.0, 200.0 + spread),
            rng.range(150.0, 150.0 + spread / 2.0),
        );
        let (ax, ay) = (rng.range(20.0, 200.0), rng.range(10.0, 80.0));
        let (wx, wy) = (rng.range(0.01, 0.06), rng.range(0.01, 0.06));
        let phase = rng.range(0.0, 6.3);
        let (w, h) = (rng.range(30.0, 60.0), rng.range(80.0, 140.0));
        let enter = if rng.chance(0.3) {
            rng.range(0.0, 0.3 * frames as f64) as usize
        } else {
            0
        };
        let leave = if rng.chance(0.3) {
            frames - rng.range(0.0, 0.3 * frames as f64) as usize
        } else {
            frames
        };
        for (t, frame) in seq.frames.iter_mut().enumerate().take(leave).skip(enter) {
            let tf = t as f64;
            let x = cx + ax * (wx * tf + phase).sin();
            let y = cy + ay * (wy * tf + phase * 0.7).cos();
            frame.push(id as u64, [round2(x), round2(y), round2(w), round2(h)]);
        }
    }
    seq
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// How a synthetic tracker gets things wrong.
struct Faults {
    /// Uniform noise on every coordinate, in pixels.
    jitter: f64,
    /// Chance of missing any one object in any one frame.
    miss: f64,
    /// Chance per frame of a false positive (which may persist for a few frames).
    false_positive: f64,
    /// Frames from which the first two objects' predicted ids are exchanged.
    swap_at: Option<usize>,
    /// Object 3 is missed over this range and comes back under a new id.
    lost_range: Option<(usize, usize)>,
    /// Object 4 is missed over this range and comes back under its old id.
    gap_range: Option<(usize, usize)>,
    /// Chance of dropping a whole frame of predictions.
    blank_frame: f64,
}

/// The tracker's output for `gt` under `faults`. Predicted ids are the truth's plus 100, so
/// nothing relies on the two sets of ids being equal.
fn tracker_output(rng: &mut Rng, gt: &Sequence, faults: &Faults) -> Sequence {
    let mut pred = Sequence::default();
    let mut ghost: Option<(u64, [f64; 4], usize)> = None;
    let mut next_ghost_id = 1000;
    for (t, frame) in gt.frames.iter().enumerate() {
        let mut out = FrameObjects::default();
        if rng.chance(faults.blank_frame) {
            pred.frames.push(out);
            continue;
        }
        for (id, b) in frame.iter() {
            if rng.chance(faults.miss) || in_range(faults.gap_range, t) && id == 4 {
                continue;
            }
            if in_range(faults.lost_range, t) && id == 3 {
                continue;
            }
            let mut pid = id + 100;
            if faults.swap_at.is_some_and(|s| t >= s) && (id == 1 || id == 2) {
                pid = if id == 1 { 102 } else { 101 };
            }
            if faults.lost_range.is_some_and(|(_, end)| t >= end) && id == 3 {
                pid = 500;
            }
            let j = faults.jitter;
            let noisy = [
                round2(b[0] + rng.range(-j, j)),
                round2(b[1] + rng.range(-j, j)),
                round2((b[2] + rng.range(-j, j)).max(1.0)),
                round2((b[3] + rng.range(-j, j)).max(1.0)),
            ];
            out.push(pid, noisy);
        }
        ghost = match ghost {
            Some((gid, b, left)) if left > 0 => {
                out.push(gid, [round2(b[0] + rng.range(-2.0, 2.0)), b[1], b[2], b[3]]);
                Some((gid, b, left - 1))
            }
            _ if rng.chance(faults.false_positive) => {
                next_ghost_id += 1;
                let b = [
                    round2(rng.range(0.0, 900.0)),
                    round2(rng.range(0.0, 500.0)),
                    round2(rng.range(20.0, 60.0)),
                    round2(rng.range(60.0, 140.0)),
                ];
                out.push(next_ghost_id, b);
                Some((next_ghost_id, b, rng.range(0.0, 6.0) as usize))
            }
            _ => None,
        };
        pred.frames.push(out);
    }
    pred
}

fn in_range(range: Option<(usize, usize)>, t: usize) -> bool {
    range.is_some_and(|(a, b)| (a..b).contains(&t))
}

/// `seq` as MOTChallenge text, frames from 1. Floats are written in Rust's shortest
/// round-trip form, so Python reads back exactly the same values.
fn mot_text(seq: &Sequence) -> String {
    let mut text = String::new();
    for (t, frame) in seq.frames.iter().enumerate() {
        for (id, b) in frame.iter() {
            let _ = writeln!(
                text,
                "{},{id},{},{},{},{},1,1,1",
                t + 1,
                b[0],
                b[1],
                b[2],
                b[3]
            );
        }
    }
    text
}

/// TrackEval's scores of `pred` against `gt`.
fn trackeval(gt: &Sequence, pred: &Sequence) -> TrackingScores {
    let dir = tempfile::tempdir().expect("temp dir");
    let (gt_path, pred_path) = (dir.path().join("gt.txt"), dir.path().join("pred.txt"));
    std::fs::write(&gt_path, mot_text(gt)).expect("write gt");
    std::fs::write(&pred_path, mot_text(pred)).expect("write pred");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/trackeval_scores.py");
    let python = common::python();
    let out = Command::new(&python)
        .arg(&script)
        .arg("--gt")
        .arg(&gt_path)
        .arg("--pred")
        .arg(&pred_path)
        .arg("--frames")
        .arg(gt.frames.len().max(pred.frames.len()).to_string())
        .output()
        .unwrap_or_else(|e| panic!("running {python:?}: {e}; run scripts/setup.sh"));
    assert!(
        out.status.success(),
        "{script:?} failed ({}); run scripts/setup.sh if TrackEval is missing:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "bad JSON from {script:?}: {e}\n{}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

/// Scores `pred` both ways and asserts that every field agrees.
fn check(case: &str, gt: &Sequence, pred: &Sequence) -> (TrackingScores, TrackingScores) {
    let ours = evaluate(gt, pred);
    let theirs = trackeval(gt, pred);
    let fractions = [
        ("hota", ours.hota, theirs.hota),
        ("deta", ours.deta, theirs.deta),
        ("assa", ours.assa, theirs.assa),
        ("loca", ours.loca, theirs.loca),
        ("idf1", ours.idf1, theirs.idf1),
        ("idp", ours.idp, theirs.idp),
        ("idr", ours.idr, theirs.idr),
        ("mota", ours.mota, theirs.mota),
        ("motp", ours.motp, theirs.motp),
    ];
    let counts = [
        ("id_switches", ours.id_switches, theirs.id_switches),
        ("fragmentations", ours.fragmentations, theirs.fragmentations),
        (
            "false_positives",
            ours.false_positives,
            theirs.false_positives,
        ),
        (
            "false_negatives",
            ours.false_negatives,
            theirs.false_negatives,
        ),
        ("mostly_tracked", ours.mostly_tracked, theirs.mostly_tracked),
        (
            "partially_tracked",
            ours.partially_tracked,
            theirs.partially_tracked,
        ),
        ("mostly_lost", ours.mostly_lost, theirs.mostly_lost),
        ("gt_ids", ours.gt_ids, theirs.gt_ids),
        ("pred_ids", ours.pred_ids, theirs.pred_ids),
        ("gt_detections", ours.gt_detections, theirs.gt_detections),
    ];
    let largest = fractions
        .iter()
        .map(|(_, a, b)| (a - b).abs())
        .fold(0.0, f64::max);
    eprintln!(
        "{case}: largest difference {largest:e}\n  ours      {ours:?}\n  trackeval {theirs:?}"
    );
    let mut wrong = Vec::new();
    for (name, a, b) in fractions {
        if (a - b).abs() > 1e-6 || a.is_nan() != b.is_nan() {
            wrong.push(format!("{name}: ours {a}, trackeval {b}"));
        }
    }
    for (name, a, b) in counts {
        if a != b {
            wrong.push(format!("{name}: ours {a}, trackeval {b}"));
        }
    }
    assert!(
        wrong.is_empty(),
        "{case}: {}\nours {ours:?}\ntrackeval {theirs:?}",
        wrong.join("; ")
    );
    (ours, theirs)
}

const FAULTLESS: Faults = Faults {
    jitter: 0.0,
    miss: 0.0,
    false_positive: 0.0,
    swap_at: None,
    lost_range: None,
    gap_range: None,
    blank_frame: 0.0,
};

#[test]
fn perfect_tracking_agrees_and_scores_one() {
    let mut rng = Rng(1);
    let gt = ground_truth(&mut rng, 8, 200, 600.0);
    let pred = tracker_output(&mut rng, &gt, &FAULTLESS);
    let (ours, _) = check("perfect", &gt, &pred);
    assert!((ours.hota - 1.0).abs() < 1e-12 && (ours.mota - 1.0).abs() < 1e-12);
}

#[test]
fn typical_tracker_agrees() {
    let mut rng = Rng(2);
    let gt = ground_truth(&mut rng, 8, 200, 600.0);
    let faults = Faults {
        jitter: 3.0,
        miss: 0.05,
        false_positive: 0.1,
        swap_at: Some(100),
        lost_range: Some((60, 75)),
        gap_range: Some((120, 130)),
        blank_frame: 0.0,
    };
    let pred = tracker_output(&mut rng, &gt, &faults);
    let (ours, _) = check("typical", &gt, &pred);
    // The faults show up where they should.
    assert!(ours.id_switches >= 3 && ours.fragmentations >= 2 && ours.false_positives > 0);
}

#[test]
fn poor_tracker_near_the_iou_threshold_agrees() {
    let mut rng = Rng(3);
    let gt = ground_truth(&mut rng, 8, 200, 400.0);
    let faults = Faults {
        jitter: 12.0,
        miss: 0.2,
        false_positive: 0.4,
        swap_at: Some(50),
        lost_range: Some((30, 90)),
        gap_range: Some((10, 20)),
        blank_frame: 0.05,
    };
    let pred = tracker_output(&mut rng, &gt, &faults);
    check("poor", &gt, &pred);
}

#[test]
fn crowded_scene_agrees() {
    // 20 objects in a small area: many overlaps, so the assignments have real choices.
    let mut rng = Rng(4);
    let gt = ground_truth(&mut rng, 20, 150, 150.0);
    let faults = Faults {
        jitter: 6.0,
        miss: 0.1,
        false_positive: 0.3,
        swap_at: Some(70),
        lost_range: Some((40, 60)),
        gap_range: Some((90, 100)),
        blank_frame: 0.02,
    };
    let pred = tracker_output(&mut rng, &gt, &faults);
    check("crowded", &gt, &pred);
}

#[test]
fn empty_frames_and_empty_sides_agree() {
    let mut rng = Rng(5);
    let mut gt = ground_truth(&mut rng, 3, 40, 600.0);
    // No ground truth at the start and the end; predictions only in the middle.
    for (t, f) in gt.frames.iter_mut().enumerate() {
        if !(5..35).contains(&t) {
            *f = FrameObjects::default();
        }
    }
    let faults = Faults {
        false_positive: 0.5,
        blank_frame: 0.2,
        ..FAULTLESS
    };
    let pred = tracker_output(&mut rng, &gt, &faults);
    check("gaps", &gt, &pred);
    check(
        "no predictions",
        &gt,
        &Sequence {
            frames: vec![FrameObjects::default(); 40],
        },
    );
    check(
        "no ground truth",
        &Sequence {
            frames: vec![FrameObjects::default(); 40],
        },
        &pred,
    );
}
