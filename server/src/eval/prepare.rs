//! The form every tracking metric works on: ids renumbered 0.. in each sequence and the IoU
//! of every ground-truth box with every predicted box of the same frame.
//!
//! This is the data TrackEval hands its metrics (`gt_ids`, `tracker_ids`,
//! `similarity_scores`, the counts), built once per evaluation and shared by all three.

use std::collections::BTreeMap;

use super::iou::box_iou;
use super::{FrameObjects, Sequence};

/// A dense `rows` x `cols` matrix of IoUs, ground truth down the rows, predictions across.
#[derive(Clone, Debug, Default)]
pub(crate) struct Similarity {
    pub cols: usize,
    values: Vec<f64>,
}

impl Similarity {
    /// The IoU of ground-truth box `r` with predicted box `c`.
    pub fn at(&self, r: usize, c: usize) -> f64 {
        self.values[r * self.cols + c]
    }

    /// Row `r`: one ground-truth box against every prediction.
    pub fn row(&self, r: usize) -> &[f64] {
        &self.values[r * self.cols..(r + 1) * self.cols]
    }
}

/// One frame: the renumbered ids in the order the objects were given, and their IoUs.
#[derive(Clone, Debug, Default)]
pub(crate) struct PreparedFrame {
    pub gt: Vec<usize>,
    pub pred: Vec<usize>,
    pub similarity: Similarity,
}

/// A ground-truth sequence and a prediction, ready to score.
#[derive(Clone, Debug, Default)]
pub(crate) struct Prepared {
    pub frames: Vec<PreparedFrame>,
    pub num_gt_ids: usize,
    pub num_pred_ids: usize,
    pub num_gt_dets: usize,
    pub num_pred_dets: usize,
}

impl Prepared {
    /// Renumbers each sequence's ids in increasing order (as TrackEval does) and computes the
    /// IoUs. A frame missing from the shorter sequence counts as empty.
    pub fn new(gt: &Sequence, pred: &Sequence) -> Self {
        let gt_index = id_index(gt);
        let pred_index = id_index(pred);
        let empty = FrameObjects::default();
        let len = gt.frames.len().max(pred.frames.len());
        let frames = (0..len)
            .map(|t| {
                let g = gt.frames.get(t).unwrap_or(&empty);
                let p = pred.frames.get(t).unwrap_or(&empty);
                prepare_frame(g, p, &gt_index, &pred_index)
            })
            .collect();
        Self {
            frames,
            num_gt_ids: gt_index.len(),
            num_pred_ids: pred_index.len(),
            num_gt_dets: gt.num_detections(),
            num_pred_dets: pred.num_detections(),
        }
    }
}

/// Each distinct id of `seq` mapped to its rank among them.
fn id_index(seq: &Sequence) -> BTreeMap<u64, usize> {
    let mut index: BTreeMap<u64, usize> = seq
        .frames
        .iter()
        .flat_map(|f| f.iter().map(|(id, _)| (id, 0)))
        .collect();
    for (rank, slot) in index.values_mut().enumerate() {
        *slot = rank;
    }
    index
}

fn prepare_frame(
    gt: &FrameObjects,
    pred: &FrameObjects,
    gt_index: &BTreeMap<u64, usize>,
    pred_index: &BTreeMap<u64, usize>,
) -> PreparedFrame {
    // Every id is in its index, which was built from these very frames.
    let renumber = |f: &FrameObjects, index: &BTreeMap<u64, usize>| -> Vec<usize> {
        f.iter()
            .filter_map(|(id, _)| index.get(&id).copied())
            .collect()
    };
    let values = gt
        .iter()
        .flat_map(|(_, g)| pred.iter().map(move |(_, p)| box_iou(g, p)))
        .collect();
    PreparedFrame {
        gt: renumber(gt, gt_index),
        pred: renumber(pred, pred_index),
        similarity: Similarity {
            cols: pred.len(),
            values,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{obj, seq};
    use super::*;

    #[test]
    fn ids_are_ranked_and_ious_laid_out_gt_by_pred() {
        let gt = seq(&[&[(40, obj(1)), (7, obj(2))], &[]]);
        let pred = seq(&[&[(9, obj(2))], &[(3, obj(1))]]);
        let d = Prepared::new(&gt, &pred);
        assert_eq!(d.frames[0].gt, vec![1, 0]);
        assert_eq!(d.frames[0].pred, vec![1]);
        assert_eq!(d.frames[1].pred, vec![0]);
        assert_eq!(d.frames[0].similarity.row(0), &[0.0]);
        assert_eq!(d.frames[0].similarity.at(1, 0), 1.0);
        assert_eq!((d.num_gt_ids, d.num_pred_ids), (2, 2));
        assert_eq!((d.num_gt_dets, d.num_pred_dets), (2, 2));
    }
}
