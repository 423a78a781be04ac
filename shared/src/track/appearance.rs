//! A person's look, cheap enough to compute for every detection: how the colours of the box's
//! body spread over hue, and, for its colourless pixels, over lightness. Boxes alone cannot
//! keep apart a defender standing right behind the attacker she marks (from the side line their
//! boxes overlap almost wholly); their dresses can, once they part.
//!
//! Colourful pixels count by their chroma above a floor, so the dress dominates them.
//! Colourless pixels fall into three lightness bins with a fixed weight, because a black or
//! white kit has no hue at all: without them a black dress would look like nothing but its
//! wearer's skin. Only the torso is sampled: skin and the floor fall in the same bins for
//! everyone, and where they are most of the samples they drown the dresses (see `ROWS`); of
//! what floor still shows there, pixels of the colour read beside the box's feet are skipped.

use serde::{Deserialize, Serialize};

use super::sample::grid_pixels;
use super::team::{BoxColours, bin_region, distance2, lab_from_srgb};
use crate::{BoundingBox, Frame};

/// Hue bins of the histogram (30° each), for colourful pixels.
const HUES: usize = 12;
/// Lightness bins for colourless pixels: dark, grey, light.
const GREYS: usize = 3;
const BINS: usize = HUES + GREYS;
/// Chroma (CIE Lab) below which a pixel counts as colourless.
const CHROMA_FLOOR: f32 = 10.0;
/// Weight of a wholly colourless pixel, against a colourful one's chroma above the floor (a
/// saturated dress weighs 40 to 80): enough that a black or white kit has a look of its own,
/// not so much that bibs and shadows, which every team shares, drown the dress colours.
const GREY_WEIGHT: f32 = 30.0;
/// The part of the box sampled, as fractions of its height and width: the torso, where the
/// dress is. A box's body below it shows legs and the floor between them, and its sides the
/// floor beside the arms; for a player far from the camera (20 px wide) that floor was most of
/// the samples, and a warm wooden floor fell in the hue bins of a white dress under warm light,
/// so a white and a navy team looked closer than two players of one team.
const ROWS: (f32, f32) = (0.2, 0.55);
const COLUMNS: (f32, f32) = (0.25, 0.75);
/// Beside the lower half of the box, left and right, as fractions of its height and width:
/// where the floor she stands on shows.
const BESIDE_ROWS: (f32, f32) = (0.5, 1.0);
const BESIDE: [(f32, f32); 2] = [(-0.6, -0.1), (1.1, 1.6)];
const BESIDE_GRID: u32 = 8;
/// Torso pixels nearer the floor's colour than this (CIE76 ΔE) are the floor seen between
/// arm and body, and are skipped.
const FLOOR_DELTA_E: f32 = 15.0;
/// At most this many samples per side, so the cost does not grow with resolution.
const GRID: u32 = 24;
/// Least total weight (chroma above the floor, summed over the samples) for a histogram to be
/// trusted.
const MIN_WEIGHT: f32 = 50.0;

/// A histogram over hue (colourful pixels, by chroma) and lightness (colourless ones), summing
/// to 1.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Appearance([f32; BINS]);

impl Appearance {
    /// The look of what is inside `bbox` (frame pixels), or `None` when the box is outside the
    /// frame, not finite, or shows too little colour to judge.
    pub fn of(frame: &Frame, bbox: &BoundingBox) -> Option<Self> {
        let mut bins = [0.0_f32; BINS];
        let floor = floor_colour(frame, bbox);
        for rgb in grid_pixels(frame, bbox, ROWS, COLUMNS, GRID)? {
            let lab = lab_from_srgb(rgb);
            if floor.is_some_and(|f| distance2(&f, &lab).sqrt() < FLOOR_DELTA_E) {
                continue;
            }
            let [l, a, b] = lab;
            let chroma = a.hypot(b);
            if chroma > CHROMA_FLOOR {
                let turn = (b.atan2(a) / std::f32::consts::TAU).rem_euclid(1.0);
                bins[((turn * HUES as f32) as usize).min(HUES - 1)] += chroma - CHROMA_FLOOR;
            } else {
                let grey = (l / (100.0 / GREYS as f32)) as usize;
                bins[HUES + grey.min(GREYS - 1)] += GREY_WEIGHT * (1.0 - chroma / CHROMA_FLOOR);
            }
        }
        let total: f32 = bins.iter().sum();
        (total >= MIN_WEIGHT).then(|| Self(bins.map(|v| v / total)))
    }

    /// Bhattacharyya distance, 0 (same) to 1 (no colour in common).
    pub fn distance(&self, other: &Self) -> f32 {
        let overlap: f32 = self
            .0
            .iter()
            .zip(&other.0)
            .map(|(p, q)| (p * q).sqrt())
            .sum();
        (1.0 - overlap).max(0.0).sqrt()
    }

    /// Moves this look towards `seen` by `rate` (a running mean that forgets slowly).
    pub fn blend(&mut self, seen: &Self, rate: f32) {
        for (v, s) in self.0.iter_mut().zip(&seen.0) {
            *v += rate * (s - *v);
        }
    }
}

/// The colour of the floor beside a box's lower half: the mean of the samples there in the
/// most common colour bin (someone standing beside her may be that colour instead; her look
/// then loses that colour, which at worst leaves it too faint to judge).
fn floor_colour(frame: &Frame, bbox: &BoundingBox) -> Option<[f32; 3]> {
    let mut binned: BoxColours = Vec::new();
    for columns in BESIDE {
        // A strip outside the frame adds nothing.
        let _ = bin_region(&mut binned, frame, bbox, BESIDE_ROWS, columns, BESIDE_GRID);
    }
    // Of bins as full, the last in colour order.
    let (_, n, sum) = binned
        .iter()
        .max_by(|x, y| x.1.total_cmp(&y.1).then(x.0.cmp(&y.0)))?;
    Some(sum.map(|v| v / n))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 40x80 frame: grey floor, a person-sized box in `dress` with a white bib on its chest
    /// (a third of the box's width, a fifth of its height, as a netball bib is).
    fn player(dress: [u8; 3]) -> Frame {
        let (w, h) = (40, 80);
        let mut rgb = vec![128; w * h * 3];
        for y in 8..72 {
            for x in 8..32 {
                let colour = if (22..34).contains(&y) && (16..24).contains(&x) {
                    [245, 245, 245]
                } else {
                    dress
                };
                rgb[(y * w + x) * 3..(y * w + x) * 3 + 3].copy_from_slice(&colour);
            }
        }
        Frame::from_rgb(w as u32, h as u32, rgb).unwrap()
    }

    const BOX: BoundingBox = BoundingBox {
        x1: 8.0,
        y1: 8.0,
        x2: 32.0,
        y2: 72.0,
    };

    #[test]
    fn kits_of_two_teams_are_far_apart_and_one_kit_is_near_itself() {
        let navy = Appearance::of(&player([20, 40, 110]), &BOX).unwrap();
        let navy_again = Appearance::of(&player([30, 45, 120]), &BOX).unwrap();
        let pink = Appearance::of(&player([230, 90, 160]), &BOX).unwrap();
        assert!(navy.distance(&navy_again) < 0.2);
        assert!(navy.distance(&pink) > 0.8);
        assert!(navy.distance(&navy) < 1e-3);
    }

    #[test]
    fn a_black_kit_has_a_look_of_its_own() {
        let black = Appearance::of(&player([25, 25, 28]), &BOX).unwrap();
        let yellow = Appearance::of(&player([240, 200, 30]), &BOX).unwrap();
        let grey = Appearance::of(&player([128, 128, 128]), &BOX).unwrap();
        assert!(black.distance(&yellow) > 0.8, "{}", black.distance(&yellow));
        assert!(black.distance(&grey) > 0.5, "{}", black.distance(&grey));
    }

    /// The 40x80 frame of [`player`] on a `floor`, the dress only a third of the box wide (a
    /// player side on, far from the camera): a third of the torso samples are floor.
    fn slim_player(floor: [u8; 3], dress: [u8; 3]) -> Frame {
        let (w, h) = (40, 80);
        let mut rgb: Vec<u8> = floor.repeat(w * h);
        for y in 8..72 {
            for x in 16..24 {
                rgb[(y * w + x) * 3..(y * w + x) * 3 + 3].copy_from_slice(&dress);
            }
        }
        Frame::from_rgb(w as u32, h as u32, rgb).unwrap()
    }

    #[test]
    fn the_floor_beside_a_slim_player_is_not_her_look() {
        const WOOD: [u8; 3] = [190, 140, 80];
        const GREY: [u8; 3] = [128, 128, 128];
        let on_wood = Appearance::of(&slim_player(WOOD, [235, 235, 235]), &BOX).unwrap();
        let on_grey = Appearance::of(&slim_player(GREY, [235, 235, 235]), &BOX).unwrap();
        assert!(on_wood.distance(&on_grey) < 0.05, "{on_wood:?}");
        let navy = Appearance::of(&slim_player(WOOD, [20, 40, 110]), &BOX).unwrap();
        assert!(on_wood.distance(&navy) > 0.9, "{}", on_wood.distance(&navy));
    }

    #[test]
    fn boxes_outside_the_frame_have_no_look() {
        let outside = BoundingBox {
            x1: 50.0,
            y1: 90.0,
            x2: 60.0,
            y2: 100.0,
        };
        assert!(Appearance::of(&player([20, 40, 110]), &outside).is_none());
    }

    #[test]
    fn blending_moves_towards_what_is_seen() {
        let mut look = Appearance::of(&player([20, 40, 110]), &BOX).unwrap();
        let pink = Appearance::of(&player([230, 90, 160]), &BOX).unwrap();
        let before = look.distance(&pink);
        look.blend(&pink, 0.5);
        assert!(look.distance(&pink) < before);
    }
}
