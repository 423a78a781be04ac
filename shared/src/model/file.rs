//! The project's model file: one burnpack holding the weights, the class names and the input
//! size, read the same way by the server and the browser.
//!
//! The tensors are stored in their training form (convolution and BatchNorm apart) and in the
//! dtype they came in (fp16 for Ultralytics checkpoints): that keeps the file half the size of an
//! fp32 export and loses nothing, and BatchNorm is folded once, at load
//! ([`super::weights::load`]).

use burn::store::burn_pack::{Reader, Tensor as PackTensor, Writer};
use burn::tensor::{Bytes, Device};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::weights::{self, WeightsError};
use super::{Scale, YoloV8, YoloV8Config};

/// Metadata key naming this file's kind and version.
const FORMAT_KEY: &str = "netball.format";
const FORMAT: &str = "netball-yolov8-detect/1";
/// Metadata key of the JSON-encoded [`ModelInfo`].
const INFO_KEY: &str = "netball.model";

/// What a user of the model needs to know besides its weights.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelInfo {
    pub scale: Scale,
    /// Class names, indexed by class id.
    pub classes: Vec<String>,
    /// Side of the square input the model was trained at, in pixels (a multiple of 32).
    pub input_size: u32,
}

/// Why a model file cannot be read, written or loaded.
#[derive(Debug, Error)]
pub enum ModelError {
    #[error("not a model file of this project ({0})")]
    NotAModelFile(String),
    #[error("model file format `{0}` is not supported (this build reads `{FORMAT}`)")]
    UnsupportedFormat(String),
    #[error("the model's description is invalid: {0}")]
    BadInfo(String),
    #[error("could not write the model file: {0}")]
    Write(String),
    #[error(transparent)]
    Weights(#[from] WeightsError),
}

impl ModelInfo {
    pub fn validate(&self) -> Result<(), ModelError> {
        if self.classes.is_empty() {
            return Err(ModelError::BadInfo("no class names".into()));
        }
        if self.input_size == 0 || !self.input_size.is_multiple_of(32) || self.input_size > 4096 {
            return Err(ModelError::BadInfo(format!(
                "input size {} is not a multiple of 32 between 32 and 4096",
                self.input_size
            )));
        }
        Ok(())
    }

    pub fn config(&self) -> YoloV8Config {
        YoloV8Config {
            scale: self.scale,
            num_classes: self.classes.len(),
        }
    }
}

/// A model ready to be saved or loaded onto a device.
pub struct ModelFile {
    info: ModelInfo,
    tensors: Vec<PackTensor>,
}

impl ModelFile {
    /// Pairs checkpoint tensors (named by module path, see [`super::weights`]) with their
    /// description. The tensors are checked against the description by loading them once on
    /// the CPU, so a file that is written can always be loaded.
    pub fn new(info: ModelInfo, tensors: Vec<PackTensor>) -> Result<Self, ModelError> {
        info.validate()?;
        weights::load(info.config(), tensors.clone(), &Device::flex())?;
        Ok(Self { info, tensors })
    }

    pub fn info(&self) -> &ModelInfo {
        &self.info
    }

    /// The checkpoint tensors, to re-describe them (for example with other class names).
    pub fn into_tensors(self) -> Vec<PackTensor> {
        self.tensors
    }

    /// Serialises to the burnpack format.
    pub fn to_bytes(&self) -> Result<Vec<u8>, ModelError> {
        let info =
            serde_json::to_string(&self.info).map_err(|e| ModelError::Write(e.to_string()))?;
        let bytes = Writer::new(self.tensors.clone())
            .with_metadata(FORMAT_KEY, FORMAT)
            .with_metadata(INFO_KEY, &info)
            .into_bytes()
            .map_err(|e| ModelError::Write(e.to_string()))?;
        Ok(bytes.to_vec())
    }

    /// Parses a model file. Truncated or foreign files are errors, never panics.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Self, ModelError> {
        let reader = Reader::from_bytes(Bytes::from_bytes_vec(bytes))
            .map_err(|e| ModelError::NotAModelFile(e.to_string()))?;
        let metadata = reader.metadata();
        match metadata.get(FORMAT_KEY) {
            Some(f) if f == FORMAT => {}
            Some(other) => return Err(ModelError::UnsupportedFormat(other.clone())),
            None => {
                return Err(ModelError::NotAModelFile(
                    "a burnpack without this project's metadata".into(),
                ));
            }
        }
        let info: ModelInfo = metadata
            .get(INFO_KEY)
            .ok_or_else(|| ModelError::BadInfo("missing".into()))
            .and_then(|s| {
                serde_json::from_str(s).map_err(|e| ModelError::BadInfo(e.to_string()))
            })?;
        info.validate()?;
        let tensors = reader
            .into_tensors()
            .map_err(|e| ModelError::NotAModelFile(e.to_string()))?;
        Ok(Self { info, tensors })
    }

    /// Builds the network on `device` with these weights.
    pub fn load(self, device: &Device) -> Result<(ModelInfo, YoloV8), ModelError> {
        let model = weights::load(self.info.config(), self.tensors, device)?;
        Ok((self.info, model))
    }
}
