//! YOLOv8 model scales: one architecture, five sizes.

use serde::{Deserialize, Serialize};

/// The five YOLOv8 sizes. Each scales the base network's depth (blocks per C2f stage) and
/// width (channels per layer), and caps the deepest stage's channels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scale {
    N,
    S,
    M,
    L,
    X,
}

impl Scale {
    pub const ALL: [Scale; 5] = [Scale::N, Scale::S, Scale::M, Scale::L, Scale::X];

    /// `(depth multiple, width multiple, max channels)` as in Ultralytics' `yolov8.yaml`.
    fn multipliers(self) -> (f64, f64, usize) {
        match self {
            Scale::N => (0.33, 0.25, 1024),
            Scale::S => (0.33, 0.50, 1024),
            Scale::M => (0.67, 0.75, 768),
            Scale::L => (1.00, 1.00, 512),
            Scale::X => (1.00, 1.25, 512),
        }
    }

    /// Channels of a layer whose base (unscaled) width is `base`: capped, scaled and rounded up
    /// to a multiple of 8.
    pub fn channels(self, base: usize) -> usize {
        let (_, width, max) = self.multipliers();
        let scaled = (base.min(max) as f64 * width).ceil() as usize;
        scaled.div_ceil(8) * 8
    }

    /// Number of blocks of a stage whose base depth is `base`.
    pub fn depth(self, base: usize) -> usize {
        let (depth, _, _) = self.multipliers();
        if base > 1 {
            ((base as f64 * depth).round() as usize).max(1)
        } else {
            base
        }
    }

    /// The scale whose stem (first convolution) has `channels` output channels; this is how a
    /// checkpoint's scale is recognised from its tensor shapes.
    pub fn from_stem_channels(channels: usize) -> Option<Scale> {
        Scale::ALL.into_iter().find(|s| s.channels(64) == channels)
    }

    pub fn letter(self) -> char {
        match self {
            Scale::N => 'n',
            Scale::S => 's',
            Scale::M => 'm',
            Scale::L => 'l',
            Scale::X => 'x',
        }
    }

    pub fn from_letter(letter: &str) -> Option<Scale> {
        Scale::ALL
            .into_iter()
            .find(|s| letter.len() == 1 && letter.starts_with(s.letter()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channels_match_the_published_models() {
        // Deepest stage (base 1024) of each published YOLOv8: 256, 512, 576, 512, 640.
        let deepest: Vec<_> = Scale::ALL.iter().map(|s| s.channels(1024)).collect();
        assert_eq!(deepest, [256, 512, 576, 512, 640]);
        assert_eq!(Scale::S.channels(64), 32);
        assert_eq!(Scale::N.channels(64), 16);
    }

    #[test]
    fn depth_matches_the_published_models() {
        assert_eq!(Scale::N.depth(3), 1);
        assert_eq!(Scale::N.depth(6), 2);
        assert_eq!(Scale::M.depth(3), 2);
        assert_eq!(Scale::M.depth(6), 4);
        assert_eq!(Scale::L.depth(6), 6);
    }

    #[test]
    fn stem_channels_identify_the_scale() {
        for s in Scale::ALL {
            assert_eq!(Scale::from_stem_channels(s.channels(64)), Some(s));
        }
        assert_eq!(Scale::from_stem_channels(17), None);
    }
}
