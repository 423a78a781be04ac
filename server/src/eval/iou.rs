//! Intersection over union of two boxes, computed the way TrackEval computes it, so that a
//! pair just at a threshold falls on the same side in both implementations.

/// The IoU of two boxes given as (left, top, width, height).
///
/// The order of operations follows TrackEval (`_calculate_box_ious`): corners first
/// (`left + width`), areas from the corners, `union = area_a + area_b - intersection`. A box
/// with an area of at most `f64::EPSILON`, or a pair whose union is that small, has IoU 0, so
/// degenerate boxes never match anything.
pub fn box_iou(a: &[f64; 4], b: &[f64; 4]) -> f64 {
    let (ax0, ay0, ax1, ay1) = corners(a);
    let (bx0, by0, bx1, by1) = corners(b);
    let overlap_w = (ax1.min(bx1) - ax0.max(bx0)).max(0.0);
    let overlap_h = (ay1.min(by1) - ay0.max(by0)).max(0.0);
    let intersection = overlap_w * overlap_h;
    let area_a = (ax1 - ax0) * (ay1 - ay0);
    let area_b = (bx1 - bx0) * (by1 - by0);
    let union = area_a + area_b - intersection;
    if area_a <= f64::EPSILON || area_b <= f64::EPSILON || union <= f64::EPSILON {
        return 0.0;
    }
    intersection / union
}

/// (x0, y0, x1, y1) of a (left, top, width, height) box.
fn corners(b: &[f64; 4]) -> (f64, f64, f64, f64) {
    (b[0], b[1], b[0] + b[2], b[1] + b[3])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_boxes_have_iou_one() {
        assert_eq!(
            box_iou(&[3.0, 4.0, 10.0, 20.0], &[3.0, 4.0, 10.0, 20.0]),
            1.0
        );
    }

    #[test]
    fn half_overlap_is_one_third() {
        // Two 10x10 boxes sharing a 5x10 strip: 50 / (100 + 100 - 50).
        let iou = box_iou(&[0.0, 0.0, 10.0, 10.0], &[5.0, 0.0, 10.0, 10.0]);
        assert!((iou - 1.0 / 3.0).abs() < 1e-15);
    }

    #[test]
    fn disjoint_and_touching_boxes_have_iou_zero() {
        assert_eq!(box_iou(&[0.0, 0.0, 1.0, 1.0], &[5.0, 5.0, 1.0, 1.0]), 0.0);
        assert_eq!(box_iou(&[0.0, 0.0, 1.0, 1.0], &[1.0, 0.0, 1.0, 1.0]), 0.0);
    }

    #[test]
    fn empty_boxes_never_overlap() {
        assert_eq!(box_iou(&[0.0, 0.0, 0.0, 10.0], &[0.0, 0.0, 0.0, 10.0]), 0.0);
    }
}
