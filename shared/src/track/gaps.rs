//! Short gaps in a person's track, filled once the track is seen again.
//!
//! A detector misses a person now and then (a frame of motion blur, a teammate passing in
//! front), and the tracker coasts over it: the track is lost for a frame or a few, then
//! matched again. Without its box in those frames the person disappears from the result, the
//! movement statistics and the rules' "stays", and the tracking scores count a miss for each.
//! Once the track is matched again, the frames in between are known to be hers, and the
//! analysis still holds them (the identity lag, see `AnalysisSettings::identity_lag`): her box
//! is filled in by linear interpolation between the two sightings, as ByteTrack's authors do
//! offline. Longer gaps stay empty: over a second, a straight line is a guess.

use super::Track;
use crate::court::CourtPoint;

/// Fills the gaps the newest frame's tracks close. `window` holds the tracks of the frames
/// still held, oldest first, the newest last; a track of the newest frame last seen `k`
/// frames earlier, with `1 < k <= max_gap + 1`, gets an interpolated box in each of the
/// `k - 1` frames between. Frames already passed on are out of reach, which bounds `k` by the
/// window too.
pub fn fill_gaps(window: &mut [&mut Vec<Track>], max_gap: usize) {
    let Some((newest, earlier)) = window.split_last_mut() else {
        return;
    };
    for track in newest.iter() {
        let Some(back) = earlier
            .iter()
            .rev()
            .take(max_gap + 1)
            .position(|frame| frame.iter().any(|t| t.id == track.id))
        else {
            continue;
        };
        // `back` frames between the two sightings, in `earlier[last - back ..= last]`'s tail.
        if back == 0 {
            continue;
        }
        let seen = earlier.len() - 1 - back;
        let Some(before) = earlier[seen].iter().find(|t| t.id == track.id).cloned() else {
            continue;
        };
        let steps = (back + 1) as f32;
        for (i, frame) in earlier[seen + 1..].iter_mut().enumerate() {
            frame.push(interpolate(&before, track, (i + 1) as f32 / steps));
        }
    }
}

/// The box a fraction `t` of the way from `a` to `b`, marked interpolated.
fn interpolate(a: &Track, b: &Track, t: f32) -> Track {
    let lerp = |x: f32, y: f32| x + (y - x) * t;
    let court = match (a.court, b.court) {
        (Some(p), Some(q)) => Some(CourtPoint::new(lerp(p.x, q.x), lerp(p.y, q.y))),
        _ => None,
    };
    Track {
        id: b.id,
        bbox: a.bbox.lerp(&b.bbox, t),
        score: a.score.min(b.score),
        class_id: b.class_id,
        court,
        court_px_m: a.court_px_m.zip(b.court_px_m).map(|(p, q)| p.max(q)),
        position: b.position,
        interpolated: true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::BoundingBox;

    fn track(id: u32, x: f32, court_x: f32) -> Track {
        Track {
            id,
            bbox: BoundingBox {
                x1: x,
                y1: 100.0,
                x2: x + 40.0,
                y2: 200.0,
            },
            score: 0.9,
            class_id: 0,
            court: Some(CourtPoint::new(court_x, 5.0)),
            court_px_m: Some(0.02),
            position: None,
            interpolated: false,
        }
    }

    /// Track 7 seen, missed three frames, seen again 40 px to the right.
    fn gap_of_three() -> Vec<Vec<Track>> {
        vec![
            vec![track(7, 0.0, 0.0)],
            vec![],
            vec![],
            vec![],
            vec![track(7, 40.0, 4.0)],
        ]
    }

    fn fill(frames: &mut [Vec<Track>], max_gap: usize) {
        let mut window: Vec<&mut Vec<Track>> = frames.iter_mut().collect();
        fill_gaps(&mut window, max_gap);
    }

    #[test]
    fn a_missed_frame_gets_the_box_between_its_neighbours() {
        let mut frames = vec![
            vec![track(1, 0.0, 1.0), track(2, 500.0, 9.0)],
            vec![track(2, 502.0, 9.0)],
            vec![track(1, 20.0, 3.0), track(2, 504.0, 9.0)],
        ];
        fill(&mut frames, 5);
        let filled: Vec<&Track> = frames[1].iter().filter(|t| t.id == 1).collect();
        assert_eq!(filled.len(), 1);
        let t = filled[0];
        assert!(t.interpolated);
        assert_eq!((t.bbox.x1, t.bbox.x2), (10.0, 50.0));
        assert_eq!(t.court, Some(CourtPoint::new(2.0, 5.0)));
        // Nothing else changed: track 2 was seen in every frame.
        assert_eq!(frames[1].len(), 2);
        assert!(
            frames
                .iter()
                .flatten()
                .filter(|t| t.id == 2)
                .all(|t| !t.interpolated)
        );
    }

    #[test]
    fn each_frame_of_a_longer_gap_gets_its_share_of_the_way() {
        let mut frames = gap_of_three();
        fill(&mut frames, 3);
        let xs: Vec<f32> = frames[1..4].iter().map(|f| f[0].bbox.x1).collect();
        assert_eq!(xs, [10.0, 20.0, 30.0]);
        assert!(frames[4].iter().all(|t| !t.interpolated));
    }

    #[test]
    fn gaps_longer_than_the_setting_or_the_window_stay_empty() {
        let mut frames = gap_of_three();
        fill(&mut frames, 2);
        assert!(frames[1..4].iter().all(Vec::is_empty));
        // A track the window never saw before (new, or seen before the window) gets nothing.
        let mut frames = vec![vec![], vec![], vec![track(3, 0.0, 0.0)]];
        fill(&mut frames, 10);
        assert!(frames[..2].iter().all(Vec::is_empty));
    }
}
