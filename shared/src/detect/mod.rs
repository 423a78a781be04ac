//! From frames to detections: letterbox → model → decode → class-aware NMS.

mod detection;
mod detector;
mod kind;
mod letterbox;
mod nms;
mod postprocess;

pub use detection::{BoundingBox, Detection};
pub use detector::{DetectConfig, DetectError, Detector};
pub use kind::ObjectKind;
pub use letterbox::{Letterbox, PreparedInput, letterbox_batch};
pub use nms::non_max_suppression;
pub use postprocess::decode;
