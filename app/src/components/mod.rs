//! The page's building blocks. Each takes signals and renders one part of the page.

pub mod detection_list;
pub mod image_picker;
pub mod model_status;
pub mod result_canvas;
pub mod run_status;
