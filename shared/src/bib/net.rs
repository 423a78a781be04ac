//! The bib reader's network: three convolution stages and a small classifier, about 90
//! thousand weights. A bib crop is [`super::crop::SIDE`] pixels square; each stage halves it
//! (32 → 16 → 8 → 4), and the classifier sees where on the 4×4 grid each of 64 features
//! fired, because a letter's strokes are told apart by where they are.
//!
//! BatchNorm stays a module of its own (unlike the detector's, folded at load): the same
//! module trains on an autodiff device, where it uses batch statistics, and reads on a plain
//! one, where it uses the running ones.

use burn::module::Module;
use burn::nn::PaddingConfig2d;
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::nn::pool::{MaxPool2d, MaxPool2dConfig};
use burn::nn::{BatchNorm, BatchNormConfig, Dropout, DropoutConfig, Linear, LinearConfig};
use burn::tensor::activation::relu;
use burn::tensor::{Device, Tensor};

use super::crop::SIDE;

/// Convolution → BatchNorm → ReLU → 2×2 max pooling.
#[derive(Module, Debug)]
pub struct Stage {
    conv: Conv2d,
    bn: BatchNorm,
    pool: MaxPool2d,
}

/// Configuration of a [`Stage`].
#[derive(Clone, Copy, Debug)]
pub struct StageConfig {
    pub in_channels: usize,
    pub out_channels: usize,
}

impl StageConfig {
    pub fn init(&self, device: &Device) -> Stage {
        Stage {
            conv: Conv2dConfig::new([self.in_channels, self.out_channels], [3, 3])
                .with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1))
                .with_bias(false)
                .init(device),
            bn: BatchNormConfig::new(self.out_channels).init(device),
            pool: MaxPool2dConfig::new([2, 2]).with_strides([2, 2]).init(),
        }
    }
}

impl Stage {
    pub fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        self.pool
            .forward(relu(self.bn.forward(self.conv.forward(x))))
    }
}

/// Channels of the three stages.
const WIDTHS: [usize; 3] = [16, 32, 64];
/// Units of the classifier's hidden layer.
const HIDDEN: usize = 64;

/// Configuration of a [`BibNet`]: how many classes it tells apart.
#[derive(Clone, Copy, Debug)]
pub struct BibNetConfig {
    pub classes: usize,
}

impl BibNetConfig {
    pub fn init(&self, device: &Device) -> BibNet {
        let cell = SIDE >> WIDTHS.len();
        BibNet {
            stage1: StageConfig {
                in_channels: 3,
                out_channels: WIDTHS[0],
            }
            .init(device),
            stage2: StageConfig {
                in_channels: WIDTHS[0],
                out_channels: WIDTHS[1],
            }
            .init(device),
            stage3: StageConfig {
                in_channels: WIDTHS[1],
                out_channels: WIDTHS[2],
            }
            .init(device),
            hidden: LinearConfig::new(WIDTHS[2] * cell * cell, HIDDEN).init(device),
            dropout: DropoutConfig::new(0.3).init(),
            out: LinearConfig::new(HIDDEN, self.classes).init(device),
        }
    }
}

/// Bib crops `[batch, 3, SIDE, SIDE]` to class logits `[batch, classes]`.
#[derive(Module, Debug)]
pub struct BibNet {
    stage1: Stage,
    stage2: Stage,
    stage3: Stage,
    hidden: Linear,
    dropout: Dropout,
    out: Linear,
}

impl BibNet {
    pub fn forward(&self, crops: Tensor<4>) -> Tensor<2> {
        let x = self
            .stage3
            .forward(self.stage2.forward(self.stage1.forward(crops)));
        let x: Tensor<2> = x.flatten(1, 3);
        self.out
            .forward(self.dropout.forward(relu(self.hidden.forward(x))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::tensor::Distribution;

    #[test]
    fn crops_become_one_row_of_logits_each() {
        let device = Device::flex();
        let net = BibNetConfig { classes: 8 }.init(&device);
        let crops = Tensor::<4>::random([5, 3, SIDE, SIDE], Distribution::Default, &device);
        assert_eq!(net.forward(crops).dims(), [5, 8]);
    }
}
