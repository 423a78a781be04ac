//! The identity metrics (Ristani et al., 2016): IDF1, IDP, IDR.
//!
//! Each ground-truth id is paired with at most one predicted id for the whole sequence, and
//! only detections of paired ids in the same frame with IoU at least 0.5 count as identity
//! true positives (IDTP). The pairing is the one with the most IDTPs.
//!
//! TrackEval's `identity.py` finds that pairing as a minimum-cost assignment on a square
//! matrix of (#gt + #pred) rows whose cost is IDFN + IDFP, with dummy rows and columns for
//! leaving an id unpaired. Whatever the pairing, IDFN = (gt boxes) - IDTP and IDFP =
//! (predicted boxes) - IDTP, so its cost is a constant minus twice the IDTP: minimising it is
//! maximising the IDTP over pairings of gt ids with predicted ids. This module solves that
//! smaller problem directly, on exact integer counts, and gets the same IDTP, IDFN and IDFP.

use std::collections::BTreeMap;

use netball_shared::track::max_weight_assignment_int;

use super::prepare::Prepared;
use super::{Sequence, count};

/// The IoU a detection pair needs to count (TrackEval compares with `>=`, no epsilon).
const THRESHOLD: f64 = 0.5;

/// Identity results: IDF1 = 2 IDTP / (2 IDTP + IDFP + IDFN), IDP = IDTP / (IDTP + IDFP),
/// IDR = IDTP / (IDTP + IDFN).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct IdentityScores {
    pub idf1: f64,
    pub idp: f64,
    pub idr: f64,
    pub idtp: u64,
    pub idfp: u64,
    pub idfn: u64,
}

/// The identity metrics of the prediction `pred` against the truth `gt`.
pub fn identity_metrics(gt: &Sequence, pred: &Sequence) -> IdentityScores {
    from_prepared(&Prepared::new(gt, pred))
}

pub(crate) fn from_prepared(data: &Prepared) -> IdentityScores {
    // TrackEval's early exits leave the ratios at 0.
    if data.num_pred_dets == 0 {
        return IdentityScores {
            idfn: count(data.num_gt_dets),
            ..IdentityScores::default()
        };
    }
    if data.num_gt_dets == 0 {
        return IdentityScores {
            idfp: count(data.num_pred_dets),
            ..IdentityScores::default()
        };
    }
    let overlaps = overlap_counts(data);
    let idtp = best_pairing_total(data.num_gt_ids, data.num_pred_ids, &overlaps);
    let idfn = data.num_gt_dets.saturating_sub(idtp);
    let idfp = data.num_pred_dets.saturating_sub(idtp);
    scores(idtp, idfp, idfn)
}

/// For each (gt id, predicted id), the frames in which their boxes overlap enough.
fn overlap_counts(data: &Prepared) -> BTreeMap<(usize, usize), usize> {
    let mut counts = BTreeMap::new();
    for f in &data.frames {
        for (r, &g) in f.gt.iter().enumerate() {
            for (c, &iou) in f.similarity.row(r).iter().enumerate() {
                if iou >= THRESHOLD {
                    *counts.entry((g, f.pred[c])).or_insert(0) += 1;
                }
            }
        }
    }
    counts
}

/// The largest total count over pairings of gt ids with predicted ids (each id at most once).
fn best_pairing_total(
    num_gt: usize,
    num_pred: usize,
    counts: &BTreeMap<(usize, usize), usize>,
) -> usize {
    // A count is at most the number of frames, so these sums cannot overflow.
    let weight = |g: usize, p: usize| -> i64 {
        counts
            .get(&(g, p))
            .map_or(0, |&n| i64::try_from(n).unwrap_or(i64::MAX / 4))
    };
    max_weight_assignment_int(num_gt, num_pred, weight)
        .into_iter()
        .map(|(g, p)| counts.get(&(g, p)).copied().unwrap_or(0))
        .sum()
}

fn scores(idtp: usize, idfp: usize, idfn: usize) -> IdentityScores {
    let (tp, fp, fn_) = (idtp as f64, idfp as f64, idfn as f64);
    IdentityScores {
        idf1: tp / (tp + 0.5 * fp + 0.5 * fn_).max(1.0),
        idp: tp / (tp + fp).max(1.0),
        idr: tp / (tp + fn_).max(1.0),
        idtp: count(idtp),
        idfp: count(idfp),
        idfn: count(idfn),
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{close, obj, seq, still};
    use super::*;

    #[test]
    fn perfect_tracking() {
        let s = identity_metrics(&still(6, 3), &still(6, 3));
        close(s.idf1, 1.0);
        assert_eq!((s.idtp, s.idfp, s.idfn), (18, 0, 0));
    }

    #[test]
    fn swapping_ids_half_way_halves_idf1() {
        // Objects 1 and 2 are predicted as ids 1 and 2 for two frames, then swapped.
        let gt = still(4, 2);
        let pred = seq(&[
            &[(1, obj(1)), (2, obj(2))],
            &[(1, obj(1)), (2, obj(2))],
            &[(2, obj(1)), (1, obj(2))],
            &[(2, obj(1)), (1, obj(2))],
        ]);
        let s = identity_metrics(&gt, &pred);
        assert_eq!((s.idtp, s.idfp, s.idfn), (4, 4, 4));
        close(s.idf1, 0.5);
        close(s.idp, 0.5);
        close(s.idr, 0.5);
    }

    #[test]
    fn a_track_split_in_two_keeps_the_longer_half() {
        let gt = still(5, 1);
        let pred = seq(&[
            &[(1, obj(1))],
            &[(1, obj(1))],
            &[(1, obj(1))],
            &[(2, obj(1))],
            &[(2, obj(1))],
        ]);
        let s = identity_metrics(&gt, &pred);
        assert_eq!((s.idtp, s.idfp, s.idfn), (3, 2, 2));
        close(s.idf1, 3.0 / 5.0);
    }

    #[test]
    fn all_misses_and_all_false_positives() {
        let s = identity_metrics(&still(2, 2), &Sequence::default());
        assert_eq!((s.idtp, s.idfn), (0, 4));
        close(s.idf1, 0.0);
        let s = identity_metrics(&Sequence::default(), &still(2, 2));
        assert_eq!((s.idtp, s.idfp), (0, 4));
    }

    #[test]
    fn extra_boxes_lower_precision_only() {
        let gt = still(2, 1);
        let mut pred = still(2, 1);
        pred.frames[0].push(9, obj(5));
        let s = identity_metrics(&gt, &pred);
        assert_eq!((s.idtp, s.idfp, s.idfn), (2, 1, 0));
        close(s.idr, 1.0);
        close(s.idp, 2.0 / 3.0);
    }
}
