//! Conv-BN-SiLU, the building block of every YOLOv8 layer, in its fused inference form.

use burn::module::Module;
use burn::nn::PaddingConfig2d;
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::tensor::{Device, Tensor, activation::silu};

/// Configuration of a [`ConvBlock`].
#[derive(Clone, Debug)]
pub struct ConvBlockConfig {
    pub in_channels: usize,
    pub out_channels: usize,
    pub kernel: usize,
    pub stride: usize,
}

impl ConvBlockConfig {
    pub fn new(in_channels: usize, out_channels: usize, kernel: usize, stride: usize) -> Self {
        Self {
            in_channels,
            out_channels,
            kernel,
            stride,
        }
    }

    pub fn init(&self, device: &Device) -> ConvBlock {
        let pad = self.kernel / 2;
        let conv = Conv2dConfig::new([self.in_channels, self.out_channels], [self.kernel; 2])
            .with_stride([self.stride; 2])
            .with_padding(PaddingConfig2d::Explicit(pad, pad, pad, pad))
            .with_bias(true)
            .init(device);
        ConvBlock { conv }
    }
}

/// Convolution followed by SiLU.
///
/// Ultralytics trains this block as convolution → BatchNorm → SiLU. For inference the
/// BatchNorm is an affine map per channel, so it is folded into the convolution's weight and
/// bias when the weights are loaded (see [`super::weights`]): one pass over the data
/// instead of two, and one module for every device.
#[derive(Module, Debug)]
pub struct ConvBlock {
    pub conv: Conv2d,
}

impl ConvBlock {
    pub fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        silu(self.conv.forward(x))
    }
}
