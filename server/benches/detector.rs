//! Detector speed against ONNX Runtime on the same YOLOv8s weights, 640x640, batch 1 and 8:
//! Burn's own CPU operations and the CPU fast path (`netball_shared::CpuYolo`), which runs the
//! same loaded model.
//!
//! `cargo bench -p netball-server --bench detector`
//!
//! Both runtimes get the same letterboxed real image (OpenCV's basketball1.png). ONNX Runtime
//! runs through `onnxruntime_baseline.py` in the tests' Python (`common::python`: the virtual
//! environment `scripts/setup.sh` fills from `scripts/python-requirements.txt`). Prints a
//! Markdown table with the ratio Burn / ONNX Runtime. The
//! fast path is also timed on one thread, the browser worker's lot, as the native reference
//! for the browser's CPU path.
//! `NETBALL_BENCH_RUNS` sets the images timed per configuration (default 16).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use burn::tensor::{Device, Tensor};
use netball_server::decode::image;
use netball_server::model_import::import_checkpoint;
use netball_shared::CpuYolo;
use netball_shared::detect::letterbox_batch;

/// The test assets, found the same way the tests find them.
#[path = "../tests/common/mod.rs"]
mod common;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Milliseconds per image for Burn on `device`, median over repeated batches.
fn time_burn(model: &netball_shared::YoloV8, input: &Tensor<4>, batch: usize, runs: usize) -> f64 {
    let x = Tensor::cat(vec![input.clone(); batch], 0);
    for _ in 0..2 {
        let _ = model.forward(x.clone()).into_data();
    }
    let samples = (0..(runs / batch).max(3))
        .map(|_| {
            let start = Instant::now();
            let _ = model.forward(x.clone()).into_data();
            start.elapsed().as_secs_f64() * 1000.0 / batch as f64
        })
        .collect();
    median(samples)
}

/// Milliseconds per image for the CPU fast path, median over repeated batches.
fn time_fast(model: &CpuYolo, input: &Tensor<4>, batch: usize, runs: usize) -> f64 {
    let [_, c, h, w] = input.dims();
    let one = input.to_data().try_into_vec::<f32>().unwrap();
    let values = one.repeat(batch);
    let dims = [batch, c, h, w];
    for _ in 0..2 {
        let _ = model.forward(&values, dims);
    }
    let samples = (0..(runs / batch).max(3))
        .map(|_| {
            let start = Instant::now();
            let _ = model.forward(&values, dims);
            start.elapsed().as_secs_f64() * 1000.0 / batch as f64
        })
        .collect();
    median(samples)
}

fn main() {
    // `cargo bench` passes harness flags such as `--bench`; this harness takes none.
    let runs: usize = std::env::var("NETBALL_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(16);
    let device = Device::flex();
    let (_, model) = import_checkpoint(&common::best_pt())
        .expect("importing the checkpoint")
        .load(&device)
        .unwrap();
    let frame = image::read(&common::basketball()).unwrap();
    let (input, _) = letterbox_batch(&[frame], 640, &device);

    let raw = workspace().join("target/bench-input.f32");
    let bytes: Vec<u8> = input
        .to_data()
        .try_to_vec::<f32>()
        .unwrap()
        .iter()
        .flat_map(|v| v.to_le_bytes())
        .collect();
    std::fs::write(&raw, bytes).unwrap();

    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let out = Command::new(common::python())
        .arg(workspace().join("server/benches/onnxruntime_baseline.py"))
        .arg("--model")
        .arg(common::best_onnx())
        .arg("--input")
        .arg(&raw)
        .args([
            "--threads",
            &threads.to_string(),
            "--runs",
            &runs.to_string(),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ort: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();

    let ort_version = ort[0]["version"].as_str().unwrap_or("?");
    println!("YOLOv8s 640x640, {threads} threads, median ms per image\n");
    println!(
        "| batch | Burn Flex (ms) | fast path (ms) | fast path, 1 thread (ms) | ONNX Runtime {ort_version} (ms) | Burn / ORT | fast / ORT |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|");
    let one_thread = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let fast = CpuYolo::new(&model);
    for batch in [1usize, 8] {
        let burn = time_burn(&model, &input, batch, runs);
        let fast_ms = time_fast(&fast, &input, batch, runs);
        let single_ms = one_thread.install(|| time_fast(&fast, &input, batch, runs));
        let ort_ms = ort
            .iter()
            .find(|o| o["batch"] == batch)
            .and_then(|o| o["ms_per_image"].as_f64())
            .unwrap();
        println!(
            "| {batch} | {burn:.1} | {fast_ms:.1} | {single_ms:.1} | {ort_ms:.1} | {:.2} | {:.2} |",
            burn / ort_ms,
            fast_ms / ort_ms
        );
    }
}
