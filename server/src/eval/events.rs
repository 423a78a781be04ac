//! How well the analysis finds the match's events and the rules broken: per kind, the found
//! events matched one to one to the truth's of that kind within a time tolerance (closest
//! first), giving precision, recall and F1, and how many of the matched ones name the right
//! player.
//!
//! A rule broken lasts a while (a defender too close, from coming near to stepping back; a
//! pass over a third, from the throw to the catch), and the truth and the analysis may date
//! it from different moments of it. So a flag and a truth violation match when their spans
//! come within the tolerance of each other.
//!
//! A centre pass's, throw-in's or free pass's possession starts at the whistle, which the
//! picture does not show; the ball is held from before it. So a truth event at a whistle
//! also matches a found event whose span (a possession's first to last frame) covers it.
//!
//! A found event's player is a track; it is the right player when, in the event's frame, that
//! track's box is matched to the truth event's person (greedy IoU >= 0.5, as for positions).

use std::collections::BTreeMap;

use netball_shared::rules::Rule;
use serde::Serialize;

/// The kinds of event scored (`NETBALL.md`, "Events the analysis produces"), and the rules
/// broken (a flag, against the truth's violation). Serialised by [`EventClass::name`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum EventClass {
    /// A player gains the ball, however.
    Possession,
    Pass,
    Shot,
    Goal,
    Miss,
    /// A teammate's pass caught inside the catcher's attacking goal circle.
    Feed,
    Rule(Rule),
}

impl EventClass {
    /// Every class, the events first.
    pub fn all() -> impl Iterator<Item = EventClass> {
        [
            EventClass::Possession,
            EventClass::Pass,
            EventClass::Shot,
            EventClass::Goal,
            EventClass::Miss,
            EventClass::Feed,
        ]
        .into_iter()
        .chain(Rule::ALL.map(EventClass::Rule))
    }

    pub fn name(self) -> &'static str {
        match self {
            EventClass::Possession => "possession",
            EventClass::Pass => "pass",
            EventClass::Shot => "shot",
            EventClass::Goal => "goal",
            EventClass::Miss => "miss",
            EventClass::Feed => "feed",
            EventClass::Rule(rule) => rule.name(),
        }
    }

    /// Whether the class is a rule broken: those last a while, and a flag is one with the
    /// truth's violation when their spans meet.
    fn is_rule(self) -> bool {
        matches!(self, EventClass::Rule(_))
    }
}

/// By name: the report's JSON keys its scores by class.
impl Serialize for EventClass {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

/// One event as scored: its kind, frame, and player (a truth person, or a track).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ScoredEvent {
    pub class: EventClass,
    pub frame: u64,
    pub player: u32,
    /// A found possession's last frame; a rule broken's last frame (truth or flag).
    pub until: Option<u64>,
    /// A truth event that happens at a whistle.
    pub whistled: bool,
}

impl ScoredEvent {
    pub fn new(class: EventClass, frame: u64, player: u32) -> Self {
        Self {
            class,
            frame,
            player,
            until: None,
            whistled: false,
        }
    }

    /// Frames between truth event `self` and found event `found`: between their spans for a
    /// rule broken; to the span of a found possession that covers a whistled truth event.
    fn off(&self, found: &ScoredEvent) -> u64 {
        let start = self.frame.abs_diff(found.frame);
        if self.class.is_rule() {
            let (a, b) = (
                self.until.unwrap_or(self.frame),
                found.until.unwrap_or(found.frame),
            );
            return found
                .frame
                .saturating_sub(a)
                .max(self.frame.saturating_sub(b));
        }
        let covered = found
            .until
            .is_some_and(|until| (found.frame..=until).contains(&self.frame));
        if self.whistled && covered { 0 } else { start }
    }
}

/// One kind's counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct KindScores {
    pub truth: usize,
    pub found: usize,
    /// Found events matched to a truth event.
    pub matched: usize,
    /// Of those, the ones whose track was the truth event's person.
    pub right_player: usize,
}

impl KindScores {
    pub fn precision(&self) -> f64 {
        ratio(self.matched, self.found)
    }

    pub fn recall(&self) -> f64 {
        ratio(self.matched, self.truth)
    }

    pub fn f1(&self) -> f64 {
        ratio(2 * self.matched, self.truth + self.found)
    }
}

/// 1 for 0/0: finding nothing where there was nothing is right.
fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 1.0 } else { a as f64 / b as f64 }
}

/// Scores `found` against `truth` (any order). `person` says which truth person a track was
/// on in a frame; `tolerance` is the most frames a match may be off.
pub fn event_scores(
    truth: &[ScoredEvent],
    found: &[ScoredEvent],
    tolerance: u64,
    person: impl Fn(u64, u32) -> Option<u32>,
) -> BTreeMap<EventClass, KindScores> {
    let mut scores = BTreeMap::new();
    for class in EventClass::all() {
        let t: Vec<&ScoredEvent> = truth.iter().filter(|e| e.class == class).collect();
        let f: Vec<&ScoredEvent> = found.iter().filter(|e| e.class == class).collect();
        let mut pairs: Vec<(u64, u64, usize, usize)> = Vec::new();
        for (i, a) in t.iter().enumerate() {
            for (j, b) in f.iter().enumerate() {
                let off = a.off(b);
                if off <= tolerance {
                    pairs.push((off, a.frame.abs_diff(b.frame), i, j));
                }
            }
        }
        pairs.sort_unstable();
        let (mut t_used, mut f_used) = (vec![false; t.len()], vec![false; f.len()]);
        let mut s = KindScores {
            truth: t.len(),
            found: f.len(),
            ..KindScores::default()
        };
        for (_, _, i, j) in pairs {
            if t_used[i] || f_used[j] {
                continue;
            }
            (t_used[i], f_used[j]) = (true, true);
            s.matched += 1;
            s.right_player += usize::from(person(f[j].frame, f[j].player) == Some(t[i].player));
        }
        scores.insert(class, s);
    }
    scores
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(class: EventClass, frame: u64, player: u32) -> ScoredEvent {
        ScoredEvent::new(class, frame, player)
    }

    #[test]
    fn events_match_by_kind_within_the_tolerance_closest_first() {
        use EventClass::*;
        let truth = [ev(Pass, 100, 1), ev(Pass, 110, 2), ev(Goal, 300, 1)];
        // Track 7 is person 1, track 8 person 2.
        let found = [
            ev(Pass, 108, 8),
            ev(Pass, 101, 7),
            ev(Shot, 300, 7),
            ev(Goal, 320, 7),
        ];
        let person = |_frame: u64, track: u32| match track {
            7 => Some(1),
            8 => Some(2),
            _ => None,
        };
        let s = event_scores(&truth, &found, 12, person);
        assert_eq!(
            s[&Pass],
            KindScores {
                truth: 2,
                found: 2,
                matched: 2,
                right_player: 2
            }
        );
        assert_eq!((s[&Shot].found, s[&Shot].matched), (1, 0));
        // 20 frames off is beyond the tolerance: a miss and a false find.
        assert_eq!((s[&Goal].matched, s[&Goal].f1()), (0, 0.0));
        assert_eq!(s[&Miss].f1(), 1.0);
        assert!((s[&Shot].precision()).abs() < 1e-12);
    }

    #[test]
    fn a_whistle_matches_a_possession_that_spans_it() {
        let whistle = ScoredEvent {
            whistled: true,
            ..ev(EventClass::Possession, 100, 1)
        };
        let held = |from, until| ScoredEvent {
            until: Some(until),
            ..ev(EventClass::Possession, from, 7)
        };
        let person = |_, _| Some(1);
        let s = event_scores(&[whistle], &[held(20, 130)], 12, person);
        assert_eq!(s[&EventClass::Possession].matched, 1);
        let s = event_scores(&[whistle], &[held(20, 80)], 12, person);
        assert_eq!(s[&EventClass::Possession].matched, 0);
        // An event not at a whistle is matched by time alone.
        let s = event_scores(
            &[ev(EventClass::Possession, 100, 1)],
            &[held(20, 130)],
            12,
            person,
        );
        assert_eq!(s[&EventClass::Possession].matched, 0);
    }

    #[test]
    fn the_wrong_track_is_matched_but_not_right() {
        let truth = [ev(EventClass::Possession, 50, 1)];
        let found = [ev(EventClass::Possession, 52, 9)];
        let s = event_scores(&truth, &found, 12, |_, _| Some(2));
        assert_eq!(
            (
                s[&EventClass::Possession].matched,
                s[&EventClass::Possession].right_player
            ),
            (1, 0)
        );
    }

    #[test]
    fn a_flag_matches_a_violation_whose_span_it_meets() {
        let span = |frame, until| ScoredEvent {
            until: Some(until),
            ..ev(EventClass::Rule(Rule::Obstruction), frame, 1)
        };
        // Truth 100-130. Flags: 120-140 meets it; 140-150 is 10 frames after; 200-210 far.
        let truth = [span(100, 130)];
        let found = [span(140, 150), span(120, 140), span(200, 210)];
        let s =
            event_scores(&truth, &found, 5, |_, _| Some(1))[&EventClass::Rule(Rule::Obstruction)];
        assert_eq!((s.truth, s.found, s.matched), (1, 3, 1));
        let late = event_scores(&truth, &found[..1], 12, |_, _| None)
            [&EventClass::Rule(Rule::Obstruction)];
        assert_eq!(late.matched, 1);
    }
}
