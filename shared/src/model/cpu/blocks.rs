//! The backbone's and neck's blocks on channels-last maps, mirroring [`super::super::c2f`] and
//! [`super::super::sppf`]: the same weights, read from the Burn modules.

use super::super::c2f::C2f as BurnC2f;
use super::super::conv::ConvBlock;
use super::super::sppf::Sppf as BurnSppf;
use super::conv::{Activation, Conv};
use super::map::{FeatureMap, View, max_pool_same};

pub fn conv_block(block: &ConvBlock) -> Conv {
    Conv::from_burn(&block.conv, Activation::Silu)
}

struct Bottleneck {
    cv1: Conv,
    cv2: Conv,
    shortcut: bool,
}

/// C2f. Its split and concatenation cost nothing here: `cv1` writes the first two pieces into
/// one map wide enough for all of them, each bottleneck reads the last piece in place and
/// writes the next beside it, and `cv2` reads the whole map.
pub struct C2f {
    cv1: Conv,
    cv2: Conv,
    bottlenecks: Vec<Bottleneck>,
}

impl C2f {
    pub fn new(block: &BurnC2f) -> Self {
        Self {
            cv1: conv_block(&block.cv1),
            cv2: conv_block(&block.cv2),
            bottlenecks: block
                .bottlenecks
                .iter()
                .map(|b| Bottleneck {
                    cv1: conv_block(&b.cv1),
                    cv2: conv_block(&b.cv2),
                    shortcut: b.shortcut,
                })
                .collect(),
        }
    }

    /// On `inputs` concatenated along channels.
    pub fn forward(&self, inputs: &[View<'_>]) -> FeatureMap {
        let hidden = self.cv1.out_channels() / 2;
        let first = inputs.first().expect("at least one input").map();
        let mut pieces = first.like((2 + self.bottlenecks.len()) * hidden);
        self.cv1.forward_into(inputs, &mut pieces, 0, None);
        for (i, b) in self.bottlenecks.iter().enumerate() {
            let last = (1 + i) * hidden;
            let inner = b.cv1.forward(&[pieces.slice(last, hidden)]);
            b.cv2.forward_into(
                &[inner.view()],
                &mut pieces,
                last + hidden,
                b.shortcut.then_some(last),
            );
        }
        self.cv2.forward(&[pieces.view()])
    }
}

/// SPPF: three chained 5x5 max pools, concatenated with their input and mixed by `cv2`.
pub struct Sppf {
    cv1: Conv,
    cv2: Conv,
}

impl Sppf {
    const POOL: usize = 5;

    pub fn new(block: &BurnSppf) -> Self {
        Self {
            cv1: conv_block(&block.cv1),
            cv2: conv_block(&block.cv2),
        }
    }

    pub fn forward(&self, x: &FeatureMap) -> FeatureMap {
        let y0 = self.cv1.forward(&[x.view()]);
        let y1 = max_pool_same(&y0, Self::POOL);
        let y2 = max_pool_same(&y1, Self::POOL);
        let y3 = max_pool_same(&y2, Self::POOL);
        self.cv2
            .forward(&[y0.view(), y1.view(), y2.view(), y3.view()])
    }
}
