//! The analysis result: what one run over one video found, in a versioned document that the
//! server writes, the browser caches and shows, and `netball eval` scores.
//!
//! The document (format `docs/result-format.md`) is a header, then one [`FrameResult`] per
//! analysed frame, then what is known only at the end: the ball's path (interpolation needs
//! the frames after a gap), the track summaries with their teams, the rules' flags, the
//! match events, the team and player statistics, and the run's metrics.
//! Writers stream the frames, so a whole match never has to sit in memory.

mod metrics;
mod tracks;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use metrics::{RunMetrics, StageMetrics};
pub use tracks::{TrackSummaries, TrackSummary};

use crate::DetectConfig;
use crate::Detection;
use crate::camera::FrameCalibration;
use crate::events::{Event, EventSettings};
use crate::rules::{Flag, Role, RuleSettings};
use crate::stats::MatchStats;
use crate::track::{
    BallPoint, BallTrackerSettings, ByteTrackSettings, StitchSettings, TeamAssignment,
    TeamSettings, Track,
};

/// `format` of every result document.
pub const FORMAT: &str = "netball-analysis";
/// Raised whenever a field is removed or renamed or changes meaning.
pub const VERSION: u32 = 1;

/// Everything known before the first frame.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ResultHeader {
    pub format: String,
    pub version: u32,
    pub video: VideoInfo,
    pub detector: DetectorInfo,
    pub settings: AnalysisSettings,
}

impl ResultHeader {
    pub fn new(video: VideoInfo, detector: DetectorInfo, settings: AnalysisSettings) -> Self {
        Self {
            format: FORMAT.into(),
            version: VERSION,
            video,
            detector,
            settings,
        }
    }
}

/// The analysed video. Boxes everywhere in the result are in its pixels.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VideoInfo {
    /// The file name only (never a path: results are shared).
    pub name: String,
    pub width: u32,
    pub height: u32,
    /// Nominal frames per second.
    pub fps: f64,
    /// Seconds, when the container says.
    pub duration: Option<f64>,
}

/// Where the detections came from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", tag = "kind")]
pub enum DetectorInfo {
    /// A YOLOv8 model.
    Model {
        name: String,
        classes: Vec<String>,
        input_size: u32,
        /// Frames per model call, at most.
        batch: usize,
    },
    /// Boxes read from a simulator truth file and degraded on purpose: the standard way to
    /// measure a tracker apart from its detector.
    Oracle {
        classes: Vec<String>,
        /// Share of objects dropped per frame.
        miss_rate: f64,
        /// Standard deviation of the noise on each box edge, pixels.
        noise_px: f64,
        /// Mean false detections per frame.
        false_positives: f64,
        seed: u64,
    },
}

impl DetectorInfo {
    pub fn classes(&self) -> &[String] {
        match self {
            DetectorInfo::Model { classes, .. } | DetectorInfo::Oracle { classes, .. } => classes,
        }
    }
}

/// The settings that shape the result: with the video and the detector they key the cache.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AnalysisSettings {
    /// Every `stride`-th frame is analysed.
    pub stride: u32,
    /// Seconds into the video where analysis starts and ends.
    pub start: Option<f64>,
    pub end: Option<f64>,
    pub detect: DetectConfig,
    pub people: ByteTrackSettings,
    pub ball: BallTrackerSettings,
    pub teams: TeamSettings,
    /// The camera's floor map, which puts each track's feet on the court; `None` leaves the
    /// tracks in pixels only.
    #[serde(default)]
    pub calibration: Option<FrameCalibration>,
    /// How far beyond her box's bottom edge, away from the camera, a player's court position
    /// is taken, metres: the edge shows the front of her feet. On the
    /// simulator's clips 0.25 m takes the feet's median distance from the truth from 0.21-0.31
    /// m to about 0.1 m. Results written before it existed used none.
    #[serde(default)]
    pub feet_depth_m: f32,
    /// Roles set by hand, by track id: the rules check the tracks that have one (and only
    /// with a calibration) until positions are read from the bibs.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub roles: BTreeMap<u32, Role>,
    #[serde(default)]
    pub rules: RuleSettings,
    /// Read the position letters on bibs (the bundled [`crate::bib::BibModel`]) and let them
    /// keep players' identities.
    #[serde(default)]
    pub read_bibs: bool,
    /// Frames the analysis holds its tracks back before writing them, so that an identity
    /// the tracker corrects later (two players who swapped tracks while they overlapped, a
    /// lost player found again by her bib) is corrected in the frames it concerns too.
    #[serde(default)]
    pub identity_lag: u32,
    /// How tracklets of one player are joined at the end of the run.
    #[serde(default)]
    pub stitch: StitchSettings,
    #[serde(default)]
    pub events: EventSettings,
}

/// One analysed frame.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FrameResult {
    /// Frame number in the video, from 0.
    pub frame: u64,
    /// Seconds from the start of the video.
    pub time: f64,
    pub detections: Vec<Detection>,
    /// People tracked in this frame (ByteTrack's filtered boxes and ids).
    pub tracks: Vec<Track>,
}

/// What is known once every frame has been seen.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ResultSummary {
    /// The ball, at most one point a frame, detected or interpolated.
    pub ball: Vec<BallPoint>,
    pub tracks: Vec<TrackSummary>,
    pub teams: TeamAssignment,
    /// Rules broken, in time order.
    pub flags: Vec<Flag>,
    /// Possessions, passes, shots, goals and misses, in time order.
    pub events: Vec<Event>,
    /// Each team's and player's numbers from the events and flags.
    pub stats: MatchStats,
    pub metrics: RunMetrics,
}

/// The whole document, for readers that load it at once (evaluation, tests, the browser).
/// The fields after `frames` are a [`ResultSummary`]'s, spelled out: serde's `flatten` would
/// lose the integer keys of `teams.teams`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AnalysisResult {
    pub header: ResultHeader,
    pub frames: Vec<FrameResult>,
    pub ball: Vec<BallPoint>,
    pub tracks: Vec<TrackSummary>,
    pub teams: TeamAssignment,
    #[serde(default)]
    pub flags: Vec<Flag>,
    #[serde(default)]
    pub events: Vec<Event>,
    #[serde(default)]
    pub stats: MatchStats,
    pub metrics: RunMetrics,
}

/// Why a document is not a result this version reads.
#[derive(Debug, thiserror::Error)]
pub enum ResultError {
    #[error("not an analysis result: {0}")]
    Json(#[from] serde_json::Error),
    #[error("not an analysis result (format `{0}`, expected `{FORMAT}`)")]
    Format(String),
    #[error("result version {0} is not supported (this build reads version {VERSION})")]
    Version(u32),
}

impl AnalysisResult {
    /// Parses a result document and checks its format and version.
    pub fn from_json(bytes: &[u8]) -> Result<Self, ResultError> {
        let result: AnalysisResult = serde_json::from_slice(bytes)?;
        if result.header.format != FORMAT {
            return Err(ResultError::Format(result.header.format));
        }
        if result.header.version != VERSION {
            return Err(ResultError::Version(result.header.version));
        }
        Ok(result)
    }
}
