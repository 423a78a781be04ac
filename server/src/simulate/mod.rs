//! A netball match simulator that renders video with exact ground truth.
//!
//! No labelled netball footage is reachable from this project's machines, so accuracy claims
//! (detection, tracking, events, rules) are measured on clips whose truth is known by
//! construction, and the bundled model's training data comes from here too.
//!
//! - [`team`]: who is on court: kits, builds, speeds.
//! - [`motion`]: bounded speed and acceleration, and the part of the court a position may use.
//! - [`ball`]: the ball's flight and bounces.
//! - [`play`]: the match engine (tactics, ball play, rules and their violations).
//! - [`camera_rig`]: the camera's pose (side line, behind a goal, panning) and lens.
//! - [`render`]: drawing frames, and the pixel boxes of what was drawn.
//! - [`events`]: the events and violations written into the truth.
//! - [`truth`]: the truth file (versioned JSON, streamed) and MOTChallenge `gt.txt`.
//! - [`clip`]: match, camera and renderer stepped together, frame by frame.
//! - [`dataset`]: a YOLO training set from many seeds, views and looks.
//! - `encode` and `output` (feature `video`): H.264 through FFmpeg, streamed with the truth.

pub mod ball;
pub mod camera_rig;
pub mod clip;
pub mod dataset;
#[cfg(feature = "video")]
pub mod encode;
pub mod events;
pub mod motion;
#[cfg(feature = "video")]
pub mod output;
pub mod play;
pub mod render;
pub mod team;
pub mod truth;
