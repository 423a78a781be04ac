//! Three seconds: a player holding the ball must pass or shoot within 3.0 s of gaining it
//! (`NETBALL.md`). Judged on the possessions the events found: the clock starts when the ball
//! is seen in her hands. At a centre pass the C holds the ball from well before the whistle,
//! which the picture does not show: her clock starts when the players waiting on their marks
//! set off (`centre_pass_whistles`), or she is not judged where too few waited to say. At a
//! throw-in the clock starts once the thrower has taken up her position: from when her feet,
//! steadied, stand still.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::steady::smoothed;
use super::{Flag, Footing, Rule};
use crate::events::{Event, EventKind, Gain, Scene};

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ThreeSecondsSettings {
    /// The longest a player may hold the ball (`NETBALL.md`: 3.0 s).
    pub limit_s: f64,
    /// How much longer than the limit a hold must be seen to last to be flagged. None by
    /// default: a catch is more often seen late (in a crowd) than a release is, so holds
    /// look shorter rather than longer than they were.
    pub tolerance_s: f64,
    /// How far a thrower's feet may move while she stands in her position at a throw-in, in
    /// metres: a box's jitter on the floor, once steadied.
    pub position_m: f32,
    /// How long she must stand there (or until she throws) to have taken up her position, in
    /// seconds.
    pub position_s: f64,
    /// Half the span over which the thrower's feet are averaged, in seconds (a far player's
    /// jitter by several tenths of a metre from frame to frame).
    pub smoothing_s: f64,
}

impl Default for ThreeSecondsSettings {
    fn default() -> Self {
        Self {
            limit_s: 3.0,
            tolerance_s: 0.0,
            position_m: 0.3,
            position_s: 0.5,
            smoothing_s: 0.15,
        }
    }
}

/// A flag for every possession among `events` that lasted past the limit, from the moment the
/// limit ran out to the release; the evidence is the holder's feet meanwhile, where `scenes`
/// (in time order) put them on the court. `whistles` dates the centre passes' whistles by the
/// index of the C's possession.
pub fn three_seconds(
    events: &[Event],
    scenes: &[Scene],
    whistles: &BTreeMap<usize, f64>,
    settings: &ThreeSecondsSettings,
) -> Vec<Flag> {
    events
        .iter()
        .enumerate()
        .filter_map(|(i, e)| {
            let EventKind::Possession {
                player,
                until,
                gained,
                ..
            } = e.kind
            else {
                return None;
            };
            // The clock never starts before the ball is held: a hold too short from there is
            // not timed further.
            if until - (e.time + settings.limit_s) < settings.tolerance_s {
                return None;
            }
            let clock = match gained {
                Gain::CentrePass => whistles.get(&i)?.max(e.time),
                Gain::ThrowIn => took_position(e.time, until, player.track, scenes, settings)?,
                _ => e.time,
            };
            let over = clock + settings.limit_s;
            if until - over < settings.tolerance_s {
                return None;
            }
            // Scenes are in time order: the ones from the limit to the release.
            let from = scenes.partition_point(|s| s.time < over);
            let to = scenes.partition_point(|s| s.time <= until);
            let held = &scenes[from..to.max(from)];
            let first = held.first()?;
            Some(Flag {
                rule: Rule::ThreeSeconds,
                frame: first.frame,
                time: first.time,
                duration: until - first.time,
                players: vec![player.track],
                evidence: held
                    .iter()
                    .filter_map(|s| Footing::of_track(s, player.track))
                    .collect(),
            })
        })
        .collect()
}

/// When a thrower holding the ball from `from` to `until` took up her position: the first of
/// her steadied feet in `scenes` (in time order) from which she stood within `position_m` for
/// `position_s`, or until she threw. None without her feet on the court.
fn took_position(
    from: f64,
    until: f64,
    track: u32,
    scenes: &[Scene],
    settings: &ThreeSecondsSettings,
) -> Option<f64> {
    let (first, last) = (
        scenes.partition_point(|s| s.time < from),
        scenes.partition_point(|s| s.time <= until),
    );
    let feet: Vec<Footing> = scenes[first..last.max(first)]
        .iter()
        .filter_map(|s| Footing::of_track(s, track))
        .collect();
    let feet = smoothed(&feet, settings.smoothing_s);
    (0..feet.len())
        .find(|&i| {
            let stood = feet[i..]
                .iter()
                .take_while(|f| f.at.distance(feet[i].at) <= settings.position_m)
                .count();
            i + stood == feet.len()
                || feet[i + stood - 1].time - feet[i].time >= settings.position_s
        })
        .map(|i| feet[i].time)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::BoundingBox;
    use crate::court::CourtPoint;
    use crate::events::{Player, ScenePlayer};

    fn possession(time: f64, until: f64) -> Event {
        held(time, until, Gain::Pass)
    }

    fn held(time: f64, until: f64, gained: Gain) -> Event {
        Event {
            frame: (time * 25.0) as u64,
            time,
            at: None,
            kind: EventKind::Possession {
                player: Player {
                    track: 4,
                    team: None,
                    position: None,
                },
                gained,
                until_frame: (until * 25.0) as u64,
                until,
                feed: false,
            },
        }
    }

    fn scenes(seconds: f64) -> Vec<Scene> {
        (0..(seconds * 25.0) as u64)
            .map(|frame| Scene {
                frame,
                time: frame as f64 / 25.0,
                players: vec![ScenePlayer {
                    track: 4,
                    bbox: BoundingBox::from_center(100.0, 100.0, 20.0, 60.0),
                    court: Some(CourtPoint::new(5.0, 5.0)),
                    position: None,
                    kit: None,
                }],
                rings: Vec::new(),
            })
            .collect()
    }

    #[test]
    fn a_hold_past_three_seconds_is_flagged_from_the_third_second() {
        let scenes = scenes(10.0);
        let events = [possession(1.0, 2.5), possession(4.0, 7.8)];
        let flags = judge(&events, &scenes, &ThreeSecondsSettings::default());
        assert_eq!(flags.len(), 1, "{flags:?}");
        let f = &flags[0];
        assert_eq!(
            (f.rule, f.frame, &f.players[..]),
            (Rule::ThreeSeconds, 175, &[4][..])
        );
        assert!((f.duration - 0.8).abs() < 1e-9);
        // The evidence: her feet from the third second to the release.
        assert_eq!(f.evidence.len(), 21);
    }

    /// Without centre passes whose whistle is known.
    fn judge(events: &[Event], scenes: &[Scene], settings: &ThreeSecondsSettings) -> Vec<Flag> {
        three_seconds(events, scenes, &BTreeMap::new(), settings)
    }

    #[test]
    fn a_centre_pass_is_timed_from_its_whistle_if_known() {
        // The C has the ball from 1 s; the waiting players set off at 3 s.
        let (events, scenes) = ([held(1.0, 6.5, Gain::CentrePass)], scenes(8.0));
        let whistled = BTreeMap::from([(0, 3.0)]);
        let settings = ThreeSecondsSettings::default();
        let flags = three_seconds(&events, &scenes, &whistled, &settings);
        assert_eq!(flags.len(), 1, "{flags:?}");
        assert_eq!(flags[0].frame, 150);
        // Released within 3 s of the whistle, though 4.5 s after she had the ball.
        let quick = [held(1.0, 5.5, Gain::CentrePass)];
        assert!(three_seconds(&quick, &scenes, &whistled, &settings).is_empty());
        // No whistle known: not timed.
        assert!(judge(&events, &scenes, &settings).is_empty());
    }

    #[test]
    fn a_throw_in_is_timed_from_when_the_thrower_stood_in_her_position() {
        // She picks the ball up at 1 s, 2 m off, walks at 2 m/s to the line and stands there
        // from 2 s (frame 50).
        let mut scenes = scenes(8.0);
        for s in &mut scenes {
            let x = 5.0 + 2.0 * (2.0 - s.time).max(0.0) as f32;
            s.players[0].court = Some(CourtPoint::new(x, 5.0));
        }
        let settings = ThreeSecondsSettings::default();
        let flags = judge(&[held(1.0, 5.5, Gain::ThrowIn)], &scenes, &settings);
        assert_eq!(flags.len(), 1, "{flags:?}");
        // Her last 0.3 m of walking already counts as in position: about 0.15 s early.
        assert!((120..=127).contains(&flags[0].frame), "{flags:?}");
        // 4 s after the pick-up, but 2.5 s after she took her position.
        assert!(judge(&[held(1.0, 4.5, Gain::ThrowIn)], &scenes, &settings).is_empty());
        // Without her feet on the court, not timed.
        for s in &mut scenes {
            s.players[0].court = None;
        }
        assert!(judge(&[held(1.0, 5.5, Gain::ThrowIn)], &scenes, &settings).is_empty());
    }

    #[test]
    fn a_hold_just_past_the_limit_is_within_the_tolerance() {
        let lenient = ThreeSecondsSettings {
            tolerance_s: 0.2,
            ..ThreeSecondsSettings::default()
        };
        let events = [possession(1.0, 4.1)];
        assert!(judge(&events, &scenes(6.0), &lenient).is_empty());
        let strict = judge(&events, &scenes(6.0), &ThreeSecondsSettings::default());
        assert_eq!(strict.len(), 1);
    }
}
