//! Test assets fetched by `scripts/fetch-assets.sh`.

#![allow(dead_code)] // each test file uses its own subset

use std::path::PathBuf;

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
