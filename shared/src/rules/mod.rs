//! Netball's rules, checked on where the players' feet were and who held the ball
//! (`NETBALL.md`, "Rules the system checks"). Each rule is a plain function from court tracks
//! (offside) or possessions (three seconds) to [`Flag`]s, so the browser and the server flag
//! the same things; every number `NETBALL.md` calls a setting is a field of
//! the rule's settings.

mod offside;
mod three_seconds;

use serde::{Deserialize, Serialize};

use crate::court::{CourtPoint, End, Position};

pub use offside::{OffsideSettings, OffsideWatch, offside};
pub use three_seconds::{ThreeSecondsSettings, three_seconds};

/// Where a player's feet were on one analysed frame: the ground point of her box, through the
/// court homography.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Footing {
    pub frame: u64,
    /// Seconds from the start of the video.
    pub time: f64,
    pub at: CourtPoint,
}

/// What a player may do where: her position, and the end her team attacks (which changes only
/// between periods).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Role {
    pub position: Position,
    pub attacking: End,
}

/// A player whose role is known, and where her feet were.
#[derive(Clone, Copy, Debug)]
pub struct PlayerTrack<'a> {
    pub track: u32,
    pub role: Role,
    /// In time order.
    pub feet: &'a [Footing],
}

/// The rules' settings (`NETBALL.md` names each number that is one).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RuleSettings {
    pub offside: OffsideSettings,
    #[serde(default)]
    pub three_seconds: ThreeSecondsSettings,
}

/// Which rule a flag is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    Offside,
    ThreeSeconds,
}

/// A rule broken: when, by whom, where, and the frames that show it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Flag {
    pub rule: Rule,
    /// The first frame that shows it, and its time in seconds.
    pub frame: u64,
    pub time: f64,
    /// Seconds from the first frame that shows it to the last.
    pub duration: f64,
    /// The players' track ids.
    pub players: Vec<u32>,
    /// The evidence: each frame that shows it, with the court point that does (a player's feet).
    pub evidence: Vec<Footing>,
}
