//! Automatic calibration: the floor homography found from the court's painted lines alone.
//!
//! No library matches a sports court's known line layout to a frame, so this is our own, in
//! four steps:
//! 1. **Line pixels**: pixels brighter than the floor on both sides at a line's width
//!    (a white top-hat, horizontal or vertical, at two widths), then for every pixel the
//!    nearest line pixel (a two-pass distance transform).
//! 2. **Coarse search**: level cameras all around the court (azimuth, distance, height, aim
//!    and field of view on a grid), each scored both ways: how far the projected line centres
//!    fall from line pixels (truncated), and how far line pixels, mapped back onto the court,
//!    fall from a line in metres. The second term stops a fit that shrinks the court onto a
//!    single painted line.
//! 3. **Polish**: the best coarse poses are moved by a pattern search over their six numbers
//!    (where the camera stands, where it aims, its field of view) to the coarse score's
//!    nearest minimum: the grid is too sparse for step 4 to reach some cameras from it.
//! 4. **Refinement** of the best poses by iterated closest points: each projected line point
//!    takes its nearest line pixel within a shrinking radius, and the homography is refitted
//!    through those pairs.
//!
//! The court's 180° symmetry leaves two answers for every frame; the search keeps cameras on
//! the `y < width / 2` side or behind the low end, which is the convention of
//! [`crate::court::Side::Near`].

use std::f64::consts::PI;

use super::fit::{self, Correspondence};
use super::{Homography, PinholeCamera};
use crate::Frame;
use crate::court::{CourtDimensions, CourtPoint, markings};

/// A calibration found from the lines, with how well they fit.
#[derive(Clone, Debug, PartialEq)]
pub struct LineCalibration {
    pub homography: Homography,
    /// Mean distance (pixels, each capped at 1.5% of the frame height) from the court's
    /// projected line centres that fall in the frame to the nearest line pixel.
    pub fit_px: f64,
    /// Share of the court's line points that fall in the frame.
    pub visible: f64,
}

/// Why no calibration was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LineError {
    #[error("the frame shows too few line pixels ({found}) to find the court")]
    NoLines { found: usize },
    #[error("no camera pose puts the court's lines on the frame's lines")]
    NoFit,
}

/// Brightness a line pixel must exceed the floor on both sides by (0-255).
const CONTRAST: f32 = 25.0;
/// Line pixels sampled for the reverse score.
const SAMPLES: usize = 1500;
/// Coarse poses refined.
const REFINED: usize = 60;
/// Refinement rounds.
const ROUNDS: usize = 30;
/// Best coarse poses polished by a pattern search before refinement, and how many times its
/// steps halve.
const POLISHED: usize = 150;
const POLISH_HALVINGS: usize = 5;
/// Sweeps over the pose's numbers at one step size, at most.
const POLISH_ROUNDS: usize = 20;

/// Finds the court in `frame` from its lines.
pub fn calibrate_from_lines(
    frame: &Frame,
    court: &CourtDimensions,
) -> Result<LineCalibration, LineError> {
    let lines = LinePixels::of(frame);
    if lines.count < 200 {
        return Err(LineError::NoLines { found: lines.count });
    }
    let model = model_points(court);
    let samples = lines.sample(SAMPLES);
    let h = f64::from(frame.height());
    let scorer = Scorer {
        lines: &lines,
        model: &model,
        samples: &samples,
        court,
    };
    let (width, height) = (frame.width(), frame.height());
    let mut coarse: Vec<(f64, Pose)> = candidates()
        .filter_map(|pose| {
            let s = scorer.score(&pose.homography(court, width, height)?, 0.02 * h, 1.0)?;
            Some((s, pose))
        })
        .collect();
    coarse.sort_by(|a, b| a.0.total_cmp(&b.0));
    let polished: Vec<Pose> = coarse
        .iter()
        .take(POLISHED)
        .map(|&(s, pose)| scorer.polish(pose, s, width, height))
        .collect();
    let best = polished
        .iter()
        .chain(coarse.iter().take(REFINED).map(|(_, pose)| pose))
        .filter_map(|pose| pose.homography(court, width, height))
        .filter_map(|h0| {
            let refined = scorer.refine(h0, 0.02 * h, 0.004 * h)?;
            let s = scorer.score(&refined, 0.004 * h, 0.3)?;
            Some((s, refined))
        })
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .ok_or(LineError::NoFit)?;
    let homography = best.1;
    let (fit_px, visible) = scorer
        .forward(&homography, 0.015 * h)
        .ok_or(LineError::NoFit)?;
    Ok(LineCalibration {
        homography,
        fit_px,
        visible,
    })
}

/// The frame's line pixels and, for every pixel, the nearest one.
struct LinePixels {
    width: usize,
    height: usize,
    /// Index of the nearest line pixel, or `u32::MAX` when there is none.
    nearest: Vec<u32>,
    count: usize,
}

impl LinePixels {
    fn of(frame: &Frame) -> Self {
        let (w, h) = (frame.width() as usize, frame.height() as usize);
        let luma: Vec<f32> = frame
            .rgb()
            .chunks_exact(3)
            .map(|p| (f32::from(p[0]) + f32::from(p[1]) + f32::from(p[2])) / 3.0)
            .collect();
        let r = (h / 360).max(2);
        let mut nearest = vec![u32::MAX; w * h];
        let mut count = 0;
        for y in 2 * r..h.saturating_sub(2 * r) {
            for x in 2 * r..w.saturating_sub(2 * r) {
                let i = y * w + x;
                let l = luma[i];
                let line = [r, 2 * r].iter().any(|&d| {
                    let across_x = l - luma[i - d].max(luma[i + d]);
                    let across_y = l - luma[i - d * w].max(luma[i + d * w]);
                    across_x.max(across_y) > CONTRAST
                });
                if line {
                    nearest[i] = i as u32;
                    count += 1;
                }
            }
        }
        let mut pixels = Self {
            width: w,
            height: h,
            nearest,
            count,
        };
        pixels.propagate();
        pixels
    }

    /// Two raster passes, each pixel taking the nearest of its neighbours' nearest line pixels:
    /// an approximate Euclidean distance transform, exact to a fraction of a pixel here.
    fn propagate(&mut self) {
        let (w, h) = (self.width as i64, self.height as i64);
        let forward = [(-1, 0), (-1, -1), (0, -1), (1, -1)];
        let backward = [(1, 0), (1, 1), (0, 1), (-1, 1)];
        for (offsets, reverse) in [(forward, false), (backward, true)] {
            for k in 0..w * h {
                let i = if reverse { w * h - 1 - k } else { k };
                let (x, y) = (i % w, i / w);
                for (dx, dy) in offsets {
                    let (nx, ny) = (x + dx, y + dy);
                    if nx < 0 || ny < 0 || nx >= w || ny >= h {
                        continue;
                    }
                    let candidate = self.nearest[(ny * w + nx) as usize];
                    if candidate != u32::MAX
                        && self.distance2(x, y, candidate) < self.distance2_of(i)
                    {
                        self.nearest[i as usize] = candidate;
                    }
                }
            }
        }
    }

    fn distance2(&self, x: i64, y: i64, target: u32) -> i64 {
        let w = self.width as i64;
        let (tx, ty) = (i64::from(target) % w, i64::from(target) / w);
        (tx - x).pow(2) + (ty - y).pow(2)
    }

    fn distance2_of(&self, i: i64) -> i64 {
        match self.nearest[i as usize] {
            u32::MAX => i64::MAX,
            t => self.distance2(i % self.width as i64, i / self.width as i64, t),
        }
    }

    /// The nearest line pixel to `(u, v)` and its distance, for a point inside the frame.
    fn nearest(&self, [u, v]: [f64; 2]) -> Option<([f64; 2], f64)> {
        let (x, y) = (u.round(), v.round());
        if x < 0.0 || y < 0.0 || x >= self.width as f64 || y >= self.height as f64 {
            return None;
        }
        let t = self.nearest[y as usize * self.width + x as usize];
        if t == u32::MAX {
            return None;
        }
        let (tx, ty) = (
            f64::from(t % self.width as u32),
            f64::from(t / self.width as u32),
        );
        Some(([tx, ty], (tx - u).hypot(ty - v)))
    }

    fn is_line(&self, x: i64, y: i64) -> bool {
        x >= 0
            && y >= 0
            && (x as usize) < self.width
            && (y as usize) < self.height
            && self.nearest[y as usize * self.width + x as usize] as usize
                == y as usize * self.width + x as usize
    }

    /// The middle of the painted line through the line pixel `(x, y)`: the midpoint of the
    /// shorter of its horizontal and vertical runs of line pixels. Any chord across a straight
    /// band has its midpoint on the band's centre line, and the shorter run is the one that
    /// crosses the line rather than follows it.
    fn centre(&self, [x, y]: [f64; 2]) -> [f64; 2] {
        let (x, y) = (x as i64, y as i64);
        let run = |dx: i64, dy: i64| {
            let reach = |sign: i64| {
                let mut k = 0;
                while k < 64 && self.is_line(x + sign * dx * (k + 1), y + sign * dy * (k + 1)) {
                    k += 1;
                }
                k
            };
            (reach(-1), reach(1))
        };
        let (left, right) = run(1, 0);
        let (up, down) = run(0, 1);
        if left + right <= up + down {
            [x as f64 + (right - left) as f64 / 2.0, y as f64]
        } else {
            [x as f64, y as f64 + (down - up) as f64 / 2.0]
        }
    }

    /// Up to `n` line pixels spread evenly over the frame's line pixels.
    fn sample(&self, n: usize) -> Vec<[f64; 2]> {
        let pixels: Vec<usize> = (0..self.nearest.len())
            .filter(|&i| self.nearest[i] == i as u32)
            .collect();
        let step = (pixels.len() / n.max(1)).max(1);
        pixels
            .iter()
            .step_by(step)
            .map(|&i| [(i % self.width) as f64, (i / self.width) as f64])
            .collect()
    }
}

/// The court's line centres, a point every 0.25 m at most.
fn model_points(court: &CourtDimensions) -> Vec<CourtPoint> {
    let mut points = Vec::new();
    for line in markings(court) {
        for pair in line.windows(2) {
            let n = (pair[0].distance(pair[1]) / 0.25).ceil().max(1.0) as usize;
            for k in 0..n {
                let f = k as f32 / n as f32;
                points.push(CourtPoint::new(
                    pair[0].x + (pair[1].x - pair[0].x) * f,
                    pair[0].y + (pair[1].y - pair[0].y) * f,
                ));
            }
        }
    }
    points
}

/// Distance in metres from a court point to the nearest line centre.
fn distance_to_lines(court: &CourtDimensions, [x, y]: [f64; 2]) -> f64 {
    let (l, w) = (f64::from(court.length), f64::from(court.width));
    let half = f64::from(court.line_width) / 2.0;
    let segment = |ax: f64, ay: f64, bx: f64, by: f64| {
        let (dx, dy) = (bx - ax, by - ay);
        let t = (((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)).clamp(0.0, 1.0);
        (x - ax - t * dx).hypot(y - ay - t * dy)
    };
    let (x0, y0, x1, y1) = (half, half, l - half, w - half);
    let [t0, t1] = court.transverse_lines().map(f64::from);
    let mut d = [
        segment(x0, y0, x1, y0),
        segment(x0, y1, x1, y1),
        segment(x0, y0, x0, y1),
        segment(x1, y0, x1, y1),
        segment(t0, y0, t0, y1),
        segment(t1, y0, t1, y1),
    ]
    .into_iter()
    .fold(f64::INFINITY, f64::min);
    let r = f64::from(court.goal_circle_radius) - half;
    for (cx, inward) in [(0.0, 1.0), (l, -1.0)] {
        if (x - cx) * inward >= 0.0 {
            d = d.min(((x - cx).hypot(y - w / 2.0) - r).abs());
        }
    }
    let rc = f64::from(court.centre_circle_radius) - half;
    d.min(((x - l / 2.0).hypot(y - w / 2.0) - rc).abs())
}

/// A level camera looking at the court: where it stands, relative to the court's centre, and
/// what it sees.
#[derive(Clone, Copy, Debug)]
struct Pose {
    /// Bearing from the court's centre, radians (−π: behind the low end, −π/2: the near side).
    azimuth: f64,
    /// Metres from the court's centre along the floor, and above the floor.
    distance: f64,
    height: f64,
    /// Where it aims on the floor: metres from the court's centre towards it, and to its left.
    along: f64,
    across: f64,
    /// Vertical field of view, degrees.
    fov: f64,
}

impl Pose {
    fn homography(&self, court: &CourtDimensions, width: u32, height: u32) -> Option<Homography> {
        let centre = court.centre();
        let (cx, cy) = (f64::from(centre.x), f64::from(centre.y));
        let (sin, cos) = self.azimuth.sin_cos();
        let position = [
            cx + self.distance * cos,
            cy + self.distance * sin,
            self.height,
        ];
        let target = [
            cx + self.along * cos - self.across * sin,
            cy + self.along * sin + self.across * cos,
            0.0,
        ];
        PinholeCamera::looking_at(position, target, self.fov, width, height)
            .map(|c| c.floor_homography())
    }

    /// The pose with `step` added to its `k`th number (in the order of the fields).
    fn moved(&self, k: usize, step: f64) -> Self {
        let mut p = *self;
        match k {
            // Within the half circle the coarse grid spans, so that a pose never turns into
            // its twin about the court's centre (the 180° symmetry above).
            0 => p.azimuth = (p.azimuth + step).clamp(AZIMUTHS.0, AZIMUTHS.1),
            1 => p.distance += step,
            2 => p.height += step,
            3 => p.along += step,
            4 => p.across += step,
            _ => p.fov += step,
        }
        p
    }
}

/// The bearings a camera is sought at, radians: the near side and behind the low end, half the
/// circle from -195° to -15°. The other half holds the same views turned about the court's
/// centre.
const AZIMUTHS: (f64, f64) = (-195.0 * PI / 180.0, -15.0 * PI / 180.0);

/// Level cameras around the court: the coarse search's poses.
fn candidates() -> impl Iterator<Item = Pose> {
    // Azimuths from behind the low end (-180°) round the near side, not behind the high end
    // (its view is the low end's turned about the court's centre).
    let azimuths = (0..12).map(|k| (-180.0 + 15.0 * f64::from(k)).to_radians());
    azimuths.flat_map(move |azimuth| {
        [9.0, 13.0, 18.0, 24.0, 31.0]
            .into_iter()
            .flat_map(move |distance| {
                [3.0, 5.0, 7.5, 11.0].into_iter().flat_map(move |height| {
                    [(0.0, 0.0), (3.0, 0.0), (-3.0, 0.0), (0.0, 3.0), (0.0, -3.0)]
                        .into_iter()
                        .flat_map(move |(along, across)| {
                            [25.0, 32.0, 40.0, 50.0, 60.0, 72.0]
                                .into_iter()
                                .map(move |fov| Pose {
                                    azimuth,
                                    distance,
                                    height,
                                    along,
                                    across,
                                    fov,
                                })
                        })
                })
            })
    })
}

struct Scorer<'a> {
    lines: &'a LinePixels,
    model: &'a [CourtPoint],
    samples: &'a [[f64; 2]],
    court: &'a CourtDimensions,
}

impl Scorer<'_> {
    /// Lower is better: the forward distance over `trunc` pixels plus the reverse distance
    /// over `back_trunc` metres, each capped at 1. `None` when under 30% of the court's lines
    /// would be in the frame.
    fn score(&self, h: &Homography, trunc: f64, back_trunc: f64) -> Option<f64> {
        let (forward, visible) = self.forward(h, trunc)?;
        if visible < 0.3 {
            return None;
        }
        // Points out of the frame count half a miss: a view showing more lines is preferred.
        let forward = visible * forward / trunc + (1.0 - visible) * 0.5;
        Some(forward + self.backward(h, back_trunc)? / back_trunc)
    }

    /// Mean capped distance (pixels) of the visible projected line points to line pixels, and
    /// the share of points visible.
    fn forward(&self, h: &Homography, trunc: f64) -> Option<(f64, f64)> {
        let (mut sum, mut seen) = (0.0, 0usize);
        for &p in self.model {
            if let Some((_, d)) = h.court_to_image(p).and_then(|uv| self.lines.nearest(uv)) {
                sum += d.min(trunc);
                seen += 1;
            }
        }
        (seen > 0).then(|| (sum / seen as f64, seen as f64 / self.model.len() as f64))
    }

    /// Mean capped distance (metres) from the sampled line pixels, mapped onto the court, to
    /// the nearest line; pixels that do not map onto the floor count as misses.
    fn backward(&self, h: &Homography, trunc: f64) -> Option<f64> {
        let to_court = h.to_court()?;
        let sum: f64 = self
            .samples
            .iter()
            .map(|&pixel| {
                to_court.map(pixel).map_or(trunc, |p| {
                    distance_to_lines(self.court, [f64::from(p.x), f64::from(p.y)]).min(trunc)
                })
            })
            .sum();
        Some(sum / self.samples.len().max(1) as f64)
    }

    /// A pattern search from `pose` (whose score is `score`) over the pose's numbers: each is
    /// moved up and down by its step while that improves the coarse score, and the steps
    /// halve when none does. The coarse grid's spacing (15° of azimuth, metres of distance)
    /// leaves many frames' cameras between its poses, farther from each than iterated closest
    /// points can pull a fit: its nearest lines are then the wrong ones.
    fn polish(&self, mut pose: Pose, mut score: f64, width: u32, height: u32) -> Pose {
        let h = f64::from(height);
        let mut steps = [7.5_f64.to_radians(), 3.0, 1.5, 1.5, 1.5, 5.0];
        for _ in 0..POLISH_HALVINGS {
            // Sweeps while any move helps, capped: a long shallow slope would take many.
            for _ in 0..POLISH_ROUNDS {
                let mut improved = false;
                for (k, &step) in steps.iter().enumerate() {
                    for sign in [1.0, -1.0] {
                        let moved = pose.moved(k, sign * step);
                        let s = moved
                            .homography(self.court, width, height)
                            .and_then(|m| self.score(&m, 0.02 * h, 1.0));
                        if let Some(s) = s.filter(|&s| s < score) {
                            (pose, score, improved) = (moved, s, true);
                        }
                    }
                }
                if !improved {
                    break;
                }
            }
            steps = steps.map(|s| s / 2.0);
        }
        pose
    }

    /// Iterated closest points from `h`, the matching radius shrinking from `from` to `to`
    /// pixels.
    fn refine(&self, mut h: Homography, from: f64, to: f64) -> Option<Homography> {
        for round in 0..ROUNDS {
            let radius = from * (to / from).powf(round as f64 / (ROUNDS - 1) as f64);
            let pairs: Vec<Correspondence> = self
                .model
                .iter()
                .filter_map(|&court| {
                    let (pixel, d) = self.lines.nearest(h.court_to_image(court)?)?;
                    (d <= radius).then(|| Correspondence {
                        court,
                        pixel: self.lines.centre(pixel),
                    })
                })
                .collect();
            if pairs.len() < 8 {
                return None;
            }
            h = fit::through(&pairs).ok()?;
        }
        Some(h)
    }
}
