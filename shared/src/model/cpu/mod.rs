//! A CPU fast path for [`YoloV8`]: the same loaded weights, run channels-last with fused
//! epilogues, for the CPU devices (the server's fallback and the browser's).
//!
//! Burn's CPU backend runs each operation on its own: every convolution converts its input to
//! channels-last and its output back, bias and SiLU are further passes over memory, and each
//! split and concatenation copies. For YOLOv8 those passes cost about as much as the
//! arithmetic (`docs/performance.md`). Burn has no extension point to fuse them on its CPU
//! backend, so this module runs the whole network itself on plain `f32` buffers, built from the
//! very modules Burn loaded; [`crate::Detector`] uses it on the CPU and Burn everywhere else,
//! and a test holds the two to the same output.

use std::sync::Mutex;

mod blocks;
mod conv;
mod head;
mod map;
mod math;
mod winograd;

use blocks::{C2f, Sppf, conv_block};
use conv::Conv;
use head::Head;
use map::{FeatureMap, Pool, recycling, upsample2};

use super::YoloV8;

/// [`YoloV8`]'s network on the CPU, channels-last.
pub struct CpuYolo {
    stem: Conv,
    down1: Conv,
    stage1: C2f,
    down2: Conv,
    stage2: C2f,
    down3: Conv,
    stage3: C2f,
    down4: Conv,
    stage4: C2f,
    sppf: Sppf,
    top_down_p4: C2f,
    top_down_p3: C2f,
    down_p3: Conv,
    bottom_up_p4: C2f,
    down_p4: Conv,
    bottom_up_p5: C2f,
    head: Head,
    /// Layer buffers kept from one forward pass to the next (see [`Pool`]).
    pool: Mutex<Pool>,
}

impl CpuYolo {
    /// Packs the model's weights (read back as f32 from its device).
    pub fn new(model: &YoloV8) -> Self {
        let (b, n) = (&model.backbone, &model.neck);
        Self {
            stem: conv_block(&b.stem),
            down1: conv_block(&b.down1),
            stage1: C2f::new(&b.stage1),
            down2: conv_block(&b.down2),
            stage2: C2f::new(&b.stage2),
            down3: conv_block(&b.down3),
            stage3: C2f::new(&b.stage3),
            down4: conv_block(&b.down4),
            stage4: C2f::new(&b.stage4),
            sppf: Sppf::new(&b.sppf),
            top_down_p4: C2f::new(&n.top_down_p4),
            top_down_p3: C2f::new(&n.top_down_p3),
            down_p3: conv_block(&n.down_p3),
            bottom_up_p4: C2f::new(&n.bottom_up_p4),
            down_p4: conv_block(&n.down_p4),
            bottom_up_p5: C2f::new(&n.bottom_up_p5),
            head: Head::new(&model.head),
            pool: Mutex::default(),
        }
    }

    /// What [`YoloV8::forward`] computes, from its input's values (`[batch, 3, height, width]`,
    /// channel-major): `[batch, 4 + classes, anchors]` values, row-major, and the anchor count.
    pub fn forward(&self, input: &[f32], dims: [usize; 4]) -> (Vec<f32>, usize) {
        // Concurrent passes (one model shared by threads) run the later ones without the pool
        // rather than waiting; a pass that panicked left the pool as it was.
        match self.pool.try_lock() {
            Ok(mut pool) => recycling(&mut pool, || self.run_in_parts(input, dims)),
            Err(std::sync::TryLockError::Poisoned(poisoned)) => {
                recycling(&mut poisoned.into_inner(), || {
                    self.run_in_parts(input, dims)
                })
            }
            Err(std::sync::TryLockError::WouldBlock) => self.run_in_parts(input, dims),
        }
    }

    /// Images per pass. Each layer already spreads over every thread, so a larger batch
    /// gains little here (YOLOv8s, 2 cores: 2% from 2 to 8 images a pass) and costs its layer
    /// maps for each image (about 85 MB at 640): a batch runs in parts of this many images.
    const PART: usize = 2;

    fn run_in_parts(&self, input: &[f32], [batch, c, h, w]: [usize; 4]) -> (Vec<f32>, usize) {
        let image = c * h * w;
        assert_eq!(input.len(), batch * image, "input values and shape agree");
        let mut output = Vec::new();
        let mut anchors = 0;
        for part in input.chunks(Self::PART * image) {
            let (values, a) = self.run(part, [part.len() / image, c, h, w]);
            output.extend_from_slice(&values);
            anchors = a;
        }
        (output, anchors)
    }

    fn run(&self, input: &[f32], dims: [usize; 4]) -> (Vec<f32>, usize) {
        let x = FeatureMap::from_channel_major(input, dims);
        let one = |conv: &Conv, x: &FeatureMap| conv.forward(&[x.view()]);

        // Backbone.
        let x = one(&self.down1, &one(&self.stem, &x));
        let x = self.stage1.forward(&[x.view()]);
        let p3 = self.stage2.forward(&[one(&self.down2, &x).view()]);
        let p4 = self.stage3.forward(&[one(&self.down3, &p3).view()]);
        let x = self.stage4.forward(&[one(&self.down4, &p4).view()]);
        let p5 = self.sppf.forward(&x);

        // Neck: each concatenation is read in place by the next block's first convolution.
        let td4 = self
            .top_down_p4
            .forward(&[upsample2(p5.view()).view(), p4.view()]);
        let out3 = self
            .top_down_p3
            .forward(&[upsample2(td4.view()).view(), p3.view()]);
        let out4 = self
            .bottom_up_p4
            .forward(&[one(&self.down_p3, &out3).view(), td4.view()]);
        let out5 = self
            .bottom_up_p5
            .forward(&[one(&self.down_p4, &out4).view(), p5.view()]);

        self.head.forward([&out3, &out4, &out5])
    }
}

#[cfg(test)]
mod tests {
    use burn::tensor::{Device, Distribution, Tensor};

    use super::*;
    use crate::model::{Scale, YoloV8Config};

    #[test]
    fn the_fast_path_computes_what_burn_computes() {
        let device = Device::flex();
        let model = YoloV8Config {
            scale: Scale::N,
            num_classes: 3,
        }
        .init(&device);
        let dims = [3, 3, 64, 96]; // Runs in two parts: 2 images and 1.
        let input = Tensor::<4>::random(dims, Distribution::Uniform(0.0, 1.0), &device);
        let want = model.forward(input.clone());
        let [_, _, anchors] = want.dims();
        let want = want.into_data().try_into_vec::<f32>().unwrap();
        let fast = CpuYolo::new(&model);
        let values = input.into_data().try_into_vec::<f32>().unwrap();
        // The second pass runs on buffers the first left behind, stale values and all: every
        // layer must write all of its output.
        for pass in 0..2 {
            let (got, got_anchors) = fast.forward(&values, dims);
            assert_eq!(got_anchors, anchors);
            let norm = |v: &[f32]| v.iter().map(|x| x * x).sum::<f32>().sqrt();
            let diff: Vec<f32> = got.iter().zip(&want).map(|(g, w)| g - w).collect();
            let error = norm(&diff) / norm(&want);
            assert!(error < 1e-5, "pass {pass}: relative L2 error {error}");
        }
        assert!(
            !fast.pool.lock().unwrap().is_empty(),
            "the pool keeps buffers between passes"
        );
    }
}
