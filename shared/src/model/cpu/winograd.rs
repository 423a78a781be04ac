//! Winograd's minimal filtering F(2x2, 3x3) for the 3x3 stride-1 convolutions, more than half
//! of YOLOv8's arithmetic (Lavin & Gray, "Fast Algorithms for Convolutional Neural Networks",
//! 2016).
//!
//! Each 2x2 block of output pixels (a tile) comes from the 4x4 input patch around it. Both go
//! through fixed linear transforms whose coefficients are 0, ±1 and ±1/2, so in the transformed
//! domain the convolution is 16 independent matrix products of depth `in` instead of one of
//! depth `9 · in`: 16 multiplications per tile and channel pair where direct convolution needs
//! 36, 2.25 times fewer. The transforms are additions only, over whole channel vectors
//! (channels-last keeps them contiguous). F(2x2, 3x3) is the variant whose rounding stays at
//! the level of f32 direct convolution; larger tiles save more and lose digits.

use super::conv::multiply;
use super::map::View;

/// Positions in a transformed tile: 4x4.
const POINTS: usize = 16;

/// `U = G g Gᵀ` of every (input, output) channel pair's 3x3 kernel `g`, with
/// `G = [1 0 0; ½ ½ ½; ½ -½ ½; 0 0 1]`, from weights laid out `[(ky · 3 + kx) · in + i, out]`.
/// Returns `[16, in, out]`: one right-hand side per position of the tile.
pub fn transform_weights(weights: &[f32], in_channels: usize, out_channels: usize) -> Vec<f32> {
    assert_eq!(weights.len(), 9 * in_channels * out_channels, "3x3 weights");
    let plane = in_channels * out_channels;
    let g = |ky: usize, kx: usize, i: usize, o: usize| {
        weights[((ky * 3 + kx) * in_channels + i) * out_channels + o]
    };
    let mut out = vec![0.0; POINTS * plane];
    for i in 0..in_channels {
        for o in 0..out_channels {
            // Rows: G g, 4x3.
            let mut rows = [[0.0f32; 3]; 4];
            for (kx, column) in
                (0..3).map(|kx| (kx, [g(0, kx, i, o), g(1, kx, i, o), g(2, kx, i, o)]))
            {
                let [a, b, c] = column;
                rows[0][kx] = a;
                rows[1][kx] = 0.5 * (a + b + c);
                rows[2][kx] = 0.5 * (a - b + c);
                rows[3][kx] = c;
            }
            // Columns: (G g) Gᵀ, 4x4.
            for (y, [a, b, c]) in rows.into_iter().enumerate() {
                let u = [a, 0.5 * (a + b + c), 0.5 * (a - b + c), c];
                for (x, v) in u.into_iter().enumerate() {
                    out[(y * 4 + x) * plane + i * out_channels + o] = v;
                }
            }
        }
    }
    out
}

/// Buffers for one band of tiles, reused from band to band.
#[derive(Default)]
pub struct Scratch {
    /// Transformed input: `[16, tiles, in]`.
    input: Vec<f32>,
    /// Products: `[16, tiles, out]`.
    product: Vec<f32>,
    /// One patch transformed down its columns (Bᵀ d), column by column: `[4, 4, in]`.
    patch: Vec<f32>,
    /// One tile's products transformed down their columns (Aᵀ M), row by row: `[2, 4, out]`.
    tile: Vec<f32>,
    /// A patch's pixels beyond the map: `in` zeros.
    zeros: Vec<f32>,
}

/// Tiles across a map `width` pixels wide; with an odd width the last one is half outside.
pub fn tiles_per_row(width: usize) -> usize {
    width.div_ceil(2)
}

/// Writes the convolution (without bias or activation) of output rows `2 · first_tile_row ..`
/// of image `image` into `band` (pixel rows `stride` apart, channels `at..at + out`), as many
/// rows as `band` holds. `input` is the padded-by-one 3x3 convolution's input, the output has
/// the input's size.
#[allow(clippy::too_many_arguments)]
pub fn band(
    transformed: &[f32],
    input: View<'_>,
    out_channels: usize,
    image: usize,
    first_tile_row: usize,
    band: &mut [f32],
    at: usize,
    stride: usize,
    scratch: &mut Scratch,
) {
    let m = input.map();
    let (height, width, cin, cout) = (m.height, m.width, input.channels(), out_channels);
    let out_rows = band.len() / (stride * width);
    let tile_rows = out_rows.div_ceil(2);
    let across = tiles_per_row(width);
    let tiles = tile_rows * across;
    scratch.input.resize(POINTS * tiles * cin, 0.0);
    scratch.product.resize(POINTS * tiles * cout, 0.0);
    scratch.patch.resize(POINTS * cin, 0.0);
    scratch.tile.resize(8 * cout, 0.0);
    scratch.zeros.resize(cin, 0.0);
    let zeros = &scratch.zeros;

    // Input transform: V = Bᵀ d B per tile, B = [1 0 0 0; 0 1 -1 1; -1 1 1 0; 0 0 0 -1].
    for tr in 0..tile_rows {
        let top = 2 * (first_tile_row + tr) as isize - 1;
        for tx in 0..across {
            let left = 2 * tx as isize - 1;
            let pixel = |r: usize, c: usize| -> &[f32] {
                let (y, x) = (top + r as isize, left + c as isize);
                if y < 0 || x < 0 || y >= height as isize || x >= width as isize {
                    zeros
                } else {
                    input.pixel((image * height + y as usize) * width + x as usize)
                }
            };
            // Down each column of the patch: t = Bᵀ d.
            for c in 0..4 {
                let (d0, d1, d2, d3) = (pixel(0, c), pixel(1, c), pixel(2, c), pixel(3, c));
                let (t0, rest) = scratch.patch[c * 4 * cin..(c + 1) * 4 * cin].split_at_mut(cin);
                let (t1, rest) = rest.split_at_mut(cin);
                let (t2, t3) = rest.split_at_mut(cin);
                for k in 0..cin {
                    t0[k] = d0[k] - d2[k];
                    t1[k] = d1[k] + d2[k];
                    t2[k] = d2[k] - d1[k];
                    t3[k] = d1[k] - d3[k];
                }
            }
            // Along each row: V = t B. `patch` holds t column by column: [c][r][in].
            let tile = tr * across + tx;
            for r in 0..4 {
                let t = |c: usize| &scratch.patch[(c * 4 + r) * cin..(c * 4 + r + 1) * cin];
                let (t0, t1, t2, t3) = (t(0), t(1), t(2), t(3));
                let at_point = |x: usize| ((r * 4 + x) * tiles + tile) * cin;
                let v = &mut scratch.input;
                let (v0, v1, v2, v3) = (at_point(0), at_point(1), at_point(2), at_point(3));
                for k in 0..cin {
                    v[v0 + k] = t0[k] - t2[k];
                    v[v1 + k] = t1[k] + t2[k];
                    v[v2 + k] = t2[k] - t1[k];
                    v[v3 + k] = t1[k] - t3[k];
                }
            }
        }
    }

    // The 16 products, one per point: M[p] = V[p] · U[p].
    let plane = cin * cout;
    for p in 0..POINTS {
        multiply(
            &mut scratch.product[p * tiles * cout..(p + 1) * tiles * cout],
            cout,
            tiles,
            &scratch.input[p * tiles * cin..(p + 1) * tiles * cin],
            cin,
            cin,
            &transformed[p * plane..(p + 1) * plane],
            cout,
            false,
        );
    }

    // Output transform: Y = Aᵀ M A, A = [1 0; 1 1; 1 -1; 0 -1], into the band's pixels.
    let s = &mut scratch.tile;
    for tr in 0..tile_rows {
        for tx in 0..across {
            let tile = tr * across + tx;
            let point = |p: usize| &scratch.product[(p * tiles + tile) * cout..][..cout];
            // Down each column: s = Aᵀ M, 2x4, stored [row][column][out].
            for c in 0..4 {
                let (m0, m1, m2, m3) = (point(c), point(4 + c), point(8 + c), point(12 + c));
                let (s0, s1) = s.split_at_mut(4 * cout);
                let (s0, s1) = (&mut s0[c * cout..][..cout], &mut s1[c * cout..][..cout]);
                for k in 0..cout {
                    s0[k] = m0[k] + m1[k] + m2[k];
                    s1[k] = m1[k] - m2[k] - m3[k];
                }
            }
            // Along each row: Y = s A, written where the pixel exists.
            for y in 0..2 {
                let row = 2 * tr + y;
                if row >= out_rows {
                    break;
                }
                let sc = |c: usize| &s[(y * 4 + c) * cout..][..cout];
                let (a0, a1, a2, a3) = (sc(0), sc(1), sc(2), sc(3));
                for x in 0..2 {
                    let col = 2 * tx + x;
                    if col >= width {
                        break;
                    }
                    let dst = &mut band[(row * width + col) * stride + at..][..cout];
                    if x == 0 {
                        for k in 0..cout {
                            dst[k] = a0[k] + a1[k] + a2[k];
                        }
                    } else {
                        for k in 0..cout {
                            dst[k] = a1[k] - a2[k] - a3[k];
                        }
                    }
                }
            }
        }
    }
}
