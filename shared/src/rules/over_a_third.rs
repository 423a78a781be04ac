//! Ball over a third: the ball may not cross a whole third without being caught or touched by
//! a player wholly in it (`NETBALL.md`). Only the centre third can be crossed whole, by a pass
//! from one goal third to the other. Judged on the passes the events found: the thrower's feet
//! at the release and the catcher's at the catch (the ball's own ground point is not known
//! while it flies). A pass the other team caught is left to play on.

use serde::{Deserialize, Serialize};

use super::{Flag, Footing, Rule};
use crate::court::{CourtDimensions, CourtPoint};
use crate::events::{Event, EventKind};

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct OverAThirdSettings {
    /// How far beyond each transverse line the thrower's and the catcher's feet must be, in
    /// metres: a catch on the line is a catch in the centre third, and the feet are known to
    /// some centimetres.
    pub tolerance_m: f32,
}

impl Default for OverAThirdSettings {
    fn default() -> Self {
        Self { tolerance_m: 0.15 }
    }
}

/// A flag for every pass in `events` (in time order) thrown from one goal third and caught in
/// the other by the thrower's team (or a player of no known team): from the release to the
/// catch, naming the thrower and the catcher, with their feet as the evidence.
pub fn over_a_third(
    events: &[Event],
    court: &CourtDimensions,
    settings: &OverAThirdSettings,
) -> Vec<Flag> {
    let [low, high] = court.transverse_lines();
    let beyond = |a: CourtPoint, b: CourtPoint| {
        let (near, far) = (a.x.min(b.x), a.x.max(b.x));
        near < low - settings.tolerance_m && far > high + settings.tolerance_m
    };
    events
        .iter()
        .enumerate()
        .filter_map(|(i, e)| {
            let EventKind::Pass {
                player,
                receiver: Some(receiver),
            } = e.kind
            else {
                return None;
            };
            if matches!((player.team, receiver.team), (Some(a), Some(b)) if a != b) {
                return None;
            }
            let thrown = Footing::of_event(e)?;
            let catch = events[i + 1..].iter().find(|n| {
                matches!(n.kind, EventKind::Possession { player, .. } if player.track == receiver.track)
            })?;
            let caught = Footing::of_event(catch)?;
            beyond(thrown.at, caught.at).then(|| Flag {
                rule: Rule::OverAThird,
                frame: e.frame,
                time: e.time,
                duration: catch.time - e.time,
                players: vec![player.track, receiver.track],
                evidence: vec![thrown, caught],
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::{Gain, Player};
    use crate::track::TeamLabel;

    fn player(track: u32, team: TeamLabel) -> Player {
        Player {
            track,
            team: Some(team),
            position: None,
        }
    }

    /// A pass from `from` (at x metres) at 1 s, caught by `to` (at x metres) at 2 s.
    fn pass(from: (Player, f32), to: (Player, f32)) -> Vec<Event> {
        let at = |x| Some(CourtPoint::new(x, 7.0));
        vec![
            Event {
                frame: 25,
                time: 1.0,
                at: at(from.1),
                kind: EventKind::Pass {
                    player: from.0,
                    receiver: Some(to.0),
                },
            },
            Event {
                frame: 50,
                time: 2.0,
                at: at(to.1),
                kind: EventKind::Possession {
                    player: to.0,
                    gained: Gain::Pass,
                    until_frame: 70,
                    until: 2.8,
                    feed: false,
                },
            },
        ]
    }

    fn flags(events: &[Event]) -> Vec<Flag> {
        over_a_third(
            events,
            &CourtDimensions::default(),
            &OverAThirdSettings::default(),
        )
    }

    #[test]
    fn a_pass_from_goal_third_to_goal_third_is_flagged_either_way() {
        let (a, b) = (player(1, TeamLabel::A), player(2, TeamLabel::A));
        for (x0, x1) in [(8.0, 22.0), (22.0, 8.0)] {
            let got = flags(&pass((a, x0), (b, x1)));
            assert_eq!(got.len(), 1, "{got:?}");
            let f = &got[0];
            assert_eq!(
                (f.rule, f.frame, &f.players[..]),
                (Rule::OverAThird, 25, &[1, 2][..])
            );
            assert!((f.duration - 1.0).abs() < 1e-9);
            assert_eq!(f.evidence.len(), 2);
        }
    }

    #[test]
    fn a_catch_in_the_centre_third_or_on_its_line_is_not() {
        let (a, b) = (player(1, TeamLabel::A), player(2, TeamLabel::A));
        let [_, high] = CourtDimensions::default().transverse_lines();
        assert!(flags(&pass((a, 8.0), (b, 15.0))).is_empty());
        assert!(flags(&pass((a, 8.0), (b, high + 0.1))).is_empty());
    }

    #[test]
    fn an_interception_plays_on() {
        let (a, b) = (player(1, TeamLabel::A), player(2, TeamLabel::B));
        assert!(flags(&pass((a, 8.0), (b, 22.0))).is_empty());
    }
}
