//! The court's size and markings, in metres.

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// A point on the court floor in metres: `x` along the side line from the goal line at the low
/// end, `y` across from one side line.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct CourtPoint {
    pub x: f32,
    pub y: f32,
}

impl CourtPoint {
    pub const fn new(x: f32, y: f32) -> Self {
        Self { x, y }
    }

    pub fn distance(self, other: CourtPoint) -> f32 {
        (self.x - other.x).hypot(self.y - other.y)
    }
}

/// The two goal ends: the goal line at `x = 0` and the one at `x = length`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum End {
    Low,
    High,
}

impl End {
    pub fn opposite(self) -> End {
        match self {
            End::Low => End::High,
            End::High => End::Low,
        }
    }
}

/// The court's measurements. The defaults are World Netball's; competitions that differ set
/// their own (see `NETBALL.md`).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct CourtDimensions {
    /// Along the side lines.
    pub length: f32,
    /// Along the goal lines.
    pub width: f32,
    /// Radius of each goal circle (a semicircle centred on the goal line's midpoint).
    pub goal_circle_radius: f32,
    /// Radius of the centre circle.
    pub centre_circle_radius: f32,
    /// Width of every line. Lines belong to the area they enclose, so a transverse line belongs
    /// to both thirds it separates.
    pub line_width: f32,
}

impl Default for CourtDimensions {
    fn default() -> Self {
        Self {
            length: 30.5,
            width: 15.25,
            goal_circle_radius: 4.9,
            centre_circle_radius: 0.45,
            line_width: 0.05,
        }
    }
}

/// Measurements that do not describe a netball court.
#[derive(Debug, Error, PartialEq)]
pub enum DimensionsError {
    #[error("{0} must be a positive number of metres")]
    NotPositive(&'static str),
    #[error(
        "the goal circle (radius {radius} m) must fit inside a goal third ({third} m long, {half_width} m half-width)"
    )]
    CircleTooLarge {
        radius: f32,
        third: f32,
        half_width: f32,
    },
}

impl CourtDimensions {
    /// Checks the measurements; the area geometry relies on a goal circle that fits inside its
    /// third.
    pub fn validate(&self) -> Result<(), DimensionsError> {
        for (name, value) in [
            ("length", self.length),
            ("width", self.width),
            ("goal circle radius", self.goal_circle_radius),
            ("centre circle radius", self.centre_circle_radius),
            ("line width", self.line_width),
        ] {
            if !(value.is_finite() && value > 0.0) {
                return Err(DimensionsError::NotPositive(name));
            }
        }
        if self.goal_circle_radius >= self.third_length()
            || self.goal_circle_radius > self.width / 2.0
        {
            return Err(DimensionsError::CircleTooLarge {
                radius: self.goal_circle_radius,
                third: self.third_length(),
                half_width: self.width / 2.0,
            });
        }
        Ok(())
    }

    pub fn third_length(&self) -> f32 {
        self.length / 3.0
    }

    /// The centres of the two transverse lines, low then high.
    pub fn transverse_lines(&self) -> [f32; 2] {
        [self.third_length(), 2.0 * self.third_length()]
    }

    pub fn centre(&self) -> CourtPoint {
        CourtPoint::new(self.length / 2.0, self.width / 2.0)
    }

    /// The midpoint of an end's goal line: the goal circle's centre, and where the post stands.
    pub fn goal_line_midpoint(&self, end: End) -> CourtPoint {
        let x = match end {
            End::Low => 0.0,
            End::High => self.length,
        };
        CourtPoint::new(x, self.width / 2.0)
    }

    /// Whether a foot at `p` is on the court (the outer lines included).
    pub fn contains(&self, p: CourtPoint) -> bool {
        (0.0..=self.length).contains(&p.x) && (0.0..=self.width).contains(&p.y)
    }

    /// How far `p` is outside the court, in metres (0 on it).
    pub fn distance_outside(&self, p: CourtPoint) -> f32 {
        p.distance(CourtPoint::new(
            p.x.clamp(0.0, self.length),
            p.y.clamp(0.0, self.width),
        ))
    }

    /// Whether `p` is inside an end's goal circle (its line included).
    pub fn in_goal_circle(&self, p: CourtPoint, end: End) -> bool {
        self.contains(p) && p.distance(self.goal_line_midpoint(end)) <= self.goal_circle_radius
    }

    /// Whether `p` is inside the centre circle (its line included).
    pub fn in_centre_circle(&self, p: CourtPoint) -> bool {
        p.distance(self.centre()) <= self.centre_circle_radius
    }

    /// The same point seen from the other end: mirrors `x`, so geometry written for the low end
    /// serves both.
    pub(super) fn mirrored(&self, p: CourtPoint) -> CourtPoint {
        CourtPoint::new(self.length - p.x, p.y)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_world_netball_and_valid() {
        let d = CourtDimensions::default();
        assert_eq!(d.validate(), Ok(()));
        let [a, b] = d.transverse_lines();
        assert!((a - 10.1667).abs() < 1e-3 && (b - 20.3333).abs() < 1e-3);
        assert_eq!(d.centre(), CourtPoint::new(15.25, 7.625));
    }

    #[test]
    fn distance_outside_is_zero_on_the_court_and_to_the_nearest_edge_off_it() {
        let d = CourtDimensions::default();
        assert_eq!(d.distance_outside(d.centre()), 0.0);
        assert!((d.distance_outside(CourtPoint::new(5.0, -1.5)) - 1.5).abs() < 1e-6);
        // Beyond a corner: to the corner.
        let beyond = CourtPoint::new(d.length + 3.0, d.width + 4.0);
        assert!((d.distance_outside(beyond) - 5.0).abs() < 1e-5);
    }

    #[test]
    fn impossible_courts_are_rejected() {
        let circle = CourtDimensions {
            goal_circle_radius: 8.0,
            ..CourtDimensions::default()
        };
        assert!(matches!(
            circle.validate(),
            Err(DimensionsError::CircleTooLarge { .. })
        ));
        let nan = CourtDimensions {
            width: f32::NAN,
            ..CourtDimensions::default()
        };
        assert_eq!(nan.validate(), Err(DimensionsError::NotPositive("width")));
    }

    #[test]
    fn circles_include_their_lines() {
        let d = CourtDimensions::default();
        assert!(d.in_goal_circle(CourtPoint::new(4.9, 7.625), End::Low));
        assert!(!d.in_goal_circle(CourtPoint::new(4.91, 7.625), End::Low));
        assert!(d.in_goal_circle(CourtPoint::new(30.5 - 4.9, 7.625), End::High));
        // Behind the goal line is off the court, so not in the circle.
        assert!(!d.in_goal_circle(CourtPoint::new(-0.1, 7.625), End::Low));
        assert!(d.in_centre_circle(CourtPoint::new(15.25 + 0.45, 7.625)));
    }
}
