//! Choosing where the model runs: WebGPU when the browser has an adapter, else the CPU.

use burn::tensor::Device;
use netball_app::js::error_text;
use netball_app::protocol::Backend;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// The device the worker settled on, and what to tell the user about it.
pub struct Chosen {
    pub device: Device,
    pub backend: Backend,
    pub adapter: Option<String>,
    /// Set when the browser offered WebGPU but Burn could not use it.
    pub fallback_reason: Option<String>,
}

/// Picks the device. Called once per worker: Burn's wgpu runtime can be initialised only once
/// (a second `init_async` fails), so the result is kept for the worker's lifetime.
pub async fn choose() -> Chosen {
    let cpu = |fallback_reason| Chosen {
        device: Device::flex(),
        backend: Backend::Cpu,
        adapter: None,
        fallback_reason,
    };
    let adapter = match webgpu_adapter().await {
        Ok(Some(adapter)) => adapter,
        Ok(None) => return cpu(None),
        Err(reason) => return cpu(Some(reason)),
    };
    match Device::wgpu_options().init_async().await {
        Ok(device) => Chosen {
            device,
            backend: Backend::WebGpu,
            adapter: describe(&adapter),
            fallback_reason: None,
        },
        Err(err) => cpu(Some(format!("WebGPU initialisation failed: {err}"))),
    }
}

/// Asks `navigator.gpu.requestAdapter()`. `Ok(None)` when the browser has no WebGPU or no
/// adapter (headless Chromium without `--enable-unsafe-webgpu`, most Linux browsers today).
///
/// Reflection instead of web-sys's WebGPU bindings, which need the `web_sys_unstable_apis` cfg.
async fn webgpu_adapter() -> Result<Option<JsValue>, String> {
    let navigator = get(&js_sys::global(), "navigator")?;
    let gpu = get(&navigator, "gpu")?;
    if gpu.is_undefined() || gpu.is_null() {
        return Ok(None);
    }
    let request: js_sys::Function = get(&gpu, "requestAdapter")?
        .dyn_into()
        .map_err(|_| "navigator.gpu.requestAdapter is not a function".to_string())?;
    let promise: js_sys::Promise = request
        .call0(&gpu)
        .map_err(|e| format!("navigator.gpu.requestAdapter() threw: {}", error_text(&e)))?
        .dyn_into()
        .map_err(|_| "navigator.gpu.requestAdapter() did not return a promise".to_string())?;
    let adapter = JsFuture::from(promise)
        .await
        .map_err(|e| format!("navigator.gpu.requestAdapter() failed: {}", error_text(&e)))?;
    Ok((!adapter.is_null() && !adapter.is_undefined()).then_some(adapter))
}

/// A readable adapter name from `GPUAdapter.info`: its description, else vendor and
/// architecture (browsers often leave the description empty for privacy).
fn describe(adapter: &JsValue) -> Option<String> {
    let info = get(adapter, "info").ok()?;
    let field = |name| get(&info, name).ok().and_then(|v| v.as_string());
    let name = field("description")
        .filter(|d| !d.is_empty())
        .unwrap_or_else(|| {
            [field("vendor"), field("architecture")]
                .into_iter()
                .flatten()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        });
    (!name.is_empty()).then_some(name)
}

fn get(target: &JsValue, key: &str) -> Result<JsValue, String> {
    js_sys::Reflect::get(target, &JsValue::from_str(key))
        .map_err(|e| format!("reading {key}: {}", error_text(&e)))
}
