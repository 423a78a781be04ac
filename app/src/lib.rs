//! The browser app's shared pieces, used by both of its wasm binaries: the UI (`src/main.rs`) and
//! the detection worker (`src/bin/worker/`).
//!
//! The two binaries can only talk through `postMessage`, so the message types live here, in one
//! place, and both sides agree on them at compile time.

#[cfg(target_arch = "wasm32")]
pub mod js;
pub mod protocol;
