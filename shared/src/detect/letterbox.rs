//! Letterbox preprocessing: scale to fit a square input, keep the aspect ratio, pad with grey.
//!
//! Two routes give the same input. [`letterbox_batch`] resizes on the model's device (bilinear,
//! half-pixel centres as in OpenCV's `INTER_LINEAR`), so on a GPU a frame of any size is
//! uploaded once as bytes. [`PreparedInput`] is for frames a video decoder already scaled to the
//! fitted size: only padding and normalising are left, done on the CPU (in parallel, off the
//! model's thread) so the model's thread only runs the model.

use burn::tensor::module::interpolate;
use burn::tensor::ops::{InterpolateMode, InterpolateOptions};
use burn::tensor::{Device, Tensor, TensorData};

use crate::Frame;

/// Ultralytics' padding grey, 114/255.
const PAD: f32 = 114.0 / 255.0;

/// How a frame was placed in the model input, to map boxes back.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Letterbox {
    /// Input pixels per frame pixel.
    pub scale: f32,
    /// Left padding, input pixels.
    pub pad_x: f32,
    /// Top padding, input pixels.
    pub pad_y: f32,
    pub frame_width: u32,
    pub frame_height: u32,
}

impl Letterbox {
    /// Places a `width`x`height` frame in a `size`x`size` input as Ultralytics' `LetterBox`
    /// does (centred, scaled up or down, padding split with the extra pixel below/right).
    pub fn fit(width: u32, height: u32, size: u32) -> (Self, [usize; 2]) {
        let (w, h, s) = (width as f64, height as f64, size as f64);
        let r = (s / h).min(s / w);
        let new_w = ((w * r).round() as u32).clamp(1, size);
        let new_h = ((h * r).round() as u32).clamp(1, size);
        let dw = (size - new_w) as f64 / 2.0;
        let dh = (size - new_h) as f64 / 2.0;
        let left = (dw - 0.1).round().max(0.0);
        let top = (dh - 0.1).round().max(0.0);
        (
            Self {
                scale: r as f32,
                pad_x: left as f32,
                pad_y: top as f32,
                frame_width: width,
                frame_height: height,
            },
            [new_h as usize, new_w as usize],
        )
    }

    /// Maps a point of the model input back to frame pixels.
    pub fn to_frame(&self, x: f32, y: f32) -> (f32, f32) {
        ((x - self.pad_x) / self.scale, (y - self.pad_y) / self.scale)
    }
}

/// One image's model input, built on the CPU: `[3, size, size]` RGB in 0..1, channel-major.
#[derive(Clone, Debug, PartialEq)]
pub struct PreparedInput {
    pixels: Vec<f32>,
    size: u32,
    letterbox: Letterbox,
}

impl PreparedInput {
    /// Pads a frame that is already at its fitted size (see [`Letterbox::fit`]) into a
    /// `size`x`size` input. `None` when the frame is not at that size: such frames go through
    /// [`letterbox_batch`], which resizes.
    pub fn from_fitted(frame: &Frame, size: u32) -> Option<Self> {
        let (letterbox, [new_h, new_w]) = Letterbox::fit(frame.width(), frame.height(), size);
        let (w, h) = (frame.width() as usize, frame.height() as usize);
        if (new_h, new_w) != (h, w) {
            return None;
        }
        let s = size as usize;
        let (top, left) = (letterbox.pad_y as usize, letterbox.pad_x as usize);
        let mut pixels = vec![PAD; 3 * s * s];
        for (y, row) in frame.rgb().chunks_exact(w * 3).enumerate() {
            for (x, px) in row.chunks_exact(3).enumerate() {
                for (c, &v) in px.iter().enumerate() {
                    pixels[c * s * s + (top + y) * s + left + x] = f32::from(v) / 255.0;
                }
            }
        }
        Some(Self {
            pixels,
            size,
            letterbox,
        })
    }

    pub fn letterbox(&self) -> &Letterbox {
        &self.letterbox
    }

    pub fn size(&self) -> u32 {
        self.size
    }

    /// Stacks inputs of one size into a `[n, 3, size, size]` batch on `device`.
    ///
    /// # Panics
    /// If the inputs differ in size (a caller bug: one model has one input size).
    pub fn batch(inputs: &[PreparedInput], device: &Device) -> Tensor<4> {
        let (values, dims) = Self::stack(inputs);
        Tensor::<4>::from_data(TensorData::new(values, dims), device)
    }

    /// Stacks inputs of one size into `[n, 3, size, size]` values, channel-major, with that
    /// shape: what the CPU fast path reads without a tensor in between.
    ///
    /// # Panics
    /// As [`Self::batch`].
    pub fn stack(inputs: &[PreparedInput]) -> (Vec<f32>, [usize; 4]) {
        let s = inputs.first().map_or(0, |i| i.size as usize);
        assert!(
            inputs.iter().all(|i| i.size as usize == s),
            "prepared inputs of one batch share the model's input size"
        );
        let mut values = Vec::with_capacity(inputs.len() * 3 * s * s);
        for input in inputs {
            values.extend_from_slice(&input.pixels);
        }
        (values, [inputs.len(), 3, s, s])
    }
}

/// Letterboxes frames into one `[n, 3, size, size]` batch on `device`, RGB in 0..1.
pub fn letterbox_batch(
    frames: &[Frame],
    size: u32,
    device: &Device,
) -> (Tensor<4>, Vec<Letterbox>) {
    let s = size as usize;
    let mut inputs = Vec::with_capacity(frames.len());
    let mut boxes = Vec::with_capacity(frames.len());
    for frame in frames {
        let (lb, [new_h, new_w]) = Letterbox::fit(frame.width(), frame.height(), size);
        let (w, h) = (frame.width() as usize, frame.height() as usize);
        let pixels = Tensor::<4>::from_data(
            TensorData::new(frame.rgb().to_vec(), [1, h, w, 3]).convert::<f32>(),
            device,
        )
        .permute([0, 3, 1, 2])
            / 255.0;
        let resized = if (new_h, new_w) == (h, w) {
            pixels
        } else {
            interpolate(
                pixels,
                InterpolateOptions::new(InterpolateMode::Bilinear)
                    .with_align_corners(false)
                    .with_output_size([new_h, new_w]),
            )
        };
        let (top, left) = (lb.pad_y as usize, lb.pad_x as usize);
        let canvas = Tensor::<4>::full([1, 3, s, s], PAD, device)
            .slice_assign([0..1, 0..3, top..top + new_h, left..left + new_w], resized);
        inputs.push(canvas);
        boxes.push(lb);
    }
    (Tensor::cat(inputs, 0), boxes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_landscape_frame_is_padded_top_and_bottom() {
        let (lb, size) = Letterbox::fit(640, 480, 640);
        assert_eq!(size, [480, 640]);
        assert_eq!((lb.pad_x, lb.pad_y, lb.scale), (0.0, 80.0, 1.0));
        assert_eq!(lb.to_frame(320.0, 80.0), (320.0, 0.0));
    }

    #[test]
    fn a_large_frame_is_scaled_down() {
        let (lb, size) = Letterbox::fit(1920, 1080, 640);
        assert_eq!(size, [360, 640]);
        assert_eq!(lb.pad_y, 140.0);
        assert_eq!(lb.to_frame(640.0, 500.0), (1920.0, 1080.0));
    }

    #[test]
    fn a_prepared_input_equals_the_device_letterbox_for_a_fitted_frame() {
        let device = Device::flex();
        let rgb = (0..40 * 24 * 3).map(|i| (i * 7 % 256) as u8).collect();
        let frame = Frame::from_rgb(40, 24, rgb).unwrap();
        let prepared = PreparedInput::from_fitted(&frame, 40).expect("fitted");
        let (reference, lbs) = letterbox_batch(std::slice::from_ref(&frame), 40, &device);
        assert_eq!(prepared.letterbox(), &lbs[0]);
        let ours = PreparedInput::batch(&[prepared], &device)
            .into_data()
            .try_to_vec::<f32>()
            .unwrap();
        let theirs = reference.into_data().try_to_vec::<f32>().unwrap();
        assert_eq!(ours.len(), theirs.len());
        assert!(ours.iter().zip(&theirs).all(|(a, b)| (a - b).abs() < 1e-6));
        assert!(
            PreparedInput::from_fitted(&frame, 64).is_none(),
            "needs a resize"
        );
    }

    #[test]
    fn the_frame_lands_inside_grey_padding() {
        let device = Device::flex();
        let frame = Frame::from_rgb(2, 1, vec![255, 0, 0, 0, 255, 0]).unwrap();
        let (batch, lbs) = letterbox_batch(&[frame], 32, &device);
        assert_eq!(batch.dims(), [1, 3, 32, 32]);
        assert_eq!(lbs[0].pad_y, 8.0);
        let v = batch.into_data().try_to_vec::<f32>().unwrap();
        let at = |c: usize, y: usize, x: usize| v[c * 32 * 32 + y * 32 + x];
        assert!((at(0, 0, 0) - PAD).abs() < 1e-6);
        assert!((at(0, 8, 0) - 1.0).abs() < 1e-6, "red on the left half");
        assert!(at(0, 8, 31).abs() < 1e-6);
        assert!(
            (at(1, 23, 31) - 1.0).abs() < 1e-6,
            "green on the right half"
        );
        assert!((at(1, 24, 31) - PAD).abs() < 1e-6);
    }
}
