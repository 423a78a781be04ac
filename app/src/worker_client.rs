//! The UI's handle on the detection worker.

use netball_app::js::error_text;
use netball_app::protocol::{DetectRequest, WorkerEvent};
use wasm_bindgen::prelude::*;
use web_sys::{ErrorEvent, MessageEvent, Worker};

/// Trunk's loader for the `worker` binary (`data-loader-shim` in `index.html`); relative, so the
/// app works under any path prefix.
const WORKER_URL: &str = "./worker_loader.js";

/// A running detection worker. Dropping it stops the worker.
pub struct DetectionWorker {
    worker: Worker,
    // Kept so the JavaScript callbacks stay valid as long as the worker can call them.
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(ErrorEvent)>,
}

impl DetectionWorker {
    /// Starts the worker; every event it sends, and every failure to talk to it, reaches
    /// `on_event`.
    pub fn spawn(on_event: impl Fn(WorkerEvent) + Clone + 'static) -> Result<Self, String> {
        let worker = Worker::new(WORKER_URL)
            .map_err(|e| format!("could not start the detection worker: {}", error_text(&e)))?;

        let on_message = {
            let on_event = on_event.clone();
            Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
                on_event(parse_event(event.data()));
            })
        };
        // Fires when the worker script fails to load or throws outside Rust's panic hook.
        let on_error = Closure::<dyn FnMut(ErrorEvent)>::new(move |event: ErrorEvent| {
            on_event(WorkerEvent::Error {
                message: format!("the detection worker failed: {}", event.message()),
            });
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(Self {
            worker,
            _on_message: on_message,
            _on_error: on_error,
        })
    }

    /// Sends an image for detection; the answer arrives as a `Detections` or `Error` event.
    /// The pixel buffer is transferred, so `rgba` is empty (detached) afterwards.
    pub fn detect(&self, request: DetectRequest, rgba: &js_sys::ArrayBuffer) -> Result<(), String> {
        let header = serde_json::to_string(&request).map_err(|e| e.to_string())?;
        let message = js_sys::Array::of2(&JsValue::from_str(&header), rgba);
        self.worker
            .post_message_with_transfer(&message, &js_sys::Array::of1(rgba))
            .map_err(|e| format!("could not send the image to the worker: {}", error_text(&e)))
    }
}

impl Drop for DetectionWorker {
    fn drop(&mut self) {
        self.worker.terminate();
    }
}

fn parse_event(data: JsValue) -> WorkerEvent {
    let Some(json) = data.as_string() else {
        return WorkerEvent::Error {
            message: "the detection worker sent a message that is not text".into(),
        };
    };
    WorkerEvent::from_json(&json).unwrap_or_else(|e| WorkerEvent::Error {
        message: format!("the detection worker sent an unreadable message: {e}"),
    })
}
