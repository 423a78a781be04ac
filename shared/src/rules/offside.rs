//! Offside: a player's feet in an area her position may not enter (`NETBALL.md`).
//!
//! Leaning over a line is allowed, and a calibration is only good to some centimetres, so the
//! feet must be beyond the nearest allowed area by more than a tolerance, and stay there for a
//! while, before a flag is raised.

use serde::{Deserialize, Serialize};

use super::stays::Stays;
use super::{Flag, Footing, PlayerTrack, Role, Rule};
use crate::court::CourtDimensions;

/// When feet outside the allowed areas make an offside.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct OffsideSettings {
    /// Metres the feet must be beyond the nearest allowed area (`NETBALL.md`: 0.15 m).
    pub tolerance_m: f32,
    /// Seconds the feet must stay there (`NETBALL.md`: 0.2 s).
    pub persistence_s: f64,
    /// The longest gap between two sightings of the player that still counts as one stay:
    /// beyond it nothing says where she went meanwhile.
    pub max_gap_s: f64,
    /// Without roles set by hand, judge the tracks by the roles read from their bibs
    /// (`roles_from_reads`), each frame only where it shows the role's player (`Roles`). Off
    /// by default: a bib misread as the position that shares its letter (WA and WD, GA and
    /// GD) gives a wrong role, and a tracklet that moved to a teammate keeps its bib, so on
    /// simulated play most flags it raises are still false (docs/performance.md).
    #[serde(default)]
    pub read_roles: bool,
}

impl Default for OffsideSettings {
    fn default() -> Self {
        Self {
            tolerance_m: 0.15,
            persistence_s: 0.2,
            max_gap_s: 0.5,
            read_roles: false,
        }
    }
}

/// Offside flags raised as feet come in, frame by frame. It keeps only each player's current
/// stay outside her areas.
#[derive(Clone, Debug)]
struct OffsideWatch {
    court: CourtDimensions,
    tolerance_m: f32,
    stays: Stays<u32>,
}

impl OffsideWatch {
    fn new(court: CourtDimensions, settings: OffsideSettings) -> Self {
        Self {
            court,
            tolerance_m: settings.tolerance_m,
            stays: Stays::new(settings.max_gap_s, settings.persistence_s),
        }
    }

    /// Track `track`, playing `role`, had her feet at `footing` (later than her last).
    fn observe(&mut self, track: u32, role: Role, footing: Footing) {
        // Off the court is no playing area: a player may run out to fetch the ball or stand
        // there for a throw-in wherever she may play, so only feet on the court (within the
        // tolerance) can be offside.
        let on_court = self.court.distance_outside(footing.at) <= self.tolerance_m;
        let outside = on_court
            && role
                .position
                .distance_outside_allowed(&self.court, footing.at, role.attacking)
                > self.tolerance_m;
        self.stays.see(track, footing, outside);
    }

    /// Every flag, the stays still open included, in time order.
    fn finish(self) -> Vec<Flag> {
        let mut flags: Vec<Flag> = self
            .stays
            .finish()
            .into_iter()
            .map(|stay| Flag::from_stay(Rule::Offside, vec![stay.key], stay))
            .collect();
        flags.sort_by(|a, b| a.time.total_cmp(&b.time).then(a.players.cmp(&b.players)));
        flags
    }
}

/// Every offside of `players`, in time order: one flag per stay outside the allowed areas that
/// lasts at least [`OffsideSettings::persistence_s`].
pub fn offside(
    court: &CourtDimensions,
    players: &[PlayerTrack<'_>],
    settings: &OffsideSettings,
) -> Vec<Flag> {
    let mut watch = OffsideWatch::new(*court, *settings);
    for player in players {
        for footing in player.feet {
            watch.observe(player.track, player.role, *footing);
        }
    }
    watch.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::court::{CourtPoint, End, Position};

    const FPS: f64 = 25.0;

    /// Feet at 25 frames a second along `x(t)` (metres down the court), halfway across.
    fn walk(seconds: f64, x: impl Fn(f64) -> f32) -> Vec<Footing> {
        (0..(seconds * FPS) as u64)
            .map(|frame| {
                let time = frame as f64 / FPS;
                Footing {
                    frame,
                    time,
                    at: CourtPoint::new(x(time), 7.625),
                }
            })
            .collect()
    }

    fn flags(position: Position, attacking: End, feet: &[Footing]) -> Vec<Flag> {
        let player = PlayerTrack {
            track: 7,
            role: Role {
                position,
                attacking,
            },
            feet,
        };
        offside(
            &CourtDimensions::default(),
            &[player],
            &OffsideSettings::default(),
        )
    }

    /// The high goal third's transverse line (20.33 m): a GS attacking the high end may not
    /// cross it towards the centre.
    fn high_line() -> f32 {
        CourtDimensions::default().transverse_lines()[1]
    }

    #[test]
    fn a_goal_shooter_who_runs_into_the_centre_third_is_flagged_once() {
        // From 2 m inside her third to 2 m into the centre third at 2 m/s, then she stays.
        let line = high_line();
        let feet = walk(4.0, |t| (line + 2.0 - 2.0 * t as f32).max(line - 2.0));
        let got = flags(Position::GS, End::High, &feet);
        assert_eq!(got.len(), 1, "{got:?}");
        let flag = &got[0];
        assert_eq!(
            (flag.rule, flag.players.as_slice()),
            (Rule::Offside, &[7][..])
        );
        // Beyond the line's outer edge (2.5 cm) and the tolerance (0.15 m): about 1.09 s in.
        assert!((1.0..1.2).contains(&flag.time), "{flag:?}");
        assert!((flag.time + flag.duration - 3.96).abs() < 1e-9);
        assert!(flag.evidence.iter().all(|f| f.at.x < line - 0.15));
    }

    #[test]
    fn both_attacking_directions_are_mirror_images() {
        let line = high_line();
        let high = walk(2.0, |_| line - 1.0);
        let length = CourtDimensions::default().length;
        let low = walk(2.0, |_| length - (line - 1.0));
        assert_eq!(flags(Position::GS, End::High, &high).len(), 1);
        assert_eq!(flags(Position::GS, End::Low, &low).len(), 1);
        // A GK is at home in her defending third: the end her team does not attack.
        assert!(flags(Position::GK, End::Low, &walk(2.0, |_| line + 1.0)).is_empty());
        assert_eq!(
            flags(Position::GK, End::High, &walk(2.0, |_| line + 1.0)).len(),
            1
        );
    }

    #[test]
    fn a_moment_over_the_line_or_a_foot_within_the_tolerance_is_no_offside() {
        let line = high_line();
        // 0.12 s a metre over: shorter than the 0.2 s persistence.
        let brief = walk(2.0, |t| {
            if (1.0..1.12).contains(&t) {
                line - 1.0
            } else {
                line + 1.0
            }
        });
        assert!(flags(Position::GS, End::High, &brief).is_empty());
        // Two seconds with her feet 0.1 m over the line's outer edge: within the tolerance.
        let close = walk(2.0, |_| line - 0.025 - 0.1);
        assert!(flags(Position::GS, End::High, &close).is_empty());
    }

    #[test]
    fn a_centre_may_go_anywhere_but_the_goal_circles() {
        let court = CourtDimensions::default();
        // From just outside one goal circle to just outside the other.
        let everywhere = walk(6.0, |t| 5.0 + 3.3 * t as f32);
        assert!(flags(Position::C, End::High, &everywhere).is_empty());
        let circle = walk(1.0, |_| court.length - 1.0);
        assert_eq!(flags(Position::C, End::High, &circle).len(), 1);
    }

    #[test]
    fn a_gap_in_the_sightings_splits_a_stay() {
        let line = high_line();
        let mut feet = walk(1.0, |_| line - 1.0);
        // Seen again 2 s later, still offside: two stays, each long enough.
        feet.extend(walk(1.0, |_| line - 1.0).into_iter().map(|f| Footing {
            frame: f.frame + 75,
            time: f.time + 3.0,
            ..f
        }));
        let got = flags(Position::GS, End::High, &feet);
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(got[1].frame, 75);
    }

    #[test]
    fn off_the_court_is_no_area_so_no_offside() {
        // A GS attacking the high end runs down the outside of the side line, beside the
        // centre third, to fetch a loose ball: 1 m off the court, she is in no area.
        let line = high_line();
        let beside = |y: f32| -> Vec<Footing> {
            walk(2.0, |_| line - 3.0)
                .into_iter()
                .map(|f| Footing {
                    at: CourtPoint::new(f.at.x, y),
                    ..f
                })
                .collect()
        };
        assert!(flags(Position::GS, End::High, &beside(-1.0)).is_empty());
        // On the court there, or off it by less than the tolerance, she is in the centre third.
        assert_eq!(flags(Position::GS, End::High, &beside(0.5)).len(), 1);
        assert_eq!(flags(Position::GS, End::High, &beside(-0.1)).len(), 1);
    }
}
