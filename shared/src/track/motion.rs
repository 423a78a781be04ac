//! A constant-velocity Kalman filter on a point in the plane: the ball's centre in pixels per
//! frame, a player's court position in metres per second. The axes are independent with the
//! same noise, so they share one covariance over (position, velocity): the state's columns are
//! the x and y axes, its rows position and velocity.

use nalgebra::{Matrix2, RowVector2, Vector2};

#[derive(Clone, Debug)]
pub(crate) struct Motion {
    state: Matrix2<f64>,
    covariance: Matrix2<f64>,
}

impl Motion {
    /// At `at`, still, with these spreads of position and velocity.
    pub(crate) fn new(at: Vector2<f64>, position_std: f64, velocity_std: f64) -> Self {
        Self {
            state: Matrix2::new(at.x, at.y, 0.0, 0.0),
            covariance: Matrix2::new(position_std.powi(2), 0.0, 0.0, velocity_std.powi(2)),
        }
    }

    /// `dt` time steps ahead, with white acceleration noise of `acceleration_std`.
    pub(crate) fn predict(&mut self, dt: f64, acceleration_std: f64) {
        let f = transition(dt);
        let q = Matrix2::new(
            dt.powi(4) / 4.0,
            dt.powi(3) / 2.0,
            dt.powi(3) / 2.0,
            dt * dt,
        ) * acceleration_std.powi(2);
        self.state = f * self.state;
        self.covariance = f * self.covariance * f.transpose() + q;
    }

    /// Corrects with a measured position.
    pub(crate) fn update(&mut self, z: Vector2<f64>, measurement_std: f64) {
        let s = self.covariance[(0, 0)] + measurement_std.powi(2);
        let gain: Vector2<f64> = self.covariance.column(0) / s;
        let innovation = RowVector2::new(z.x - self.state[(0, 0)], z.y - self.state[(0, 1)]);
        self.state += gain * innovation;
        self.covariance -= gain * self.covariance.row(0);
    }

    pub(crate) fn position(&self) -> Vector2<f64> {
        Vector2::new(self.state[(0, 0)], self.state[(0, 1)])
    }

    /// The squared distance of a measured position from this estimate, in units of the
    /// measurement's expected spread (chi-squared with two degrees of freedom).
    pub(crate) fn normalised_innovation(&self, z: Vector2<f64>, measurement_std: f64) -> f64 {
        (z - self.position()).norm_squared() / self.innovation_std(measurement_std).powi(2)
    }

    /// The Rauch–Tung–Striebel backward step: this filtered estimate refined by the smoothed
    /// state `next` (rows position and velocity, as the filter's) of the moment `dt` later,
    /// for which `prior` is the prediction this estimate made.
    ///
    /// Hand-written: `adskalman`, the nalgebra Kalman crate, smooths whole recorded sequences,
    /// and a match's worth per track is not bounded memory; over this filter's own state the
    /// step is one line.
    pub(crate) fn smoothed(&self, dt: f64, prior: &Motion, next: &Matrix2<f64>) -> Matrix2<f64> {
        // The prediction's covariance holds the process noise, so it is invertible whenever
        // time moved on; otherwise there is nothing to refine.
        match prior.covariance.try_inverse() {
            Some(inverse) => {
                self.state
                    + self.covariance * transition(dt).transpose() * inverse * (next - prior.state)
            }
            None => self.state,
        }
    }

    /// The estimate: rows position and velocity, columns the x and y axes.
    pub(crate) fn state(&self) -> &Matrix2<f64> {
        &self.state
    }

    /// The spread of the next measurement on each axis.
    pub(crate) fn innovation_std(&self, measurement_std: f64) -> f64 {
        (self.covariance[(0, 0)] + measurement_std.powi(2)).sqrt()
    }
}

/// Constant velocity over `dt`.
fn transition(dt: f64) -> Matrix2<f64> {
    Matrix2::new(1.0, dt, 0.0, 1.0)
}
