//! The UI: a Leptos page where the user picks an image and sees what the model finds in it.
//!
//! The model itself runs in a separate wasm binary, the detection worker (`src/bin/worker/`), so
//! this binary stays small (no Burn) and the page stays responsive while the model works. This
//! side decodes the image, sends its pixels to the worker, and draws and lists the results.
//!
//! On native targets this binary is empty: it exists only for wasm32 (see `app/Cargo.toml`).

#[cfg(target_arch = "wasm32")]
mod components;
#[cfg(target_arch = "wasm32")]
mod image;
#[cfg(target_arch = "wasm32")]
mod pages;
#[cfg(target_arch = "wasm32")]
mod state;
#[cfg(target_arch = "wasm32")]
mod worker_client;

#[cfg(target_arch = "wasm32")]
fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(pages::analysis::AnalysisPage);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {}
