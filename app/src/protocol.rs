//! The UI ⇄ worker protocol.
//!
//! Control messages travel as JSON strings: serde on both ends, nothing hand-built in JavaScript.
//! Image pixels are the exception: they are large, so the UI sends them as a separate
//! `ArrayBuffer` that it transfers (moves, not copies) to the worker. A request is therefore the
//! two-element array `[header JSON, pixels ArrayBuffer]`; see [`DetectRequest`].
//!
//! Nothing here depends on `netball-shared`: whatever the UI links, it links with all of Burn's
//! start-up registrations (several MB of wasm), so the UI uses the wire forms [`Detection`] and
//! [`BoundingBox`] below instead of the shared types. They serialise to the same JSON (a test
//! checks it), so the page's JSON is exactly what the server would write.

use serde::{Deserialize, Serialize};

/// The wire form of `netball_shared::Detection`: one detected object, in image pixels.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Detection {
    pub bbox: BoundingBox,
    /// Class probability of the best class, 0..1.
    pub score: f32,
    pub class_id: usize,
    pub label: String,
}

/// The wire form of `netball_shared::BoundingBox`: corners in pixels, `x1 <= x2`, `y1 <= y2`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct BoundingBox {
    pub x1: f32,
    pub y1: f32,
    pub x2: f32,
    pub y2: f32,
}

impl BoundingBox {
    pub fn width(&self) -> f32 {
        (self.x2 - self.x1).max(0.0)
    }

    pub fn height(&self) -> f32 {
        (self.y2 - self.y1).max(0.0)
    }
}

/// The header of a detection request; the RGBA pixels (`width * height * 4` bytes, rows top to
/// bottom, as a canvas's `getImageData` returns them) follow as the request's second element.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DetectRequest {
    pub width: u32,
    pub height: u32,
}

/// Where the model runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    /// Burn's wgpu runtime on the browser's WebGPU.
    WebGpu,
    /// Burn's Flex CPU backend, compiled to wasm: works everywhere, much slower.
    Cpu,
}

impl Backend {
    /// The name the page shows and the browser test reads (`webgpu` or `cpu`).
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::WebGpu => "webgpu",
            Backend::Cpu => "cpu",
        }
    }
}

/// What the worker tells the UI.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum WorkerEvent {
    /// Progress while the model loads, for the status line.
    Loading { message: String },
    /// The model is loaded and the worker accepts requests.
    Ready {
        backend: Backend,
        /// The WebGPU adapter's name, when the browser tells it.
        adapter: Option<String>,
        /// Why WebGPU was not used although the browser offered an adapter.
        fallback_reason: Option<String>,
        classes: Vec<String>,
        input_size: u32,
    },
    /// The answer to one [`DetectRequest`].
    Detections {
        detections: Vec<Detection>,
        /// Time spent in the detector (preprocessing, model, readback, NMS).
        millis: f64,
    },
    /// Anything that went wrong, as text for the user: loading, a request, or a panic.
    Error { message: String },
}

impl WorkerEvent {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("worker events always serialise")
    }

    pub fn from_json(json: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(json)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_round_trip_through_json() {
        let events = [
            WorkerEvent::Ready {
                backend: Backend::WebGpu,
                adapter: Some("SwiftShader".into()),
                fallback_reason: None,
                classes: vec!["Normal".into(), "Fall".into()],
                input_size: 640,
            },
            WorkerEvent::Detections {
                detections: vec![Detection {
                    bbox: BoundingBox {
                        x1: 1.0,
                        y1: 2.0,
                        x2: 3.0,
                        y2: 4.0,
                    },
                    score: 0.5,
                    class_id: 1,
                    label: "Fall".into(),
                }],
                millis: 12.5,
            },
            WorkerEvent::Error {
                message: "boom".into(),
            },
        ];
        for event in events {
            assert_eq!(WorkerEvent::from_json(&event.to_json()).unwrap(), event);
        }
    }

    /// The page's JSON must be the shared types' JSON: the browser test and any consumer parse
    /// it as `Vec<netball_shared::Detection>`.
    #[test]
    fn wire_detections_serialise_like_the_shared_type() {
        let shared = netball_shared::Detection {
            bbox: netball_shared::BoundingBox {
                x1: 1.5,
                y1: 2.25,
                x2: 30.0,
                y2: 40.125,
            },
            score: 0.875,
            class_id: 1,
            label: "Fall".into(),
        };
        let json = serde_json::to_string(&shared).unwrap();
        let wire: Detection = serde_json::from_str(&json).unwrap();
        assert_eq!(serde_json::to_string(&wire).unwrap(), json);
    }

    #[test]
    fn backend_names_match_the_page() {
        assert_eq!(Backend::WebGpu.as_str(), "webgpu");
        assert_eq!(Backend::Cpu.as_str(), "cpu");
        assert_eq!(serde_json::to_string(&Backend::Cpu).unwrap(), "\"cpu\"");
    }
}
