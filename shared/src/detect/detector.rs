//! The detector: a loaded model on a device plus the settings of its pre- and post-processing.

use burn::tensor::{Device, FloatDType};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::{Detection, Letterbox, PreparedInput, decode, letterbox_batch, non_max_suppression};
use crate::Frame;
use crate::model::{CpuYolo, ModelError, ModelFile, ModelInfo, Precision, YoloV8};

/// Post-processing settings. The defaults are Ultralytics' prediction defaults.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct DetectConfig {
    /// Minimum class probability of a detection.
    pub confidence: f32,
    /// Overlap above which NMS drops the weaker of two same-class boxes.
    pub iou: f32,
    /// Most detections kept per image.
    pub max_detections: usize,
    /// The float type the network computes in: f16 on a GPU only.
    #[serde(default)]
    pub precision: Precision,
}

impl Default for DetectConfig {
    fn default() -> Self {
        Self {
            confidence: 0.25,
            iou: 0.7,
            max_detections: 300,
            precision: Precision::F32,
        }
    }
}

impl DetectConfig {
    /// Turns a batch's raw model output (`[n, 4 + classes, anchors]`, row-major) into one
    /// detection list per image, best first: decode through each image's letterbox, then NMS.
    pub fn postprocess(
        &self,
        raw: &[f32],
        anchors: usize,
        letterboxes: &[Letterbox],
        classes: &[String],
    ) -> Vec<Vec<Detection>> {
        if letterboxes.is_empty() {
            return Vec::new();
        }
        let per_image = raw.len() / letterboxes.len();
        letterboxes
            .iter()
            .zip(raw.chunks_exact(per_image))
            .map(|(lb, raw)| {
                let candidates = decode(raw, anchors, classes, lb, self.confidence);
                non_max_suppression(candidates, self.iou, self.max_detections)
            })
            .collect()
    }
}

/// Why detection failed.
#[derive(Debug, Error)]
pub enum DetectError {
    #[error(transparent)]
    Model(#[from] ModelError),
    #[error("reading the result back from the device failed: {0}")]
    Readback(String),
    #[error("{0} runs on a GPU only: the CPU computes in f32")]
    PrecisionOnCpu(Precision),
}

/// Runs a model on frames. Works on any Burn device; reads results back asynchronously so the
/// same code runs in the browser (where blocking reads are impossible) and natively.
pub struct Detector {
    network: Network,
    info: ModelInfo,
    device: Device,
    config: DetectConfig,
}

/// What runs the network: Burn's modules, or (on Burn's CPU backend) the same weights packed
/// for the CPU fast path, which then are the only copy kept.
enum Network {
    Burn(Box<YoloV8>),
    Fast(Box<CpuYolo>),
}

impl Detector {
    /// A detector on `device`; on Burn's CPU backend it runs the CPU fast path.
    pub fn new(file: ModelFile, device: Device, config: DetectConfig) -> Result<Self, DetectError> {
        Self::load(file, device, config, true)
    }

    /// A detector that runs Burn's own operations on the CPU too: the reference the fast path
    /// is held to, and the pipeline baseline's model as first written.
    pub fn with_burn_ops(
        file: ModelFile,
        device: Device,
        config: DetectConfig,
    ) -> Result<Self, DetectError> {
        Self::load(file, device, config, false)
    }

    fn load(
        file: ModelFile,
        device: Device,
        config: DetectConfig,
        fast_on_cpu: bool,
    ) -> Result<Self, DetectError> {
        let on_cpu = device == Device::flex();
        if on_cpu && config.precision != Precision::F32 {
            return Err(DetectError::PrecisionOnCpu(config.precision));
        }
        let (info, model) = file.load(&device)?;
        let network = if fast_on_cpu && on_cpu {
            Network::Fast(Box::new(CpuYolo::new(&model)))
        } else {
            Network::Burn(Box::new(model.with_precision(config.precision)))
        };
        Ok(Self {
            network,
            info,
            device,
            config,
        })
    }

    pub fn info(&self) -> &ModelInfo {
        &self.info
    }

    pub fn device(&self) -> &Device {
        &self.device
    }

    pub fn config(&self) -> &DetectConfig {
        &self.config
    }

    /// The model's raw output for a batch: `[n, 4 + classes, anchors]` values, row-major, and
    /// the anchor count. Used to compare against other runtimes.
    pub async fn raw(&self, frames: &[Frame]) -> Result<(Vec<f32>, usize), DetectError> {
        let (input, _) = letterbox_batch(frames, self.info.input_size, &self.device);
        self.raw_from_input(input).await
    }

    async fn raw_from_input(
        &self,
        input: burn::tensor::Tensor<4>,
    ) -> Result<(Vec<f32>, usize), DetectError> {
        let model = match &self.network {
            Network::Burn(model) => model,
            Network::Fast(fast) => {
                let dims = input.dims();
                let values = input
                    .into_data_async()
                    .await
                    .map_err(|e| DetectError::Readback(format!("{e:?}")))?
                    .convert::<f32>()
                    .try_into_vec::<f32>()
                    .map_err(|e| DetectError::Readback(format!("{e:?}")))?;
                return Ok(fast.forward(&values, dims));
            }
        };
        let dtype = self.config.precision.dtype();
        let out = model.forward(input.cast(dtype));
        let [_, _, anchors] = out.dims();
        // NMS reads f32; for an f32 network both casts change nothing.
        let data = out
            .cast(FloatDType::F32)
            .into_data_async()
            .await
            .map_err(|e| DetectError::Readback(format!("{e:?}")))?;
        let values = data
            .try_into_vec::<f32>()
            .map_err(|e| DetectError::Readback(format!("{e:?}")))?;
        Ok((values, anchors))
    }

    /// Detects objects in a batch of frames (any sizes), one list per frame, best first.
    pub async fn detect(&self, frames: &[Frame]) -> Result<Vec<Vec<Detection>>, DetectError> {
        if frames.is_empty() {
            return Ok(Vec::new());
        }
        let (input, letterboxes) = letterbox_batch(frames, self.info.input_size, &self.device);
        let (raw, anchors) = self.raw_from_input(input).await?;
        Ok(self
            .config
            .postprocess(&raw, anchors, &letterboxes, &self.info.classes))
    }

    /// Detects objects in inputs padded on the CPU (see [`PreparedInput`]), one list per input,
    /// in the pixels of the frames they were made from.
    ///
    /// # Panics
    /// If an input was prepared for another input size than the model's.
    pub async fn detect_prepared(
        &self,
        inputs: &[PreparedInput],
    ) -> Result<Vec<Vec<Detection>>, DetectError> {
        if inputs.is_empty() {
            return Ok(Vec::new());
        }
        assert!(
            inputs.iter().all(|i| i.size() == self.info.input_size),
            "inputs are prepared for the model's input size"
        );
        let letterboxes: Vec<Letterbox> = inputs.iter().map(|i| *i.letterbox()).collect();
        let (raw, anchors) = match &self.network {
            // The fast path reads the stacked values as they are: no tensor built to be read back.
            Network::Fast(fast) => {
                let (values, dims) = PreparedInput::stack(inputs);
                fast.forward(&values, dims)
            }
            Network::Burn(_) => {
                let input = PreparedInput::batch(inputs, &self.device);
                self.raw_from_input(input).await?
            }
        };
        Ok(self
            .config
            .postprocess(&raw, anchors, &letterboxes, &self.info.classes))
    }
}
