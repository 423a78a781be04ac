//! Small helpers for JavaScript values.

use wasm_bindgen::{JsCast, JsValue};

/// A thrown JavaScript value as text for the user: an `Error`'s message, a string as is, anything
/// else in its debug form.
pub fn error_text(error: &JsValue) -> String {
    error
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| error.as_string())
        .unwrap_or_else(|| format!("{error:?}"))
}
