//! Raw head output → candidate detections in frame pixels.

use super::{BoundingBox, Detection, Letterbox};

/// Decodes one image's raw output, laid out `[4 + classes, anchors]` (row-major, as
/// [`crate::YoloV8::forward`] returns it), keeping anchors whose best class scores at least
/// `confidence`. Boxes are mapped back through the letterbox and clamped to the frame.
pub fn decode(
    raw: &[f32],
    anchors: usize,
    classes: &[String],
    letterbox: &Letterbox,
    confidence: f32,
) -> Vec<Detection> {
    let rows = 4 + classes.len();
    assert_eq!(
        raw.len(),
        rows * anchors,
        "raw output is [4 + classes, anchors]"
    );
    let at = |row: usize, a: usize| raw[row * anchors + a];
    let (fw, fh) = (letterbox.frame_width as f32, letterbox.frame_height as f32);
    (0..anchors)
        .filter_map(|a| {
            let (class_id, score) = (0..classes.len())
                .map(|c| (c, at(4 + c, a)))
                .max_by(|x, y| x.1.total_cmp(&y.1))?;
            if score < confidence {
                return None;
            }
            let b = BoundingBox::from_center(at(0, a), at(1, a), at(2, a), at(3, a));
            let (x1, y1) = letterbox.to_frame(b.x1, b.y1);
            let (x2, y2) = letterbox.to_frame(b.x2, b.y2);
            Some(Detection {
                bbox: BoundingBox { x1, y1, x2, y2 }.clamp(fw, fh),
                score,
                class_id,
                label: classes[class_id].clone(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boxes_come_back_in_frame_pixels() {
        let (lb, _) = Letterbox::fit(1280, 960, 640); // scale 0.5, padded 80 on top
        let classes = vec!["a".to_string(), "b".to_string()];
        // Two anchors: the first is a confident "b" box, the second is below threshold.
        #[rustfmt::skip]
        let raw = [
            100.0, 0.0,   // cx
            180.0, 0.0,   // cy
            40.0, 0.0,    // w
            20.0, 0.0,    // h
            0.1, 0.2,     // class a
            0.8, 0.1,     // class b
        ];
        let dets = decode(&raw, 2, &classes, &lb, 0.25);
        assert_eq!(dets.len(), 1);
        let d = &dets[0];
        assert_eq!((d.class_id, d.label.as_str(), d.score), (1, "b", 0.8));
        assert_eq!(
            d.bbox,
            BoundingBox {
                x1: 160.0,
                y1: 180.0,
                x2: 240.0,
                y2: 220.0
            }
        );
    }
}
