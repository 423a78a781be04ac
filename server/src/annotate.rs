//! Drawing onto frames: detections for the image `netball detect` writes, tracks and the ball
//! for the video `netball analyze` writes.

use ::image::{Rgb, RgbImage};
use netball_shared::{BoundingBox, Detection, Frame};

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
pub fn thickness(width: u32, height: u32) -> u32 {
    (width.max(height) / 400).max(2)
}

/// Returns a copy of the frame with each detection's box drawn in its class colour.
pub fn draw(frame: &Frame, detections: &[Detection]) -> RgbImage {
    let mut img = RgbImage::from_raw(frame.width(), frame.height(), frame.rgb().to_vec())
        .expect("a Frame's buffer matches its size");
    let t = thickness(frame.width(), frame.height());
    for d in detections {
        outline(&mut img, &d.bbox, PALETTE[d.class_id % PALETTE.len()], t);
    }
    img
}

/// The palette colour for an id (cycled), for drawing tracks without a team.
pub fn palette(id: u32) -> [u8; 3] {
    PALETTE[id as usize % PALETTE.len()]
}

/// Fills a rectangle, corners included, clipped to the image.
fn fill(img: &mut RgbImage, (xa, ya): (i64, i64), (xb, yb): (i64, i64), colour: [u8; 3]) {
    let (w, h) = (i64::from(img.width()), i64::from(img.height()));
    for y in ya.max(0)..=yb.min(h - 1) {
        for x in xa.max(0)..=xb.min(w - 1) {
            img.put_pixel(x as u32, y as u32, Rgb(colour));
        }
    }
}

/// Draws a box's outline, `t` pixels thick, clipped to the image.
///
/// Hand-written, like the rest of this module: outlines, dots and digits are all that is
/// needed, which does not justify a drawing library and its dependency tree.
pub fn outline(img: &mut RgbImage, b: &BoundingBox, colour: [u8; 3], t: u32) {
    let (w, h) = (i64::from(img.width()), i64::from(img.height()));
    let t = i64::from(t.max(1));
    let x1 = (b.x1.round() as i64).clamp(0, w - 1);
    let y1 = (b.y1.round() as i64).clamp(0, h - 1);
    let x2 = (b.x2.round() as i64).clamp(x1, w - 1);
    let y2 = (b.y2.round() as i64).clamp(y1, h - 1);
    fill(img, (x1, y1), (x2, y1 + t - 1), colour);
    fill(img, (x1, y2 - t + 1), (x2, y2), colour);
    fill(img, (x1, y1), (x1 + t - 1, y2), colour);
    fill(img, (x2 - t + 1, y1), (x2, y2), colour);
}

/// A filled square dot of half-size `r` centred on `(x, y)`.
pub fn dot(img: &mut RgbImage, (x, y): (f32, f32), r: u32, colour: [u8; 3]) {
    let (x, y, r) = (x.round() as i64, y.round() as i64, i64::from(r));
    fill(img, (x - r, y - r), (x + r, y + r), colour);
}

/// Digits 0-9 as 3x5 bitmaps, one row per 3 bits (high bit left), top row first.
const DIGITS: [[u8; 5]; 10] = [
    [0b111, 0b101, 0b101, 0b101, 0b111],
    [0b010, 0b110, 0b010, 0b010, 0b111],
    [0b111, 0b001, 0b111, 0b100, 0b111],
    [0b111, 0b001, 0b111, 0b001, 0b111],
    [0b101, 0b101, 0b111, 0b001, 0b001],
    [0b111, 0b100, 0b111, 0b001, 0b111],
    [0b111, 0b100, 0b111, 0b101, 0b111],
    [0b111, 0b001, 0b010, 0b010, 0b010],
    [0b111, 0b101, 0b111, 0b101, 0b111],
    [0b111, 0b101, 0b111, 0b001, 0b111],
];

/// Writes `number` with its bottom-left corner at `(x, y)`, each font pixel `scale` pixels.
pub fn number(img: &mut RgbImage, (x, y): (f32, f32), number: u32, scale: u32, colour: [u8; 3]) {
    let s = i64::from(scale.max(1));
    let (left, bottom) = (x.round() as i64, y.round() as i64);
    for (k, digit) in number.to_string().bytes().enumerate() {
        let glyph = DIGITS[usize::from(digit - b'0')];
        let x0 = left + k as i64 * 4 * s;
        for (row, bits) in glyph.iter().enumerate() {
            for col in 0..3 {
                if bits & (0b100 >> col) != 0 {
                    let (px, py) = (x0 + col * s, bottom - (5 - row as i64) * s);
                    fill(img, (px, py), (px + s - 1, py + s - 1), colour);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn numbers_are_drawn_left_to_right_above_their_baseline() {
        let mut img = RgbImage::new(20, 10);
        number(&mut img, (1.0, 8.0), 17, 1, [255, 0, 0]);
        // "1": the middle column of its top row; "7": the full top row of the next cell.
        assert_eq!(img.get_pixel(2, 3).0, [255, 0, 0]);
        assert_eq!(img.get_pixel(1, 3).0, [0, 0, 0]);
        assert!((5..8).all(|x| img.get_pixel(x, 3).0 == [255, 0, 0]));
        assert_eq!(
            img.get_pixel(2, 8).0,
            [0, 0, 0],
            "nothing on the baseline row"
        );
    }
}
