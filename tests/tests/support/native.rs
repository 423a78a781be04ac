//! The reference the browser must reproduce: the same model file run natively on Flex.

use std::path::PathBuf;

use burn::tensor::Device;
use netball_shared::{DetectConfig, Detection, Detector};
use tokio::sync::OnceCell;

use super::inputs;

/// The model file the server hands to the browser, and the native detections on the test image.
pub struct Reference {
    pub model: PathBuf,
    pub detections: Vec<Detection>,
}

/// Built once per test binary: importing the checkpoint and running it take a few seconds.
pub async fn reference() -> &'static Reference {
    static REFERENCE: OnceCell<Reference> = OnceCell::const_new();
    REFERENCE
        .get_or_init(|| async {
            let file = netball_server::model_import::import_checkpoint(&inputs::checkpoint())
                .expect("importing the checkpoint");
            let bytes = file.to_bytes().expect("serialising the model file");
            let model = inputs::scratch().join("default.bpk");
            std::fs::write(&model, &bytes).expect("writing the model file");

            // Loaded back from the bytes, exactly as the browser does.
            let file = netball_shared::ModelFile::from_bytes(bytes).expect("reading it back");
            let detector = Detector::new(file, Device::flex(), DetectConfig::default())
                .expect("loading the model");
            let frame = netball_server::decode::image::read(&inputs::image()).expect("decoding");
            let mut detections = detector.detect(&[frame]).await.expect("native detection");
            Reference {
                model,
                detections: detections.pop().expect("one result per frame"),
            }
        })
        .await
}

/// Checks the browser's detections against the native ones: the same count, and each native
/// detection paired with a browser detection of the same class whose corners are all within
/// `tolerance_px`. Pairs are formed by closeness, not by list order, because GPU rounding may
/// swap two detections with nearly equal scores.
pub fn assert_matches(native: &[Detection], browser: &[Detection], tolerance_px: f32) {
    assert_eq!(
        native.len(),
        browser.len(),
        "the browser found {} objects, native {}\nnative:  {native:?}\nbrowser: {browser:?}",
        browser.len(),
        native.len()
    );
    let mut unpaired: Vec<&Detection> = browser.iter().collect();
    for n in native {
        let (index, distance) = unpaired
            .iter()
            .enumerate()
            .filter(|(_, b)| b.class_id == n.class_id)
            .map(|(i, b)| (i, corner_distance(n, b)))
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .unwrap_or_else(|| {
                panic!("no browser detection of class {} for native {n:?}", n.label)
            });
        let b = unpaired.swap_remove(index);
        assert_eq!(b.label, n.label);
        assert!(
            distance <= tolerance_px,
            "box differs by {distance:.3} px (> {tolerance_px}):\nnative:  {n:?}\nbrowser: {b:?}"
        );
        println!(
            "  {:<7} native score {:.4} browser {:.4}, corners within {distance:.4} px",
            n.label, n.score, b.score
        );
    }
}

/// The largest difference between corresponding corner coordinates.
fn corner_distance(a: &Detection, b: &Detection) -> f32 {
    [
        a.bbox.x1 - b.bbox.x1,
        a.bbox.y1 - b.bbox.y1,
        a.bbox.x2 - b.bbox.x2,
        a.bbox.y2 - b.bbox.y2,
    ]
    .into_iter()
    .map(f32::abs)
    .fold(0.0, f32::max)
}
