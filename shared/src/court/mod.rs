//! Court geometry in metres: the court's markings, the five playing areas seen from each team,
//! and the positions with the areas they may enter (`NETBALL.md`, "Court" and "Areas and
//! positions"). Offside, the centre pass and "ball over a third" are all questions asked here.
//! The markings, as polylines and as named landmarks, are what calibration matches.
//!
//! Feet, not box centres, decide where a player is: callers pass the ground point projected
//! through the court homography.

mod area;
mod dimensions;
mod markings;
mod position;

pub use area::{Area, AreaSet};
pub use dimensions::{CourtDimensions, CourtPoint, DimensionsError, End};
pub use markings::{Landmark, Side, UnknownLandmark, markings};
pub use position::{Position, UnknownPosition};
