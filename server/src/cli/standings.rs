//! `netball standings fixtures.csv`: league tables per category, printed and written as CSV.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::Args;
use netball_shared::standings::{self, Points, StandingsSettings, Table, TieBreak};

#[derive(Args)]
pub struct StandingsArgs {
    /// The fixtures: CSV with the header `home_team,away_team,home_score,away_score,category,date`
    /// (an unplayed game leaves both scores empty).
    fixtures: PathBuf,
    /// Where to write the tables as CSV [default: `<fixtures>-standings.csv` beside the fixtures].
    #[arg(short, long)]
    out: Option<PathBuf>,
    /// Only this category.
    #[arg(long)]
    category: Option<String>,
    /// Points for a win.
    #[arg(long, default_value_t = Points::default().win)]
    win: u32,
    /// Points for a draw.
    #[arg(long, default_value_t = Points::default().draw)]
    draw: u32,
    /// Points for a loss.
    #[arg(long, default_value_t = Points::default().loss)]
    loss: u32,
    /// Tie-breaks after points, in order: head-to-head, goal-average, goal-difference, goals-for.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "goal-average,goal-difference,goals-for"
    )]
    tie_breaks: Vec<TieBreak>,
}

pub fn run(args: StandingsArgs) -> Result<()> {
    let text = std::fs::read_to_string(&args.fixtures)
        .with_context(|| format!("reading {}", args.fixtures.display()))?;
    let fixtures = standings::parse_fixtures(&text)
        .with_context(|| format!("reading {}", args.fixtures.display()))?;
    let settings = StandingsSettings {
        points: Points {
            win: args.win,
            draw: args.draw,
            loss: args.loss,
        },
        tie_breaks: args.tie_breaks,
    };
    let mut tables = standings::standings(&fixtures, &settings);
    if let Some(category) = &args.category {
        tables.retain(|t| &t.category == category);
        if tables.is_empty() {
            bail!(
                "no games in category `{category}` in {}",
                args.fixtures.display()
            );
        }
    }
    for table in &tables {
        print!("{}", render(table));
    }
    let out = args.out.unwrap_or_else(|| default_out(&args.fixtures));
    write_csv(&out, &tables).with_context(|| format!("writing {}", out.display()))?;
    eprintln!("wrote {}", out.display());
    Ok(())
}

/// `fixtures.csv` -> `fixtures-standings.csv` in the same folder.
fn default_out(fixtures: &Path) -> PathBuf {
    let stem = fixtures
        .file_stem()
        .map_or_else(|| "fixtures".into(), |s| s.to_string_lossy());
    fixtures.with_file_name(format!("{stem}-standings.csv"))
}

/// A table as text: the category, then a row per team with `=` marking shared positions.
fn render(table: &Table) -> String {
    let width = table
        .rows
        .iter()
        .map(|r| r.team.chars().count())
        .max()
        .unwrap_or(0)
        .max(4);
    let mut s = format!("{}\n", table.category);
    s += &format!(
        "{:>4}  {:<width$}  {:>3} {:>3} {:>3} {:>3}  {:>5} {:>5} {:>5}  {:>7}  {:>4}\n",
        "Pos", "Team", "P", "W", "D", "L", "GF", "GA", "GD", "GAvg", "Pts"
    );
    for (k, r) in table.rows.iter().enumerate() {
        let shared = table
            .rows
            .iter()
            .enumerate()
            .any(|(j, o)| j != k && o.position == r.position);
        let position = format!("{}{}", r.position, if shared { "=" } else { "" });
        s += &format!(
            "{:>4}  {:<width$}  {:>3} {:>3} {:>3} {:>3}  {:>5} {:>5} {:>5}  {:>7}  {:>4}\n",
            position,
            r.team,
            r.played,
            r.won,
            r.drawn,
            r.lost,
            r.goals_for,
            r.goals_against,
            match r.goal_difference() {
                d if d > 0 => format!("+{d}"),
                d => d.to_string(),
            },
            r.goal_average().to_string(),
            r.points
        );
    }
    match table.unplayed {
        0 => {}
        1 => s += "1 game still to play\n",
        n => s += &format!("{n} games still to play\n"),
    }
    s + "\n"
}

fn write_csv(path: &Path, tables: &[Table]) -> Result<()> {
    let mut w = csv::Writer::from_path(path)?;
    w.write_record([
        "category",
        "position",
        "team",
        "played",
        "won",
        "drawn",
        "lost",
        "goals_for",
        "goals_against",
        "goal_difference",
        "goal_average",
        "points",
    ])?;
    for table in tables {
        for r in &table.rows {
            w.write_record([
                table.category.clone(),
                r.position.to_string(),
                r.team.clone(),
                r.played.to_string(),
                r.won.to_string(),
                r.drawn.to_string(),
                r.lost.to_string(),
                r.goals_for.to_string(),
                r.goals_against.to_string(),
                r.goal_difference().to_string(),
                r.goal_average().to_string(),
                r.points.to_string(),
            ])?;
        }
    }
    w.flush()?;
    Ok(())
}
