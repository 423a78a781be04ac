//! Match events from tracks and the ball (`NETBALL.md`, "Events the analysis produces"):
//! possessions and how each was gained, passes, shots, goals and misses.
//!
//! - [`scene`]: what is kept of each analysed frame (people's boxes, rings).
//! - `holding`: who holds the ball, frame by frame, and the spans of one holder.
//! - `ring`: shots, from a released ball's flight at a ring, and their outcome.
//!
//! Everything is decided in the picture, so it works with or without a court calibration;
//! a calibration adds where each event happened on the court, and tells a centre pass by
//! its place.

mod holding;
mod ring;
mod scene;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use scene::{Scene, ScenePlayer};

use crate::court::{CourtDimensions, CourtPoint, End, Position};
use crate::track::{BallPoint, TeamLabel};
use holding::Hold;
use ring::Outcome;

/// The numbers that decide events. Reaches are shares of a player's box; times are seconds.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct EventSettings {
    /// How far beyond either side of her box a player's hands reach, in box widths.
    pub reach_side: f32,
    /// How far above her box (a ball held overhead), in box heights.
    pub reach_above: f32,
    /// How far down her box from its top a held ball may be (about the hips), in box heights.
    pub reach_below: f32,
    /// The fastest a held ball moves relative to its holder's box, box heights per second
    /// (arms and box jitter); a ball in flight moves several times faster.
    pub max_relative_speed: f32,
    /// How far above her box a ball may be for a player to take it, in box heights: less
    /// than a held ball's `reach_above`, or a lob dropping past a player's head is caught
    /// too soon.
    pub catch_above: f32,
    /// The fastest a ball may move relative to a player's box for her to take it, box
    /// heights per second.
    pub catch_relative_speed: f32,
    /// The shortest hold that is a possession: a ball flying past a player is within her reach
    /// for a few frames.
    pub min_hold_s: f64,
    /// A break in a hold shorter than this, by the same player, does not end her possession.
    pub max_break_s: f64,
    /// The shortest flight from one hold to the next that is a pass: the ball cannot go from
    /// one player to another quicker, so two holds closer than this are one.
    pub min_flight_s: f64,
    /// The longest flight from one possession to the next that is a pass.
    pub max_flight_s: f64,
    /// How near a ring the ball must come, in ring sizes beyond its box, to be a shot at it.
    pub ring_reach: f32,
    /// How long a ring stays where it was last detected.
    pub ring_memory_s: f64,
    /// The longest a restart after a goal takes. On a calibrated court, holds between a goal
    /// and a hold in the centre circle within this time are the ball going back to the
    /// centre, not play; without a calibration the first hold after a goal is the centre pass.
    pub restart_s: f64,
    /// How long a ball must lie still with nobody holding it to be taken as lying on the
    /// floor, which only a player standing at it can pick up.
    pub rest_s: f64,
    /// How far from a lying ball's centre, up or down the picture, the feet of a player who
    /// picks it up may be, in her box heights.
    pub pickup_rows: f32,
    /// How long a hold lasts before play has surely stopped for it, in seconds: three
    /// seconds and the umpire's whistle. After it, a player of the other kit nearer the ball
    /// than the holder has been given it (a free pass is taken where the offence was: the
    /// offender steps back, and in the picture the ball hardly moves).
    pub handover_s: f64,
}

impl Default for EventSettings {
    fn default() -> Self {
        Self {
            reach_side: 0.3,
            reach_above: 0.15,
            reach_below: 0.7,
            max_relative_speed: 1.5,
            catch_above: 0.05,
            catch_relative_speed: 1.0,
            min_hold_s: 0.3,
            max_break_s: 0.4,
            min_flight_s: 0.15,
            max_flight_s: 3.0,
            ring_reach: 1.0,
            ring_memory_s: 2.0,
            restart_s: 30.0,
            rest_s: 1.0,
            pickup_rows: 0.25,
            handover_s: 3.5,
        }
    }
}

/// The player an event is about, as far as the analysis knows her.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Player {
    pub track: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<TeamLabel>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<Position>,
}

/// How a player came to hold the ball.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Gain {
    /// The restart after a goal (or, on a calibrated court, a hold in the centre circle after
    /// a loose ball).
    CentrePass,
    /// Caught a teammate's pass.
    Pass,
    /// Caught an opponent's pass.
    Interception,
    /// Took the ball after a missed shot.
    Rebound,
    /// Took a loose ball standing off the court, to throw it in (on a calibrated court).
    ThrowIn,
    /// Anything else: the first hold of the video, a loose ball, a free pass whose violation
    /// was not flagged (and, without a calibration, a throw-in).
    PickUp,
    /// Given the ball after the other team broke a rule the analysis flagged: the handover
    /// the umpire's whistle calls for, not play (`rules::award_free_passes`).
    FreePass,
}

/// What happened.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EventKind {
    /// `player` holds the ball from the event's frame to `until_frame` (`until` seconds).
    /// `feed` when she caught a teammate's pass inside her attacking goal circle (known on a
    /// calibrated court once her team has shot: a team attacks the end it shoots at).
    Possession {
        player: Player,
        gained: Gain,
        until_frame: u64,
        until: f64,
        #[serde(default)]
        feed: bool,
    },
    /// The ball leaves `player`'s hands and is next held by `receiver` (an opponent, when the
    /// pass was intercepted; nobody, when it went loose or out of court, or the video ended).
    Pass {
        player: Player,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        receiver: Option<Player>,
    },
    /// The ball leaves `player`'s hands toward a ring.
    Shot { player: Player },
    /// The shot went through the ring (at the event's frame).
    Goal { player: Player },
    /// The shot reached the ring and did not go through.
    Miss { player: Player },
}

impl Gain {
    /// The name used in the result document.
    pub fn name(self) -> &'static str {
        match self {
            Gain::CentrePass => "centre_pass",
            Gain::Pass => "pass",
            Gain::Interception => "interception",
            Gain::Rebound => "rebound",
            Gain::ThrowIn => "throw_in",
            Gain::PickUp => "pick_up",
            Gain::FreePass => "free_pass",
        }
    }
}

impl EventKind {
    /// The name used in the result document.
    pub fn name(&self) -> &'static str {
        match self {
            EventKind::Possession { .. } => "possession",
            EventKind::Pass { .. } => "pass",
            EventKind::Shot { .. } => "shot",
            EventKind::Goal { .. } => "goal",
            EventKind::Miss { .. } => "miss",
        }
    }

    /// The player the event is about: the holder, thrower or shooter.
    pub fn player(&self) -> &Player {
        match self {
            EventKind::Possession { player, .. }
            | EventKind::Pass { player, .. }
            | EventKind::Shot { player }
            | EventKind::Goal { player }
            | EventKind::Miss { player } => player,
        }
    }
}

/// One event: its first frame, its time, and the court point of the player's feet when the
/// camera is calibrated.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub frame: u64,
    /// Seconds from the start of the video.
    pub time: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<CourtPoint>,
    #[serde(flatten)]
    pub kind: EventKind,
}

/// What ended the last possession, which says how the next one was gained.
#[derive(Clone, Copy, Debug)]
enum Before {
    Nothing,
    Pass(Option<TeamLabel>),
    /// A goal, at this time.
    Goal(f64),
    Miss,
}

/// How far outside the centre circle, in metres, a centre pass may seem to be taken: the feet
/// are a box's bottom through a calibration good to some centimetres, and a C's other foot
/// may be anywhere in the circle.
const CENTRE_SLACK_M: f32 = 0.5;

/// How far off the court, in metres, a player's feet must seem to be for her to be there:
/// the feet are a box's bottom through a calibration good to some centimetres.
const OFF_COURT_SLACK_M: f32 = 0.3;

fn off_court(court: &CourtDimensions, p: CourtPoint) -> bool {
    court.distance_outside(p) > OFF_COURT_SLACK_M
}

/// The most holds between a goal and the centre pass (the ball thrown back to the C, or handed
/// on by whoever picked it up).
const RESTART_HOLDS: usize = 2;

/// The events of a run, in time order, from its scenes (in frame order), the ball's path and
/// the tracks' teams.
pub fn detect_events(
    scenes: &[Scene],
    ball: &[BallPoint],
    teams: &BTreeMap<u32, TeamLabel>,
    settings: &EventSettings,
) -> Vec<Event> {
    let by_frame: BTreeMap<u64, (f32, f32)> =
        ball.iter().map(|b| (b.frame, b.bbox.center())).collect();
    let centres: Vec<Option<(f32, f32)>> = scenes
        .iter()
        .map(|s| by_frame.get(&s.frame).copied())
        .collect();
    let holders = holding::holders(scenes, &centres, teams, settings);
    let rings = ring::rings(scenes, settings);
    let times: Vec<f64> = scenes.iter().map(|s| s.time).collect();
    let holds = holding::holds(scenes, &centres, &holders, &rings, &times, teams, settings);
    let court = CourtDimensions::default();

    let player = |hold: &Hold, at: usize| -> (Player, Option<CourtPoint>) {
        let seen = scenes[at].player(hold.track);
        let p = Player {
            track: hold.track,
            team: teams.get(&hold.track).copied(),
            position: seen.and_then(|p| p.position),
        };
        (p, seen.and_then(|p| p.court))
    };
    let event = |at: usize, place: Option<CourtPoint>, kind: EventKind| Event {
        frame: scenes[at].frame,
        time: scenes[at].time,
        at: place,
        kind,
    };

    // Whether the ball flew from the hold's end before scene `to`, a box height or more.
    let thrown = |hold: &Hold, to: usize| {
        scenes[hold.last]
            .player(hold.track)
            .is_some_and(|p| holding::flew(&centres, hold.last, to, p.bbox.height()))
    };
    let calibrated = scenes
        .iter()
        .any(|s| s.players.iter().any(|p| p.court.is_some()));
    let in_centre_circle = |hold: &Hold| {
        (hold.first..=hold.last).any(|k| {
            scenes[k]
                .player(hold.track)
                .and_then(|p| p.court)
                .is_some_and(|p| {
                    p.distance(court.centre()) <= court.centre_circle_radius + CENTRE_SLACK_M
                })
        })
    };

    // A hold that starts off the court is a throw-in, not the catch of a pass.
    let taken_off_court = |hold: &Hold| {
        scenes[hold.first]
            .player(hold.track)
            .and_then(|p| p.court)
            .is_some_and(|p| off_court(&court, p))
    };

    let mut events = Vec::new();
    let mut before = Before::Nothing;
    let mut i = 0;
    while i < holds.len() {
        if let Before::Goal(scored) = before
            && calibrated
        {
            // The ball goes back to the centre: the holds on the way are not play. More of
            // them than a return takes means the goal was not one.
            let restart = holds[i..].iter().take(RESTART_HOLDS + 1).position(|h| {
                scenes[h.first].time - scored <= settings.restart_s && in_centre_circle(h)
            });
            i += restart.unwrap_or(0);
        }
        let hold = &holds[i];
        // A rebound is dated from when it came down into her hands (see
        // `holding::caught_overhead`), after the previous hold.
        let caught = match before {
            Before::Miss => {
                let from = i.checked_sub(1).map_or(0, |p| holds[p].last + 1);
                holding::caught_overhead(scenes, &centres, hold.track, from, hold.first, settings)
            }
            _ => hold.first,
        };
        let (holder, place) = player(hold, caught);
        let gained = match before {
            Before::Goal(_) => Gain::CentrePass,
            // Play never goes on off the court: the ball went out, and this is the throw-in.
            _ if taken_off_court(hold) => Gain::ThrowIn,
            Before::Miss => Gain::Rebound,
            Before::Pass(from) => match (from, holder.team) {
                (Some(a), Some(b)) if a != b => Gain::Interception,
                _ => Gain::Pass,
            },
            Before::Nothing if in_centre_circle(hold) => Gain::CentrePass,
            Before::Nothing => Gain::PickUp,
        };
        events.push(event(
            caught,
            place,
            EventKind::Possession {
                player: holder,
                gained,
                until_frame: scenes[hold.last].frame,
                until: scenes[hold.last].time,
                feed: false,
            },
        ));

        let next = holds.get(i + 1);
        let released = scenes[hold.last].time;
        // The flight ends at the next hold, or when no pass could still be in the air.
        let to = next
            .map_or(scenes.len(), |n| n.first)
            .min(scenes.partition_point(|s| s.time <= released + settings.max_flight_s));
        let (thrower, thrown_at) = player(hold, hold.last);
        // A shot by `shooter` from scene `at`, standing at `place`.
        let shoot = |events: &mut Vec<Event>,
                     shooter: Player,
                     at: usize,
                     place: Option<CourtPoint>,
                     shot: ring::ShotFlight| {
            events.push(event(at, place, EventKind::Shot { player: shooter }));
            let (kind, after) = match shot.outcome {
                Outcome::Goal => (
                    EventKind::Goal { player: shooter },
                    Before::Goal(scenes[shot.at_ring].time),
                ),
                Outcome::Miss => (EventKind::Miss { player: shooter }, Before::Miss),
                // An attempt whose end the video does not show.
                Outcome::Unseen => return Before::Nothing,
            };
            events.push(event(shot.at_ring, None, kind));
            after
        };
        before = if let Some(shot) = ring::shot(&rings, &centres, &times, hold.last, to, settings) {
            // Dated where the ball left her hands: a hold may end before the release, where
            // her box was lost for the last moments she held the ball.
            let at = holding::released(scenes, &centres, hold.last, shot.at_ring, settings)
                .map_or(hold.last, |(at, _)| at);
            let (_, place) = player(hold, at);
            shoot(&mut events, thrower, at, place.or(thrown_at), shot)
        } else if let Some(next) = next.filter(|n| n.first <= to && !taken_off_court(n)) {
            let (receiver, _) = player(next, next.first);
            events.push(event(
                hold.last,
                thrown_at,
                EventKind::Pass {
                    player: thrower,
                    receiver: Some(receiver),
                },
            ));
            Before::Pass(thrower.team)
        } else {
            if thrown(hold, to) {
                events.push(event(
                    hold.last,
                    thrown_at,
                    EventKind::Pass {
                        player: thrower,
                        receiver: None,
                    },
                ));
            }
            // A shot by a player never seen holding the ball (her box missing, or on someone
            // else, while she had it): before the next hold, later than a pass from this one
            // could still fly, the ball went over a ring and came down at it. Its shooter is
            // whoever's hands it last left on its way up.
            let until = next.map_or(scenes.len(), |n| n.first);
            let unseen =
                ring::shot(&rings, &centres, &times, hold.last, until, settings).and_then(|shot| {
                    let (at, track) =
                        holding::released(scenes, &centres, hold.last + 1, shot.at_ring, settings)?;
                    let seen = scenes[at].player(track);
                    let shooter = Player {
                        track,
                        team: teams.get(&track).copied(),
                        position: seen.and_then(|p| p.position),
                    };
                    Some((shooter, at, seen.and_then(|p| p.court), shot))
                });
            match unseen {
                Some((shooter, at, place, shot)) => shoot(&mut events, shooter, at, place, shot),
                None => Before::Nothing,
            }
        };
        i += 1;
    }
    events.sort_by_key(|e| e.frame);
    mark_feeds(&mut events, &court);
    events
}

/// Marks the possessions that are feeds: passes caught inside the catcher's attacking goal
/// circle. Only a GS or GA may be in her attacking circle, and a GD or GK only in her
/// defending one, so a catcher's bib says which circle she is in; otherwise her team does:
/// it attacks the end it shoots at, the end of the court its shot nearest in time was taken
/// from (teams change ends every quarter). A catch the kit colours call an interception
/// counts when the bib says GS or GA (a teammate's box given the other kit is the commoner
/// mistake). A catch in a circle that the catcher shoots from is a feed whatever her bib and
/// kit say: only a GS or GA shoots, from her attacking circle (where a shooter and her
/// marker overlap, the track that follows the shooter may carry the marker's bib or kit).
fn mark_feeds(events: &mut [Event], court: &CourtDimensions) {
    let end_of = |p: CourtPoint| {
        if p.x < court.length / 2.0 {
            End::Low
        } else {
            End::High
        }
    };
    let shots: Vec<(f64, TeamLabel, End)> = events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::Shot { player } => Some((e.time, player.team?, end_of(e.at?))),
            _ => None,
        })
        .collect();
    // Whether each event is a possession whose holder shoots next.
    let shoots: Vec<bool> = (0..events.len())
        .map(
            |i| match (&events[i].kind, events.get(i + 1).map(|e| &e.kind)) {
                (
                    EventKind::Possession { player, .. },
                    Some(EventKind::Shot { player: shooter }),
                ) => shooter.track == player.track,
                _ => false,
            },
        )
        .collect();
    for (e, shoots) in events.iter_mut().zip(shoots) {
        let (time, at) = (e.time, e.at);
        let EventKind::Possession {
            player,
            gained,
            feed,
            ..
        } = &mut e.kind
        else {
            continue;
        };
        let Some(at) = at else { continue };
        let in_circle = court.in_goal_circle(at, End::Low) || court.in_goal_circle(at, End::High);
        *feed = in_circle
            && match (player.position, *gained) {
                (_, Gain::Pass | Gain::Interception) if shoots => true,
                (Some(Position::GS | Position::GA), Gain::Pass | Gain::Interception) => true,
                (None, Gain::Pass) => {
                    let attacking = player.team.and_then(|team| {
                        shots
                            .iter()
                            .filter(|s| s.1 == team)
                            .min_by(|a, b| (a.0 - time).abs().total_cmp(&(b.0 - time).abs()))
                            .map(|s| s.2)
                    });
                    attacking.is_some_and(|end| court.in_goal_circle(at, end))
                }
                _ => false,
            };
    }
}

#[cfg(test)]
mod tests;
