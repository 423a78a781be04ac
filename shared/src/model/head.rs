//! The decoupled detection head with Distribution Focal Loss (DFL) box decoding.

use burn::module::Module;
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::tensor::activation::{sigmoid, softmax};
use burn::tensor::{Device, Tensor, TensorData};

use super::conv::{ConvBlock, ConvBlockConfig};

/// Bins per box side: each side's distance is predicted as a distribution over 0..16 strides.
pub const REG_MAX: usize = 16;
/// Strides of the three detection levels.
pub const STRIDES: [usize; 3] = [8, 16, 32];

/// Two 3x3 Conv-SiLU blocks and a plain 1x1 convolution.
#[derive(Module, Debug)]
pub struct Branch {
    pub conv1: ConvBlock,
    pub conv2: ConvBlock,
    pub out: Conv2d,
}

impl Branch {
    fn new(in_channels: usize, hidden: usize, out_channels: usize, device: &Device) -> Self {
        Self {
            conv1: ConvBlockConfig::new(in_channels, hidden, 3, 1).init(device),
            conv2: ConvBlockConfig::new(hidden, hidden, 3, 1).init(device),
            out: Conv2dConfig::new([hidden, out_channels], [1, 1]).init(device),
        }
    }

    fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        self.out.forward(self.conv2.forward(self.conv1.forward(x)))
    }
}

/// Per level, a box branch (4 x [`REG_MAX`] logits) and a class branch (one logit per class).
#[derive(Module, Debug)]
pub struct Head {
    pub box_branches: Vec<Branch>,
    pub class_branches: Vec<Branch>,
    pub num_classes: usize,
}

impl Head {
    /// `channels`: the neck's output channels per level.
    pub fn new(channels: [usize; 3], num_classes: usize, device: &Device) -> Self {
        let box_hidden = (channels[0] / 4).max(16).max(4 * REG_MAX);
        let class_hidden = channels[0].max(num_classes.min(100));
        Self {
            box_branches: channels
                .iter()
                .map(|&c| Branch::new(c, box_hidden, 4 * REG_MAX, device))
                .collect(),
            class_branches: channels
                .iter()
                .map(|&c| Branch::new(c, class_hidden, num_classes, device))
                .collect(),
            num_classes,
        }
    }

    /// Decodes the three levels into `[batch, 4 + classes, anchors]`: boxes as centre x,
    /// centre y, width, height in input pixels, then class probabilities. This is the layout
    /// of Ultralytics' exported models, so raw outputs can be compared directly.
    pub fn forward(&self, levels: [Tensor<4>; 3]) -> Tensor<3> {
        let device = levels[0].device();
        let [batch, _, _, _] = levels[0].dims();
        let mut boxes = Vec::with_capacity(3);
        let mut classes = Vec::with_capacity(3);
        let mut sizes = Vec::with_capacity(3);
        for ((x, box_branch), class_branch) in levels
            .into_iter()
            .zip(&self.box_branches)
            .zip(&self.class_branches)
        {
            let [_, _, h, w] = x.dims();
            sizes.push((h, w));
            boxes.push(
                box_branch
                    .forward(x.clone())
                    .reshape([batch, 4 * REG_MAX, h * w]),
            );
            classes.push(
                class_branch
                    .forward(x)
                    .reshape([batch, self.num_classes, h * w]),
            );
        }
        let anchors: usize = sizes.iter().map(|(h, w)| h * w).sum();
        let distances = dfl(Tensor::cat(boxes, 2), &device);
        let classes = sigmoid(Tensor::cat(classes, 2));

        // The constants follow the network's float type, so a model cast to f16 runs in f16.
        let dtype = distances.dtype();
        let (points, strides) = anchor_grid(&sizes);
        let points =
            Tensor::<3>::from_data(TensorData::new(points, [1, 2, anchors]), &device).cast(dtype);
        let strides =
            Tensor::<3>::from_data(TensorData::new(strides, [1, 1, anchors]), &device).cast(dtype);

        // Distances to the left/top and right/bottom edges, in grid units.
        let near = distances.clone().narrow(1, 0, 2);
        let far = distances.narrow(1, 2, 2);
        let top_left = points.clone() - near;
        let bottom_right = points + far;
        let centre = (top_left.clone() + bottom_right.clone()) / 2.0;
        let size = bottom_right - top_left;
        let boxes = Tensor::cat(vec![centre, size], 1) * strides;
        Tensor::cat(vec![boxes, classes], 1)
    }
}

/// The expected value of each side's distribution: softmax over the bins, then the
/// probability-weighted bin index.
fn dfl(logits: Tensor<3>, device: &Device) -> Tensor<3> {
    let [batch, _, anchors] = logits.dims();
    let probs = softmax(logits.reshape([batch, 4, REG_MAX, anchors]), 2);
    let bins: Vec<f32> = (0..REG_MAX).map(|i| i as f32).collect();
    let bins = Tensor::<4>::from_data(TensorData::new(bins, [1, 1, REG_MAX, 1]), device)
        .cast(probs.dtype());
    (probs * bins).sum_dim(2).reshape([batch, 4, anchors])
}

/// Anchor centres (x then y, in grid units of each level) and the stride of each anchor,
/// in the order the levels are concatenated: level by level, row-major within a level.
fn anchor_grid(sizes: &[(usize, usize)]) -> (Vec<f32>, Vec<f32>) {
    let total: usize = sizes.iter().map(|(h, w)| h * w).sum();
    let mut xs = Vec::with_capacity(total);
    let mut ys = Vec::with_capacity(total);
    let mut strides = Vec::with_capacity(total);
    for (&(h, w), &stride) in sizes.iter().zip(STRIDES.iter()) {
        for row in 0..h {
            for col in 0..w {
                xs.push(col as f32 + 0.5);
                ys.push(row as f32 + 0.5);
                strides.push(stride as f32);
            }
        }
    }
    xs.extend(ys);
    (xs, strides)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_are_row_major_per_level() {
        let (points, strides) = anchor_grid(&[(2, 3), (1, 1)]);
        // 7 anchors: x for all, then y for all.
        assert_eq!(&points[..7], &[0.5, 1.5, 2.5, 0.5, 1.5, 2.5, 0.5]);
        assert_eq!(&points[7..], &[0.5, 0.5, 0.5, 1.5, 1.5, 1.5, 0.5]);
        assert_eq!(strides, [8.0, 8.0, 8.0, 8.0, 8.0, 8.0, 16.0]);
    }

    #[test]
    fn dfl_of_a_peaked_distribution_is_its_bin() {
        let device = Device::flex();
        let mut logits = vec![-50.0f32; 4 * REG_MAX];
        for (side, bin) in [3usize, 0, 15, 7].into_iter().enumerate() {
            logits[side * REG_MAX + bin] = 50.0;
        }
        let t = Tensor::<3>::from_data(TensorData::new(logits, [1, 4 * REG_MAX, 1]), &device);
        let out = dfl(t, &device).into_data().try_to_vec::<f32>().unwrap();
        for (got, want) in out.iter().zip([3.0, 0.0, 15.0, 7.0]) {
            assert!((got - want).abs() < 1e-4, "{out:?}");
        }
    }
}
