//! The netball analysis server: what runs natively around the shared analysis core.
//!
//! - [`device`]: choosing the GPU (Burn's Vulkan backend) or the CPU (Flex) at run time.
//! - [`decode`]: reading images and streaming video frames (FFmpeg).
//! - [`eval`]: detection and tracking metrics (AP, HOTA, IDF1, CLEAR MOT) against a truth.
//! - [`model_import`]: reading Ultralytics checkpoints and the project's model files.
//! - [`annotate`]: drawing detections onto a frame.
//! - [`bibs`]: training and measuring the bib reader on simulated matches.
//! - [`bench`]: a device's agreement with the CPU and its detector throughput.
//! - [`serve`]: the HTTP server that hands the browser app and the model to users.
//! - [`pipeline`] (feature `video`): the analysis of a video, stage by stage on bounded
//!   channels, into the result document and its exports.
//! - [`simulate`]: a netball match simulator that renders video with exact ground truth.

pub mod annotate;
pub mod bench;
pub mod bibs;
pub mod decode;
pub mod device;
pub mod eval;
pub mod model_import;
#[cfg(feature = "video")]
pub mod pipeline;
pub mod serve;
pub mod simulate;
