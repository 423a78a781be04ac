//! The match engine: a netball match played by rule-following agents, stepped one video frame
//! at a time. Everything it does is drawn from one seeded generator, so a seed replays exactly.
//!
//! - `tactics`: where each person wants to be (leads, marking, restarts, umpires).
//! - `ball_play`: the ball held, thrown, caught, intercepted, shot, loose and out of court.
//! - `rules`: violations caused on purpose, and the monitors that write every violation into
//!   the truth from what the agents actually did.

mod ball_play;
mod rules;
mod tactics;

use netball_shared::court::{CourtDimensions, CourtPoint, End, Position};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::ball::{Flight, Loose, Vec3};
use super::events::{EventKind, Gain, TruthEvent, ViolationKind};
use super::motion::{Mover, Region, from_progress};
use super::team::{Kit, PersonSpec, Role, Side, Team, draw_kits, draw_people};

/// How the match is played.
#[derive(Clone, Debug)]
pub struct MatchConfig {
    pub court: CourtDimensions,
    /// Length of a period of play, seconds (intervals are not filmed).
    pub period_seconds: f64,
    pub periods: u8,
    /// Violations to cause, and about how often (seconds between them).
    pub violations: Vec<ViolationKind>,
    pub violation_interval: f64,
}

impl Default for MatchConfig {
    fn default() -> Self {
        Self {
            court: CourtDimensions::default(),
            period_seconds: 15.0 * 60.0,
            periods: 4,
            violations: Vec::new(),
            violation_interval: 20.0,
        }
    }
}

/// What a person's arms are doing: drives the drawn pose.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arms {
    Down,
    Holding,
    /// Ball raised above the head to shoot.
    Shooting,
    /// Reaching for a ball in the air.
    Reaching,
    /// Arms up over the player with the ball.
    Defending,
}

/// A special task that overrides a player's ordinary tactics until `until`.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Duty {
    None,
    /// Run to where a pass will be caught.
    Receive {
        until: f64,
    },
    /// Run to cut a pass off.
    Intercept {
        until: f64,
    },
    /// Go for a loose ball.
    Chase,
    /// Fetch the ball for a throw-in, free pass or the return after a goal.
    Take,
    /// Step into a forbidden area (an injected offside).
    Excursion {
        point: CourtPoint,
        until: f64,
    },
    /// Stand too close to the player with the ball (an injected obstruction).
    Obstruct {
        until: f64,
    },
    /// Run into the centre third before the whistle (an injected break).
    Break,
}

#[derive(Clone, Copy, Debug)]
struct Plan {
    target: CourtPoint,
    urgency: f32,
    replan_at: f64,
    duty: Duty,
    /// Not held inside the region this step: outside on purpose, or walking back in.
    free_roam: bool,
    /// Where to stand for the coming centre pass.
    mark: CourtPoint,
}

/// Someone on court and what they are doing.
#[derive(Clone, Debug)]
pub struct Person {
    pub spec: PersonSpec,
    pub mover: Mover,
    pub arms: Arms,
    plan: Plan,
}

/// Where the ball is and who has it.
#[derive(Clone, Copy, Debug)]
enum Ball {
    Held {
        by: usize,
        since: f64,
        release_at: f64,
        /// Where the hands met the ball; it eases from there to the chest.
        caught_at: Vec3,
        /// Dead between a goal (or the start of a period) and the centre pass whistle.
        live: bool,
        shoot: bool,
    },
    Flying {
        flight: Flight,
        thrower: usize,
        throw: Throw,
    },
    Loose {
        ball: Loose,
        last_touch: Option<usize>,
        /// Nobody may take it before then (the thrower, straight after a throw).
        free_after: f64,
        /// Only this player may take it, and how they gain it (`None`: a dead-ball return).
        taker: Option<(usize, Option<Gain>)>,
        after_shot: bool,
        out: bool,
    },
}

#[derive(Clone, Copy, Debug)]
enum Throw {
    Pass {
        receiver: usize,
        interceptor: Option<(usize, f64)>,
        centre_pass: bool,
    },
    Shot {
        goal: bool,
    },
    /// The ball sent back to the C for the centre pass: not play.
    Return {
        to: usize,
    },
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Phase {
    Play,
    /// Waiting for the centre pass whistle.
    CentrePass {
        team: Team,
        earliest: f64,
    },
    Finished,
}

pub struct Match {
    cfg: MatchConfig,
    rng: ChaCha8Rng,
    people: Vec<Person>,
    ball: Ball,
    phase: Phase,
    fps: u32,
    frame: u64,
    period: u8,
    home_attacks: End,
    next_centre: Team,
    score: [u32; 2],
    events: Vec<TruthEvent>,
    kits: [Kit; 2],
    /// The last throw: where it left the hand, for "ball over a third".
    last_release: Option<(Vec3, usize)>,
    /// The C holds the ball for a centre pass: the pass must be caught in the centre third.
    centre_pass_throw: bool,
    rules: rules::Rules,
}

/// A chest-height hand position for someone standing at `p` facing `facing`.
fn chest(p: CourtPoint, facing: f32, height: f32) -> Vec3 {
    [
        f64::from(p.x + 0.3 * facing.cos()),
        f64::from(p.y + 0.3 * facing.sin()),
        f64::from(height * 0.72),
    ]
}

impl Match {
    /// A match drawn from `seed`, at its first frame: players on their centre pass marks.
    pub fn new(cfg: MatchConfig, seed: u64, fps: u32, court_colour: [u8; 3]) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let kits = draw_kits(&mut rng, court_colour);
        let specs = draw_people(&mut rng, kits);
        let home_attacks = if rng.random_bool(0.5) {
            End::High
        } else {
            End::Low
        };
        let next_centre = if rng.random_bool(0.5) {
            Team::Home
        } else {
            Team::Away
        };
        let centre = cfg.court.centre();
        let people = specs
            .into_iter()
            .map(|spec| Person {
                mover: Mover::new(centre, spec.top_speed, spec.max_accel),
                spec,
                arms: Arms::Down,
                plan: Plan {
                    target: centre,
                    urgency: 0.0,
                    replan_at: 0.0,
                    duty: Duty::None,
                    free_roam: false,
                    mark: centre,
                },
            })
            .collect();
        let rules = rules::Rules::new(&cfg, &mut rng);
        let mut m = Self {
            cfg,
            rng,
            people,
            ball: Ball::Loose {
                ball: Loose {
                    pos: [0.0, 0.0, 0.0],
                    vel: [0.0; 3],
                },
                last_touch: None,
                free_after: 0.0,
                taker: None,
                after_shot: false,
                out: false,
            },
            phase: Phase::Play,
            fps,
            frame: 0,
            period: 0,
            home_attacks,
            next_centre,
            score: [0, 0],
            events: Vec::new(),
            kits,
            last_release: None,
            centre_pass_throw: false,
            rules,
        };
        m.start_period();
        m
    }

    pub fn time(&self) -> f64 {
        self.frame as f64 / f64::from(self.fps)
    }

    pub fn frame(&self) -> u64 {
        self.frame
    }

    pub fn period(&self) -> u8 {
        self.period
    }

    pub fn court(&self) -> &CourtDimensions {
        &self.cfg.court
    }

    pub fn kits(&self) -> [Kit; 2] {
        self.kits
    }

    pub fn people(&self) -> &[Person] {
        &self.people
    }

    pub fn score(&self) -> [u32; 2] {
        self.score
    }

    /// Ends violations still in progress, at the current frame (the end of a clip).
    pub fn close(&mut self) {
        self.close_monitors();
    }

    pub fn is_finished(&self) -> bool {
        self.phase == Phase::Finished
    }

    /// The end a team attacks in the current period.
    pub fn attacking(&self, team: Team) -> End {
        match team {
            Team::Home => self.home_attacks,
            Team::Away => self.home_attacks.opposite(),
        }
    }

    /// The ball's centre.
    pub fn ball_position(&self) -> Vec3 {
        match self.ball {
            Ball::Held {
                by,
                since,
                caught_at,
                shoot,
                ..
            } => {
                let p = &self.people[by];
                let mut hands = chest(p.mover.pos, p.mover.facing, p.spec.height);
                if shoot {
                    hands[2] = f64::from(p.spec.height) + 0.3;
                }
                let ease = ((self.time() - since) / 0.25).clamp(0.0, 1.0);
                std::array::from_fn(|i| caught_at[i] + (hands[i] - caught_at[i]) * ease)
            }
            Ball::Flying { flight, .. } => flight.at(self.time()),
            Ball::Loose { ball, .. } => ball.pos,
        }
    }

    /// The truth id of whoever holds the ball.
    pub fn holder(&self) -> Option<u32> {
        match self.ball {
            Ball::Held { by, .. } => Some(self.people[by].spec.id),
            _ => None,
        }
    }

    /// Events that happened since the last call (violations arrive when they end).
    pub fn drain_events(&mut self) -> Vec<TruthEvent> {
        std::mem::take(&mut self.events)
    }

    /// Advances one frame.
    pub fn advance(&mut self) {
        if self.is_finished() {
            return;
        }
        self.frame += 1;
        let t = self.time();
        if t >= self.cfg.period_seconds * f64::from(self.period) {
            self.end_period();
            if self.period == self.cfg.periods {
                self.phase = Phase::Finished;
                return;
            }
            self.start_period();
            return;
        }
        self.rules.inject(t, &mut self.rng);
        self.plan_everyone();
        self.move_everyone();
        self.update_ball();
        self.whistle_centre_pass();
        self.watch_rules();
    }

    fn emit(&mut self, at: CourtPoint, kind: EventKind) {
        self.emit_at(self.frame, at, kind);
    }

    fn emit_at(&mut self, frame: u64, at: CourtPoint, kind: EventKind) {
        self.events.push(TruthEvent {
            frame,
            time: frame as f64 / f64::from(self.fps),
            period: self.period,
            at,
            kind,
        });
    }

    fn team_of(&self, i: usize) -> Team {
        self.people[i].spec.team().expect("only players are asked")
    }

    fn position_of(&self, i: usize) -> Position {
        self.people[i]
            .spec
            .position()
            .expect("only players are asked")
    }

    fn region_of(&self, i: usize) -> Region {
        Region::new(
            &self.cfg.court,
            self.position_of(i),
            self.attacking(self.team_of(i)),
        )
    }

    fn players(&self) -> impl Iterator<Item = usize> + use<> {
        0..14
    }

    /// The index of a team's player in a position.
    fn player(&self, team: Team, position: Position) -> usize {
        let base = if team == Team::Home { 0 } else { 7 };
        base + Position::ALL
            .iter()
            .position(|&p| p == position)
            .expect("every position is on court")
    }

    fn start_period(&mut self) {
        if self.period > 0 {
            self.home_attacks = self.home_attacks.opposite();
        }
        self.period += 1;
        let centre = self.cfg.court.centre();
        self.emit(
            centre,
            EventKind::PeriodStart {
                home_attacks: self.home_attacks,
            },
        );
        let team = self.next_centre;
        // Play is not filmed between periods: everyone starts on their marks.
        for i in 0..self.people.len() {
            let spot = self.restart_spot(i, team);
            let facing = (centre.y - spot.y).atan2(centre.x - spot.x);
            let p = &mut self.people[i];
            p.mover.pos = spot;
            p.mover.vel = [0.0, 0.0];
            p.mover.facing = facing;
            p.plan = Plan {
                target: spot,
                urgency: 0.0,
                replan_at: 0.0,
                duty: Duty::None,
                free_roam: false,
                mark: spot,
            };
            p.arms = Arms::Down;
        }
        let c = self.player(team, Position::C);
        let hands = chest(
            self.people[c].mover.pos,
            self.people[c].mover.facing,
            self.people[c].spec.height,
        );
        self.ball = Ball::Held {
            by: c,
            since: self.time(),
            release_at: f64::INFINITY,
            caught_at: hands,
            live: false,
            shoot: false,
        };
        let earliest = self.time() + self.rng.random_range(1.0..2.0);
        self.phase = Phase::CentrePass { team, earliest };
        self.rules.new_restart();
    }

    fn end_period(&mut self) {
        let at = crate::simulate::ball::ground(self.ball_position());
        self.close_monitors();
        self.emit(at, EventKind::PeriodEnd { score: self.score });
    }

    /// Where a person stands for a centre pass taken by `team` (umpires: level with the centre).
    fn restart_spot(&mut self, i: usize, centre_team: Team) -> CourtPoint {
        let court = self.cfg.court;
        let (l, w) = (court.length, court.width);
        let third = court.third_length();
        let spec = self.people[i].spec;
        let (team, position) = match spec.role {
            Role::Umpire { side } => {
                let y = match side {
                    Side::Near => -1.3,
                    Side::Far => w + 1.3,
                };
                let x = match side {
                    Side::Near => l / 2.0 - 3.0,
                    Side::Far => l / 2.0 + 3.0,
                };
                return CourtPoint::new(x, y);
            }
            Role::Player { team, position } => (team, position),
        };
        let rng = &mut self.rng;
        let side = if rng.random_bool(0.5) { 1.0 } else { -1.0 };
        let (u, y) = match position {
            Position::C if team == centre_team => (
                l / 2.0 + rng.random_range(-0.15..0.15),
                w / 2.0 + rng.random_range(-0.15..0.15),
            ),
            Position::C => (
                l / 2.0 - rng.random_range(1.2..2.5),
                w / 2.0 + side * rng.random_range(0.8..3.0),
            ),
            Position::GS => (
                2.0 * third + rng.random_range(3.0..4.5),
                w / 2.0 + side * rng.random_range(0.0..2.0),
            ),
            Position::GA => (
                2.0 * third + rng.random_range(0.7..1.5),
                w / 2.0 + side * rng.random_range(1.0..4.0),
            ),
            Position::WA => (
                2.0 * third + rng.random_range(0.7..1.5),
                w / 2.0 + side * rng.random_range(3.5..6.0),
            ),
            Position::WD => (
                third - rng.random_range(0.7..1.5),
                w / 2.0 + side * rng.random_range(3.5..6.0),
            ),
            Position::GD => (
                third - rng.random_range(0.7..1.5),
                w / 2.0 + side * rng.random_range(1.0..4.0),
            ),
            Position::GK => (
                third - rng.random_range(3.0..4.5),
                w / 2.0 + side * rng.random_range(0.0..2.0),
            ),
        };
        let attacking = self.attacking(team);
        let p = from_progress(&court, u, y, attacking);
        Region::new(&court, position, attacking).clamp(&court, p, 0.3)
    }
}

#[cfg(test)]
mod tests;
