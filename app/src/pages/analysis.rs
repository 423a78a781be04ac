//! The analysis page: pick an image, see the detections.

use leptos::prelude::*;
use leptos::task::spawn_local;
use netball_app::protocol::{DetectRequest, WorkerEvent};
use web_sys::{File, ImageBitmap};

use crate::components::detection_list::DetectionList;
use crate::components::image_picker::ImagePicker;
use crate::components::model_status::ModelStatus;
use crate::components::result_canvas::ResultCanvas;
use crate::components::run_status::RunStatus;
use crate::image;
use crate::state::{ModelReady, ModelState, RunState};
use crate::worker_client::DetectionWorker;

/// Starts the detection worker and wires its events to the page's state.
#[component]
pub fn AnalysisPage() -> impl IntoView {
    let model = RwSignal::new(ModelState::Loading("starting the worker".into()));
    let run = RwSignal::new(RunState::Idle);
    let image = RwSignal::new_local(None::<ImageBitmap>);

    let worker = StoredValue::new_local(
        match DetectionWorker::spawn(move |event| on_worker_event(event, model, run)) {
            Ok(worker) => Some(worker),
            Err(error) => {
                model.set(ModelState::Failed(error));
                None
            }
        },
    );

    let on_pick = Callback::new(move |file: File| {
        run.set(RunState::Decoding);
        spawn_local(async move {
            let decoded = match image::decode(&file).await {
                Ok(decoded) => decoded,
                Err(error) => return run.set(RunState::Failed(error)),
            };
            image.set(Some(decoded.bitmap.clone()));
            let request = DetectRequest {
                width: decoded.width,
                height: decoded.height,
            };
            let sent = worker.with_value(|worker| match worker {
                Some(worker) => worker.detect(request, &decoded.rgba),
                None => Err("the detection worker is not running".into()),
            });
            run.set(match sent {
                Ok(()) => RunState::Running,
                Err(error) => RunState::Failed(error),
            });
        });
    });

    let ready = move || model.with(|m| matches!(m, ModelState::Ready(_)));
    let picker_disabled = Signal::derive(move || !ready() || run.with(RunState::is_busy));
    let detections = Signal::derive(move || run.with(|r| r.detections().to_vec()));

    view! {
        <main>
            <header>
                <h1>"Netball analysis"</h1>
                <p class="intro">
                    "Finds the people in a photo or video frame and marks each box with the model's "
                    "class and confidence. Everything runs in this browser: the model is downloaded "
                    "once and runs on the GPU through WebGPU when the browser offers it, otherwise "
                    "on the CPU (slower). Your images never leave this device."
                </p>
            </header>
            <section class="controls">
                <ModelStatus model=model />
                <ImagePicker disabled=picker_disabled on_pick=on_pick />
                <RunStatus run=run />
            </section>
            <section class="result">
                <ResultCanvas image=image detections=detections />
                <DetectionList run=run />
            </section>
        </main>
    }
}

/// Applies one worker event to the page's state. An error before the model is ready means the
/// model failed to load; after that it belongs to the current run.
fn on_worker_event(event: WorkerEvent, model: RwSignal<ModelState>, run: RwSignal<RunState>) {
    match event {
        WorkerEvent::Loading { message } => model.set(ModelState::Loading(message)),
        WorkerEvent::Ready {
            backend,
            adapter,
            fallback_reason,
            classes,
            input_size,
        } => model.set(ModelState::Ready(ModelReady {
            backend,
            adapter,
            fallback_reason,
            classes,
            input_size,
        })),
        WorkerEvent::Detections { detections, millis } => {
            run.set(RunState::Done { detections, millis })
        }
        WorkerEvent::Error { message } => {
            if model.with_untracked(|m| matches!(m, ModelState::Ready(_))) {
                run.set(RunState::Failed(message));
            } else {
                model.set(ModelState::Failed(message));
            }
        }
    }
}
