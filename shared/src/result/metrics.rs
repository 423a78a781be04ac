//! How a run went: where the time went and how much memory it took. Measured by the caller
//! (clocks and memory are not readable in every environment `shared` runs in) and stored
//! with the result, so a slow analysis can be explained after the fact.

use serde::{Deserialize, Serialize};

/// One stage of the pipeline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StageMetrics {
    /// `decode`, `preprocess`, `detect`, `track`, `write`, …
    pub stage: String,
    /// Frames (or batches, for `detect`) the stage handled.
    pub items: u64,
    /// Seconds spent working, not waiting on the stages around it.
    pub busy_seconds: f64,
}

impl StageMetrics {
    /// Milliseconds of work per item.
    pub fn ms_per_item(&self) -> f64 {
        if self.items == 0 {
            0.0
        } else {
            self.busy_seconds * 1000.0 / self.items as f64
        }
    }
}

/// The run as a whole.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RunMetrics {
    /// Seconds from opening the video to the last byte written.
    pub wall_seconds: f64,
    /// Frames analysed.
    pub frames: u64,
    /// Frames analysed per second of wall time.
    pub frames_per_second: f64,
    /// Frames whose detection was skipped because they repeat the previous frame exactly.
    pub repeated_frames: u64,
    /// Highest resident memory of the process so far, bytes, where the OS says.
    pub peak_rss_bytes: Option<u64>,
    /// `"pipelined"` or `"baseline"`.
    pub mode: String,
    pub stages: Vec<StageMetrics>,
}
