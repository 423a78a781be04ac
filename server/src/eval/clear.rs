//! CLEAR MOT (Bernardin and Stiefelhagen, 2008): per-frame matching at IoU 0.5, then MOTA,
//! MOTP, identity switches, fragmentations and the mostly tracked / lost counts.
//!
//! The matching and every counting rule follow TrackEval's `clear.py`, so the numbers are
//! those published MOTChallenge results use:
//! - a pair can match only if its IoU is at least `0.5 - f64::EPSILON`;
//! - each frame is one maximum-weight assignment in which a pair that continues the previous
//!   frame's match weighs `1000 + IoU` and any other `IoU`, so keeping identities comes first
//!   and localisation second;
//! - an identity switch is a ground-truth object matched to a different prediction than the
//!   last time it was matched, however long ago; a fragmentation is each resumption of a
//!   track after an interruption;
//! - frames where either side is empty only add misses or false positives: they do not
//!   interrupt a track (TrackEval skips them before its per-frame bookkeeping);
//! - an object is mostly tracked when matched in more than 80% of its frames, mostly lost
//!   below 20%.

use netball_shared::track::max_weight_assignment;

use super::prepare::{Prepared, PreparedFrame};
use super::{Sequence, count};

/// The IoU a match needs.
const THRESHOLD: f64 = 0.5;

/// The weight added to a pair that continues the previous frame's match: more than any sum of
/// IoUs in a frame can gain by breaking it (TrackEval's value).
const CONTINUATION_BONUS: f64 = 1000.0;

/// CLEAR MOT results. MOTA and MOTP are fractions; MOTA is `1 - (FN + FP + IDSW) / GT`.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ClearScores {
    pub mota: f64,
    /// Mean IoU of the matched pairs.
    pub motp: f64,
    pub matches: u64,
    pub false_positives: u64,
    pub false_negatives: u64,
    pub id_switches: u64,
    pub fragmentations: u64,
    pub mostly_tracked: u64,
    pub partially_tracked: u64,
    pub mostly_lost: u64,
}

/// CLEAR MOT of the prediction `pred` against the truth `gt`.
pub fn clear_mot(gt: &Sequence, pred: &Sequence) -> ClearScores {
    from_prepared(&Prepared::new(gt, pred))
}

/// What the frames leave behind: per ground-truth id and summed over frames.
#[derive(Default)]
struct Tally {
    matches: usize,
    false_positives: usize,
    false_negatives: usize,
    id_switches: usize,
    iou_sum: f64,
    /// Frames each ground-truth id is present in.
    present: Vec<usize>,
    /// Frames each ground-truth id is matched in.
    matched: Vec<usize>,
    /// Tracked runs started by each ground-truth id.
    runs: Vec<usize>,
    /// The prediction each ground-truth id was last matched to, in any earlier frame.
    last_match: Vec<Option<usize>>,
    /// The prediction each ground-truth id was matched to in the last frame with both
    /// ground truth and predictions.
    previous_frame: Vec<Option<usize>>,
}

pub(crate) fn from_prepared(data: &Prepared) -> ClearScores {
    // TrackEval's early exits: with nothing on one side, MOTA and MOTP are reported as 0.
    if data.num_pred_dets == 0 {
        return ClearScores {
            false_negatives: count(data.num_gt_dets),
            mostly_lost: count(data.num_gt_ids),
            ..ClearScores::default()
        };
    }
    if data.num_gt_dets == 0 {
        return ClearScores {
            false_positives: count(data.num_pred_dets),
            ..ClearScores::default()
        };
    }
    let n = data.num_gt_ids;
    let mut tally = Tally {
        present: vec![0; n],
        matched: vec![0; n],
        runs: vec![0; n],
        last_match: vec![None; n],
        previous_frame: vec![None; n],
        ..Tally::default()
    };
    for frame in &data.frames {
        tally.frame(frame);
    }
    tally.finish(n)
}

impl Tally {
    fn frame(&mut self, f: &PreparedFrame) {
        if f.gt.is_empty() || f.pred.is_empty() {
            self.false_positives += f.pred.len();
            self.false_negatives += f.gt.len();
            for &g in &f.gt {
                self.present[g] += 1;
            }
            return;
        }
        let pairs = self.match_frame(f);
        for &g in &f.gt {
            self.present[g] += 1;
        }
        let mut current = vec![None; self.previous_frame.len()];
        for &(r, c) in &pairs {
            let (g, p) = (f.gt[r], f.pred[c]);
            if self.last_match[g].is_some_and(|last| last != p) {
                self.id_switches += 1;
            }
            self.last_match[g] = Some(p);
            current[g] = Some(p);
            self.matched[g] += 1;
            if self.previous_frame[g].is_none() {
                self.runs[g] += 1;
            }
            self.iou_sum += f.similarity.at(r, c);
        }
        self.previous_frame = current;
        self.matches += pairs.len();
        self.false_negatives += f.gt.len() - pairs.len();
        self.false_positives += f.pred.len() - pairs.len();
    }

    /// The frame's matched (row, col) pairs: the best assignment, keeping only pairs of
    /// positive weight, that is pairs at the IoU threshold.
    fn match_frame(&self, f: &PreparedFrame) -> Vec<(usize, usize)> {
        let weight = |r: usize, c: usize| -> f64 {
            let iou = f.similarity.at(r, c);
            if iou < THRESHOLD - f64::EPSILON {
                return 0.0;
            }
            let continues = self.previous_frame[f.gt[r]] == Some(f.pred[c]);
            if continues {
                CONTINUATION_BONUS + iou
            } else {
                iou
            }
        };
        max_weight_assignment(f.gt.len(), f.pred.len(), weight)
            .into_iter()
            .filter(|&(r, c)| weight(r, c) > f64::EPSILON)
            .collect()
    }

    fn finish(self, num_gt_ids: usize) -> ClearScores {
        let (mut mostly_tracked, mut partially_tracked) = (0, 0);
        for (&present, &matched) in self.present.iter().zip(&self.matched) {
            if present == 0 {
                continue;
            }
            let ratio = matched as f64 / present as f64;
            if ratio > 0.8 {
                mostly_tracked += 1;
            } else if ratio >= 0.2 {
                partially_tracked += 1;
            }
        }
        let fragmentations: usize = self.runs.iter().map(|&r| r.saturating_sub(1)).sum();
        let tp = self.matches as f64;
        let gt_total = tp + self.false_negatives as f64;
        ClearScores {
            mota: (tp - self.false_positives as f64 - self.id_switches as f64) / gt_total.max(1.0),
            motp: self.iou_sum / tp.max(1.0),
            matches: count(self.matches),
            false_positives: count(self.false_positives),
            false_negatives: count(self.false_negatives),
            id_switches: count(self.id_switches),
            fragmentations: count(fragmentations),
            mostly_tracked: count(mostly_tracked),
            partially_tracked: count(partially_tracked),
            mostly_lost: count(num_gt_ids - mostly_tracked - partially_tracked),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{close, obj, seq, still};
    use super::*;

    #[test]
    fn perfect_tracking() {
        let s = clear_mot(&still(5, 2), &still(5, 2));
        close(s.mota, 1.0);
        close(s.motp, 1.0);
        assert_eq!((s.matches, s.id_switches, s.fragmentations), (10, 0, 0));
        assert_eq!(s.mostly_tracked, 2);
    }

    #[test]
    fn one_id_switch() {
        // Object 1 is predicted as id 10 for two frames, then as id 11.
        let gt = still(4, 1);
        let pred = seq(&[
            &[(10, obj(1))],
            &[(10, obj(1))],
            &[(11, obj(1))],
            &[(11, obj(1))],
        ]);
        let s = clear_mot(&gt, &pred);
        assert_eq!(s.id_switches, 1);
        assert_eq!(s.fragmentations, 0);
        close(s.mota, (4.0 - 1.0) / 4.0);
    }

    #[test]
    fn a_gap_is_a_fragmentation_and_the_misses_count() {
        let gt = still(5, 2);
        let mut pred = still(5, 2);
        pred.frames[2].ids.truncate(1);
        pred.frames[2].boxes.truncate(1);
        let s = clear_mot(&gt, &pred);
        assert_eq!(
            (s.false_negatives, s.fragmentations, s.id_switches),
            (1, 1, 0)
        );
        // Object 2 is matched in 4 of 5 frames: 80% is not more than 80%.
        assert_eq!((s.mostly_tracked, s.partially_tracked), (1, 1));
        close(s.mota, 9.0 / 10.0);
    }

    #[test]
    fn an_empty_prediction_frame_does_not_break_a_track() {
        let gt = still(3, 1);
        let pred = seq(&[&[(1, obj(1))], &[], &[(1, obj(1))]]);
        let s = clear_mot(&gt, &pred);
        assert_eq!((s.false_negatives, s.fragmentations), (1, 0));
    }

    #[test]
    fn continuing_a_match_beats_a_better_iou() {
        // Frame 0 matches gt 1 to pred 5. In frame 1 pred 6 fits gt 1 better, but pred 5 is
        // still above the threshold, so the match continues and there is no switch.
        let gt = seq(&[
            &[(1, [0.0, 0.0, 10.0, 10.0])],
            &[(1, [0.0, 0.0, 10.0, 10.0])],
        ]);
        let pred = seq(&[
            &[(5, [0.0, 0.0, 10.0, 10.0])],
            &[(5, [0.0, 0.0, 10.0, 7.0]), (6, [0.0, 0.0, 10.0, 10.0])],
        ]);
        let s = clear_mot(&gt, &pred);
        assert_eq!((s.id_switches, s.false_positives), (0, 1));
        close(s.motp, (1.0 + 0.7) / 2.0);
    }

    #[test]
    fn below_threshold_is_a_miss_and_a_false_positive() {
        let gt = seq(&[&[(1, [0.0, 0.0, 10.0, 10.0])]]);
        let pred = seq(&[&[(1, [5.0, 0.0, 10.0, 10.0])]]);
        let s = clear_mot(&gt, &pred);
        assert_eq!((s.matches, s.false_negatives, s.false_positives), (0, 1, 1));
        assert_eq!(s.mostly_lost, 1);
        close(s.mota, -1.0);
    }

    #[test]
    fn all_misses() {
        let s = clear_mot(&still(3, 2), &Sequence::default());
        assert_eq!((s.false_negatives, s.mostly_lost), (6, 2));
        close(s.mota, 0.0);
    }

    #[test]
    fn only_false_positives_report_zero_mota_as_trackeval_does() {
        let s = clear_mot(&Sequence::default(), &still(3, 1));
        assert_eq!(s.false_positives, 3);
        close(s.mota, 0.0);
    }
}
