//! Where the tests find the built app and the test assets. Missing inputs fail the test with the
//! command that provides them: a skipped end-to-end test would hide a broken app.

use std::path::PathBuf;

/// The Trunk output, `$NETBALL_DIST` or `<workspace>/dist`.
pub fn dist() -> PathBuf {
    let dist = std::env::var_os("NETBALL_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("dist"));
    for file in ["index.html", "worker_loader.js", "worker_bg.wasm"] {
        assert!(
            dist.join(file).is_file(),
            "{} has no {file}: build the browser app first with `trunk build --release` in {} \
             (or point NETBALL_DIST at a build)",
            dist.display(),
            workspace().display()
        );
    }
    dist
}

/// The YOLOv8s fall-detection checkpoint.
pub fn checkpoint() -> PathBuf {
    asset("fall/best.pt")
}

/// A 640x480 greyscale photograph of people.
pub fn image() -> PathBuf {
    asset("opencv/basketball1.png")
}

/// A place for the tests' own files (the converted model, screenshots), kept between runs.
pub fn scratch() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("netball-e2e");
    std::fs::create_dir_all(&dir).expect("creating the scratch folder");
    dir
}

fn asset(relative: &str) -> PathBuf {
    let root = std::env::var_os("NETBALL_ASSETS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").expect("HOME is not set"))
                .join(".cache/netball-assets")
        });
    let path = root.join(relative);
    assert!(
        path.is_file(),
        "missing test asset {}: run `bash scripts/fetch-assets.sh` (set NETBALL_ASSETS for \
         another folder)",
        path.display()
    );
    path
}

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the test crate sits in the workspace")
        .to_path_buf()
}
