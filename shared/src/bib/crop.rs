//! The part of a person's box where a bib is worn, resampled to the reader's fixed input.
//!
//! Netball bibs sit on the chest and the back, between the shoulders and the waist: for a
//! standing player about 22-42% of the way down from the top of the box, across its middle.
//! The crop takes a margin around that (arms raised to catch or shoot move the box's top up)
//! and leaves the rest to the network.
//!
//! The resampling is written here rather than taken from an image library: the crops are a
//! few hundred pixels each, the box is fractional and may poke out of the frame, and the
//! browser build of this crate carries no image library.

use crate::{BoundingBox, Frame};

/// Side of the square crop, in pixels.
pub const SIDE: usize = 32;
/// Values in one crop: `SIDE × SIDE` RGB pixels.
pub const LEN: usize = SIDE * SIDE * 3;

/// Rows and columns of the box that are sampled, as fractions of its height and width.
const ROWS: (f32, f32) = (0.08, 0.56);
const COLUMNS: (f32, f32) = (0.0, 1.0);
/// Boxes shorter than this (frame pixels) show a bib of a few pixels, which nobody can read.
pub const MIN_HEIGHT: f32 = 24.0;
/// At most this many samples per crop pixel and axis: a 4K box is averaged, not aliased.
const MAX_TAPS: usize = 4;

/// A bib region as interleaved RGB, `SIDE` rows of `SIDE` pixels.
#[derive(Clone, PartialEq, Eq)]
pub struct BibCrop(Box<[u8; LEN]>);

impl std::fmt::Debug for BibCrop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "BibCrop({SIDE}x{SIDE})")
    }
}

impl BibCrop {
    /// The bib region of `bbox` (frame pixels), or `None` when the box is too small to read,
    /// not finite, or mostly outside the frame.
    pub fn of(frame: &Frame, bbox: &BoundingBox) -> Option<Self> {
        let b = bbox;
        if ![b.x1, b.y1, b.x2, b.y2].iter().all(|v| v.is_finite()) || b.height() < MIN_HEIGHT {
            return None;
        }
        let (fw, fh) = (frame.width() as f32, frame.height() as f32);
        let x0 = b.x1 + b.width() * COLUMNS.0;
        let x1 = b.x1 + b.width() * COLUMNS.1;
        let y0 = b.y1 + b.height() * ROWS.0;
        let y1 = b.y1 + b.height() * ROWS.1;
        let inside = (x1.min(fw) - x0.max(0.0)).max(0.0) * (y1.min(fh) - y0.max(0.0)).max(0.0);
        if inside < 0.5 * (x1 - x0) * (y1 - y0) {
            return None;
        }
        let (step_x, step_y) = ((x1 - x0) / SIDE as f32, (y1 - y0) / SIDE as f32);
        let taps_x = (step_x.ceil() as usize).clamp(1, MAX_TAPS);
        let taps_y = (step_y.ceil() as usize).clamp(1, MAX_TAPS);
        let mut out = Box::new([0u8; LEN]);
        for row in 0..SIDE {
            for col in 0..SIDE {
                let mut sum = [0.0_f32; 3];
                for ty in 0..taps_y {
                    let y = y0 + step_y * (row as f32 + (ty as f32 + 0.5) / taps_y as f32);
                    for tx in 0..taps_x {
                        let x = x0 + step_x * (col as f32 + (tx as f32 + 0.5) / taps_x as f32);
                        let p = bilinear(frame, x, y);
                        for c in 0..3 {
                            sum[c] += p[c];
                        }
                    }
                }
                let n = (taps_x * taps_y) as f32;
                let i = (row * SIDE + col) * 3;
                for c in 0..3 {
                    out[i + c] = (sum[c] / n).round().clamp(0.0, 255.0) as u8;
                }
            }
        }
        Some(Self(out))
    }

    /// Wraps pixels made elsewhere (a stored training crop).
    pub fn from_pixels(pixels: [u8; LEN]) -> Self {
        Self(Box::new(pixels))
    }

    pub fn pixels(&self) -> &[u8; LEN] {
        &self.0
    }

    /// The network's input for this crop, planar (`3 × SIDE × SIDE`) and standardised over
    /// the whole crop: bright and dim halls, and light and dark kits, give the letters the
    /// same contrast.
    pub fn planar_standardised(&self) -> [f32; LEN] {
        let n = LEN as f32;
        let mean = self.0.iter().map(|&v| f32::from(v)).sum::<f32>() / n;
        let var = self
            .0
            .iter()
            .map(|&v| (f32::from(v) - mean).powi(2))
            .sum::<f32>()
            / n;
        let scale = 1.0 / var.sqrt().max(4.0);
        let mut out = [0.0; LEN];
        for (i, px) in self.0.chunks_exact(3).enumerate() {
            for c in 0..3 {
                out[c * SIDE * SIDE + i] = (f32::from(px[c]) - mean) * scale;
            }
        }
        out
    }
}

/// The network's input for a batch of crops, `[n, 3, SIDE, SIDE]` flattened.
pub fn batch_input<'a>(crops: impl ExactSizeIterator<Item = &'a BibCrop>) -> Vec<f32> {
    let mut input = Vec::with_capacity(crops.len() * LEN);
    for crop in crops {
        input.extend_from_slice(&crop.planar_standardised());
    }
    input
}

/// The colour at a fractional position (pixel centres at `k + 0.5`), edge pixels repeated
/// beyond the frame.
fn bilinear(frame: &Frame, x: f32, y: f32) -> [f32; 3] {
    let (w, h) = (frame.width() as usize, frame.height() as usize);
    let fx = (x - 0.5).clamp(0.0, (w - 1) as f32);
    let fy = (y - 0.5).clamp(0.0, (h - 1) as f32);
    let (x0, y0) = (fx as usize, fy as usize);
    let (x1, y1) = ((x0 + 1).min(w - 1), (y0 + 1).min(h - 1));
    let (ax, ay) = (fx - x0 as f32, fy - y0 as f32);
    let rgb = frame.rgb();
    let at = |x: usize, y: usize, c: usize| f32::from(rgb[(y * w + x) * 3 + c]);
    std::array::from_fn(|c| {
        let top = at(x0, y0, c) * (1.0 - ax) + at(x1, y0, c) * ax;
        let bottom = at(x0, y1, c) * (1.0 - ax) + at(x1, y1, c) * ax;
        top * (1.0 - ay) + bottom * ay
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A grey frame with one box-shaped patch of `colour` at `(x, y, w, h)`.
    fn frame_with(w: u32, h: u32, patch: (u32, u32, u32, u32), colour: [u8; 3]) -> Frame {
        let mut rgb = vec![100u8; (w * h * 3) as usize];
        for y in patch.1..patch.1 + patch.3 {
            for x in patch.0..patch.0 + patch.2 {
                let i = ((y * w + x) * 3) as usize;
                rgb[i..i + 3].copy_from_slice(&colour);
            }
        }
        Frame::from_rgb(w, h, rgb).unwrap()
    }

    fn bbox(x1: f32, y1: f32, x2: f32, y2: f32) -> BoundingBox {
        BoundingBox { x1, y1, x2, y2 }
    }

    #[test]
    fn a_uniform_region_gives_a_uniform_crop() {
        let frame = frame_with(200, 200, (50, 20, 60, 160), [200, 30, 40]);
        // The box lies inside the patch, so no sample blends with the floor around it.
        let crop = BibCrop::of(&frame, &bbox(52.0, 22.0, 108.0, 178.0)).unwrap();
        assert!(
            crop.pixels().chunks_exact(3).all(|p| p == [200, 30, 40]),
            "{:?}",
            &crop.pixels()[..12]
        );
    }

    #[test]
    fn the_crop_is_the_upper_body_not_the_legs() {
        // Red from the top of the box to 60% down, blue below: the crop sees only red.
        let mut frame = frame_with(100, 300, (0, 0, 100, 180), [220, 0, 0]);
        frame = {
            let mut rgb = frame.rgb().to_vec();
            for y in 180..300 {
                for x in 0..100 {
                    let i = (y * 100 + x) * 3;
                    rgb[i..i + 3].copy_from_slice(&[0, 0, 220]);
                }
            }
            Frame::from_rgb(100, 300, rgb).unwrap()
        };
        let crop = BibCrop::of(&frame, &bbox(0.0, 0.0, 100.0, 300.0)).unwrap();
        assert!(
            crop.pixels()
                .chunks_exact(3)
                .all(|p| p[0] > 200 && p[2] < 20)
        );
    }

    #[test]
    fn small_broken_and_outside_boxes_have_no_crop() {
        let frame = frame_with(100, 100, (0, 0, 1, 1), [0, 0, 0]);
        assert!(BibCrop::of(&frame, &bbox(10.0, 10.0, 20.0, 30.0)).is_none());
        assert!(BibCrop::of(&frame, &bbox(10.0, f32::NAN, 20.0, 80.0)).is_none());
        assert!(BibCrop::of(&frame, &bbox(150.0, 10.0, 190.0, 90.0)).is_none());
        assert!(BibCrop::of(&frame, &bbox(10.0, 10.0, 40.0, 90.0)).is_some());
    }

    #[test]
    fn the_input_is_planar_and_standardised() {
        let mut pixels = [0u8; LEN];
        for (i, p) in pixels.chunks_exact_mut(3).enumerate() {
            p.copy_from_slice(&[(i % 256) as u8, 50, 200]);
        }
        let input = BibCrop::from_pixels(pixels).planar_standardised();
        let mean = input.iter().sum::<f32>() / LEN as f32;
        let var = input.iter().map(|v| (v - mean).powi(2)).sum::<f32>() / LEN as f32;
        assert!(
            mean.abs() < 1e-4 && (var - 1.0).abs() < 1e-3,
            "{mean} {var}"
        );
        // The green plane is constant, the blue one brighter than it.
        let plane = SIDE * SIDE;
        assert_eq!(input[plane], input[plane + 7]);
        assert!(input[2 * plane] > input[plane]);
    }
}
