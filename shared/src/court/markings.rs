//! The painted lines, as the camera sees them: polylines along each line's centre, and named
//! points on them a person can click in a frame to calibrate the camera by hand.
//!
//! Lines belong to the area they enclose, so the outer lines' centres lie half a line width
//! inside the court's edge, and each circle's line centre half a width inside its radius.
//! Landmarks sit where line centres cross: the middle of the painted crossing, which is what
//! one clicks.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::{CourtDimensions, CourtPoint, End};

/// The two side lines: `y = 0` and `y = width`. By convention `Near` is the side line nearer
/// the camera, or for a camera behind a goal the one on the right of the image: the court's
/// 180° symmetry means lines alone cannot tell which is which.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    Near,
    Far,
}

/// A point of the markings that is easy to find in a frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Landmark {
    /// Where a goal line meets a side line.
    Corner { end: End, side: Side },
    /// Where the transverse line nearer `end` meets a side line.
    Third { end: End, side: Side },
    /// Where `end`'s goal circle meets its goal line.
    Circle { end: End, side: Side },
    /// The goal circle's point farthest from its goal line.
    CircleTop { end: End },
}

impl Landmark {
    /// Every landmark, low end first.
    pub const ALL: [Landmark; 14] = {
        use End::{High, Low};
        use Side::{Far, Near};
        [
            Landmark::Corner {
                end: Low,
                side: Near,
            },
            Landmark::Corner {
                end: Low,
                side: Far,
            },
            Landmark::Circle {
                end: Low,
                side: Near,
            },
            Landmark::Circle {
                end: Low,
                side: Far,
            },
            Landmark::CircleTop { end: Low },
            Landmark::Third {
                end: Low,
                side: Near,
            },
            Landmark::Third {
                end: Low,
                side: Far,
            },
            Landmark::Third {
                end: High,
                side: Near,
            },
            Landmark::Third {
                end: High,
                side: Far,
            },
            Landmark::CircleTop { end: High },
            Landmark::Circle {
                end: High,
                side: Near,
            },
            Landmark::Circle {
                end: High,
                side: Far,
            },
            Landmark::Corner {
                end: High,
                side: Near,
            },
            Landmark::Corner {
                end: High,
                side: Far,
            },
        ]
    };

    /// Where it is on `court`.
    pub fn point(self, court: &CourtDimensions) -> CourtPoint {
        let h = court.line_width / 2.0;
        let side_y = |side| match side {
            Side::Near => h,
            Side::Far => court.width - h,
        };
        let low = match self {
            Landmark::Corner { side, .. } => CourtPoint::new(h, side_y(side)),
            Landmark::Third { side, .. } => CourtPoint::new(court.third_length(), side_y(side)),
            Landmark::Circle { side, .. } => {
                // The circle's line centre (radius r - h about the goal line's midpoint)
                // crosses the goal line's centre (x = h).
                let r = court.goal_circle_radius - h;
                let dy = (r * r - h * h).max(0.0).sqrt();
                let y = match side {
                    Side::Near => court.width / 2.0 - dy,
                    Side::Far => court.width / 2.0 + dy,
                };
                CourtPoint::new(h, y)
            }
            Landmark::CircleTop { .. } => {
                CourtPoint::new(court.goal_circle_radius - h, court.width / 2.0)
            }
        };
        match self.end() {
            End::Low => low,
            End::High => court.mirrored(low),
        }
    }

    fn end(self) -> End {
        match self {
            Landmark::Corner { end, .. }
            | Landmark::Third { end, .. }
            | Landmark::Circle { end, .. }
            | Landmark::CircleTop { end } => end,
        }
    }
}

impl fmt::Display for Landmark {
    /// `low-near-corner`, `high-far-third`, `low-near-circle`, `high-circle-top`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let end = |e| match e {
            End::Low => "low",
            End::High => "high",
        };
        let side = |s| match s {
            Side::Near => "near",
            Side::Far => "far",
        };
        match *self {
            Landmark::Corner { end: e, side: s } => write!(f, "{}-{}-corner", end(e), side(s)),
            Landmark::Third { end: e, side: s } => write!(f, "{}-{}-third", end(e), side(s)),
            Landmark::Circle { end: e, side: s } => write!(f, "{}-{}-circle", end(e), side(s)),
            Landmark::CircleTop { end: e } => write!(f, "{}-circle-top", end(e)),
        }
    }
}

/// A name that is not a landmark's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown landmark `{name}`: use one of {known}", name = .0, known = Landmark::ALL.map(|l| l.to_string()).join(", "))]
pub struct UnknownLandmark(pub String);

impl FromStr for Landmark {
    type Err = UnknownLandmark;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Landmark::ALL
            .into_iter()
            .find(|l| l.to_string() == s)
            .ok_or_else(|| UnknownLandmark(s.to_owned()))
    }
}

/// The centre lines of the markings as court polylines: the outer line as one closed ring, the
/// two transverse lines, the two goal circles and the centre circle. Straight lines are sampled
/// every 0.5 m and arcs every 0.25 m at most, close enough to follow lens distortion once
/// projected.
pub fn markings(court: &CourtDimensions) -> Vec<Vec<CourtPoint>> {
    let (l, w) = (f64::from(court.length), f64::from(court.width));
    let h = f64::from(court.line_width) / 2.0;
    let mut lines = vec![rectangle(h, h, l - h, w - h)];
    for x in court.transverse_lines() {
        lines.push(segment([f64::from(x), h], [f64::from(x), w - h]));
    }
    let r = f64::from(court.goal_circle_radius) - h;
    let half = std::f64::consts::FRAC_PI_2;
    lines.push(arc([0.0, w / 2.0], r, -half, half));
    lines.push(arc([l, w / 2.0], r, half, 3.0 * half));
    lines.push(arc(
        [l / 2.0, w / 2.0],
        f64::from(court.centre_circle_radius) - h,
        0.0,
        std::f64::consts::TAU,
    ));
    lines
}

fn point([x, y]: [f64; 2]) -> CourtPoint {
    CourtPoint::new(x as f32, y as f32)
}

/// Points along a circle from angle `a0` to `a1` (radians).
fn arc(centre: [f64; 2], r: f64, a0: f64, a1: f64) -> Vec<CourtPoint> {
    let n = ((a1 - a0).abs() * r / 0.25).ceil().max(8.0) as usize;
    (0..=n)
        .map(|i| {
            let a = a0 + (a1 - a0) * i as f64 / n as f64;
            point([centre[0] + r * a.cos(), centre[1] + r * a.sin()])
        })
        .collect()
}

/// Points along a straight line.
fn segment(a: [f64; 2], b: [f64; 2]) -> Vec<CourtPoint> {
    let n = (((b[0] - a[0]).hypot(b[1] - a[1])) / 0.5).ceil().max(1.0) as usize;
    (0..=n)
        .map(|i| {
            let f = i as f64 / n as f64;
            point([a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f])
        })
        .collect()
}

/// A closed ring.
fn rectangle(x0: f64, y0: f64, x1: f64, y1: f64) -> Vec<CourtPoint> {
    let mut ring = segment([x0, y0], [x1, y0]);
    ring.extend(segment([x1, y0], [x1, y1]));
    ring.extend(segment([x1, y1], [x0, y1]));
    ring.extend(segment([x0, y1], [x0, y0]));
    ring
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn landmark_names_round_trip_and_unknown_names_list_the_known_ones() {
        for l in Landmark::ALL {
            assert_eq!(l.to_string().parse::<Landmark>(), Ok(l));
        }
        let err = "left-corner".parse::<Landmark>().unwrap_err().to_string();
        assert!(
            err.contains("low-near-corner") && err.contains("high-circle-top"),
            "{err}"
        );
    }

    /// Every landmark lies on a marking's centre line, and the two ends mirror each other.
    #[test]
    fn landmarks_lie_on_the_markings() {
        let court = CourtDimensions::default();
        let lines = markings(&court);
        for l in Landmark::ALL {
            let p = l.point(&court);
            let nearest = lines
                .iter()
                .flat_map(|line| line.windows(2))
                .map(|s| distance_to_segment(p, s[0], s[1]))
                .fold(f32::INFINITY, f32::min);
            assert!(nearest < 1e-3, "{l} at {p:?} is {nearest} m off the lines");
        }
        let low = Landmark::CircleTop { end: End::Low }.point(&court);
        let high = Landmark::CircleTop { end: End::High }.point(&court);
        assert!((low.x + high.x - court.length).abs() < 1e-5);
        assert!((low.x - 4.875).abs() < 1e-5);
    }

    fn distance_to_segment(p: CourtPoint, a: CourtPoint, b: CourtPoint) -> f32 {
        let (dx, dy) = (b.x - a.x, b.y - a.y);
        let t = (((p.x - a.x) * dx + (p.y - a.y) * dy) / (dx * dx + dy * dy)).clamp(0.0, 1.0);
        p.distance(CourtPoint::new(a.x + t * dx, a.y + t * dy))
    }
}
