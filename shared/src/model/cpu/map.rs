//! Feature maps in channels-last order, the layout every layer of the fast path reads and
//! writes: one pixel's channels are contiguous, so a 1x1 convolution is a plain matrix product
//! over the map's rows and a concatenation along channels is only a channel offset.

use std::cell::RefCell;

/// A batch of feature maps, `[batch, height, width, channels]`, row-major.
///
/// Inside [`recycling`] a dropped map's buffer goes back to the pool for the next map.
#[derive(Clone, Debug, PartialEq)]
pub struct FeatureMap {
    pub(super) data: Vec<f32>,
    pub(super) batch: usize,
    pub(super) height: usize,
    pub(super) width: usize,
    pub(super) channels: usize,
}

/// Buffers of dropped maps, while this thread runs [`recycling`].
///
/// Each layer writes a new map of up to tens of megabytes. Fresh from the allocator, those are
/// new pages that the kernel faults in and zeroes one by one: about a tenth of the network's
/// time (`docs/performance.md`). The same sizes come back layer after layer and image after
/// image, so maps reuse the buffers of the maps dropped before them. Hand-written because no
/// allocator crate reuses by size across frees like this without replacing the global
/// allocator of every program that links `shared`.
///
/// Kept buffers must not raise peak memory: what the pool and the living maps hold together
/// stays within the most values the living maps have ever needed at once (what they would hold
/// without a pool). A spare buffer is kept only within that, lent only to a map that needs at
/// least half of it, and spare buffers are freed before a new one would exceed it.
#[derive(Debug, Default)]
pub struct Pool {
    buffers: Vec<Vec<f32>>,
    /// Values the spare buffers can hold.
    spare: usize,
    /// Values the buffers of living maps can hold.
    lent: usize,
    /// Values the living maps need.
    need: usize,
    /// The most values living maps have needed at once.
    peak: usize,
}

impl Pool {
    /// Spare buffers kept at most; more are freed. A forward pass holds far fewer maps at once.
    const MAX_BUFFERS: usize = 24;

    /// A buffer of `len` values for a new map: the smallest spare one that holds them, its
    /// values whatever it held, or a new one.
    fn lend(&mut self, len: usize) -> Vec<f32> {
        self.need += len;
        self.peak = self.peak.max(self.need);
        let best = (0..self.buffers.len())
            .filter(|&i| (len..=2 * len).contains(&self.buffers[i].capacity()))
            .min_by_key(|&i| self.buffers[i].capacity());
        let buffer = match best {
            Some(i) => {
                let mut buffer = self.buffers.swap_remove(i);
                self.spare -= buffer.capacity();
                buffer.resize(len, 0.0);
                buffer
            }
            None => {
                while self.spare + self.lent + len > self.peak {
                    let Some(largest) =
                        (0..self.buffers.len()).max_by_key(|&i| self.buffers[i].capacity())
                    else {
                        break;
                    };
                    self.spare -= self.buffers.swap_remove(largest).capacity();
                }
                vec![0.0; len]
            }
        };
        self.lent += buffer.capacity();
        buffer
    }

    #[cfg(test)]
    pub fn is_empty(&self) -> bool {
        self.buffers.is_empty()
    }

    fn give(&mut self, buffer: Vec<f32>) {
        let size = buffer.capacity();
        self.lent = self.lent.saturating_sub(size);
        self.need = self.need.saturating_sub(buffer.len());
        if size > 0
            && self.buffers.len() < Self::MAX_BUFFERS
            && self.spare + self.lent + size <= self.peak
        {
            self.spare += size;
            self.buffers.push(buffer);
        }
    }
}

thread_local! {
    /// The pool lent to this thread by [`recycling`], if any.
    static LENT: RefCell<Option<Pool>> = const { RefCell::new(None) };
}

/// Runs `work` with `pool` lent to the maps this thread makes and drops, then takes it back.
/// Maps made outside (or on other threads) allocate as usual.
pub fn recycling<R>(pool: &mut Pool, work: impl FnOnce() -> R) -> R {
    /// Takes the pool back even if `work` unwinds.
    struct Return<'a>(&'a mut Pool);
    impl Drop for Return<'_> {
        fn drop(&mut self) {
            if let Some(pool) = LENT.with(|lent| lent.borrow_mut().take()) {
                *self.0 = pool;
            }
        }
    }
    LENT.with(|lent| *lent.borrow_mut() = Some(std::mem::take(pool)));
    let _return = Return(pool);
    work()
}

impl Drop for FeatureMap {
    fn drop(&mut self) {
        let buffer = std::mem::take(&mut self.data);
        // `try_with`: a map dropped while the thread's locals are torn down just frees.
        let _ = LENT.try_with(|lent| {
            if let Some(pool) = lent.borrow_mut().as_mut() {
                pool.give(buffer);
            }
        });
    }
}

impl FeatureMap {
    /// A map whose values are left as a recycled buffer held them (initialised, but
    /// meaningless): for a caller that writes every value, which every layer does.
    pub fn for_overwrite(batch: usize, height: usize, width: usize, channels: usize) -> Self {
        let len = batch * height * width * channels;
        let data = LENT
            .with(|lent| lent.borrow_mut().as_mut().map(|pool| pool.lend(len)))
            .unwrap_or_else(|| vec![0.0; len]);
        Self {
            data,
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
        let mut map = Self::for_overwrite(batch, height, width, channels);
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

    /// A map with the same batch and size and another channel count, for overwriting.
    pub fn like(&self, channels: usize) -> Self {
        Self::for_overwrite(self.batch, self.height, self.width, channels)
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
    let mut out = FeatureMap::for_overwrite(m.batch, 2 * m.height, 2 * m.width, input.count);
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
    fn a_dropped_map_lends_its_buffer_to_the_next_only_while_recycling() {
        let mut pool = Pool::default();
        recycling(&mut pool, || {
            let first = FeatureMap::for_overwrite(1, 4, 4, 8);
            let address = first.data.as_ptr();
            drop(first);
            // Smaller, at least half of it, fits: the same buffer, cut to size.
            let second = FeatureMap::for_overwrite(1, 2, 4, 8);
            assert_eq!((second.data.as_ptr(), second.data.len()), (address, 64));
            // Larger does not.
            let third = FeatureMap::for_overwrite(1, 8, 8, 8);
            assert_ne!(third.data.as_ptr(), address);
        });
        // 576 values were needed at once (64 + 512). The third map, dropped first while the
        // second still held 128, is freed (128 + 512 > 576); the second's 128 are kept.
        assert_eq!((pool.buffers.len(), pool.spare, pool.peak), (1, 128, 576));
        let outside = FeatureMap::for_overwrite(1, 4, 4, 8);
        drop(outside);
        assert_eq!(
            pool.buffers.len(),
            1,
            "maps outside `recycling` free their buffers"
        );
    }

    #[test]
    fn the_pool_never_holds_more_than_the_maps_needed_at_once() {
        let mut pool = Pool::default();
        recycling(&mut pool, || {
            // 100 values at once at most; then 10 and 60 live together. Keeping the 10's
            // buffer once it is dropped would make 170 (100 + 10 + 60) held at once.
            drop(FeatureMap::for_overwrite(1, 1, 1, 100));
            let small = FeatureMap::for_overwrite(1, 1, 1, 10);
            let other = FeatureMap::for_overwrite(1, 1, 1, 60);
            drop(small);
            let held = LENT.with(|lent| {
                let lent = lent.borrow();
                let pool = lent.as_ref().unwrap();
                pool.spare + pool.lent
            });
            assert!(held <= 100, "{held} values held");
            drop(other);
        });
        assert!(pool.spare <= pool.peak, "{pool:?}");
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
