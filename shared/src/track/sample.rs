//! Where colours are read from a person's box: a region given as fractions of the box's width
//! and height, read on an evenly spread grid of at most `n` positions a side, so the cost does
//! not grow with resolution.

use crate::{BoundingBox, Frame};

/// The sRGB pixels on the grid over `rows` × `columns` of the box (fractions, top and left
/// first), or `None` when the box is not finite or the region falls outside the frame.
pub(super) fn grid_pixels<'a>(
    frame: &'a Frame,
    b: &BoundingBox,
    rows: (f32, f32),
    columns: (f32, f32),
    n: u32,
) -> Option<impl Iterator<Item = [u8; 3]> + 'a> {
    if ![b.x1, b.y1, b.x2, b.y2].iter().all(|v| v.is_finite()) {
        return None;
    }
    let (w, h) = (frame.width() as f32, frame.height() as f32);
    let span = |from: f32, size: f32, (lo, hi): (f32, f32), limit: f32| {
        let start = (from + size * lo).clamp(0.0, limit) as u32;
        let end = (from + size * hi).clamp(0.0, limit) as u32;
        (start < end).then_some((start, end))
    };
    let (x0, x1) = span(b.x1, b.width(), columns, w)?;
    let (y0, y1) = span(b.y1, b.height(), rows, h)?;
    let (width, rgb) = (frame.width() as usize, frame.rgb());
    Some(grid(y0, y1, n).flat_map(move |y| {
        grid(x0, x1, n).filter_map(move |x| {
            let i = (y as usize * width + x as usize) * 3;
            rgb.get(i..i + 3).map(|p| [p[0], p[1], p[2]])
        })
    }))
}

/// At most `n` evenly spread positions in `start..end` (all of them when fewer).
fn grid(start: u32, end: u32, n: u32) -> impl Iterator<Item = u32> + Clone {
    let n = (end - start).min(n);
    (0..n).map(move |k| start + (u64::from(k) * u64::from(end - start) / u64::from(n)) as u32)
}
