//! What a track has read on its wearer's bib: a running mean of the position probabilities of
//! its confident readings until they agree on an identity, which then stays, so a misread
//! crop does not change a player's identity; and a count of readings in a row that contradict
//! it, so a track that has moved to another player notices.

use crate::bib::BibReading;
use crate::court::Position;

/// Readings at least this sure of a position count as reading it (for contradictions,
/// matching and untangling); softer ones still vote.
pub(super) const READ_CONFIDENCE: f32 = 0.9;
/// Readings less sure of their position than this are not counted: most crops show a bib
/// side on or blurred, and their many unsure readings would drown the few clear ones.
const VOTE_CONFIDENCE: f32 = 0.7;
const POSITIONS: usize = Position::ALL.len();
/// Weight of a new reading in the running mean.
const RATE: f32 = 0.2;
/// Readings before an identity is trusted.
const MIN_VOTES: u32 = 3;
/// Least share of the running mean for the position to be the track's identity.
const MIN_SHARE: f32 = 0.6;

/// A track's evidence about its bib.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(super) struct BibVotes {
    mean: [f32; POSITIONS],
    votes: u32,
    /// Set once the readings agree, and kept: a track's identity changes only by
    /// [`BibVotes::restart`], when it is known to follow someone else.
    identity: Option<Position>,
    /// Confident readings in a row that named another position than the identity.
    contradictions: u32,
}

impl BibVotes {
    /// Takes one reading of a crop nobody stood in front of.
    pub fn add(&mut self, reading: &BibReading) {
        if reading.position(VOTE_CONFIDENCE).is_none() {
            return;
        }
        match (self.identity, reading.position(READ_CONFIDENCE)) {
            (Some(me), Some(p)) if p != me => self.contradictions += 1,
            (Some(_), Some(_)) => self.contradictions = 0,
            _ => {}
        }
        let p = reading.probabilities();
        let sum: f32 = p[..POSITIONS].iter().sum::<f32>().max(1e-6);
        for (m, &v) in self.mean.iter_mut().zip(&p[..POSITIONS]) {
            let v = v / sum;
            *m = if self.votes == 0 {
                v
            } else {
                *m + RATE * (v - *m)
            };
        }
        self.votes += 1;
        if self.identity.is_none() && self.votes >= MIN_VOTES {
            let (i, &share) = self
                .mean
                .iter()
                .enumerate()
                .max_by(|a, b| a.1.total_cmp(b.1))
                .unwrap_or((0, &0.0));
            self.identity = (share >= MIN_SHARE).then_some(Position::ALL[i]);
        }
    }

    /// The position this track's readings agreed on.
    pub fn identity(&self) -> Option<Position> {
        self.identity
    }

    /// Confident readings in a row that named someone else.
    pub fn contradictions(&self) -> u32 {
        self.contradictions
    }

    /// Starts again, with nothing read (the track now follows someone else).
    pub fn restart(&mut self) {
        *self = Self::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::bib::BibClass;

    fn reading(position: usize, p: f32) -> BibReading {
        let mut probabilities = [(1.0 - p) / 7.0; BibClass::COUNT];
        probabilities[position] = p;
        BibReading::new(probabilities).unwrap()
    }

    #[test]
    fn an_identity_needs_a_few_agreeing_readings_and_survives_a_misread() {
        let mut votes = BibVotes::default();
        votes.add(&reading(1, 0.95));
        votes.add(&reading(1, 0.95));
        assert_eq!(votes.identity(), None);
        votes.add(&reading(1, 0.95));
        assert_eq!(votes.identity(), Some(Position::GA));
        for n in 1..=5 {
            votes.add(&reading(4, 0.95));
            assert_eq!(votes.identity(), Some(Position::GA));
            assert_eq!(votes.contradictions(), n);
        }
        votes.add(&reading(1, 0.95));
        assert_eq!(votes.contradictions(), 0);
        votes.restart();
        assert_eq!(votes.identity(), None);
    }

    #[test]
    fn unsure_readings_and_readings_without_a_bib_say_nothing() {
        let mut votes = BibVotes::default();
        for _ in 0..5 {
            votes.add(&reading(7, 0.9));
            votes.add(&reading(2, 0.5));
        }
        assert_eq!(votes, BibVotes::default());
    }
}
