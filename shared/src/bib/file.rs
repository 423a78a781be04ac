//! The bib reader's weights file: a burnpack of the [`BibNet`]'s tensors (BatchNorm's running
//! statistics included) with this project's metadata, read the same way by the server and the
//! browser.

use burn::store::ModuleSnapshot;
use burn::store::burn_pack::{Reader, Tensor as PackTensor, Writer};
use burn::tensor::{Bytes, Device};
use thiserror::Error;

use super::net::{BibNet, BibNetConfig};
use super::reader::BibClass;
use crate::model::weights::apply_problems;

const FORMAT_KEY: &str = "netball.format";
const FORMAT: &str = "netball-bib-reader/1";

/// The reader trained by `netball bibs train` on simulated matches (see
/// `docs/performance.md`, "Reading bibs", for how it was made and how well it reads).
const BUNDLED: &[u8] = include_bytes!("../../assets/bib-reader.bpk");

/// Why a bib reader file cannot be read, written or loaded.
#[derive(Debug, Error)]
pub enum BibModelError {
    #[error("not a bib reader file of this project ({0})")]
    NotABibModel(String),
    #[error("bib reader format `{0}` is not supported (this build reads `{FORMAT}`)")]
    UnsupportedFormat(String),
    #[error("could not write the bib reader: {0}")]
    Write(String),
    #[error("the weights do not fit the bib reader: {0}")]
    Mismatch(String),
}

/// A bib reader's weights, ready to be saved or loaded onto a device.
#[derive(Clone)]
pub struct BibModel {
    tensors: Vec<PackTensor>,
}

impl std::fmt::Debug for BibModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "BibModel({} tensors)", self.tensors.len())
    }
}

impl BibModel {
    /// The weights of a (trained) network.
    pub fn of(net: &BibNet) -> Self {
        Self {
            tensors: net.collect(None, None, false),
        }
    }

    /// The reader bundled with this build.
    pub fn bundled() -> Result<Self, BibModelError> {
        Self::from_bytes(BUNDLED.to_vec())
    }

    /// The bundled reader's file, for keying caches of what it read.
    pub fn bundled_bytes() -> &'static [u8] {
        BUNDLED
    }

    pub fn to_bytes(&self) -> Result<Vec<u8>, BibModelError> {
        Writer::new(self.tensors.clone())
            .with_metadata(FORMAT_KEY, FORMAT)
            .into_bytes()
            .map(|b| b.to_vec())
            .map_err(|e| BibModelError::Write(e.to_string()))
    }

    /// Parses a weights file. Truncated or foreign files are errors, never panics.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Self, BibModelError> {
        let reader = Reader::from_bytes(Bytes::from_bytes_vec(bytes))
            .map_err(|e| BibModelError::NotABibModel(e.to_string()))?;
        match reader.metadata().get(FORMAT_KEY) {
            Some(f) if f == FORMAT => {}
            Some(other) => return Err(BibModelError::UnsupportedFormat(other.clone())),
            None => {
                return Err(BibModelError::NotABibModel(
                    "a burnpack without this project's metadata".into(),
                ));
            }
        }
        let tensors = reader
            .into_tensors()
            .map_err(|e| BibModelError::NotABibModel(e.to_string()))?;
        Ok(Self { tensors })
    }

    /// Builds the network on `device` with these weights; every parameter must be present
    /// and none may be left over.
    pub fn load(&self, device: &Device) -> Result<BibNet, BibModelError> {
        let mut net = BibNetConfig {
            classes: BibClass::COUNT,
        }
        .init(device);
        let problems = apply_problems(&net.apply(self.tensors.clone(), None, None, false));
        if problems.is_empty() {
            Ok(net)
        } else {
            Err(BibModelError::Mismatch(problems.join("; ")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bib::{BibCrop, BibReader};

    #[test]
    fn weights_round_trip_through_bytes() {
        let device = Device::flex();
        let net = BibNetConfig {
            classes: BibClass::COUNT,
        }
        .init(&device);
        let bytes = BibModel::of(&net).to_bytes().unwrap();
        let loaded = BibModel::from_bytes(bytes).unwrap().load(&device).unwrap();
        let crop = BibCrop::from_pixels(std::array::from_fn(|i| (i % 200) as u8));
        let a = BibReader::new(net, device.clone()).read(std::slice::from_ref(&crop));
        let b = BibReader::new(loaded, device).read(&[crop]);
        assert_eq!(a, b);
    }

    #[test]
    fn foreign_and_truncated_files_are_errors() {
        assert!(matches!(
            BibModel::from_bytes(b"not a burnpack".to_vec()),
            Err(BibModelError::NotABibModel(_))
        ));
        let bytes = BibModel::bundled().unwrap().to_bytes().unwrap();
        assert!(BibModel::from_bytes(bytes[..bytes.len() / 2].to_vec()).is_err());
    }

    #[test]
    fn the_bundled_reader_loads() {
        BibModel::bundled().unwrap().load(&Device::flex()).unwrap();
    }
}
