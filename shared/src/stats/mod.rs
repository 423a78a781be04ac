//! Statistics from the analysis (`NETBALL.md`, "Statistics"): how far and how fast each
//! player moved, and where they spent their time (heat maps of 1 m cells), from their court
//! positions (`movement`); what each team and player did with the ball, from the match events
//! and the rules' flags (`play`).

mod movement;
mod play;

pub use movement::{HeatMap, Movement, MovementSummary};
pub use play::{MatchStats, PlayerStats, TeamStats, match_stats};
