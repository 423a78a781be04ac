//! Cameras and the court floor's image: a pinhole camera (for the simulator and for
//! calibrated broadcasts) and the floor homography that maps a player's ground point in the
//! image to metres on the court.
//!
//! Calibration finds that homography from the court's painted lines, or fits it to clicked
//! court landmarks, robust to bad clicks.

mod fit;
mod homography;
mod lines;
mod pinhole;

pub use fit::{
    Calibration, Correspondence, FitError, FitSettings, ReprojectionError, fit_homography,
};
pub use homography::{Feet, FrameCalibration, Homography, ImageToCourt};
pub use lines::{LineCalibration, LineError, calibrate_from_lines};
pub use pinhole::{PinholeCamera, WorldPoint};
