//! The centre pass (`NETBALL.md`): before the whistle only the two Cs may be in the centre
//! third (others going in early are "breaking"), and the pass must be caught or touched by a
//! player standing in, or landing wholly within, the centre third.
//!
//! - Where it is caught: the first pass of a possession gained by a centre pass, and where the
//!   catcher's feet were at the catch.
//! - Breaking: the whistle is heard, not seen; but at a centre pass everyone stands on her
//!   mark until it goes, and then everyone moves at once. So the whistle is dated by when the
//!   players waiting on their marks set off (the middle of their departures), and a player
//!   who set off clearly before the others and went into the centre third broke. No roles are
//!   needed: the Cs stand in the centre third already, so they never go into it.
//! - Feet seen on the floor jitter, a far player's by more than a step from frame to frame, so
//!   they are averaged over a fraction of a second before stillness is looked for; and a track
//!   whose feet leap faster than anyone runs has moved to someone else, whose waiting is
//!   looked for afresh.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::steady::{mean, one_person, smoothed};
use super::{Flag, Footing, Rule};
use crate::court::{CourtDimensions, CourtPoint};
use crate::events::{Event, EventKind, Gain, Player, Scene};

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CentrePassSettings {
    /// How far outside (the catch) or inside (a break) the centre third feet must be, in
    /// metres: a foot is known to some centimetres, and one on the line is in.
    pub tolerance_m: f32,
    /// How long a player must stand still to be waiting on her mark, in seconds.
    pub waiting_s: f64,
    /// How long before the C is seen with the ball the players' waiting is looked for, in
    /// seconds: they take their marks while the ball goes back to the centre.
    pub lookback_s: f64,
    /// How far from where she stood still a player has set off, in metres (more than a
    /// box's jitter on the floor).
    pub set_off_m: f32,
    /// How near where she stood a player still is when her move begins, in metres: she is
    /// known to have gone once `set_off_m` away, but set off when she was last this near,
    /// some tenths of a second earlier.
    pub started_m: f32,
    /// How much earlier than the others' middle a player must set off to have gone before the
    /// whistle, in seconds (people react to a whistle within a few tenths).
    pub early_s: f64,
    /// The fewest other players waiting on their marks that date the whistle.
    pub min_waiting: usize,
    /// How near the middle of the departures, in seconds, at least `min_waiting` of them must
    /// be to date a whistle: at a whistle everyone moves at once, while players drifting off
    /// their marks one by one date nothing.
    pub together_s: f64,
    /// Half the span over which a player's feet are averaged, in seconds: long enough to
    /// steady a far player's jitter (several tenths of a metre from frame to frame), short
    /// enough to keep the moment she set off.
    pub smoothing_s: f64,
    /// The fastest anyone runs, in metres a second: feet that move faster between two
    /// sightings (with half a metre to spare for the boxes) are another person's, the track
    /// having moved to her.
    pub max_speed_mps: f32,
}

impl Default for CentrePassSettings {
    fn default() -> Self {
        Self {
            tolerance_m: 0.15,
            waiting_s: 0.8,
            lookback_s: 3.0,
            set_off_m: 0.3,
            started_m: 0.1,
            early_s: 0.25,
            min_waiting: 4,
            together_s: 0.5,
            smoothing_s: 0.15,
            max_speed_mps: 12.0,
        }
    }
}

/// The possessions gained by a centre pass among `events`: the event's index, the event, the C
/// who held the ball, and the frame she released it.
fn centre_passes(events: &[Event]) -> impl Iterator<Item = (usize, &Event, Player, u64)> {
    events.iter().enumerate().filter_map(|(i, e)| match e.kind {
        EventKind::Possession {
            player,
            gained: Gain::CentrePass,
            until_frame,
            ..
        } => Some((i, e, player, until_frame)),
        _ => None,
    })
}

/// A flag for every centre pass among `events` (in time order) caught outside the centre
/// third: at the catch, naming the thrower and the catcher, with the catcher's feet.
pub fn centre_pass_received(
    events: &[Event],
    court: &CourtDimensions,
    settings: &CentrePassSettings,
) -> Vec<Flag> {
    let [low, high] = court.transverse_lines();
    let mut flags = Vec::new();
    for (i, _, c, until_frame) in centre_passes(events) {
        // Her pass, then its catch: the next possession, if it is the receiver's.
        let mut after = events[i + 1..].iter();
        let Some(EventKind::Pass {
            receiver: Some(receiver),
            ..
        }) = after
            .find(|n| n.frame >= until_frame && !matches!(n.kind, EventKind::Possession { .. }))
            .map(|n| n.kind.clone())
        else {
            continue;
        };
        let Some(catch) = after.find(|n| matches!(n.kind, EventKind::Possession { .. })) else {
            continue;
        };
        let (Some(caught), EventKind::Possession { player, .. }) =
            (Footing::of_event(catch), &catch.kind)
        else {
            continue;
        };
        if player.track != receiver.track {
            continue;
        }
        let outside = (low - caught.at.x).max(caught.at.x - high);
        if outside > settings.tolerance_m {
            flags.push(Flag {
                rule: Rule::CentrePassReceived,
                frame: catch.frame,
                time: catch.time,
                duration: 0.0,
                players: vec![c.track, receiver.track],
                evidence: vec![caught],
            });
        }
    }
    flags
}

/// The players waiting on their marks outside the centre third at one centre pass (the C's
/// possession `e`, released at `until_frame`), each with her steadied feet from the moment
/// she set off: everyone in `scenes` (in time order) from `lookback_s` before the C was seen
/// with the ball to the release, the C left out.
fn departures(
    e: &Event,
    c: Player,
    until_frame: u64,
    scenes: &[Scene],
    inside: impl Fn(CourtPoint) -> bool,
    settings: &CentrePassSettings,
) -> Vec<(u32, Vec<Footing>)> {
    let from = scenes.partition_point(|s| s.time < e.time - settings.lookback_s);
    let to = scenes.partition_point(|s| s.frame <= until_frame);
    let window = &scenes[from..to.max(from)];
    let mut tracks: Vec<u32> = window
        .iter()
        .flat_map(|s| s.players.iter().map(|p| p.track))
        .filter(|&t| t != c.track)
        .collect();
    tracks.sort_unstable();
    tracks.dedup();
    tracks
        .into_iter()
        .filter_map(|track| {
            let feet: Vec<Footing> = window
                .iter()
                .filter_map(|s| Footing::of_track(s, track))
                .collect();
            // The last person the track followed who set off.
            let (feet, set_off) =
                one_person(&feet, settings.max_speed_mps)
                    .rev()
                    .find_map(|stretch| {
                        let steady = smoothed(stretch, settings.smoothing_s);
                        let set_off = set_off(&steady, settings)?;
                        Some((steady, set_off))
                    })?;
            // Only a player waiting outside the centre third can break.
            (!inside(feet[set_off].at)).then(|| (track, feet[set_off..].to_vec()))
        })
        .collect()
}

/// When the whistle went, as the players in `departures` heard it: the middle of their
/// departures but `except`'s, if at least `min_waiting` of them set off together about then.
fn heard(
    departures: &[(u32, Vec<Footing>)],
    except: Option<u32>,
    settings: &CentrePassSettings,
) -> Option<f64> {
    let mut times: Vec<f64> = departures
        .iter()
        .filter(|(t, _)| Some(*t) != except)
        .map(|(_, moved)| moved[0].time)
        .collect();
    times.sort_by(f64::total_cmp);
    let middle = *times.get(times.len() / 2)?;
    let together = times
        .iter()
        .filter(|&&t| (t - middle).abs() <= settings.together_s)
        .count();
    (together >= settings.min_waiting).then_some(middle)
}

/// Whether a point is in the centre third by more than the tolerance.
fn in_centre_third(
    court: &CourtDimensions,
    settings: &CentrePassSettings,
) -> impl Fn(CourtPoint) -> bool {
    let [low, high] = court.transverse_lines();
    let (tolerance, width) = (settings.tolerance_m, court.width);
    move |p: CourtPoint| {
        p.x > low + tolerance && p.x < high - tolerance && (0.0..=width).contains(&p.y)
    }
}

/// When the whistle went at each centre pass among `events` whose waiting players date it,
/// by the index of the C's possession: the middle of their departures, a reaction time after
/// the whistle itself, so a clock started there runs no faster than the umpire's.
pub fn centre_pass_whistles(
    events: &[Event],
    scenes: &[Scene],
    court: &CourtDimensions,
    settings: &CentrePassSettings,
) -> BTreeMap<usize, f64> {
    let inside = in_centre_third(court, settings);
    centre_passes(events)
        .filter_map(|(i, e, c, until_frame)| {
            let departures = departures(e, c, until_frame, scenes, &inside, settings);
            Some((i, heard(&departures, None, settings)?))
        })
        .collect()
}

/// A flag for every player who broke at a centre pass among `events`, with the feet `scenes`
/// (in time order) put on the court: from the first frame she was in the centre third, with
/// her feet from when she set off as the evidence.
pub fn breaking(
    events: &[Event],
    scenes: &[Scene],
    court: &CourtDimensions,
    settings: &CentrePassSettings,
) -> Vec<Flag> {
    let inside = in_centre_third(court, settings);
    let mut flags = Vec::new();
    for (_, e, c, until_frame) in centre_passes(events) {
        let departures = departures(e, c, until_frame, scenes, &inside, settings);
        for (track, moved) in &departures {
            let Some(whistle) = heard(&departures, Some(*track), settings) else {
                continue;
            };
            if moved[0].time > whistle - settings.early_s {
                continue;
            }
            let Some(went_in) = moved
                .iter()
                .position(|f| inside(f.at) && f.time <= whistle + settings.early_s)
            else {
                continue;
            };
            let went_in = moved[went_in];
            flags.push(Flag {
                rule: Rule::Breaking,
                frame: went_in.frame,
                time: went_in.time,
                duration: 0.0,
                players: vec![*track],
                evidence: moved
                    .iter()
                    .take_while(|f| f.time <= went_in.time)
                    .copied()
                    .collect(),
            });
        }
    }
    flags
}

/// Where a player last set off after standing still, in her steadied `feet` (in time order):
/// the index of the sighting at which that move began, or `None` if she never stood still for
/// long enough and then went `set_off_m` away.
fn set_off(feet: &[Footing], settings: &CentrePassSettings) -> Option<usize> {
    let mut still_since = 0;
    let mut last = None;
    for (i, f) in feet.iter().enumerate() {
        let anchor = feet[still_since];
        if f.at.distance(anchor.at) > settings.set_off_m {
            if feet[i - 1].time - anchor.time >= settings.waiting_s {
                last = Some(still_since + began(&feet[still_since..i], settings.started_m));
            }
            still_since = i;
        }
    }
    last
}

/// Where, in `stood` (a player's steadied feet from when she stood still until just before she
/// had gone `set_off_m`), her move began: the last sighting within `started_m` of where she
/// stood. Where she stood is the mean of her feet until her move began, found in two rounds
/// (the first takes in the start of her move too).
///
/// A departure dated when she had gone `set_off_m` is late by the time a standing start
/// takes to cover it, about 0.3 s, and so is the whistle the C's three seconds are timed
/// from; dated here, by about a tenth (`docs/performance.md`).
fn began(stood: &[Footing], started_m: f32) -> usize {
    let mut began = stood.len() - 1;
    for _ in 0..2 {
        let at = mean(&stood[..=began]);
        began = stood
            .iter()
            .rposition(|f| f.at.distance(at) <= started_m)
            .unwrap_or(0);
    }
    began
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::BoundingBox;
    use crate::events::ScenePlayer;

    fn player(track: u32) -> Player {
        Player {
            track,
            team: None,
            position: None,
        }
    }

    fn held(frame: u64, track: u32, gained: Gain, x: f32) -> Event {
        Event {
            frame,
            time: frame as f64 / 25.0,
            at: Some(CourtPoint::new(x, 7.0)),
            kind: EventKind::Possession {
                player: player(track),
                gained,
                until_frame: frame + 20,
                until: (frame + 20) as f64 / 25.0,
                feed: false,
            },
        }
    }

    /// A centre pass from the circle at frame 0, thrown at frame 20, caught at `x` at frame 40.
    fn centre_pass(x: f32) -> Vec<Event> {
        vec![
            held(0, 5, Gain::CentrePass, 15.25),
            Event {
                frame: 20,
                time: 0.8,
                at: Some(CourtPoint::new(15.25, 7.0)),
                kind: EventKind::Pass {
                    player: player(5),
                    receiver: Some(player(6)),
                },
            },
            held(40, 6, Gain::Pass, x),
        ]
    }

    fn flags(events: &[Event]) -> Vec<Flag> {
        centre_pass_received(
            events,
            &CourtDimensions::default(),
            &CentrePassSettings::default(),
        )
    }

    #[test]
    fn a_centre_pass_caught_in_a_goal_third_is_flagged() {
        let got = flags(&centre_pass(22.0));
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(
            (got[0].rule, got[0].frame, &got[0].players[..]),
            (Rule::CentrePassReceived, 40, &[5, 6][..])
        );
        assert!(flags(&centre_pass(8.0)).len() == 1);
    }

    #[test]
    fn a_centre_pass_caught_in_the_centre_third_or_on_its_line_is_not() {
        let [low, high] = CourtDimensions::default().transverse_lines();
        for x in [12.0, low - 0.1, high + 0.1] {
            assert!(flags(&centre_pass(x)).is_empty(), "{x}");
        }
    }

    #[test]
    fn only_the_centre_pass_counts() {
        let mut events = centre_pass(22.0);
        if let EventKind::Possession { gained, .. } = &mut events[0].kind {
            *gained = Gain::Pass;
        }
        assert!(flags(&events).is_empty());
    }

    /// How far a player who set off `t` seconds ago has gone: from a standing start at 4 m/s²
    /// up to 4 m/s, as a quick player sets off.
    fn gone(t: f64) -> f32 {
        let t = t.max(0.0) as f32;
        if t < 1.0 {
            2.0 * t * t
        } else {
            2.0 + 4.0 * (t - 1.0)
        }
    }

    /// A centre pass: the C (track 5) holds the ball from 0 s to the release at 4 s; the
    /// whistle goes at 3 s. Five players wait 1 m outside the low transverse line and set off
    /// at 3 s (`gone`); `early`, if any, sets off at that time instead. Another player, a C,
    /// waits inside the centre third. Everyone's feet are seen `jitter` metres to one side and
    /// the other in turn, as a far player's are.
    fn restart(early: Option<f64>, jitter: f32) -> (Vec<Event>, Vec<Scene>) {
        let [low, _] = CourtDimensions::default().transverse_lines();
        let scenes = (0..100)
            .map(|frame| {
                let time = frame as f64 / 25.0;
                let mut players: Vec<ScenePlayer> = (10..15)
                    .map(|track| {
                        let go = if track == 10 {
                            early.unwrap_or(3.0)
                        } else {
                            3.0
                        };
                        let x = low - 1.0 + gone(time - go);
                        at(track, CourtPoint::new(x, 2.0 + f32::from(track as u8 - 10)))
                    })
                    .collect();
                players.push(at(5, CourtPoint::new(15.25, 7.6)));
                players.push(at(20, CourtPoint::new(14.0, 5.0)));
                let side = if frame % 2 == 0 { jitter } else { -jitter };
                for p in &mut players {
                    if let Some(court) = &mut p.court {
                        court.y += side;
                    }
                }
                Scene {
                    frame,
                    time,
                    players,
                    rings: Vec::new(),
                }
            })
            .collect();
        let mut events = vec![held(0, 5, Gain::CentrePass, 15.25)];
        if let EventKind::Possession {
            until_frame, until, ..
        } = &mut events[0].kind
        {
            (*until_frame, *until) = (100, 4.0);
        }
        (events, scenes)
    }

    fn at(track: u32, court: CourtPoint) -> ScenePlayer {
        ScenePlayer {
            track,
            bbox: BoundingBox::from_center(10.0 * court.x, 10.0 * court.y, 10.0, 30.0),
            court: Some(court),
            position: None,
            kit: None,
        }
    }

    fn breaks(events: &[Event], scenes: &[Scene]) -> Vec<Flag> {
        breaking(
            events,
            scenes,
            &CourtDimensions::default(),
            &CentrePassSettings::default(),
        )
    }

    #[test]
    fn a_player_who_goes_into_the_centre_third_before_the_others_broke() {
        let (events, scenes) = restart(Some(2.5), 0.0);
        let got = breaks(&events, &scenes);
        assert_eq!(got.len(), 1, "{got:?}");
        let f = &got[0];
        assert_eq!((f.rule, &f.players[..]), (Rule::Breaking, &[10][..]));
        // 1.15 m to go from a standing start: about 0.75 s after she set off.
        assert!((3.2..3.3).contains(&f.time), "{f:?}");
        assert!(!f.evidence.is_empty());
    }

    #[test]
    fn a_break_is_seen_through_feet_that_jitter() {
        // Half a metre from frame to frame: no one would ever seem to stand still.
        let (events, scenes) = restart(Some(2.5), 0.25);
        let got = breaks(&events, &scenes);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(&got[0].players[..], &[10][..]);
        let (events, scenes) = restart(None, 0.25);
        assert!(breaks(&events, &scenes).is_empty());
    }

    #[test]
    fn a_track_that_leaps_to_someone_else_did_not_set_off() {
        // Track 10 waits on her mark until 2.5 s, then its box is on a C standing in the
        // centre third: the track moved to another person; nobody ran there.
        let (events, mut scenes) = restart(None, 0.0);
        for s in scenes.iter_mut().filter(|s| s.time >= 2.5) {
            for p in s.players.iter_mut().filter(|p| p.track == 10) {
                p.court = Some(CourtPoint::new(14.0, 3.0));
            }
        }
        assert!(breaks(&events, &scenes).is_empty());
    }

    #[test]
    fn players_who_go_with_the_others_did_not() {
        let (events, scenes) = restart(None, 0.0);
        assert!(breaks(&events, &scenes).is_empty());
        // A tenth of a second early is a quick reaction, not a break.
        let (events, scenes) = restart(Some(2.9), 0.0);
        assert!(breaks(&events, &scenes).is_empty());
    }

    #[test]
    fn the_whistle_is_dated_by_the_waiting_players_departures() {
        let court = CourtDimensions::default();
        let settings = CentrePassSettings::default();
        // One of five set off early: the middle of the five is still the others'.
        let (events, scenes) = restart(Some(2.5), 0.0);
        let whistles = centre_pass_whistles(&events, &scenes, &court, &settings);
        assert_eq!(whistles.keys().collect::<Vec<_>>(), [&0]);
        // Dated from when they set off (their steadied feet within `started_m` of their marks
        // until about 3.2 s), not from when they had gone `set_off_m` (at 3.4 s).
        assert!((3.0..3.25).contains(&whistles[&0]), "{whistles:?}");
        let (events, mut scenes) = restart(None, 0.0);
        for s in &mut scenes {
            s.players.retain(|p| p.track <= 12 || p.track == 5);
        }
        assert!(centre_pass_whistles(&events, &scenes, &court, &settings).is_empty());

        // Players who set off one by one, 0.4 s apart, heard no whistle.
        let (events, mut scenes) = restart(None, 0.0);
        let [low, _] = court.transverse_lines();
        for s in &mut scenes {
            for p in s.players.iter_mut().filter(|p| (10..15).contains(&p.track)) {
                let go = 2.0 + 0.4 * f64::from(p.track - 10);
                let x = low - 1.0 + gone(s.time - go);
                p.court = p.court.map(|c| CourtPoint::new(x, c.y));
            }
        }
        assert!(centre_pass_whistles(&events, &scenes, &court, &settings).is_empty());
    }

    #[test]
    fn too_few_players_waiting_say_nothing_of_the_whistle() {
        let (events, mut scenes) = restart(Some(2.5), 0.0);
        for s in &mut scenes {
            s.players.retain(|p| p.track <= 12 || p.track == 5);
        }
        assert!(breaks(&events, &scenes).is_empty());
    }
}
