//! League tables (`NETBALL.md`, "Standings"): fixtures in, one ranked table per category out.
//!
//! - [`parse_fixtures`] reads the fixtures CSV (`home_team,away_team,home_score,away_score,
//!   category,date`), saying which line is wrong and why.
//! - [`standings`] counts the played games (win, draw and loss points are settings) and ranks
//!   each category by points, then by the tie-breaks in order: by default goal average (goals
//!   for / goals against, infinite with none against), goal difference, goals for; head-to-head
//!   can be put anywhere in that list. Teams level on everything share a position.

mod fixture;
mod table;

pub use fixture::{Fixture, FixtureError, RowProblem, Score, parse_fixtures};
pub use table::{GoalAverage, Points, Row, StandingsSettings, Table, TieBreak, standings};
