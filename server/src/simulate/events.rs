//! What happened in a simulated match: the truth that analysis results are scored against.
//! Serialized into the truth file (`docs/truth-format.md`).

use netball_shared::court::{CourtPoint, End, Position};
use serde::{Deserialize, Serialize};

use super::team::Team;

/// One event: when, where (the ball's ground point, or the player's feet for violations), and
/// what.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TruthEvent {
    pub frame: u64,
    /// Seconds from the start of the clip.
    pub time: f64,
    pub period: u8,
    pub at: CourtPoint,
    #[serde(flatten)]
    pub kind: EventKind,
}

/// How a player came to hold the ball.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Gain {
    /// The C takes the ball in the centre circle for a centre pass.
    CentrePass,
    /// Caught a teammate's pass.
    Pass,
    /// Caught an opponent's pass.
    Interception,
    /// Took the ball after a missed shot.
    Rebound,
    /// Picked up a loose ball in play.
    PickUp,
    ThrowIn,
    FreePass,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum ViolationKind {
    /// A player's feet in an area their position may not enter.
    Offside,
    /// Held the ball for more than 3 s.
    ThreeSeconds,
    /// The ball crossed a whole third without being touched in it.
    OverAThird,
    /// Entered the centre third before the centre pass whistle.
    Breaking,
    /// A defender within 0.9 m of the player with the ball for more than 0.5 s.
    Obstruction,
}

impl ViolationKind {
    pub const ALL: [ViolationKind; 5] = [
        ViolationKind::Offside,
        ViolationKind::ThreeSeconds,
        ViolationKind::OverAThird,
        ViolationKind::Breaking,
        ViolationKind::Obstruction,
    ];
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EventKind {
    PeriodStart {
        home_attacks: End,
    },
    PeriodEnd {
        score: [u32; 2],
    },
    /// The whistle for a centre pass; the C holds the ball in the centre circle.
    CentrePass {
        team: Team,
        player: u32,
    },
    /// A player gains the ball. `feed` when a pass is caught inside the catcher's attacking
    /// goal circle.
    Possession {
        team: Team,
        player: u32,
        position: Position,
        gained: Gain,
        feed: bool,
    },
    /// The ball leaves the thrower's hands toward `receiver`.
    Pass {
        team: Team,
        player: u32,
        receiver: u32,
    },
    Shot {
        team: Team,
        player: u32,
        position: Position,
        /// From the shooter's feet to the ring's ground point, metres.
        distance: f32,
    },
    /// The ball passed through the ring.
    Goal {
        team: Team,
        player: u32,
        score: [u32; 2],
    },
    /// The shot hit the ring and bounced out.
    Miss {
        team: Team,
        player: u32,
    },
    /// The ball touched the floor outside the court; `team` touched it last.
    OutOfCourt {
        team: Option<Team>,
        player: Option<u32>,
    },
    /// A rule broken, from `time` to `end`. `injected` when the simulator was told to cause it;
    /// the others arose in play.
    Violation {
        violation: ViolationKind,
        team: Team,
        player: u32,
        end: f64,
        injected: bool,
    },
}
