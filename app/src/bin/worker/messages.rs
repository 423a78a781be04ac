//! Posting [`WorkerEvent`]s to the UI and reading its requests.

use netball_app::protocol::{DetectRequest, WorkerEvent};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::DedicatedWorkerGlobalScope;

/// The worker's global scope (`self` in JavaScript).
pub fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

/// Sends an event to the UI as JSON.
pub fn post(event: &WorkerEvent) {
    if let Err(err) = scope().post_message(&JsValue::from_str(&event.to_json())) {
        web_sys::console::error_2(&"the worker could not post a message".into(), &err);
    }
}

/// Reports panics to the UI as well as to the console: a panic aborts the wasm instance, and
/// without this the page would wait forever for an answer.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        post(&WorkerEvent::Error {
            message: format!("the detection worker crashed: {info}"),
        });
    }));
}

/// Splits a request `[header JSON, pixels ArrayBuffer]` (see [`netball_app::protocol`]).
pub fn parse_request(data: JsValue) -> Result<(DetectRequest, Vec<u8>), String> {
    let parts: js_sys::Array = data
        .dyn_into()
        .map_err(|_| "a request must be an array [header, pixels]".to_string())?;
    let header = parts
        .get(0)
        .as_string()
        .ok_or("a request's header must be a JSON string")?;
    let request: DetectRequest =
        serde_json::from_str(&header).map_err(|e| format!("bad request header: {e}"))?;
    let pixels: js_sys::ArrayBuffer = parts
        .get(1)
        .dyn_into()
        .map_err(|_| "a request's pixels must be an ArrayBuffer".to_string())?;
    Ok((request, js_sys::Uint8Array::new(&pixels).to_vec()))
}
