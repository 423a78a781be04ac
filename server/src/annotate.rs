//! Drawing detections onto a frame, for the annotated image `netball detect` writes.

use ::image::{Rgb, RgbImage};
use netball_shared::{Detection, Frame};

/// Distinct colours for class ids (cycled).
const PALETTE: [[u8; 3]; 8] = [
    [255, 56, 56],
    [50, 205, 50],
    [0, 148, 255],
    [255, 178, 29],
    [207, 86, 255],
    [0, 212, 187],
    [255, 112, 31],
    [146, 204, 23],
];

/// Box outline thickness in pixels, scaled with the image so boxes stay visible on 4K frames.
fn thickness(frame: &Frame) -> u32 {
    (frame.width().max(frame.height()) / 400).max(2)
}

/// Returns a copy of the frame with each detection's box drawn in its class colour.
///
/// Hand-written: an outline of four filled strips is all that is needed, which does not
/// justify a drawing library and its dependency tree.
pub fn draw(frame: &Frame, detections: &[Detection]) -> RgbImage {
    let mut img = RgbImage::from_raw(frame.width(), frame.height(), frame.rgb().to_vec())
        .expect("a Frame's buffer matches its size");
    let t = thickness(frame);
    let (w, h) = (frame.width(), frame.height());
    for d in detections {
        let colour = Rgb(PALETTE[d.class_id % PALETTE.len()]);
        let x1 = (d.bbox.x1.round() as u32).min(w - 1);
        let y1 = (d.bbox.y1.round() as u32).min(h - 1);
        let x2 = (d.bbox.x2.round() as u32).clamp(x1, w - 1);
        let y2 = (d.bbox.y2.round() as u32).clamp(y1, h - 1);
        let mut fill = |xa: u32, ya: u32, xb: u32, yb: u32| {
            for y in ya..=yb.min(h - 1) {
                for x in xa..=xb.min(w - 1) {
                    img.put_pixel(x, y, colour);
                }
            }
        };
        fill(x1, y1, x2, y1 + t - 1);
        fill(x1, y2.saturating_sub(t - 1), x2, y2);
        fill(x1, y1, x1 + t - 1, y2);
        fill(x2.saturating_sub(t - 1), y1, x2, y2);
    }
    img
}

#[cfg(test)]
mod tests {
    use super::*;
    use netball_shared::BoundingBox;

    #[test]
    fn draws_the_outline_and_leaves_the_inside() {
        let frame = Frame::from_rgb(20, 20, vec![0; 20 * 20 * 3]).unwrap();
        let det = Detection {
            bbox: BoundingBox {
                x1: 2.0,
                y1: 3.0,
                x2: 15.0,
                y2: 30.0,
            },
            score: 0.9,
            class_id: 1,
            label: "x".into(),
        };
        let img = draw(&frame, &[det]);
        assert_eq!(img.get_pixel(2, 3).0, PALETTE[1]);
        assert_eq!(img.get_pixel(15, 19).0, PALETTE[1], "clamped to the frame");
        assert_eq!(img.get_pixel(8, 10).0, [0, 0, 0]);
    }
}
