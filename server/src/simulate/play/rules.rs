//! Violations: causing them on purpose when asked, and watching every player so that each one
//! that happens (asked for or not) is written into the truth with its true start and end.

use netball_shared::court::{Area, CourtPoint, Position};
use rand::Rng;
use rand::seq::IndexedRandom;

use super::tactics::opposite;
use super::{Ball, Duty, Match, MatchConfig, Phase};
use crate::simulate::ball::{Vec3, ground};
use crate::simulate::events::{EventKind, Gain, ViolationKind};
use crate::simulate::motion::{from_progress, progress};

/// An open interval of a violation: since which frame, and whether it was asked for.
#[derive(Clone, Copy, Debug)]
struct Open {
    since: u64,
    injected: bool,
    penalised: bool,
}

pub(super) struct Rules {
    kinds: Vec<ViolationKind>,
    interval: f64,
    next_at: f64,
    /// The violation to cause at the next chance, and since when it waits.
    pending: Option<(ViolationKind, f64)>,
    /// Which players were told to break which rule.
    injected: [Option<ViolationKind>; 14],
    offside: [Option<Open>; 14],
    /// Per defender: too close to the player with the ball.
    obstruction: [Option<Open>; 14],
    obstruction_holder: Option<usize>,
    /// Per player: on their mark, outside the centre third, since the restart began (only then
    /// does entering it count as breaking; before, they are getting into position).
    settled: [bool; 14],
    breaking: [Option<Open>; 14],
    over_a_third: bool,
    /// A whistle coming for an offence by the team with the ball: when, and who holds it.
    whistle: Option<(f64, usize)>,
}

impl Rules {
    pub(super) fn new(cfg: &MatchConfig, rng: &mut impl Rng) -> Self {
        let interval = cfg.violation_interval.max(1.0);
        Self {
            kinds: cfg.violations.clone(),
            interval,
            next_at: interval * rng.random_range(0.3..1.0),
            pending: None,
            injected: [None; 14],
            offside: [None; 14],
            obstruction: [None; 14],
            obstruction_holder: None,
            settled: [false; 14],
            breaking: [None; 14],
            over_a_third: false,
            whistle: None,
        }
    }

    /// Arms the next violation when its time comes; gives up on one that found no chance.
    pub(super) fn inject(&mut self, t: f64, rng: &mut impl Rng) {
        if let Some((_, since)) = self.pending
            && t > since + 30.0
        {
            self.pending = None;
        }
        if self.pending.is_none()
            && t >= self.next_at
            && let Some(&kind) = self.kinds.choose(rng)
        {
            self.pending = Some((kind, t));
            self.next_at = t + self.interval * rng.random_range(0.6..1.4);
        }
    }

    pub(super) fn wants(&self, kind: ViolationKind) -> bool {
        matches!(self.pending, Some((k, _)) if k == kind)
    }

    fn done(&mut self) {
        self.pending = None;
    }

    pub(super) fn new_restart(&mut self) {
        self.settled = [false; 14];
    }
}

impl Match {
    /// Causes the pending violation if the play allows it now.
    fn try_inject(&mut self) {
        let Some((kind, _)) = self.rules.pending else {
            return;
        };
        let t = self.time();
        let (holder, since, shoot) = match self.ball {
            Ball::Held {
                by,
                since,
                live: true,
                shoot,
                ..
            } => (Some(by), since, shoot),
            _ => (None, 0.0, false),
        };
        match kind {
            ViolationKind::Offside => {
                if let Some(h) = holder
                    && t - since < 0.8
                    && let Some((i, point)) = self.offside_candidate(h)
                {
                    self.people[i].plan.duty = Duty::Excursion {
                        point,
                        until: t + self.rng.random_range(0.8..1.4),
                    };
                    self.rules.injected[i] = Some(kind);
                    self.rules.done();
                }
            }
            ViolationKind::ThreeSeconds => {
                if let Some(h) = holder
                    && t - since < 0.5
                    && !shoot
                    && self.phase == Phase::Play
                {
                    if let Ball::Held { release_at, .. } = &mut self.ball {
                        *release_at = f64::INFINITY;
                    }
                    self.rules.injected[h] = Some(kind);
                    self.rules.done();
                }
            }
            ViolationKind::Obstruction => {
                if let Some(h) = holder
                    && t - since < 0.8
                    && !shoot
                {
                    let d = self.player(self.team_of(h).other(), opposite(self.position_of(h)));
                    self.people[d].plan.duty = Duty::Obstruct { until: t + 1.3 };
                    self.rules.injected[d] = Some(kind);
                    if let Ball::Held { release_at, .. } = &mut self.ball {
                        *release_at = release_at.max(t + 1.5).min(since + 2.8);
                    }
                    self.rules.done();
                }
            }
            ViolationKind::Breaking => {
                if let Phase::CentrePass { team, .. } = self.phase {
                    let candidates = [Position::WA, Position::GA, Position::WD, Position::GD];
                    let position = *candidates.choose(&mut self.rng).expect("four positions");
                    let i = self.player(team.other(), position);
                    let plan = &mut self.people[i].plan;
                    plan.duty = Duty::Break;
                    plan.target = plan.mark;
                    self.rules.injected[i] = Some(kind);
                    self.rules.done();
                }
            }
            // A teammate leads just over the far transverse line; the passer takes the long
            // pass when it is on (see `choose_pass`), which marks it done.
            ViolationKind::OverAThird => {
                if let Some(h) = holder
                    && t - since < 1.0
                    && !shoot
                {
                    let court = self.cfg.court;
                    let team = self.team_of(h);
                    let attacking = self.attacking(team);
                    let third = court.third_length();
                    let from = self.people[h].mover.pos;
                    if progress(&court, from, attacking) < third - 0.3 {
                        let target = from_progress(&court, 2.0 * third + 0.8, from.y, attacking);
                        let runner = [Position::GA, Position::WA, Position::C]
                            .into_iter()
                            .map(|p| self.player(team, p))
                            .min_by(|&a, &b| {
                                let d = |i: usize| self.people[i].mover.pos.distance(target);
                                d(a).total_cmp(&d(b))
                            })
                            .expect("three positions");
                        let region = self.region_of(runner);
                        let plan = &mut self.people[runner].plan;
                        plan.duty = Duty::Receive { until: t + 2.6 };
                        plan.target = region.clamp(&court, target, 0.3);
                        plan.urgency = 1.0;
                        if let Ball::Held { release_at, .. } = &mut self.ball {
                            *release_at = since + 2.6;
                        }
                    }
                }
            }
        }
    }

    /// A player near a line they may not cross, and a point 0.5-0.9 m over it.
    fn offside_candidate(&mut self, holder: usize) -> Option<(usize, CourtPoint)> {
        let court = self.cfg.court;
        let mut options = Vec::new();
        for i in self.players() {
            if i == holder || self.people[i].plan.duty != Duty::None {
                continue;
            }
            let team = self.team_of(i);
            let attacking = self.attacking(team);
            let position = self.position_of(i);
            let here = self.people[i].mover.pos;
            let [lo, hi] = self.region_of(i).band();
            let depth = self.rng.random_range(0.5..0.9);
            let mut points = Vec::new();
            if lo > 0.0 {
                points.push(from_progress(&court, lo - depth, here.y, attacking));
            }
            if hi < court.length {
                points.push(from_progress(&court, hi + depth, here.y, attacking));
            }
            for end in [attacking, attacking.opposite()] {
                let c = court.goal_line_midpoint(end);
                let forbidden = court
                    .areas_at(c, attacking)
                    .iter()
                    .all(|a| !position.allowed_areas().contains(a));
                if forbidden {
                    let r = court.goal_circle_radius - depth;
                    let d = here.distance(c).max(1e-3);
                    points.push(CourtPoint::new(
                        c.x + (here.x - c.x) / d * r,
                        c.y + (here.y - c.y) / d * r,
                    ));
                }
            }
            for p in points {
                if court.contains(p)
                    && position.distance_outside_allowed(&court, p, attacking) > 0.3
                    && here.distance(p) < 4.0
                {
                    options.push((here.distance(p), i, p));
                }
            }
        }
        options.sort_by(|a, b| a.0.total_cmp(&b.0));
        options.first().map(|&(_, i, p)| (i, p))
    }

    /// The whistle for a centre pass once the C has the ball and everyone is on their marks.
    pub(super) fn whistle_centre_pass(&mut self) {
        let t = self.time();
        let Phase::CentrePass { team, earliest } = self.phase else {
            return;
        };
        let c = self.player(team, Position::C);
        if !matches!(self.ball, Ball::Held { by, live: false, .. } if by == c) || t < earliest {
            return;
        }
        let court = self.cfg.court;
        let in_centre_third = |m: &Match, i: usize| {
            court
                .areas_at(m.people[i].mover.pos, m.attacking(m.team_of(i)))
                .contains(Area::CentreThird)
        };
        let mut breaker = None;
        for i in self.players() {
            if self.people[i].plan.duty == Duty::Break {
                breaker = Some(i);
                continue;
            }
            let placed = self.people[i].mover.pos.distance(self.people[i].plan.mark) < 1.0
                || t > earliest + 8.0;
            let is_c = self.position_of(i) == Position::C;
            if !placed || (!is_c && in_centre_third(self, i)) {
                return;
            }
        }
        // The breaker goes early; the whistle waits until the break has been seen.
        if let Some(i) = breaker
            && self.rules.breaking[i].is_none()
        {
            // Everyone else is set: the breaker, once on their mark, goes early.
            if self.people[i].mover.pos.distance(self.people[i].plan.mark) < 1.0 {
                let attacking = self.attacking(self.team_of(i));
                let y = self.people[i].mover.pos.y;
                let target = from_progress(&court, court.length / 2.0, y, attacking);
                let region = self.region_of(i);
                let plan = &mut self.people[i].plan;
                plan.target = region.clamp(&court, target, 0.1);
                plan.urgency = 0.9;
            }
            return;
        }
        let player = self.people[c].spec.id;
        let at = self.people[c].mover.pos;
        self.emit(at, EventKind::CentrePass { team, player });
        self.close_breaking();
        self.next_centre = team.other();
        self.phase = Phase::Play;
        self.centre_pass_throw = true;
        let release = t + self.rng.random_range(0.6..2.2);
        self.ball = Ball::Held {
            by: c,
            since: t,
            release_at: release,
            caught_at: self.ball_position(),
            live: true,
            shoot: false,
        };
        let position = Position::C;
        self.emit(
            at,
            EventKind::Possession {
                team,
                player,
                position,
                gained: Gain::CentrePass,
                feed: false,
            },
        );
        for p in &mut self.people {
            p.plan.replan_at = t;
        }
    }

    /// Holding past three seconds: the violation from the third second to the whistle.
    pub(super) fn rules_three_seconds(&mut self, holder: usize, since: f64) {
        let start = ((since + 3.0) * f64::from(self.fps)).ceil() as u64;
        let injected = self.rules.injected[holder] == Some(ViolationKind::ThreeSeconds);
        self.rules.injected[holder] = None;
        self.violation(ViolationKind::ThreeSeconds, holder, start, injected);
        self.award_free_pass(holder);
    }

    /// A catch after a throw that crossed the whole centre third untouched.
    pub(super) fn check_over_a_third(&mut self, catcher: usize, at: Vec3) {
        let Some((from, thrower)) = self.last_release else {
            return;
        };
        self.last_release = None;
        if self.team_of(thrower) != self.team_of(catcher)
            || !self.crosses_a_third(ground(from), ground(at))
        {
            return;
        }
        let injected = std::mem::take(&mut self.rules.over_a_third);
        self.violation(ViolationKind::OverAThird, thrower, self.frame, injected);
        self.blow_whistle(catcher);
    }

    /// The umpire blows a moment after an offence by the team with the ball: the holder then
    /// gives it up for the other team's free pass.
    fn blow_whistle(&mut self, holder: usize) {
        let at = self.time() + 0.4;
        self.rules.whistle = Some((at, holder));
        if let Ball::Held {
            release_at, since, ..
        } = &mut self.ball
        {
            // Never past the three seconds the holder is allowed.
            *release_at = release_at.max(at + 0.1).min(*since + 2.9);
        }
    }

    fn hear_whistle(&mut self) {
        if let Some((at, holder)) = self.rules.whistle
            && self.time() >= at
        {
            self.rules.whistle = None;
            if matches!(self.ball, Ball::Held { by, live: true, .. } if by == holder) {
                self.award_free_pass(holder);
            }
        }
    }

    /// Notes that the passer has taken up a pending "over a third".
    pub(super) fn took_over_a_third(&mut self) {
        self.rules.over_a_third = true;
        self.rules.done();
    }

    fn violation(&mut self, kind: ViolationKind, player: usize, start: u64, injected: bool) {
        let team = self.team_of(player);
        let at = self.people[player].mover.pos;
        let end = self.time();
        let id = self.people[player].spec.id;
        self.emit_at(
            start,
            at,
            EventKind::Violation {
                violation: kind,
                team,
                player: id,
                end,
                injected,
            },
        );
    }

    /// Watches offside and obstruction distance every frame.
    pub(super) fn watch_rules(&mut self) {
        self.hear_whistle();
        self.try_inject();
        let court = self.cfg.court;
        let persistence = (0.25 * f64::from(self.fps)).ceil() as u64;
        for i in self.players() {
            let attacking = self.attacking(self.team_of(i));
            let feet = self.people[i].mover.pos;
            let on_court = CourtPoint::new(
                feet.x.clamp(0.0, court.length),
                feet.y.clamp(0.0, court.width),
            );
            let outside = self
                .position_of(i)
                .distance_outside_allowed(&court, on_court, attacking);
            match (&mut self.rules.offside[i], outside > 1e-3) {
                (None, true) => {
                    self.rules.offside[i] = Some(Open {
                        since: self.frame,
                        injected: self.rules.injected[i] == Some(ViolationKind::Offside),
                        penalised: false,
                    });
                }
                (Some(open), true) => {
                    // The umpire blows once the offside is clear; if the offender's team has the
                    // ball, the other team takes a free pass.
                    if !open.penalised && self.frame >= open.since + persistence {
                        open.penalised = true;
                        if let Ball::Held { by, live: true, .. } = self.ball
                            && self.team_of(by) == self.team_of(i)
                        {
                            self.blow_whistle(by);
                        }
                    }
                }
                (Some(open), false) => {
                    let open = *open;
                    self.rules.offside[i] = None;
                    self.rules.injected[i] = None;
                    self.violation(ViolationKind::Offside, i, open.since, open.injected);
                }
                (None, false) => {}
            }
            if let Phase::CentrePass { .. } = self.phase {
                let inside = court.areas_at(feet, attacking).contains(Area::CentreThird);
                if !inside {
                    // Set once on their mark: from then on, entering the centre third is a break.
                    if feet.distance(self.people[i].plan.mark) < 1.0 {
                        self.rules.settled[i] = true;
                    }
                    if let Some(open) = self.rules.breaking[i].take() {
                        self.violation(ViolationKind::Breaking, i, open.since, open.injected);
                    }
                } else if self.rules.settled[i]
                    && self.position_of(i) != Position::C
                    && self.rules.breaking[i].is_none()
                {
                    self.rules.breaking[i] = Some(Open {
                        since: self.frame,
                        injected: self.rules.injected[i] == Some(ViolationKind::Breaking),
                        penalised: false,
                    });
                }
            }
        }
        self.watch_obstruction();
    }

    fn watch_obstruction(&mut self) {
        let holder = match self.ball {
            Ball::Held { by, live: true, .. } => Some(by),
            _ => None,
        };
        if holder != self.rules.obstruction_holder {
            self.close_obstruction();
            self.rules.obstruction_holder = holder;
        }
        let Some(h) = holder else {
            return;
        };
        let feet = self.people[h].mover.pos;
        for d in self.players() {
            if self.team_of(d) == self.team_of(h) {
                continue;
            }
            let close = self.people[d].mover.pos.distance(feet) < 0.9;
            match (self.rules.obstruction[d], close) {
                (None, true) => {
                    self.rules.obstruction[d] = Some(Open {
                        since: self.frame,
                        injected: self.rules.injected[d] == Some(ViolationKind::Obstruction),
                        penalised: false,
                    });
                }
                (Some(open), false) => {
                    self.rules.obstruction[d] = None;
                    self.report_obstruction(d, open);
                }
                _ => {}
            }
        }
    }

    /// Obstruction counts once the defender has been too close for 0.5 s.
    fn report_obstruction(&mut self, d: usize, open: Open) {
        if self.frame >= open.since + (0.5 * f64::from(self.fps)).ceil() as u64 {
            if self.rules.injected[d] == Some(ViolationKind::Obstruction) {
                self.rules.injected[d] = None;
            }
            self.violation(ViolationKind::Obstruction, d, open.since, open.injected);
        }
    }

    fn close_obstruction(&mut self) {
        for d in 0..14 {
            if let Some(open) = self.rules.obstruction[d].take() {
                self.report_obstruction(d, open);
            }
        }
    }

    fn close_breaking(&mut self) {
        for i in 0..14 {
            if let Some(open) = self.rules.breaking[i].take() {
                self.rules.injected[i] = None;
                self.violation(ViolationKind::Breaking, i, open.since, open.injected);
            }
        }
    }

    /// Ends every open interval (the end of a period).
    pub(super) fn close_monitors(&mut self) {
        for i in 0..14 {
            if let Some(open) = self.rules.offside[i].take() {
                self.violation(ViolationKind::Offside, i, open.since, open.injected);
            }
        }
        self.close_obstruction();
        self.close_breaking();
        self.rules.injected = [None; 14];
    }
}
