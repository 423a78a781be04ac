//! Tracking and detection metrics: how close a tracker's output is to the truth.
//!
//! The simulator knows where every object is in every frame (`gt.txt`), so the tracker and the
//! detector can be scored against it, and changes to them judged by numbers rather than by eye.
//! The tracking metrics reproduce the reference implementation that published results use,
//! TrackEval (PyPI `trackeval` 1.3.0), to within float round-off, so our figures can be put next
//! to published ones: `server/tests/eval_trackeval.rs` checks that on synthetic sequences
//! against `scripts/trackeval_scores.py`.
//!
//! - [`mot`]: reading MOTChallenge text (`frame,id,left,top,width,height,conf,class,...`).
//! - [`clear`]: CLEAR MOT (MOTA, MOTP, ID switches, fragmentations, MT/PT/ML).
//! - [`identity`]: the identity metrics (IDF1, IDP, IDR).
//! - [`hota`]: HOTA and its parts (DetA, AssA, LocA).
//! - [`ap`]: detection average precision (AP50, AP50:95), which ignores identities.
//! - [`positions`]: how often tracks name their players' positions, and name them right.
//! - [`movement`]: distance covered, top speeds and heat maps against the people's paths.
//! - [`events`]: possessions, passes, shots, goals and misses found against the truth's.
//!
//! Unlike TrackEval's MOTChallenge loader, nothing here drops "distractor" classes or
//! zero-marked rows: every ground-truth object is a target. Filter by class when reading
//! ([`parse_mot`]) if only some classes should count.

pub mod ap;
pub mod clear;
pub mod events;
pub mod hota;
pub mod identity;
mod iou;
pub mod mot;
pub mod movement;
pub mod positions;
mod prepare;

use serde::{Deserialize, Serialize};

pub use ap::{ap50, ap50_95, average_precision};
pub use clear::{ClearScores, clear_mot};
pub use events::{EventClass, KindScores, ScoredEvent, event_scores};
pub use hota::{HotaScores, hota_metrics};
pub use identity::{IdentityScores, identity_metrics};
pub use iou::box_iou;
pub use mot::{EvalError, parse_mot, read_mot};
pub use movement::{MovementFrame, MovementScores, ReportedMovement, movement_scores};
pub use positions::{PositionScores, position_scores};

use prepare::Prepared;

/// One frame's objects: parallel vectors of ids and boxes (left, top, width, height) in pixels.
///
/// Ids must be unique within a frame (as in any MOTChallenge file). Should the two vectors
/// differ in length, the entries past the shorter one are ignored.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FrameObjects {
    pub ids: Vec<u64>,
    pub boxes: Vec<[f64; 4]>,
}

impl FrameObjects {
    /// Adds one object to the frame.
    pub fn push(&mut self, id: u64, bbox: [f64; 4]) {
        self.ids.push(id);
        self.boxes.push(bbox);
    }

    /// The number of objects, counting only complete (id, box) pairs.
    pub fn len(&self) -> usize {
        self.ids.len().min(self.boxes.len())
    }

    /// Whether the frame holds no object.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The (id, box) pairs, in the order they were added.
    pub fn iter(&self) -> impl Iterator<Item = (u64, &[f64; 4])> {
        self.ids.iter().copied().zip(self.boxes.iter())
    }
}

/// A whole sequence: `frames[i]` is frame i (0-based); both sequences of an evaluation must
/// have the same length (pad with empty frames).
///
/// The metrics themselves treat a frame missing from the shorter sequence as empty, so an
/// unpadded pair is scored as if it had been padded.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Sequence {
    pub frames: Vec<FrameObjects>,
}

impl Sequence {
    /// Appends empty frames until the sequence has at least `len` frames.
    pub fn pad_to(&mut self, len: usize) {
        if self.frames.len() < len {
            self.frames.resize_with(len, FrameObjects::default);
        }
    }

    /// The number of objects over all frames.
    pub fn num_detections(&self) -> usize {
        self.frames.iter().map(FrameObjects::len).sum()
    }
}

/// Every tracking score of one evaluation, as fractions (0..1, MOTA can be negative).
///
/// HOTA, DetA, AssA and LocA are averages over the 19 localisation thresholds
/// 0.05, 0.10, ..., 0.95; the CLEAR and identity metrics use an IoU threshold of 0.5.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrackingScores {
    pub hota: f64,
    pub deta: f64,
    pub assa: f64,
    pub loca: f64,
    pub idf1: f64,
    pub idp: f64,
    pub idr: f64,
    pub mota: f64,
    pub motp: f64,
    pub id_switches: u64,
    pub fragmentations: u64,
    pub false_positives: u64,
    pub false_negatives: u64,
    pub mostly_tracked: u64,
    pub partially_tracked: u64,
    pub mostly_lost: u64,
    /// Distinct ground-truth ids.
    pub gt_ids: u64,
    /// Distinct predicted ids.
    pub pred_ids: u64,
    /// Ground-truth boxes over all frames.
    pub gt_detections: u64,
}

/// Scores a tracker's output `pred` against the truth `gt` with HOTA, CLEAR MOT and the
/// identity metrics, sharing one IoU computation between them.
pub fn evaluate(gt: &Sequence, pred: &Sequence) -> TrackingScores {
    let data = Prepared::new(gt, pred);
    let h = hota::from_prepared(&data);
    let c = clear::from_prepared(&data);
    let i = identity::from_prepared(&data);
    TrackingScores {
        hota: h.hota,
        deta: h.deta,
        assa: h.assa,
        loca: h.loca,
        idf1: i.idf1,
        idp: i.idp,
        idr: i.idr,
        mota: c.mota,
        motp: c.motp,
        id_switches: c.id_switches,
        fragmentations: c.fragmentations,
        false_positives: c.false_positives,
        false_negatives: c.false_negatives,
        mostly_tracked: c.mostly_tracked,
        partially_tracked: c.partially_tracked,
        mostly_lost: c.mostly_lost,
        gt_ids: count(data.num_gt_ids),
        pred_ids: count(data.num_pred_ids),
        gt_detections: count(data.num_gt_dets),
    }
}

/// A count as the `u64` the score structs use (lossless on every supported target).
fn count(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

/// Sequences built from literal tables, for the unit tests of every metric.
#[cfg(test)]
pub(crate) mod testing {
    use super::{FrameObjects, Sequence};

    /// A sequence from one slice of `(id, box)` per frame.
    pub fn seq(frames: &[&[(u64, [f64; 4])]]) -> Sequence {
        Sequence {
            frames: frames
                .iter()
                .map(|objects| {
                    let mut f = FrameObjects::default();
                    for &(id, b) in *objects {
                        f.push(id, b);
                    }
                    f
                })
                .collect(),
        }
    }

    /// `n` frames with the same `k` well separated, still objects (ids 1..=k).
    pub fn still(n: usize, k: u64) -> Sequence {
        let mut s = Sequence::default();
        for _ in 0..n {
            let mut f = FrameObjects::default();
            for id in 1..=k {
                f.push(id, obj(id));
            }
            s.frames.push(f);
        }
        s
    }

    /// The box of object `id` in [`still`]: 10x10 squares 100 px apart.
    pub fn obj(id: u64) -> [f64; 4] {
        [100.0 * id as f64, 50.0, 10.0, 10.0]
    }

    /// Asserts two floats agree to 1e-12.
    #[track_caller]
    pub fn close(a: f64, b: f64) {
        assert!((a - b).abs() < 1e-12, "{a} != {b}");
    }
}

#[cfg(test)]
mod tests {
    use super::testing::{close, obj, seq, still};
    use super::*;

    #[test]
    fn perfect_tracking_scores_one_everywhere() {
        let gt = still(10, 3);
        let mut pred = gt.clone();
        for f in &mut pred.frames {
            for id in &mut f.ids {
                *id += 100;
            }
        }
        let s = evaluate(&gt, &pred);
        for v in [
            s.hota, s.deta, s.assa, s.loca, s.idf1, s.idp, s.idr, s.mota, s.motp,
        ] {
            close(v, 1.0);
        }
        assert_eq!((s.id_switches, s.fragmentations), (0, 0));
        assert_eq!((s.false_positives, s.false_negatives), (0, 0));
        assert_eq!(
            (s.mostly_tracked, s.partially_tracked, s.mostly_lost),
            (3, 0, 0)
        );
        assert_eq!((s.gt_ids, s.pred_ids, s.gt_detections), (3, 3, 30));
    }

    #[test]
    fn all_misses_score_zero() {
        let gt = still(4, 2);
        let s = evaluate(&gt, &Sequence::default());
        for v in [s.hota, s.deta, s.assa, s.idf1, s.idp, s.idr, s.mota, s.motp] {
            close(v, 0.0);
        }
        assert_eq!((s.false_negatives, s.mostly_lost), (8, 2));
        assert_eq!(s.pred_ids, 0);
    }

    #[test]
    fn shorter_sequence_is_padded() {
        let gt = seq(&[&[(1, obj(1))], &[(1, obj(1))]]);
        let pred = seq(&[&[(7, obj(1))]]);
        let s = evaluate(&gt, &pred);
        assert_eq!((s.false_negatives, s.false_positives), (1, 0));
        let mut padded = pred.clone();
        padded.pad_to(2);
        assert_eq!(evaluate(&gt, &padded), s);
    }

    #[test]
    fn scores_round_trip_through_json_field_names() {
        let s = evaluate(&still(2, 1), &still(2, 1));
        let json = serde_json::to_value(s).expect("serialises");
        assert_eq!(json["idf1"], 1.0);
        assert_eq!(json["gt_detections"], 2);
    }
}
