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

/// Turns the handover after each flag in `flags` into a free pass: the first pass, from the
/// flag's start to `handover_s` after its end, by a player of the offender's team (the flag's
/// first player, her kit from `teams`) to a player of the other team is dropped, and the
/// catcher's possession is gained by [`Gain::FreePass`] instead of by an interception.
/// `events` are in time order and stay so. Returns how many free passes were found.
pub fn award_free_passes(
    events: &mut Vec<Event>,
    flags: &[Flag],
    teams: &BTreeMap<u32, TeamLabel>,
    settings: &FreePassSettings,
) -> usize {
    let mut handovers = Vec::new();
    for flag in flags {
        let Some(&offender) = flag.players.first().and_then(|p| teams.get(p)) else {
            continue;
        };
        let until = flag.time + flag.duration + settings.handover_s;
        let handover = events.iter().position(|e| {
            let EventKind::Pass {
                player,
                receiver: Some(receiver),
            } = &e.kind
            else {
                return false;
            };
            (flag.time..=until).contains(&e.time)
                && player.team == Some(offender)
                && receiver.team.is_some_and(|t| t != offender)
                && !handovers.contains(&e.frame)
        });
        let Some(at) = handover else { continue };
        handovers.push(events[at].frame);
        let EventKind::Pass {
            receiver: Some(receiver),
            ..
        } = events[at].kind
        else {
            continue;
        };
        let catch = events[at + 1..].iter_mut().find_map(|e| match &mut e.kind {
            EventKind::Possession {
                player,
                gained,
                feed,
                ..
            } if player.track == receiver.track => Some((gained, feed)),
            _ => None,
        });
        if let Some((gained, feed)) = catch {
            *gained = Gain::FreePass;
            // A feed is a pass caught in the circle; a free pass is none.
            *feed = false;
        }
    }
    let before = events.len();
    events.retain(|e| !(matches!(e.kind, EventKind::Pass { .. }) && handovers.contains(&e.frame)));
    before - events.len()
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
