//! The seven playing positions and the areas each may enter.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::{Area, AreaSet, CourtDimensions, CourtPoint, End};

/// A playing position, named by the letters on the bib.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Position {
    GS,
    GA,
    WA,
    C,
    WD,
    GD,
    GK,
}

impl Position {
    pub const ALL: [Position; 7] = [
        Position::GS,
        Position::GA,
        Position::WA,
        Position::C,
        Position::WD,
        Position::GD,
        Position::GK,
    ];

    /// Where the position stands in [`Position::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// The areas the position may enter (`NETBALL.md`, "Areas and positions").
    pub fn allowed_areas(self) -> AreaSet {
        use Area::*;
        AreaSet::of(match self {
            Position::GS => &[AttackingCircle, AttackingThird],
            Position::GA => &[AttackingCircle, AttackingThird, CentreThird],
            Position::WA => &[AttackingThird, CentreThird],
            Position::C => &[AttackingThird, CentreThird, DefendingThird],
            Position::WD => &[CentreThird, DefendingThird],
            Position::GD => &[CentreThird, DefendingThird, DefendingCircle],
            Position::GK => &[DefendingThird, DefendingCircle],
        })
    }

    /// Only the shooters may score, and only from their attacking circle.
    pub fn may_shoot(self) -> bool {
        matches!(self, Position::GS | Position::GA)
    }

    /// The bib letters.
    pub fn letters(self) -> &'static str {
        match self {
            Position::GS => "GS",
            Position::GA => "GA",
            Position::WA => "WA",
            Position::C => "C",
            Position::WD => "WD",
            Position::GD => "GD",
            Position::GK => "GK",
        }
    }

    /// How far a foot at `p` is outside every area the position may enter, for a team
    /// attacking `attacking`: 0 where the player may stand. Off the court it is the distance
    /// back to an allowed area. An offside flag needs this beyond a tolerance for a while.
    pub fn distance_outside_allowed(
        self,
        court: &CourtDimensions,
        p: CourtPoint,
        attacking: End,
    ) -> f32 {
        self.allowed_areas()
            .iter()
            .map(|area| court.distance_to_area(p, area, attacking))
            .fold(f32::INFINITY, f32::min)
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.letters())
    }
}

/// A name that is not one of the seven positions.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("`{0}` is not a netball position (GS, GA, WA, C, WD, GD, GK)")]
pub struct UnknownPosition(pub String);

impl FromStr for Position {
    type Err = UnknownPosition;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Position::ALL
            .into_iter()
            .find(|p| p.letters().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| UnknownPosition(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_position_s_index_is_its_place_in_all() {
        for (i, p) in Position::ALL.into_iter().enumerate() {
            assert_eq!(p.index(), i);
        }
    }

    #[test]
    fn area_table_matches_the_rules() {
        let numbers = |p: Position| {
            p.allowed_areas()
                .iter()
                .map(Area::number)
                .collect::<Vec<_>>()
        };
        assert_eq!(numbers(Position::GS), [1, 2]);
        assert_eq!(numbers(Position::GA), [1, 2, 3]);
        assert_eq!(numbers(Position::WA), [2, 3]);
        assert_eq!(numbers(Position::C), [2, 3, 4]);
        assert_eq!(numbers(Position::WD), [3, 4]);
        assert_eq!(numbers(Position::GD), [3, 4, 5]);
        assert_eq!(numbers(Position::GK), [4, 5]);
    }

    #[test]
    fn letters_round_trip() {
        for p in Position::ALL {
            assert_eq!(p.letters().parse::<Position>(), Ok(p));
        }
        assert_eq!("gk".parse::<Position>(), Ok(Position::GK));
        assert!("XY".parse::<Position>().is_err());
    }

    #[test]
    fn offside_distance_follows_the_areas() {
        let court = CourtDimensions::default();
        // A WA (areas 2, 3) attacking the low end, standing 1 m inside the circle it may not
        // enter, is 1 m offside; in the centre third it is fine.
        let in_circle = CourtPoint::new(3.9, 7.625);
        assert!(
            (Position::WA.distance_outside_allowed(&court, in_circle, End::Low) - 1.0).abs() < 1e-4
        );
        assert_eq!(
            Position::WA.distance_outside_allowed(&court, CourtPoint::new(15.0, 3.0), End::Low),
            0.0
        );
        // A GS attacking the high end standing in the low goal third is in the wrong half: far
        // from anything allowed.
        let far =
            Position::GS.distance_outside_allowed(&court, CourtPoint::new(5.0, 3.0), End::High);
        assert!(far > 15.0, "{far}");
        // The centre may go anywhere but the circles.
        for p in [CourtPoint::new(8.0, 2.0), CourtPoint::new(25.0, 14.0)] {
            assert_eq!(
                Position::C.distance_outside_allowed(&court, p, End::Low),
                0.0
            );
        }
    }
}
