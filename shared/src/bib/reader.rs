//! From bib crops to what they say.

use burn::tensor::{Device, Tensor, TensorData, activation::softmax};
use serde::{Deserialize, Serialize};

use super::crop::{BibCrop, SIDE, batch_input};
use super::net::BibNet;
use crate::court::Position;

/// What a bib crop can show: one of the seven positions, or no readable bib (an umpire, a
/// player seen side on or from too far).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum BibClass {
    Position(Position),
    NoBib,
}

impl BibClass {
    /// The classes in the network's output order: the positions as [`Position::ALL`] lists
    /// them, then "no bib".
    pub const COUNT: usize = Position::ALL.len() + 1;

    pub fn index(self) -> usize {
        match self {
            BibClass::Position(p) => p.index(),
            BibClass::NoBib => Position::ALL.len(),
        }
    }

    pub fn from_index(i: usize) -> Option<Self> {
        match i {
            i if i < Position::ALL.len() => Some(BibClass::Position(Position::ALL[i])),
            i if i == Position::ALL.len() => Some(BibClass::NoBib),
            _ => None,
        }
    }
}

/// The reader's probabilities for one crop, one per [`BibClass`], summing to 1.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct BibReading([f32; BibClass::COUNT]);

impl BibReading {
    /// From probabilities in [`BibClass`] order; `None` unless they are finite, non-negative
    /// and sum to 1 (to 1e-3).
    pub fn new(probabilities: [f32; BibClass::COUNT]) -> Option<Self> {
        let sum: f32 = probabilities.iter().sum();
        (probabilities.iter().all(|p| p.is_finite() && *p >= 0.0) && (sum - 1.0).abs() < 1e-3)
            .then_some(Self(probabilities))
    }

    pub fn probability(&self, class: BibClass) -> f32 {
        self.0[class.index()]
    }

    pub fn probabilities(&self) -> &[f32; BibClass::COUNT] {
        &self.0
    }

    /// The most likely class and its probability.
    pub fn best(&self) -> (BibClass, f32) {
        let (i, p) =
            self.0.iter().enumerate().fold(
                (0, f32::MIN),
                |best, (i, &p)| if p > best.1 { (i, p) } else { best },
            );
        (BibClass::from_index(i).unwrap_or(BibClass::NoBib), p)
    }

    /// The position read, when one is at least `confidence` likely.
    pub fn position(&self, confidence: f32) -> Option<Position> {
        match self.best() {
            (BibClass::Position(p), q) if q >= confidence => Some(p),
            _ => None,
        }
    }
}

/// Runs a [`BibNet`] over crops. It always runs on the CPU: its cost is about a thousandth of
/// the detector's, and a plain CPU device reads results back synchronously in the browser too.
#[derive(Debug)]
pub struct BibReader {
    net: BibNet,
    device: Device,
}

impl BibReader {
    pub fn new(net: BibNet, device: Device) -> Self {
        Self { net, device }
    }

    /// One reading per crop, in order.
    pub fn read(&self, crops: &[BibCrop]) -> Vec<BibReading> {
        if crops.is_empty() {
            return Vec::new();
        }
        let data = TensorData::new(batch_input(crops.iter()), [crops.len(), 3, SIDE, SIDE]);
        let logits = self.net.forward(Tensor::<4>::from_data(data, &self.device));
        let probabilities = softmax(logits, 1)
            .into_data()
            .try_into_vec::<f32>()
            .unwrap_or_default();
        probabilities
            .chunks_exact(BibClass::COUNT)
            .map(|p| {
                let mut row = [0.0; BibClass::COUNT];
                row.copy_from_slice(p);
                BibReading(row)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bib::BibNetConfig;

    #[test]
    fn classes_round_trip_through_their_index() {
        for i in 0..BibClass::COUNT {
            assert_eq!(BibClass::from_index(i).unwrap().index(), i);
        }
        assert_eq!(BibClass::from_index(BibClass::COUNT), None);
        assert_eq!(BibClass::Position(Position::GK).index(), 6);
    }

    #[test]
    fn readings_are_distributions_over_the_classes() {
        let device = Device::flex();
        let reader = BibReader::new(
            BibNetConfig {
                classes: BibClass::COUNT,
            }
            .init(&device),
            device,
        );
        let crops: Vec<BibCrop> = (0..3)
            .map(|k| BibCrop::from_pixels(std::array::from_fn(|i| ((i * (k + 1)) % 251) as u8)))
            .collect();
        let readings = reader.read(&crops);
        assert_eq!(readings.len(), 3);
        for r in &readings {
            assert!(BibReading::new(*r.probabilities()).is_some(), "{r:?}");
        }
        assert!(reader.read(&[]).is_empty());
    }

    #[test]
    fn a_confident_reading_names_its_position() {
        let mut p = [0.01; BibClass::COUNT];
        p[1] = 1.0 - 0.01 * (BibClass::COUNT - 1) as f32;
        let r = BibReading::new(p).unwrap();
        assert_eq!(r.best().0, BibClass::Position(Position::GA));
        assert_eq!(r.position(0.9), Some(Position::GA));
        assert_eq!(r.position(0.95), None);
        assert!(BibReading::new([0.5; BibClass::COUNT]).is_none());
    }
}
