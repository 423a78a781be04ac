//! Obstruction distance: a defender must stay at least 0.9 m from the feet of the player with
//! the ball (`NETBALL.md`); nearer for longer than 0.5 s is a flag. Judged on the possessions
//! the events found and the players' feet on the court, so it needs a calibration and the
//! teams' kits (a defender is a player of the other kit).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::stays::Stays;
use super::steady::{one_person, smoothed};
use super::{Flag, Footing, Rule};
use crate::court::CourtPoint;
use crate::events::{Event, EventKind, Scene};
use crate::track::TeamLabel;

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ObstructionSettings {
    /// The least distance between a defender's feet and the holder's (`NETBALL.md`: 0.9 m).
    pub distance_m: f32,
    /// How long a defender must stay nearer to be flagged (`NETBALL.md`: 0.5 s).
    pub persistence_s: f64,
    /// The longest gap in the sightings of either player that still counts as one stay.
    pub max_gap_s: f64,
    /// Half the span over which each player's feet are averaged, in seconds: long enough to
    /// steady the boxes' jitter, short against the 0.5 s a defender must stay.
    pub smoothing_s: f64,
    /// The fastest anyone runs, in metres a second: feet that move faster between two
    /// sightings (with half a metre to spare for the boxes) are another person's, the track
    /// having moved to her, and are not averaged with hers.
    pub max_speed_mps: f32,
}

impl Default for ObstructionSettings {
    fn default() -> Self {
        Self {
            distance_m: 0.9,
            persistence_s: 0.5,
            max_gap_s: 0.3,
            smoothing_s: 0.3,
            max_speed_mps: 12.0,
        }
    }
}

/// A flag for every defender who stayed too close to a holder for long enough, among the
/// possessions in `events`, with the feet `scenes` (in time order) put on the court and the
/// kits `teams` gives the tracks. The flag names the defender, then the holder; the evidence
/// is the defender's feet.
pub fn obstruction(
    events: &[Event],
    scenes: &[Scene],
    teams: &BTreeMap<u32, TeamLabel>,
    settings: &ObstructionSettings,
) -> Vec<Flag> {
    let mut flags = Vec::new();
    for e in events {
        let EventKind::Possession {
            player,
            until_frame,
            until,
            ..
        } = e.kind
        else {
            continue;
        };
        let Some(team) = player.team else {
            continue;
        };
        // The hold's scenes and, for the averages at its ends, a smoothing span either side.
        let from = scenes.partition_point(|s| s.time < e.time - settings.smoothing_s);
        let to = scenes.partition_point(|s| s.time <= until + settings.smoothing_s);
        let near_hold = &scenes[from..to.max(from)];
        let feet = |track: u32| steadied(near_hold, track, settings);
        let holder: BTreeMap<u64, CourtPoint> = feet(player.track)
            .into_iter()
            .map(|f| (f.frame, f.at))
            .collect();
        let defenders: BTreeSet<u32> = near_hold
            .iter()
            .flat_map(|s| &s.players)
            .map(|p| p.track)
            .filter(|&t| t != player.track && teams.get(&t).is_some_and(|&kit| kit != team))
            .collect();
        let mut close = Stays::new(settings.max_gap_s, settings.persistence_s);
        for defender in defenders {
            let held = feet(defender)
                .into_iter()
                .filter(|f| (e.frame..=until_frame).contains(&f.frame));
            for at in held {
                if let Some(ball) = holder.get(&at.frame) {
                    close.see(defender, at, at.at.distance(*ball) < settings.distance_m);
                }
            }
        }
        flags.extend(
            close
                .finish()
                .into_iter()
                .map(|stay| Flag::from_stay(Rule::Obstruction, vec![stay.key, player.track], stay)),
        );
    }
    flags.sort_by(|a, b| a.time.total_cmp(&b.time).then(a.players.cmp(&b.players)));
    flags
}

/// `track`'s feet in `scenes`, each averaged over the stretch in which the track followed one
/// person.
fn steadied(scenes: &[Scene], track: u32, settings: &ObstructionSettings) -> Vec<Footing> {
    let feet: Vec<Footing> = scenes
        .iter()
        .filter_map(|s| Footing::of_track(s, track))
        .collect();
    one_person(&feet, settings.max_speed_mps)
        .flat_map(|stretch| smoothed(stretch, settings.smoothing_s))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::BoundingBox;
    use crate::events::{Gain, Player, ScenePlayer};

    const HOLDER: u32 = 1;
    const DEFENDER: u32 = 2;
    const TEAMMATE: u32 = 3;

    /// 25 frames a second; the holder at (10, 7), the others `gap(t)` metres in front of her.
    fn scenes(seconds: f64, gap: impl Fn(f64) -> f32) -> Vec<Scene> {
        (0..(seconds * 25.0) as u64)
            .map(|frame| {
                let time = frame as f64 / 25.0;
                let at = |track, x| ScenePlayer {
                    track,
                    bbox: BoundingBox::from_center(100.0 * x, 100.0, 20.0, 60.0),
                    court: Some(CourtPoint::new(x, 7.0)),
                    position: None,
                    kit: None,
                };
                let x = 10.0 + gap(time);
                Scene {
                    frame,
                    time,
                    players: vec![at(HOLDER, 10.0), at(DEFENDER, x), at(TEAMMATE, x)],
                    rings: Vec::new(),
                }
            })
            .collect()
    }

    fn held(from: f64, until: f64) -> Event {
        Event {
            frame: (from * 25.0) as u64,
            time: from,
            at: None,
            kind: EventKind::Possession {
                player: Player {
                    track: HOLDER,
                    team: Some(TeamLabel::A),
                    position: None,
                },
                gained: Gain::Pass,
                until_frame: (until * 25.0) as u64,
                until,
                feed: false,
            },
        }
    }

    fn teams() -> BTreeMap<u32, TeamLabel> {
        BTreeMap::from([
            (HOLDER, TeamLabel::A),
            (DEFENDER, TeamLabel::B),
            (TEAMMATE, TeamLabel::A),
        ])
    }

    fn flags(scenes: &[Scene], events: &[Event]) -> Vec<Flag> {
        obstruction(events, scenes, &teams(), &ObstructionSettings::default())
    }

    #[test]
    fn a_defender_too_close_for_long_enough_is_flagged_and_a_teammate_is_not() {
        // Closes from 2 m to 0.5 m by 1.5 s into the hold, and stays there.
        let scenes = scenes(5.0, |t| (2.0 - t as f32).max(0.5));
        let got = flags(&scenes, &[held(0.0, 3.0)]);
        assert_eq!(got.len(), 1, "{got:?}");
        let f = &got[0];
        assert_eq!(
            (f.rule, &f.players[..]),
            (Rule::Obstruction, &[DEFENDER, HOLDER][..])
        );
        // Nearer than 0.9 m from 1.1 s (the first frame after) to the release at 3.0 s.
        assert!((1.12..1.2).contains(&f.time), "{f:?}");
        assert!((f.time + f.duration - 3.0).abs() < 1e-9);
        assert!(f.evidence.iter().all(|e| e.at.x < 10.9));
    }

    #[test]
    fn a_defender_who_steps_back_in_time_or_stands_at_the_distance_is_not() {
        // 0.4 s at 0.6 m, then back to 1.2 m.
        let brief = scenes(3.0, |t| if (1.0..1.4).contains(&t) { 0.6 } else { 1.2 });
        assert!(flags(&brief, &[held(0.0, 3.0)]).is_empty());
        let marking = scenes(3.0, |_| 0.95);
        assert!(flags(&marking, &[held(0.0, 3.0)]).is_empty());
    }

    #[test]
    fn a_defender_marking_close_is_flagged_through_her_feet_jitter() {
        // 0.55 m away, but every fourth frame her box's floor point lands 0.45 m further:
        // beyond 0.9 m, and no run of near frames lasts 0.5 s.
        let jittery = scenes(3.0, |t| {
            if ((t * 25.0).round() as u64).is_multiple_of(4) {
                1.0
            } else {
                0.55
            }
        });
        assert_eq!(flags(&jittery, &[held(0.0, 3.0)]).len(), 1);
    }

    #[test]
    fn only_while_the_ball_is_held() {
        // Too close all along, but the hold is 0.3 s long: then the ball is gone.
        let scenes = scenes(3.0, |_| 0.5);
        assert!(flags(&scenes, &[held(1.0, 1.3)]).is_empty());
        assert_eq!(flags(&scenes, &[held(1.0, 2.0)]).len(), 1);
    }

    #[test]
    fn no_kits_no_defenders() {
        let scenes = scenes(3.0, |_| 0.5);
        let got = obstruction(
            &[held(0.0, 3.0)],
            &scenes,
            &BTreeMap::new(),
            &ObstructionSettings::default(),
        );
        assert!(got.is_empty());
    }
}
