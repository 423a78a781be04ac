//! Team and player statistics from the match events and the rules' flags (`NETBALL.md`,
//! "Statistics"): possessions and possession time, centre passes and how many became goals,
//! goals from gains, attempts and shooting percentage, passes, intercepts, turnovers and
//! violations.
//!
//! A team's *possession* is a chain of its players' holds, from the catch that won the ball to
//! the last release before the other team had it (or a goal, which restarts play): the time
//! between the two, flights between teammates included, is its possession time.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::events::{Event, EventKind, Gain};
use crate::rules::{Flag, Rule};
use crate::track::TeamLabel;

/// One team's numbers.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TeamStats {
    /// Chains of the team's holds (see the module's documentation).
    pub possessions: u32,
    /// Seconds the team had the ball, and its share of both teams' time.
    pub possession_s: f64,
    pub possession_share: f64,
    pub centre_passes: u32,
    /// Possessions begun by the team's centre pass that ended in its goal.
    pub centre_pass_goals: u32,
    /// Possessions won from the other team in play (interceptions, and rebounds of the other
    /// team's misses) that ended in a goal.
    pub goals_from_gains: u32,
    pub attempts: u32,
    pub goals: u32,
    /// Goals over attempts; absent without attempts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shooting: Option<f64>,
    /// Passes thrown, and those caught by a teammate.
    pub passes: u32,
    pub passes_completed: u32,
    /// Passes caught inside the team's attacking goal circle.
    pub feeds: u32,
    /// Passes of the other team caught by the team's players.
    pub intercepts: u32,
    /// Possessions that ended with the other team taking the ball in play, without a shot.
    pub turnovers: u32,
    /// Flags raised against the team's players, by rule.
    pub violations: BTreeMap<Rule, u32>,
}

/// One player's (one track's) numbers.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PlayerStats {
    pub track: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<TeamLabel>,
    /// Holds, and the seconds she held the ball.
    pub holds: u32,
    pub holding_s: f64,
    pub passes: u32,
    /// Passes from teammates she caught, and those caught in her attacking goal circle.
    pub receives: u32,
    pub feeds: u32,
    pub attempts: u32,
    pub goals: u32,
    pub intercepts: u32,
    pub violations: u32,
}

/// Both teams' and every player's numbers.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MatchStats {
    pub teams: BTreeMap<TeamLabel, TeamStats>,
    /// By track id.
    pub players: Vec<PlayerStats>,
}

/// `track`'s numbers, begun if need be; the first team known for it sticks.
fn entry(
    players: &mut BTreeMap<u32, PlayerStats>,
    track: u32,
    team: Option<TeamLabel>,
) -> &mut PlayerStats {
    let p = players.entry(track).or_insert_with(|| PlayerStats {
        track,
        ..PlayerStats::default()
    });
    p.team = p.team.or(team);
    p
}

/// A team's possession in progress.
struct Chain {
    team: TeamLabel,
    gained: Gain,
    /// Taken from the other team in play (an interception, or a rebound of its miss).
    won: bool,
    /// When its first hold began and its last ended.
    from: f64,
    until: f64,
    /// Whether it ended in a shot.
    shot: bool,
}

/// Counts a finished chain for its team: `next` is the team and gain that ended it, `goal`
/// whether it ended in the team's goal.
fn close(chain: Option<Chain>, next: Option<(TeamLabel, Gain)>, goal: bool, s: &mut MatchStats) {
    let Some(c) = chain else { return };
    let team = s.teams.entry(c.team).or_default();
    team.possessions += 1;
    team.possession_s += c.until - c.from;
    if goal && c.gained == Gain::CentrePass {
        team.centre_pass_goals += 1;
    }
    if goal && c.won {
        team.goals_from_gains += 1;
    }
    let lost = next.is_some_and(|(t, gained)| {
        t != c.team
            && matches!(
                gained,
                Gain::Interception | Gain::PickUp | Gain::ThrowIn | Gain::FreePass
            )
    });
    if lost && !c.shot {
        team.turnovers += 1;
    }
}

/// The statistics of `events` (in time order) and `flags`, with each track's team from
/// `teams` (events already carry theirs; flags name tracks only).
pub fn match_stats(
    events: &[Event],
    flags: &[Flag],
    teams: &BTreeMap<u32, TeamLabel>,
) -> MatchStats {
    let mut s = MatchStats::default();
    let mut players: BTreeMap<u32, PlayerStats> = BTreeMap::new();

    let mut chain: Option<Chain> = None;

    for e in events {
        let p = *e.kind.player();
        match &e.kind {
            EventKind::Possession {
                gained,
                until,
                feed,
                ..
            } => {
                let stats = entry(&mut players, p.track, p.team);
                stats.holds += 1;
                stats.holding_s += until - e.time;
                stats.feeds += u32::from(*feed);
                match gained {
                    Gain::Pass => stats.receives += 1,
                    Gain::Interception => stats.intercepts += 1,
                    _ => {}
                }
                let Some(team) = p.team else { continue };
                let t = s.teams.entry(team).or_default();
                t.feeds += u32::from(*feed);
                match gained {
                    Gain::CentrePass => t.centre_passes += 1,
                    Gain::Interception => t.intercepts += 1,
                    _ => {}
                }
                let goes_on = chain
                    .as_ref()
                    .is_some_and(|c| c.team == team && *gained != Gain::CentrePass);
                if goes_on {
                    if let Some(c) = chain.as_mut() {
                        c.until = *until;
                    }
                } else {
                    let before = chain.take();
                    let won = *gained == Gain::Interception
                        || (*gained == Gain::Rebound
                            && before.as_ref().is_some_and(|c| c.team != team));
                    close(before, Some((team, *gained)), false, &mut s);
                    chain = Some(Chain {
                        team,
                        gained: *gained,
                        won,
                        from: e.time,
                        until: *until,
                        shot: false,
                    });
                }
            }
            EventKind::Pass { receiver, .. } => {
                entry(&mut players, p.track, p.team).passes += 1;
                if let Some(team) = p.team {
                    let t = s.teams.entry(team).or_default();
                    t.passes += 1;
                    if receiver.is_some_and(|r| r.team == Some(team)) {
                        t.passes_completed += 1;
                    }
                }
            }
            EventKind::Shot { .. } => {
                entry(&mut players, p.track, p.team).attempts += 1;
                if let Some(team) = p.team {
                    s.teams.entry(team).or_default().attempts += 1;
                }
                if let Some(c) = chain.as_mut() {
                    c.shot = true;
                }
            }
            EventKind::Goal { .. } => {
                entry(&mut players, p.track, p.team).goals += 1;
                if let Some(team) = p.team {
                    s.teams.entry(team).or_default().goals += 1;
                }
                close(chain.take(), None, true, &mut s);
            }
            EventKind::Miss { .. } => {}
        }
    }
    close(chain.take(), None, false, &mut s);

    // A flag's first player broke the rule; the others were involved (the holder a defender
    // obstructed, the catcher of a pass over a third).
    for f in flags {
        if let Some(&track) = f.players.first() {
            let team = teams.get(&track).copied();
            entry(&mut players, track, team).violations += 1;
            if let Some(team) = team {
                *s.teams
                    .entry(team)
                    .or_default()
                    .violations
                    .entry(f.rule)
                    .or_default() += 1;
            }
        }
    }

    let total: f64 = s.teams.values().map(|t| t.possession_s).sum();
    for t in s.teams.values_mut() {
        t.possession_share = if total > 0.0 {
            t.possession_s / total
        } else {
            0.0
        };
        t.shooting = (t.attempts > 0).then(|| f64::from(t.goals) / f64::from(t.attempts));
    }
    s.players = players.into_values().collect();
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::Player;

    fn who(track: u32, team: TeamLabel) -> Player {
        Player {
            track,
            team: Some(team),
            position: None,
        }
    }

    fn at(time: f64, kind: EventKind) -> Event {
        Event {
            frame: (time * 25.0) as u64,
            time,
            at: None,
            kind,
        }
    }

    fn held(time: f64, until: f64, player: Player, gained: Gain) -> Event {
        at(
            time,
            EventKind::Possession {
                player,
                gained,
                until_frame: (until * 25.0) as u64,
                until,
                feed: false,
            },
        )
    }

    #[test]
    fn a_short_match_adds_up() {
        use TeamLabel::{A, B};
        let (a1, a2, a3, b5) = (who(1, A), who(2, A), who(3, A), who(5, B));
        // A scores from its centre pass; B's centre pass is intercepted by A, whose pass goes
        // loose; B's player 5 held the ball too long.
        let events = [
            held(0.0, 1.0, a1, Gain::CentrePass),
            at(
                1.0,
                EventKind::Pass {
                    player: a1,
                    receiver: Some(a2),
                },
            ),
            held(1.5, 2.5, a2, Gain::Pass),
            at(2.5, EventKind::Shot { player: a2 }),
            at(3.0, EventKind::Goal { player: a2 }),
            held(4.0, 5.0, b5, Gain::CentrePass),
            at(
                5.0,
                EventKind::Pass {
                    player: b5,
                    receiver: Some(a3),
                },
            ),
            held(6.0, 7.0, a3, Gain::Interception),
            at(
                7.0,
                EventKind::Pass {
                    player: a3,
                    receiver: None,
                },
            ),
        ];
        let flag = Flag {
            rule: Rule::ThreeSeconds,
            frame: 100,
            time: 4.0,
            duration: 0.5,
            players: vec![5],
            evidence: Vec::new(),
        };
        let teams = BTreeMap::from([(5, B)]);
        let s = match_stats(&events, &[flag], &teams);
        let (a, b) = (&s.teams[&A], &s.teams[&B]);
        assert_eq!((a.possessions, b.possessions), (2, 1));
        assert!((a.possession_s - 3.5).abs() < 1e-9 && (b.possession_s - 1.0).abs() < 1e-9);
        assert!((a.possession_share - 3.5 / 4.5).abs() < 1e-9);
        assert_eq!(
            (a.centre_passes, a.centre_pass_goals, a.goals_from_gains),
            (1, 1, 0)
        );
        assert_eq!((a.attempts, a.goals, a.shooting), (1, 1, Some(1.0)));
        assert_eq!((a.passes, a.passes_completed, a.intercepts), (2, 1, 1));
        assert_eq!((b.passes, b.passes_completed, b.turnovers), (1, 0, 1));
        assert_eq!(a.turnovers, 0);
        assert_eq!(b.violations.get(&Rule::ThreeSeconds), Some(&1));
        assert_eq!(b.shooting, None);
        let p = |track| s.players.iter().find(|p| p.track == track).unwrap();
        assert_eq!(
            (p(2).holds, p(2).receives, p(2).attempts, p(2).goals),
            (1, 1, 1, 1)
        );
        assert_eq!((p(3).intercepts, p(3).passes), (1, 1));
        assert_eq!((p(5).violations, p(5).passes, p(5).team), (1, 1, Some(B)));
    }

    #[test]
    fn a_goal_after_winning_the_ball_counts_as_a_goal_from_a_gain() {
        use TeamLabel::{A, B};
        let events = [
            held(0.0, 1.0, who(5, B), Gain::PickUp),
            at(
                1.0,
                EventKind::Pass {
                    player: who(5, B),
                    receiver: Some(who(1, A)),
                },
            ),
            held(1.5, 2.5, who(1, A), Gain::Interception),
            at(2.5, EventKind::Shot { player: who(1, A) }),
            at(3.0, EventKind::Goal { player: who(1, A) }),
        ];
        let s = match_stats(&events, &[], &BTreeMap::new());
        assert_eq!(s.teams[&A].goals_from_gains, 1);
        assert_eq!(s.teams[&B].turnovers, 1);
    }

    #[test]
    fn a_free_pass_is_a_turnover_but_no_gain_in_play() {
        use TeamLabel::{A, B};
        // B's player 5 broke a rule and handed the ball over; A scored from the free pass.
        let events = [
            held(0.0, 1.0, who(5, B), Gain::PickUp),
            held(1.5, 2.5, who(1, A), Gain::FreePass),
            at(2.5, EventKind::Shot { player: who(1, A) }),
            at(3.0, EventKind::Goal { player: who(1, A) }),
        ];
        let s = match_stats(&events, &[], &BTreeMap::new());
        assert_eq!(s.teams[&B].turnovers, 1);
        assert_eq!(
            (s.teams[&A].goals_from_gains, s.teams[&A].intercepts),
            (0, 0)
        );
    }
}
