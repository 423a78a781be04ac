//! Detection average precision: how well the detector's scores rank true objects above false
//! alarms, with identities ignored. It judges the detector on its own, before tracking.
//!
//! The method is COCO's (pycocotools `COCOeval`, one class, every box size, no limit on
//! detections per frame, no crowd regions):
//! - within each frame, detections in descending score order are matched greedily, each to the
//!   still unmatched ground-truth box it overlaps most, if that IoU is at least the threshold;
//! - all frames' detections are then ranked by score (ties keep frame order, then the order
//!   within the frame), giving a precision-recall curve;
//! - precision is made non-increasing in recall (the "interpolated" envelope) and read at the
//!   101 recall levels 0, 0.01, ..., 1; a level the detector never reaches reads 0; AP is the
//!   mean of the 101 readings.
//!
//! One difference: COCO divides by `tp + fp + eps`, which caps AP just below 1; here the
//! division is exact, so a perfect detector scores exactly 1.

use std::cmp::Ordering;

use super::iou::box_iou;

/// The number of recall levels precision is read at (COCO's).
const RECALL_LEVELS: usize = 101;

/// Average precision at one IoU threshold. `gt[t]` and `dets[t]` are frame `t`'s boxes
/// (left, top, width, height) and the detections with their scores; a frame missing from
/// the shorter list is empty.
///
/// With no ground truth at all, recall is undefined: the result is 1 if there are no
/// detections either (nothing was missed or invented) and 0 otherwise.
pub fn average_precision(gt: &[Vec<[f64; 4]>], dets: &[Vec<([f64; 4], f32)>], iou: f64) -> f64 {
    let num_gt: usize = gt.iter().map(Vec::len).sum();
    let num_dets: usize = dets.iter().map(Vec::len).sum();
    if num_gt == 0 {
        return if num_dets == 0 { 1.0 } else { 0.0 };
    }
    let no_boxes: Vec<[f64; 4]> = Vec::new();
    let mut ranked: Vec<(f32, bool)> = Vec::with_capacity(num_dets);
    for (t, frame_dets) in dets.iter().enumerate() {
        let frame_gt = gt.get(t).unwrap_or(&no_boxes);
        ranked.extend(match_frame(frame_gt, frame_dets, iou));
    }
    // A stable sort keeps COCO's order for equal scores.
    ranked.sort_by(|a, b| by_descending_score(a.0, b.0));
    interpolated_ap(&ranked, num_gt)
}

/// AP at IoU 0.5, the PASCAL VOC threshold.
pub fn ap50(gt: &[Vec<[f64; 4]>], dets: &[Vec<([f64; 4], f32)>]) -> f64 {
    average_precision(gt, dets, 0.5)
}

/// AP averaged over the IoU thresholds 0.50, 0.55, ..., 0.95 (COCO's headline "AP"), which
/// also rewards tight boxes.
pub fn ap50_95(gt: &[Vec<[f64; 4]>], dets: &[Vec<([f64; 4], f32)>]) -> f64 {
    let thresholds: Vec<f64> = (0..10).map(|i| 0.5 + 0.05 * f64::from(i)).collect();
    let sum: f64 = thresholds
        .iter()
        .map(|&t| average_precision(gt, dets, t))
        .sum();
    sum / thresholds.len() as f64
}

/// Orders scores high to low; a NaN score ranks last.
fn by_descending_score(a: f32, b: f32) -> Ordering {
    let key = |s: f32| if s.is_nan() { f32::NEG_INFINITY } else { s };
    key(b).total_cmp(&key(a))
}

/// One frame's detections as (score, true positive?), in descending score order.
fn match_frame(gt: &[[f64; 4]], dets: &[([f64; 4], f32)], threshold: f64) -> Vec<(f32, bool)> {
    let mut order: Vec<usize> = (0..dets.len()).collect();
    order.sort_by(|&a, &b| by_descending_score(dets[a].1, dets[b].1));
    let mut taken = vec![false; gt.len()];
    order
        .into_iter()
        .map(|d| {
            let (bbox, score) = &dets[d];
            let best = best_unmatched(gt, &taken, bbox, threshold);
            if let Some(g) = best {
                taken[g] = true;
            }
            (*score, best.is_some())
        })
        .collect()
}

/// The unmatched ground-truth box overlapping `bbox` most, if by at least `threshold`
/// (the first of equals).
fn best_unmatched(
    gt: &[[f64; 4]],
    taken: &[bool],
    bbox: &[f64; 4],
    threshold: f64,
) -> Option<usize> {
    let mut best: Option<(usize, f64)> = None;
    for (g, gt_box) in gt.iter().enumerate() {
        if taken[g] {
            continue;
        }
        let iou = box_iou(gt_box, bbox);
        if iou >= threshold && best.is_none_or(|(_, b)| iou > b) {
            best = Some((g, iou));
        }
    }
    best.map(|(g, _)| g)
}

/// The 101-point interpolated AP of detections ranked by score, with `num_gt` objects.
fn interpolated_ap(ranked: &[(f32, bool)], num_gt: usize) -> f64 {
    let mut recall = Vec::with_capacity(ranked.len());
    let mut precision = Vec::with_capacity(ranked.len());
    let (mut tp, mut fp) = (0.0_f64, 0.0_f64);
    for &(_, is_tp) in ranked {
        if is_tp {
            tp += 1.0;
        } else {
            fp += 1.0;
        }
        recall.push(tp / num_gt as f64);
        precision.push(tp / (tp + fp));
    }
    // The envelope: the best precision at this recall or any higher one.
    for i in (1..precision.len()).rev() {
        precision[i - 1] = precision[i - 1].max(precision[i]);
    }
    let sum: f64 = (0..RECALL_LEVELS)
        .map(|k| {
            // NumPy's linspace(0, 1, 101) is k * 0.01.
            let level = k as f64 * 0.01;
            let first = recall.partition_point(|&r| r < level);
            precision.get(first).copied().unwrap_or(0.0)
        })
        .sum();
    sum / RECALL_LEVELS as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(x: f64) -> [f64; 4] {
        [x, 0.0, 10.0, 10.0]
    }

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() < 1e-12, "{a} != {b}");
    }

    #[test]
    fn perfect_detection_is_one() {
        let gt = vec![vec![b(0.0), b(100.0)], vec![b(50.0)]];
        let dets = vec![vec![(b(0.0), 0.9), (b(100.0), 0.8)], vec![(b(50.0), 0.7)]];
        close(ap50(&gt, &dets), 1.0);
        close(ap50_95(&gt, &dets), 1.0);
    }

    #[test]
    fn nothing_detected_is_zero() {
        close(ap50(&[vec![b(0.0)]], &[]), 0.0);
    }

    #[test]
    fn half_the_objects_found_with_no_false_alarm() {
        // Recall reaches 0.5 at precision 1: levels 0..=0.50 read 1, the rest 0.
        let gt = vec![vec![b(0.0), b(100.0)]];
        let dets = vec![vec![(b(0.0), 0.9)]];
        close(ap50(&gt, &dets), 51.0 / 101.0);
    }

    #[test]
    fn a_false_alarm_ranked_first_costs_precision() {
        // Ranked: false alarm (P 0), hit (R 1, P 0.5). The envelope reads 0.5 everywhere.
        let gt = vec![vec![b(0.0)]];
        let dets = vec![vec![(b(500.0), 0.9), (b(0.0), 0.8)]];
        close(ap50(&gt, &dets), 0.5);
        // Ranked after the hit, the false alarm costs nothing.
        let dets = vec![vec![(b(500.0), 0.1), (b(0.0), 0.8)]];
        close(ap50(&gt, &dets), 1.0);
    }

    #[test]
    fn a_duplicate_detection_is_a_false_positive() {
        let gt = vec![vec![b(0.0)]];
        let dets = vec![vec![(b(0.0), 0.9), (b(1.0), 0.8)]];
        close(ap50(&gt, &dets), 1.0);
        let dets = vec![vec![(b(1.0), 0.9), (b(0.0), 0.8)]];
        // The higher-scored, looser box takes the object; the exact one is then a duplicate.
        close(ap50(&gt, &dets), 1.0);
        close(average_precision(&gt, &dets, 0.9), 0.5);
    }

    #[test]
    fn loose_boxes_pass_at_50_but_not_at_95() {
        // IoU of a 10x10 box shifted by 2: 80 / 120 = 0.667.
        let gt = vec![vec![b(0.0)]];
        let dets = vec![vec![(b(2.0), 0.9)]];
        close(ap50(&gt, &dets), 1.0);
        close(average_precision(&gt, &dets, 0.7), 0.0);
        // Thresholds 0.50, 0.55, 0.60, 0.65 pass: 4 of 10.
        close(ap50_95(&gt, &dets), 0.4);
    }

    #[test]
    fn no_ground_truth() {
        close(ap50(&[vec![]], &[vec![]]), 1.0);
        close(ap50(&[vec![]], &[vec![(b(0.0), 0.5)]]), 0.0);
    }

    #[test]
    fn nan_scores_rank_last() {
        let gt = vec![vec![b(0.0)]];
        let dets = vec![vec![(b(500.0), f32::NAN), (b(0.0), 0.1)]];
        close(ap50(&gt, &dets), 1.0);
    }
}
