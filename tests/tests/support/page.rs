//! Reading the app's state from the page. The app exposes it for tests: `#backend` (text
//! `webgpu` or `cpu`, adapter name in `data-adapter`) and `#detections` (`data-status`, JSON text).

use std::path::Path;
use std::time::{Duration, Instant};

use fantoccini::{Client, Locator};
use netball_shared::Detection;
use serde_json::Value;

/// How often the page is polled.
const POLL: Duration = Duration::from_millis(500);

/// Where the model ended up, as the page shows it.
#[derive(Debug)]
pub struct Backend {
    pub name: String,
    pub adapter: Option<String>,
}

/// Waits until the model is ready; fails with the page's error text if it fails to load.
pub async fn wait_for_backend(client: &Client, timeout: Duration) -> Result<Backend, String> {
    const SCRIPT: &str = "
        const backend = document.getElementById('backend');
        const error = document.querySelector('.status.error');
        return {
            backend: backend ? backend.textContent : null,
            adapter: backend ? (backend.dataset.adapter ?? null) : null,
            error: error ? error.textContent : null,
        };";
    poll(client, SCRIPT, timeout, |state| {
        if let Some(error) = state["error"].as_str() {
            return Some(Err(format!("the page reports: {error}")));
        }
        state["backend"].as_str().map(|name| {
            Ok(Backend {
                name: name.to_string(),
                adapter: state["adapter"].as_str().map(str::to_string),
            })
        })
    })
    .await
}

/// Picks `image` in the file input, as a user would.
pub async fn upload(client: &Client, image: &Path) -> Result<(), String> {
    let input = client
        .find(Locator::Id("image-input"))
        .await
        .map_err(|e| format!("no #image-input: {e}"))?;
    input
        .send_keys(&image.display().to_string())
        .await
        .map_err(|e| format!("choosing the file failed: {e}"))
}

/// Waits for the detections of the uploaded image; fails with the page's error text.
pub async fn wait_for_detections(
    client: &Client,
    timeout: Duration,
) -> Result<Vec<Detection>, String> {
    const SCRIPT: &str = "
        const out = document.getElementById('detections');
        return {
            status: out ? out.dataset.status : null,
            json: out ? out.textContent : null,
            message: document.getElementById('run-status')?.textContent ?? null,
        };";
    poll(client, SCRIPT, timeout, |state| {
        match state["status"].as_str() {
            Some("done") => Some(
                serde_json::from_str(state["json"].as_str().unwrap_or_default())
                    .map_err(|e| format!("#detections is not a detection list: {e}")),
            ),
            Some("error") => Some(Err(format!("the page reports: {}", state["message"]))),
            _ => None,
        }
    })
    .await
}

/// Runs `script` until `check` returns an answer or `timeout` passes.
async fn poll<T>(
    client: &Client,
    script: &str,
    timeout: Duration,
    mut check: impl FnMut(&Value) -> Option<Result<T, String>>,
) -> Result<T, String> {
    let deadline = Instant::now() + timeout;
    loop {
        let state = client
            .execute(script, vec![])
            .await
            .map_err(|e| format!("reading the page failed: {e}"))?;
        if let Some(answer) = check(&state) {
            return answer;
        }
        if Instant::now() > deadline {
            return Err(format!(
                "timed out after {timeout:?}; last page state: {state}"
            ));
        }
        tokio::time::sleep(POLL).await;
    }
}
