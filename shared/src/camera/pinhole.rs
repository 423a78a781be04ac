//! A pinhole camera looking at the court: where a point in the hall appears in the image.

use serde::{Deserialize, Serialize};

use super::Homography;
use crate::court::CourtPoint;

/// A point in the hall, metres: court `x` and `y`, and `z` up from the floor.
pub type WorldPoint = [f64; 3];

/// A pinhole camera without lens distortion. Camera axes follow the image: `x` right, `y` down,
/// `z` forward (the viewing direction).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct PinholeCamera {
    pub width: u32,
    pub height: u32,
    /// Focal length in pixels (square pixels).
    pub focal_px: f64,
    /// Principal point in pixels.
    pub principal: [f64; 2],
    /// World-to-camera rotation, rows are the camera's x, y and z axes in world coordinates.
    pub rotation: [[f64; 3]; 3],
    /// The camera centre in the world.
    pub position: WorldPoint,
}

impl PinholeCamera {
    /// A camera at `position` aimed at `target`, level (no roll), with the given vertical field
    /// of view. `None` when it would look straight up or down, where "level" means nothing, or
    /// when the field of view is not between 1° and 179°.
    pub fn looking_at(
        position: WorldPoint,
        target: WorldPoint,
        vertical_fov_degrees: f64,
        width: u32,
        height: u32,
    ) -> Option<Self> {
        if !(1.0..=179.0).contains(&vertical_fov_degrees) || width == 0 || height == 0 {
            return None;
        }
        let forward = normalize(sub(target, position))?;
        let right = normalize(cross(forward, [0.0, 0.0, 1.0]))?;
        let down = cross(forward, right);
        let focal_px = f64::from(height) / 2.0 / (vertical_fov_degrees.to_radians() / 2.0).tan();
        Some(Self {
            width,
            height,
            focal_px,
            principal: [f64::from(width) / 2.0, f64::from(height) / 2.0],
            rotation: [right, down, forward],
            position,
        })
    }

    /// The point in camera coordinates.
    fn in_camera_frame(&self, p: WorldPoint) -> [f64; 3] {
        let d = sub(p, self.position);
        self.rotation.map(|axis| dot(axis, d))
    }

    /// The pixel where a world point appears, or `None` when it is behind the camera. The pixel
    /// may lie outside the image.
    pub fn project(&self, p: WorldPoint) -> Option<[f64; 2]> {
        let [x, y, z] = self.in_camera_frame(p);
        (z > f64::EPSILON).then(|| {
            [
                self.focal_px * x / z + self.principal[0],
                self.focal_px * y / z + self.principal[1],
            ]
        })
    }

    /// Whether a pixel lies inside the image.
    pub fn in_image(&self, [u, v]: [f64; 2]) -> bool {
        (0.0..f64::from(self.width)).contains(&u) && (0.0..f64::from(self.height)).contains(&v)
    }

    /// The floor's homography: court point (z = 0) to pixel, `K [r1 r2 t]`.
    pub fn floor_homography(&self) -> Homography {
        let t = self.in_camera_frame([0.0, 0.0, 0.0]);
        let column = |c: usize| {
            [
                self.rotation[0][c],
                self.rotation[1][c],
                self.rotation[2][c],
            ]
        };
        let (r1, r2) = (column(0), column(1));
        let f = self.focal_px;
        let [cx, cy] = self.principal;
        let row = |i: usize| [r1[i], r2[i], t[i]];
        let [a, b, c] = [row(0), row(1), row(2)];
        Homography([
            [
                f * a[0] + cx * c[0],
                f * a[1] + cx * c[1],
                f * a[2] + cx * c[2],
            ],
            [
                f * b[0] + cy * c[0],
                f * b[1] + cy * c[1],
                f * b[2] + cy * c[2],
            ],
            c,
        ])
    }

    /// Where a court floor point appears.
    pub fn project_floor(&self, p: CourtPoint) -> Option<[f64; 2]> {
        self.project([f64::from(p.x), f64::from(p.y), 0.0])
    }
}

fn sub(a: [f64; 3], b: [f64; 3]) -> [f64; 3] {
    [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
}

fn dot(a: [f64; 3], b: [f64; 3]) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

fn cross(a: [f64; 3], b: [f64; 3]) -> [f64; 3] {
    [
        a[1] * b[2] - a[2] * b[1],
        a[2] * b[0] - a[0] * b[2],
        a[0] * b[1] - a[1] * b[0],
    ]
}

fn normalize(a: [f64; 3]) -> Option<[f64; 3]> {
    let n = dot(a, a).sqrt();
    (n > 1e-9).then(|| a.map(|v| v / n))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::court::CourtDimensions;

    /// A raised side-line camera, as from a broadcast position in the stand: 18 m back from the
    /// side line, 9 m up.
    fn sideline() -> PinholeCamera {
        PinholeCamera::looking_at([15.25, -18.0, 9.0], [15.25, 7.625, 0.0], 55.0, 1920, 1080)
            .unwrap()
    }

    #[test]
    fn the_target_is_the_image_centre_and_up_is_up() {
        let cam = sideline();
        let [u, v] = cam.project([15.25, 7.625, 0.0]).unwrap();
        assert!((u - 960.0).abs() < 1e-6 && (v - 540.0).abs() < 1e-6);
        // The ring (3.05 m up) appears above its foot; the far side line above the near one.
        let ring = cam.project([0.34, 7.625, 3.05]).unwrap();
        let foot = cam.project([0.34, 7.625, 0.0]).unwrap();
        assert!(ring[1] < foot[1]);
        let far = cam.project_floor(CourtPoint::new(15.25, 15.25)).unwrap();
        let near = cam.project_floor(CourtPoint::new(15.25, 0.0)).unwrap();
        assert!(far[1] < near[1]);
        // Low x is on the left for a camera on the y < 0 side.
        let left = cam.project_floor(CourtPoint::new(0.0, 7.625)).unwrap();
        assert!(left[0] < 960.0);
    }

    #[test]
    fn the_whole_court_is_in_view_and_the_floor_homography_agrees() {
        let cam = sideline();
        let h = cam.floor_homography();
        let court = CourtDimensions::default();
        for x in [0.0, 10.1667, 15.25, 20.3333, court.length] {
            for y in [0.0, 7.625, court.width] {
                let p = CourtPoint::new(x, y);
                let direct = cam.project_floor(p).unwrap();
                let via_h = h.court_to_image(p).unwrap();
                assert!(cam.in_image(direct), "{p:?} at {direct:?}");
                assert!((direct[0] - via_h[0]).abs() < 1e-6 && (direct[1] - via_h[1]).abs() < 1e-6);
                let back = h.image_to_court(direct).unwrap();
                assert!(back.distance(p) < 1e-4);
            }
        }
    }

    #[test]
    fn behind_the_camera_is_not_projected() {
        let cam = sideline();
        assert!(cam.project([15.25, -20.0, 6.0]).is_none());
        assert!(
            PinholeCamera::looking_at([0.0, 0.0, 5.0], [0.0, 0.0, 0.0], 50.0, 640, 480).is_none()
        );
    }
}
