//! Feature maps in channels-last order, the layout every layer of the fast path reads and
//! writes: one pixel's channels are contiguous, so a 1x1 convolution is a plain matrix product
//! over the map's rows and a concatenation along channels is only a channel offset.

/// A batch of feature maps, `[batch, height, width, channels]`, row-major.
#[derive(Clone, Debug, PartialEq)]
pub struct FeatureMap {
    pub(super) data: Vec<f32>,
    pub(super) batch: usize,
    pub(super) height: usize,
    pub(super) width: usize,
    pub(super) channels: usize,
}

impl FeatureMap {
    pub fn zeros(batch: usize, height: usize, width: usize, channels: usize) -> Self {
        Self {
            data: vec![0.0; batch * height * width * channels],
            batch,
            height,
            width,
            channels,
        }
    }

    /// From Burn's channel-major `[batch, channels, height, width]` values.
    pub fn from_channel_major(
        values: &[f32],
        [batch, channels, height, width]: [usize; 4],
    ) -> Self {
        assert_eq!(
            values.len(),
            batch * channels * height * width,
            "shape and values agree"
        );
        let mut map = Self::zeros(batch, height, width, channels);
        let plane = height * width;
        for b in 0..batch {
            let image = &values[b * channels * plane..(b + 1) * channels * plane];
            let out = &mut map.data[b * plane * channels..(b + 1) * plane * channels];
            for (c, src) in image.chunks_exact(plane).enumerate() {
                for (p, &v) in src.iter().enumerate() {
                    out[p * channels + c] = v;
                }
            }
        }
        map
    }

    /// Pixels over the whole batch: the rows of the map seen as a matrix.
    pub fn rows(&self) -> usize {
        self.batch * self.height * self.width
    }

    /// All channels.
    pub fn view(&self) -> View<'_> {
        self.slice(0, self.channels)
    }

    /// Channels `first..first + count`.
    pub fn slice(&self, first: usize, count: usize) -> View<'_> {
        assert!(
            first + count <= self.channels,
            "channel slice inside the map"
        );
        View {
            map: self,
            first,
            count,
        }
    }

    /// The map with the same batch and size and another channel count.
    pub fn like(&self, channels: usize) -> Self {
        Self::zeros(self.batch, self.height, self.width, channels)
    }
}

/// Some of a map's channels, read in place.
#[derive(Clone, Copy, Debug)]
pub struct View<'a> {
    pub(super) map: &'a FeatureMap,
    pub(super) first: usize,
    pub(super) count: usize,
}

impl<'a> View<'a> {
    pub fn channels(&self) -> usize {
        self.count
    }

    pub fn map(&self) -> &'a FeatureMap {
        self.map
    }

    /// The view's channels of pixel `row` (over the batch, row-major).
    pub fn pixel(&self, row: usize) -> &'a [f32] {
        let start = row * self.map.channels + self.first;
        &self.map.data[start..start + self.count]
    }
}

/// 2x nearest-neighbour upsampling.
pub fn upsample2(input: View<'_>) -> FeatureMap {
    let m = input.map;
    let mut out = FeatureMap::zeros(m.batch, 2 * m.height, 2 * m.width, input.count);
    let c = input.count;
    for b in 0..m.batch {
        for y in 0..2 * m.height {
            for x in 0..2 * m.width {
                let src = input.pixel((b * m.height + y / 2) * m.width + x / 2);
                let dst = ((b * 2 * m.height + y) * 2 * m.width + x) * c;
                out.data[dst..dst + c].copy_from_slice(src);
            }
        }
    }
    out
}

/// Max pooling over a `size`x`size` window, stride 1, padded so the size stays (padding never
/// wins). Done as a pass along rows then one along columns: a square window's maximum is the
/// maximum of its rows' maxima.
pub fn max_pool_same(input: &FeatureMap, size: usize) -> FeatureMap {
    let r = size / 2;
    let (h, w, c) = (input.height, input.width, input.channels);
    let mut along_x = input.like(c);
    let mut out = input.like(c);
    for b in 0..input.batch {
        for y in 0..h {
            for x in 0..w {
                let dst = ((b * h + y) * w + x) * c;
                let (lo, hi) = (x.saturating_sub(r), (x + r).min(w - 1));
                along_x.data[dst..dst + c].copy_from_slice(&input.data[dst..dst + c]);
                for xx in lo..=hi {
                    let src = ((b * h + y) * w + xx) * c;
                    for k in 0..c {
                        along_x.data[dst + k] = along_x.data[dst + k].max(input.data[src + k]);
                    }
                }
            }
        }
        for y in 0..h {
            let (lo, hi) = (y.saturating_sub(r), (y + r).min(h - 1));
            for x in 0..w {
                let dst = ((b * h + y) * w + x) * c;
                out.data[dst..dst + c].copy_from_slice(&along_x.data[dst..dst + c]);
                for yy in lo..=hi {
                    let src = ((b * h + yy) * w + x) * c;
                    for k in 0..c {
                        out.data[dst + k] = out.data[dst + k].max(along_x.data[src + k]);
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channel_major_values_land_channels_last() {
        // [1, 2, 1, 3]: channel 0 is 0,1,2 and channel 1 is 10,11,12.
        let map = FeatureMap::from_channel_major(&[0.0, 1.0, 2.0, 10.0, 11.0, 12.0], [1, 2, 1, 3]);
        assert_eq!(map.data, [0.0, 10.0, 1.0, 11.0, 2.0, 12.0]);
        assert_eq!(map.slice(1, 1).pixel(2), &[12.0]);
    }

    #[test]
    fn upsampling_repeats_each_pixel_in_a_square() {
        let map = FeatureMap::from_channel_major(&[1.0, 2.0], [1, 1, 1, 2]);
        let up = upsample2(map.view());
        assert_eq!((up.height, up.width), (2, 4));
        assert_eq!(up.data, [1.0, 1.0, 2.0, 2.0, 1.0, 1.0, 2.0, 2.0]);
    }

    #[test]
    fn pooling_takes_the_window_maximum_and_ignores_the_padding() {
        // 1 channel, 3x3, a single peak in a corner and negative elsewhere.
        let mut values = vec![-1.0; 9];
        values[0] = 5.0;
        let map = FeatureMap::from_channel_major(&values, [1, 1, 3, 3]);
        let pooled = max_pool_same(&map, 3);
        assert_eq!(
            pooled.data,
            [5.0, 5.0, -1.0, 5.0, 5.0, -1.0, -1.0, -1.0, -1.0]
        );
    }
}
