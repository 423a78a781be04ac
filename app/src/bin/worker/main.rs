//! The detection worker: a Web Worker that owns the model.
//!
//! Burn runs here rather than in the UI so that neither loading a 20-40 MB model nor a slow CPU
//! inference can freeze the page. On start the worker fetches `models/default.bpk` (relative to its
//! own URL), picks a device (WebGPU when the browser offers an adapter, else Burn's Flex CPU
//! backend), builds one [`netball_shared::Detector`] and keeps it for every later request. It
//! reports progress, the chosen backend and every error to the UI as
//! [`netball_app::protocol::WorkerEvent`]s.
//!
//! On native targets this binary is empty: it exists only for wasm32 (see `app/Cargo.toml`).

#[cfg(target_arch = "wasm32")]
mod device;
#[cfg(target_arch = "wasm32")]
mod messages;
#[cfg(target_arch = "wasm32")]
mod model;

#[cfg(target_arch = "wasm32")]
fn main() {
    use std::cell::OnceCell;
    use std::rc::Rc;

    use netball_app::protocol::WorkerEvent;
    use netball_shared::Detector;
    use wasm_bindgen::prelude::*;
    use wasm_bindgen_futures::spawn_local;

    messages::install_panic_hook();

    // Filled once the model is loaded; requests before that are answered with an error.
    let detector: Rc<OnceCell<Detector>> = Rc::new(OnceCell::new());

    let on_message = {
        let detector = detector.clone();
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            let detector = detector.clone();
            spawn_local(async move {
                let reply = match detector.get() {
                    Some(detector) => model::answer(detector, event.data()).await,
                    None => WorkerEvent::Error {
                        message: "the model is not loaded yet".into(),
                    },
                };
                messages::post(&reply);
            });
        })
    };
    messages::scope().set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler must live as long as the worker does.
    on_message.forget();

    spawn_local(async move {
        match model::load().await {
            Ok((loaded, ready)) => {
                // Only this task ever sets the cell, so it is empty here.
                let _ = detector.set(loaded);
                messages::post(&ready);
            }
            Err(message) => messages::post(&WorkerEvent::Error { message }),
        }
    });
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {}
