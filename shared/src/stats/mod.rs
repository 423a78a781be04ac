//! Statistics from the analysis (`NETBALL.md`, "Statistics"). So far: how far and how fast each
//! player moved, and where they spent their time (heat maps of 1 m cells), from their court
//! positions.

mod movement;

pub use movement::{HeatMap, Movement, MovementSummary};
