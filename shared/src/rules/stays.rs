//! The runs of sightings in which something stayed true (a player's feet outside her areas, a
//! defender too close to the ball): the common shape of the rules that need a persistence.

use std::collections::BTreeMap;

use super::Footing;

/// Open runs per key, closed into [`Stay`]s when the thing stops being true, when the key is
/// not seen for longer than `max_gap_s` (nothing says what happened meanwhile), or at the end.
#[derive(Clone, Debug)]
pub(super) struct Stays<K> {
    max_gap_s: f64,
    min_duration_s: f64,
    open: BTreeMap<K, Vec<Footing>>,
    closed: Vec<Stay<K>>,
}

/// One run that lasted long enough: the key and every sighting in it, in time order.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Stay<K> {
    pub key: K,
    pub sightings: Vec<Footing>,
}

impl<K> Stay<K> {
    /// Seconds from the first sighting to the last.
    pub fn duration(&self) -> f64 {
        match (self.sightings.first(), self.sightings.last()) {
            (Some(a), Some(b)) => b.time - a.time,
            _ => 0.0,
        }
    }
}

impl<K: Ord + Copy> Stays<K> {
    /// Runs at least `min_duration_s` long (first sighting to last) are kept.
    pub fn new(max_gap_s: f64, min_duration_s: f64) -> Self {
        Self {
            max_gap_s,
            min_duration_s,
            open: BTreeMap::new(),
            closed: Vec::new(),
        }
    }

    /// `key` seen at `footing` (later than its last sighting), with the thing `true` or not.
    pub fn see(&mut self, key: K, footing: Footing, holds: bool) {
        let run = self.open.entry(key).or_default();
        let broken = run
            .last()
            .is_some_and(|last| footing.time - last.time > self.max_gap_s);
        if broken || !holds {
            let run = std::mem::take(run);
            self.close(key, run);
        }
        if holds {
            self.open.entry(key).or_default().push(footing);
        }
    }

    fn close(&mut self, key: K, sightings: Vec<Footing>) {
        let stay = Stay { key, sightings };
        if !stay.sightings.is_empty() && stay.duration() + TIME_SLACK_S >= self.min_duration_s {
            self.closed.push(stay);
        }
    }

    /// Every run long enough, the open ones included, in the order they closed.
    pub fn finish(mut self) -> Vec<Stay<K>> {
        for (key, run) in std::mem::take(&mut self.open) {
            self.close(key, run);
        }
        self.closed
    }
}

/// Seconds by which a run may fall short of the least duration and still count. Frame times
/// are a timestamp times the stream's time base, in floating point: six frames at 25 a second
/// span 0.2 s, but their times may differ by 0.19999999999999929 s. Far below a frame (40 ms).
const TIME_SLACK_S: f64 = 1e-6;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::court::CourtPoint;

    fn at(frame: u64) -> Footing {
        Footing {
            frame,
            time: frame as f64 / 25.0,
            at: CourtPoint::new(1.0, 1.0),
        }
    }

    #[test]
    fn runs_end_when_the_thing_stops_or_the_key_is_unseen_too_long() {
        let mut stays = Stays::new(0.5, 0.2);
        // Frames 0-9 true, 10 false, 11-20 true, then unseen until 40 (1.2 s): a new run.
        for f in 0..=20 {
            stays.see(1, at(f), f != 10);
        }
        for f in 40..=50 {
            stays.see(1, at(f), true);
        }
        // Too short to keep: 0.12 s.
        for f in 0..=3 {
            stays.see(2, at(f), true);
        }
        let got: Vec<(u32, u64, usize)> = stays
            .finish()
            .iter()
            .map(|s| (s.key, s.sightings[0].frame, s.sightings.len()))
            .collect();
        assert_eq!(got, [(1, 0, 10), (1, 11, 10), (1, 40, 11)]);
    }

    #[test]
    fn a_run_exactly_as_long_as_needed_counts_whatever_the_rounding() {
        // Frames 447 to 452 at 25 a second span 0.2 s; as the decoder's times come, the
        // subtraction gives a hair less (and for other frames a hair more).
        let timed = |frame: u64, time: f64| Footing { time, ..at(frame) };
        let (first, last) = (timed(447, 17.88), timed(452, 18.08));
        assert!(last.time - first.time < 0.2);
        let mut stays = Stays::new(0.5, 0.2);
        for f in [first, timed(448, 17.92), timed(450, 18.0), last] {
            stays.see(1, f, true);
        }
        assert_eq!(stays.finish().len(), 1);
    }
}
