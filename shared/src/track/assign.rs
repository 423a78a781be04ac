//! Optimal one-to-one assignment (the Hungarian method, from `pathfinding`): maximum total
//! weight for float or integer weights, and boxes matched by overlap on top of it. Used by the
//! trackers here and by the server's tracking metrics.
//!
//! SciPy's `linear_sum_assignment` (what TrackEval calls) takes floats; `pathfinding`'s
//! Kuhn-Munkres wants integer weights, so float weights are scaled to `i64` first (see
//! [`SCALE`]). Both return an assignment of maximal total weight that pairs every row with a
//! column when there are fewer rows than columns (and every column otherwise); only when two
//! assignments tie may they pick differently.

use pathfinding::kuhn_munkres::kuhn_munkres;
use pathfinding::matrix::Matrix;

/// Float weights are multiplied by this (2^40, about 1.1e12) and rounded to `i64`.
///
/// Rounding moves each weight by at most 2^-41 (about 4.5e-13), so over an assignment of `n`
/// pairs a total moves by at most `n` times that. The optimum can therefore only lose to an
/// assignment whose true total is within about `n * 1e-12` of it: a tie for all practical
/// purposes, where SciPy's own float round-off (`1000 + iou` in CLEAR keeps about 13
/// decimals of the IoU) decides just as arbitrarily. The scale is lowered when the weights are
/// so large that the totals the algorithm forms could overflow `i64`.
const SCALE: f64 = 1_099_511_627_776.0;

/// Kuhn-Munkres keeps sums of up to about `n` weights plus labels of the same size, so weights
/// are kept below `2^60 / (n + 2)`, far from `i64::MAX` (about 2^63).
const TOTAL_LIMIT: f64 = 1_152_921_504_606_846_976.0;

/// The pairs `(row, col)` of a maximum-total-weight assignment of a `rows` x `cols` matrix of
/// float weights; non-finite weights count as 0.
pub fn max_weight_assignment(
    rows: usize,
    cols: usize,
    weight: impl Fn(usize, usize) -> f64,
) -> Vec<(usize, usize)> {
    let finite = |r, c| {
        let w: f64 = weight(r, c);
        if w.is_finite() { w } else { 0.0 }
    };
    let mut largest = 0.0_f64;
    for r in 0..rows {
        for c in 0..cols {
            largest = largest.max(finite(r, c).abs());
        }
    }
    let pairs = rows.min(cols) as f64 + 2.0;
    let scale = if largest > 0.0 {
        SCALE.min(TOTAL_LIMIT / (largest * pairs))
    } else {
        1.0
    };
    // The cast saturates, and `scale` keeps every value well inside `i64`.
    #[allow(clippy::cast_possible_truncation)]
    max_weight_assignment_int(rows, cols, |r, c| (finite(r, c) * scale).round() as i64)
}

/// [`max_weight_assignment`] for integer weights, which need no scaling. The caller keeps the
/// weights small enough that `min(rows, cols) + 2` of them sum without overflow.
pub fn max_weight_assignment_int(
    rows: usize,
    cols: usize,
    weight: impl Fn(usize, usize) -> i64,
) -> Vec<(usize, usize)> {
    if rows == 0 || cols == 0 {
        return Vec::new();
    }
    // Kuhn-Munkres needs at least as many columns as rows: solve the transpose otherwise.
    if rows <= cols {
        let m = Matrix::from_fn(rows, cols, |(r, c)| weight(r, c));
        let (_, col_of_row) = kuhn_munkres(&m);
        col_of_row.into_iter().enumerate().collect()
    } else {
        let m = Matrix::from_fn(cols, rows, |(c, r)| weight(r, c));
        let (_, row_of_col) = kuhn_munkres(&m);
        let mut pairs: Vec<(usize, usize)> = row_of_col
            .into_iter()
            .enumerate()
            .map(|(c, r)| (r, c))
            .collect();
        pairs.sort_unstable();
        pairs
    }
}

use crate::BoundingBox;

/// Who matched whom: pairs of (row, column) indices, and what was left on each side.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Assignment {
    pub matches: Vec<(usize, usize)>,
    pub unmatched_rows: Vec<usize>,
    pub unmatched_columns: Vec<usize>,
}

/// Matches `rows` to `columns` maximising total IoU times `factor(row, column)` (0 to 1: 0
/// forbids a pair, as for different classes; less than 1 makes it less likely, as for
/// different looks); pairs overlapping less than `min_iou` are not matches.
pub fn match_by_iou(
    rows: &[BoundingBox],
    columns: &[BoundingBox],
    min_iou: f32,
    factor: impl Fn(usize, usize) -> f32,
) -> Assignment {
    // Integer weights (IoU in millionths) keep the algorithm exact and terminating.
    let weight = |r: usize, c: usize| -> i64 {
        let iou = rows[r].iou(&columns[c]);
        if iou >= min_iou {
            (f64::from(iou * factor(r, c).clamp(0.0, 1.0)) * 1e6).round() as i64
        } else {
            0
        }
    };
    let mut matches: Vec<(usize, usize)> =
        max_weight_assignment_int(rows.len(), columns.len(), weight)
            .into_iter()
            .filter(|&(r, c)| weight(r, c) > 0)
            .collect();
    matches.sort_unstable();
    let unmatched_rows = (0..rows.len())
        .filter(|r| !matches.iter().any(|m| m.0 == *r))
        .collect();
    let unmatched_columns = (0..columns.len())
        .filter(|c| !matches.iter().any(|m| m.1 == *c))
        .collect();
    Assignment {
        matches,
        unmatched_rows,
        unmatched_columns,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn total(w: &[&[f64]], pairs: &[(usize, usize)]) -> f64 {
        pairs.iter().map(|&(r, c)| w[r][c]).sum()
    }

    #[test]
    fn picks_the_best_total_not_the_greedy_pair() {
        // Greedy would take 0.9 and then 0.1; the optimum is 0.8 + 0.8.
        let w: &[&[f64]] = &[&[0.9, 0.8], &[0.8, 0.1]];
        let pairs = max_weight_assignment(2, 2, |r, c| w[r][c]);
        assert_eq!(pairs, vec![(0, 1), (1, 0)]);
        assert!((total(w, &pairs) - 1.6).abs() < 1e-12);
    }

    #[test]
    fn more_rows_than_columns_assigns_every_column() {
        let w: &[&[f64]] = &[&[0.1], &[0.7], &[0.3]];
        assert_eq!(max_weight_assignment(3, 1, |r, c| w[r][c]), vec![(1, 0)]);
    }

    #[test]
    fn empty_and_non_finite_inputs_are_harmless() {
        assert!(max_weight_assignment(0, 3, |_, _| 1.0).is_empty());
        let pairs = max_weight_assignment(2, 2, |r, c| if r == c { f64::NAN } else { 1e300 });
        assert_eq!(pairs, vec![(0, 1), (1, 0)]);
    }

    fn b(x: f32) -> BoundingBox {
        BoundingBox::from_center(x, 0.0, 10.0, 10.0)
    }

    #[test]
    fn the_best_total_overlap_wins_over_greedy_choice() {
        // Greedy would give row 0 its best column (1) and leave row 1 with nothing.
        let rows = [b(4.0), b(9.0)];
        let columns = [b(0.0), b(6.0)];
        let a = match_by_iou(&rows, &columns, 0.1, |_, _| 1.0);
        assert_eq!(a.matches, vec![(0, 0), (1, 1)]);
        // More rows than columns, a forbidden pair, and one too far to match.
        let a = match_by_iou(&[b(0.0), b(50.0), b(1.0)], &[b(0.5)], 0.1, |r, _| {
            f32::from(u8::from(r != 0))
        });
        assert_eq!(a.matches, vec![(2, 0)]);
        assert_eq!(a.unmatched_rows, vec![0, 1]);
        assert!(a.unmatched_columns.is_empty());
        assert_eq!(
            match_by_iou(&[], &[b(0.0)], 0.1, |_, _| 1.0).unmatched_columns,
            vec![0]
        );
    }
}
