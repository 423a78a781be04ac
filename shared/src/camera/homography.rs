//! A plane-to-plane projective map: court floor (metres) to image (pixels) and back.

use serde::{Deserialize, Serialize};

use crate::court::CourtPoint;
use crate::detect::BoundingBox;

/// A 3x3 homography, row-major, mapping court floor points to image pixels. Its inverse maps
/// a player's ground point in the image back onto the court.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Homography(pub [[f64; 3]; 3]);

impl Homography {
    /// The pixel a court point lands on, or `None` for points on the horizon line (or behind
    /// the camera for a homography made from one).
    pub fn court_to_image(&self, p: CourtPoint) -> Option<[f64; 2]> {
        apply(&self.0, f64::from(p.x), f64::from(p.y))
    }

    /// The court point seen at a pixel, or `None` where the pixel shows no floor point (or
    /// the homography is singular). Inverts the matrix on every call: to map many pixels,
    /// invert once with [`Homography::to_court`].
    pub fn image_to_court(&self, pixel: [f64; 2]) -> Option<CourtPoint> {
        self.to_court()?.map(pixel)
    }

    /// The image-to-court map, `None` when the homography is singular.
    pub fn to_court(&self) -> Option<ImageToCourt> {
        invert(&self.0).map(ImageToCourt)
    }

    /// The inverse map (image to court), `None` when the homography is singular.
    pub fn inverse(&self) -> Option<Homography> {
        invert(&self.0).map(Homography)
    }
}

/// A homography's inverse, pixels to court metres, inverted once for mapping many pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ImageToCourt([[f64; 3]; 3]);

impl ImageToCourt {
    /// The court point seen at a pixel, or `None` where the pixel shows no floor point.
    pub fn map(&self, [u, v]: [f64; 2]) -> Option<CourtPoint> {
        let [x, y] = apply(&self.0, u, v)?;
        Some(CourtPoint::new(x as f32, y as f32))
    }

    /// Where the person boxed by `bbox` (image pixels) stands on the court, `depth_m` beyond
    /// the box's bottom edge, away from the camera, and the metres of floor one pixel spans
    /// there along the line of sight. The bottom edge shows the front of her feet, not the
    /// middle of where she stands; `None` where the feet show no floor point.
    ///
    /// The front is where an image row touches the floor she covers, so her middle lies
    /// beyond it square to that row on the floor (the rows of a camera without roll are
    /// parallel on the floor), not along the line of sight: towards the ends of a side-line
    /// view the line of sight slants along the court, and pushing along it moved players
    /// about 1% of their distance from the middle too far towards the ends.
    pub fn feet(&self, bbox: &BoundingBox, depth_m: f32) -> Option<Feet> {
        let bottom = [f64::from(bbox.x1 + bbox.x2) / 2.0, f64::from(bbox.y2)];
        let near = self.map(bottom)?;
        let beyond = self.map([bottom[0], bottom[1] - 1.0])?;
        let px_m = near.distance(beyond);
        let left = self.map([bottom[0] - 1.0, bottom[1]])?;
        let right = self.map([bottom[0] + 1.0, bottom[1]])?;
        let (rx, ry) = (right.x - left.x, right.y - left.y);
        let row = rx.hypot(ry);
        let at = if row > 0.0 {
            // Square to the row, on the side the pixel above lies (away from the camera).
            let (mut nx, mut ny) = (-ry / row, rx / row);
            if nx * (beyond.x - near.x) + ny * (beyond.y - near.y) < 0.0 {
                (nx, ny) = (-nx, -ny);
            }
            CourtPoint::new(near.x + nx * depth_m, near.y + ny * depth_m)
        } else {
            near
        };
        Some(Feet { at, px_m })
    }
}

/// A person's place on the court, from her box.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Feet {
    pub at: CourtPoint,
    /// Metres of floor one pixel of the image spans there, along the line of sight.
    pub px_m: f32,
}

/// A floor homography with the size of the frame it was found on, so it can serve the same
/// view at another resolution. `netball calibrate` writes it (with more fields, ignored here).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct FrameCalibration {
    pub width: u32,
    pub height: u32,
    pub homography: Homography,
}

impl FrameCalibration {
    /// The homography for frames `width` x `height`: scaled when the size differs but the
    /// aspect ratio agrees within 1%, `None` when the aspect differs (another view).
    pub fn for_size(&self, width: u32, height: u32) -> Option<Homography> {
        let (sx, sy) = (
            f64::from(width) / f64::from(self.width.max(1)),
            f64::from(height) / f64::from(self.height.max(1)),
        );
        if (sx / sy - 1.0).abs() > 0.01 {
            return None;
        }
        let m = self.homography.0;
        Some(Homography([
            m[0].map(|v| v * sx),
            m[1].map(|v| v * sy),
            m[2],
        ]))
    }
}

/// Applies `m` to `(x, y, 1)`; points whose homogeneous coordinate is zero or negative are not
/// visible (for a camera's homography, negative means behind it).
fn apply(m: &[[f64; 3]; 3], x: f64, y: f64) -> Option<[f64; 2]> {
    let [a, b, c] = m.map(|row| row[0] * x + row[1] * y + row[2]);
    (c > f64::EPSILON).then(|| [a / c, b / c])
}

/// Inverse by the adjugate; `None` when the determinant is (numerically) zero. The exact inverse
/// keeps the sign convention: a pixel of a visible floor point maps back with a positive
/// homogeneous coordinate.
fn invert(m: &[[f64; 3]; 3]) -> Option<[[f64; 3]; 3]> {
    let cof =
        |r0: usize, r1: usize, c0: usize, c1: usize| m[r0][c0] * m[r1][c1] - m[r0][c1] * m[r1][c0];
    let adj = [
        [cof(1, 2, 1, 2), -cof(0, 2, 1, 2), cof(0, 1, 1, 2)],
        [-cof(1, 2, 0, 2), cof(0, 2, 0, 2), -cof(0, 1, 0, 2)],
        [cof(1, 2, 0, 1), -cof(0, 2, 0, 1), cof(0, 1, 0, 1)],
    ];
    let det = m[0][0] * adj[0][0] + m[0][1] * adj[1][0] + m[0][2] * adj[2][0];
    let scale = m.iter().flatten().fold(0.0f64, |s, v| s.max(v.abs()));
    if det.abs() <= 1e-12 * scale.powi(3) {
        return None;
    }
    Some(adj.map(|row| row.map(|v| v / det)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inverse_round_trips() {
        let h = Homography([[40.0, -5.0, 300.0], [2.0, 30.0, 120.0], [0.001, 0.02, 1.0]]);
        for p in [
            CourtPoint::new(0.0, 0.0),
            CourtPoint::new(15.25, 7.625),
            CourtPoint::new(30.5, 15.25),
        ] {
            let pixel = h.court_to_image(p).unwrap();
            let back = h.image_to_court(pixel).unwrap();
            assert!(back.distance(p) < 1e-4, "{p:?} -> {pixel:?} -> {back:?}");
        }
    }

    /// A camera behind the near side line, looking across: a box whose bottom edge shows the
    /// court point `near` puts the player 0.25 m beyond it, square to the image's rows (across
    /// the court), even towards an end where the line of sight slants along it.
    #[test]
    fn feet_lie_beyond_the_box_edge_square_to_the_image_rows() {
        let camera = crate::camera::PinholeCamera::looking_at(
            [15.25, -12.0, 6.0],
            [15.25, 7.6, 0.0],
            40.0,
            1920,
            1080,
        )
        .unwrap();
        let to_court = camera.floor_homography().to_court().unwrap();
        for near in [CourtPoint::new(10.0, 5.0), CourtPoint::new(25.0, 13.0)] {
            let [u, v] = camera.project_floor(near).unwrap();
            let bbox = BoundingBox {
                x1: u as f32 - 20.0,
                y1: v as f32 - 150.0,
                x2: u as f32 + 20.0,
                y2: v as f32,
            };
            let expected = CourtPoint::new(near.x, near.y + 0.25);
            let feet = to_court.feet(&bbox, 0.25).unwrap();
            assert!(
                feet.at.distance(expected) < 0.01,
                "{feet:?} against {expected:?}"
            );
            assert!(feet.px_m > 0.0 && feet.px_m < 0.1, "{feet:?}");
            let edge = to_court.feet(&bbox, 0.0).unwrap();
            assert!(edge.at.distance(near) < 0.01, "{edge:?} against {near:?}");
        }
    }

    #[test]
    fn singular_maps_have_no_inverse() {
        let h = Homography([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [0.0, 0.0, 1.0]]);
        assert!(h.inverse().is_none());
        assert!(h.image_to_court([1.0, 1.0]).is_none());
    }
}
