//! YOLOv8 in Burn, written from the architecture: one file per block, each a config and a
//! module, and the weights that fill them.
//!
//! ```text
//! image ─► Backbone (Conv, C2f ×4, SPPF) ─► Neck (PAN: top-down, bottom-up) ─► Head (DFL) ─► [b, 4+nc, anchors]
//! ```

pub mod backbone;
pub mod bottleneck;
pub mod c2f;
pub mod conv;
pub mod cpu;
pub mod file;
pub mod head;
pub mod neck;
pub mod precision;
pub mod scale;
pub mod sppf;
pub mod ultralytics;
pub mod weights;
pub mod yolo;

pub use cpu::CpuYolo;
pub use file::{ModelError, ModelFile, ModelInfo};
pub use precision::Precision;
pub use scale::Scale;
pub use yolo::{YoloV8, YoloV8Config};
