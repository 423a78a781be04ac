//! Scenario tests: hand-made tracks and ball paths at 25 frames a second, each showing one
//! event (`NETBALL.md`, "Events the analysis produces").

use super::*;
use crate::BoundingBox;
use crate::track::BallSource;

const FPS: f64 = 25.0;
/// A ring high on the left of the picture.
const RING: BoundingBox = BoundingBox {
    x1: 380.0,
    y1: 420.0,
    x2: 400.0,
    y2: 440.0,
};

/// A standing player 30x90 px whose box's top left is (x, 500).
fn standing(track: u32, x: f32) -> ScenePlayer {
    ScenePlayer {
        track,
        bbox: BoundingBox {
            x1: x,
            y1: 500.0,
            x2: x + 30.0,
            y2: 590.0,
        },
        court: None,
        position: None,
        kit: None,
    }
}

/// Where a standing player (see [`standing`]) holds the ball: at her chest.
fn chest(x: f32) -> (f32, f32) {
    (x + 15.0, 527.0)
}

/// `seconds` of scenes with `players` still, the rings shown, and the ball where `ball` puts
/// it at each time (nowhere for `None`).
fn play(
    seconds: f64,
    players: &[ScenePlayer],
    ball: impl Fn(f64) -> Option<(f32, f32)>,
) -> (Vec<Scene>, Vec<BallPoint>) {
    let frames = (seconds * FPS).round() as u64;
    let mut scenes = Vec::new();
    let mut points = Vec::new();
    for frame in 0..frames {
        let time = frame as f64 / FPS;
        scenes.push(Scene {
            frame,
            time,
            players: players.to_vec(),
            rings: vec![RING],
        });
        if let Some((x, y)) = ball(time) {
            points.push(BallPoint {
                frame,
                bbox: BoundingBox::from_center(x, y, 8.0, 8.0),
                score: 0.9,
                source: BallSource::Detected,
            });
        }
    }
    (scenes, points)
}

/// From `a` to `b` over `t` in 0..1, along a straight line raised by an arc `lift` px high.
fn arc(a: (f32, f32), b: (f32, f32), t: f64, lift: f32) -> (f32, f32) {
    let t = t.clamp(0.0, 1.0) as f32;
    let x = a.0 + (b.0 - a.0) * t;
    let y = a.1 + (b.1 - a.1) * t - lift * 4.0 * t * (1.0 - t);
    (x, y)
}

/// The events of `scenes` and `ball` with the default settings and no teams, as [`kinds`].
fn found(scenes: &[Scene], ball: &[BallPoint]) -> Vec<String> {
    kinds(&detect_events(
        scenes,
        ball,
        &BTreeMap::new(),
        &EventSettings::default(),
    ))
}

/// The ball held at the chest of the player standing at `from` until `release`, thrown over
/// `flight` seconds along an arc `lift` px high, and held at the chest of the one at `to`.
fn throw(t: f64, from: f32, to: f32, release: f64, flight: f64, lift: f32) -> (f32, f32) {
    if t < release {
        chest(from)
    } else if t < release + flight {
        arc(chest(from), chest(to), (t - release) / flight, lift)
    } else {
        chest(to)
    }
}

fn kinds(events: &[Event]) -> Vec<String> {
    events
        .iter()
        .map(|e| match &e.kind {
            EventKind::Possession { player, gained, .. } => {
                format!("possession {} {gained:?}", player.track)
            }
            EventKind::Pass { player, receiver } => match receiver {
                Some(r) => format!("pass {} {}", player.track, r.track),
                None => format!("pass {} nobody", player.track),
            },
            EventKind::Shot { player } => format!("shot {}", player.track),
            EventKind::Goal { player } => format!("goal {}", player.track),
            EventKind::Miss { player } => format!("miss {}", player.track),
        })
        .collect()
}

fn teams(of: &[(u32, TeamLabel)]) -> BTreeMap<u32, TeamLabel> {
    of.iter().copied().collect()
}

/// Player 1 holds the ball for 1 s, throws it to player 2 300 px away (0.6 s in the air),
/// who holds it to the end.
fn pass_scenario() -> (Vec<Scene>, Vec<BallPoint>) {
    let players = [standing(1, 100.0), standing(2, 400.0), standing(3, 250.0)];
    play(3.0, &players, |t| {
        Some(throw(t, 100.0, 400.0, 1.0, 0.6, 60.0))
    })
}

#[test]
fn a_pass_between_teammates() {
    let (scenes, ball) = pass_scenario();
    let teams = teams(&[(1, TeamLabel::A), (2, TeamLabel::A), (3, TeamLabel::B)]);
    let events = detect_events(&scenes, &ball, &teams, &EventSettings::default());
    assert_eq!(
        kinds(&events),
        ["possession 1 PickUp", "pass 1 2", "possession 2 Pass"]
    );
    // The pass is the release, the possession the catch.
    assert!((events[1].time - 0.96).abs() < 0.05, "{:?}", events[1]);
    assert!((events[2].time - 1.6).abs() < 0.05, "{:?}", events[2]);
    let EventKind::Possession {
        until, player: p, ..
    } = events[0].kind
    else {
        panic!("{:?}", events[0]);
    };
    assert_eq!(p.team, Some(TeamLabel::A));
    assert!((until - 0.96).abs() < 0.05);
}

#[test]
fn a_pass_caught_by_an_opponent_is_an_interception() {
    let (scenes, ball) = pass_scenario();
    let teams = teams(&[(1, TeamLabel::A), (2, TeamLabel::B)]);
    let events = detect_events(&scenes, &ball, &teams, &EventSettings::default());
    assert_eq!(
        kinds(&events),
        [
            "possession 1 PickUp",
            "pass 1 2",
            "possession 2 Interception"
        ]
    );
}

#[test]
fn a_ball_flying_past_a_player_is_not_hers() {
    // Player 3 stands between the two, and the ball passes her chest on the way.
    let (scenes, ball) = pass_scenario();
    let events = found(&scenes, &ball);
    assert!(!events.iter().any(|k| k.contains(" 3")), "{events:?}");
}

#[test]
fn a_new_track_id_on_the_same_player_does_not_end_her_possession() {
    // Track 1 becomes track 7 half way through the hold, with a few frames of neither.
    let players = |t: f64| {
        if t < 0.8 {
            vec![standing(1, 100.0)]
        } else if t < 0.9 {
            vec![]
        } else {
            vec![standing(7, 101.0)]
        }
    };
    let (mut scenes, ball) = play(2.0, &[], |_| Some(chest(100.0)));
    for s in &mut scenes {
        s.players = players(s.time);
    }
    assert_eq!(found(&scenes, &ball), ["possession 1 PickUp"]);
}

/// Player 1 (a shooter, left of the ring) holds the ball 1 s and shoots; after the ring the
/// ball goes where `after` puts it (t from the ring), and player 2 takes it at 2.6 s.
fn shot_scenario(after: impl Fn(f64) -> (f32, f32)) -> (Vec<Scene>, Vec<BallPoint>) {
    let players = [standing(1, 300.0), standing(2, 460.0)];
    let ring = ((RING.x1 + RING.x2) / 2.0, RING.y1 + 2.0);
    play(4.0, &players, move |t| {
        Some(if t < 1.0 {
            chest(300.0)
        } else if t < 1.8 {
            arc(chest(300.0), ring, (t - 1.0) / 0.8, 150.0)
        } else if t < 2.6 {
            after(t - 1.8)
        } else {
            chest(460.0)
        })
    })
}

#[test]
fn a_shot_through_the_ring_is_a_goal_and_the_next_possession_a_centre_pass() {
    let ring = ((RING.x1 + RING.x2) / 2.0, RING.y1 + 2.0);
    // Straight down through the ring, then rolling toward player 2.
    let (scenes, ball) = shot_scenario(|t| {
        if t < 0.4 {
            (ring.0, ring.1 + 400.0 * t as f32)
        } else {
            (ring.0 + 100.0 * t as f32, ring.1 + 160.0)
        }
    });
    assert_eq!(
        found(&scenes, &ball),
        [
            "possession 1 PickUp",
            "shot 1",
            "goal 1",
            "possession 2 CentrePass"
        ]
    );
}

#[test]
fn a_shot_that_bounces_off_the_ring_is_a_miss_and_the_next_possession_a_rebound() {
    let ring = ((RING.x1 + RING.x2) / 2.0, RING.y1 + 2.0);
    // Off the rim, up and away to the right, falling toward player 2.
    let (scenes, ball) = shot_scenario(|t| arc(ring, chest(460.0), t / 0.8, 40.0));
    assert_eq!(
        found(&scenes, &ball),
        [
            "possession 1 PickUp",
            "shot 1",
            "miss 1",
            "possession 2 Rebound"
        ]
    );
}

/// A rebound taken overhead and pulled down to the chest is dated from when it came into her
/// hands, not from when it settled at her chest.
#[test]
fn a_rebound_taken_overhead_is_dated_from_the_catch() {
    let ring = ((RING.x1 + RING.x2) / 2.0, RING.y1 + 2.0);
    // Player 2's box is 90 px high from y = 500; her hands reach 22 px over it.
    let (hands, at_chest) = ((475.0, 478.0), chest(460.0));
    // Off the rim into her hands 0.5 s later (2.3 s into the video), pulled down to her chest
    // over 0.28 s, held there.
    let (scenes, ball) = shot_scenario(move |t| {
        if t < 0.5 {
            arc(ring, hands, t / 0.5, 30.0)
        } else {
            arc(hands, at_chest, (t - 0.5) / 0.28, 0.0)
        }
    });
    let events = detect_events(&scenes, &ball, &BTreeMap::new(), &EventSettings::default());
    assert_eq!(
        kinds(&events),
        [
            "possession 1 PickUp",
            "shot 1",
            "miss 1",
            "possession 2 Rebound"
        ]
    );
    let caught = events[3].time;
    assert!((2.2..=2.36).contains(&caught), "caught at {caught}");
}

/// A video that ends while the ball is still at the ring shows an attempt without its end: no
/// miss (nor goal) is made up for it.
#[test]
fn a_shot_at_the_end_of_the_video_has_no_outcome() {
    let players = [standing(1, 300.0), standing(2, 460.0)];
    let ring = ((RING.x1 + RING.x2) / 2.0, RING.y1 + 2.0);
    // At the ring from 1.8 s (the arc's end) to the last frame, 0.1 s later.
    let (scenes, ball) = play(1.9, &players, move |t| {
        Some(if t < 1.0 {
            chest(300.0)
        } else {
            arc(chest(300.0), ring, (t - 1.0) / 0.8, 150.0)
        })
    });
    assert_eq!(found(&scenes, &ball), ["possession 1 PickUp", "shot 1"]);
}

#[test]
fn a_high_pass_away_from_the_rings_is_not_a_shot() {
    // The same arc as a shot's, but 600 px to the right of the ring.
    let players = [standing(1, 900.0), standing(2, 1000.0)];
    let (scenes, ball) = play(3.0, &players, |t| {
        Some(throw(t, 900.0, 1000.0, 1.0, 0.8, 200.0))
    });
    assert_eq!(
        found(&scenes, &ball),
        ["possession 1 PickUp", "pass 1 2", "possession 2 Pass"]
    );
}

#[test]
fn no_ball_no_events() {
    let (scenes, _) = pass_scenario();
    assert!(found(&scenes, &[]).is_empty());
}

#[test]
fn events_round_trip_through_json() {
    let (scenes, ball) = pass_scenario();
    let events = detect_events(&scenes, &ball, &BTreeMap::new(), &EventSettings::default());
    let json = serde_json::to_string(&events).expect("serialises");
    assert!(json.contains(r#""kind":"pass""#), "{json}");
    let back: Vec<Event> = serde_json::from_str(&json).expect("parses");
    assert_eq!(back, events);
    // The names used outside JSON (CSV) are the JSON's.
    for e in &events {
        assert!(json.contains(&format!(r#""kind":"{}""#, e.kind.name())));
        if let EventKind::Possession { gained, .. } = e.kind {
            assert!(json.contains(&format!(r#""gained":"{}""#, gained.name())));
        }
    }
}

#[test]
fn a_ball_that_sits_on_the_rim_and_drops_in_front_is_a_miss() {
    let ring = ((RING.x1 + RING.x2) / 2.0, RING.y1 + 2.0);
    // On the rim for 0.3 s, then straight down in front of the ring (as seen from the side).
    let (scenes, ball) = shot_scenario(|t| {
        if t < 0.3 {
            (ring.0 + 3.0, ring.1 + 2.0)
        } else {
            (ring.0 - 5.0, ring.1 + 2.0 + 400.0 * (t - 0.3) as f32)
        }
    });
    assert_eq!(
        found(&scenes, &ball)[1..3],
        ["shot 1".to_owned(), "miss 1".to_owned()]
    );
}

/// A player standing at court point `at` (the camera calibrated).
fn on_court(track: u32, x: f32, at: CourtPoint) -> ScenePlayer {
    ScenePlayer {
        court: Some(at),
        ..standing(track, x)
    }
}

#[test]
fn after_a_goal_the_ball_going_back_to_the_centre_is_not_play() {
    let ring = ((RING.x1 + RING.x2) / 2.0, RING.y1 + 2.0);
    let centre = CourtDimensions::default().centre();
    let players = [
        on_court(1, 300.0, CourtPoint::new(3.0, 7.0)),
        on_court(2, 460.0, CourtPoint::new(2.0, 9.0)),
        on_court(4, 800.0, centre),
    ];
    // 1 scores; the ball drops and rolls to 2, who throws it to the C (4) in the centre
    // circle; the C passes to 1.
    let (scenes, ball) = play(7.0, &players, move |t| {
        Some(if t < 1.0 {
            chest(300.0)
        } else if t < 1.8 {
            arc(chest(300.0), ring, (t - 1.0) / 0.8, 150.0)
        } else if t < 2.2 {
            (ring.0, ring.1 + 400.0 * (t - 1.8) as f32)
        } else if t < 2.6 {
            (ring.0 + 100.0 * (t - 2.2) as f32, ring.1 + 160.0)
        } else if t < 4.0 {
            throw(t, 460.0, 800.0, 3.4, 0.6, 60.0)
        } else {
            throw(t, 800.0, 300.0, 5.0, 0.8, 60.0)
        })
    });
    assert_eq!(
        found(&scenes, &ball),
        [
            "possession 1 PickUp",
            "shot 1",
            "goal 1",
            "possession 4 CentrePass",
            "pass 4 1",
            "possession 1 Pass"
        ]
    );
    // Without a calibration the first hold after the goal is taken for the centre pass.
    let uncalibrated: Vec<Scene> = scenes
        .iter()
        .cloned()
        .map(|mut s| {
            s.players.iter_mut().for_each(|p| p.court = None);
            s
        })
        .collect();
    assert_eq!(found(&uncalibrated, &ball)[3], "possession 2 CentrePass");
}

#[test]
fn a_pass_that_nobody_catches_has_no_receiver() {
    // Thrown far to the right and out of the picture.
    let (scenes, ball) = play(3.0, &[standing(1, 100.0)], |t| {
        if t < 1.0 {
            Some(chest(100.0))
        } else if t < 1.5 {
            Some(arc(chest(100.0), (900.0, 500.0), (t - 1.0) / 0.5, 40.0))
        } else {
            None
        }
    });
    assert_eq!(
        found(&scenes, &ball),
        ["possession 1 PickUp", "pass 1 nobody"]
    );
    // A ball that is merely lost from view is no pass.
    let (scenes, ball) = play(3.0, &[standing(1, 100.0)], |t| {
        (t < 1.0).then(|| chest(100.0))
    });
    assert_eq!(found(&scenes, &ball), ["possession 1 PickUp"]);
}

#[test]
fn a_neighbour_whose_box_covers_the_ball_for_a_moment_does_not_take_it() {
    // Player 1 holds the ball for 2 s; for 0.4 s in the middle player 2's box is over it and
    // her chest nearer, and player 1's box is lost.
    let (mut scenes, ball) = play(2.0, &[], |_| Some(chest(100.0)));
    for s in &mut scenes {
        s.players = if (0.8..1.2).contains(&s.time) {
            vec![standing(2, 98.0)]
        } else {
            vec![standing(1, 100.0), standing(2, 125.0)]
        };
    }
    assert_eq!(found(&scenes, &ball), ["possession 1 PickUp"]);
}

/// Player 1 throws the ball to the floor, where it lies from 1.5 s until player 3 picks it
/// up at 4.2 s; from 2.5 to 4 s player 2 stands nearer the camera with the lying ball beside
/// her chest in the picture (a ball out of court behind a player waiting for the throw-in).
fn a_ball_lying_behind_a_player() -> (Vec<Scene>, Vec<BallPoint>) {
    const LYING: (f32, f32) = (300.0, 540.0);
    let picker = ScenePlayer {
        bbox: BoundingBox {
            x1: 285.0,
            y1: 450.0,
            x2: 315.0,
            y2: 545.0,
        },
        ..standing(3, 285.0)
    };
    let (mut scenes, ball) = play(5.5, &[], |t| {
        Some(if t < 1.0 {
            chest(100.0)
        } else if t < 1.5 {
            arc(chest(100.0), LYING, (t - 1.0) / 0.5, 40.0)
        } else if t < 4.2 {
            LYING
        } else {
            arc(LYING, (300.0, 478.0), (t - 4.2) / 0.2, 0.0)
        })
    });
    for s in &mut scenes {
        s.players = vec![standing(1, 100.0)];
        if (2.5..4.0).contains(&s.time) {
            s.players.push(standing(2, 285.0));
        }
        if s.time >= 3.8 {
            s.players.push(picker);
        }
    }
    (scenes, ball)
}

#[test]
fn a_ball_lying_on_the_floor_is_picked_up_only_by_the_player_standing_at_it() {
    let (scenes, ball) = a_ball_lying_behind_a_player();
    assert_eq!(
        found(&scenes, &ball),
        [
            "possession 1 PickUp",
            "pass 1 nobody",
            "possession 3 PickUp"
        ]
    );
    // Without the rule, the player in front takes the lying ball.
    let always = EventSettings {
        rest_s: f64::INFINITY,
        ..EventSettings::default()
    };
    let events = kinds(&detect_events(&scenes, &ball, &BTreeMap::new(), &always));
    assert!(
        events.iter().any(|e| e.starts_with("possession 2")),
        "{events:?}"
    );
}

#[test]
fn a_loose_ball_taken_off_the_court_is_a_throw_in() {
    let off = on_court(1, 100.0, CourtPoint::new(-1.0, 5.0));
    let on = on_court(1, 100.0, CourtPoint::new(1.0, 5.0));
    for (player, gained) in [(off, "ThrowIn"), (on, "PickUp")] {
        let (scenes, ball) = play(2.0, &[player], |_| Some(chest(100.0)));
        assert_eq!(found(&scenes, &ball), [format!("possession 1 {gained}")]);
    }
}

/// The catchers (tracks) of the possessions [`mark_feeds`] marks as feeds on the standard
/// court.
fn feeds(events: &mut [Event]) -> Vec<u32> {
    mark_feeds(events, &CourtDimensions::default());
    events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::Possession {
                player, feed: true, ..
            } => Some(player.track),
            _ => None,
        })
        .collect()
}

#[test]
fn a_pass_caught_in_the_goal_circle_a_team_shoots_at_is_a_feed() {
    let (a, b) = (Some(TeamLabel::A), Some(TeamLabel::B));
    let player = |track, team| Player {
        track,
        team,
        position: None,
    };
    let event = |time: f64, at: (f32, f32), kind| Event {
        frame: (time * FPS) as u64,
        time,
        at: Some(CourtPoint::new(at.0, at.1)),
        kind,
    };
    let caught = |time, at, track, team| {
        event(
            time,
            at,
            EventKind::Possession {
                player: player(track, team),
                gained: Gain::Pass,
                until_frame: 0,
                until: time + 1.0,
                feed: false,
            },
        )
    };
    // A shoots at the low end, B at the high end.
    let mut events = vec![
        caught(1.0, (2.0, 7.6), 2, a),
        event(
            2.0,
            (2.0, 7.6),
            EventKind::Shot {
                player: player(2, a),
            },
        ),
        caught(5.0, (20.0, 7.0), 3, a),
        caught(8.0, (2.0, 7.6), 5, b),
        event(
            9.0,
            (28.0, 7.0),
            EventKind::Shot {
                player: player(6, b),
            },
        ),
        caught(12.0, (28.0, 7.0), 7, b),
    ];
    assert_eq!(feeds(&mut events), [2, 7]);
}

#[test]
fn a_bib_says_which_goal_circle_a_catcher_is_in() {
    let court = CourtDimensions::default();
    // No team known and no shot seen: only the bib can tell.
    let caught = |track, position, gained| Event {
        frame: 25,
        time: 1.0,
        at: Some(CourtPoint::new(2.0, 7.6)),
        kind: EventKind::Possession {
            player: Player {
                track,
                team: None,
                position: Some(position),
            },
            gained,
            until_frame: 50,
            until: 2.0,
            feed: false,
        },
    };
    let mut events = vec![
        caught(1, Position::GA, Gain::Pass),
        // Kit colours that called a teammate an opponent.
        caught(2, Position::GS, Gain::Interception),
        caught(3, Position::GK, Gain::Pass),
        caught(4, Position::GS, Gain::Rebound),
    ];
    mark_feeds(&mut events, &court);
    let feeds: Vec<bool> = events
        .iter()
        .map(|e| matches!(e.kind, EventKind::Possession { feed: true, .. }))
        .collect();
    assert_eq!(feeds, [true, true, false, false]);
}

/// Where a shooter and her marker overlap, the shooter's track may carry the marker's bib and
/// kit; a catch in the circle she then shoots from is a feed all the same. Without the shot,
/// or without a pass to catch, the bib stands.
#[test]
fn a_catch_its_catcher_shoots_from_is_a_feed_whatever_her_bib_says() {
    let player = |track| Player {
        track,
        team: Some(TeamLabel::B),
        position: Some(Position::GK),
    };
    let at = Some(CourtPoint::new(2.0, 7.6));
    let caught = |time: f64, track, gained| Event {
        frame: (time * FPS) as u64,
        time,
        at,
        kind: EventKind::Possession {
            player: player(track),
            gained,
            until_frame: ((time + 1.0) * FPS) as u64,
            until: time + 1.0,
            feed: false,
        },
    };
    let shot = |time: f64, track| Event {
        frame: (time * FPS) as u64,
        time,
        at,
        kind: EventKind::Shot {
            player: player(track),
        },
    };
    let mut events = vec![
        caught(1.0, 1, Gain::Interception),
        shot(2.0, 1),
        caught(4.0, 2, Gain::Pass),
        caught(6.0, 3, Gain::Pass),
        shot(7.0, 4),
        caught(9.0, 5, Gain::Rebound),
        shot(10.0, 5),
    ];
    assert_eq!(feeds(&mut events), [1]);
}

#[test]
fn a_shot_from_under_the_far_ring_is_a_shot_though_it_rises_less_than_the_shooter_is_tall() {
    // At the far end a player is small: 70 px here, standing under the ring. Her shot goes
    // 65 px above her hands, through the ring, and she takes the ball again as it drops.
    let shooter = ScenePlayer {
        bbox: BoundingBox {
            x1: 375.0,
            y1: 450.0,
            x2: 395.0,
            y2: 520.0,
        },
        ..standing(1, 0.0)
    };
    let hands = (385.0, 471.0);
    let ring = ((RING.x1 + RING.x2) / 2.0, RING.y1 + 2.0);
    let (scenes, ball) = play(3.5, &[shooter], |t| {
        Some(if t < 1.0 {
            hands
        } else if t < 1.8 {
            arc(hands, ring, (t - 1.0) / 0.8, 40.0)
        } else {
            (ring.0, (ring.1 + 400.0 * (t - 1.8) as f32).min(hands.1))
        })
    });
    assert_eq!(
        found(&scenes, &ball),
        [
            "possession 1 PickUp",
            "shot 1",
            "goal 1",
            "possession 1 CentrePass"
        ]
    );
}

#[test]
fn a_rebound_seen_on_two_overlapping_tracks_by_turns_is_one_possession() {
    // Player 1 misses; the rebound drops to where players 2 and 3 stand one behind the
    // other, whose boxes the tracker shows by turns (7 and 5 frames, each shorter than a
    // hold), and the rebounder shoots again, through the ring.
    let ring = ((RING.x1 + RING.x2) / 2.0, RING.y1 + 2.0);
    let (mut scenes, ball) = play(5.0, &[], |t| {
        Some(if t < 1.0 {
            chest(300.0)
        } else if t < 1.8 {
            arc(chest(300.0), ring, (t - 1.0) / 0.8, 150.0)
        } else if t < 2.6 {
            arc(ring, chest(460.0), (t - 1.8) / 0.8, 40.0)
        } else if t < 3.2 {
            chest(460.0)
        } else if t < 4.0 {
            arc(chest(460.0), ring, (t - 3.2) / 0.8, 150.0)
        } else {
            (ring.0, ring.1 + 400.0 * (t - 4.0) as f32)
        })
    });
    for s in &mut scenes {
        let by_turns = if s.frame % 12 < 7 { 2 } else { 3 };
        s.players = vec![standing(1, 300.0), standing(by_turns, 460.0)];
    }
    assert_eq!(
        found(&scenes, &ball),
        [
            "possession 1 PickUp",
            "shot 1",
            "miss 1",
            "possession 2 Rebound",
            "shot 2",
            "goal 2"
        ]
    );
}

#[test]
fn of_a_catcher_and_her_marker_about_as_near_the_ball_the_passer_s_teammate_takes_it() {
    // Player 1 (team A) passes to where player 2 (A) stands with player 3 (B) marking her,
    // their boxes overlapping: 3's chest is nearer the ball, but by a hair.
    let teams = teams(&[(1, TeamLabel::A), (2, TeamLabel::A), (3, TeamLabel::B)]);
    let catch = |marker: f32, catcher: f32| {
        let players = [
            standing(1, 100.0),
            standing(2, catcher),
            standing(3, marker),
        ];
        let (scenes, ball) = play(3.0, &players, |t| {
            Some(throw(t, 100.0, 400.0, 1.0, 0.6, 60.0))
        });
        kinds(&detect_events(
            &scenes,
            &ball,
            &teams,
            &EventSettings::default(),
        ))
    };
    assert_eq!(
        catch(397.0, 404.0),
        ["possession 1 PickUp", "pass 1 2", "possession 2 Pass"]
    );
    // A marker clearly nearer the ball takes it.
    assert_eq!(
        catch(400.0, 420.0),
        [
            "possession 1 PickUp",
            "pass 1 3",
            "possession 3 Interception"
        ]
    );
}

#[test]
fn a_shot_by_a_player_never_seen_holding_the_ball_is_still_a_shot() {
    // Player 1 passes to player 2 under the ring at 1 s; 2's box is missing while she holds
    // the ball (in a crowd) and comes back only as she shoots at 4 s, too late for a hold
    // and later than a pass from 1 could fly (3 s). The ball goes through the ring.
    let ring = ((RING.x1 + RING.x2) / 2.0, RING.y1 + 2.0);
    let (mut scenes, ball) = play(5.5, &[], |t| {
        Some(if t < 4.0 {
            throw(t, 100.0, 360.0, 1.0, 0.6, 60.0)
        } else if t < 4.8 {
            arc(chest(360.0), ring, (t - 4.0) / 0.8, 150.0)
        } else {
            (ring.0, ring.1 + 400.0 * (t - 4.8) as f32)
        })
    });
    for s in &mut scenes {
        s.players = vec![standing(1, 100.0)];
        if s.time >= 3.9 {
            s.players.push(standing(2, 360.0));
        }
    }
    let events = detect_events(&scenes, &ball, &BTreeMap::new(), &EventSettings::default());
    assert_eq!(
        kinds(&events),
        ["possession 1 PickUp", "pass 1 nobody", "shot 2", "goal 2"]
    );
    // Dated where the ball left her hands on its way up.
    assert!((4.0..4.3).contains(&events[2].time), "{:?}", events[2]);
}

/// Player 1 (team A) holds the ball at her chest, marked by player 2 (B), whose box overlaps
/// hers. From `step` s, over 0.4 s, 1 steps back and 2 steps in to where 1 stood, the ball
/// staying where it was and within 1's reach; at `throw` s it is thrown to player 3 (B).
fn a_free_pass_at_the_spot(step: f64, throw: f64, settings: &EventSettings) -> Vec<String> {
    let teams = teams(&[(1, TeamLabel::A), (2, TeamLabel::B), (3, TeamLabel::B)]);
    let (mut scenes, ball) = play(throw + 1.5, &[], |t| {
        Some(if t < throw {
            chest(100.0)
        } else {
            arc(chest(100.0), chest(400.0), (t - throw) / 0.6, 60.0)
        })
    });
    for s in &mut scenes {
        let moved = ((s.time - step) / 0.4).clamp(0.0, 1.0) as f32;
        s.players = vec![
            standing(1, 100.0 - 12.0 * moved),
            standing(2, 118.0 - 18.0 * moved),
            standing(3, 400.0),
        ];
    }
    kinds(&detect_events(&scenes, &ball, &teams, settings))
}

#[test]
fn a_hold_past_the_whistle_goes_to_the_opponent_who_takes_the_ball_at_the_spot() {
    let settings = EventSettings::default();
    assert_eq!(
        a_free_pass_at_the_spot(3.6, 5.5, &settings),
        [
            "possession 1 PickUp",
            "pass 1 2",
            "possession 2 Interception",
            "pass 2 3",
            "possession 3 Pass"
        ]
    );
    // Before the whistle the holder keeps the ball, though her marker's chest is nearer it.
    assert_eq!(
        a_free_pass_at_the_spot(1.5, 3.0, &settings),
        [
            "possession 1 PickUp",
            "pass 1 3",
            "possession 3 Interception"
        ]
    );
    // So she did throughout without the handover.
    let never = EventSettings {
        handover_s: f64::INFINITY,
        ..settings
    };
    assert_eq!(
        a_free_pass_at_the_spot(3.6, 5.5, &never),
        [
            "possession 1 PickUp",
            "pass 1 3",
            "possession 3 Interception"
        ]
    );
}
