//! The ball's physics: thrown on a parabola, or loose (falling, bouncing, rolling).

use netball_shared::court::{CourtDimensions, CourtPoint, End};

/// A point in the hall, metres: court `x`, `y` and height `z`.
pub type Vec3 = [f64; 3];

pub const GRAVITY: f64 = 9.81;
/// A size 5 netball: 0.22 m across.
pub const BALL_RADIUS: f64 = 0.11;

/// The centre of an end's ring, where shots go. The ring (0.38 m across inside) reaches 0.15 m
/// out from the post on the goal line, so its centre is 0.34 m in from the line, 3.05 m up
/// (`NETBALL.md`, "Court").
pub fn ring_centre(court: &CourtDimensions, end: End) -> Vec3 {
    let c = court.goal_line_midpoint(end);
    let inward = if end == End::Low { 0.34 } else { -0.34 };
    [f64::from(c.x) + inward, f64::from(c.y), 3.05]
}

pub fn ground(p: Vec3) -> CourtPoint {
    CourtPoint::new(p[0] as f32, p[1] as f32)
}

/// A throw from `from` that arrives at `to` after `duration` seconds under gravity.
#[derive(Clone, Copy, Debug)]
pub struct Flight {
    pub from: Vec3,
    pub to: Vec3,
    pub start: f64,
    pub duration: f64,
}

impl Flight {
    pub fn end(&self) -> f64 {
        self.start + self.duration
    }

    /// Initial vertical speed that lands the throw on `to` in time.
    fn vz0(&self) -> f64 {
        (self.to[2] - self.from[2] + 0.5 * GRAVITY * self.duration * self.duration) / self.duration
    }

    /// Where the ball is at time `t` (clamped to the flight).
    pub fn at(&self, t: f64) -> Vec3 {
        let s = (t - self.start).clamp(0.0, self.duration);
        let f = s / self.duration;
        [
            self.from[0] + (self.to[0] - self.from[0]) * f,
            self.from[1] + (self.to[1] - self.from[1]) * f,
            self.from[2] + self.vz0() * s - 0.5 * GRAVITY * s * s,
        ]
    }

    pub fn velocity(&self, t: f64) -> Vec3 {
        let s = (t - self.start).clamp(0.0, self.duration);
        [
            (self.to[0] - self.from[0]) / self.duration,
            (self.to[1] - self.from[1]) / self.duration,
            self.vz0() - GRAVITY * s,
        ]
    }

    /// The highest point above the floor.
    pub fn apex(&self) -> f64 {
        let s = (self.vz0() / GRAVITY).clamp(0.0, self.duration);
        self.at(self.start + s)[2]
    }
}

/// A ball nobody holds.
#[derive(Clone, Copy, Debug)]
pub struct Loose {
    pub pos: Vec3,
    pub vel: Vec3,
}

/// What happened to a loose ball during one step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Contact {
    None,
    /// It touched the floor at the end of the step.
    Floor,
}

impl Loose {
    /// Advances by `dt`: gravity, bounces that lose energy, rolling friction on the floor.
    pub fn step(&mut self, dt: f64) -> Contact {
        let mut contact = Contact::None;
        self.vel[2] -= GRAVITY * dt;
        for i in 0..3 {
            self.pos[i] += self.vel[i] * dt;
        }
        if self.pos[2] <= BALL_RADIUS {
            self.pos[2] = BALL_RADIUS;
            if self.vel[2] < 0.0 {
                contact = Contact::Floor;
                // A netball keeps a little over half its vertical speed on a bounce.
                self.vel[2] = if self.vel[2] < -0.6 {
                    -0.6 * self.vel[2]
                } else {
                    0.0
                };
                self.vel[0] *= 0.85;
                self.vel[1] *= 0.85;
            }
            if self.vel[2] == 0.0 {
                let speed = self.vel[0].hypot(self.vel[1]);
                let slowed = (speed - 1.2 * dt).max(0.0);
                if speed > 0.0 {
                    self.vel[0] *= slowed / speed;
                    self.vel[1] *= slowed / speed;
                }
            }
        }
        contact
    }

    pub fn at_rest(&self) -> bool {
        self.pos[2] <= BALL_RADIUS + 1e-6 && self.vel.iter().all(|v| v.abs() < 0.05)
    }

    /// Where the ball will first be catchable at chest height on its way down, or where it
    /// stops: the point chasers run to. Simulated ahead rather than solved, so bounces count.
    pub fn landing(&self, catch_height: f64) -> Vec3 {
        let mut ball = *self;
        for _ in 0..400 {
            ball.step(0.02);
            if (ball.vel[2] < 0.0 && ball.pos[2] <= catch_height) || ball.at_rest() {
                break;
            }
        }
        ball.pos
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_throw_starts_and_ends_where_asked() {
        let f = Flight {
            from: [1.0, 2.0, 1.5],
            to: [9.0, 4.0, 1.8],
            start: 3.0,
            duration: 1.0,
        };
        for (t, want) in [(3.0, f.from), (4.0, f.to)] {
            let p = f.at(t);
            for i in 0..3 {
                assert!((p[i] - want[i]).abs() < 1e-9);
            }
        }
        // A one-second throw rises g/8 ≈ 1.23 m above its chord's midpoint.
        assert!((f.apex() - (1.65 + GRAVITY / 8.0)).abs() < 0.01);
    }

    #[test]
    fn a_dropped_ball_bounces_lower_and_comes_to_rest() {
        let mut ball = Loose {
            pos: [5.0, 5.0, 2.0],
            vel: [1.0, 0.0, 0.0],
        };
        let mut bounces = 0;
        for _ in 0..1000 {
            if ball.step(0.01) == Contact::Floor {
                bounces += 1;
            }
            assert!(ball.pos[2] >= BALL_RADIUS - 1e-9 && ball.pos[2] < 2.01);
        }
        assert!(bounces >= 2);
        assert!(ball.at_rest(), "{ball:?}");
    }
}
