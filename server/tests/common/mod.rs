//! What the integration tests share: the test assets fetched by `scripts/fetch-assets.sh`, the
//! Python that runs the references, and measures.

#![allow(dead_code)] // each test file uses its own subset

use std::path::{Path, PathBuf};

/// The asset cache (`$NETBALL_ASSETS`, else `~/.cache/netball-assets`), checked to hold `rel`.
pub fn asset(rel: &str) -> PathBuf {
    let root = std::env::var_os("NETBALL_ASSETS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").expect("HOME is set"))
                .join(".cache/netball-assets")
        });
    let path = root.join(rel);
    assert!(
        path.is_file(),
        "missing test asset {}: run `bash scripts/fetch-assets.sh` first",
        path.display()
    );
    path
}

pub fn best_pt() -> PathBuf {
    asset("fall/best.pt")
}

pub fn best_onnx() -> PathBuf {
    asset("fall/best_fp16.onnx")
}

pub fn basketball() -> PathBuf {
    asset("opencv/basketball1.png")
}

pub fn vtest() -> PathBuf {
    asset("opencv/vtest.avi")
}

/// The Python with the references the tests check against (TrackEval, ONNX Runtime):
/// `$NETBALL_PYTHON`, else `$NETBALL_VENV/bin/python`, else `~/.cache/netball-venv/bin/python`,
/// the virtual environment `scripts/setup.sh` creates from `scripts/python-requirements.txt`.
pub fn python() -> PathBuf {
    if let Some(p) = std::env::var_os("NETBALL_PYTHON") {
        return PathBuf::from(p);
    }
    let venv = std::env::var_os("NETBALL_VENV")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cache/netball-venv")));
    match venv.map(|v| v.join("bin/python")) {
        Some(p) if p.exists() => p,
        other => panic!(
            "no Python with the test references at {other:?}: run scripts/setup.sh (it creates \
             ~/.cache/netball-venv from scripts/python-requirements.txt), or point \
             NETBALL_PYTHON at an interpreter that has them"
        ),
    }
}

/// Median distance (metres) over a 13 x 7 grid of court points between each point and where
/// the camera's true map `truth`, read back through `fitted`, puts it.
pub fn court_error(
    truth: &netball_shared::camera::Homography,
    fitted: &netball_shared::camera::Homography,
) -> f64 {
    use netball_shared::court::CourtPoint;
    let mut errors: Vec<f64> = (0..=12)
        .flat_map(|i| {
            (0..=6).map(move |j| CourtPoint::new(i as f32 * 30.5 / 12.0, j as f32 * 15.25 / 6.0))
        })
        .filter_map(|p| {
            let pixel = truth.court_to_image(p)?;
            Some(f64::from(fitted.image_to_court(pixel)?.distance(p)))
        })
        .collect();
    errors.sort_by(f64::total_cmp);
    errors[errors.len() / 2]
}
