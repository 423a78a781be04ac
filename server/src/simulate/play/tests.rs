//! Invariants of the simulated play, checked frame by frame over whole matches with every kind
//! of violation switched on.

use std::collections::HashMap;

use netball_shared::court::Area;

use super::*;
use crate::simulate::ball::ground;

struct Recorded {
    events: Vec<TruthEvent>,
    /// Per frame: holder, ball, and each player's feet.
    frames: Vec<(Option<u32>, Vec3, Vec<CourtPoint>, End)>,
    specs: Vec<PersonSpec>,
    fps: u32,
}

fn play(seed: u64, period_seconds: f64, violations: Vec<ViolationKind>) -> Recorded {
    let cfg = MatchConfig {
        period_seconds,
        periods: 4,
        violations,
        violation_interval: 10.0,
        ..MatchConfig::default()
    };
    let mut m = Match::new(cfg, seed, 25, [40, 90, 160]);
    let mut events = m.drain_events();
    let mut frames = Vec::new();
    let snapshot = |m: &Match| {
        (
            m.holder(),
            m.ball_position(),
            m.people().iter().map(|p| p.mover.pos).collect(),
            m.attacking(Team::Home),
        )
    };
    frames.push(snapshot(&m));
    loop {
        m.advance();
        if m.is_finished() {
            break;
        }
        events.extend(m.drain_events());
        frames.push(snapshot(&m));
    }
    events.extend(m.drain_events());
    events.sort_by_key(|e| e.frame);
    Recorded {
        events,
        frames,
        specs: m.people().iter().map(|p| p.spec).collect(),
        fps: 25,
    }
}

fn count(r: &Recorded, f: impl Fn(&EventKind) -> bool) -> usize {
    r.events.iter().filter(|e| f(&e.kind)).count()
}

const ALL: [ViolationKind; 5] = ViolationKind::ALL;

#[test]
fn players_stay_in_their_areas_except_in_injected_offsides() {
    let court = CourtDimensions::default();
    for seed in [1, 2] {
        let r = play(seed, 120.0, ALL.to_vec());
        let mut offside: HashMap<u32, Vec<(u64, u64)>> = HashMap::new();
        for e in &r.events {
            if let EventKind::Violation {
                violation: ViolationKind::Offside,
                player,
                end,
                injected,
                ..
            } = e.kind
            {
                assert!(injected, "an offside nobody asked for: {e:?}");
                let end_frame = (end * f64::from(r.fps)).round() as u64;
                offside
                    .entry(player)
                    .or_default()
                    .push((e.frame, end_frame));
            }
        }
        assert!(!offside.is_empty(), "seed {seed}: no offside was caused");
        for (k, (_, _, feet, home_attacks)) in r.frames.iter().enumerate() {
            for (i, spec) in r.specs.iter().enumerate().take(14) {
                let Role::Player { team, position } = spec.role else {
                    unreachable!()
                };
                let attacking = if team == Team::Home {
                    *home_attacks
                } else {
                    home_attacks.opposite()
                };
                let p = feet[i];
                let on_court =
                    CourtPoint::new(p.x.clamp(0.0, court.length), p.y.clamp(0.0, court.width));
                let outside = position.distance_outside_allowed(&court, on_court, attacking);
                if outside > 1e-3 {
                    let k = k as u64;
                    let excused = offside
                        .get(&spec.id)
                        .is_some_and(|v| v.iter().any(|&(a, b)| a <= k && k <= b));
                    assert!(
                        excused,
                        "seed {seed} frame {k}: {position} {team:?} {outside} m out at {p:?}"
                    );
                }
            }
        }
    }
}

#[test]
fn every_kind_of_violation_can_be_caused() {
    let r = play(3, 180.0, ALL.to_vec());
    for kind in ALL {
        let n = count(
            &r,
            |k| matches!(k, EventKind::Violation { violation, injected: true, .. } if *violation == kind),
        );
        assert!(n > 0, "no injected {kind:?}");
    }
    // Without injections nothing but obstruction (which arises in play) is ever recorded.
    let r = play(3, 120.0, vec![]);
    let others: Vec<&TruthEvent> = r
        .events
        .iter()
        .filter(|e| {
            matches!(e.kind, EventKind::Violation { violation, .. } if violation != ViolationKind::Obstruction)
        })
        .collect();
    assert!(others.is_empty(), "{others:?}");
}

#[test]
fn events_agree_with_the_ball_and_its_holders() {
    let court = CourtDimensions::default();
    let r = play(4, 150.0, ALL.to_vec());
    let holder = |f: u64| r.frames[f as usize].0;
    let feet = |f: u64, id: u32| r.frames[f as usize].2[id as usize - 1];
    let home_attacks = |f: u64| r.frames[f as usize].3;
    let mut last_shot: Option<(u32, u64)> = None;
    let mut centre_teams = Vec::new();
    let mut period_ends = Vec::new();
    for e in &r.events {
        let f = e.frame;
        match e.kind {
            EventKind::Possession { player, gained, .. } => {
                assert_eq!(holder(f), Some(player), "{e:?}");
                let ball = r.frames[f as usize].1;
                if matches!(gained, Gain::Pass | Gain::Interception) {
                    assert!(
                        ground(ball).distance(feet(f, player)) < 1.3,
                        "{e:?}: ball {ball:?}"
                    );
                }
            }
            EventKind::Pass { player, .. } | EventKind::Shot { player, .. } => {
                assert_eq!(holder(f - 1), Some(player), "{e:?}");
                assert_eq!(holder(f), None, "{e:?}");
            }
            _ => {}
        }
        match e.kind {
            EventKind::Shot {
                player,
                team,
                position,
                ..
            } => {
                assert!(position.may_shoot());
                let attacking = if team == Team::Home {
                    home_attacks(f)
                } else {
                    home_attacks(f).opposite()
                };
                let areas = court.areas_at(feet(f, player), attacking);
                assert!(areas.contains(Area::AttackingCircle), "{e:?}");
                last_shot = Some((player, f));
            }
            EventKind::Goal { player, team, .. } => {
                let (shooter, _) = last_shot.take().expect("a goal follows a shot");
                assert_eq!(shooter, player);
                let ball = r.frames[f as usize].1;
                let attacking = if team == Team::Home {
                    home_attacks(f)
                } else {
                    home_attacks(f).opposite()
                };
                let ring = crate::simulate::ball::ring_centre(&court, attacking);
                let miss = (0..3)
                    .map(|i| (ball[i] - ring[i]).abs())
                    .fold(0.0, f64::max);
                assert!(miss < 0.05, "goal with the ball at {ball:?}");
            }
            EventKind::Miss { player, .. } => {
                assert_eq!(last_shot.take().map(|s| s.0), Some(player));
            }
            EventKind::CentrePass { team, .. } => centre_teams.push(team),
            EventKind::PeriodStart { home_attacks } => period_ends.push(home_attacks),
            _ => {}
        }
    }
    assert!(centre_teams.len() > 8);
    assert!(
        centre_teams.windows(2).all(|w| w[0] != w[1]),
        "centre passes alternate: {centre_teams:?}"
    );
    assert_eq!(period_ends.len(), 4);
    assert!(
        period_ends.windows(2).all(|w| w[0] != w[1]),
        "ends change every period"
    );
    // One ball, always above the floor and inside the hall.
    for (_, ball, _, _) in &r.frames {
        assert!(ball[2] >= 0.1 && ball[2] < 8.0, "{ball:?}");
        assert!(
            (-3.0..34.0).contains(&ball[0]) && (-3.0..19.0).contains(&ball[1]),
            "{ball:?}"
        );
    }
}

#[test]
fn people_move_at_human_speeds() {
    let r = play(5, 60.0, ALL.to_vec());
    let dt = 1.0 / f32::from(r.fps as u16);
    let mut fastest = 0.0f32;
    for w in r.frames.windows(2) {
        if w[1].3 != w[0].3 {
            continue; // a new period: everyone was placed on their marks
        }
        for i in 0..16 {
            let v = w[0].2[i].distance(w[1].2[i]) / dt;
            fastest = fastest.max(v);
            assert!(
                v <= r.specs[i].top_speed + 0.05,
                "{} at {v} m/s",
                r.specs[i].id
            );
        }
    }
    assert!(fastest > 5.0, "nobody ran: {fastest} m/s");
}

#[test]
fn a_seed_replays_exactly() {
    let a = play(9, 30.0, ALL.to_vec());
    let b = play(9, 30.0, ALL.to_vec());
    let c = play(10, 30.0, ALL.to_vec());
    assert_eq!(a.events, b.events);
    assert_eq!(a.frames.len(), b.frames.len());
    assert!(
        a.frames
            .iter()
            .zip(&b.frames)
            .all(|(x, y)| x.1 == y.1 && x.2 == y.2)
    );
    assert_ne!(a.events, c.events);
}
