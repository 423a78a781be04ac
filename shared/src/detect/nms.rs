//! Class-aware non-maximum suppression.

use super::Detection;

/// Keeps the best-scoring detections, dropping any that overlaps a kept one of the same class by
/// more than `iou_threshold`; at most `max_detections`, best first.
///
/// Quadratic in the candidates of one class, which the confidence threshold keeps to a few
/// hundred at most; a spatial index would cost more than it saves at that size.
pub fn non_max_suppression(
    mut candidates: Vec<Detection>,
    iou_threshold: f32,
    max_detections: usize,
) -> Vec<Detection> {
    candidates.sort_by(|a, b| b.score.total_cmp(&a.score));
    let mut kept: Vec<Detection> = Vec::new();
    for c in candidates {
        if kept.len() == max_detections {
            break;
        }
        let suppressed = kept
            .iter()
            .any(|k| k.class_id == c.class_id && k.bbox.iou(&c.bbox) > iou_threshold);
        if !suppressed {
            kept.push(c);
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::BoundingBox;

    fn det(x1: f32, score: f32, class_id: usize) -> Detection {
        Detection {
            bbox: BoundingBox {
                x1,
                y1: 0.0,
                x2: x1 + 10.0,
                y2: 10.0,
            },
            score,
            class_id,
            label: String::new(),
        }
    }

    #[test]
    fn overlapping_boxes_of_one_class_collapse_to_the_best() {
        let kept = non_max_suppression(
            vec![det(0.0, 0.5, 0), det(1.0, 0.9, 0), det(30.0, 0.4, 0)],
            0.5,
            10,
        );
        let scores: Vec<_> = kept.iter().map(|d| d.score).collect();
        assert_eq!(scores, [0.9, 0.4]);
    }

    #[test]
    fn other_classes_are_not_suppressed() {
        let kept = non_max_suppression(vec![det(0.0, 0.5, 0), det(0.0, 0.9, 1)], 0.5, 10);
        assert_eq!(kept.len(), 2);
    }

    #[test]
    fn the_cap_keeps_the_best() {
        let kept = non_max_suppression(
            (0..5)
                .map(|i| det(i as f32 * 20.0, i as f32 / 10.0, 0))
                .collect(),
            0.5,
            2,
        );
        let scores: Vec<_> = kept.iter().map(|d| d.score).collect();
        assert_eq!(scores, [0.4, 0.3]);
    }
}
