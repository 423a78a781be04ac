//! The five playing areas, seen from one team, and where a foot stands among them.

use serde::{Deserialize, Serialize};

use super::{CourtDimensions, CourtPoint, End};

/// A playing area from a team's point of view, numbered as in `NETBALL.md`: 1 is the circle the
/// team shoots into, 5 the one it defends. The centre circle is part of the centre third.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Area {
    AttackingCircle = 1,
    AttackingThird = 2,
    CentreThird = 3,
    DefendingThird = 4,
    DefendingCircle = 5,
}

impl Area {
    pub const ALL: [Area; 5] = [
        Area::AttackingCircle,
        Area::AttackingThird,
        Area::CentreThird,
        Area::DefendingThird,
        Area::DefendingCircle,
    ];

    /// The number `NETBALL.md` gives the area.
    pub fn number(self) -> u8 {
        self as u8
    }
}

/// A set of areas. A foot on a transverse line is in both thirds the line separates, so "where
/// is this player" has zero (off court), one or two answers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct AreaSet(u8);

impl AreaSet {
    pub const EMPTY: AreaSet = AreaSet(0);

    pub fn of(areas: &[Area]) -> Self {
        areas.iter().fold(Self::EMPTY, |set, &a| set.with(a))
    }

    pub fn with(self, area: Area) -> Self {
        AreaSet(self.0 | 1 << area.number())
    }

    pub fn contains(self, area: Area) -> bool {
        self.0 & 1 << area.number() != 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn intersects(self, other: AreaSet) -> bool {
        self.0 & other.0 != 0
    }

    pub fn iter(self) -> impl Iterator<Item = Area> {
        Area::ALL.into_iter().filter(move |&a| self.contains(a))
    }
}

impl CourtDimensions {
    /// The areas a foot at `p` stands in, for a team that attacks `attacking`.
    pub fn areas_at(&self, p: CourtPoint, attacking: End) -> AreaSet {
        if !self.contains(p) {
            return AreaSet::EMPTY;
        }
        let half_line = self.line_width / 2.0;
        let [low, high] = self.transverse_lines();
        let mut set = AreaSet::EMPTY;
        for end in [End::Low, End::High] {
            let q = self.oriented(p, end);
            if q.x <= low + half_line {
                let in_circle = self.in_goal_circle(q, End::Low);
                set = set.with(match (end == attacking, in_circle) {
                    (true, true) => Area::AttackingCircle,
                    (true, false) => Area::AttackingThird,
                    (false, true) => Area::DefendingCircle,
                    (false, false) => Area::DefendingThird,
                });
            }
        }
        if (low - half_line..=high + half_line).contains(&p.x) {
            set = set.with(Area::CentreThird);
        }
        set
    }

    /// How far `p` is from the nearest point of `area` (0 inside it), for a team attacking
    /// `attacking`. Offside checks compare this with a tolerance that absorbs calibration error.
    pub fn distance_to_area(&self, p: CourtPoint, area: Area, attacking: End) -> f32 {
        let half_line = self.line_width / 2.0;
        let [low, high] = self.transverse_lines();
        let goal_end = match area {
            Area::CentreThird => {
                return distance_to_rect(p, [low - half_line, high + half_line], self.width);
            }
            Area::AttackingCircle | Area::AttackingThird => attacking,
            Area::DefendingThird | Area::DefendingCircle => attacking.opposite(),
        };
        let q = self.oriented(p, goal_end);
        let centre = self.goal_line_midpoint(End::Low);
        let radius = self.goal_circle_radius;
        match area {
            Area::AttackingCircle | Area::DefendingCircle => {
                if q.x >= 0.0 {
                    // The nearest point of the disc lies on the ray from its centre, which stays
                    // on the court side of the goal line.
                    (q.distance(centre) - radius).max(0.0)
                } else {
                    // Behind the goal line: the nearest point is on the circle's diameter.
                    let y = q.y.clamp(centre.y - radius, centre.y + radius);
                    q.distance(CourtPoint::new(0.0, y))
                }
            }
            _ => {
                // The goal third without the circle: the third's rectangle minus the disc.
                let third = [0.0, low + half_line];
                let nearest_in_rect = clamp_to_rect(q, third, self.width);
                let r = q.distance(centre);
                let mut best = f32::INFINITY;
                if nearest_in_rect.distance(centre) >= radius {
                    best = q.distance(nearest_in_rect);
                }
                // Where the circle meets the goal line, and straight out of the circle.
                for y in [centre.y - radius, centre.y + radius] {
                    best = best.min(q.distance(CourtPoint::new(0.0, y)));
                }
                if q.x >= 0.0 && r < radius {
                    best = best.min(radius - r);
                }
                best
            }
        }
    }

    /// `p` in coordinates where `end` is the low end.
    fn oriented(&self, p: CourtPoint, end: End) -> CourtPoint {
        match end {
            End::Low => p,
            End::High => self.mirrored(p),
        }
    }
}

fn clamp_to_rect(p: CourtPoint, [x0, x1]: [f32; 2], width: f32) -> CourtPoint {
    CourtPoint::new(p.x.clamp(x0, x1), p.y.clamp(0.0, width))
}

fn distance_to_rect(p: CourtPoint, xs: [f32; 2], width: f32) -> f32 {
    p.distance(clamp_to_rect(p, xs, width))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn court() -> CourtDimensions {
        CourtDimensions::default()
    }

    /// One point in each region, low x to high x, with its area for a team attacking the low
    /// end and for one attacking the high end.
    const REGIONS: [(CourtPoint, Area, Area); 5] = [
        (
            CourtPoint::new(2.0, 7.6),
            Area::AttackingCircle,
            Area::DefendingCircle,
        ),
        (
            CourtPoint::new(8.0, 2.0),
            Area::AttackingThird,
            Area::DefendingThird,
        ),
        (
            CourtPoint::new(15.0, 1.0),
            Area::CentreThird,
            Area::CentreThird,
        ),
        (
            CourtPoint::new(25.0, 14.0),
            Area::DefendingThird,
            Area::AttackingThird,
        ),
        (
            CourtPoint::new(29.0, 8.0),
            Area::DefendingCircle,
            Area::AttackingCircle,
        ),
    ];

    #[test]
    fn each_region_maps_to_its_area_from_both_sides() {
        let d = court();
        for (p, low_attacker, high_attacker) in REGIONS {
            assert_eq!(
                d.areas_at(p, End::Low),
                AreaSet::of(&[low_attacker]),
                "{p:?}"
            );
            assert_eq!(
                d.areas_at(p, End::High),
                AreaSet::of(&[high_attacker]),
                "{p:?}"
            );
        }
    }

    #[test]
    fn a_transverse_line_belongs_to_both_thirds_and_off_court_to_none() {
        let d = court();
        let on_line = CourtPoint::new(d.transverse_lines()[0] + 0.02, 5.0);
        assert_eq!(
            d.areas_at(on_line, End::Low),
            AreaSet::of(&[Area::AttackingThird, Area::CentreThird])
        );
        let past_line = CourtPoint::new(d.transverse_lines()[0] + 0.03, 5.0);
        assert_eq!(
            d.areas_at(past_line, End::Low),
            AreaSet::of(&[Area::CentreThird])
        );
        assert!(d.areas_at(CourtPoint::new(-0.01, 7.0), End::Low).is_empty());
        assert!(d.areas_at(CourtPoint::new(10.0, 15.3), End::Low).is_empty());
    }

    #[test]
    fn distance_is_zero_inside_and_grows_outside() {
        let d = court();
        for area in Area::ALL {
            for (p, _, _) in REGIONS {
                let inside = d.areas_at(p, End::Low).contains(area);
                let distance = d.distance_to_area(p, area, End::Low);
                assert_eq!(distance == 0.0, inside, "{area:?} at {p:?}: {distance}");
            }
        }
    }

    #[test]
    fn distances_match_hand_computed_geometry() {
        let d = court();
        let near = |a: f32, b: f32| (a - b).abs() < 1e-4;
        // 1 m inside the attacking circle, 1 m from its edge: 1 m from the goal third.
        let p = CourtPoint::new(3.9, 7.625);
        assert!(near(
            d.distance_to_area(p, Area::AttackingThird, End::Low),
            1.0
        ));
        // 0.5 m outside the circle on its axis.
        let p = CourtPoint::new(5.4, 7.625);
        assert!(near(
            d.distance_to_area(p, Area::AttackingCircle, End::Low),
            0.5
        ));
        // Just behind the goal line, level with the post: the circle is 0.2 m away, the goal
        // third only at the circle's ends on the goal line (4.9 m along it, 0.2 m out).
        let p = CourtPoint::new(-0.2, 7.625);
        assert!(near(
            d.distance_to_area(p, Area::AttackingCircle, End::Low),
            0.2
        ));
        assert!(near(
            d.distance_to_area(p, Area::AttackingThird, End::Low),
            0.2f32.hypot(4.9)
        ));
        // A GS-style question at the far end: the high circle seen by a team attacking high.
        let p = CourtPoint::new(30.5 - 5.9, 7.625);
        assert!(near(
            d.distance_to_area(p, Area::AttackingCircle, End::High),
            1.0
        ));
        // The centre third from the middle of the low goal third: to the line's near edge.
        let p = CourtPoint::new(5.0, 1.0);
        let edge = d.transverse_lines()[0] - d.line_width / 2.0;
        assert!(near(
            d.distance_to_area(p, Area::CentreThird, End::High),
            edge - 5.0
        ));
    }
}
