use chrono::NaiveDate;

use super::*;
use crate::standings::Score;

/// A played game on an arbitrary date: `(home, away, home goals, away goals)`.
fn game(category: &str, (home, away, h, a): (&str, &str, u32, u32)) -> Fixture {
    Fixture {
        home: home.into(),
        away: away.into(),
        score: Some(Score { home: h, away: a }),
        category: category.into(),
        date: NaiveDate::from_ymd_opt(2026, 3, 7).unwrap(),
    }
}

fn league(games: &[(&str, &str, u32, u32)]) -> Vec<Fixture> {
    games.iter().map(|&g| game("Open", g)).collect()
}

/// (position, team) from top to bottom.
fn order(table: &Table) -> Vec<(usize, &str)> {
    table
        .rows
        .iter()
        .map(|r| (r.position, r.team.as_str()))
        .collect()
}

fn only(fixtures: &[Fixture], settings: &StandingsSettings) -> Table {
    let mut tables = standings(fixtures, settings);
    assert_eq!(tables.len(), 1);
    tables.remove(0)
}

#[test]
fn counts_results_goals_and_points() {
    let table = only(
        &league(&[("A", "B", 40, 30), ("B", "C", 25, 25), ("C", "A", 33, 31)]),
        &StandingsSettings::default(),
    );
    let a = table.rows.iter().find(|r| r.team == "A").unwrap();
    assert_eq!(
        (
            a.played,
            a.won,
            a.drawn,
            a.lost,
            a.goals_for,
            a.goals_against,
            a.points
        ),
        (2, 1, 0, 1, 71, 63, 2)
    );
    assert_eq!(a.goal_difference(), 8);
    let b = table.rows.iter().find(|r| r.team == "B").unwrap();
    assert_eq!((b.drawn, b.lost, b.points), (1, 1, 1));
}

/// Level on points, the better goal average goes first even with the worse goal difference;
/// with goal difference first, the order turns.
#[test]
fn equal_points_are_ordered_by_goal_average_before_goal_difference() {
    let fixtures = league(&[("X", "Z", 20, 10), ("Y", "W", 60, 40)]);
    let table = only(&fixtures, &StandingsSettings::default());
    assert_eq!(order(&table), [(1, "X"), (2, "Y"), (3, "W"), (4, "Z")]);
    let by_difference = StandingsSettings {
        tie_breaks: vec![TieBreak::GoalDifference, TieBreak::GoalAverage],
        ..StandingsSettings::default()
    };
    assert_eq!(
        order(&only(&fixtures, &by_difference)),
        [(1, "Y"), (2, "X"), (3, "Z"), (4, "W")]
    );
}

/// No goals against: infinite average, above any ratio (even a larger goal difference); no
/// goals at all: 0, below a team that scored as many as it let in.
#[test]
fn goal_average_with_zero_goals_against() {
    let fixtures = league(&[
        ("P", "T1", 10, 0),
        ("Q", "T2", 30, 1),
        ("R", "U", 0, 0),
        ("S", "V", 5, 5),
    ]);
    let table = only(&fixtures, &StandingsSettings::default());
    let average = |team: &str| {
        table
            .rows
            .iter()
            .find(|r| r.team == team)
            .unwrap()
            .goal_average()
    };
    assert_eq!(average("P"), GoalAverage::Infinite);
    assert_eq!(average("R"), GoalAverage::Ratio(0.0));
    assert_eq!(average("P").to_string(), "inf");
    assert_eq!(average("Q").to_string(), "30.000");
    let top: Vec<(usize, &str)> = order(&table).into_iter().take(6).collect();
    // S and V drew 5-5 (average 1); R and U drew 0-0 (average 0) and are level on everything.
    assert_eq!(
        top,
        [(1, "P"), (2, "Q"), (3, "S"), (3, "V"), (5, "R"), (5, "U")]
    );
}

/// Three teams that beat each other in a circle by the same score are level on everything,
/// head-to-head included: they share first place, listed by name.
#[test]
fn several_teams_level_on_everything_share_a_position() {
    let fixtures = league(&[("C", "A", 10, 5), ("A", "B", 10, 5), ("B", "C", 10, 5)]);
    for tie_breaks in [
        StandingsSettings::default().tie_breaks,
        vec![TieBreak::HeadToHead, TieBreak::GoalAverage],
    ] {
        let settings = StandingsSettings {
            tie_breaks,
            ..StandingsSettings::default()
        };
        assert_eq!(
            order(&only(&fixtures, &settings)),
            [(1, "A"), (1, "B"), (1, "C")]
        );
    }
}

/// A beat B, but B has the better goal average. With head-to-head first, the games among the
/// three teams on 2 points decide: A and D won one each of them and B none, so B is last; A and
/// D, still level, go by goal average.
#[test]
fn head_to_head_when_asked_uses_the_games_among_the_level_teams() {
    let fixtures = league(&[("A", "B", 11, 10), ("B", "C", 30, 5), ("D", "A", 20, 5)]);
    let default = only(&fixtures, &StandingsSettings::default());
    assert_eq!(order(&default), [(1, "D"), (2, "B"), (3, "A"), (4, "C")]);
    let head_to_head = StandingsSettings {
        tie_breaks: vec![
            TieBreak::HeadToHead,
            TieBreak::GoalAverage,
            TieBreak::GoalDifference,
            TieBreak::GoalsFor,
        ],
        ..StandingsSettings::default()
    };
    assert_eq!(
        order(&only(&fixtures, &head_to_head)),
        [(1, "D"), (2, "A"), (3, "B"), (4, "C")]
    );
}

#[test]
fn points_per_result_are_a_setting() {
    // A: a win and a loss; B: two draws.
    let fixtures = league(&[
        ("A", "C", 20, 10),
        ("D", "A", 30, 10),
        ("B", "C", 15, 15),
        ("B", "D", 9, 9),
    ]);
    let points = |settings: &StandingsSettings| {
        let table = only(&fixtures, settings);
        let p = |t: &str| table.rows.iter().find(|r| r.team == t).unwrap().points;
        (p("A"), p("B"))
    };
    assert_eq!(points(&StandingsSettings::default()), (2, 2));
    let three = StandingsSettings {
        points: Points {
            win: 3,
            draw: 1,
            loss: 0,
        },
        ..StandingsSettings::default()
    };
    assert_eq!(points(&three), (3, 2));
}

#[test]
fn unplayed_games_count_for_nothing_and_categories_stay_apart() {
    let mut fixtures = vec![
        game("U15", ("Hawks", "Kites", 30, 20)),
        game("U12", ("Hawks", "Owls", 12, 14)),
    ];
    fixtures.push(Fixture {
        score: None,
        ..game("U15", ("Kites", "Swifts", 0, 0))
    });
    let tables = standings(&fixtures, &StandingsSettings::default());
    let names: Vec<&str> = tables.iter().map(|t| t.category.as_str()).collect();
    assert_eq!(names, ["U15", "U12"], "in order of first appearance");
    let u15 = &tables[0];
    assert_eq!(u15.unplayed, 1);
    assert_eq!(order(u15), [(1, "Hawks"), (2, "Kites"), (3, "Swifts")]);
    let swifts = &u15.rows[2];
    assert_eq!((swifts.played, swifts.points, swifts.goals_for), (0, 0, 0));
    assert_eq!(order(&tables[1]), [(1, "Owls"), (2, "Hawks")]);
}

#[test]
fn tie_breaks_parse_from_their_names() {
    assert_eq!("head-to-head".parse(), Ok(TieBreak::HeadToHead));
    assert_eq!("goals-for".parse(), Ok(TieBreak::GoalsFor));
    let err = "goal-ratio".parse::<TieBreak>().unwrap_err();
    assert!(err.contains("goal-average"), "{err}");
}
