//! A constant-velocity Kalman filter on a box's centre, aspect ratio and height (the state of
//! SORT and ByteTrack), with noise scaled by the box's height so that near and far people are
//! followed alike.

use nalgebra::{SMatrix, SVector};

use crate::BoundingBox;

type State = SVector<f64, 8>;
type Covariance = SMatrix<f64, 8, 8>;
type Measurement = SVector<f64, 4>;

/// Position noise per unit of box height, per frame.
const STD_POSITION: f64 = 1.0 / 20.0;
/// Velocity noise per unit of box height, per frame.
const STD_VELOCITY: f64 = 1.0 / 160.0;

/// One track's box estimate: `[cx, cy, aspect, height]` and their velocities per frame.
#[derive(Clone, Debug, PartialEq)]
pub struct BoxKalman {
    mean: State,
    covariance: Covariance,
}

fn measure(b: &BoundingBox) -> Measurement {
    let h = f64::from(b.height()).max(1e-3);
    Measurement::new(
        f64::from(b.x1 + b.x2) / 2.0,
        f64::from(b.y1 + b.y2) / 2.0,
        f64::from(b.width()) / h,
        h,
    )
}

fn diagonal(std: [f64; 8]) -> Covariance {
    Covariance::from_diagonal(&State::from_iterator(std.iter().map(|s| s * s)))
}

impl BoxKalman {
    /// A new track at a detected box, at rest, with a wide velocity uncertainty.
    pub fn new(b: &BoundingBox) -> Self {
        let z = measure(b);
        let h = z[3];
        let mut mean = State::zeros();
        mean.fixed_rows_mut::<4>(0).copy_from(&z);
        let (p, v) = (STD_POSITION * h, STD_VELOCITY * h);
        Self {
            mean,
            covariance: diagonal([
                2.0 * p,
                2.0 * p,
                1e-2,
                2.0 * p,
                10.0 * v,
                10.0 * v,
                1e-5,
                10.0 * v,
            ]),
        }
    }

    fn transition() -> Covariance {
        let mut f = Covariance::identity();
        for i in 0..4 {
            f[(i, i + 4)] = 1.0;
        }
        f
    }

    /// Moves the estimate one frame ahead.
    pub fn predict(&mut self) {
        let h = self.mean[3].max(1e-3);
        let (p, v) = (STD_POSITION * h, STD_VELOCITY * h);
        let q = diagonal([p, p, 1e-2, p, v, v, 1e-5, v]);
        let f = Self::transition();
        self.mean = f * self.mean;
        self.covariance = f * self.covariance * f.transpose() + q;
    }

    /// Corrects the estimate with a detected box.
    pub fn update(&mut self, b: &BoundingBox) {
        let z = measure(b);
        let h = self.mean[3].max(1e-3);
        let p = STD_POSITION * h;
        let r = SMatrix::<f64, 4, 4>::from_diagonal(&Measurement::new(p * p, p * p, 1e-2, p * p));
        let m = SMatrix::<f64, 4, 8>::identity();
        let s = m * self.covariance * m.transpose() + r;
        let Some(s_inv) = s.try_inverse() else {
            // A degenerate innovation (never for positive noise): keep the prediction.
            return;
        };
        let gain = self.covariance * m.transpose() * s_inv;
        self.mean += gain * (z - m * self.mean);
        self.covariance = (Covariance::identity() - gain * m) * self.covariance;
    }

    /// The estimated box.
    pub fn bbox(&self) -> BoundingBox {
        let (cx, cy, a, h) = (self.mean[0], self.mean[1], self.mean[2], self.mean[3]);
        BoundingBox::from_center(cx as f32, cy as f32, (a * h) as f32, h as f32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follows_a_box_moving_at_constant_speed() {
        let at = |t: f32| BoundingBox::from_center(100.0 + 4.0 * t, 50.0 - 1.0 * t, 20.0, 60.0);
        let mut k = BoxKalman::new(&at(0.0));
        for t in 1..40 {
            k.predict();
            k.update(&at(t as f32));
        }
        // With the velocity learnt, a prediction alone lands on the next box.
        k.predict();
        let (want, got) = (at(40.0), k.bbox());
        assert!(want.iou(&got) > 0.95, "{want:?} vs {got:?}");
    }
}
