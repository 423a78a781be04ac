//! Where the model stands: loading, ready on which backend, or failed.

use leptos::prelude::*;

use crate::state::{ModelReady, ModelState};

/// Shows the model's state. Once ready, `#backend` holds `webgpu` or `cpu` (with the adapter's
/// name in `data-adapter` when known): the browser test reads it.
#[component]
pub fn ModelStatus(#[prop(into)] model: Signal<ModelState>) -> impl IntoView {
    move || match model.get() {
        ModelState::Loading(step) => view! {
            <p class="status loading">"Loading the model: " {step} "…"</p>
        }
        .into_any(),
        ModelState::Ready(ready) => ready_view(ready).into_any(),
        ModelState::Failed(error) => view! {
            <p class="status error" role="alert">"The model could not be loaded: " {error}</p>
        }
        .into_any(),
    }
}

fn ready_view(ready: ModelReady) -> impl IntoView {
    let adapter = ready
        .adapter
        .as_ref()
        .map(|name| format!(" ({name})"))
        .unwrap_or_default();
    let fallback = ready.fallback_reason.map(|reason| {
        view! { <p class="status warning">"WebGPU is not usable, running on the CPU: " {reason}</p> }
    });
    view! {
        <p class="status ready">
            "Model ready on "
            <strong id="backend" data-adapter=ready.adapter>{ready.backend.as_str()}</strong>
            {adapter}
            ". Classes: " {ready.classes.join(", ")}
            "; input " {ready.input_size} " px."
        </p>
        {fallback}
    }
}
