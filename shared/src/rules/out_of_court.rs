//! Out of court: the ball, or a player holding it, touches the ground outside the court
//! (`NETBALL.md`). One camera does not give a flying ball's height, but a ball that has come
//! to the floor stops falling in the picture, and there its box's bottom is a floor point the
//! calibration maps onto the court. The events' throw-ins (a hold that starts off the court)
//! say that the ball went out while it was loose before them; the floor points of the loose
//! ball off the court say when and where, or else the flag spans the whole time it was loose.
//! The player who last held it is named.

use serde::{Deserialize, Serialize};

use super::stays::Stays;
use super::{Flag, Footing, Rule};
use crate::camera::ImageToCourt;
use crate::court::CourtDimensions;
use crate::events::{Event, EventKind, Gain, Scene};
use crate::track::BallPoint;

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct OutOfCourtSettings {
    /// How far outside the court's outer edge a point must be, in metres: the lines belong to
    /// the court, and a floor point from a box's bottom is good to some centimetres.
    pub margin_m: f32,
    /// The fastest a ball on the floor moves in the picture, in its own widths per second (a
    /// rolling ball; box jitter): a falling ball moves several times faster.
    pub landed_speed: f32,
    /// How long a holder's feet must be outside to be out (a foot on the line is in).
    pub persistence_s: f64,
    /// The longest gap in the sightings of a holder's feet that still counts as one stay.
    pub max_gap_s: f64,
}

impl Default for OutOfCourtSettings {
    fn default() -> Self {
        Self {
            margin_m: 0.3,
            landed_speed: 8.0,
            persistence_s: 0.2,
            max_gap_s: 0.3,
        }
    }
}

/// The flags for balls out of court and holders who stepped out, among `events` (in time
/// order), with the ball's `path` (in frame order), the scenes' times and the holders' feet
/// from `scenes`, and the floor map `to_court`.
pub fn out_of_court(
    events: &[Event],
    scenes: &[Scene],
    path: &[BallPoint],
    to_court: &ImageToCourt,
    court: &CourtDimensions,
    settings: &OutOfCourtSettings,
) -> Vec<Flag> {
    let holds: Vec<&Event> = events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::Possession { .. }))
        .collect();
    let time_of = |frame: u64| {
        let i = scenes.partition_point(|s| s.frame < frame);
        scenes.get(i).filter(|s| s.frame == frame).map(|s| s.time)
    };
    let mut flags = Vec::new();
    for (k, hold) in holds.iter().enumerate() {
        let EventKind::Possession {
            player,
            gained,
            until_frame,
            until,
            ..
        } = hold.kind
        else {
            continue;
        };
        // A throw-in, or a free pass for an offence off the court, is taken standing there.
        if !matches!(gained, Gain::ThrowIn | Gain::FreePass) {
            flags.extend(stepped_out(hold, scenes, court, settings));
        }
        // A throw-in says the ball went out while it was loose, from this release to the
        // throw-in (play never goes on off the court); where it was seen on the floor, out
        // there, dates it.
        let Some(throw_in) = holds.get(k + 1).filter(|n| {
            matches!(
                n.kind,
                EventKind::Possession {
                    gained: Gain::ThrowIn,
                    ..
                }
            )
        }) else {
            continue;
        };
        let from = path.partition_point(|b| b.frame <= until_frame);
        let to = path.partition_point(|b| b.frame < throw_in.frame);
        let landed = landed_outside(
            &path[from..to.max(from)],
            &time_of,
            to_court,
            court,
            settings,
        );
        if landed.is_empty() {
            flags.push(Flag {
                rule: Rule::OutOfCourt,
                frame: until_frame,
                time: until,
                duration: throw_in.time - until,
                players: vec![player.track],
                evidence: Footing::of_event(throw_in).into_iter().collect(),
            });
        } else {
            flags.push(Flag::spanning(Rule::OutOfCourt, vec![player.track], landed));
        }
    }
    flags.sort_by(|a, b| a.time.total_cmp(&b.time));
    flags
}

/// The loose ball's floor points off the court: where it was seen on the floor (landed, or
/// rolling) and outside by more than the margin.
fn landed_outside(
    loose: &[BallPoint],
    time_of: &impl Fn(u64) -> Option<f64>,
    to_court: &ImageToCourt,
    court: &CourtDimensions,
    settings: &OutOfCourtSettings,
) -> Vec<Footing> {
    let mut out = Vec::new();
    for w in loose.windows(3) {
        let (a, b, c) = (&w[0], &w[1], &w[2]);
        let (Some(ta), Some(tb), Some(tc)) = (time_of(a.frame), time_of(b.frame), time_of(c.frame))
        else {
            continue;
        };
        let ((xa, ya), (xc, yc)) = (a.bbox.center(), c.bbox.center());
        let width = b.bbox.width().max(1.0);
        let dt = (tc - ta).max(1e-6) as f32;
        let speed = (xc - xa).hypot(yc - ya) / width / dt;
        if speed > settings.landed_speed {
            continue;
        }
        let floor = [f64::from(b.bbox.x1 + b.bbox.x2) / 2.0, f64::from(b.bbox.y2)];
        let Some(at) = to_court.map(floor) else {
            continue;
        };
        if court.distance_outside(at) > settings.margin_m {
            out.push(Footing {
                frame: b.frame,
                time: tb,
                at,
            });
        }
    }
    out
}

/// A holder's feet off the court, for long enough, while she holds the ball.
fn stepped_out(
    hold: &Event,
    scenes: &[Scene],
    court: &CourtDimensions,
    settings: &OutOfCourtSettings,
) -> Vec<Flag> {
    let EventKind::Possession {
        player,
        until_frame,
        ..
    } = hold.kind
    else {
        return Vec::new();
    };
    let from = scenes.partition_point(|s| s.frame < hold.frame);
    let to = scenes.partition_point(|s| s.frame <= until_frame);
    let mut stays = Stays::new(settings.max_gap_s, settings.persistence_s);
    for s in &scenes[from..to.max(from)] {
        if let Some(footing) = Footing::of_track(s, player.track) {
            let out = court.distance_outside(footing.at) > settings.margin_m;
            stays.see((), footing, out);
        }
    }
    stays
        .finish()
        .into_iter()
        .map(|stay| Flag::from_stay(Rule::OutOfCourt, vec![player.track], stay))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::BoundingBox;
    use crate::camera::Homography;
    use crate::court::CourtPoint;
    use crate::events::{Player, ScenePlayer};
    use crate::track::BallSource;

    const FPS: f64 = 25.0;
    const THROWER: u32 = 1;
    const TAKER: u32 = 2;

    /// 20 pixels a metre, the court's corner at pixel (100, 100).
    fn to_court() -> ImageToCourt {
        Homography([[20.0, 0.0, 100.0], [0.0, 20.0, 100.0], [0.0, 0.0, 1.0]])
            .to_court()
            .expect("invertible")
    }

    fn pixel(p: CourtPoint) -> (f32, f32) {
        (20.0 * p.x + 100.0, 20.0 * p.y + 100.0)
    }

    /// Scenes of one player standing at `feet(t)`.
    fn scenes(seconds: f64, feet: impl Fn(f64) -> CourtPoint) -> Vec<Scene> {
        (0..(seconds * FPS) as u64)
            .map(|frame| {
                let time = frame as f64 / FPS;
                let at = feet(time);
                let (u, v) = pixel(at);
                Scene {
                    frame,
                    time,
                    players: vec![ScenePlayer {
                        track: THROWER,
                        bbox: BoundingBox::from_center(u, v - 15.0, 10.0, 30.0),
                        court: Some(at),
                        position: None,
                        kit: None,
                    }],
                    rings: Vec::new(),
                }
            })
            .collect()
    }

    /// The ball (a 10 px box) resting on the floor at `at(t)` from frame `from` to `to`.
    fn ball(from: u64, to: u64, at: impl Fn(f64) -> CourtPoint) -> Vec<BallPoint> {
        (from..to)
            .map(|frame| {
                let (u, v) = pixel(at(frame as f64 / FPS));
                BallPoint {
                    frame,
                    bbox: BoundingBox::from_center(u, v - 5.0, 10.0, 10.0),
                    score: 0.9,
                    source: BallSource::Detected,
                }
            })
            .collect()
    }

    fn held(track: u32, from: u64, to: u64, gained: Gain, at: CourtPoint) -> Event {
        Event {
            frame: from,
            time: from as f64 / FPS,
            at: Some(at),
            kind: EventKind::Possession {
                player: Player {
                    track,
                    team: None,
                    position: None,
                },
                gained,
                until_frame: to,
                until: to as f64 / FPS,
                feed: false,
            },
        }
    }

    fn flags(events: &[Event], scenes: &[Scene], path: &[BallPoint]) -> Vec<Flag> {
        out_of_court(
            events,
            scenes,
            path,
            &to_court(),
            &CourtDimensions::default(),
            &OutOfCourtSettings::default(),
        )
    }

    #[test]
    fn a_ball_that_lands_off_the_court_is_out_from_its_landing() {
        let scenes = scenes(4.0, |_| CourtPoint::new(5.0, 5.0));
        // Thrown at frame 10; flies 10 m/s across the side line; lands 1.5 m out at frame 30.
        let path = ball(11, 80, |t| {
            let y = (5.0 - 10.0 * (t - 0.4)).max(-1.5);
            CourtPoint::new(5.0, y as f32)
        });
        let events = [
            held(THROWER, 0, 10, Gain::Pass, CourtPoint::new(5.0, 5.0)),
            held(TAKER, 80, 90, Gain::ThrowIn, CourtPoint::new(5.0, -1.5)),
        ];
        let got = flags(&events, &scenes, &path);
        assert_eq!(got.len(), 1, "{got:?}");
        let f = &got[0];
        assert_eq!((f.rule, &f.players[..]), (Rule::OutOfCourt, &[THROWER][..]));
        // The first still frame with its floor point out: about frame 28 (at 0.3 m out).
        assert!((27..=30).contains(&f.frame), "{f:?}");
        assert!(f.evidence.iter().all(|e| e.at.y < -0.3));
    }

    #[test]
    fn a_ball_that_lands_on_the_court_is_not_out() {
        let scenes = scenes(4.0, |_| CourtPoint::new(5.0, 5.0));
        let path = ball(11, 80, |t| {
            let y = (5.0 - 10.0 * (t - 0.4)).max(0.5);
            CourtPoint::new(5.0, y as f32)
        });
        let events = [
            held(THROWER, 0, 10, Gain::Pass, CourtPoint::new(5.0, 5.0)),
            held(TAKER, 80, 90, Gain::PickUp, CourtPoint::new(5.0, 0.5)),
        ];
        assert!(flags(&events, &scenes, &path).is_empty());
    }

    #[test]
    fn a_throw_in_with_no_landing_seen_is_out_between_the_release_and_it() {
        let scenes = scenes(4.0, |_| CourtPoint::new(5.0, 5.0));
        let events = [
            held(THROWER, 0, 10, Gain::Pass, CourtPoint::new(5.0, 5.0)),
            held(TAKER, 80, 90, Gain::ThrowIn, CourtPoint::new(5.0, -1.5)),
        ];
        let got = flags(&events, &scenes, &[]);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].frame, 10);
        assert!((got[0].duration - 2.8).abs() < 1e-9);
    }

    #[test]
    fn a_holder_who_steps_off_the_court_is_out_and_one_on_the_line_is_not() {
        // Steps 0.5 m over the side line from 1 s to 1.5 s of a 2 s hold.
        let stepped = scenes(3.0, |t| {
            let y = if (1.0..1.5).contains(&t) { -0.5 } else { 0.5 };
            CourtPoint::new(5.0, y)
        });
        let events = [held(THROWER, 0, 50, Gain::Pass, CourtPoint::new(5.0, 0.5))];
        let got = flags(&events, &stepped, &[]);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!((got[0].frame, &got[0].players[..]), (25, &[THROWER][..]));
        let on_line = scenes(3.0, |_| CourtPoint::new(5.0, -0.1));
        assert!(flags(&events, &on_line, &[]).is_empty());
        // A free pass for an offence off the court is taken standing there, as a throw-in is.
        let off = scenes(3.0, |_| CourtPoint::new(5.0, -0.5));
        for gained in [Gain::FreePass, Gain::ThrowIn] {
            let events = [held(THROWER, 0, 50, gained, CourtPoint::new(5.0, -0.5))];
            assert!(flags(&events, &off, &[]).is_empty(), "{gained:?}");
        }
    }
}
