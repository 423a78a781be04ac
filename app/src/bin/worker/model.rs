//! Loading the model and answering detection requests.

use netball_app::js::error_text;
use netball_app::protocol::{self, WorkerEvent};
use netball_shared::{DetectConfig, Detector, Frame, ModelFile};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::{device, messages};

/// Where the server puts the model, relative to the worker script (so the app works under any
/// path prefix).
const MODEL_URL: &str = "models/default.bpk";

/// Fetches the model, chooses the device and builds the detector. Returns it with the `Ready`
/// event for the UI; errors are messages for the user.
pub async fn load() -> Result<(Detector, WorkerEvent), String> {
    messages::post(&WorkerEvent::Loading {
        message: format!("downloading the model ({MODEL_URL})"),
    });
    let bytes = fetch_bytes(MODEL_URL).await?;
    let file = ModelFile::from_bytes(bytes)
        .map_err(|e| format!("{MODEL_URL} is not a valid model file: {e}"))?;

    messages::post(&WorkerEvent::Loading {
        message: "choosing a device (WebGPU or CPU)".into(),
    });
    let chosen = device::choose().await;

    messages::post(&WorkerEvent::Loading {
        message: format!("loading the model onto {}", chosen.backend.as_str()),
    });
    let info = file.info().clone();
    let detector = Detector::new(file, chosen.device, DetectConfig::default())
        .map_err(|e| format!("loading the model failed: {e}"))?;
    let ready = WorkerEvent::Ready {
        backend: chosen.backend,
        adapter: chosen.adapter,
        fallback_reason: chosen.fallback_reason,
        classes: info.classes,
        input_size: info.input_size,
    };
    Ok((detector, ready))
}

/// Runs the detector on one request and turns the outcome into the reply.
pub async fn answer(detector: &Detector, data: JsValue) -> WorkerEvent {
    match detect(detector, data).await {
        Ok((detections, millis)) => WorkerEvent::Detections { detections, millis },
        Err(message) => WorkerEvent::Error { message },
    }
}

async fn detect(
    detector: &Detector,
    data: JsValue,
) -> Result<(Vec<protocol::Detection>, f64), String> {
    let (request, rgba) = messages::parse_request(data)?;
    let frame = Frame::from_rgba(request.width, request.height, &rgba)
        .map_err(|e| format!("bad image: {e}"))?;
    let started = now();
    let mut per_frame = detector
        .detect(std::slice::from_ref(&frame))
        .await
        .map_err(|e| format!("detection failed: {e}"))?;
    let millis = now() - started;
    let detections = per_frame.pop().unwrap_or_default();
    Ok((detections.into_iter().map(to_wire).collect(), millis))
}

/// The shared type in its wire form (see [`netball_app::protocol`] for why there are two).
fn to_wire(d: netball_shared::Detection) -> protocol::Detection {
    let b = d.bbox;
    protocol::Detection {
        bbox: protocol::BoundingBox {
            x1: b.x1,
            y1: b.y1,
            x2: b.x2,
            y2: b.y2,
        },
        score: d.score,
        class_id: d.class_id,
        label: d.label,
    }
}

async fn fetch_bytes(url: &str) -> Result<Vec<u8>, String> {
    let response: web_sys::Response = JsFuture::from(messages::scope().fetch_with_str(url))
        .await
        .map_err(|e| format!("fetching {url} failed: {}", error_text(&e)))?
        .unchecked_into();
    if !response.ok() {
        return Err(format!(
            "fetching {url} failed: HTTP {} {}",
            response.status(),
            response.status_text()
        ));
    }
    let body = response
        .array_buffer()
        .map_err(|e| format!("reading {url} failed: {}", error_text(&e)))?;
    let buffer = JsFuture::from(body)
        .await
        .map_err(|e| format!("reading {url} failed: {}", error_text(&e)))?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// Milliseconds from the worker's high-resolution clock.
fn now() -> f64 {
    messages::scope()
        .performance()
        .map(|p| p.now())
        .unwrap_or_default()
}
