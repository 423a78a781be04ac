//! Where everyone wants to be: attackers lead into space, defenders mark their opposite number
//! goal-side, restarts send people to their marks, umpires follow the ball along their side line.

use netball_shared::court::{CourtPoint, Position};
use rand::Rng;

use super::{Arms, Ball, Duty, Match, Phase, Throw};
use crate::simulate::ball::ground;
use crate::simulate::motion::{from_progress, progress};
use crate::simulate::team::{Role, Side, Team};

/// The player each position marks.
pub(super) fn opposite(position: Position) -> Position {
    match position {
        Position::GS => Position::GK,
        Position::GA => Position::GD,
        Position::WA => Position::WD,
        Position::C => Position::C,
        Position::WD => Position::WA,
        Position::GD => Position::GA,
        Position::GK => Position::GS,
    }
}

impl Match {
    /// The team in possession, or about to be.
    pub(super) fn possession_team(&self) -> Option<Team> {
        match self.ball {
            Ball::Held { by, .. } => Some(self.team_of(by)),
            Ball::Flying {
                throw: Throw::Return { to },
                ..
            } => Some(self.team_of(to)),
            Ball::Flying { thrower, .. } => Some(self.team_of(thrower)),
            Ball::Loose {
                taker: Some((i, _)),
                ..
            } => Some(self.team_of(i)),
            Ball::Loose { last_touch, .. } => last_touch.map(|i| self.team_of(i)),
        }
    }

    fn holder_index(&self) -> Option<usize> {
        match self.ball {
            Ball::Held { by, .. } => Some(by),
            _ => None,
        }
    }

    /// Sends everyone to their marks for a centre pass by `team`. Play's tasks end with the goal
    /// (only fetching the ball goes on).
    pub(super) fn go_to_restart_marks(&mut self, team: Team) {
        for i in 0..self.people.len() {
            let spot = self.restart_spot(i, team);
            let plan = &mut self.people[i].plan;
            if plan.duty != Duty::Take {
                plan.duty = Duty::None;
            }
            plan.mark = spot;
            plan.urgency = 0.65;
            plan.replan_at = f64::INFINITY;
        }
    }

    pub(super) fn plan_everyone(&mut self) {
        let t = self.time();
        let ball = ground(self.ball_position());
        let holder = self.holder_index();
        let attacking_team = self.possession_team();
        for i in 0..self.people.len() {
            let duty = self.people[i].plan.duty;
            let expired = match duty {
                Duty::Receive { until }
                | Duty::Intercept { until }
                | Duty::Obstruct { until }
                | Duty::Excursion { until, .. } => t > until,
                Duty::Break => !matches!(self.phase, Phase::CentrePass { .. }),
                Duty::Chase | Duty::Take | Duty::None => false,
            };
            if expired {
                self.people[i].plan.duty = Duty::None;
                self.people[i].plan.replan_at = t;
            }
            if let Role::Umpire { side } = self.people[i].spec.role {
                self.plan_umpire(i, side, ball);
                continue;
            }
            match self.people[i].plan.duty {
                Duty::Excursion { point, .. } => {
                    let plan = &mut self.people[i].plan;
                    plan.target = point;
                    plan.urgency = 0.7;
                    plan.free_roam = true;
                }
                Duty::Obstruct { .. } => {
                    if let Some(h) = holder {
                        let holder_pos = self.people[h].mover.pos;
                        let goal = self
                            .cfg
                            .court
                            .goal_line_midpoint(self.attacking(self.team_of(h)));
                        let target = toward(holder_pos, goal, 0.6);
                        let region = self.region_of(i);
                        let plan = &mut self.people[i].plan;
                        plan.target = region.clamp(&self.cfg.court, target, 0.02);
                        plan.urgency = 0.8;
                    }
                }
                Duty::Receive { .. }
                | Duty::Intercept { .. }
                | Duty::Chase
                | Duty::Take
                | Duty::Break => {}
                Duty::None => {
                    if matches!(self.phase, Phase::CentrePass { .. }) {
                        let plan = &mut self.people[i].plan;
                        plan.target = plan.mark;
                        plan.urgency = 0.65;
                    } else if Some(i) == holder {
                        self.people[i].plan.target = self.people[i].mover.pos;
                    } else if t >= self.people[i].plan.replan_at {
                        if Some(self.team_of(i)) == attacking_team {
                            self.lead(i, ball);
                        } else {
                            self.mark(i, holder);
                        }
                    }
                }
            }
            self.people[i].arms = self.arms_of(i, holder, ball);
        }
    }

    fn arms_of(&self, i: usize, holder: Option<usize>, ball: CourtPoint) -> Arms {
        if Some(i) == holder {
            return match self.ball {
                Ball::Held { shoot: true, .. } => Arms::Shooting,
                _ => Arms::Holding,
            };
        }
        let me = &self.people[i];
        let near_ball = me.mover.pos.distance(ball) < 2.0;
        match me.plan.duty {
            Duty::Receive { .. } | Duty::Intercept { .. } | Duty::Chase if near_ball => {
                Arms::Reaching
            }
            Duty::Obstruct { .. } => Arms::Defending,
            _ => match holder {
                Some(h)
                    if self.people[h].spec.team() != me.spec.team()
                        && me.spec.team().is_some()
                        && me.mover.pos.distance(self.people[h].mover.pos) < 2.2 =>
                {
                    Arms::Defending
                }
                _ => Arms::Down,
            },
        }
    }

    fn plan_umpire(&mut self, i: usize, side: Side, ball: CourtPoint) {
        let court = self.cfg.court;
        let (range, y) = match side {
            Side::Near => ([1.0, court.length / 2.0 + 4.0], -1.3),
            Side::Far => (
                [court.length / 2.0 - 4.0, court.length - 1.0],
                court.width + 1.3,
            ),
        };
        let plan = &mut self.people[i].plan;
        plan.target = CourtPoint::new(ball.x.clamp(range[0], range[1]), y);
        plan.urgency = 0.55;
    }

    /// An attacker picks a space to lead into, ahead of the ball and inside their areas.
    fn lead(&mut self, i: usize, ball: CourtPoint) {
        let court = self.cfg.court;
        let team = self.team_of(i);
        let attacking = self.attacking(team);
        let position = self.position_of(i);
        let region = self.region_of(i);
        let third = court.third_length();
        let centre_pass = self.centre_pass_throw;
        let now = self.time();
        let ub = progress(&court, ball, attacking);
        let rng = &mut self.rng;
        let [lo, hi] = region.band();
        let target = if centre_pass {
            // Break into the centre third to take the centre pass.
            let u = rng.random_range(third + 0.6..2.0 * third - 0.6);
            from_progress(
                &court,
                u,
                rng.random_range(1.0..court.width - 1.0),
                attacking,
            )
        } else if matches!(position, Position::GS | Position::GA)
            && ub > third
            && rng.random_bool(0.6)
        {
            // Shooters work inside the circle once the ball is in the front half.
            let goal = court.goal_line_midpoint(attacking);
            let r = rng.random_range(0.8..court.goal_circle_radius - 0.4);
            let a: f32 = rng.random_range(-1.2..1.2);
            let inward = if goal.x > 0.0 { -1.0 } else { 1.0 };
            CourtPoint::new(goal.x + inward * r * a.cos(), goal.y + r * a.sin())
        } else {
            let u0 = (ub - 3.0).clamp(lo, hi);
            let u1 = (ub + 9.0).clamp(lo, hi);
            let u = if u1 - u0 > 0.5 {
                rng.random_range(u0..u1)
            } else {
                (lo + hi) / 2.0
            };
            from_progress(
                &court,
                u,
                rng.random_range(0.8..court.width - 0.8),
                attacking,
            )
        };
        let urgency = rng.random_range(0.4..1.0);
        let replan = now + rng.random_range(1.0..2.5);
        let plan = &mut self.people[i].plan;
        plan.target = region.clamp(&court, target, 0.3);
        plan.urgency = urgency;
        plan.replan_at = replan;
    }

    /// A defender stays goal-side of their opposite number, and off the player with the ball
    /// by more than the 0.9 m obstruction distance.
    fn mark(&mut self, i: usize, holder: Option<usize>) {
        let court = self.cfg.court;
        let team = self.team_of(i);
        let opponent = self.player(team.other(), opposite(self.position_of(i)));
        let their_goal = court.goal_line_midpoint(self.attacking(team.other()));
        // Mark where the opponent is going when they run onto a pass: arriving goal-side of the
        // catch, not running into the catcher as they land.
        let at = match self.people[opponent].plan.duty {
            Duty::Receive { .. } => self.people[opponent].plan.target,
            _ => self.people[opponent].mover.pos,
        };
        let target = if Some(opponent) == holder {
            // Off the ball carrier by more than 0.9 m, on the side the defender already is
            // (turned toward the goal): stepping back, not walking round through the gap.
            let me = self.people[i].mover.pos;
            let unit = |from: CourtPoint, to: CourtPoint| {
                let d = from.distance(to).max(1e-3);
                [(to.x - from.x) / d, (to.y - from.y) / d]
            };
            let (a, b) = (unit(at, me), unit(at, their_goal));
            let side = CourtPoint::new(at.x + a[0] + 0.6 * b[0], at.y + a[1] + 0.6 * b[1]);
            toward(at, side, self.rng.random_range(1.1..1.4))
        } else {
            toward(at, their_goal, self.rng.random_range(1.0..1.8))
        };
        let region = self.region_of(i);
        let replan = self.time() + self.rng.random_range(0.2..0.45);
        let plan = &mut self.people[i].plan;
        plan.target = region.clamp(&court, target, 0.2);
        plan.urgency = 0.95;
        plan.replan_at = replan;
    }

    /// Moves everyone one frame, holding players inside their areas unless they are outside on
    /// purpose (an injected offside, a throw-in) or walking back in.
    pub(super) fn move_everyone(&mut self) {
        let dt = 1.0 / self.fps as f32;
        let court = self.cfg.court;
        let ball = ground(self.ball_position());
        // Only a live ball pins the holder's landing foot; a dead ball is walked back.
        let holder = match self.ball {
            Ball::Held { by, live: true, .. } => Some(by),
            _ => None,
        };
        for i in 0..self.people.len() {
            let plan = self.people[i].plan;
            let p = &mut self.people[i];
            if Some(i) == holder {
                // The landing foot stays put: a couple of steps to stop, then a pivot.
                p.mover.vel = [p.mover.vel[0] * 0.4, p.mover.vel[1] * 0.4];
                p.mover.step(p.mover.pos, 0.0, ball, dt);
            } else {
                p.mover.step(plan.target, plan.urgency, ball, dt);
            }
            if p.spec.team().is_none() {
                continue;
            }
            let region = self.region_of(i);
            let p = &mut self.people[i];
            if plan.free_roam {
                let on_duty =
                    matches!(plan.duty, Duty::Excursion { .. } | Duty::Take) || Some(i) == holder;
                if !on_duty && region.contains(&court, p.mover.pos, 0.02) {
                    p.plan.free_roam = false;
                }
            } else {
                let q = region.clamp(&court, p.mover.pos, 0.02);
                if q.distance(p.mover.pos) > 1e-5 {
                    p.mover.place(q);
                }
            }
        }
    }
}

/// The point `distance` from `from` toward `to`.
pub(super) fn toward(from: CourtPoint, to: CourtPoint, distance: f32) -> CourtPoint {
    let d = from.distance(to);
    if d < 1e-4 {
        return from;
    }
    CourtPoint::new(
        from.x + (to.x - from.x) / d * distance,
        from.y + (to.y - from.y) / d * distance,
    )
}
