//! The app's pages. There is one so far.

pub mod analysis;
