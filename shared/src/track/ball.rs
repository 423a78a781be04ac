//! The ball tracker: one ball, followed through the detector's false positives (heads, hands,
//! lights) and misses (the ball in a hand, blurred, hidden).
//!
//! - Motion: a constant-velocity Kalman filter on the ball's centre. Gravity and spin are left to
//!   the acceleration noise rather than modelled, because "down" and the pixels per metre vary
//!   over the image with the camera.
//! - Association: each frame the confirmed track takes at most one candidate, the likeliest
//!   (score and distance) inside a gate around its prediction. The gate is a multiple of the
//!   predicted position's spread, so it widens with every frame the ball goes unseen; a
//!   candidate outside it is rejected.
//! - Starting: candidates nobody took, if confident enough, start tentative tracks; one is
//!   confirmed after `confirm_frames` sightings that agree with its own motion, so a lone false
//!   positive never becomes the ball. A tentative track born after the confirmed track was last
//!   seen takes over when it is confirmed: the ball changed course (a catch, a bounce, a
//!   deflection) faster than the gate allows.
//! - Ending: a track unseen for more than `max_gap` frames is ended.
//! - Frame numbers are the video's. When only every n-th frame is analysed
//!   ([`BallTracker::with_stride`]), the motion still steps frame by frame, a track lapses only
//!   after `max_gap` (or `start_gap`) frames beyond the stride, and gaps are filled on the
//!   analysed frames only.
//! - Output: the accepted sightings as they were detected (the detector's box, not the
//!   filter's), and in a gap of at most `max_gap` frames between two of them (no wider than
//!   `max_speed` could cross), points interpolated linearly in centre and size. A confirmed
//!   track's sightings leave at once, a gap's points with the sighting that closes it, a new
//!   track's first sightings when it is confirmed: memory is a few tracks' last sightings,
//!   whatever the clip's length.

use std::collections::VecDeque;
use std::num::NonZeroU32;

use nalgebra::Vector2;
use serde::{Deserialize, Serialize};

use super::Motion;
use crate::{BoundingBox, Detection};

/// The frame height the default pixel values are chosen for (1080p footage; 25 fps for the
/// frame counts).
const REFERENCE_HEIGHT: f32 = 1080.0;

/// The ball tracker's settings: distances in pixels, times in frames. The defaults suit
/// 1080-line video at 25 fps; [`BallTrackerSettings::scaled_to_height`] adapts the pixel values
/// to another frame height.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct BallTrackerSettings {
    /// Candidates scoring less are ignored (default 0.25, the detector's default confidence).
    pub min_score: f32,
    /// A candidate must score this much to start a track (default 0.5: the ball in flight is
    /// usually detected well, and weak detections are the likeliest false positives).
    pub start_score: f32,
    /// Sightings a new track needs before it is reported (default 3: two give a velocity, the
    /// third checks it; random false positives almost never line up three times).
    pub confirm_frames: u32,
    /// Frames a tentative track may go unseen (default 2: a blurred frame or two while starting).
    pub start_gap: u32,
    /// Frames a confirmed track may go unseen; longer, the track ends and the gap is not
    /// interpolated (default 10, 0.4 s: a quick catch and release, a short occlusion; linear
    /// interpolation across a flight arc that long is still within about a ball's size).
    pub max_gap: u32,
    /// The fastest expected ball motion, pixels per frame: the gate between a track's first two
    /// sightings (default 40: a 15 m/s pass seen from the side line, about 60 px/m, at 25 fps).
    pub max_speed: f32,
    /// The smallest gate radius, pixels (default 12, about a ball's diameter at 1080p: a sighting
    /// one ball off the prediction is still the ball).
    pub min_gate: f32,
    /// The gate's radius in standard deviations of the predicted position (default 3).
    pub gate_sigmas: f32,
    /// The detector's centre jitter, pixels (default 2).
    pub measurement_noise: f32,
    /// Unmodelled acceleration, pixels per frame² (default 1: gravity is 9.81 m/s², about
    /// 0.94 px/frame² at 60 px/m and 25 fps, the largest steady acceleration in flight).
    pub acceleration_noise: f32,
    /// At most this many tentative tracks at once, the best kept (default 16).
    pub max_tentative: usize,
}

impl Default for BallTrackerSettings {
    fn default() -> Self {
        Self {
            min_score: 0.25,
            start_score: 0.5,
            confirm_frames: 3,
            start_gap: 2,
            max_gap: 10,
            max_speed: 40.0,
            min_gate: 12.0,
            gate_sigmas: 3.0,
            measurement_noise: 2.0,
            acceleration_noise: 1.0,
            max_tentative: 16,
        }
    }
}

impl BallTrackerSettings {
    /// The same settings for frames `height` pixels high: the pixel values scale with the
    /// height (the ball's size and speed in pixels do), the frame counts and scores stay.
    pub fn scaled_to_height(self, height: f32) -> Self {
        let k = height / REFERENCE_HEIGHT;
        Self {
            max_speed: self.max_speed * k,
            min_gate: self.min_gate * k,
            measurement_noise: self.measurement_noise * k,
            acceleration_noise: self.acceleration_noise * k,
            ..self
        }
    }
}

/// How a point of the ball's path was obtained.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BallSource {
    /// A detection accepted by the tracker (its box as detected).
    Detected,
    /// Filled in between two accepted detections.
    Interpolated,
}

/// The ball in one frame.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct BallPoint {
    pub frame: u64,
    pub bbox: BoundingBox,
    /// The detection's score; for an interpolated point, the lower of its two ends'.
    pub score: f32,
    pub source: BallSource,
}

/// An accepted detection.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Sighting {
    frame: u64,
    bbox: BoundingBox,
    score: f32,
}

impl Sighting {
    fn point(&self) -> BallPoint {
        BallPoint {
            frame: self.frame,
            bbox: self.bbox,
            score: self.score,
            source: BallSource::Detected,
        }
    }
}

fn centre(b: &BoundingBox) -> Vector2<f64> {
    Vector2::new(f64::from(b.x1 + b.x2) / 2.0, f64::from(b.y1 + b.y2) / 2.0)
}

/// A followed ball hypothesis.
#[derive(Clone, Debug)]
struct Path {
    motion: Motion,
    /// The frame `motion` is predicted to.
    at: u64,
    last_seen: u64,
}

impl Path {
    fn start(s: &BallTrackerSettings, d: &Sighting) -> Self {
        let gate_sigmas = f64::from(s.gate_sigmas).max(1.0);
        Self {
            // Unknown velocity: spread so that the first gate reaches `max_speed`.
            motion: Motion::new(
                centre(&d.bbox),
                f64::from(s.measurement_noise),
                f64::from(s.max_speed) / gate_sigmas,
            ),
            at: d.frame,
            last_seen: d.frame,
        }
    }

    /// Whether a sighting at `frame` would follow more than `gap` unseen frames, beyond the
    /// `step` between analysed frames.
    fn lapsed(&self, frame: u64, gap: u32, step: u64) -> bool {
        frame.saturating_sub(self.last_seen) > u64::from(gap) + step
    }

    /// Predicts to `frame` (paths are ended before their lapse grows large, so the loop is short).
    fn predict_to(&mut self, frame: u64, s: &BallTrackerSettings, step: u64) {
        let steps = frame
            .saturating_sub(self.at)
            .min(u64::from(s.max_gap) + 2 * step);
        for _ in 0..steps {
            self.motion.predict(1.0, f64::from(s.acceleration_noise));
        }
        self.at = frame;
    }

    /// Index of the likeliest candidate inside the gate: the highest `ln(score) - d²/2σ²`, with
    /// σ the predicted spread (at least `min_gate / gate_sigmas`) and the gate `gate_sigmas` σ.
    fn best(&self, candidates: &[&Detection], s: &BallTrackerSettings) -> Option<usize> {
        let gate_sigmas = f64::from(s.gate_sigmas).max(1.0);
        let sigma = self
            .motion
            .innovation_std(f64::from(s.measurement_noise))
            .max(f64::from(s.min_gate) / gate_sigmas)
            .max(1e-6);
        let predicted = self.motion.position();
        let mut best: Option<(usize, f64)> = None;
        for (i, d) in candidates.iter().enumerate() {
            let z = (centre(&d.bbox) - predicted) / sigma;
            let d2 = z.norm_squared();
            if d2 > gate_sigmas * gate_sigmas {
                continue;
            }
            let likelihood = f64::from(d.score).ln() - d2 / 2.0;
            if best.is_none_or(|(_, l)| likelihood > l) {
                best = Some((i, likelihood));
            }
        }
        best.map(|(i, _)| i)
    }

    fn accept(&mut self, d: &Sighting, s: &BallTrackerSettings) {
        self.motion
            .update(centre(&d.bbox), f64::from(s.measurement_noise));
        self.last_seen = d.frame;
    }
}

/// A path not yet confirmed, with its latest sightings (to report if it is).
#[derive(Clone, Debug)]
struct Tentative {
    path: Path,
    /// The frame of its first sighting: it may take over only from a track unseen since.
    born: u64,
    /// Sightings so far.
    seen: u32,
    /// The last `confirm_frames` sightings.
    sightings: VecDeque<Sighting>,
}

/// The tracker: feed it each frame's ball candidates in frame order.
#[derive(Clone, Debug)]
pub struct BallTracker {
    settings: BallTrackerSettings,
    confirmed: Option<Path>,
    tentative: Vec<Tentative>,
    /// The last sighting output: where the next gap's interpolation starts.
    last_output: Option<Sighting>,
    last_frame: Option<u64>,
    /// Frames between analysed frames.
    step: u64,
}

impl BallTracker {
    /// A tracker fed every frame of the video.
    pub fn new(settings: BallTrackerSettings) -> Self {
        Self {
            settings,
            confirmed: None,
            tentative: Vec::new(),
            last_output: None,
            last_frame: None,
            step: 1,
        }
    }

    /// The same tracker fed only every `stride`-th frame (still numbered as in the video).
    pub fn with_stride(self, stride: NonZeroU32) -> Self {
        Self {
            step: u64::from(stride.get()),
            ..self
        }
    }

    /// Takes frame `frame`'s ball candidates and returns the points that became final, in frame
    /// order: this frame's sighting, a closed gap's interpolated points, a newly confirmed
    /// track's first sightings. A frame number not after the previous one is ignored.
    pub fn push(&mut self, frame: u64, candidates: &[Detection]) -> Vec<BallPoint> {
        if self.last_frame.is_some_and(|last| frame <= last) {
            return Vec::new();
        }
        self.last_frame = Some(frame);
        let s = self.settings;
        let mut free: Vec<&Detection> = candidates.iter().filter(|d| usable(d, &s)).collect();
        let mut out = Vec::new();

        self.end_lapsed(frame);
        if let Some(path) = &mut self.confirmed {
            path.predict_to(frame, &s, self.step);
            if let Some(i) = path.best(&free, &s) {
                let d = sighting(frame, free.remove(i));
                path.accept(&d, &s);
                self.output(&d, &mut out);
            }
        }
        self.follow_tentative(frame, &mut free);
        self.start_tentative(frame, &free);
        self.promote(&mut out);
        out
    }

    /// Ends the stream and returns the points still held back: none, as every final point has
    /// already left through [`BallTracker::push`] (a gap still open at the end is never
    /// closed, and tracks not yet confirmed are dropped). Callers should still append it, so
    /// they stay correct if points are ever held back, say for smoothing.
    pub fn finish(self) -> Vec<BallPoint> {
        Vec::new()
    }

    /// Drops the paths that a sighting now would no longer continue.
    fn end_lapsed(&mut self, frame: u64) {
        let s = self.settings;
        if self
            .confirmed
            .as_ref()
            .is_some_and(|p| p.lapsed(frame, s.max_gap, self.step))
        {
            self.confirmed = None;
        }
        self.tentative
            .retain(|t| !t.path.lapsed(frame, s.start_gap, self.step));
    }

    /// Each tentative path, the most established first, takes its likeliest free candidate.
    fn follow_tentative(&mut self, frame: u64, free: &mut Vec<&Detection>) {
        let s = self.settings;
        for t in &mut self.tentative {
            t.path.predict_to(frame, &s, self.step);
            let Some(i) = t.path.best(free, &s) else {
                continue;
            };
            let d = sighting(frame, free.remove(i));
            t.path.accept(&d, &s);
            t.seen = t.seen.saturating_add(1);
            t.sightings.push_back(d);
            if t.sightings.len() > s.confirm_frames.max(1) as usize {
                t.sightings.pop_front();
            }
        }
    }

    /// Confident candidates left over start tentative paths; the best `max_tentative` are kept
    /// (most sightings, then most recently seen, then best scoring).
    fn start_tentative(&mut self, frame: u64, free: &[&Detection]) {
        let s = self.settings;
        for d in free.iter().filter(|d| d.score >= s.start_score) {
            let d = sighting(frame, d);
            self.tentative.push(Tentative {
                path: Path::start(&s, &d),
                born: frame,
                seen: 1,
                sightings: VecDeque::from([d]),
            });
        }
        self.tentative.sort_by(|a, b| {
            b.seen
                .cmp(&a.seen)
                .then(b.path.last_seen.cmp(&a.path.last_seen))
                .then(best_score(b).total_cmp(&best_score(a)))
        });
        self.tentative.truncate(s.max_tentative);
    }

    /// Confirms the best tentative path with enough sightings, if there is no confirmed one or
    /// it has not been seen since the tentative one was born (then it takes over).
    fn promote(&mut self, out: &mut Vec<BallPoint>) {
        let needed = self.settings.confirm_frames.max(1);
        let confirmed_seen = self.confirmed.as_ref().map(|p| p.last_seen);
        let Some(i) = self
            .tentative
            .iter()
            .position(|t| t.seen >= needed && confirmed_seen.is_none_or(|seen| seen < t.born))
        else {
            return;
        };
        let t = self.tentative.remove(i);
        for d in &t.sightings {
            self.output(d, out);
        }
        self.confirmed = Some(t.path);
    }

    /// Outputs a sighting after the last one output, with the gap between them filled if it is
    /// short enough and the ball could have gone from one to the other: across a takeover or a
    /// new track the two may be different objects, and a line drawn across the court between
    /// them would be worse than no point.
    fn output(&mut self, d: &Sighting, out: &mut Vec<BallPoint>) {
        if let Some(prev) = self.last_output {
            if d.frame <= prev.frame {
                return;
            }
            let frames = d.frame - prev.frame;
            let reachable = f64::from(self.settings.max_speed) * frames as f64;
            if frames.saturating_sub(self.step) <= u64::from(self.settings.max_gap)
                && (centre(&d.bbox) - centre(&prev.bbox)).norm() <= reachable
            {
                out.extend(
                    (prev.frame + self.step..d.frame)
                        .step_by(self.step as usize)
                        .map(|f| interpolate(&prev, d, f)),
                );
            }
        }
        out.push(d.point());
        self.last_output = Some(*d);
    }

    /// Sightings held in memory (a test's check that memory does not grow with the clip).
    #[cfg(test)]
    fn held(&self) -> usize {
        let tentative: usize = self.tentative.iter().map(|t| t.sightings.len()).sum();
        tentative + usize::from(self.last_output.is_some())
    }
}

/// A candidate the tracker can use: scored enough, with a finite box.
fn usable(d: &Detection, s: &BallTrackerSettings) -> bool {
    let b = d.bbox;
    d.score >= s.min_score
        && d.score.is_finite()
        && [b.x1, b.y1, b.x2, b.y2].iter().all(|v| v.is_finite())
}

fn sighting(frame: u64, d: &Detection) -> Sighting {
    Sighting {
        frame,
        bbox: d.bbox,
        score: d.score,
    }
}

fn best_score(t: &Tentative) -> f32 {
    t.sightings.iter().map(|d| d.score).fold(0.0, f32::max)
}

/// The point at `frame` on the straight line between two sightings (centre and size linear).
fn interpolate(a: &Sighting, b: &Sighting, frame: u64) -> BallPoint {
    let t = (frame - a.frame) as f32 / (b.frame - a.frame) as f32;
    BallPoint {
        frame,
        bbox: a.bbox.lerp(&b.bbox, t),
        score: a.score.min(b.score),
        source: BallSource::Interpolated,
    }
}

#[cfg(test)]
mod tests;
