//! Optimal one-to-one matching of boxes by overlap (the Hungarian method, from `pathfinding`).

use pathfinding::kuhn_munkres::kuhn_munkres;
use pathfinding::matrix::Matrix;

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
    let mut matches = Vec::new();
    if !rows.is_empty() && !columns.is_empty() {
        // kuhn_munkres needs no more rows than columns.
        let transposed = rows.len() > columns.len();
        let (n, m) = if transposed {
            (columns.len(), rows.len())
        } else {
            (rows.len(), columns.len())
        };
        let weights = Matrix::from_fn(n, m, |(i, j)| {
            if transposed {
                weight(j, i)
            } else {
                weight(i, j)
            }
        });
        let (_, assigned) = kuhn_munkres(&weights);
        for (i, &j) in assigned.iter().enumerate() {
            if weights[(i, j)] > 0 {
                matches.push(if transposed { (j, i) } else { (i, j) });
            }
        }
    }
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
