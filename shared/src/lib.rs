//! The analysis core shared by the server and the browser.
//!
//! Everything here compiles for native targets and for `wasm32-unknown-unknown`: no file or
//! network I/O, no threads, no clocks. Callers hand in bytes and frames and get typed results.
//!
//! - [`model`]: YOLOv8 (n/s/m/l/x) written as Burn modules, and its weights (Ultralytics
//!   checkpoints, the project's own model file).
//! - [`detect`]: letterbox preprocessing, box decoding, class-aware NMS and the [`Detector`]
//!   that ties them to a model on any Burn device.
//! - [`frame`]: the RGB image type every stage takes.
//! - [`camera`]: a pinhole camera and the floor homography between court metres and pixels.
//! - [`court`]: court geometry in metres, the playing areas and the positions' allowed areas.
//! - [`track`]: ByteTrack for people (Kalman filter, two association rounds, optimal matching),
//!   the ball tracker and team assignment by kit colour.
//! - [`result`]: the versioned analysis result and the run's metrics.
//! - [`standings`]: league tables from a fixtures list, with the tie-break order as a setting.
//! - [`stats`]: statistics; so far each player's distance and speeds from court positions.

pub mod bib;
pub mod camera;
pub mod court;
pub mod detect;
pub mod events;
pub mod frame;
pub mod model;
pub mod result;
pub mod rules;
pub mod standings;
pub mod stats;
pub mod track;

pub use detect::{BoundingBox, DetectConfig, Detection, Detector, ObjectKind};
pub use frame::Frame;
pub use model::{CpuYolo, ModelFile, ModelInfo, Scale, YoloV8};
