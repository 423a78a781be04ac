//! SPPF: spatial pyramid pooling (fast), the end of the backbone.

use burn::module::Module;
use burn::tensor::module::max_pool2d;
use burn::tensor::ops::MaxPoolOptions;
use burn::tensor::{Device, Tensor};

use super::conv::{ConvBlock, ConvBlockConfig};

/// Three chained 5x5 max-pools (receptive fields 5, 9, 13) concatenated with their input.
#[derive(Module, Debug)]
pub struct Sppf {
    pub cv1: ConvBlock,
    pub cv2: ConvBlock,
}

impl Sppf {
    const POOL: usize = 5;

    pub fn new(in_channels: usize, out_channels: usize, device: &Device) -> Self {
        let hidden = in_channels / 2;
        Self {
            cv1: ConvBlockConfig::new(in_channels, hidden, 1, 1).init(device),
            cv2: ConvBlockConfig::new(hidden * 4, out_channels, 1, 1).init(device),
        }
    }

    pub fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        let pool = |t: Tensor<4>| {
            max_pool2d(
                t,
                MaxPoolOptions::new([Self::POOL; 2])
                    .with_stride([1, 1])
                    .with_padding([Self::POOL / 2; 2]),
            )
        };
        let y0 = self.cv1.forward(x);
        let y1 = pool(y0.clone());
        let y2 = pool(y1.clone());
        let y3 = pool(y2.clone());
        self.cv2.forward(Tensor::cat(vec![y0, y1, y2, y3], 1))
    }
}
