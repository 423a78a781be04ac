//! Court geometry in metres: the court's markings, the five playing areas seen from each team,
//! and the positions with the areas they may enter (`NETBALL.md`, "Court" and "Areas and
//! positions"). Offside, the centre pass and "ball over a third" are all questions asked here.
//!
//! Feet, not box centres, decide where a player is: callers pass the ground point projected
//! through the court homography.

mod area;
mod dimensions;
mod position;

pub use area::{Area, AreaSet};
pub use dimensions::{CourtDimensions, CourtPoint, DimensionsError, End};
pub use position::{Position, UnknownPosition};
