//! HOTA (Luiten et al., 2021): detection, association and localisation in one score, averaged
//! over localisation thresholds, so neither finding objects nor keeping their identities
//! dominates as in MOTA (detection) or IDF1 (association).
//!
//! Followed step by step from TrackEval's `hota.py`:
//! 1. For every gt id and predicted id, a global alignment score: their summed per-frame
//!    overlaps (each IoU normalised by the other overlaps of the two boxes) over the frames
//!    either id is present in.
//! 2. Per frame, one maximum-weight assignment with weight `alignment * IoU`, so pairs whose
//!    ids agree over the whole sequence are preferred.
//! 3. For each alpha in 0.05, 0.10, ..., 0.95, assigned pairs with IoU at least
//!    `alpha - f64::EPSILON` are true positives; DetA = TP / (TP + FN + FP); AssA is the
//!    mean over true positives of the association Jaccard index of their (gt, pred) id pair;
//!    LocA is the mean IoU of the true positives; HOTA = sqrt(DetA * AssA).
//! 4. The reported HOTA, DetA, AssA and LocA are the means over the 19 alphas.

use std::collections::BTreeMap;

use netball_shared::track::max_weight_assignment;

use super::Sequence;
use super::prepare::{Prepared, PreparedFrame};

/// The number of localisation thresholds.
const ALPHAS: usize = 19;

/// Alpha number `i`: `0.05 + i * 0.05`, computed as NumPy's `arange(0.05, 0.99, 0.05)` does,
/// so thresholds such as 0.15000000000000002 are bit-identical to TrackEval's.
fn alpha(i: usize) -> f64 {
    0.05 + i as f64 * 0.05
}

/// HOTA results, each the mean over the 19 alphas.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct HotaScores {
    pub hota: f64,
    /// Detection accuracy.
    pub deta: f64,
    /// Association accuracy.
    pub assa: f64,
    /// Localisation accuracy: the mean IoU of matched pairs.
    pub loca: f64,
}

/// HOTA of the prediction `pred` against the truth `gt`.
pub fn hota_metrics(gt: &Sequence, pred: &Sequence) -> HotaScores {
    from_prepared(&Prepared::new(gt, pred))
}

pub(crate) fn from_prepared(data: &Prepared) -> HotaScores {
    // TrackEval's early exits: nothing detected or nothing to detect scores 0, with LocA 1.
    if data.num_pred_dets == 0 || data.num_gt_dets == 0 {
        return HotaScores {
            loca: 1.0,
            ..HotaScores::default()
        };
    }
    let alignment = Alignment::new(data);
    let mut acc = Accumulator::default();
    for frame in &data.frames {
        acc.frame(frame, &alignment);
    }
    acc.finish(&alignment)
}

/// The global alignment of every (gt id, predicted id) pair, and how often each id appears.
struct Alignment {
    num_pred: usize,
    /// Row-major `num_gt x num_pred`.
    score: Vec<f64>,
    gt_count: Vec<f64>,
    pred_count: Vec<f64>,
}

impl Alignment {
    fn new(data: &Prepared) -> Self {
        let (num_gt, num_pred) = (data.num_gt_ids, data.num_pred_ids);
        let mut potential = vec![0.0; num_gt * num_pred];
        let mut gt_count = vec![0.0; num_gt];
        let mut pred_count = vec![0.0; num_pred];
        for f in &data.frames {
            add_normalised_overlaps(f, num_pred, &mut potential);
            for &g in &f.gt {
                gt_count[g] += 1.0;
            }
            for &p in &f.pred {
                pred_count[p] += 1.0;
            }
        }
        let score = potential
            .iter()
            .enumerate()
            .map(|(k, &m)| m / (gt_count[k / num_pred] + pred_count[k % num_pred] - m))
            .collect();
        Self {
            num_pred,
            score,
            gt_count,
            pred_count,
        }
    }

    fn at(&self, g: usize, p: usize) -> f64 {
        self.score[g * self.num_pred + p]
    }
}

/// Adds each pair's IoU over the "union" of both boxes' overlaps in the frame (its row sum
/// plus its column sum minus itself), skipping pairs where that is at most `f64::EPSILON`.
fn add_normalised_overlaps(f: &PreparedFrame, num_pred: usize, potential: &mut [f64]) {
    let cols = f.pred.len();
    let row_sums: Vec<f64> = (0..f.gt.len())
        .map(|r| f.similarity.row(r).iter().sum())
        .collect();
    let mut col_sums = vec![0.0; cols];
    for (r, _) in f.gt.iter().enumerate() {
        for (c, sum) in col_sums.iter_mut().enumerate() {
            *sum += f.similarity.at(r, c);
        }
    }
    for (r, &g) in f.gt.iter().enumerate() {
        for (c, &p) in f.pred.iter().enumerate() {
            let s = f.similarity.at(r, c);
            let denominator = col_sums[c] + row_sums[r] - s;
            if denominator > f64::EPSILON {
                potential[g * num_pred + p] += s / denominator;
            }
        }
    }
}

/// Sums over frames, per alpha.
#[derive(Default)]
struct Accumulator {
    tp: [f64; ALPHAS],
    fn_: [f64; ALPHAS],
    fp: [f64; ALPHAS],
    iou_sum: [f64; ALPHAS],
    /// Per (gt id, predicted id): the frames they are matched in, per alpha.
    matches: BTreeMap<(usize, usize), [f64; ALPHAS]>,
}

impl Accumulator {
    fn frame(&mut self, f: &PreparedFrame, alignment: &Alignment) {
        let (n_gt, n_pred) = (f.gt.len() as f64, f.pred.len() as f64);
        if f.gt.is_empty() || f.pred.is_empty() {
            for (fp, fn_) in self.fp.iter_mut().zip(&mut self.fn_) {
                *fp += n_pred;
                *fn_ += n_gt;
            }
            return;
        }
        let weight = |r: usize, c: usize| alignment.at(f.gt[r], f.pred[c]) * f.similarity.at(r, c);
        let pairs = max_weight_assignment(f.gt.len(), f.pred.len(), weight);
        let mut frame_tp = [0.0; ALPHAS];
        for &(r, c) in &pairs {
            let iou = f.similarity.at(r, c);
            let key = (f.gt[r], f.pred[c]);
            for a in (0..ALPHAS).filter(|&a| iou >= alpha(a) - f64::EPSILON) {
                frame_tp[a] += 1.0;
                self.iou_sum[a] += iou;
                self.matches.entry(key).or_insert([0.0; ALPHAS])[a] += 1.0;
            }
        }
        for (a, &tp) in frame_tp.iter().enumerate() {
            self.tp[a] += tp;
            self.fn_[a] += n_gt - tp;
            self.fp[a] += n_pred - tp;
        }
    }

    fn finish(&self, alignment: &Alignment) -> HotaScores {
        let mut sums = HotaScores::default();
        for a in 0..ALPHAS {
            let tp = self.tp[a];
            let deta = tp / (tp + self.fn_[a] + self.fp[a]).max(1.0);
            let assa = self.association(a, alignment) / tp.max(1.0);
            sums.hota += (deta * assa).sqrt();
            sums.deta += deta;
            sums.assa += assa;
            sums.loca += self.iou_sum[a].max(1e-10) / tp.max(1e-10);
        }
        let n = ALPHAS as f64;
        HotaScores {
            hota: sums.hota / n,
            deta: sums.deta / n,
            assa: sums.assa / n,
            loca: sums.loca / n,
        }
    }

    /// Each matched (gt id, pred id) pair's association Jaccard index, weighted by how many
    /// true positives it has, summed.
    fn association(&self, a: usize, alignment: &Alignment) -> f64 {
        self.matches
            .iter()
            .map(|(&(g, p), per_alpha)| {
                let m = per_alpha[a];
                let union = alignment.gt_count[g] + alignment.pred_count[p] - m;
                m * (m / union.max(1.0))
            })
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{close, obj, seq, still};
    use super::*;

    #[test]
    fn alphas_match_numpy_arange() {
        assert_eq!(alpha(0), 0.05);
        assert_eq!(alpha(2), 0.150_000_000_000_000_02);
        assert_eq!(alpha(18), 0.950_000_000_000_000_1);
    }

    #[test]
    fn perfect_tracking() {
        let s = hota_metrics(&still(5, 3), &still(5, 3));
        close(s.hota, 1.0);
        close(s.deta, 1.0);
        close(s.assa, 1.0);
        close(s.loca, 1.0);
    }

    #[test]
    fn all_misses() {
        let s = hota_metrics(&still(5, 3), &Sequence::default());
        close(s.hota, 0.0);
        close(s.loca, 1.0);
    }

    #[test]
    fn a_swap_half_way_halves_association_not_detection() {
        let gt = still(4, 2);
        let pred = seq(&[
            &[(1, obj(1)), (2, obj(2))],
            &[(1, obj(1)), (2, obj(2))],
            &[(2, obj(1)), (1, obj(2))],
            &[(2, obj(1)), (1, obj(2))],
        ]);
        let s = hota_metrics(&gt, &pred);
        close(s.deta, 1.0);
        // Every pair is matched in 2 of its 4 + 4 - 2 frames: Jaccard 1/3.
        close(s.assa, 1.0 / 3.0);
        close(s.hota, (1.0_f64 / 3.0).sqrt());
    }

    #[test]
    fn localisation_error_only_fails_the_strict_alphas() {
        // IoU 0.7 (a 10x10 box against a 10x7 one): a match for alphas up to 0.70.
        let gt = seq(&[&[(1, [0.0, 0.0, 10.0, 10.0])]]);
        let pred = seq(&[&[(1, [0.0, 0.0, 10.0, 7.0])]]);
        let s = hota_metrics(&gt, &pred);
        // Alphas 0.05..=0.70 are 14 of 19: 0.70 is 0.7000000000000001, within the epsilon.
        let matched = (0..ALPHAS)
            .filter(|&a| 0.7 >= alpha(a) - f64::EPSILON)
            .count();
        assert_eq!(matched, 14);
        close(s.deta, 14.0 / 19.0);
        close(s.assa, 14.0 / 19.0);
        // An alpha without matches has LocA max(1e-10, 0) / max(1e-10, 0) = 1.
        close(s.loca, (14.0 * 0.7 + 5.0) / 19.0);
    }
}
