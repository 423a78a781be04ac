//! Counting games into rows and ranking the rows.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::Fixture;

/// Points for a result (`NETBALL.md`: win 2, draw 1, loss 0 by default).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Points {
    pub win: u32,
    pub draw: u32,
    pub loss: u32,
}

impl Default for Points {
    fn default() -> Self {
        Self {
            win: 2,
            draw: 1,
            loss: 0,
        }
    }
}

/// A way to order teams level on points.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TieBreak {
    /// Points won in the games among the teams still level (a mini-table of those games only).
    HeadToHead,
    /// Goals for / goals against: infinite when none were conceded and some scored, 0 when
    /// neither.
    GoalAverage,
    GoalDifference,
    GoalsFor,
}

impl TieBreak {
    const NAMES: [(&'static str, TieBreak); 4] = [
        ("head-to-head", TieBreak::HeadToHead),
        ("goal-average", TieBreak::GoalAverage),
        ("goal-difference", TieBreak::GoalDifference),
        ("goals-for", TieBreak::GoalsFor),
    ];
}

impl FromStr for TieBreak {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::NAMES
            .iter()
            .find(|(name, _)| *name == s)
            .map(|&(_, t)| t)
            .ok_or_else(|| {
                let names: Vec<&str> = Self::NAMES.iter().map(|(n, _)| *n).collect();
                format!("unknown tie-break `{s}`: use {}", names.join(", "))
            })
    }
}

/// How a table is made: points per result, and the tie-breaks after points, in order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StandingsSettings {
    pub points: Points,
    pub tie_breaks: Vec<TieBreak>,
}

impl Default for StandingsSettings {
    /// `NETBALL.md`'s order: points, goal average, goal difference, goals for.
    fn default() -> Self {
        Self {
            points: Points::default(),
            tie_breaks: vec![
                TieBreak::GoalAverage,
                TieBreak::GoalDifference,
                TieBreak::GoalsFor,
            ],
        }
    }
}

/// Goals for divided by goals against, with the two cases a division cannot give.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum GoalAverage {
    /// Some goals conceded (or none scored nor conceded: 0).
    Ratio(f64),
    /// Goals scored and none conceded: above every ratio.
    Infinite,
}

impl GoalAverage {
    fn of(goals_for: u32, goals_against: u32) -> Self {
        match (goals_for, goals_against) {
            (0, 0) => Self::Ratio(0.0),
            (_, 0) => Self::Infinite,
            (f, a) => Self::Ratio(f64::from(f) / f64::from(a)),
        }
    }

    /// A number to sort by (infinity for [`GoalAverage::Infinite`]).
    fn value(self) -> f64 {
        match self {
            Self::Ratio(r) => r,
            Self::Infinite => f64::INFINITY,
        }
    }
}

impl fmt::Display for GoalAverage {
    /// Three decimals, or `inf`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Ratio(r) => write!(f, "{r:.3}"),
            Self::Infinite => f.write_str("inf"),
        }
    }
}

/// One team's line in a table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Row {
    /// 1 for the top; teams level on every criterion share a position.
    pub position: usize,
    pub team: String,
    pub played: u32,
    pub won: u32,
    pub drawn: u32,
    pub lost: u32,
    pub goals_for: u32,
    pub goals_against: u32,
    pub points: u32,
}

impl Row {
    fn new(team: &str) -> Self {
        Self {
            position: 0,
            team: team.to_owned(),
            played: 0,
            won: 0,
            drawn: 0,
            lost: 0,
            goals_for: 0,
            goals_against: 0,
            points: 0,
        }
    }

    pub fn goal_difference(&self) -> i64 {
        i64::from(self.goals_for) - i64::from(self.goals_against)
    }

    pub fn goal_average(&self) -> GoalAverage {
        GoalAverage::of(self.goals_for, self.goals_against)
    }

    fn count(&mut self, scored: u32, conceded: u32, points: Points) {
        self.played += 1;
        self.goals_for += scored;
        self.goals_against += conceded;
        match scored.cmp(&conceded) {
            Ordering::Greater => (self.won, self.points) = (self.won + 1, self.points + points.win),
            Ordering::Equal => {
                (self.drawn, self.points) = (self.drawn + 1, self.points + points.draw)
            }
            Ordering::Less => (self.lost, self.points) = (self.lost + 1, self.points + points.loss),
        }
    }
}

/// One category's table, best first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    pub category: String,
    pub rows: Vec<Row>,
    /// Games listed but not yet played.
    pub unplayed: usize,
}

/// A table per category, in the order the categories first appear in `fixtures`. Every team of
/// a category has a row, even one with no game played yet.
pub fn standings(fixtures: &[Fixture], settings: &StandingsSettings) -> Vec<Table> {
    let mut categories: Vec<&str> = Vec::new();
    for f in fixtures {
        if !categories.contains(&f.category.as_str()) {
            categories.push(&f.category);
        }
    }
    categories
        .into_iter()
        .map(|category| {
            let games: Vec<&Fixture> = fixtures.iter().filter(|f| f.category == category).collect();
            table(category, &games, settings)
        })
        .collect()
}

fn table(category: &str, games: &[&Fixture], settings: &StandingsSettings) -> Table {
    let mut rows: Vec<Row> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for g in games {
        for team in [&g.home, &g.away] {
            index.entry(team).or_insert_with(|| {
                rows.push(Row::new(team));
                rows.len() - 1
            });
        }
    }
    for g in games {
        if let Some(s) = g.score {
            rows[index[g.home.as_str()]].count(s.home, s.away, settings.points);
            rows[index[g.away.as_str()]].count(s.away, s.home, settings.points);
        }
    }
    let played: Vec<&Fixture> = games
        .iter()
        .copied()
        .filter(|g| g.score.is_some())
        .collect();
    let ranking = Ranking {
        rows: &rows,
        played: &played,
        points: settings.points,
    };
    let mut criteria = vec![Criterion::Points];
    criteria.extend(settings.tie_breaks.iter().map(|&t| Criterion::Tie(t)));
    let mut everyone: Vec<usize> = (0..rows.len()).collect();
    everyone.sort_by(|&a, &b| rows[a].team.cmp(&rows[b].team));
    let mut ranked = Vec::with_capacity(rows.len());
    for group in ranking.split(everyone, &criteria) {
        let position = ranked.len() + 1;
        for i in group {
            let mut row = rows[i].clone();
            row.position = position;
            ranked.push(row);
        }
    }
    Table {
        category: category.to_owned(),
        rows: ranked,
        unplayed: games.len() - played.len(),
    }
}

#[derive(Clone, Copy)]
enum Criterion {
    Points,
    Tie(TieBreak),
}

/// What ranking needs: the rows, the played games (for head-to-head), the points per result.
struct Ranking<'a> {
    rows: &'a [Row],
    played: &'a [&'a Fixture],
    points: Points,
}

impl Ranking<'_> {
    /// Orders `group` (row indices, sorted by name) by the first criterion, and each run of
    /// teams level on it by the rest; returns the runs still level on all of them, best
    /// first, each sorted by name. Head-to-head is computed among the members of the run it
    /// orders, so it changes as a run splits.
    fn split(&self, group: Vec<usize>, criteria: &[Criterion]) -> Vec<Vec<usize>> {
        let Some((&first, rest)) = criteria.split_first() else {
            return vec![group];
        };
        if group.len() < 2 {
            return vec![group];
        }
        let values = self.values(&group, first);
        let mut order: Vec<usize> = (0..group.len()).collect();
        // Stable: equal values keep the names' order.
        order.sort_by(|&a, &b| values[b].total_cmp(&values[a]));
        let mut out = Vec::new();
        let mut run: Vec<usize> = Vec::new();
        let mut last = None;
        for k in order {
            if last.is_some_and(|v: f64| v != values[k]) {
                out.extend(self.split(std::mem::take(&mut run), rest));
            }
            last = Some(values[k]);
            run.push(group[k]);
        }
        out.extend(self.split(run, rest));
        out
    }

    /// Each member's value for `criterion`, higher is better.
    fn values(&self, group: &[usize], criterion: Criterion) -> Vec<f64> {
        match criterion {
            Criterion::Points => group
                .iter()
                .map(|&i| f64::from(self.rows[i].points))
                .collect(),
            Criterion::Tie(TieBreak::GoalAverage) => group
                .iter()
                .map(|&i| self.rows[i].goal_average().value())
                .collect(),
            Criterion::Tie(TieBreak::GoalDifference) => group
                .iter()
                .map(|&i| self.rows[i].goal_difference() as f64)
                .collect(),
            Criterion::Tie(TieBreak::GoalsFor) => group
                .iter()
                .map(|&i| f64::from(self.rows[i].goals_for))
                .collect(),
            Criterion::Tie(TieBreak::HeadToHead) => {
                let names: Vec<&str> = group.iter().map(|&i| self.rows[i].team.as_str()).collect();
                let mut mini: Vec<Row> = names.iter().map(|n| Row::new(n)).collect();
                let member = |team: &str| names.iter().position(|n| *n == team);
                for g in self.played {
                    let (Some(h), Some(a), Some(s)) = (member(&g.home), member(&g.away), g.score)
                    else {
                        continue;
                    };
                    mini[h].count(s.home, s.away, self.points);
                    mini[a].count(s.away, s.home, self.points);
                }
                mini.iter().map(|r| f64::from(r.points)).collect()
            }
        }
    }
}

#[cfg(test)]
mod tests;
