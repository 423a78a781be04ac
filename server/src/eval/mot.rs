//! Reading MOTChallenge text: one object per line,
//! `frame,id,left,top,width,height,conf,class,visibility[,...]`, frames numbered from 1.
//!
//! The simulator's `gt.txt` (docs/truth-format.md) and most trackers write this format. Only
//! the first six columns are required, since trackers often stop after `conf` or write
//! `-1,-1,-1` world coordinates after it; the class column is read only when filtering by
//! class. Bad input is an [`EvalError`] naming the line, never a panic: the files come from
//! other programs.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::{FrameObjects, Sequence};

/// Why a MOTChallenge file could not be read. Line numbers count from 1.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error("reading {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("line {line}: expected at least {expected} comma-separated columns, found {found}")]
    ColumnCount {
        line: usize,
        expected: usize,
        found: usize,
    },
    #[error("line {line}: {column} is not a number: {value:?}")]
    NotANumber {
        line: usize,
        column: &'static str,
        value: String,
    },
    #[error("line {line}: {column} is not a whole number: {value:?}")]
    NotAWholeNumber {
        line: usize,
        column: &'static str,
        value: String,
    },
    #[error("line {line}: frame 0 (MOTChallenge frames are numbered from 1)")]
    FrameZero { line: usize },
    #[error("line {line}: frame {frame} is past the largest frame number accepted, {MAX_FRAME}")]
    FrameTooLarge { line: usize, frame: i64 },
    #[error("line {line}: id {value} is negative")]
    NegativeId { line: usize, value: i64 },
    #[error("line {line}: {column} is negative ({value})")]
    NegativeSize {
        line: usize,
        column: &'static str,
        value: f64,
    },
    #[error("line {line}: id {id} appears twice in frame {frame}")]
    DuplicateId { line: usize, frame: u64, id: u64 },
}

/// The columns every row needs: frame, id, left, top, width, height.
const BOX_COLUMNS: usize = 6;
/// The columns a row needs when filtering by class (the class is the 8th).
const CLASS_COLUMNS: usize = 8;
/// The largest frame number accepted: a day and a half at 60 frames per second. The sequence
/// holds every frame up to the last, so a typo such as `1e12` must not allocate for it.
pub const MAX_FRAME: i64 = 10_000_000;

/// Parses MOTChallenge text into a [`Sequence`] whose frame `i` is file frame `i + 1`, as long
/// as the last frame mentioned; rows keep their file order within a frame. With `class`, only
/// rows of that class are kept. Blank lines are skipped.
pub fn parse_mot(text: &str, class: Option<i64>) -> Result<Sequence, EvalError> {
    let mut seq = Sequence::default();
    let mut seen = HashSet::new();
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        if raw.trim().is_empty() {
            continue;
        }
        let Some(row) = parse_row(line, raw, class)? else {
            continue;
        };
        if !seen.insert((row.frame, row.id)) {
            return Err(EvalError::DuplicateId {
                line,
                frame: row.frame,
                id: row.id,
            });
        }
        frame_slot(&mut seq, row.frame).push(row.id, row.bbox);
    }
    Ok(seq)
}

/// Reads and parses a MOTChallenge file (see [`parse_mot`]).
pub fn read_mot(path: &Path, class: Option<i64>) -> Result<Sequence, EvalError> {
    let text = std::fs::read_to_string(path).map_err(|source| EvalError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    parse_mot(&text, class)
}

/// The frame for file frame number `frame` (at least 1), growing the sequence to reach it.
fn frame_slot(seq: &mut Sequence, frame: u64) -> &mut FrameObjects {
    // `frame` is at most MAX_FRAME, which fits a usize everywhere.
    let len = usize::try_from(frame).unwrap_or(usize::MAX);
    seq.pad_to(len);
    &mut seq.frames[len - 1]
}

/// One row's object.
struct Row {
    frame: u64,
    id: u64,
    bbox: [f64; 4],
}

/// The row's object, or `None` when a class filter drops it.
fn parse_row(line: usize, raw: &str, class: Option<i64>) -> Result<Option<Row>, EvalError> {
    let fields: Vec<&str> = raw.split(',').map(str::trim).collect();
    let expected = if class.is_some() {
        CLASS_COLUMNS
    } else {
        BOX_COLUMNS
    };
    if fields.len() < expected {
        return Err(EvalError::ColumnCount {
            line,
            expected,
            found: fields.len(),
        });
    }
    if let Some(wanted) = class
        && whole_number(line, "class", fields[7])? != wanted
    {
        return Ok(None);
    }
    let frame = whole_number(line, "frame", fields[0])?;
    let frame = match u64::try_from(frame) {
        Ok(0) | Err(_) => return Err(EvalError::FrameZero { line }),
        Ok(_) if frame > MAX_FRAME => return Err(EvalError::FrameTooLarge { line, frame }),
        Ok(f) => f,
    };
    let id = whole_number(line, "id", fields[1])?;
    let id = u64::try_from(id).map_err(|_| EvalError::NegativeId { line, value: id })?;
    let left = number(line, "left", fields[2])?;
    let top = number(line, "top", fields[3])?;
    let width = size(line, "width", fields[4])?;
    let height = size(line, "height", fields[5])?;
    Ok(Some(Row {
        frame,
        id,
        bbox: [left, top, width, height],
    }))
}

/// A finite number (`nan` and `inf` parse as floats but are no coordinates).
fn number(line: usize, column: &'static str, value: &str) -> Result<f64, EvalError> {
    match value.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(EvalError::NotANumber {
            line,
            column,
            value: value.to_owned(),
        }),
    }
}

/// A width or height: a finite number that is not negative.
fn size(line: usize, column: &'static str, value: &str) -> Result<f64, EvalError> {
    let v = number(line, column, value)?;
    if v < 0.0 {
        return Err(EvalError::NegativeSize {
            line,
            column,
            value: v,
        });
    }
    Ok(v)
}

/// A whole number, written as an integer or as a float with no fraction (`3.0`), since some
/// tools write every column as a float.
fn whole_number(line: usize, column: &'static str, value: &str) -> Result<i64, EvalError> {
    value
        .parse::<i64>()
        .ok()
        .or_else(|| float_as_whole(value))
        .ok_or_else(|| EvalError::NotAWholeNumber {
            line,
            column,
            value: value.to_owned(),
        })
}

/// `value` as an integer if it is a float with no fractional part, within 2^53 (where floats
/// still hold every integer).
fn float_as_whole(value: &str) -> Option<i64> {
    const EXACT: f64 = 9_007_199_254_740_992.0;
    let v = value.parse::<f64>().ok()?;
    if v.fract() == 0.0 && v.abs() <= EXACT {
        // In range and whole, so the conversion is exact.
        #[allow(clippy::cast_possible_truncation)]
        Some(v as i64)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_rows_into_zero_based_frames() {
        let text = "1,3,10,20,30,40,1,1,1.0\n\n3,4,1.5,2.5,3,4,1,2,0.5\n1,5,0,0,1,1,1,1,1\n";
        let seq = parse_mot(text, None).expect("valid");
        assert_eq!(seq.frames.len(), 3);
        assert_eq!(seq.frames[0].ids, vec![3, 5]);
        assert_eq!(seq.frames[0].boxes[0], [10.0, 20.0, 30.0, 40.0]);
        assert!(seq.frames[1].is_empty());
        assert_eq!(seq.frames[2].boxes, vec![[1.5, 2.5, 3.0, 4.0]]);
    }

    #[test]
    fn filters_by_class() {
        let text = "1,1,0,0,1,1,1,1,1\n1,2,0,0,1,1,1,3,1\n2,3,0,0,1,1,1,3,1\n";
        let seq = parse_mot(text, Some(3)).expect("valid");
        assert_eq!(seq.frames[0].ids, vec![2]);
        assert_eq!(seq.frames[1].ids, vec![3]);
    }

    #[test]
    fn accepts_short_tracker_rows_and_float_ids() {
        let seq = parse_mot("2.0,7.0,1,2,3,4,0.9,-1,-1,-1\n1,8,1,2,3,4", None).expect("valid");
        assert_eq!(seq.frames[1].ids, vec![7]);
        assert_eq!(seq.frames[0].ids, vec![8]);
    }

    #[test]
    fn wrong_column_count_names_the_line() {
        let err = parse_mot("1,1,0,0,1,1,1,1,1\n1,2,0,0,1\n", None).unwrap_err();
        assert!(matches!(
            err,
            EvalError::ColumnCount {
                line: 2,
                found: 5,
                ..
            }
        ));
        // A row without a class cannot be filtered by class.
        let err = parse_mot("1,1,0,0,1,1,1", Some(1)).unwrap_err();
        assert!(matches!(err, EvalError::ColumnCount { line: 1, .. }));
    }

    #[test]
    fn rejects_non_numbers() {
        let err = parse_mot("1,1,x,0,1,1,1,1,1", None).unwrap_err();
        assert!(matches!(
            err,
            EvalError::NotANumber {
                line: 1,
                column: "left",
                ..
            }
        ));
        let err = parse_mot("1,1,0,nan,1,1,1,1,1", None).unwrap_err();
        assert!(matches!(err, EvalError::NotANumber { column: "top", .. }));
        let err = parse_mot("1,1.5,0,0,1,1,1,1,1", None).unwrap_err();
        assert!(matches!(
            err,
            EvalError::NotAWholeNumber { column: "id", .. }
        ));
        let err = parse_mot("1,-2,0,0,1,1,1,1,1", None).unwrap_err();
        assert!(matches!(err, EvalError::NegativeId { line: 1, value: -2 }));
    }

    #[test]
    fn rejects_frame_zero_and_absurd_frames() {
        let err = parse_mot("0,1,0,0,1,1,1,1,1", None).unwrap_err();
        assert!(matches!(err, EvalError::FrameZero { line: 1 }));
        assert!(err.to_string().starts_with("line 1: frame 0"));
        let err = parse_mot("1e12,1,0,0,1,1,1,1,1", None).unwrap_err();
        assert!(matches!(err, EvalError::FrameTooLarge { line: 1, .. }));
    }

    #[test]
    fn rejects_negative_sizes() {
        let err = parse_mot("1,1,0,0,1,1,1,1,1\n1,2,0,0,-1,1,1,1,1", None).unwrap_err();
        assert!(matches!(
            err,
            EvalError::NegativeSize {
                line: 2,
                column: "width",
                ..
            }
        ));
    }

    #[test]
    fn rejects_an_id_twice_in_a_frame() {
        let err = parse_mot("4,1,0,0,1,1,1,1,1\n4,1,5,5,1,1,1,1,1", None).unwrap_err();
        assert!(matches!(
            err,
            EvalError::DuplicateId {
                line: 2,
                frame: 4,
                id: 1
            }
        ));
    }

    #[test]
    fn empty_text_is_an_empty_sequence() {
        assert_eq!(
            parse_mot("\n  \n", None).expect("valid"),
            Sequence::default()
        );
    }

    #[test]
    fn missing_file_is_an_error() {
        let err = read_mot(Path::new("/nonexistent/gt.txt"), None).unwrap_err();
        assert!(matches!(err, EvalError::Io { .. }));
    }
}
