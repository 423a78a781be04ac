//! Statistics from the analysis (`NETBALL.md`, "Statistics"). So far: how far and how fast each
//! player moved, from their court positions.

mod movement;

pub use movement::{Movement, MovementSummary};
