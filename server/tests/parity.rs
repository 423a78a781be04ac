//! Our YOLOv8s, loaded from Ultralytics' `best.pt`, against the same weights exported to ONNX
//! and run by ONNX Runtime (`scripts/onnx_reference.py`, in the Python `common::python` finds),
//! on real images: the raw head output and the detections after NMS, both through Burn's
//! operations and through the CPU fast path (`CpuYolo`).

mod common;

use std::path::Path;
use std::process::Command;

use burn::tensor::Device;
use netball_server::decode::{image, video::VideoFrames};
use netball_server::model_import::import_checkpoint;
use netball_shared::detect::{decode, letterbox_batch, non_max_suppression};
use netball_shared::{CpuYolo, DetectConfig, Detection, Frame};

const SIZE: usize = 640;

fn frames() -> Vec<(String, Frame)> {
    let mut frames = vec![(
        "basketball1.png".to_string(),
        image::read(&common::basketball()).unwrap(),
    )];
    for timed in VideoFrames::open(&common::vtest()).unwrap().take(301) {
        let timed = timed.unwrap();
        if timed.index % 150 == 0 {
            frames.push((format!("vtest.avi frame {}", timed.index), timed.frame));
        }
    }
    frames
}

fn relative_l2(ours: &[f32], reference: &[f32]) -> f64 {
    let (mut diff, mut norm) = (0.0f64, 0.0f64);
    for (a, b) in ours.iter().zip(reference) {
        diff += (f64::from(*a) - f64::from(*b)).powi(2);
        norm += f64::from(*b).powi(2);
    }
    (diff / norm).sqrt()
}

fn detections(
    raw: &[f32],
    classes: &[String],
    lb: &netball_shared::detect::Letterbox,
) -> Vec<Detection> {
    let config = DetectConfig::default();
    let anchors = raw.len() / (4 + classes.len());
    non_max_suppression(
        decode(raw, anchors, classes, lb, config.confidence),
        config.iou,
        config.max_detections,
    )
}

/// ONNX Runtime's raw head output ([1, 6, 8400]) for each letterboxed image.
fn onnx_runtime(images: &[Vec<f32>]) -> Vec<Vec<f32>> {
    let dir = tempfile::tempdir().unwrap();
    let (input, output) = (dir.path().join("input.f32"), dir.path().join("output.f32"));
    let bytes: Vec<u8> = images
        .iter()
        .flatten()
        .flat_map(|v| v.to_le_bytes())
        .collect();
    std::fs::write(&input, bytes).unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/onnx_reference.py");
    let python = common::python();
    let run = Command::new(&python)
        .arg(&script)
        .arg("--model")
        .arg(common::best_onnx())
        .arg("--input")
        .arg(&input)
        .arg("--output")
        .arg(&output)
        .arg("--size")
        .arg(SIZE.to_string())
        .output()
        .unwrap_or_else(|e| panic!("running {python:?}: {e}; run scripts/setup.sh"));
    assert!(
        run.status.success(),
        "ONNX Runtime failed: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    println!(
        "ONNX Runtime: {}",
        String::from_utf8_lossy(&run.stdout).trim()
    );
    let values: Vec<f32> = std::fs::read(&output)
        .unwrap()
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect();
    assert_eq!(values.len(), images.len() * 6 * 8400, "ONNX output shape");
    values.chunks(6 * 8400).map(<[f32]>::to_vec).collect()
}

#[test]
fn raw_output_and_detections_match_onnx() {
    let device = Device::flex();
    let (info, model) = import_checkpoint(&common::best_pt())
        .unwrap()
        .load(&device)
        .unwrap();
    assert_eq!(info.classes.len(), 2, "Normal and Fall");

    let inputs: Vec<_> = frames()
        .into_iter()
        .map(|(name, frame)| {
            let (input, letterboxes) =
                letterbox_batch(std::slice::from_ref(&frame), SIZE as u32, &device);
            (name, input, letterboxes)
        })
        .collect();
    let pixels: Vec<Vec<f32>> = inputs
        .iter()
        .map(|(_, input, _)| input.to_data().try_to_vec::<f32>().unwrap())
        .collect();
    let references = onnx_runtime(&pixels);

    let fast = CpuYolo::new(&model);
    let mut total_detections = 0;
    for (((name, input, letterboxes), pixels), reference) in
        inputs.into_iter().zip(&pixels).zip(&references)
    {
        let (fast_out, _) = fast.forward(pixels, [1, 3, SIZE, SIZE]);
        let burn_out = model
            .forward(input)
            .into_data()
            .try_to_vec::<f32>()
            .unwrap();
        let between = relative_l2(&fast_out, &burn_out);
        println!("{name}: fast path against Burn, relative L2 error {between:.2e}");
        assert!(
            between < 1e-5,
            "{name}: fast path against Burn {between:.2e}"
        );

        for (path, ours) in [("Burn", &burn_out), ("fast path", &fast_out)] {
            let name = format!("{name} ({path})");
            assert_eq!(ours.len(), reference.len(), "{name}: output size");

            let error = relative_l2(ours, reference);
            println!("{name}: relative L2 error {error:.2e}");
            assert!(error < 1e-4, "{name}: relative L2 error {error:.2e}");

            let a = detections(ours, &info.classes, &letterboxes[0]);
            let b = detections(reference, &info.classes, &letterboxes[0]);
            println!("{name}: {} detections", a.len());
            assert_eq!(a.len(), b.len(), "{name}: detection count");
            for (x, y) in a.iter().zip(&b) {
                assert_eq!(x.class_id, y.class_id, "{name}");
                assert!((x.score - y.score).abs() < 1e-4, "{name}: {x:?} vs {y:?}");
                for (p, q) in [
                    (x.bbox.x1, y.bbox.x1),
                    (x.bbox.y1, y.bbox.y1),
                    (x.bbox.x2, y.bbox.x2),
                    (x.bbox.y2, y.bbox.y2),
                ] {
                    assert!((p - q).abs() < 0.01, "{name}: {x:?} vs {y:?}");
                }
            }
            total_detections += a.len();
        }
    }
    assert!(
        total_detections > 0,
        "real people in real frames: the detector must find some"
    );
}
