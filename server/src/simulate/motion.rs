//! How people move: bounded speed and acceleration toward a target, and the part of the court
//! each player may use.

use netball_shared::court::{Area, CourtDimensions, CourtPoint, End, Position};

/// A person's feet on the floor and how they are moving.
#[derive(Clone, Copy, Debug)]
pub struct Mover {
    pub pos: CourtPoint,
    pub vel: [f32; 2],
    /// Heading of the body, radians in the court plane (0 = +x).
    pub facing: f32,
    /// Gait cycle, radians; advances with distance run.
    pub stride: f32,
    pub top_speed: f32,
    pub max_accel: f32,
}

impl Mover {
    pub fn new(pos: CourtPoint, top_speed: f32, max_accel: f32) -> Self {
        Self {
            pos,
            vel: [0.0, 0.0],
            facing: 0.0,
            stride: 0.0,
            top_speed,
            max_accel,
        }
    }

    pub fn speed(&self) -> f32 {
        self.vel[0].hypot(self.vel[1])
    }

    /// Steers toward `target` at up to `urgency` of top speed, braking so as to stop on it, and
    /// turns to face `look_at` when nearly still (the ball, usually).
    pub fn step(&mut self, target: CourtPoint, urgency: f32, look_at: CourtPoint, dt: f32) {
        let (dx, dy) = (target.x - self.pos.x, target.y - self.pos.y);
        let dist = dx.hypot(dy);
        // Braking distance v²/2a with a safety factor, so people stop on their mark instead of
        // overshooting it (which would also carry them over lines they must not cross).
        let cruise = urgency.clamp(0.0, 1.0) * self.top_speed;
        let brake = (1.6 * self.max_accel * dist).sqrt();
        let want = cruise.min(brake);
        let desired = if dist > 1e-3 {
            [dx / dist * want, dy / dist * want]
        } else {
            [0.0, 0.0]
        };
        let mut dv = [desired[0] - self.vel[0], desired[1] - self.vel[1]];
        let dv_len = dv[0].hypot(dv[1]);
        // Footwork over a stride or two (stepping back off a player, checking a lead) is quicker
        // than a sprint start.
        let accel = if dist < 1.5 {
            2.5 * self.max_accel
        } else {
            self.max_accel
        };
        let limit = accel * dt;
        if dv_len > limit {
            dv = [dv[0] / dv_len * limit, dv[1] / dv_len * limit];
        }
        self.vel = [self.vel[0] + dv[0], self.vel[1] + dv[1]];
        self.pos.x += self.vel[0] * dt;
        self.pos.y += self.vel[1] * dt;
        let speed = self.speed();
        // One stride cycle (two steps) covers about 2.6 m at a run.
        self.stride =
            (self.stride + speed * dt / 2.6 * std::f32::consts::TAU) % std::f32::consts::TAU;
        let heading = if speed > 0.8 {
            self.vel[1].atan2(self.vel[0])
        } else {
            (look_at.y - self.pos.y).atan2(look_at.x - self.pos.x)
        };
        self.facing = turn_toward(self.facing, heading, 6.0 * dt);
    }

    /// Stops where it stands (a wall: the velocity into it is gone).
    pub fn place(&mut self, p: CourtPoint) {
        let moved = [p.x - self.pos.x, p.y - self.pos.y];
        self.pos = p;
        if moved[0].abs() + moved[1].abs() > 0.0 {
            self.vel = [0.0, 0.0];
        }
    }
}

fn turn_toward(from: f32, to: f32, max_step: f32) -> f32 {
    use std::f32::consts::{PI, TAU};
    let mut delta = (to - from) % TAU;
    if delta > PI {
        delta -= TAU;
    } else if delta < -PI {
        delta += TAU;
    }
    from + delta.clamp(-max_step, max_step)
}

/// Distance along the court toward the end a team attacks: 0 on its own goal line.
pub fn progress(court: &CourtDimensions, p: CourtPoint, attacking: End) -> f32 {
    match attacking {
        End::High => p.x,
        End::Low => court.length - p.x,
    }
}

/// The court point at `progress` toward `attacking` and `y` across.
pub fn from_progress(court: &CourtDimensions, progress: f32, y: f32, attacking: End) -> CourtPoint {
    match attacking {
        End::High => CourtPoint::new(progress, y),
        End::Low => CourtPoint::new(court.length - progress, y),
    }
}

/// The part of the court a position may use: a band of whole thirds, less the goal circles it
/// may not enter. Written from the areas, independently of `Position::distance_outside_allowed`,
/// which the simulator's tests use to check it.
#[derive(Clone, Copy, Debug)]
pub struct Region {
    /// Progress interval toward the attacking end.
    band: [f32; 2],
    excluded_attacking_circle: bool,
    excluded_defending_circle: bool,
    attacking: End,
}

impl Region {
    pub fn new(court: &CourtDimensions, position: Position, attacking: End) -> Self {
        let areas = position.allowed_areas();
        let third = court.third_length();
        let half_line = court.line_width / 2.0;
        let low = if areas.contains(Area::DefendingThird) {
            0.0
        } else if areas.contains(Area::CentreThird) {
            third - half_line
        } else {
            2.0 * third - half_line
        };
        let high = if areas.contains(Area::AttackingThird) {
            court.length
        } else if areas.contains(Area::CentreThird) {
            2.0 * third + half_line
        } else {
            third + half_line
        };
        Self {
            band: [low, high],
            excluded_attacking_circle: areas.contains(Area::AttackingThird)
                && !areas.contains(Area::AttackingCircle),
            excluded_defending_circle: areas.contains(Area::DefendingThird)
                && !areas.contains(Area::DefendingCircle),
            attacking,
        }
    }

    fn excluded_circles(&self) -> impl Iterator<Item = End> {
        [
            self.excluded_attacking_circle.then_some(self.attacking),
            self.excluded_defending_circle
                .then_some(self.attacking.opposite()),
        ]
        .into_iter()
        .flatten()
    }

    /// The nearest point at least `margin` inside the region (and the court).
    pub fn clamp(&self, court: &CourtDimensions, p: CourtPoint, margin: f32) -> CourtPoint {
        let u =
            progress(court, p, self.attacking).clamp(self.band[0] + margin, self.band[1] - margin);
        let y = p.y.clamp(margin, court.width - margin);
        let mut q = from_progress(court, u, y, self.attacking);
        for end in self.excluded_circles() {
            let c = court.goal_line_midpoint(end);
            let keep_out = court.goal_circle_radius + court.line_width + margin;
            let (dx, dy) = (q.x - c.x, q.y - c.y);
            let r = dx.hypot(dy);
            if r < keep_out {
                let (ux, uy) = if r > 1e-4 {
                    (dx / r, dy / r)
                } else {
                    (if end == End::Low { 1.0 } else { -1.0 }, 0.0)
                };
                q = CourtPoint::new(c.x + ux * keep_out, c.y + uy * keep_out);
            }
        }
        q
    }

    /// Whether `p` lies in the region, at least `margin` inside.
    pub fn contains(&self, court: &CourtDimensions, p: CourtPoint, margin: f32) -> bool {
        self.clamp(court, p, margin).distance(p) < 1e-4
    }

    /// The progress interval the region spans.
    pub fn band(&self) -> [f32; 2] {
        self.band
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clamped_points_are_allowed_for_every_position_and_end() {
        let court = CourtDimensions::default();
        for attacking in [End::Low, End::High] {
            for position in Position::ALL {
                let region = Region::new(&court, position, attacking);
                for i in 0..=60 {
                    for j in 0..=30 {
                        let p = CourtPoint::new(i as f32 * 0.55 - 1.0, j as f32 * 0.55 - 0.5);
                        let q = region.clamp(&court, p, 0.02);
                        let outside = position.distance_outside_allowed(&court, q, attacking);
                        assert!(outside < 1e-4, "{position} at {q:?}: {outside}");
                        if position.distance_outside_allowed(&court, p, attacking) == 0.0
                            && region.contains(&court, p, 0.0)
                        {
                            assert!(q.distance(p) < 0.1, "{position}: {p:?} moved to {q:?}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn a_runner_stays_within_its_limits_and_stops_on_target() {
        let mut m = Mover::new(CourtPoint::new(0.0, 0.0), 8.0, 5.0);
        let target = CourtPoint::new(20.0, 0.0);
        let mut top = 0.0f32;
        let mut last = m.vel;
        for _ in 0..500 {
            m.step(target, 1.0, target, 0.02);
            let dv = (m.vel[0] - last[0]).hypot(m.vel[1] - last[1]);
            assert!(dv <= 2.5 * 5.0 * 0.02 + 1e-4);
            last = m.vel;
            top = top.max(m.speed());
        }
        assert!(top <= 8.0 + 1e-3 && top > 7.0, "top speed {top}");
        assert!(m.pos.distance(target) < 0.05, "stopped at {:?}", m.pos);
    }
}
