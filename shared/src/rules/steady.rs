//! A player's feet, steadied. Her box's floor point jitters (a far player's by several tenths of
//! a metre from frame to frame), more than the steps and stillness some rules look for; and a
//! track may move to someone else, whose feet are not hers.

use super::Footing;
use crate::court::CourtPoint;

/// A track's `feet` (in time order) cut where they leap faster than `max_speed_mps` (and half
/// a metre of the boxes' jitter): the stretches in which it followed one person.
pub(super) fn one_person(
    feet: &[Footing],
    max_speed_mps: f32,
) -> impl DoubleEndedIterator<Item = &[Footing]> {
    feet.chunk_by(move |a, b| a.at.distance(b.at) <= 0.5 + max_speed_mps * (b.time - a.time) as f32)
}

/// Each of `feet` (in time order) moved to the mean of those within `half_s` seconds of it.
pub(super) fn smoothed(feet: &[Footing], half_s: f64) -> Vec<Footing> {
    feet.iter()
        .map(|f| {
            let from = feet.partition_point(|g| g.time < f.time - half_s);
            let to = feet.partition_point(|g| g.time <= f.time + half_s);
            Footing {
                at: mean(&feet[from..to]),
                ..*f
            }
        })
        .collect()
}

/// The mean of some (at least one) `feet`.
pub(super) fn mean(feet: &[Footing]) -> CourtPoint {
    let n = feet.len() as f32;
    let (x, y) = feet
        .iter()
        .fold((0.0, 0.0), |(x, y), f| (x + f.at.x, y + f.at.y));
    CourtPoint::new(x / n, y / n)
}
