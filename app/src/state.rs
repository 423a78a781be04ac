//! What the page shows, as plain data: the model's state and the current run's state.

use netball_app::protocol::{Backend, Detection};

/// The detection worker's model.
#[derive(Clone, Debug, PartialEq)]
pub enum ModelState {
    /// Still starting; the text says which step.
    Loading(String),
    Ready(ModelReady),
    /// The worker could not start; nothing can be analysed.
    Failed(String),
}

/// A loaded model and where it runs.
#[derive(Clone, Debug, PartialEq)]
pub struct ModelReady {
    pub backend: Backend,
    pub adapter: Option<String>,
    pub fallback_reason: Option<String>,
    pub classes: Vec<String>,
    pub input_size: u32,
}

/// The analysis of the image the user picked last.
#[derive(Clone, Debug, PartialEq)]
pub enum RunState {
    /// No image yet.
    Idle,
    /// Reading the file into pixels.
    Decoding,
    /// The worker is running the model.
    Running,
    Done {
        detections: Vec<Detection>,
        millis: f64,
    },
    Failed(String),
}

impl RunState {
    /// The `data-status` attribute the browser test waits on.
    pub fn status(&self) -> &'static str {
        match self {
            RunState::Idle => "idle",
            RunState::Decoding | RunState::Running => "running",
            RunState::Done { .. } => "done",
            RunState::Failed(_) => "error",
        }
    }

    pub fn is_busy(&self) -> bool {
        matches!(self, RunState::Decoding | RunState::Running)
    }

    pub fn detections(&self) -> &[Detection] {
        match self {
            RunState::Done { detections, .. } => detections,
            _ => &[],
        }
    }
}
