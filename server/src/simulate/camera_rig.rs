//! Where the camera stands and how it sees: a raised side-line view of the whole court (a club
//! tripod or broadcast camera), a view from behind a goal, or a side-line camera that pans with
//! the ball; optional radial lens distortion.

use netball_shared::camera::{Homography, PinholeCamera, WorldPoint};
use netball_shared::court::CourtDimensions;
use rand::Rng;
use serde::{Deserialize, Serialize};

use super::ball::Vec3;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum CameraView {
    /// Raised, level with the centre, the whole court in view.
    Sideline,
    /// Raised behind one goal, looking down the court.
    BehindGoal,
    /// Raised at the side, closer, turning to follow the ball.
    Panning,
}

/// A pinhole camera plus one-coefficient radial distortion: a normalised image point `p` is
/// seen at `p (1 + k1 |p|²)`. `k1 < 0` is the barrel distortion of wide lenses.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Projection {
    pub pinhole: PinholeCamera,
    pub k1: f64,
}

impl Projection {
    /// The pixel where a point in the hall appears, with the lens's distortion. `None` behind
    /// the camera, and for barrel distortion beyond the radius where the model folds back
    /// (`1 + 3 k1 r² <= 0`): no real lens images such points.
    pub fn project(&self, p: WorldPoint) -> Option<[f32; 2]> {
        self.distort(p, false)
    }

    /// As [`Projection::project`], but points beyond the fold land on the edge of what the lens
    /// reaches: for filling surfaces out to the image's corners, never for truth.
    pub fn project_to_edge(&self, p: WorldPoint) -> Option<[f32; 2]> {
        self.distort(p, true)
    }

    fn distort(&self, p: WorldPoint, clamp: bool) -> Option<[f32; 2]> {
        let [u, v] = self.pinhole.project(p)?;
        if self.k1 == 0.0 {
            return Some([u as f32, v as f32]);
        }
        let f = self.pinhole.focal_px;
        let [cx, cy] = self.pinhole.principal;
        let (mut x, mut y) = ((u - cx) / f, (v - cy) / f);
        let mut r2 = x * x + y * y;
        if 1.0 + 3.0 * self.k1 * r2 <= 0.0 {
            if !clamp {
                return None;
            }
            let fold = -1.0 / (3.0 * self.k1);
            let shrink = (fold / r2).sqrt();
            (x, y, r2) = (x * shrink, y * shrink, fold);
        }
        let s = 1.0 + self.k1 * r2;
        Some([(cx + x * s * f) as f32, (cy + y * s * f) as f32])
    }

    /// Distance in front of the camera (for drawing near things over far ones, and sizes).
    pub fn depth(&self, p: WorldPoint) -> f64 {
        let c = self.pinhole.position;
        let d = [p[0] - c[0], p[1] - c[1], p[2] - c[2]];
        let z = self.pinhole.rotation[2];
        d[0] * z[0] + d[1] * z[1] + d[2] * z[2]
    }

    /// Pixels per metre at a point, for line widths and the ball's size.
    pub fn scale_at(&self, p: WorldPoint) -> f32 {
        (self.pinhole.focal_px / self.depth(p).max(0.1)) as f32
    }

    /// The court floor's homography (exact without distortion; with it, the undistorted one).
    pub fn homography(&self) -> Homography {
        self.pinhole.floor_homography()
    }
}

/// A camera for one clip: its pose is drawn from the seed; a panning camera turns each frame.
#[derive(Clone, Debug)]
pub struct CameraRig {
    view: CameraView,
    position: WorldPoint,
    target: WorldPoint,
    vfov: f64,
    width: u32,
    height: u32,
    k1: f64,
    /// The panning camera's aim along the court and its rate, smoothed like an operator's.
    pan: [f64; 2],
}

impl CameraRig {
    pub fn new(
        view: CameraView,
        court: &CourtDimensions,
        width: u32,
        height: u32,
        k1: f64,
        rng: &mut impl Rng,
    ) -> Self {
        let (l, w) = (f64::from(court.length), f64::from(court.width));
        let (position, target, vfov) = match view {
            CameraView::Sideline => {
                let position = [
                    l / 2.0 + rng.random_range(-2.0..2.0),
                    -rng.random_range(13.0..20.0),
                    rng.random_range(5.0..10.0),
                ];
                let target = [l / 2.0, w / 2.0 - 0.5, 0.0];
                (
                    position,
                    target,
                    fit_court(court, position, target, width, height),
                )
            }
            CameraView::BehindGoal => {
                let far = rng.random_bool(0.5);
                let back = rng.random_range(5.0..9.0);
                let x = if far { l + back } else { -back };
                let position = [
                    x,
                    w / 2.0 + rng.random_range(-2.0..2.0),
                    rng.random_range(5.0..8.0),
                ];
                let aim = if far { l * 0.45 } else { l * 0.55 };
                let target = [aim, w / 2.0, 0.0];
                (position, target, rng.random_range(55.0..65.0))
            }
            CameraView::Panning => {
                let position = [
                    l / 2.0 + rng.random_range(-1.0..1.0),
                    -rng.random_range(9.0..13.0),
                    rng.random_range(4.0..7.0),
                ];
                (
                    position,
                    [l / 2.0, w / 2.0, 0.0],
                    rng.random_range(32.0..42.0),
                )
            }
        };
        Self {
            view,
            position,
            target,
            vfov,
            width,
            height,
            k1,
            pan: [target[0], 0.0],
        }
    }

    pub fn view(&self) -> CameraView {
        self.view
    }

    /// The camera for the next frame. A panning camera follows the ball along the court with a
    /// critically damped response (about half a second), as an operator would.
    pub fn next(&mut self, ball: Vec3, court: &CourtDimensions, dt: f64) -> Projection {
        if self.view == CameraView::Panning {
            let l = f64::from(court.length);
            let goal = ball[0].clamp(l * 0.2, l * 0.8);
            let omega = 4.0;
            let accel = omega * omega * (goal - self.pan[0]) - 2.0 * omega * self.pan[1];
            self.pan[1] += accel * dt;
            self.pan[0] += self.pan[1] * dt;
            self.target[0] = self.pan[0];
        }
        Projection {
            pinhole: PinholeCamera::looking_at(
                self.position,
                self.target,
                self.vfov,
                self.width,
                self.height,
            )
            .expect("rig poses look at the floor from above it"),
            k1: self.k1,
        }
    }
}

/// The narrowest vertical field of view that shows the whole court and the goal posts with a
/// margin.
fn fit_court(
    court: &CourtDimensions,
    position: WorldPoint,
    target: WorldPoint,
    width: u32,
    height: u32,
) -> f64 {
    let (l, w) = (f64::from(court.length), f64::from(court.width));
    let corners = [
        [-1.0, -1.0, 0.0],
        [l + 1.0, -1.0, 0.0],
        [-1.0, w + 1.0, 0.0],
        [l + 1.0, w + 1.0, 0.0],
        [0.0, w / 2.0, 3.6],
        [l, w / 2.0, 3.6],
    ];
    let mut vfov: f64 = 20.0;
    while vfov < 120.0 {
        let camera =
            PinholeCamera::looking_at(position, target, vfov, width, height).expect("level camera");
        let margin = 0.03 * f64::from(width.min(height));
        let inside = corners.iter().all(|&p| {
            camera.project(p).is_some_and(|[u, v]| {
                u >= margin
                    && v >= margin
                    && u <= f64::from(width) - margin
                    && v <= f64::from(height) - margin
            })
        });
        if inside {
            return vfov;
        }
        vfov += 1.0;
    }
    vfov
}
