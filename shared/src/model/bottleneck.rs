//! The residual bottleneck inside a C2f block.

use burn::module::Module;
use burn::tensor::{Device, Tensor};

use super::conv::{ConvBlock, ConvBlockConfig};

/// Two 3x3 convolutions, with a residual connection when `shortcut` is set.
#[derive(Module, Debug)]
pub struct Bottleneck {
    pub cv1: ConvBlock,
    pub cv2: ConvBlock,
    pub shortcut: bool,
}

impl Bottleneck {
    /// `channels` in and out (YOLOv8's C2f uses expansion 1.0 here).
    pub fn new(channels: usize, shortcut: bool, device: &Device) -> Self {
        Self {
            cv1: ConvBlockConfig::new(channels, channels, 3, 1).init(device),
            cv2: ConvBlockConfig::new(channels, channels, 3, 1).init(device),
            shortcut,
        }
    }

    pub fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        let y = self.cv2.forward(self.cv1.forward(x.clone()));
        if self.shortcut { x + y } else { y }
    }
}
