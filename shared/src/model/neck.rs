//! The PAN neck: a top-down pass (upsample, concatenate) then a bottom-up pass
//! (stride-2 convolution, concatenate).

use burn::module::Module;
use burn::tensor::module::interpolate;
use burn::tensor::ops::{InterpolateMode, InterpolateOptions};
use burn::tensor::{Device, Tensor};

use super::Scale;
use super::backbone::Features;
use super::c2f::{C2f, C2fConfig};
use super::conv::{ConvBlock, ConvBlockConfig};

/// Layers 10–21 of Ultralytics' `yolov8.yaml` (the ones with weights).
#[derive(Module, Debug)]
pub struct Neck {
    pub top_down_p4: C2f,
    pub top_down_p3: C2f,
    pub down_p3: ConvBlock,
    pub bottom_up_p4: C2f,
    pub down_p4: ConvBlock,
    pub bottom_up_p5: C2f,
}

fn upsample2(x: Tensor<4>) -> Tensor<4> {
    interpolate(
        x,
        InterpolateOptions::new(InterpolateMode::Nearest).with_scale_factor([2.0, 2.0]),
    )
}

impl Neck {
    pub fn new(scale: Scale, device: &Device) -> Self {
        let c = |base| scale.channels(base);
        let n = scale.depth(3);
        Self {
            top_down_p4: C2fConfig::new(c(1024) + c(512), c(512), n, false).init(device),
            top_down_p3: C2fConfig::new(c(512) + c(256), c(256), n, false).init(device),
            down_p3: ConvBlockConfig::new(c(256), c(256), 3, 2).init(device),
            bottom_up_p4: C2fConfig::new(c(256) + c(512), c(512), n, false).init(device),
            down_p4: ConvBlockConfig::new(c(512), c(512), 3, 2).init(device),
            bottom_up_p5: C2fConfig::new(c(512) + c(1024), c(1024), n, false).init(device),
        }
    }

    /// Returns the three detection inputs at strides 8, 16 and 32.
    pub fn forward(&self, f: Features) -> [Tensor<4>; 3] {
        let td4 = self
            .top_down_p4
            .forward(Tensor::cat(vec![upsample2(f.p5.clone()), f.p4], 1));
        let out3 = self
            .top_down_p3
            .forward(Tensor::cat(vec![upsample2(td4.clone()), f.p3], 1));
        let out4 = self.bottom_up_p4.forward(Tensor::cat(
            vec![self.down_p3.forward(out3.clone()), td4],
            1,
        ));
        let out5 = self.bottom_up_p5.forward(Tensor::cat(
            vec![self.down_p4.forward(out4.clone()), f.p5],
            1,
        ));
        [out3, out4, out5]
    }
}
