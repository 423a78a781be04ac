//! The whole YOLOv8 detector: backbone, neck, head.

use burn::module::{Module, ModuleMapper, Param};
use burn::tensor::{Device, FloatDType, Tensor};
use serde::{Deserialize, Serialize};

use super::backbone::Backbone;
use super::head::Head;
use super::neck::Neck;
use super::{Precision, Scale};

/// What determines a YOLOv8 network's shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct YoloV8Config {
    pub scale: Scale,
    pub num_classes: usize,
}

impl YoloV8Config {
    /// Builds the network with freshly initialised weights; load real ones with
    /// [`super::weights::load`].
    pub fn init(&self, device: &Device) -> YoloV8 {
        let c = |base| self.scale.channels(base);
        YoloV8 {
            backbone: Backbone::new(self.scale, device),
            neck: Neck::new(self.scale, device),
            head: Head::new([c(256), c(512), c(1024)], self.num_classes, device),
        }
    }
}

/// YOLOv8 object detector.
#[derive(Module, Debug)]
pub struct YoloV8 {
    pub backbone: Backbone,
    pub neck: Neck,
    pub head: Head,
}

impl YoloV8 {
    /// The input must be `[batch, 3, h, w]`, RGB scaled to 0..1, with `h` and `w` multiples of
    /// 32. Returns `[batch, 4 + classes, anchors]` (see [`Head::forward`]).
    pub fn forward(&self, images: Tensor<4>) -> Tensor<3> {
        self.head
            .forward(self.neck.forward(self.backbone.forward(images)))
    }

    pub fn num_classes(&self) -> usize {
        self.head.num_classes
    }

    /// The same network with every weight stored as `dtype`, e.g. f16 on a GPU with fast half
    /// precision. Feed it inputs of that type; it returns that type.
    pub fn with_float_dtype(self, dtype: FloatDType) -> Self {
        self.map(&mut CastWeights(dtype))
    }

    /// The network for computing in `precision`: as loaded (f32) or cast.
    pub fn with_precision(self, precision: Precision) -> Self {
        match precision {
            Precision::F32 => self,
            half => self.with_float_dtype(half.dtype()),
        }
    }
}

/// Casts every float parameter of a module.
struct CastWeights(FloatDType);

impl ModuleMapper for CastWeights {
    fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
        let dtype = self.0;
        param.map(|t| t.cast(dtype))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_has_one_column_per_anchor() {
        let device = Device::flex();
        let model = YoloV8Config {
            scale: Scale::N,
            num_classes: 3,
        }
        .init(&device);
        let out = model.forward(Tensor::zeros([2, 3, 64, 96], &device));
        // Anchors: (8*12) + (4*6) + (2*3) = 126.
        assert_eq!(out.dims(), [2, 4 + 3, 126]);
    }

    #[test]
    fn parameter_count_matches_yolov8n() {
        // Ultralytics reports 3,151,904 parameters for the fused YOLOv8n with 80 classes; that
        // count includes the 16 constant DFL weights, which this implementation computes instead.
        let model = YoloV8Config {
            scale: Scale::N,
            num_classes: 80,
        }
        .init(&Device::flex());
        assert_eq!(model.num_params(), 3_151_888);
    }

    #[test]
    fn half_precision_model_runs_in_half_precision() {
        use burn::tensor::{DType, Distribution};

        let device = Device::flex();
        let model = YoloV8Config {
            scale: Scale::N,
            num_classes: 2,
        }
        .init(&device);
        let input = Tensor::<4>::random([1, 3, 64, 64], Distribution::Uniform(0.0, 1.0), &device);
        let full = model.clone().forward(input.clone());
        let half = model
            .with_float_dtype(FloatDType::F16)
            .forward(input.cast(FloatDType::F16));
        assert_eq!(half.dtype(), DType::F16);
        let half = half.cast(FloatDType::F32);
        let error = (half - full.clone())
            .powf_scalar(2.0)
            .sum()
            .sqrt()
            .into_scalar::<f32>()
            / full.powf_scalar(2.0).sum().sqrt().into_scalar::<f32>();
        assert!(error < 1e-2, "relative L2 error {error}");
    }
}
