//! Per-track summaries, gathered frame by frame in memory bounded by the number of tracks.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::court::{End, Position};
use crate::stats::{Movement, MovementSummary};
use crate::track::{
    Joins, Presence, Sighting, StitchSettings, TeamAssignment, TeamLabel, Track, Tracklet, stitch,
};

/// One person track over the whole run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrackSummary {
    pub id: u32,
    /// The detector's class most often matched to the track.
    pub label: String,
    pub first_frame: u64,
    pub last_frame: u64,
    /// Frames in which the track was reported.
    pub frames: u64,
    /// The track's kit cluster, once enough of its kit was seen.
    pub team: Option<TeamLabel>,
    /// Distance and speeds on the court, when the camera was calibrated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub movement: Option<MovementSummary>,
    /// The position read on the track's bib in most of the frames it was read in, or the one
    /// set by hand.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<Position>,
    /// The end her team attacked, when the rules judged her by a role (set by hand, or read:
    /// the position, and the end her team's GS and GK stood at).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attacking: Option<End>,
    /// The ids of the other tracklets joined into this one at the end of the run (see
    /// [`crate::track::stitch`]): the ids her boxes carried in the annotated video, which is
    /// drawn before the joins are known. The result's frames carry `id`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tracklets: Vec<u32>,
}

#[derive(Clone, Debug)]
struct Span {
    first: u64,
    last: u64,
    frames: u64,
    classes: BTreeMap<usize, u64>,
    movement: Movement,
    /// Frames per position read on the bib.
    positions: [u64; Position::ALL.len()],
    presence: Presence,
    /// Where the track was first and last seen.
    ends: (Sighting, Sighting),
    /// Where it was last seen before and first seen after each gap in its presence, as tracked
    /// (see [`Tracklet::gaps`]): for stitching, so joins leave it as it was.
    gaps: Vec<(Sighting, Sighting)>,
    /// Tracklets joined into this one.
    joined: Vec<u32>,
}

impl Span {
    /// The position read on the bib in most frames.
    fn position(&self) -> Option<Position> {
        self.positions
            .iter()
            .enumerate()
            .filter(|&(_, &n)| n > 0)
            .max_by_key(|&(_, &n)| n)
            .map(|(i, _)| Position::ALL[i])
    }

    /// The class matched most often (the lowest of equals).
    fn class(&self) -> usize {
        self.classes
            .iter()
            .max_by_key(|&(class, n)| (*n, std::cmp::Reverse(*class)))
            .map_or(0, |(&class, _)| class)
    }

    /// Takes in tracklet `id`'s span, another stretch of the same person.
    fn absorb(&mut self, id: u32, other: Span) {
        if other.first < self.first {
            self.ends.0 = other.ends.0;
        }
        if other.last > self.last {
            self.ends.1 = other.ends.1;
        }
        self.first = self.first.min(other.first);
        self.last = self.last.max(other.last);
        self.presence = self.presence.union(&other.presence);
        self.frames = self.presence.len();
        for (class, n) in other.classes {
            *self.classes.entry(class).or_default() += n;
        }
        for (mine, theirs) in self.positions.iter_mut().zip(other.positions) {
            *mine += theirs;
        }
        self.movement.absorb(other.movement);
        self.joined.push(id);
        self.joined.extend(other.joined);
        self.joined.sort_unstable();
    }
}

/// Accumulates [`TrackSummary`]s.
#[derive(Clone, Debug, Default)]
pub struct TrackSummaries {
    spans: BTreeMap<u32, Span>,
    /// Frames observed so far: the next frame's number in the tracklets' presence.
    observed: u64,
}

impl TrackSummaries {
    /// The tracks of frame `frame`, `time` seconds into the video.
    pub fn observe(&mut self, frame: u64, time: f64, tracks: &[Track]) {
        for t in tracks {
            let seen = Sighting::new(time, &t.bbox);
            let span = self.spans.entry(t.id).or_insert_with(|| Span {
                first: frame,
                last: frame,
                frames: 0,
                classes: BTreeMap::new(),
                movement: Movement::default(),
                positions: [0; Position::ALL.len()],
                presence: Presence::default(),
                ends: (seen, seen),
                gaps: Vec::new(),
                joined: Vec::new(),
            });
            if span
                .presence
                .last()
                .is_some_and(|last| last + 1 < self.observed)
            {
                span.gaps.push((span.ends.1, seen));
            }
            span.ends.1 = seen;
            span.presence.push(self.observed);
            if let Some(p) = t.position {
                span.positions[p.index()] += 1;
            }
            span.last = frame;
            span.frames += 1;
            *span.classes.entry(t.class_id).or_default() += 1;
            if let (Some(p), Some(px)) = (t.court, t.court_px_m) {
                // Box edges wander by a couple of pixels between frames.
                span.movement.push(time, p, f64::from(2.0 * px).max(0.05));
            }
        }
        self.observed += 1;
    }

    /// Joins the tracklets of one player ([`stitch`], by the teams in `teams` and the bib
    /// positions read) and merges their summaries under her id; returns the joins, for the
    /// frames and scenes to follow.
    pub fn stitch(&mut self, teams: &TeamAssignment, settings: &StitchSettings) -> Joins {
        let tracklets: Vec<Tracklet<'_>> = self
            .spans
            .iter()
            .map(|(&id, span)| Tracklet {
                id,
                team: teams.teams.get(&id).copied(),
                position: span.position(),
                class: span.class(),
                presence: &span.presence,
                first: span.ends.0,
                last: span.ends.1,
                gaps: &span.gaps,
            })
            .collect();
        let joins = stitch(&tracklets, settings);
        for (tracklet, player) in joins.iter() {
            if let Some(span) = self.spans.remove(&tracklet)
                && let Some(into) = self.spans.get_mut(&player)
            {
                into.absorb(tracklet, span);
            }
        }
        joins
    }

    /// The summaries by id, with class names from `classes` and teams from `teams`.
    pub fn finish(self, classes: &[String], teams: &TeamAssignment) -> Vec<TrackSummary> {
        self.spans
            .into_iter()
            .map(|(id, span)| {
                let class = span.class();
                TrackSummary {
                    id,
                    label: classes.get(class).cloned().unwrap_or_default(),
                    first_frame: span.first,
                    last_frame: span.last,
                    frames: span.frames,
                    team: teams.teams.get(&id).copied(),
                    movement: span.movement.summary(),
                    position: span.position(),
                    attacking: None,
                    tracklets: span.joined,
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::BoundingBox;

    fn track(id: u32, x: f32, position: Option<Position>) -> Track {
        Track {
            id,
            bbox: BoundingBox {
                x1: x,
                y1: 400.0,
                x2: x + 40.0,
                y2: 500.0,
            },
            score: 0.9,
            class_id: 0,
            court: None,
            court_px_m: None,
            position,
            interpolated: false,
        }
    }

    /// A WD tracked through 60 frames under one id, but not seen in frames 20-39, when an
    /// unread track followed her: the gap is remembered, and the unread track joins her.
    #[test]
    fn a_track_seen_only_in_its_players_gap_joins_her() {
        let mut summaries = TrackSummaries::default();
        for frame in 0..60_u64 {
            let x = 1000.0 + 5.0 * frame as f32;
            let tracks = if (20..40).contains(&frame) {
                vec![track(9, x, None)]
            } else {
                vec![track(3, x, Some(Position::WD))]
            };
            summaries.observe(frame, frame as f64 / 25.0, &tracks);
        }
        let teams = TeamAssignment {
            kits: [[0; 3]; 2],
            teams: BTreeMap::from([(3, TeamLabel::B)]),
        };
        let joins = summaries.stitch(&teams, &StitchSettings::default());
        assert_eq!(joins.iter().collect::<Vec<_>>(), [(9, 3)]);
        let tracks = summaries.finish(&["player".to_string()], &teams);
        assert_eq!(tracks.len(), 1);
        assert_eq!(
            (tracks[0].frames, tracks[0].tracklets.clone()),
            (60, vec![9])
        );
    }
}
