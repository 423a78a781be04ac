//! Distance covered and speeds from a track's court positions.
//!
//! Raw positions jitter by a few tenths of a metre from frame to frame (box edges, the
//! calibration), and summed naively that jitter alone would add kilometres over a match. Each
//! track's positions are therefore smoothed by a constant-velocity Kalman filter (the ball
//! tracker's, in metres and seconds), and distance is counted in steps of at least 0.2 m of the smoothed
//! position, so its residual wobble around a standing player adds nothing. Top speed is the largest displacement
//! of the smoothed position over a one-second window, so a single jolt of the filter does not
//! set it.

use std::collections::VecDeque;

use nalgebra::Vector2;
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
/// filter's residual wobble around a standing player adds nothing.
const MIN_STEP: f64 = 0.2;
/// Window over which top speed is measured, seconds.
const SPEED_WINDOW: f64 = 1.0;

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
        let (c, r) = ((x + Self::MARGIN).floor(), (y + Self::MARGIN).floor());
        if c >= 0.0 && r >= 0.0 && c < f64::from(self.columns) && r < f64::from(self.rows) {
            self.seconds[r as usize * self.columns as usize + c as usize] += dt as f32;
        }
    }

    /// Seconds in the cell holding `(x, y)`, metres.
    pub fn at(&self, x: f64, y: f64) -> f32 {
        let (c, r) = ((x + Self::MARGIN).floor(), (y + Self::MARGIN).floor());
        if c < 0.0 || r < 0.0 || c >= f64::from(self.columns) || r >= f64::from(self.rows) {
            return 0.0;
        }
        self.seconds[r as usize * self.columns as usize + c as usize]
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
    filter: Option<Motion>,
    /// Where the last counted step ended.
    anchor: [f64; 2],
    last_time: f64,
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
            filter: None,
            anchor: [0.0; 2],
            last_time: 0.0,
            distance_m: 0.0,
            seconds: 0.0,
            top_speed: 0.0,
            window: VecDeque::new(),
            heat: HeatMap::new(),
        }
    }
}

impl Movement {
    /// The track seen at `p` at `time` seconds, a position good to about `std` metres (a
    /// pixel of the image spans more court far from the camera than near it). Times must
    /// increase; an earlier or equal time is ignored.
    pub fn push(&mut self, time: f64, p: CourtPoint, std: f64) {
        let measured = [f64::from(p.x), f64::from(p.y)];
        if !measured.iter().all(|v| v.is_finite()) || !std.is_finite() || std <= 0.0 {
            return;
        }
        let dt = time - self.last_time;
        match &mut self.filter {
            Some(motion) if dt > 0.0 && dt <= MAX_GAP => {
                motion.predict(dt, ACCELERATION_STD);
                motion.update(Vector2::from(measured), std);
                let after: [f64; 2] = motion.position().into();
                let step = (after[0] - self.anchor[0]).hypot(after[1] - self.anchor[1]);
                if step >= MIN_STEP {
                    self.distance_m += step;
                    self.anchor = after;
                }
                self.seconds += dt;
                self.heat.add(after, dt);
                self.window.push_back((time, after));
            }
            Some(_) if dt <= 0.0 => return,
            _ => {
                // Unknown velocity: a spread of a sprint.
                self.filter = Some(Motion::new(Vector2::from(measured), std, SPRINT));
                self.anchor = measured;
                self.window.clear();
                self.window.push_back((time, measured));
            }
        }
        self.last_time = time;
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

    /// Adds the movement of another stretch of the same person, seen apart from this one (a
    /// tracklet joined to hers): distances, times and heat add up, the top speed is the
    /// higher. The step between the two stretches is not counted: nobody saw it. Further
    /// positions continue from whichever stretch ended last.
    pub fn absorb(&mut self, other: Movement) {
        let (distance_m, seconds, top_speed) = (
            self.distance_m + other.distance_m,
            self.seconds + other.seconds,
            self.top_speed.max(other.top_speed),
        );
        let mut heat = std::mem::replace(&mut self.heat, HeatMap::new());
        for (cell, more) in heat.seconds.iter_mut().zip(&other.heat.seconds) {
            *cell += more;
        }
        if other.last_time > self.last_time {
            *self = other;
        }
        (self.distance_m, self.seconds, self.top_speed, self.heat) =
            (distance_m, seconds, top_speed, heat);
    }

    /// The totals so far; `None` before the track has been on court for any time.
    pub fn summary(&self) -> Option<MovementSummary> {
        (self.seconds > 0.0).then(|| MovementSummary {
            distance_m: self.distance_m,
            seconds: self.seconds,
            mean_speed: self.distance_m / self.seconds,
            top_speed: self.top_speed,
            heat: self.heat.clone(),
        })
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
        assert!((s.distance_m - 32.0).abs() < 0.08 * 32.0, "{s:?}");
        assert!((s.seconds - 12.0).abs() < 1e-6);
        assert!((s.top_speed - 5.0).abs() < 0.4, "{s:?}");
        assert!(
            raw > 3.0 * 32.0,
            "the jitter the filter removes: {raw} m raw"
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
