//! Convolution as a matrix product over channels-last rows, with its bias, activation and
//! residual applied while the rows are still in cache.
//!
//! The output's rows (one per output pixel over the batch) are cut into chunks. For each chunk
//! a 1x1 convolution multiplies the input rows in place by the weights; a larger kernel first
//! copies each output pixel's receptive field into a row of a scratch matrix (im2col, sized to
//! stay in the core's cache), then multiplies. The product is `gemm`'s, the crate Burn's CPU
//! backend also uses; what this module adds is the layout, so no layer pays for converting
//! between channel-major and channels-last, a separate pass for bias and SiLU, or a copy for
//! a concatenation.

use burn::nn::PaddingConfig2d;
use burn::nn::conv::Conv2d;

use super::map::{FeatureMap, View};
use super::math::silu_in_place;
use super::winograd;

/// What follows the product.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Activation {
    Silu,
    /// The head's last convolutions: raw logits.
    Linear,
}

/// A convolution's weights packed for the product.
#[derive(Clone, Debug)]
pub struct Conv {
    in_channels: usize,
    out_channels: usize,
    kernel: usize,
    stride: usize,
    pad: usize,
    weights: Weights,
    bias: Vec<f32>,
    activation: Activation,
}

/// The weights in the order the convolution's method reads them. A receptive field's values
/// are numbered `(ky · kernel + kx) · in + i`, the order in which im2col lays them out.
#[derive(Clone, Debug)]
enum Weights {
    /// `[kernel² · in, out]`, row-major: the right-hand side of the product.
    Product(Vec<f32>),
    /// For a 3x3 stride-1 convolution: `[16, in, out]`, transformed for
    /// [`winograd`](super::winograd).
    Winograd(Vec<f32>),
    /// For a shallow convolution ([`SHALLOW`]): `[out / BLOCK, kernel² · in, BLOCK]`, the last
    /// block zero-padded, so each block of outputs reads its weights in one stream.
    Blocked(Vec<f32>),
}

/// Elements of im2col scratch per chunk: about 512 KiB of f32, inside a core's L2.
const SCRATCH: usize = 128 * 1024;

/// Receptive fields of at most this many values (the stem's: 3x3 over RGB, 27) are accumulated
/// in place: for them im2col copies three values at a time and the product's depth is too small
/// for gemm's kernels to run full, so both cost several times the arithmetic.
const SHALLOW: usize = 64;

/// Tiles a Winograd band holds at least: fewer leave gemm's kernels short of rows.
const MIN_TILES: usize = 48;

/// Output channels a shallow convolution accumulates at once, in registers.
const BLOCK: usize = 16;

impl Conv {
    /// Packs a Burn convolution (square kernel, symmetric padding, one group, no dilation:
    /// every convolution of YOLOv8).
    ///
    /// # Panics
    /// On any other convolution, or weights that cannot be read as f32 on the CPU.
    pub fn from_burn(conv: &Conv2d, activation: Activation) -> Self {
        let [out_channels, in_channels, kh, kw] = conv.weight.val().dims();
        assert!(
            kh == kw && conv.stride[0] == conv.stride[1],
            "square kernels and strides"
        );
        assert!(
            conv.groups == 1 && conv.dilation == [1, 1],
            "plain convolutions only"
        );
        let pad = match conv.padding {
            PaddingConfig2d::Valid => 0,
            PaddingConfig2d::Same => kh / 2,
            PaddingConfig2d::Explicit(top, left, bottom, right) => {
                assert!(
                    top == left && left == bottom && bottom == right,
                    "symmetric padding"
                );
                top
            }
        };
        let read = |t: burn::tensor::Tensor<1>| -> Vec<f32> {
            t.into_data()
                .convert::<f32>()
                .try_into_vec::<f32>()
                .expect("f32 weights on the CPU")
        };
        let raw = read(conv.weight.val().flatten(0, 3));
        let k = kh;
        let mut weights = vec![0.0; raw.len()];
        for o in 0..out_channels {
            for i in 0..in_channels {
                for ky in 0..k {
                    for kx in 0..k {
                        let row = (ky * k + kx) * in_channels + i;
                        weights[row * out_channels + o] =
                            raw[((o * in_channels + i) * k + ky) * k + kx];
                    }
                }
            }
        }
        let depth = k * k * in_channels;
        let weights = if k > 1 && depth <= SHALLOW {
            let mut blocked = vec![0.0; out_channels.div_ceil(BLOCK) * depth * BLOCK];
            for (row, values) in weights.chunks_exact(out_channels).enumerate() {
                for (o, &v) in values.iter().enumerate() {
                    blocked[((o / BLOCK) * depth + row) * BLOCK + o % BLOCK] = v;
                }
            }
            Weights::Blocked(blocked)
        } else if k == 3 && conv.stride[0] == 1 && pad == 1 {
            Weights::Winograd(winograd::transform_weights(
                &weights,
                in_channels,
                out_channels,
            ))
        } else {
            Weights::Product(weights)
        };
        let bias = match &conv.bias {
            Some(b) => read(b.val()),
            None => vec![0.0; out_channels],
        };
        Self {
            in_channels,
            out_channels,
            kernel: k,
            stride: conv.stride[0],
            pad,
            weights,
            bias,
            activation,
        }
    }

    pub fn out_channels(&self) -> usize {
        self.out_channels
    }

    /// The output's height and width for an input of `height` x `width`.
    fn out_size(&self, height: usize, width: usize) -> (usize, usize) {
        let f = |n: usize| (n + 2 * self.pad - self.kernel) / self.stride + 1;
        (f(height), f(width))
    }

    /// Runs on `inputs` taken as one concatenation along channels, into a new map.
    pub fn forward(&self, inputs: &[View<'_>]) -> FeatureMap {
        let first = inputs.first().expect("at least one input").map();
        let (h, w) = self.out_size(first.height, first.width);
        let mut out = FeatureMap::for_overwrite(first.batch, h, w, self.out_channels);
        self.forward_into(inputs, &mut out, 0, None);
        out
    }

    /// Runs on `inputs` (their channels concatenated, as Burn's `cat` along dimension 1 would
    /// give: only 1x1 convolutions take several) and writes channels `at..at + out` of `out`.
    /// With `residual`, the channels of `out` from there on are added after the activation
    /// (a bottleneck's shortcut).
    ///
    /// # Panics
    /// When the inputs' channels, sizes or the output's shape do not fit this convolution.
    pub fn forward_into(
        &self,
        inputs: &[View<'_>],
        out: &mut FeatureMap,
        at: usize,
        residual: Option<usize>,
    ) {
        let first = inputs.first().expect("at least one input").map();
        assert_eq!(
            inputs.iter().map(View::channels).sum::<usize>(),
            self.in_channels,
            "input channels"
        );
        assert!(
            inputs.iter().all(|v| {
                let m = v.map();
                (m.batch, m.height, m.width) == (first.batch, first.height, first.width)
            }),
            "concatenated inputs share their size"
        );
        assert!(
            inputs.len() == 1 || (self.kernel == 1 && self.stride == 1),
            "only 1x1 convolutions take a concatenation in place"
        );
        let (h, w) = self.out_size(first.height, first.width);
        assert_eq!(
            (out.batch, out.height, out.width),
            (first.batch, h, w),
            "output size"
        );
        assert!(at + self.out_channels <= out.channels, "output channels");
        if let Some(r) = residual {
            assert!(
                r + self.out_channels <= out.channels
                    && (r + self.out_channels <= at || at + self.out_channels <= r),
                "the residual is other channels of the output"
            );
        }

        if let Weights::Winograd(transformed) = &self.weights {
            return self.forward_winograd(transformed, inputs[0], out, at, residual);
        }
        let depth = self.kernel * self.kernel * self.in_channels;
        let rows = out.rows();
        let stride = out.channels;
        let per_chunk = chunk_rows(rows, depth);
        let job = |scratch: &mut Vec<f32>, index: usize, chunk: &mut [f32]| {
            let start = index * per_chunk;
            let count = chunk.len() / stride;
            if self.kernel == 1 && self.stride == 1 {
                let mut depth_done = 0;
                for (i, input) in inputs.iter().enumerate() {
                    let m = input.map();
                    // Rows `start..` of the input line up with the output's (1x1, stride 1).
                    let lhs = &m.data[start * m.channels + input.first..];
                    self.product(
                        chunk,
                        at,
                        stride,
                        count,
                        lhs,
                        m.channels,
                        input.count,
                        depth_done,
                        i > 0,
                    );
                    depth_done += input.count;
                }
            } else if let Weights::Blocked(blocked) = &self.weights {
                direct(
                    self,
                    blocked,
                    inputs[0],
                    start,
                    count,
                    (h, w),
                    chunk,
                    at,
                    stride,
                );
            } else {
                scratch.resize(count * depth, 0.0);
                self.im2col(inputs[0], start, count, (h, w), scratch);
                self.product(chunk, at, stride, count, scratch, depth, depth, 0, false);
            }
            self.epilogue(chunk, at, stride, residual);
        };
        let chunk_len = per_chunk * stride;
        #[cfg(feature = "parallel")]
        {
            use rayon::prelude::*;
            out.data
                .par_chunks_mut(chunk_len)
                .enumerate()
                .for_each_init(Vec::new, |scratch, (i, chunk)| job(scratch, i, chunk));
        }
        #[cfg(not(feature = "parallel"))]
        {
            let mut scratch = Vec::new();
            for (i, chunk) in out.data.chunks_mut(chunk_len).enumerate() {
                job(&mut scratch, i, chunk);
            }
        }
    }

    /// [`Self::forward_into`] by Winograd's F(2x2, 3x3), in bands of whole tile rows within
    /// one image.
    fn forward_winograd(
        &self,
        transformed: &[f32],
        input: View<'_>,
        out: &mut FeatureMap,
        at: usize,
        residual: Option<usize>,
    ) {
        let (height, width, stride) = (out.height, out.width, out.channels);
        let across = winograd::tiles_per_row(width);
        // Tile rows per band: the band's transformed input and products near [`SCRATCH`],
        // and enough bands to give every thread work.
        #[cfg(feature = "parallel")]
        let threads = rayon::current_num_threads();
        #[cfg(not(feature = "parallel"))]
        let threads = 1;
        let per_tile = 16 * (self.in_channels + self.out_channels);
        let by_cache = (SCRATCH / (per_tile * across)).max(MIN_TILES.div_ceil(across));
        let by_threads = (out.batch * height.div_ceil(2)).div_ceil(2 * threads);
        let band_len = 2 * by_cache.min(by_threads).max(1) * width * stride;
        let image_len = height * width * stride;
        let job =
            |scratch: &mut winograd::Scratch, image: usize, index: usize, band: &mut [f32]| {
                let first_tile_row = index * band_len / (2 * width * stride);
                winograd::band(
                    transformed,
                    input,
                    self.out_channels,
                    image,
                    first_tile_row,
                    band,
                    at,
                    stride,
                    scratch,
                );
                self.epilogue(band, at, stride, residual);
            };
        #[cfg(feature = "parallel")]
        {
            use rayon::prelude::*;
            out.data
                .par_chunks_mut(image_len)
                .enumerate()
                .for_each(|(image, data)| {
                    data.par_chunks_mut(band_len)
                        .enumerate()
                        .for_each_init(winograd::Scratch::default, |scratch, (i, band)| {
                            job(scratch, image, i, band)
                        });
                });
        }
        #[cfg(not(feature = "parallel"))]
        {
            let mut scratch = winograd::Scratch::default();
            for (image, data) in out.data.chunks_mut(image_len).enumerate() {
                for (i, band) in data.chunks_mut(band_len).enumerate() {
                    job(&mut scratch, image, i, band);
                }
            }
        }
    }

    /// `dst[r, at..at + out] (+)= lhs[r, 0..depth] · weights[from..from + depth, ..]` for
    /// `rows` rows; `lhs` rows are `lhs_stride` apart.
    #[allow(clippy::too_many_arguments)]
    fn product(
        &self,
        dst: &mut [f32],
        at: usize,
        dst_stride: usize,
        rows: usize,
        lhs: &[f32],
        lhs_stride: usize,
        depth: usize,
        from: usize,
        accumulate: bool,
    ) {
        let Weights::Product(weights) = &self.weights else {
            unreachable!("only convolutions packed for the product come here")
        };
        let n = self.out_channels;
        multiply(
            &mut dst[at..],
            dst_stride,
            rows,
            lhs,
            lhs_stride,
            depth,
            &weights[from * n..],
            n,
            accumulate,
        );
    }

    /// Copies the receptive fields of output rows `start..start + count` into `scratch`, one
    /// row of `kernel² · in` values each; padding reads as zero.
    fn im2col(
        &self,
        input: View<'_>,
        start: usize,
        count: usize,
        (out_h, out_w): (usize, usize),
        scratch: &mut [f32],
    ) {
        let depth = self.kernel * self.kernel * self.in_channels;
        for (r, row) in scratch.chunks_exact_mut(depth).take(count).enumerate() {
            self.receptive_field(input, start + r, (out_h, out_w), row);
        }
    }

    /// Copies the receptive field of output pixel `pixel` (over the batch, row-major) into
    /// `field`, `kernel² · in` values in im2col's order; padding reads as zero.
    #[inline(always)]
    fn receptive_field(
        &self,
        input: View<'_>,
        pixel: usize,
        (out_h, out_w): (usize, usize),
        field: &mut [f32],
    ) {
        let m = input.map();
        let (k, c) = (self.kernel, self.in_channels);
        let (b, oy, ox) = (
            pixel / (out_h * out_w),
            pixel / out_w % out_h,
            pixel % out_w,
        );
        for ky in 0..k {
            let iy = (oy * self.stride + ky) as isize - self.pad as isize;
            for kx in 0..k {
                let ix = (ox * self.stride + kx) as isize - self.pad as isize;
                let dst = &mut field[(ky * k + kx) * c..(ky * k + kx + 1) * c];
                if iy < 0 || ix < 0 || iy >= m.height as isize || ix >= m.width as isize {
                    dst.fill(0.0);
                } else {
                    let src = (b * m.height + iy as usize) * m.width + ix as usize;
                    // Element by element: the stem's three channels would otherwise be a
                    // library call each.
                    for (d, s) in dst.iter_mut().zip(input.pixel(src)) {
                        *d = *s;
                    }
                }
            }
        }
    }

    /// Bias, activation and residual over the chunk's freshly written channels.
    fn epilogue(&self, chunk: &mut [f32], at: usize, stride: usize, residual: Option<usize>) {
        let n = self.out_channels;
        for row in chunk.chunks_exact_mut(stride) {
            let (values, shortcut) = match residual {
                None => (&mut row[at..at + n], None),
                Some(r) if r < at => {
                    let (low, high) = row.split_at_mut(at);
                    (&mut high[..n], Some(&low[r..r + n]))
                }
                Some(r) => {
                    let (low, high) = row.split_at_mut(r);
                    (&mut low[at..at + n], Some(&high[..n]))
                }
            };
            for (v, b) in values.iter_mut().zip(&self.bias) {
                *v += b;
            }
            if self.activation == Activation::Silu {
                silu_in_place(values);
            }
            if let Some(s) = shortcut {
                for (v, s) in values.iter_mut().zip(s) {
                    *v += s;
                }
            }
        }
    }
}

/// `dst[r, 0..n] (+)= lhs[r, 0..depth] · rhs[0..depth, 0..n]` for `rows` rows; `dst` and `lhs`
/// rows are `dst_stride` and `lhs_stride` apart, `rhs` is row-major.
#[allow(clippy::too_many_arguments)]
pub fn multiply(
    dst: &mut [f32],
    dst_stride: usize,
    rows: usize,
    lhs: &[f32],
    lhs_stride: usize,
    depth: usize,
    rhs: &[f32],
    n: usize,
    accumulate: bool,
) {
    assert!(rows == 0 || (rows - 1) * dst_stride + n <= dst.len());
    assert!(rows == 0 || (rows - 1) * lhs_stride + depth <= lhs.len());
    assert!(depth * n <= rhs.len());
    // SAFETY: the asserts above keep every element gemm reads or writes inside the slices:
    // dst element (r, c) at r·dst_stride + c, lhs (r, k) at r·lhs_stride + k, rhs (k, c) at
    // k·n + c. `dst` is borrowed mutably, so nothing else aliases it.
    unsafe {
        gemm::gemm(
            rows,
            n,
            depth,
            dst.as_mut_ptr(),
            1,
            dst_stride as isize,
            accumulate,
            lhs.as_ptr(),
            1,
            lhs_stride as isize,
            rhs.as_ptr(),
            1,
            n as isize,
            1.0,
            1.0,
            false,
            false,
            false,
            gemm::Parallelism::None,
        );
    }
}

/// Writes output rows `start..start + count` of a shallow convolution (channels `at..` of rows
/// `stride` apart in `chunk`) by accumulating each receptive field against the blocked weights,
/// without bias or activation.
#[allow(clippy::too_many_arguments)]
fn direct(
    conv: &Conv,
    blocked: &[f32],
    input: View<'_>,
    start: usize,
    count: usize,
    out_size: (usize, usize),
    chunk: &mut [f32],
    at: usize,
    stride: usize,
) {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
        {
            // SAFETY: the processor has just been found to support AVX2 and FMA.
            return unsafe {
                direct_avx2(
                    conv, blocked, input, start, count, out_size, chunk, at, stride,
                )
            };
        }
    }
    direct_loop::<false>(
        conv, blocked, input, start, count, out_size, chunk, at, stride,
    );
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
#[allow(clippy::too_many_arguments)]
fn direct_avx2(
    conv: &Conv,
    blocked: &[f32],
    input: View<'_>,
    start: usize,
    count: usize,
    out_size: (usize, usize),
    chunk: &mut [f32],
    at: usize,
    stride: usize,
) {
    direct_loop::<true>(
        conv, blocked, input, start, count, out_size, chunk, at, stride,
    );
}

/// The body of [`direct`], written for the compiler to vectorise: a block of output channels
/// stays in registers while the receptive field, gathered once per pixel, streams past. `FMA`
/// only where the processor has it: elsewhere `mul_add` is a slow library call.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn direct_loop<const FMA: bool>(
    conv: &Conv,
    blocked: &[f32],
    input: View<'_>,
    start: usize,
    count: usize,
    (out_h, out_w): (usize, usize),
    chunk: &mut [f32],
    at: usize,
    stride: usize,
) {
    let n = conv.out_channels;
    let depth = conv.kernel * conv.kernel * conv.in_channels;
    let mut field = [0.0f32; SHALLOW];
    for r in 0..count {
        conv.receptive_field(input, start + r, (out_h, out_w), &mut field[..depth]);
        let row = &mut chunk[r * stride + at..r * stride + at + n];
        for (dst, weights) in row
            .chunks_mut(BLOCK)
            .zip(blocked.chunks_exact(depth * BLOCK))
        {
            let mut acc = [0.0f32; BLOCK];
            for (&x, w) in field[..depth].iter().zip(weights.chunks_exact(BLOCK)) {
                for (a, &w) in acc.iter_mut().zip(w) {
                    *a = if FMA { x.mul_add(w, *a) } else { *a + x * w };
                }
            }
            dst.copy_from_slice(&acc[..dst.len()]);
        }
    }
}

/// Output rows per chunk: as many as keep a chunk's im2col scratch near [`SCRATCH`], at least
/// enough for gemm's kernels to run full, and at most what still gives every thread work.
fn chunk_rows(rows: usize, depth: usize) -> usize {
    #[cfg(feature = "parallel")]
    let threads = rayon::current_num_threads();
    #[cfg(not(feature = "parallel"))]
    let threads = 1;
    let by_cache = (SCRATCH / depth).clamp(64, 1024);
    let by_threads = rows.div_ceil(4 * threads).max(16);
    by_cache.min(by_threads).max(1)
}

#[cfg(test)]
mod tests {
    use burn::nn::conv::Conv2dConfig;
    use burn::tensor::{Device, Distribution, Tensor, activation};

    use super::*;

    /// Burn's convolution (and SiLU) against the packed one, for a kernel, stride and input.
    fn agree(kernel: usize, stride: usize, [n, c, h, w]: [usize; 4], out_c: usize) {
        let device = Device::flex();
        let burn_conv = Conv2dConfig::new([c, out_c], [kernel; 2])
            .with_stride([stride; 2])
            .with_padding(PaddingConfig2d::Explicit(
                kernel / 2,
                kernel / 2,
                kernel / 2,
                kernel / 2,
            ))
            .init(&device);
        let x = Tensor::<4>::random([n, c, h, w], Distribution::Normal(0.0, 1.0), &device);
        let want = activation::silu(burn_conv.forward(x.clone()));
        let [_, _, oh, ow] = want.dims();
        let want = FeatureMap::from_channel_major(
            &want.into_data().try_into_vec::<f32>().unwrap(),
            [n, out_c, oh, ow],
        );
        let input = FeatureMap::from_channel_major(
            &x.into_data().try_into_vec::<f32>().unwrap(),
            [n, c, h, w],
        );
        let got = Conv::from_burn(&burn_conv, Activation::Silu).forward(&[input.view()]);
        assert_eq!((got.height, got.width, got.channels), (oh, ow, out_c));
        for (g, w) in got.data.iter().zip(&want.data) {
            assert!((g - w).abs() < 1e-4 * (1.0 + w.abs()), "{g} against {w}");
        }
    }

    #[test]
    fn a_3x3_convolution_equals_burns() {
        agree(3, 1, [2, 12, 9, 7], 6);
    }

    #[test]
    fn a_3x3_convolution_by_winograd_equals_burns_over_bands_and_ragged_edges() {
        let conv = Conv2dConfig::new([16, 24], [3, 3])
            .with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1))
            .init(&Device::flex());
        let packed = Conv::from_burn(&conv, Activation::Silu);
        assert!(matches!(packed.weights, Weights::Winograd(_)));
        // Several bands per image; odd height and width leave half tiles at both far edges.
        agree(3, 1, [2, 16, 31, 21], 24);
        agree(3, 1, [1, 16, 1, 1], 24);
    }

    #[test]
    fn a_strided_3x3_convolution_equals_burns() {
        agree(3, 2, [1, 12, 11, 8], 5);
    }

    #[test]
    fn a_shallow_convolution_accumulates_in_place_and_equals_burns() {
        // The stem's shape: RGB in, 3x3 stride 2; 20 outputs make a full block and a partial one.
        let conv = Conv2dConfig::new([3, 20], [3, 3]).init(&Device::flex());
        let packed = Conv::from_burn(&conv, Activation::Silu);
        assert!(matches!(packed.weights, Weights::Blocked(_)));
        agree(3, 2, [2, 3, 13, 10], 20);
    }

    #[test]
    fn a_1x1_convolution_equals_burns() {
        agree(1, 1, [2, 7, 5, 6], 9);
    }

    #[test]
    fn a_concatenation_is_read_in_place_and_a_residual_is_added() {
        let device = Device::flex();
        let burn_conv = Conv2dConfig::new([5, 3], [1, 1]).init(&device);
        let a = Tensor::<4>::random([1, 2, 3, 4], Distribution::Normal(0.0, 1.0), &device);
        let b = Tensor::<4>::random([1, 3, 3, 4], Distribution::Normal(0.0, 1.0), &device);
        let want = activation::silu(burn_conv.forward(Tensor::cat(vec![a.clone(), b.clone()], 1)));
        let map = |t: Tensor<4>, c| {
            FeatureMap::from_channel_major(
                &t.into_data().try_into_vec::<f32>().unwrap(),
                [1, c, 3, 4],
            )
        };
        let want = map(want, 3);
        let (a, b) = (map(a, 2), map(b, 3));
        // Output channels 3..6 of a 6-channel map; channels 0..3 hold the residual.
        let mut out = FeatureMap::for_overwrite(1, 3, 4, 6);
        for (i, v) in out.data.iter_mut().enumerate() {
            *v = if i % 6 < 3 { 1.0 } else { f32::NAN };
        }
        Conv::from_burn(&burn_conv, Activation::Silu).forward_into(
            &[a.view(), b.view()],
            &mut out,
            3,
            Some(0),
        );
        for p in 0..12 {
            for k in 0..3 {
                let (g, w) = (out.data[p * 6 + 3 + k], want.data[p * 3 + k] + 1.0);
                assert!((g - w).abs() < 1e-5, "{g} against {w}");
            }
        }
    }
}
