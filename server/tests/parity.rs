//! Our YOLOv8s, loaded from Ultralytics' `best.pt`, against the same weights exported to ONNX
//! and run by tract, on real images: the raw head output and the detections after NMS, both
//! through Burn's operations and through the CPU fast path (`CpuYolo`).

mod common;

use burn::tensor::Device;
use netball_server::decode::{image, video::VideoFrames};
use netball_server::model_import::import_checkpoint;
use netball_shared::detect::{decode, letterbox_batch, non_max_suppression};
use netball_shared::{CpuYolo, DetectConfig, Detection, Frame};
use tract_onnx::prelude::*;

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

#[test]
fn raw_output_and_detections_match_onnx() {
    let device = Device::flex();
    let (info, model) = import_checkpoint(&common::best_pt())
        .unwrap()
        .load(&device)
        .unwrap();
    assert_eq!(info.classes.len(), 2, "Normal and Fall");

    let onnx = tract_onnx::onnx()
        .model_for_path(common::best_onnx())
        .unwrap()
        .with_input_fact(0, f32::fact([1, 3, SIZE, SIZE]).into())
        .unwrap()
        .into_optimized()
        .unwrap()
        .into_runnable()
        .unwrap();

    let fast = CpuYolo::new(&model);
    let mut total_detections = 0;
    for (name, frame) in frames() {
        let (input, letterboxes) =
            letterbox_batch(std::slice::from_ref(&frame), SIZE as u32, &device);
        let pixels = input.to_data().try_to_vec::<f32>().unwrap();
        let (fast_out, _) = fast.forward(&pixels, [1, 3, SIZE, SIZE]);
        let burn_out = model
            .forward(input)
            .into_data()
            .try_to_vec::<f32>()
            .unwrap();

        let tensor = tract_ndarray::Array4::from_shape_vec((1, 3, SIZE, SIZE), pixels).unwrap();
        let result = onnx.run(tvec!(tensor.into_tensor().into())).unwrap();
        let view = result[0].to_array_view::<f32>().unwrap();
        assert_eq!(view.shape(), [1, 6, 8400], "{name}: ONNX output shape");
        let reference: Vec<f32> = view.iter().copied().collect();
        let between = relative_l2(&fast_out, &burn_out);
        println!("{name}: fast path against Burn, relative L2 error {between:.2e}");
        assert!(
            between < 1e-5,
            "{name}: fast path against Burn {between:.2e}"
        );

        for (path, ours) in [("Burn", &burn_out), ("fast path", &fast_out)] {
            let name = format!("{name} ({path})");
            assert_eq!(ours.len(), reference.len(), "{name}: output size");

            let error = relative_l2(ours, &reference);
            println!("{name}: relative L2 error {error:.2e}");
            assert!(error < 1e-4, "{name}: relative L2 error {error:.2e}");

            let a = detections(ours, &info.classes, &letterboxes[0]);
            let b = detections(&reference, &info.classes, &letterboxes[0]);
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
