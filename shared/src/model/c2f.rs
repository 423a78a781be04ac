//! C2f: YOLOv8's cross-stage partial block with two convolutions and n bottlenecks.

use burn::module::Module;
use burn::tensor::{Device, Tensor};

use super::bottleneck::Bottleneck;
use super::conv::{ConvBlock, ConvBlockConfig};

/// Configuration of a [`C2f`] block.
#[derive(Clone, Debug)]
pub struct C2fConfig {
    pub in_channels: usize,
    pub out_channels: usize,
    pub bottlenecks: usize,
    pub shortcut: bool,
}

impl C2fConfig {
    pub fn new(
        in_channels: usize,
        out_channels: usize,
        bottlenecks: usize,
        shortcut: bool,
    ) -> Self {
        Self {
            in_channels,
            out_channels,
            bottlenecks,
            shortcut,
        }
    }

    pub fn init(&self, device: &Device) -> C2f {
        let hidden = self.out_channels / 2;
        C2f {
            cv1: ConvBlockConfig::new(self.in_channels, 2 * hidden, 1, 1).init(device),
            cv2: ConvBlockConfig::new((2 + self.bottlenecks) * hidden, self.out_channels, 1, 1)
                .init(device),
            bottlenecks: (0..self.bottlenecks)
                .map(|_| Bottleneck::new(hidden, self.shortcut, device))
                .collect(),
        }
    }
}

/// `cv1` splits its output in two halves; each bottleneck refines the last piece; `cv2` mixes
/// the concatenation of all pieces.
#[derive(Module, Debug)]
pub struct C2f {
    pub cv1: ConvBlock,
    pub cv2: ConvBlock,
    pub bottlenecks: Vec<Bottleneck>,
}

impl C2f {
    pub fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        let mut pieces = self.cv1.forward(x).chunk(2, 1);
        for bottleneck in &self.bottlenecks {
            let last = pieces.last().expect("chunk(2) yields two pieces").clone();
            pieces.push(bottleneck.forward(last));
        }
        self.cv2.forward(Tensor::cat(pieces, 1))
    }
}
