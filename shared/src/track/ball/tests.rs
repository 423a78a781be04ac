use super::*;
use crate::track::noise::Noise;

const WIDTH: f32 = 1920.0;
const HEIGHT: f32 = 1080.0;

fn ball(x: f32, y: f32, score: f32) -> Detection {
    Detection {
        bbox: BoundingBox::from_center(x, y, 14.0, 14.0),
        score,
        class_id: 0,
        label: "ball".into(),
    }
}

/// 1 or 2 ball-like false positives anywhere in the frame, scored 0.3 to 0.95.
fn false_positives(noise: &mut Noise) -> Vec<Detection> {
    let n = if noise.next() < 0.5 { 1 } else { 2 };
    (0..n)
        .map(|_| {
            let (x, y) = (noise.between(0.0, WIDTH), noise.between(0.0, HEIGHT));
            let mut d = ball(x, y, noise.between(0.3, 0.95));
            d.bbox = BoundingBox::from_center(x, y, noise.between(10.0, 20.0), 14.0);
            d
        })
        .collect()
}

/// Feeds the frames in order and checks the stream's promise: frame order, one point a frame.
fn run(tracker: BallTracker, frames: impl IntoIterator<Item = Vec<Detection>>) -> Vec<BallPoint> {
    let mut tracker = tracker;
    let mut out = Vec::new();
    for (f, candidates) in frames.into_iter().enumerate() {
        out.extend(tracker.push(f as u64, &candidates));
    }
    out.extend(tracker.finish());
    for pair in out.windows(2) {
        assert!(pair[0].frame < pair[1].frame, "{pair:?}");
    }
    out
}

fn distance(p: &BallPoint, (x, y): (f32, f32)) -> f32 {
    let (cx, cy) = ((p.bbox.x1 + p.bbox.x2) / 2.0, (p.bbox.y1 + p.bbox.y2) / 2.0);
    (cx - x).hypot(cy - y)
}

/// A pass on a parabola (18 px/frame across, 30 px/frame up at the start, 0.7 px/frame² of
/// gravity, as at 1080p and 25 fps), centres jittered ±2 px, 20% of frames without the ball and
/// 1-2 false positives in every frame: ≥ 95% of frames are recovered within 5 px, and no output
/// point is a false positive. Ten seeds.
#[test]
fn follows_a_noisy_pass_through_misses_and_false_positives() {
    const FRAMES: usize = 87;
    let truth = |t: usize| {
        let t = t as f32;
        (60.0 + 18.0 * t, 850.0 - 30.0 * t + 0.35 * t * t)
    };
    let (mut recovered, mut missing, mut detected) = (0, 0, 0);
    for seed in 1..=10u64 {
        let mut noise = Noise(0x9e37_79b9_7f4a_7c15 ^ seed.wrapping_mul(0x2545_f491_4f6c_dd1d));
        let frames: Vec<Vec<Detection>> = (0..FRAMES)
            .map(|t| {
                let mut candidates = false_positives(&mut noise);
                if noise.next() >= 0.2 {
                    let (x, y) = truth(t);
                    let jitter = (noise.between(-2.0, 2.0), noise.between(-2.0, 2.0));
                    candidates.push(ball(x + jitter.0, y + jitter.1, noise.between(0.5, 0.95)));
                } else {
                    missing += 1;
                }
                candidates
            })
            .collect();
        let out = run(BallTracker::new(BallTrackerSettings::default()), frames);
        for p in &out {
            let d = distance(p, truth(p.frame as usize));
            assert!(
                d <= 20.0,
                "seed {seed}: a false positive in the output: {p:?}, {d} px off"
            );
        }
        let good = out
            .iter()
            .filter(|p| distance(p, truth(p.frame as usize)) <= 5.0)
            .count();
        assert!(good * 100 >= FRAMES * 95, "seed {seed}: {good} of {FRAMES}");
        recovered += good;
        detected += out
            .iter()
            .filter(|p| p.source == BallSource::Detected)
            .count();
    }
    eprintln!(
        "pass: {recovered} of {} frames within 5 px ({missing} without the ball, \
         {detected} points detected)",
        10 * FRAMES
    );
}

/// The ball moving right at constant speed, seen in the frames `seen` says.
fn straight(frames: usize, seen: impl Fn(usize) -> bool) -> Vec<Vec<Detection>> {
    (0..frames)
        .map(|t| {
            if seen(t) {
                vec![ball(100.0 + 10.0 * t as f32, 500.0, 0.9)]
            } else {
                Vec::new()
            }
        })
        .collect()
}

#[test]
fn interpolates_a_gap_of_max_gap_frames_but_not_a_longer_one() {
    let s = BallTrackerSettings::default();
    let gap = s.max_gap as usize;

    let out = run(
        BallTracker::new(s),
        straight(70, |t| !(31..31 + gap).contains(&t)),
    );
    assert_eq!(out.len(), 70);
    for p in &out {
        let interpolated = (31..31 + gap).contains(&(p.frame as usize));
        assert_eq!(p.source == BallSource::Interpolated, interpolated, "{p:?}");
        assert!(distance(p, (100.0 + 10.0 * p.frame as f32, 500.0)) < 1e-3);
    }

    let out = run(
        BallTracker::new(s),
        straight(70, |t| !(31..32 + gap).contains(&t)),
    );
    assert_eq!(
        out.len(),
        70 - (gap + 1),
        "the seen frames, and nothing in the gap"
    );
    assert!(out.iter().all(|p| p.source == BallSource::Detected));
}

/// Every 4th frame analysed (`--stride 4`), numbered as in the video: the ball is still
/// confirmed and followed, a missed analysed frame is filled on that frame, and no point falls
/// on a frame that was not analysed.
#[test]
fn follows_the_ball_when_only_every_fourth_frame_is_analysed() {
    let stride = NonZeroU32::new(4).unwrap();
    let mut tracker = BallTracker::new(BallTrackerSettings::default()).with_stride(stride);
    let mut out = Vec::new();
    for f in (0..120u64).step_by(4) {
        let candidates = if f == 60 {
            Vec::new()
        } else {
            vec![ball(100.0 + 10.0 * f as f32, 500.0, 0.9)]
        };
        out.extend(tracker.push(f, &candidates));
    }
    let frames: Vec<u64> = out.iter().map(|p| p.frame).collect();
    assert_eq!(frames, (0..120).step_by(4).collect::<Vec<u64>>());
    let filled: Vec<u64> = out
        .iter()
        .filter(|p| p.source == BallSource::Interpolated)
        .map(|p| p.frame)
        .collect();
    assert_eq!(filled, [60]);
    for p in &out {
        assert!(distance(p, (100.0 + 10.0 * p.frame as f32, 500.0)) < 1e-3);
    }
}

/// A steady false positive (a light) taken for the ball, then the ball far away: the short gap
/// between them is not filled with a line across the court.
#[test]
fn does_not_interpolate_between_far_apart_objects() {
    let frames = (0..12).map(|t| match t {
        0..4 => vec![ball(1500.0, 300.0, 0.9)],
        4..6 => Vec::new(),
        _ => vec![ball(100.0 + 10.0 * t as f32, 500.0, 0.9)],
    });
    let out = run(BallTracker::new(BallTrackerSettings::default()), frames);
    let frames: Vec<u64> = out.iter().map(|p| p.frame).collect();
    assert_eq!(frames, [0, 1, 2, 3, 6, 7, 8, 9, 10, 11]);
}

#[test]
fn a_lone_false_positive_never_starts_a_track() {
    let frames = (0..50).map(|t| {
        if t == 5 {
            vec![ball(700.0, 300.0, 0.99)]
        } else {
            Vec::new()
        }
    });
    assert!(run(BallTracker::new(BallTrackerSettings::default()), frames).is_empty());

    // Nor do scattered ones, however confident.
    let mut noise = Noise(0x1234_5678_9abc_def1);
    let frames: Vec<Vec<Detection>> = (0..300)
        .map(|_| {
            let mut fps = false_positives(&mut noise);
            fps.iter_mut().for_each(|d| d.score = 0.99);
            fps
        })
        .collect();
    assert!(run(BallTracker::new(BallTrackerSettings::default()), frames).is_empty());
}

/// A catch and a throw straight back: the ball reverses between two frames, far outside the
/// gate, and the new path takes over without losing a frame.
#[test]
fn follows_the_ball_when_it_changes_course() {
    let x = |t: usize| {
        if t <= 40 {
            100.0 + 25.0 * t as f32
        } else {
            1100.0 - 25.0 * (t - 40) as f32
        }
    };
    let frames = (0..80).map(|t| vec![ball(x(t), 400.0, 0.8)]);
    let out = run(BallTracker::new(BallTrackerSettings::default()), frames);
    assert_eq!(out.len(), 80);
    for p in &out {
        assert_eq!(p.source, BallSource::Detected);
        assert!(distance(p, (x(p.frame as usize), 400.0)) < 1e-3, "{p:?}");
    }
}

/// 10,000 frames of a ball bouncing around the frame, with misses, long gaps and false
/// positives: what the tracker holds stays bounded, and the ball is still followed.
#[test]
fn memory_does_not_grow_with_the_clip() {
    let s = BallTrackerSettings::default();
    let bound = s.max_gap as usize + s.max_tentative * s.confirm_frames as usize + 1;
    let mut tracker = BallTracker::new(s);
    let mut noise = Noise(0xdead_beef_cafe_f00d);
    let (mut pos, mut vel) = ((300.0f32, 200.0f32), (13.0f32, 9.0f32));
    let (mut shown, mut found) = (0, 0);
    let mut truth = std::collections::HashMap::new();
    let mut out = Vec::new();
    for f in 0..10_000u64 {
        pos = (pos.0 + vel.0, pos.1 + vel.1);
        if !(0.0..WIDTH).contains(&pos.0) {
            vel.0 = -vel.0;
        }
        if !(0.0..HEIGHT).contains(&pos.1) {
            vel.1 = -vel.1;
        }
        let mut candidates = false_positives(&mut noise);
        if noise.next() >= 0.2 && f % 500 >= 15 {
            candidates.push(ball(pos.0, pos.1, noise.between(0.5, 0.95)));
            shown += 1;
        }
        truth.insert(f, pos);
        out.extend(tracker.push(f, &candidates));
        assert!(
            tracker.held() <= bound,
            "frame {f}: {} held",
            tracker.held()
        );
    }
    for p in &out {
        if truth.get(&p.frame).is_some_and(|&t| distance(p, t) <= 5.0) {
            found += 1;
        }
    }
    eprintln!(
        "bouncing: {found} of 10000 frames within 5 px ({shown} with the ball, {} output)",
        out.len()
    );
    assert!(found >= shown, "{found} found, {shown} shown");
}

#[test]
fn settings_scale_with_the_frame_height_and_points_serialise_in_lowercase() {
    let s = BallTrackerSettings::default().scaled_to_height(540.0);
    assert_eq!((s.max_speed, s.min_gate, s.max_gap), (20.0, 6.0, 10));
    let p = BallPoint {
        frame: 3,
        bbox: BoundingBox::from_center(1.0, 1.0, 2.0, 2.0),
        score: 0.5,
        source: BallSource::Interpolated,
    };
    let json = serde_json::to_string(&p).unwrap();
    assert!(json.contains(r#""source":"interpolated""#), "{json}");
    assert_eq!(serde_json::from_str::<BallPoint>(&json).unwrap(), p);
}
