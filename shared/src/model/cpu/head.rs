//! The detection head on channels-last maps, mirroring [`super::super::head`]: two branches
//! per level, then the distribution focal loss decoding and the anchor grid, written straight
//! into Burn's output layout `[batch, 4 + classes, anchors]`.

use super::super::head::{Branch as BurnBranch, Head as BurnHead, REG_MAX, STRIDES};
use super::blocks::conv_block;
use super::conv::{Activation, Conv};
use super::map::FeatureMap;
use super::math::{exp, sigmoid};

struct Branch {
    conv1: Conv,
    conv2: Conv,
    out: Conv,
}

impl Branch {
    fn new(branch: &BurnBranch) -> Self {
        Self {
            conv1: conv_block(&branch.conv1),
            conv2: conv_block(&branch.conv2),
            out: Conv::from_burn(&branch.out, Activation::Linear),
        }
    }

    fn forward(&self, x: &FeatureMap) -> FeatureMap {
        let hidden = self
            .conv2
            .forward(&[self.conv1.forward(&[x.view()]).view()]);
        self.out.forward(&[hidden.view()])
    }
}

pub struct Head {
    boxes: Vec<Branch>,
    classes: Vec<Branch>,
    num_classes: usize,
}

impl Head {
    pub fn new(head: &BurnHead) -> Self {
        Self {
            boxes: head.box_branches.iter().map(Branch::new).collect(),
            classes: head.class_branches.iter().map(Branch::new).collect(),
            num_classes: head.num_classes,
        }
    }

    /// The raw output, `[batch, 4 + classes, anchors]` row-major, and the anchor count.
    pub fn forward(&self, levels: [&FeatureMap; 3]) -> (Vec<f32>, usize) {
        let batch = levels[0].batch;
        let anchors: usize = levels.iter().map(|m| m.height * m.width).sum();
        let rows = 4 + self.num_classes;
        let mut out = vec![0.0; batch * rows * anchors];
        let mut offset = 0;
        for (((x, boxes), classes), stride) in levels
            .into_iter()
            .zip(&self.boxes)
            .zip(&self.classes)
            .zip(STRIDES)
        {
            let distances = boxes.forward(x);
            let scores = classes.forward(x);
            let (h, w) = (x.height, x.width);
            let stride = stride as f32;
            for b in 0..batch {
                let image = &mut out[b * rows * anchors..(b + 1) * rows * anchors];
                for y in 0..h {
                    for x in 0..w {
                        let pixel = (b * h + y) * w + x;
                        let anchor = offset + y * w + x;
                        let logits =
                            &distances.data[pixel * 4 * REG_MAX..(pixel + 1) * 4 * REG_MAX];
                        let [left, top, right, bottom] = std::array::from_fn(|side| {
                            expected_bin(&logits[side * REG_MAX..(side + 1) * REG_MAX])
                        });
                        let (px, py) = (x as f32 + 0.5, y as f32 + 0.5);
                        let (x0, y0, x1, y1) = (px - left, py - top, px + right, py + bottom);
                        image[anchor] = (x0 + x1) / 2.0 * stride;
                        image[anchors + anchor] = (y0 + y1) / 2.0 * stride;
                        image[2 * anchors + anchor] = (x1 - x0) * stride;
                        image[3 * anchors + anchor] = (y1 - y0) * stride;
                        let class_logits =
                            &scores.data[pixel * self.num_classes..(pixel + 1) * self.num_classes];
                        for (c, &v) in class_logits.iter().enumerate() {
                            image[(4 + c) * anchors + anchor] = sigmoid(v);
                        }
                    }
                }
            }
            offset += h * w;
        }
        (out, anchors)
    }
}

/// The distribution focal loss's reading of one side: the mean bin under the softmax of its
/// logits.
fn expected_bin(logits: &[f32]) -> f32 {
    let max = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let (mut total, mut weighted) = (0.0, 0.0);
    for (i, &v) in logits.iter().enumerate() {
        let p = exp(v - max);
        total += p;
        weighted += p * i as f32;
    }
    weighted / total
}
