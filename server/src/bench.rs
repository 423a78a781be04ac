//! Measurements behind `netball bench`: a device's agreement with the CPU on real weights, and
//! its detector throughput.
//!
//! The CPU (Burn Flex) is the reference and the baseline: every number a device reports comes
//! with the CPU's number from the same run, so results from different machines and days are
//! never compared to each other.

use std::time::{Duration, Instant};

use burn::tensor::{Device, FloatDType, Tensor};
use netball_shared::detect::letterbox_batch;
use netball_shared::model::Precision;
use netball_shared::{DetectConfig, Detection, Frame, ModelInfo, YoloV8};

/// A model placed on a device in a given precision.
pub struct Placed {
    model: YoloV8,
    device: Device,
    precision: Precision,
}

impl Placed {
    pub fn new(model: YoloV8, device: Device, precision: Precision) -> Self {
        Self {
            model: model.with_precision(precision),
            device,
            precision,
        }
    }

    /// Runs the network on an f32 input already on this device; returns the raw output as f32
    /// values (`[n, 4 + classes, anchors]`, row-major) and the anchor count. Reading the
    /// output back is part of the work: the pipeline needs it on the CPU for NMS.
    pub fn forward(&self, input: Tensor<4>) -> (Vec<f32>, usize) {
        let input = input.cast(self.precision.dtype());
        let out = self.model.forward(input);
        let [_, _, anchors] = out.dims();
        // A no-op for an f32 network.
        let values = out
            .cast(FloatDType::F32)
            .into_data()
            .try_into_vec::<f32>()
            .expect("the output was cast to f32");
        (values, anchors)
    }

    /// Raw outputs and detections for frames of any size.
    pub fn detect(
        &self,
        info: &ModelInfo,
        frames: &[Frame],
        config: &DetectConfig,
    ) -> (Vec<f32>, Vec<Vec<Detection>>) {
        let (input, letterboxes) = letterbox_batch(frames, info.input_size, &self.device);
        let (raw, anchors) = self.forward(input);
        let detections = config.postprocess(&raw, anchors, &letterboxes, &info.classes);
        (raw, detections)
    }
}

/// `‖a − b‖ / ‖b‖`.
pub fn relative_l2(a: &[f32], b: &[f32]) -> f64 {
    assert_eq!(a.len(), b.len(), "outputs of different sizes");
    let (diff, norm) = a.iter().zip(b).fold((0.0f64, 0.0f64), |(d, n), (&x, &y)| {
        let (x, y) = (f64::from(x), f64::from(y));
        (d + (x - y) * (x - y), n + y * y)
    });
    (diff / norm).sqrt()
}

/// How two detection lists for the same frame compare.
#[derive(Clone, Debug, PartialEq)]
pub struct Agreement {
    pub reference: usize,
    pub candidate: usize,
    /// Reference boxes with a candidate box of the same class and IoU ≥ 0.9.
    pub matched: usize,
    /// The largest corner distance in pixels among matched pairs.
    pub max_corner_px: f32,
}

impl Agreement {
    pub fn identical_within(&self, pixels: f32) -> bool {
        self.reference == self.candidate
            && self.matched == self.reference
            && self.max_corner_px <= pixels
    }
}

/// Matches each reference detection to the best unused candidate of the same class.
pub fn agreement(reference: &[Detection], candidate: &[Detection]) -> Agreement {
    let mut used = vec![false; candidate.len()];
    let mut matched = 0;
    let mut max_corner_px = 0.0f32;
    for r in reference {
        let best = candidate
            .iter()
            .enumerate()
            .filter(|(i, c)| !used[*i] && c.class_id == r.class_id)
            .map(|(i, c)| (i, c, r.bbox.iou(&c.bbox)))
            .max_by(|a, b| a.2.total_cmp(&b.2));
        if let Some((i, c, iou)) = best
            && iou >= 0.9
        {
            used[i] = true;
            matched += 1;
            let corners = [
                (r.bbox.x1 - c.bbox.x1).abs(),
                (r.bbox.y1 - c.bbox.y1).abs(),
                (r.bbox.x2 - c.bbox.x2).abs(),
                (r.bbox.y2 - c.bbox.y2).abs(),
            ];
            max_corner_px = corners.into_iter().fold(max_corner_px, f32::max);
        }
    }
    Agreement {
        reference: reference.len(),
        candidate: candidate.len(),
        matched,
        max_corner_px,
    }
}

/// Images per second at one batch size, and what the first batches cost before it.
#[derive(Clone, Copy, Debug)]
pub struct Throughput {
    pub images_per_second: f64,
    /// Wall time of the two untimed batches: on a GPU that is kernel compilation and, with
    /// autotuning, the tuning itself (or its lookup in the persistent cache), which a server
    /// pays once per shape and a browser once per page.
    pub warm_up: Duration,
}

impl Throughput {
    pub fn ms_per_image(&self) -> f64 {
        1000.0 / self.images_per_second
    }
}

/// Times `placed` on a batch built from `input` (`[1, 3, h, w]`): two untimed batches (kernel
/// compilation, autotuning, allocation), then batches until `budget` has passed and at least
/// three were timed.
pub fn throughput(
    placed: &Placed,
    input: &Tensor<4>,
    batch: usize,
    budget: Duration,
) -> Throughput {
    let x = Tensor::cat(vec![input.clone(); batch], 0);
    let warm_up = Instant::now();
    for _ in 0..2 {
        placed.forward(x.clone());
    }
    let warm_up = warm_up.elapsed();
    let start = Instant::now();
    let mut timed = 0;
    while timed < 3 || start.elapsed() < budget {
        placed.forward(x.clone());
        timed += 1;
    }
    Throughput {
        images_per_second: (timed * batch) as f64 / start.elapsed().as_secs_f64(),
        warm_up,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use netball_shared::BoundingBox;

    fn det(class_id: usize, x1: f32) -> Detection {
        Detection {
            bbox: BoundingBox {
                x1,
                y1: 10.0,
                x2: x1 + 50.0,
                y2: 110.0,
            },
            class_id,
            label: format!("c{class_id}"),
            score: 0.9,
        }
    }

    #[test]
    fn relative_l2_of_equal_outputs_is_zero() {
        assert_eq!(relative_l2(&[1.0, 2.0], &[1.0, 2.0]), 0.0);
        assert!((relative_l2(&[0.0, 0.0], &[3.0, 4.0]) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn agreement_matches_by_class_and_overlap() {
        let reference = [det(0, 0.0), det(1, 200.0)];
        let same = agreement(&reference, &[det(1, 200.5), det(0, 0.0)]);
        assert!(same.identical_within(1.0), "{same:?}");
        assert!(!same.identical_within(0.1));
        // Same place, other class: no match.
        let swapped = agreement(&reference, &[det(1, 0.0), det(0, 200.0)]);
        assert_eq!(swapped.matched, 0);
        let missing = agreement(&reference, &[det(0, 0.0)]);
        assert_eq!((missing.matched, missing.candidate), (1, 1));
        assert!(!missing.identical_within(1.0));
    }
}
