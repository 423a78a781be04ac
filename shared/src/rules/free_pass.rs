//! Free passes: a broken rule stops play, and the umpire gives the ball to the other team
//! (`NETBALL.md`: a possession ends "by pass, shot, loss or whistle"). The player who has the
//! ball hands it to an opponent, which the events, blind to whistles, take for a pass that was
//! intercepted: a pass the team never tried, an interception nobody made, a turnover counted
//! in play. Once the rules have flagged the violation, that handover is known for what it is.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Flag;
use crate::events::{Event, EventKind, Gain};
use crate::track::TeamLabel;

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FreePassSettings {
    /// The longest time, seconds, from the end of a flag to the release of the ball to the
    /// other team that is still its free pass. A three-second hold ends in the handover
    /// itself; a pass over a third is caught first and then handed over, a few tenths later.
    pub handover_s: f64,
}

impl Default for FreePassSettings {
    fn default() -> Self {
        Self { handover_s: 1.0 }
    }
}

/// Turns the handover after each flag in `flags` into a free pass. The flag's first player
/// (her kit from `teams`) is the offender; from the flag's start to `handover_s` after its
/// end, the handover is the first of:
/// - a pass by a player of her team to one of the other team: it is dropped, and the
///   catcher's possession is gained by [`Gain::FreePass`] instead of by an interception;
/// - a hold of the other team taken off the court right after the hold the offence happened
///   in, released then: the free pass of an offence off the court (a thrower who held the
///   ball too long), which the events took for a throw-in. It is gained by
///   [`Gain::FreePass`], and no ball went out.
///
/// `events` are in time order and stay so. Returns how many free passes were found.
pub fn award_free_passes(
    events: &mut Vec<Event>,
    flags: &[Flag],
    teams: &BTreeMap<u32, TeamLabel>,
    settings: &FreePassSettings,
) -> usize {
    let mut awarded = 0;
    for flag in flags {
        let Some(&offender) = flag.players.first().and_then(|p| teams.get(p)) else {
            continue;
        };
        let window = flag.time..=flag.time + flag.duration + settings.handover_s;
        let Some((pass, catch)) = handover(events, offender, &window) else {
            continue;
        };
        awarded += 1;
        if let Some(EventKind::Possession { gained, feed, .. }) = catch.map(|i| &mut events[i].kind)
        {
            *gained = Gain::FreePass;
            // A feed is a pass caught in the circle; a free pass is none.
            *feed = false;
        }
        // The catch comes after the pass: its index was used first.
        if let Some(i) = pass {
            events.remove(i);
        }
    }
    awarded
}

/// The first handover to the other team by `offender`'s team within `window` (see
/// [`award_free_passes`]): the index of the pass, if the ball was passed, and of the catch,
/// if it was seen.
fn handover(
    events: &[Event],
    offender: TeamLabel,
    window: &std::ops::RangeInclusive<f64>,
) -> Option<(Option<usize>, Option<usize>)> {
    let other = |team: Option<TeamLabel>| team.is_some_and(|t| t != offender);
    // The team, start and release of the last hold before the event looked at.
    let mut last: Option<(Option<TeamLabel>, f64, f64)> = None;
    for (i, e) in events.iter().enumerate() {
        match &e.kind {
            EventKind::Pass {
                player,
                receiver: Some(receiver),
            } if window.contains(&e.time)
                && player.team == Some(offender)
                && other(receiver.team) =>
            {
                let catch = events[i + 1..].iter().position(|c| {
                    matches!(&c.kind, EventKind::Possession { player, .. } if player.track == receiver.track)
                });
                return Some((Some(i), catch.map(|k| i + 1 + k)));
            }
            EventKind::Possession {
                player,
                gained: Gain::ThrowIn,
                ..
            } if other(player.team)
                && last.is_some_and(|(team, from, released)| {
                    team == Some(offender)
                        && (from..=released).contains(window.start())
                        && window.contains(&released)
                }) =>
            {
                return Some((None, Some(i)));
            }
            EventKind::Possession { player, until, .. } => {
                last = Some((player.team, e.time, *until));
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::Player;
    use crate::rules::Rule;

    const OFFENDER: u32 = 1;
    const TEAMMATE: u32 = 2;
    const OPPONENT: u32 = 3;

    fn teams() -> BTreeMap<u32, TeamLabel> {
        BTreeMap::from([
            (OFFENDER, TeamLabel::A),
            (TEAMMATE, TeamLabel::A),
            (OPPONENT, TeamLabel::B),
        ])
    }

    fn who(track: u32) -> Player {
        Player {
            track,
            team: teams().get(&track).copied(),
            position: None,
        }
    }

    fn at(time: f64, kind: EventKind) -> Event {
        Event {
            frame: (time * 25.0).round() as u64,
            time,
            at: None,
            kind,
        }
    }

    fn held(track: u32, from: f64, until: f64, gained: Gain) -> Event {
        at(
            from,
            EventKind::Possession {
                player: who(track),
                gained,
                until_frame: (until * 25.0).round() as u64,
                until,
                feed: true,
            },
        )
    }

    fn pass(from: u32, to: u32, time: f64) -> Event {
        at(
            time,
            EventKind::Pass {
                player: who(from),
                receiver: Some(who(to)),
            },
        )
    }

    /// Three seconds held by the offender, flagged from 3.0 s to her release at `release`.
    fn three_seconds(release: f64) -> Flag {
        Flag {
            rule: Rule::ThreeSeconds,
            frame: 75,
            time: 3.0,
            duration: release - 3.0,
            players: vec![OFFENDER],
            evidence: Vec::new(),
        }
    }

    fn award(events: &mut Vec<Event>, flags: &[Flag]) -> usize {
        award_free_passes(events, flags, &teams(), &FreePassSettings::default())
    }

    #[test]
    fn the_ball_handed_to_the_other_team_after_a_flag_is_a_free_pass() {
        let mut events = vec![
            held(OFFENDER, 0.0, 3.4, Gain::Pass),
            pass(OFFENDER, OPPONENT, 3.4),
            held(OPPONENT, 4.0, 5.0, Gain::Interception),
            pass(OPPONENT, OFFENDER, 5.0),
            held(OFFENDER, 5.6, 6.0, Gain::Interception),
        ];
        assert_eq!(award(&mut events, &[three_seconds(3.4)]), 1);
        let kinds: Vec<(&str, Option<Gain>, Option<bool>)> = events
            .iter()
            .map(|e| match e.kind {
                EventKind::Possession { gained, feed, .. } => {
                    (e.kind.name(), Some(gained), Some(feed))
                }
                _ => (e.kind.name(), None, None),
            })
            .collect();
        assert_eq!(
            kinds,
            [
                ("possession", Some(Gain::Pass), Some(true)),
                ("possession", Some(Gain::FreePass), Some(false)),
                // The opponents' own pass, intercepted in play, stays as it was.
                ("pass", None, None),
                ("possession", Some(Gain::Interception), Some(true)),
            ]
        );
    }

    #[test]
    fn a_free_pass_taken_off_the_court_is_no_throw_in() {
        // The offender held a throw-in too long; the other team takes its free pass where she
        // stood, off the court.
        let mut events = vec![
            held(OFFENDER, 0.0, 3.4, Gain::ThrowIn),
            held(OPPONENT, 4.0, 5.0, Gain::ThrowIn),
        ];
        assert_eq!(award(&mut events, &[three_seconds(3.4)]), 1);
        assert!(matches!(
            events[1].kind,
            EventKind::Possession {
                gained: Gain::FreePass,
                ..
            }
        ));
        // After a later hold of the offender's team (the ball went out from it), the other
        // team's throw-in is one.
        let mut events = vec![
            held(OFFENDER, 0.0, 3.4, Gain::Pass),
            held(TEAMMATE, 3.9, 4.3, Gain::Pass),
            held(OPPONENT, 6.0, 7.0, Gain::ThrowIn),
        ];
        let mut flag = three_seconds(3.4);
        flag.duration = 0.4;
        assert_eq!(award(&mut events, &[flag]), 0);
        // A throw-in of the offender's own team is not the other team's free pass.
        let mut events = vec![
            held(OFFENDER, 0.0, 3.4, Gain::ThrowIn),
            held(TEAMMATE, 4.0, 5.0, Gain::ThrowIn),
        ];
        assert_eq!(award(&mut events, &[three_seconds(3.4)]), 0);
    }

    #[test]
    fn play_that_goes_on_or_a_late_pass_is_left_alone() {
        // Without a flag, a pass to the other team is an interception in play.
        let plain = vec![
            held(OFFENDER, 0.0, 3.4, Gain::Pass),
            pass(OFFENDER, OPPONENT, 3.4),
            held(OPPONENT, 4.0, 5.0, Gain::Interception),
        ];
        let mut events = plain.clone();
        assert_eq!(award(&mut events, &[]), 0);
        assert_eq!(events, plain);
        // A pass to a teammate is no handover; nor is a pass to the other team given long
        // after the flag's end.
        let mut events = vec![
            held(OFFENDER, 0.0, 3.4, Gain::Pass),
            pass(OFFENDER, TEAMMATE, 3.4),
            held(TEAMMATE, 4.0, 5.0, Gain::Pass),
            pass(TEAMMATE, OPPONENT, 5.0),
            held(OPPONENT, 5.5, 6.0, Gain::Interception),
        ];
        let before = events.clone();
        assert_eq!(award(&mut events, &[three_seconds(3.4)]), 0);
        assert_eq!(events, before);
        // The flag's player without a kit says nothing of which team gives the ball up.
        let mut events = plain.clone();
        let mut flag = three_seconds(3.4);
        flag.players = vec![9];
        assert_eq!(award(&mut events, &[flag]), 0);
        assert_eq!(events, plain);
    }
}
