//! How well tracks name their players' positions (read from bibs), frame by frame and per
//! track. Tracks are matched to truth people greedily by IoU (at least 0.5) in each frame; a
//! track's person is the one it was matched to most often.

use std::collections::BTreeMap;

use netball_shared::court::Position;
use serde::Serialize;

use super::box_iou;

/// One frame's people or tracks: id, box (left, top, width, height), position if known.
pub type Labelled = (u64, [f64; 4], Option<Position>);

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct PositionScores {
    /// Truth players matched to a track, over all frames.
    pub matched_boxes: usize,
    /// Of those, the ones whose track carried a position, and the ones where it was right.
    pub boxes_with_position: usize,
    pub boxes_right: usize,
    /// Tracks matched mostly to a player, those whose summary names a position, and those
    /// whose position is that player's.
    pub player_tracks: usize,
    pub tracks_with_position: usize,
    pub tracks_right: usize,
}

/// Pairs one frame's people and tracks (indices), best overlap first, each at most once and
/// only at IoU 0.5 or more.
pub fn greedy_pairs(people: &[Labelled], found: &[Labelled]) -> Vec<(usize, usize)> {
    let mut pairs: Vec<(f64, usize, usize)> = Vec::new();
    for (i, p) in people.iter().enumerate() {
        for (j, t) in found.iter().enumerate() {
            let iou = box_iou(&p.1, &t.1);
            if iou >= 0.5 {
                pairs.push((iou, i, j));
            }
        }
    }
    pairs.sort_by(|a, b| b.0.total_cmp(&a.0));
    let (mut person_used, mut track_used) = (vec![false; people.len()], vec![false; found.len()]);
    pairs
        .into_iter()
        .filter_map(|(_, i, j)| {
            if person_used[i] || track_used[j] {
                return None;
            }
            (person_used[i], track_used[j]) = (true, true);
            Some((i, j))
        })
        .collect()
}

/// Scores `tracks` against `truth`, frame by frame (parallel slices), with each track's
/// summary position from `summaries`.
pub fn position_scores(
    truth: &[Vec<Labelled>],
    tracks: &[Vec<Labelled>],
    summaries: &BTreeMap<u64, Position>,
) -> PositionScores {
    let mut s = PositionScores::default();
    // Track id -> truth id -> frames matched, and each truth id's position.
    let mut covered: BTreeMap<u64, BTreeMap<u64, usize>> = BTreeMap::new();
    let mut positions: BTreeMap<u64, Position> = BTreeMap::new();
    for (people, found) in truth.iter().zip(tracks) {
        for p in people {
            if let Some(pos) = p.2 {
                positions.insert(p.0, pos);
            }
        }
        for (i, j) in greedy_pairs(people, found) {
            let (person, track) = (&people[i], &found[j]);
            *covered
                .entry(track.0)
                .or_default()
                .entry(person.0)
                .or_default() += 1;
            let Some(truth_position) = person.2 else {
                continue;
            };
            s.matched_boxes += 1;
            if let Some(read) = track.2 {
                s.boxes_with_position += 1;
                s.boxes_right += usize::from(read == truth_position);
            }
        }
    }
    for (track, people) in &covered {
        let Some((&person, _)) = people.iter().max_by_key(|&(_, n)| *n) else {
            continue;
        };
        let Some(&truth_position) = positions.get(&person) else {
            continue;
        };
        s.player_tracks += 1;
        if let Some(&read) = summaries.get(track) {
            s.tracks_with_position += 1;
            s.tracks_right += usize::from(read == truth_position);
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_scored_per_box_and_per_track() {
        let a = [0.0, 0.0, 10.0, 30.0];
        let b = [100.0, 0.0, 10.0, 30.0];
        let truth = vec![
            vec![
                (1, a, Some(Position::GA)),
                (2, b, Some(Position::GK)),
                (3, [200.0, 0.0, 10.0, 30.0], None),
            ],
            vec![(1, a, Some(Position::GA)), (2, b, Some(Position::GK))],
        ];
        let tracks = vec![
            vec![
                (7, a, Some(Position::GA)),
                (8, b, None),
                (9, [200.0, 0.0, 10.0, 30.0], None),
            ],
            vec![(7, a, Some(Position::GA)), (8, b, Some(Position::GS))],
        ];
        let summaries = BTreeMap::from([(7, Position::GA), (8, Position::GS)]);
        let s = position_scores(&truth, &tracks, &summaries);
        assert_eq!(
            (s.matched_boxes, s.boxes_with_position, s.boxes_right),
            (4, 3, 2)
        );
        // Track 9 follows an umpire: not a player track.
        assert_eq!(
            (s.player_tracks, s.tracks_with_position, s.tracks_right),
            (2, 2, 1)
        );
    }
}
