//! The ball in play: held, released as a pass or a shot, caught or cut off, loose after a miss
//! or a fumble, out of court, and sent back to the centre after a goal.

use netball_shared::court::{Area, CourtPoint, End, Position};
use rand::Rng;

use super::tactics::{opposite, toward};
use super::{Ball, Duty, Match, Phase, Throw, chest};
use crate::simulate::ball::{Contact, Flight, Loose, Vec3, ground};
use crate::simulate::events::{EventKind, Gain};
use crate::simulate::motion::progress;
use crate::simulate::team::Team;

/// A pass takes 0.5 to 1.5 s, longer for longer passes.
fn pass_duration(distance: f32) -> f64 {
    (0.35 + f64::from(distance) / 13.0).clamp(0.5, 1.5)
}

impl Match {
    /// Where the ring's centre is at an end.
    pub fn ring_centre(&self, end: End) -> Vec3 {
        crate::simulate::ball::ring_centre(&self.cfg.court, end)
    }

    /// Whether player `i` can take a ball at `p`.
    fn within_reach(&self, i: usize, p: Vec3, horizontal: f32) -> bool {
        let me = &self.people[i];
        me.mover.pos.distance(ground(p)) <= horizontal && p[2] <= f64::from(me.spec.height) + 0.6
    }

    fn in_attacking_circle(&self, i: usize) -> bool {
        let attacking = self.attacking(self.team_of(i));
        self.cfg
            .court
            .areas_at(self.people[i].mover.pos, attacking)
            .contains(Area::AttackingCircle)
    }

    pub(super) fn update_ball(&mut self) {
        let t = self.time();
        match self.ball {
            Ball::Held {
                by,
                since,
                release_at,
                live,
                ..
            } => {
                if !live {
                    self.return_to_centre(by, since);
                } else if t >= since + 3.25 {
                    // Three seconds gone: the umpire blows and the other team takes a free pass.
                    self.rules_three_seconds(by, since);
                } else if t >= release_at {
                    self.release(by, since);
                }
            }
            Ball::Flying {
                flight,
                thrower,
                throw,
            } => self.fly(flight, thrower, throw),
            Ball::Loose { .. } => self.roll(),
        }
    }

    /// Gives player `i` the ball: a catch, pick-up or interception.
    pub(super) fn take_ball(&mut self, i: usize, gained: Option<Gain>) {
        let t = self.time();
        let at = self.ball_position();
        let live = gained.is_some();
        let position = self.position_of(i);
        let shoot = live
            && position.may_shoot()
            && self.in_attacking_circle(i)
            && self.rng.random_bool(0.85);
        let hold = if shoot {
            self.rng.random_range(0.9..2.2)
        } else {
            self.rng.random_range(0.6..2.4)
        };
        self.ball = Ball::Held {
            by: i,
            since: t,
            release_at: if live { t + hold } else { t + 0.5 },
            caught_at: at,
            live,
            shoot,
        };
        for p in &mut self.people {
            if matches!(
                p.plan.duty,
                Duty::Receive { .. } | Duty::Intercept { .. } | Duty::Chase | Duty::Take
            ) {
                p.plan.duty = Duty::None;
            }
            p.plan.replan_at = t;
        }
        if let Some(gained) = gained {
            let feed = gained == Gain::Pass && self.in_attacking_circle(i);
            let team = self.team_of(i);
            let player = self.people[i].spec.id;
            self.emit(
                ground(at),
                EventKind::Possession {
                    team,
                    player,
                    position,
                    gained,
                    feed,
                },
            );
            self.check_over_a_third(i, at);
        }
        // A player who took the ball off court steps back on after passing it.
        if live {
            self.people[i].plan.free_roam |= !self.cfg.court.contains(self.people[i].mover.pos);
        }
    }

    fn release(&mut self, by: usize, since: f64) {
        let t = self.time();
        let shoot = matches!(self.ball, Ball::Held { shoot: true, .. });
        if shoot {
            self.shoot(by);
            return;
        }
        let forced = t >= since + 2.8;
        match self.choose_pass(by, forced) {
            Some((receiver, catch_point)) => self.pass(by, receiver, catch_point),
            None => {
                if let Ball::Held { release_at, .. } = &mut self.ball {
                    *release_at = t + 0.2;
                }
            }
        }
    }

    /// The teammate to pass to and where they will catch it.
    fn choose_pass(&mut self, by: usize, forced: bool) -> Option<(usize, CourtPoint)> {
        let court = self.cfg.court;
        let team = self.team_of(by);
        let attacking = self.attacking(team);
        let from = self.people[by].mover.pos;
        let third = court.third_length();
        let want_over_third = self
            .rules
            .wants(crate::simulate::events::ViolationKind::OverAThird);
        let mut best: Option<(f32, usize, CourtPoint)> = None;
        for j in self.players() {
            if j == by || self.team_of(j) != team {
                continue;
            }
            let me = &self.people[j];
            let ahead = CourtPoint::new(
                me.mover.pos.x + me.mover.vel[0] * 0.35,
                me.mover.pos.y + me.mover.vel[1] * 0.35,
            );
            let catch_point = self.region_of(j).clamp(&court, ahead, 0.3);
            let u = progress(&court, catch_point, attacking);
            if self.centre_pass_throw && !(third + 0.1..=2.0 * third - 0.1).contains(&u) {
                continue;
            }
            let d = from.distance(catch_point);
            let (near, far) = if forced { (1.0, 16.0) } else { (2.5, 15.0) };
            if !(near..=far).contains(&d) {
                continue;
            }
            let crosses = self.crosses_a_third(from, catch_point);
            if crosses && !want_over_third {
                continue;
            }
            let openness = self
                .players()
                .filter(|&k| self.team_of(k) != team)
                .map(|k| self.people[k].mover.pos.distance(catch_point))
                .fold(f32::INFINITY, f32::min)
                .min(4.0);
            let gain = u - progress(&court, from, attacking);
            let shooter_bonus = if self.position_of(j).may_shoot()
                && court
                    .areas_at(catch_point, attacking)
                    .contains(Area::AttackingCircle)
            {
                2.5
            } else {
                0.0
            };
            let score = 0.3 * gain
                + openness
                + shooter_bonus
                + if crosses { 20.0 } else { 0.0 }
                + self.rng.random_range(0.0..2.0);
            if best.is_none_or(|(s, ..)| score > s) {
                best = Some((score, j, catch_point));
            }
        }
        best.map(|(_, j, p)| (j, p))
    }

    /// Whether a throw from `a` to `b` crosses the whole centre third.
    pub(super) fn crosses_a_third(&self, a: CourtPoint, b: CourtPoint) -> bool {
        let [low, high] = self.cfg.court.transverse_lines();
        let (x0, x1) = (a.x.min(b.x), a.x.max(b.x));
        x0 < low && x1 > high
    }

    fn pass(&mut self, by: usize, receiver: usize, catch_point: CourtPoint) {
        let t = self.time();
        let court = self.cfg.court;
        let from = self.ball_position();
        let distance = ground(from).distance(catch_point);
        let duration = pass_duration(distance);
        let centre_pass = self.centre_pass_throw;
        let mut to_ground = catch_point;
        // Now and then a pass goes astray over the nearer side line.
        let astray = !centre_pass && self.rng.random_bool(0.03);
        if astray {
            to_ground.y = if catch_point.y < court.width / 2.0 {
                -1.6
            } else {
                court.width + 1.6
            };
        }
        let catch_height = if astray {
            0.9
        } else {
            self.rng.random_range(1.2..1.9)
        };
        let flight = Flight {
            from,
            to: [f64::from(to_ground.x), f64::from(to_ground.y), catch_height],
            start: t,
            duration,
        };
        if self.crosses_a_third(ground(from), catch_point) {
            self.took_over_a_third();
        }
        let interceptor = if centre_pass || astray {
            None
        } else {
            self.interception(receiver, &flight)
        };
        let team = self.team_of(by);
        let (player, receiver_id) = (self.people[by].spec.id, self.people[receiver].spec.id);
        self.emit(
            ground(from),
            EventKind::Pass {
                team,
                player,
                receiver: receiver_id,
            },
        );
        let plan = &mut self.people[receiver].plan;
        plan.duty = Duty::Receive {
            until: flight.end() + 0.1,
        };
        plan.target = catch_point;
        plan.urgency = 1.0;
        self.centre_pass_throw = false;
        self.last_release = Some((from, by));
        self.ball = Ball::Flying {
            flight,
            thrower: by,
            throw: Throw::Pass {
                receiver,
                interceptor,
                centre_pass,
            },
        };
    }

    /// The receiver's marker tries to cut the pass off when they can reach its path in time.
    fn interception(&mut self, receiver: usize, flight: &Flight) -> Option<(usize, f64)> {
        let court = self.cfg.court;
        let marker = self.player(
            self.team_of(receiver).other(),
            opposite(self.position_of(receiver)),
        );
        let f = self.rng.random_range(0.55..0.9);
        let when = flight.start + f * flight.duration;
        let p = flight.at(when);
        let g = ground(p);
        let me = &self.people[marker];
        let reachable = me.mover.pos.distance(g)
            <= 0.5 * me.spec.top_speed * (f * flight.duration) as f32
            && p[2] <= f64::from(me.spec.height) + 0.5
            && self.region_of(marker).contains(&court, g, 0.05);
        if !reachable || !self.rng.random_bool(0.5) {
            return None;
        }
        let plan = &mut self.people[marker].plan;
        plan.duty = Duty::Intercept { until: when + 0.1 };
        plan.target = g;
        plan.urgency = 1.0;
        Some((marker, when))
    }

    fn shoot(&mut self, by: usize) {
        let t = self.time();
        let team = self.team_of(by);
        let ring = self.ring_centre(self.attacking(team));
        let feet = self.people[by].mover.pos;
        let distance = feet.distance(ground(ring));
        let from = self.ball_position();
        let made = self
            .rng
            .random_bool((0.9 - 0.08 * f64::from(distance)).clamp(0.4, 0.9));
        let to = if made {
            ring
        } else {
            // Off the rim: 0.2 m from the ring's centre, just above it.
            let a: f64 = self.rng.random_range(0.0..std::f64::consts::TAU);
            [
                ring[0] + 0.2 * a.cos(),
                ring[1] + 0.2 * a.sin(),
                ring[2] + 0.08,
            ]
        };
        let flight = Flight {
            from,
            to,
            start: t,
            duration: 0.85 + 0.05 * f64::from(distance),
        };
        let (player, position) = (self.people[by].spec.id, self.position_of(by));
        self.emit(
            feet,
            EventKind::Shot {
                team,
                player,
                position,
                distance,
            },
        );
        self.last_release = Some((from, by));
        self.ball = Ball::Flying {
            flight,
            thrower: by,
            throw: Throw::Shot { goal: made },
        };
    }

    fn fly(&mut self, flight: Flight, thrower: usize, throw: Throw) {
        let t = self.time();
        let p = flight.at(t);
        match throw {
            Throw::Pass {
                receiver,
                interceptor: Some((k, when)),
                centre_pass,
            } if t >= when => {
                if self.within_reach(k, p, 1.0) {
                    self.take_ball(k, Some(Gain::Interception));
                } else if let Ball::Flying { throw, .. } = &mut self.ball {
                    *throw = Throw::Pass {
                        receiver,
                        interceptor: None,
                        centre_pass,
                    };
                }
                return;
            }
            _ => {}
        }
        if t < flight.end() {
            return;
        }
        match throw {
            Throw::Pass { receiver, .. } => {
                if self.within_reach(receiver, p, 1.0) {
                    self.take_ball(receiver, Some(Gain::Pass));
                } else {
                    self.loose(p, flight.velocity(t), Some(thrower), false);
                }
            }
            Throw::Return { to } => {
                if self.within_reach(to, p, 1.2) {
                    self.take_ball(to, None);
                } else {
                    self.loose(p, flight.velocity(t), None, false);
                    if let Ball::Loose { taker, .. } = &mut self.ball {
                        *taker = Some((to, None));
                    }
                    self.people[to].plan.duty = Duty::Take;
                }
            }
            Throw::Shot { goal } => self.ring(thrower, goal, p),
        }
    }

    /// The ball reaches the ring: through it for a goal, off the rim for a miss.
    fn ring(&mut self, shooter: usize, goal: bool, p: Vec3) {
        let t = self.time();
        let team = self.team_of(shooter);
        let player = self.people[shooter].spec.id;
        if goal {
            let idx = usize::from(team == Team::Away);
            self.score[idx] += 1;
            self.emit(
                ground(p),
                EventKind::Goal {
                    team,
                    player,
                    score: self.score,
                },
            );
            // Through the net and down; the defending keeper sends it back to the centre.
            let keeper = self.player(team.other(), Position::GK);
            self.ball = Ball::Loose {
                ball: Loose {
                    pos: p,
                    vel: [0.0, 0.0, -1.0],
                },
                last_touch: Some(shooter),
                free_after: t,
                taker: Some((keeper, None)),
                after_shot: false,
                out: false,
            };
            self.people[keeper].plan.duty = Duty::Take;
            let next = self.next_centre;
            self.phase = Phase::CentrePass {
                team: next,
                earliest: t + 3.0,
            };
            self.go_to_restart_marks(next);
            self.rules.new_restart();
        } else {
            self.emit(ground(p), EventKind::Miss { team, player });
            let end = self.attacking(team);
            let inward = if end == End::Low { 1.0 } else { -1.0 };
            let a: f64 = self.rng.random_range(-1.0..1.0);
            let speed = self.rng.random_range(1.5..4.0);
            let vel = [
                inward * speed * a.cos(),
                speed * a.sin(),
                self.rng.random_range(0.5..2.5),
            ];
            self.loose(p, vel, Some(shooter), true);
        }
    }

    fn loose(&mut self, pos: Vec3, vel: Vec3, last_touch: Option<usize>, after_shot: bool) {
        self.ball = Ball::Loose {
            ball: Loose { pos, vel },
            last_touch,
            free_after: self.time() + 0.4,
            taker: None,
            after_shot,
            out: false,
        };
        self.assign_chasers();
    }

    /// The two nearest players of each team who may go where the ball will come down chase it.
    fn assign_chasers(&mut self) {
        let Ball::Loose { ball, .. } = self.ball else {
            return;
        };
        let court = self.cfg.court;
        let landing = ground(ball.landing(1.6));
        let spot = CourtPoint::new(
            landing.x.clamp(0.0, court.length),
            landing.y.clamp(0.0, court.width),
        );
        for p in &mut self.people {
            if p.plan.duty == Duty::Chase {
                p.plan.duty = Duty::None;
            }
        }
        for team in Team::BOTH {
            let mut near: Vec<(f32, usize)> = self
                .players()
                .filter(|&i| self.team_of(i) == team)
                .filter(|&i| self.people[i].plan.duty == Duty::None)
                .map(|i| (self.region_of(i).clamp(&court, spot, 0.05), i))
                .filter(|(q, _)| q.distance(spot) < 1.0)
                .map(|(_, i)| (self.people[i].mover.pos.distance(spot), i))
                .collect();
            near.sort_by(|a, b| a.0.total_cmp(&b.0));
            for &(_, i) in near.iter().take(2) {
                let target = self.region_of(i).clamp(&court, spot, 0.05);
                let plan = &mut self.people[i].plan;
                plan.duty = Duty::Chase;
                plan.target = target;
                plan.urgency = 1.0;
            }
        }
    }

    /// A loose ball: physics, out of court, and who takes it.
    fn roll(&mut self) {
        let t = self.time();
        let dt = 1.0 / f64::from(self.fps);
        let court = self.cfg.court;
        let Ball::Loose {
            mut ball,
            last_touch,
            free_after,
            taker,
            after_shot,
            mut out,
        } = self.ball
        else {
            return;
        };
        let contact = ball.step(dt);
        let g = ground(ball.pos);
        // Walls and benches stop a ball that runs far off the court.
        let far_off =
            g.x < -2.5 || g.y < -2.5 || g.x > court.length + 2.5 || g.y > court.width + 2.5;
        if far_off {
            ball.vel = [0.0, 0.0, ball.vel[2].min(0.0)];
        }
        let mut taker = taker;
        if contact == Contact::Floor && !out && !court.contains(g) && taker.is_none() {
            out = true;
            let team = last_touch.map(|i| self.team_of(i));
            let player = last_touch.map(|i| self.people[i].spec.id);
            self.emit(g, EventKind::OutOfCourt { team, player });
            let awarded = team.map_or(Team::Home, Team::other);
            let k = self.nearest_allowed(awarded, g);
            taker = Some((k, Some(Gain::ThrowIn)));
            for p in &mut self.people {
                if p.plan.duty == Duty::Chase {
                    p.plan.duty = Duty::None;
                }
            }
            self.people[k].plan.duty = Duty::Take;
        }
        self.ball = Ball::Loose {
            ball,
            last_touch,
            free_after,
            taker,
            after_shot,
            out,
        };
        match taker {
            Some((k, gained)) => {
                self.fetch(k, ball.pos);
                let reach = if gained.is_none() { 0.9 } else { 0.7 };
                if self.within_reach(k, ball.pos, reach) && ball.pos[2] < 1.5 {
                    self.take_ball(k, gained);
                }
            }
            None if !out => {
                if self.frame.is_multiple_of(8) {
                    self.assign_chasers();
                }
                let gained = if after_shot {
                    Gain::Rebound
                } else {
                    Gain::PickUp
                };
                let candidate = self
                    .players()
                    .filter(|&i| t >= free_after || Some(i) != last_touch)
                    .filter(|&i| self.within_reach(i, ball.pos, 0.7))
                    .min_by(|&a, &b| {
                        let d = |i: usize| self.people[i].mover.pos.distance(g);
                        d(a).total_cmp(&d(b))
                    });
                if let Some(i) = candidate
                    && court.contains(g)
                    && ball.pos[2] > 0.0
                {
                    self.take_ball(i, Some(gained));
                }
            }
            None => {}
        }
    }

    /// Walks the taker to the ball: first to the nearest spot inside their areas, then, for a
    /// ball off the court, out to it.
    fn fetch(&mut self, k: usize, ball: Vec3) {
        let court = self.cfg.court;
        let g = ground(ball);
        let inside = self.region_of(k).clamp(&court, g, 0.05);
        let near = self.people[k].mover.pos.distance(inside) < 0.8;
        let plan = &mut self.people[k].plan;
        plan.duty = Duty::Take;
        plan.urgency = 0.8;
        if near || plan.free_roam {
            plan.free_roam = true;
            plan.target = g;
        } else {
            plan.target = inside;
        }
    }

    /// The player of `team` nearest to `p` who may stand there (or at the court's edge by it).
    pub(super) fn nearest_allowed(&self, team: Team, p: CourtPoint) -> usize {
        let court = self.cfg.court;
        let on_court = CourtPoint::new(p.x.clamp(0.0, court.length), p.y.clamp(0.0, court.width));
        let attacking = self.attacking(team);
        self.players()
            .filter(|&i| self.team_of(i) == team)
            .min_by(|&a, &b| {
                // Allowed players first (by how far outside their areas the spot is), then the
                // nearest of them.
                let key = |i: usize| {
                    let outside = self
                        .position_of(i)
                        .distance_outside_allowed(&court, on_court, attacking);
                    (outside > 0.0, self.people[i].mover.pos.distance(on_court))
                };
                let (ka, kb) = (key(a), key(b));
                ka.0.cmp(&kb.0).then(ka.1.total_cmp(&kb.1))
            })
            .expect("a team has players")
    }

    /// The holder drops the ball where they stand and the other team's nearest player who may
    /// go there takes a free pass.
    pub(super) fn award_free_pass(&mut self, holder: usize) {
        let at = self.ball_position();
        let awarded = self.team_of(holder).other();
        let k = self.nearest_allowed(awarded, ground(at));
        self.ball = Ball::Loose {
            ball: Loose {
                pos: at,
                vel: [0.0, 0.0, -0.5],
            },
            last_touch: Some(holder),
            free_after: self.time(),
            taker: Some((k, Some(Gain::FreePass))),
            after_shot: false,
            out: false,
        };
        self.centre_pass_throw = false;
        self.people[k].plan.duty = Duty::Take;
        let t = self.time();
        for p in &mut self.people {
            p.plan.replan_at = t;
        }
        // The offender steps back off the taker.
        let back = toward(
            self.people[holder].mover.pos,
            self.people[k].mover.pos,
            -1.0,
        );
        let region = self.region_of(holder);
        self.people[holder].plan.target = region.clamp(&self.cfg.court, back, 0.1);
    }

    /// After a goal the keeper holds the ball until the C is near the centre, then throws it
    /// there; the C holds it until the whistle.
    fn return_to_centre(&mut self, by: usize, since: f64) {
        let t = self.time();
        let Phase::CentrePass { team, .. } = self.phase else {
            return;
        };
        let c = self.player(team, Position::C);
        if by == c || t < since + 0.5 {
            return;
        }
        let mark = self.people[c].plan.target;
        if self.people[c].mover.pos.distance(mark) > 1.5 {
            return;
        }
        let from = self.ball_position();
        let to = chest(mark, 0.0, self.people[c].spec.height);
        let distance = ground(from).distance(mark);
        let flight = Flight {
            from,
            to,
            start: t,
            duration: pass_duration(distance),
        };
        self.people[c].plan.duty = Duty::Receive {
            until: flight.end() + 0.1,
        };
        self.ball = Ball::Flying {
            flight,
            thrower: by,
            throw: Throw::Return { to: c },
        };
    }
}
