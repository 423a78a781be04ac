//! Distance covered and top speeds against the truth's.
//!
//! Two views. Over everything: all tracks' distances added up, against every person's path
//! over the same analysed frames; robust to which track follows whom, but a track that jumps
//! between players or a person nobody tracks moves it too. Over the tracks that followed one
//! person throughout (matched by IoU, as [`super::positions`] does, to her alone in every
//! frame they were matched in): each track's distance against her path over the frames the
//! track was seen in, and its top speed against her largest displacement in one second over
//! those frames, and its heat map against where she spent that time. That isolates the
//! smoothing from the tracker's mistakes.

use std::collections::{BTreeMap, BTreeSet};

use netball_shared::court::CourtPoint;
use netball_shared::stats::HeatMap;
use serde::Serialize;

use super::positions::greedy_pairs;

/// One analysed frame, truth and tracks side by side.
pub struct MovementFrame {
    pub time: f64,
    /// People in the truth: id, box (left, top, width, height), feet on the court.
    pub people: Vec<(u64, [f64; 4], CourtPoint)>,
    /// Tracks: id, box.
    pub tracks: Vec<(u64, [f64; 4])>,
}

/// A track's reported totals.
pub struct ReportedMovement {
    pub distance_m: f64,
    pub top_speed: f64,
    pub heat: HeatMap,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct MovementScores {
    /// All tracks' distances added up, and all people's paths over the analysed frames.
    pub tracks_m: f64,
    pub truth_m: f64,
    /// Tracks that followed one person throughout, their distances, and those people's paths
    /// over the frames the tracks were seen in (steps over a gap of more than
    /// [`MAX_GAP_S`] left out, as the tracks leave them out).
    pub faithful_tracks: usize,
    pub faithful_m: f64,
    pub faithful_truth_m: f64,
    /// Of those people's time while tracked (as counted between sightings), the share their
    /// tracks' heat maps put in the right 1 m cell.
    pub heat_right: f64,
    /// Of the faithful tracks seen for [`MIN_SPEED_SPAN_S`] or more, how many, and the mean of
    /// (top speed reported − the person's largest one-second displacement while tracked),
    /// signed and absolute, m/s.
    pub speed_tracks: usize,
    pub top_speed_bias: f64,
    pub top_speed_error: f64,
}

/// A gap in a track longer than this (seconds) is not covered by its distance.
pub const MAX_GAP_S: f64 = 1.0;
/// Top speeds are compared on tracks seen for at least this long, seconds.
pub const MIN_SPEED_SPAN_S: f64 = 4.0;

/// Scores `reported` (by track id) against the truth in `frames`.
pub fn movement_scores(
    frames: &[MovementFrame],
    reported: &BTreeMap<u64, ReportedMovement>,
) -> MovementScores {
    let mut scores = MovementScores {
        tracks_m: reported.values().map(|m| m.distance_m).sum(),
        ..MovementScores::default()
    };
    // Every person's path, and each track's sightings with the person it was matched to.
    let mut last: BTreeMap<u64, CourtPoint> = BTreeMap::new();
    let mut seen: BTreeMap<u64, Vec<(usize, Option<u64>)>> = BTreeMap::new();
    for (i, frame) in frames.iter().enumerate() {
        let mut present = BTreeMap::new();
        for &(id, _, at) in &frame.people {
            if let Some(before) = last.get(&id) {
                scores.truth_m += f64::from(at.distance(*before));
            }
            present.insert(id, at);
        }
        last = present;
        let people: Vec<_> = frame
            .people
            .iter()
            .map(|&(id, b, _)| (id, b, None))
            .collect();
        let tracks: Vec<_> = frame.tracks.iter().map(|&(id, b)| (id, b, None)).collect();
        let mut on: BTreeMap<usize, u64> = BTreeMap::new();
        for (p, t) in greedy_pairs(&people, &tracks) {
            on.insert(t, people[p].0);
        }
        for (t, &(id, _)) in frame.tracks.iter().enumerate() {
            seen.entry(id).or_default().push((i, on.get(&t).copied()));
        }
    }
    let mut biases = Vec::new();
    let (mut heat_right, mut heat_total) = (0.0, 0.0);
    for (id, sightings) in &seen {
        let Some(movement) = reported.get(id) else {
            continue;
        };
        let people: BTreeSet<u64> = sightings.iter().filter_map(|s| s.1).collect();
        let [person] = people.into_iter().collect::<Vec<_>>()[..] else {
            continue;
        };
        // Her feet at the track's sightings, with their times.
        let path: Vec<(f64, CourtPoint)> = sightings
            .iter()
            .filter_map(|&(i, _)| {
                let frame = &frames[i];
                let (_, _, at) = frame.people.iter().find(|p| p.0 == person)?;
                Some((frame.time, *at))
            })
            .collect();
        scores.faithful_tracks += 1;
        scores.faithful_m += movement.distance_m;
        // Her path and her time per cell, each step's time where it ends (as the heat map
        // counts it).
        let mut truth_heat = vec![0.0; movement.heat.seconds.len()];
        for w in path.windows(2).filter(|w| w[1].0 - w[0].0 <= MAX_GAP_S) {
            let ((t0, a), (t1, b)) = (w[0], w[1]);
            scores.faithful_truth_m += f64::from(b.distance(a));
            if let Some(cell) = movement.heat.cell(f64::from(b.x), f64::from(b.y))
                && let Some(seconds) = truth_heat.get_mut(cell)
            {
                *seconds += t1 - t0;
            }
        }
        for (&found, &truth) in movement.heat.seconds.iter().zip(&truth_heat) {
            heat_right += f64::from(found).min(truth);
            heat_total += truth;
        }
        let span = path
            .last()
            .zip(path.first())
            .map_or(0.0, |(b, a)| b.0 - a.0);
        if span >= MIN_SPEED_SPAN_S {
            let mut top: f64 = 0.0;
            for (k, &(t0, a)) in path.iter().enumerate() {
                // The first sighting a second or more later, if within half a second more.
                if let Some(&(t1, b)) = path[k..].iter().find(|s| s.0 - t0 >= 1.0 - 1e-9)
                    && t1 - t0 <= 1.5
                {
                    top = top.max(f64::from(b.distance(a)) / (t1 - t0));
                }
            }
            biases.push(movement.top_speed - top);
        }
    }
    if heat_total > 0.0 {
        scores.heat_right = heat_right / heat_total;
    }
    scores.speed_tracks = biases.len();
    if !biases.is_empty() {
        let n = biases.len() as f64;
        scores.top_speed_bias = biases.iter().sum::<f64>() / n;
        scores.top_speed_error = biases.iter().map(|b| b.abs()).sum::<f64>() / n;
    }
    scores
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Person 1 walks 1 m/s along x for 6 s, person 2 stands; track 10 follows person 1
    /// throughout, track 20 follows person 2 and then takes person 1's box.
    fn frames() -> Vec<MovementFrame> {
        (0..=150)
            .map(|k| {
                let time = f64::from(k) / 25.0;
                let x = 2.0 + time;
                let walker = [100.0 + 40.0 * time, 100.0, 20.0, 50.0];
                let stander = [400.0, 100.0, 20.0, 50.0];
                let mut tracks = vec![(10, walker)];
                tracks.push((20, if k < 100 { stander } else { walker }));
                if k >= 100 {
                    tracks.truncate(1);
                    tracks[0].0 = if k % 2 == 0 { 10 } else { 20 };
                }
                MovementFrame {
                    time,
                    people: vec![
                        (1, walker, CourtPoint::new(x as f32, 5.0)),
                        (2, stander, CourtPoint::new(20.0, 5.0)),
                    ],
                    tracks,
                }
            })
            .collect()
    }

    /// An empty heat map of the analysis' layout: 1 m cells from (-1, -1), 33 x 18.
    fn heat() -> HeatMap {
        HeatMap {
            columns: 33,
            rows: 18,
            seconds: vec![0.0; 33 * 18],
        }
    }

    #[test]
    fn faithful_tracks_are_scored_against_their_persons_path() {
        // Track 10 puts half of each second of the walk in the right cell (y = 5 is row 6;
        // x from 2 to 8 is columns 3 to 8) and half in the row beside it.
        let mut walked = heat();
        for column in 3..=8 {
            walked.seconds[6 * 33 + column] = 0.5;
            walked.seconds[7 * 33 + column] = 0.5;
        }
        let reported = BTreeMap::from([
            (
                10,
                ReportedMovement {
                    distance_m: 6.3,
                    top_speed: 1.1,
                    heat: walked,
                },
            ),
            (
                20,
                ReportedMovement {
                    distance_m: 9.0,
                    top_speed: 4.0,
                    heat: heat(),
                },
            ),
        ]);
        let s = movement_scores(&frames(), &reported);
        assert!((s.truth_m - 6.0).abs() < 1e-4, "{s:?}");
        assert!((s.tracks_m - 15.3).abs() < 1e-9, "{s:?}");
        // Track 20 was on both people: only track 10 is faithful. After frame 100 it is seen
        // every other frame, which still covers the walk.
        assert_eq!(s.faithful_tracks, 1, "{s:?}");
        assert!((s.faithful_m - 6.3).abs() < 1e-9);
        assert!((s.faithful_truth_m - 6.0).abs() < 1e-4, "{s:?}");
        assert_eq!(s.speed_tracks, 1);
        assert!((s.top_speed_bias - 0.1).abs() < 1e-4, "{s:?}");
        assert!((s.top_speed_error - 0.1).abs() < 1e-4, "{s:?}");
        // 3 s of her 6 s in the right cells.
        assert!((s.heat_right - 0.5).abs() < 1e-3, "{s:?}");
    }
}
