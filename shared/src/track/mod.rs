//! Multi-object tracking.
//!
//! - People: ByteTrack (a Kalman filter per track, two association rounds, high-score
//!   detections first and then the low-score ones that are often occluded people), with optimal
//!   assignment from `pathfinding`; matches are weighed by overlap and by [`Appearance`], so
//!   two people whose boxes coincide keep their tracks by their dresses, and two tracks that
//!   swapped people while they overlapped swap back once their looks are seen clearly; the
//!   letters on bibs ([`crate::bib`]) tell apart players of one team, whose dresses are the
//!   same, and find a lost player again under her id. A track matched again after a few
//!   frames' gap has the gap filled with interpolated boxes ([`fill_gaps`]). At the end of a
//!   run, tracklets of one team and bib position never seen together are joined into one
//!   player, and tracklets without a bib chained where one continues another ([`stitch`]).
//! - The ball ([`BallTracker`]): one constant-velocity Kalman track through false positives and
//!   misses, new tracks confirmed over a few frames, short gaps interpolated, streamed with
//!   memory bounded by the settings rather than the clip.
//! - Teams ([`TeamClassifier`]): each person track's kit colour, sampled from the torso of its
//!   boxes, and a 2-means split of the tracks into two teams.

mod appearance;
mod assign;
mod ball;
mod bib_votes;
mod bytetrack;
mod gaps;
mod kalman;
mod motion;
#[cfg(test)]
mod noise;
mod sample;
mod stitch;
mod team;

pub use appearance::Appearance;
pub use assign::{Assignment, match_by_iou, max_weight_assignment, max_weight_assignment_int};
pub use ball::{BallPoint, BallSource, BallTracker, BallTrackerSettings};
pub use bytetrack::{ByteTrack, ByteTrackSettings, Cues, Relabel, Track};
pub use gaps::fill_gaps;
pub use kalman::BoxKalman;
pub(crate) use motion::Motion;
pub use stitch::{Joins, Presence, Sighting, StitchSettings, Tracklet, stitch};
pub use team::{TeamAssignment, TeamClassifier, TeamLabel, TeamSettings};
