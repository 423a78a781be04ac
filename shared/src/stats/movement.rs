//! Distance covered and speeds from a track's court positions.
//!
//! Raw positions jitter by a few tenths of a metre from frame to frame (box edges, the
//! calibration), and summed naively that jitter alone would add kilometres over a match. Each
//! track's positions therefore go through a constant-velocity Kalman filter (the ball tracker's,
//! in metres and seconds), and each filtered position is refined by the second that follows it
//! (a fixed-lag Rauch–Tung–Striebel smoother) before it is counted: a filter alone follows
//! every wobble of the box a little, the smoother sees where the player went next. Memory stays
//! bounded by that second whatever the match's length. Distance is counted in steps of at
//! least 0.1 m of the smoothed position, so its residual wobble around a standing player adds
//! nothing. Top speed is the largest displacement of the smoothed position over a one-second
//! window, so a single jolt does not set it.
//!
//! A position far outside what the filter expects (a box that took in a neighbour, a track
//! that moved to another player) is left out; several such in a row are a jump, after which
//! the track is followed afresh from where it now is, and the leap itself is not counted.

use std::collections::VecDeque;

use nalgebra::{Matrix2, Vector2};
use serde::{Deserialize, Serialize};

use crate::court::CourtPoint;
use crate::track::Motion;

/// A sprint, m/s: the spread of a new track's unknown velocity.
const SPRINT: f64 = 8.0;
/// Unmodelled acceleration, m/s² (players change pace and direction at a few m/s²).
const ACCELERATION_STD: f64 = 3.0;
/// Unseen this long (seconds), a track starts afresh: whatever happened in the gap is not
/// counted.
const MAX_GAP: f64 = 1.0;
/// Distance is counted in steps of at least this many metres of the smoothed position, so the
/// smoother's residual wobble around a standing player adds nothing. At 0.2 m, steps cut the
/// corners of real paths: players who kept one identity were credited 3% short, against 1%.
const MIN_STEP: f64 = 0.1;
/// Window over which top speed is measured, seconds.
const SPEED_WINDOW: f64 = 1.0;
/// How long after it was seen a position is settled, seconds: what the smoother looks ahead.
const LAG: f64 = 1.0;
/// A position whose normalised innovation exceeds this is an outlier: the 99.9% point of
/// chi-squared with two degrees of freedom, so true positions are left out once in a thousand.
const GATE: f64 = 13.8;
/// This many outliers in a row are a jump, not a few bad boxes.
const JUMP_AFTER: usize = 3;

/// Seconds spent in each 1 m cell of the floor, over the court and a metre around it:
/// `columns` along `x` from `x = -1`, `rows` along `y` from `y = -1`, row-major.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HeatMap {
    pub columns: u32,
    pub rows: u32,
    pub seconds: Vec<f32>,
}

impl HeatMap {
    /// Cells of 1 m from one metre outside the court to one metre beyond its far edges.
    const MARGIN: f64 = 1.0;
    const COLUMNS: u32 = 33;
    const ROWS: u32 = 18;

    fn new() -> Self {
        Self {
            columns: Self::COLUMNS,
            rows: Self::ROWS,
            seconds: vec![0.0; (Self::COLUMNS * Self::ROWS) as usize],
        }
    }

    /// Adds `dt` seconds at `p` (nothing when `p` is off the map).
    fn add(&mut self, [x, y]: [f64; 2], dt: f64) {
        if let Some(i) = self.cell(x, y) {
            self.seconds[i] += dt as f32;
        }
    }

    /// Seconds in the cell holding `(x, y)`, metres.
    pub fn at(&self, x: f64, y: f64) -> f32 {
        self.cell(x, y)
            .and_then(|i| self.seconds.get(i).copied())
            .unwrap_or(0.0)
    }

    /// The index in `seconds` of the cell holding `(x, y)`, metres; `None` off the map.
    pub fn cell(&self, x: f64, y: f64) -> Option<usize> {
        let (c, r) = ((x + Self::MARGIN).floor(), (y + Self::MARGIN).floor());
        (c >= 0.0 && r >= 0.0 && c < f64::from(self.columns) && r < f64::from(self.rows))
            .then(|| r as usize * self.columns as usize + c as usize)
    }
}

/// The totals for one track.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MovementSummary {
    /// Metres covered.
    pub distance_m: f64,
    /// Seconds on court (seen, gaps under a second included).
    pub seconds: f64,
    /// Distance over time on court, m/s.
    pub mean_speed: f64,
    /// Largest distance covered in one second, m/s.
    pub top_speed: f64,
    /// Where the time was spent.
    pub heat: HeatMap,
}

/// A track's movement so far: feed it the track's court positions in time order.
#[derive(Clone, Debug)]
pub struct Movement {
    /// The filtered estimates of the last [`LAG`] seconds of the current stretch, oldest
    /// first, not yet settled; empty between stretches.
    pending: VecDeque<Estimate>,
    /// Positions left out as outliers since the last accepted one: (time, position, spread).
    outliers: Vec<(f64, Vector2<f64>, f64)>,
    /// The latest time pushed, accepted or not.
    last_time: f64,
    tally: Tally,
}

/// The filter's estimate at one sighting.
#[derive(Clone, Debug)]
struct Estimate {
    time: f64,
    filtered: Motion,
    /// What the previous estimate predicted for this moment, and how long before; `None` at
    /// a stretch's start.
    prior: Option<(f64, Motion)>,
}

/// Totals over the settled, smoothed positions.
#[derive(Clone, Debug)]
struct Tally {
    /// The last settled position of the current stretch, with its time.
    last: Option<(f64, [f64; 2])>,
    /// Where the last counted step ended.
    anchor: [f64; 2],
    distance_m: f64,
    seconds: f64,
    top_speed: f64,
    /// Smoothed positions of the last second, with their times.
    window: VecDeque<(f64, [f64; 2])>,
    heat: HeatMap,
}

impl Default for Movement {
    fn default() -> Self {
        Self {
            pending: VecDeque::new(),
            outliers: Vec::new(),
            last_time: f64::NEG_INFINITY,
            tally: Tally {
                last: None,
                anchor: [0.0; 2],
                distance_m: 0.0,
                seconds: 0.0,
                top_speed: 0.0,
                window: VecDeque::new(),
                heat: HeatMap::new(),
            },
        }
    }
}

impl Movement {
    /// The track seen at `p` at `time` seconds, a position good to about `std` metres (a
    /// pixel of the image spans more court far from the camera than near it). Times must
    /// increase; an earlier or equal time is ignored.
    pub fn push(&mut self, time: f64, p: CourtPoint, std: f64) {
        let z = Vector2::new(f64::from(p.x), f64::from(p.y));
        if !z.iter().all(|v| v.is_finite())
            || !time.is_finite()
            || !std.is_finite()
            || std <= 0.0
            || time <= self.last_time
        {
            return;
        }
        self.last_time = time;
        let Some(newest) = self.pending.back() else {
            return self.start(time, z, std);
        };
        let dt = time - newest.time;
        if dt > MAX_GAP {
            self.finish();
            return self.start(time, z, std);
        }
        let mut prior = newest.filtered.clone();
        prior.predict(dt, ACCELERATION_STD);
        if prior.normalised_innovation(z, std) > GATE {
            self.outliers.push((time, z, std));
            if self.outliers.len() >= JUMP_AFTER {
                // The track is elsewhere now: follow it from its first position there.
                let jump = std::mem::take(&mut self.outliers);
                self.finish();
                let (time, z, std) = jump[0];
                self.start(time, z, std);
                for &(time, z, std) in &jump[1..] {
                    self.push(time, CourtPoint::new(z.x as f32, z.y as f32), std);
                }
            }
            return;
        }
        self.outliers.clear();
        let mut filtered = prior.clone();
        filtered.update(z, std);
        self.pending.push_back(Estimate {
            time,
            filtered,
            prior: Some((dt, prior)),
        });
        while self
            .pending
            .back()
            .zip(self.pending.front())
            .is_some_and(|(new, old)| new.time - old.time > LAG + 1e-9)
        {
            // Every frame, per track: the oldest's smoothed position is the last one visited.
            let mut oldest = None;
            self.smooth_back(|time, p| oldest = Some((time, p)));
            self.tally.add(oldest.expect("pending is not empty"));
            self.pending.pop_front();
        }
    }

    /// A new stretch at `z`, velocity unknown: a spread of a sprint.
    fn start(&mut self, time: f64, z: Vector2<f64>, std: f64) {
        self.last_time = time;
        self.pending.push_back(Estimate {
            time,
            filtered: Motion::new(z, std, SPRINT),
            prior: None,
        });
    }

    /// Walks the pending estimates from the newest back, handing `visit` each one's time and
    /// its position smoothed by everything after it (the Rauch–Tung–Striebel recursion).
    fn smooth_back(&self, mut visit: impl FnMut(f64, [f64; 2])) {
        let mut later: Option<(&Estimate, Matrix2<f64>)> = None;
        for estimate in self.pending.iter().rev() {
            let state = match later {
                Some((next, next_state)) => {
                    let (dt, prior) = next
                        .prior
                        .as_ref()
                        .expect("only a stretch's start has none");
                    estimate.filtered.smoothed(*dt, prior, &next_state)
                }
                None => *estimate.filtered.state(),
            };
            visit(estimate.time, [state[(0, 0)], state[(0, 1)]]);
            later = Some((estimate, state));
        }
    }

    /// Settles the whole current stretch and ends it; unconfirmed outliers are dropped.
    fn finish(&mut self) {
        let mut settled = Vec::with_capacity(self.pending.len());
        self.smooth_back(|time, p| settled.push((time, p)));
        for &p in settled.iter().rev() {
            self.tally.add(p);
        }
        self.pending.clear();
        self.outliers.clear();
        self.tally.last = None;
    }

    /// Adds the movement of another stretch of the same person, seen apart from this one (a
    /// tracklet joined to hers): distances, times and heat add up, the top speed is the
    /// higher. The step between the two stretches is not counted: nobody saw it. Further
    /// positions continue from whichever stretch ended last.
    pub fn absorb(&mut self, mut other: Movement) {
        if other.last_time > self.last_time {
            std::mem::swap(self, &mut other);
        }
        other.finish();
        self.tally.merge(other.tally);
    }

    /// The totals so far, every position seen settled; `None` before the track has been on
    /// court for any time.
    pub fn summary(&self) -> Option<MovementSummary> {
        let mut settled = self.clone();
        settled.finish();
        let t = settled.tally;
        (t.seconds > 0.0).then(|| MovementSummary {
            distance_m: t.distance_m,
            seconds: t.seconds,
            mean_speed: t.distance_m / t.seconds,
            top_speed: t.top_speed,
            heat: t.heat,
        })
    }
}

impl Tally {
    /// A settled position of the current stretch.
    fn add(&mut self, (time, p): (f64, [f64; 2])) {
        match self.last {
            Some((before, _)) => {
                let dt = time - before;
                let step = (p[0] - self.anchor[0]).hypot(p[1] - self.anchor[1]);
                if step >= MIN_STEP {
                    self.distance_m += step;
                    self.anchor = p;
                }
                self.seconds += dt;
                self.heat.add(p, dt);
            }
            None => {
                self.anchor = p;
                self.window.clear();
            }
        }
        self.last = Some((time, p));
        self.window.push_back((time, p));
        while self
            .window
            .front()
            .is_some_and(|&(t, _)| time - t > SPEED_WINDOW + 1e-9)
        {
            self.window.pop_front();
        }
        if let (Some(&(t0, a)), Some(&(t1, b))) = (self.window.front(), self.window.back())
            && t1 - t0 >= SPEED_WINDOW - 1e-9
        {
            self.top_speed = self
                .top_speed
                .max((b[0] - a[0]).hypot(b[1] - a[1]) / (t1 - t0));
        }
    }

    /// Adds another stretch's totals; where positions continue from stays this one's.
    fn merge(&mut self, other: Tally) {
        self.distance_m += other.distance_m;
        self.seconds += other.seconds;
        self.top_speed = self.top_speed.max(other.top_speed);
        for (cell, more) in self.heat.seconds.iter_mut().zip(&other.heat.seconds) {
            *cell += more;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Deterministic jitter in -1..1.
    fn jitter(k: u32) -> f32 {
        let x = (k.wrapping_mul(2_654_435_761) >> 8) as f32 / (1u32 << 24) as f32;
        2.0 * x - 1.0
    }

    /// A player running 20 m at 5 m/s, resting 4 s, then jogging 12 m back at 3 m/s, seen at
    /// 25 fps with ±0.3 m of jitter: the distance and speeds come out within a few percent,
    /// where summing the raw positions would overcount several times over.
    #[test]
    fn smoothed_distance_and_speeds_match_the_run_despite_jitter() {
        let mut movement = Movement::default();
        let mut raw = 0.0;
        let mut last: Option<CourtPoint> = None;
        let fps = 25.0;
        let frames = (4.0 * fps + 4.0 * fps + 4.0 * fps) as u32;
        for k in 0..=frames {
            let t = f64::from(k) / fps;
            let x = if t <= 4.0 {
                5.0 * t
            } else if t <= 8.0 {
                20.0
            } else {
                20.0 - 3.0 * (t - 8.0)
            };
            let p = CourtPoint::new(
                2.5 + x as f32 + 0.3 * jitter(2 * k),
                7.5 + 0.3 * jitter(2 * k + 1),
            );
            if let Some(l) = last {
                raw += f64::from(p.distance(l));
            }
            last = Some(p);
            movement.push(t, p, 0.25);
        }
        let s = movement.summary().unwrap();
        eprintln!(
            "{:.1} m, top {:.2} m/s against 32 m and 5 m/s; {raw:.0} m summed raw",
            s.distance_m, s.top_speed
        );
        // The forward filter alone gave 33.6 m and 5.36 m/s.
        assert!((s.distance_m - 32.0).abs() < 0.03 * 32.0, "{s:?}");
        assert!((s.seconds - 12.0).abs() < 1e-6);
        assert!((s.top_speed - 5.0).abs() < 0.2, "{s:?}");
        assert!(
            raw > 3.0 * 32.0,
            "the jitter the filter removes: {raw} m raw"
        );
    }

    /// A player walking 1.5 m/s along the court for 6 s, seen at 25 fps with ±0.1 m of jitter.
    fn walk(k: u32) -> (f64, CourtPoint) {
        let t = f64::from(k) / 25.0;
        let p = CourtPoint::new(
            3.0 + 1.5 * t as f32 + 0.1 * jitter(2 * k),
            5.0 + 0.1 * jitter(2 * k + 1),
        );
        (t, p)
    }

    /// Single boxes 2 m off (one took in a neighbour) are left out, where a filter that
    /// followed them would have counted about 4 m for each.
    #[test]
    fn a_stray_box_adds_nothing() {
        let mut movement = Movement::default();
        for k in 0..=150 {
            let (t, mut p) = walk(k);
            if k % 40 == 20 {
                p.y += 2.0;
            }
            movement.push(t, p, 0.1);
        }
        let s = movement.summary().unwrap();
        assert!((s.distance_m - 9.0).abs() < 0.5, "{s:?}");
        assert!((s.top_speed - 1.5).abs() < 0.2, "{s:?}");
    }

    /// A track that moves to a player 2.5 m away (an identity switch) is followed from there
    /// on, and the leap between the two is not counted.
    #[test]
    fn a_jump_to_someone_else_is_not_distance() {
        let mut movement = Movement::default();
        for k in 0..=150 {
            let (t, mut p) = walk(k);
            if k > 75 {
                p.y += 2.5;
            }
            movement.push(t, p, 0.1);
        }
        let s = movement.summary().unwrap();
        assert!((s.distance_m - 9.0).abs() < 0.5, "{s:?}");
        assert!((s.seconds - 6.0).abs() < 0.2, "{s:?}");
        assert!(
            s.heat.at(9.0, 7.5) > 0.5,
            "followed at the new place: {s:?}"
        );
    }

    /// A gap over a second is not counted, and an out-of-order time is ignored.
    #[test]
    fn gaps_start_afresh_and_time_only_moves_forward() {
        let mut movement = Movement::default();
        movement.push(0.0, CourtPoint::new(1.0, 1.0), 0.2);
        movement.push(0.04, CourtPoint::new(1.0, 1.0), 0.2);
        movement.push(0.02, CourtPoint::new(9.0, 9.0), 0.2);
        movement.push(5.0, CourtPoint::new(20.0, 10.0), 0.2);
        movement.push(5.04, CourtPoint::new(20.0, 10.0), 0.2);
        let s = movement.summary().unwrap();
        assert!(s.distance_m < 0.01, "{s:?}");
        assert!((s.seconds - 0.08).abs() < 1e-9, "{s:?}");
        assert!(Movement::default().summary().is_none());
    }

    #[test]
    fn two_stretches_of_one_person_add_up() {
        let run = |from: f64, x0: f32| {
            let mut m = Movement::default();
            for k in 0..=50 {
                let t = from + f64::from(k) * 0.04;
                m.push(t, CourtPoint::new(x0 + 0.1 * k as f32, 7.5), 0.05);
            }
            m
        };
        let (first, second) = (run(0.0, 2.0), run(10.0, 20.0));
        let (a, b) = (first.summary().unwrap(), second.summary().unwrap());
        let mut joined = first;
        joined.absorb(second);
        let j = joined.summary().unwrap();
        assert!((j.distance_m - a.distance_m - b.distance_m).abs() < 1e-9);
        assert!((j.seconds - a.seconds - b.seconds).abs() < 1e-9);
        assert_eq!(j.top_speed, a.top_speed.max(b.top_speed));
        assert!((j.heat.at(3.0, 7.5) - a.heat.at(3.0, 7.5)).abs() < 1e-6);
        assert!((j.heat.at(21.0, 7.5) - b.heat.at(21.0, 7.5)).abs() < 1e-6);
        // Later positions continue the second stretch, not a leap from the first.
        joined.push(12.04, CourtPoint::new(25.1, 7.5), 0.05);
        assert!(joined.summary().unwrap().distance_m - j.distance_m < 0.5);
    }
}
