//! The CSPDarknet backbone: five stride-2 stages ending in SPPF.

use burn::module::Module;
use burn::tensor::{Device, Tensor};

use super::Scale;
use super::c2f::{C2f, C2fConfig};
use super::conv::{ConvBlock, ConvBlockConfig};
use super::sppf::Sppf;

/// Feature maps at strides 8, 16 and 32, the inputs of the neck.
pub struct Features {
    pub p3: Tensor<4>,
    pub p4: Tensor<4>,
    pub p5: Tensor<4>,
}

/// Layers 0–9 of Ultralytics' `yolov8.yaml`.
#[derive(Module, Debug)]
pub struct Backbone {
    pub stem: ConvBlock,
    pub down1: ConvBlock,
    pub stage1: C2f,
    pub down2: ConvBlock,
    pub stage2: C2f,
    pub down3: ConvBlock,
    pub stage3: C2f,
    pub down4: ConvBlock,
    pub stage4: C2f,
    pub sppf: Sppf,
}

impl Backbone {
    pub fn new(scale: Scale, device: &Device) -> Self {
        let c = |base| scale.channels(base);
        let d = |base| scale.depth(base);
        Self {
            stem: ConvBlockConfig::new(3, c(64), 3, 2).init(device),
            down1: ConvBlockConfig::new(c(64), c(128), 3, 2).init(device),
            stage1: C2fConfig::new(c(128), c(128), d(3), true).init(device),
            down2: ConvBlockConfig::new(c(128), c(256), 3, 2).init(device),
            stage2: C2fConfig::new(c(256), c(256), d(6), true).init(device),
            down3: ConvBlockConfig::new(c(256), c(512), 3, 2).init(device),
            stage3: C2fConfig::new(c(512), c(512), d(6), true).init(device),
            down4: ConvBlockConfig::new(c(512), c(1024), 3, 2).init(device),
            stage4: C2fConfig::new(c(1024), c(1024), d(3), true).init(device),
            sppf: Sppf::new(c(1024), c(1024), device),
        }
    }

    pub fn forward(&self, x: Tensor<4>) -> Features {
        let x = self
            .stage1
            .forward(self.down1.forward(self.stem.forward(x)));
        let p3 = self.stage2.forward(self.down2.forward(x));
        let p4 = self.stage3.forward(self.down3.forward(p3.clone()));
        let p5 = self
            .sppf
            .forward(self.stage4.forward(self.down4.forward(p4.clone())));
        Features { p3, p4, p5 }
    }
}
