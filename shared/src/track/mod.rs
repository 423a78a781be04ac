//! Multi-object tracking: ByteTrack for people (a Kalman filter per track, two association
//! rounds, high-score detections first and then the low-score ones that are often occluded
//! people), with optimal assignment from `pathfinding`.

mod assign;
mod bytetrack;
mod kalman;

pub use assign::{Assignment, match_by_iou};
pub use bytetrack::{ByteTrack, ByteTrackSettings, Track};
pub use kalman::BoxKalman;
