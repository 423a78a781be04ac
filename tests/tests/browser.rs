//! The browser app end to end: the built `dist/` served by the server's own routes, driven in
//! headless Chromium, must find what the native detector finds on the same image with the same
//! model file — on both of the app's inference paths (WebGPU and the CPU fallback).
//!
//! Needs `trunk build --release` first, the assets from `scripts/fetch-assets.sh`, and
//! `chromium` + `chromium-driver`; `scripts/test.sh` provides all three. Slow: each path runs
//! YOLOv8s at 640 px in a browser without a GPU (about 8 s on the CPU path and 55 s on
//! SwiftShader's WebGPU on 2 cores). Run alone with `cargo test -p netball-e2e -- --nocapture`.

mod support;

use std::time::{Duration, Instant};

use support::chrome::{ChromeDriver, Gpu};
use support::server::Server;
use support::{inputs, native, page};

/// The two browser tests share the two CPU cores badly; they run one after the other.
static ONE_BROWSER_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Loading the model (download, device set-up) on the slow paths.
const MODEL_TIMEOUT: Duration = Duration::from_secs(5 * 60);
/// One YOLOv8s inference on SwiftShader WebGPU or in single-threaded wasm.
const DETECT_TIMEOUT: Duration = Duration::from_secs(10 * 60);
/// WebGPU and wasm compute in f32 like the native CPU path but in another order.
const TOLERANCE_PX: f32 = 1.0;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webgpu_detections_match_native() {
    detections_match_native(Gpu::WebGpu, "webgpu").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cpu_fallback_detections_match_native() {
    detections_match_native(Gpu::None, "cpu").await;
}

async fn detections_match_native(gpu: Gpu, expected_backend: &str) {
    let dist = inputs::dist();
    let image = inputs::image();
    let _turn = ONE_BROWSER_AT_A_TIME.lock().await;
    let reference = native::reference().await;
    let server = Server::start(dist, reference.model.clone()).await;
    // Declared before the session so that it is dropped after it.
    let driver = ChromeDriver::start();
    let browser = driver.session(gpu).await;

    let started = Instant::now();
    browser
        .goto(&server.url("/"))
        .await
        .expect("opening the app");
    let backend = page::wait_for_backend(&browser, MODEL_TIMEOUT)
        .await
        .unwrap_or_else(|e| panic!("[{expected_backend}] the model did not load: {e}"));
    println!(
        "[{expected_backend}] model ready on {} (adapter {:?}) after {:.1} s",
        backend.name,
        backend.adapter,
        started.elapsed().as_secs_f64()
    );
    assert_eq!(
        backend.name, expected_backend,
        "the app chose the wrong backend"
    );

    let started = Instant::now();
    page::upload(&browser, &image)
        .await
        .expect("uploading the image");
    let result = page::wait_for_detections(&browser, DETECT_TIMEOUT).await;
    println!(
        "[{expected_backend}] detection finished after {:.1} s",
        started.elapsed().as_secs_f64()
    );
    save_screenshot(&browser, expected_backend).await;
    let detections =
        result.unwrap_or_else(|e| panic!("[{expected_backend}] detection failed: {e}"));

    println!(
        "[{expected_backend}] {} detections; native {}",
        detections.len(),
        reference.detections.len()
    );
    native::assert_matches(&reference.detections, &detections, TOLERANCE_PX);
}

/// Keeps what the page looked like, for people debugging a failure.
async fn save_screenshot(browser: &fantoccini::Client, name: &str) {
    let path = inputs::scratch().join(format!("{name}.png"));
    match browser.screenshot().await {
        Ok(png) => match std::fs::write(&path, png) {
            Ok(()) => println!("[{name}] screenshot: {}", path.display()),
            Err(e) => println!("[{name}] could not write {}: {e}", path.display()),
        },
        Err(e) => println!("[{name}] no screenshot: {e}"),
    }
}

/// The real build, served: every file the page loads carries the cross-origin isolation headers,
/// wasm has its MIME type (browsers compile it while downloading only then), and unknown paths
/// are 404 rather than the app.
#[tokio::test]
async fn served_app_is_cross_origin_isolated() {
    use axum::http::StatusCode;
    use http_body_util::Empty;
    use hyper_util::client::legacy::Client;
    use hyper_util::rt::TokioExecutor;

    let model = inputs::scratch().join("headers-test.bpk");
    std::fs::write(&model, b"not a model, only served").expect("writing a stand-in model");
    let server = Server::start(inputs::dist(), model).await;
    let client = Client::builder(TokioExecutor::new()).build_http::<Empty<axum::body::Bytes>>();

    for (path, content_type) in [
        ("/", "text/html"),
        ("/worker_loader.js", "text/javascript"),
        ("/worker_bg.wasm", "application/wasm"),
        ("/models/default.bpk", ""),
    ] {
        let response = client
            .get(server.url(path).parse().expect("a valid URL"))
            .await
            .unwrap_or_else(|e| panic!("GET {path}: {e}"));
        assert_eq!(response.status(), StatusCode::OK, "GET {path}");
        let headers = response.headers();
        assert_eq!(
            headers["cross-origin-opener-policy"], "same-origin",
            "{path}"
        );
        assert_eq!(
            headers["cross-origin-embedder-policy"], "require-corp",
            "{path}"
        );
        let served_type = headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        assert!(
            served_type.starts_with(content_type),
            "{path} is served as {served_type:?}, expected {content_type:?}"
        );
    }
    let response = client
        .get(server.url("/no/such/file.js").parse().expect("a valid URL"))
        .await
        .expect("GET an unknown path");
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}
