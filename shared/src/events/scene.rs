//! What the event detection needs of each analysed frame, kept small: the people's boxes and
//! the rings' boxes. The ball comes separately, as the ball tracker's finished path.

use serde::{Deserialize, Serialize};

use crate::BoundingBox;
use crate::court::{CourtPoint, Position};
use crate::track::{TeamLabel, Track};

/// One tracked person in one frame.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScenePlayer {
    pub track: u32,
    pub bbox: BoundingBox,
    /// Her feet on the court, when the camera is calibrated.
    pub court: Option<CourtPoint>,
    /// The position her bib was read as, once it was.
    pub position: Option<Position>,
    /// The kit her box showed in this frame, where it clearly showed one (a box half hidden
    /// behind someone shows both): what tells that a track has moved to a player of the other
    /// team.
    #[serde(default)]
    pub kit: Option<TeamLabel>,
}

impl From<&Track> for ScenePlayer {
    fn from(t: &Track) -> Self {
        Self {
            track: t.id,
            bbox: t.bbox,
            court: t.court,
            position: t.position,
            kit: None,
        }
    }
}

/// One analysed frame.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Scene {
    pub frame: u64,
    /// Seconds from the start of the video.
    pub time: f64,
    pub players: Vec<ScenePlayer>,
    /// The rings detected in this frame (none in most frames of some detectors).
    pub rings: Vec<BoundingBox>,
}

impl Scene {
    pub fn player(&self, track: u32) -> Option<&ScenePlayer> {
        self.players.iter().find(|p| p.track == track)
    }
}
