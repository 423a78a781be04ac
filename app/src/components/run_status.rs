//! What happened to the image the user picked last.

use leptos::prelude::*;

use crate::state::RunState;

/// One line: waiting, working, the result with its inference time, or the error.
#[component]
pub fn RunStatus(#[prop(into)] run: Signal<RunState>) -> impl IntoView {
    let text = move || match run.get() {
        RunState::Idle => "Pick an image to analyse.".to_string(),
        RunState::Decoding => "Reading the image…".to_string(),
        RunState::Running => {
            "Detecting… (on the CPU a large model can take a minute or more)".to_string()
        }
        RunState::Done { detections, millis } => format!(
            "Found {} object{} in {:.0} ms.",
            detections.len(),
            if detections.len() == 1 { "" } else { "s" },
            millis
        ),
        RunState::Failed(error) => format!("Error: {error}"),
    };
    let class = move || match run.get() {
        RunState::Failed(_) => "status error",
        RunState::Done { .. } => "status ready",
        RunState::Idle => "status",
        RunState::Decoding | RunState::Running => "status loading",
    };
    view! {
        <p id="run-status" class=class role="status" aria-live="polite">{text}</p>
    }
}
