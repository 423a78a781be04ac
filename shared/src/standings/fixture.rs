//! The fixtures file: one game per row, played or not.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The header every fixtures file starts with, in this order.
const HEADER: [&str; 6] = [
    "home_team",
    "away_team",
    "home_score",
    "away_score",
    "category",
    "date",
];

/// A played game's goals.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Score {
    pub home: u32,
    pub away: u32,
}

/// One game of the fixtures list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fixture {
    pub home: String,
    pub away: String,
    /// `None` until the game is played.
    pub score: Option<Score>,
    pub category: String,
    pub date: NaiveDate,
}

/// Why a fixtures file cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum FixtureError {
    #[error("the first line must be the header `{}`, not `{found}`", HEADER.join(","))]
    Header { found: String },
    #[error("line {line}: {problem}")]
    Row { line: u64, problem: RowProblem },
    #[error("line {line}: not valid CSV: {reason}")]
    Csv { line: u64, reason: String },
}

/// What is wrong with one row.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum RowProblem {
    #[error("{found} fields, expected 6")]
    FieldCount { found: usize },
    #[error("a team name is empty")]
    EmptyTeam,
    #[error("the category is empty")]
    EmptyCategory,
    #[error("`{0}` plays itself")]
    SameTeam(String),
    #[error("only one score is given: a played game has both, an unplayed one neither")]
    HalfScore,
    #[error("the score `{0}` is not a whole number of goals")]
    BadScore(String),
    #[error("the date `{0}` is not a date written YYYY-MM-DD")]
    BadDate(String),
}

/// Reads a fixtures CSV. Fields are trimmed; blank lines are skipped.
pub fn parse_fixtures(csv_text: &str) -> Result<Vec<Fixture>, FixtureError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(csv_text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        Some(Ok(record)) => record,
        Some(Err(e)) => return Err(csv_error(&e)),
        None => {
            return Err(FixtureError::Header {
                found: String::new(),
            });
        }
    };
    if header.iter().ne(HEADER) {
        return Err(FixtureError::Header {
            found: header.iter().collect::<Vec<_>>().join(","),
        });
    }
    let mut fixtures = Vec::new();
    for record in records {
        let record = record.map_err(|e| csv_error(&e))?;
        let line = record.position().map_or(0, |p| p.line());
        if record.iter().all(str::is_empty) {
            continue;
        }
        let fields: Vec<&str> = record.iter().collect();
        fixtures.push(fixture(&fields).map_err(|problem| FixtureError::Row { line, problem })?);
    }
    Ok(fixtures)
}

fn csv_error(e: &csv::Error) -> FixtureError {
    FixtureError::Csv {
        line: e.position().map_or(0, |p| p.line()),
        reason: e.to_string(),
    }
}

fn fixture(fields: &[&str]) -> Result<Fixture, RowProblem> {
    let &[home, away, home_score, away_score, category, date] = fields else {
        return Err(RowProblem::FieldCount {
            found: fields.len(),
        });
    };
    if home.is_empty() || away.is_empty() {
        return Err(RowProblem::EmptyTeam);
    }
    if home == away {
        return Err(RowProblem::SameTeam(home.to_owned()));
    }
    if category.is_empty() {
        return Err(RowProblem::EmptyCategory);
    }
    let goals = |s: &str| {
        s.parse::<u32>()
            .map_err(|_| RowProblem::BadScore(s.to_owned()))
    };
    let score = match (home_score.is_empty(), away_score.is_empty()) {
        (true, true) => None,
        (false, false) => Some(Score {
            home: goals(home_score)?,
            away: goals(away_score)?,
        }),
        _ => return Err(RowProblem::HalfScore),
    };
    let date = NaiveDate::parse_from_str(date, "%Y-%m-%d")
        .ok()
        .filter(|_| date.len() == 10)
        .ok_or_else(|| RowProblem::BadDate(date.to_owned()))?;
    Ok(Fixture {
        home: home.to_owned(),
        away: away.to_owned(),
        score,
        category: category.to_owned(),
        date,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "home_team,away_team,home_score,away_score,category,date\n";

    fn row_problem(rows: &str) -> (u64, RowProblem) {
        match parse_fixtures(&format!("{HEAD}{rows}")) {
            Err(FixtureError::Row { line, problem }) => (line, problem),
            other => panic!("expected a row error, got {other:?}"),
        }
    }

    #[test]
    fn reads_played_and_unplayed_games() {
        let text = format!(
            "{HEAD}Hawks, Kites ,41,38,U15,2026-03-07\n\nKites,Hawks,,,U15,2026-04-11\n\
             \"Falcons, North\",Hawks,30,30,Open,2026-03-08\n"
        );
        let fixtures = parse_fixtures(&text).unwrap();
        assert_eq!(fixtures.len(), 3);
        assert_eq!(fixtures[0].away, "Kites");
        assert_eq!(fixtures[0].score, Some(Score { home: 41, away: 38 }));
        assert_eq!(fixtures[1].score, None);
        assert_eq!(fixtures[2].home, "Falcons, North");
        assert_eq!(
            fixtures[2].date,
            NaiveDate::from_ymd_opt(2026, 3, 8).unwrap()
        );
    }

    #[test]
    fn a_wrong_or_missing_header_is_refused() {
        assert!(matches!(
            parse_fixtures("home,away,hs,as,category,date\n"),
            Err(FixtureError::Header { .. })
        ));
        assert!(matches!(
            parse_fixtures(""),
            Err(FixtureError::Header { .. })
        ));
    }

    #[test]
    fn each_bad_row_names_its_line_and_problem() {
        let good = "A,B,1,2,U12,2026-01-01\n";
        let cases = [
            ("A,B,1,2,U12\n", RowProblem::FieldCount { found: 5 }),
            (",B,1,2,U12,2026-01-01\n", RowProblem::EmptyTeam),
            ("A,B,1,2,,2026-01-01\n", RowProblem::EmptyCategory),
            ("A,A,1,2,U12,2026-01-01\n", RowProblem::SameTeam("A".into())),
            ("A,B,1,,U12,2026-01-01\n", RowProblem::HalfScore),
            (
                "A,B,ten,2,U12,2026-01-01\n",
                RowProblem::BadScore("ten".into()),
            ),
            (
                "A,B,-1,2,U12,2026-01-01\n",
                RowProblem::BadScore("-1".into()),
            ),
            (
                "A,B,1.5,2,U12,2026-01-01\n",
                RowProblem::BadScore("1.5".into()),
            ),
            (
                "A,B,1,2,U12,2026-02-30\n",
                RowProblem::BadDate("2026-02-30".into()),
            ),
            (
                "A,B,1,2,U12,01/02/2026\n",
                RowProblem::BadDate("01/02/2026".into()),
            ),
            (
                "A,B,1,2,U12,2026-1-1\n",
                RowProblem::BadDate("2026-1-1".into()),
            ),
        ];
        for (row, expected) in cases {
            let (line, problem) = row_problem(&format!("{good}{row}"));
            assert_eq!((line, &problem), (3, &expected), "{row}");
            assert!(
                FixtureError::Row { line, problem }
                    .to_string()
                    .starts_with("line 3: ")
            );
        }
    }
}
