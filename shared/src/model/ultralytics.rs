//! Ultralytics YOLOv8 detection checkpoints: recognising them and renaming their tensors.
//!
//! Reading the file (`.pt` pickle or safetensors) is I/O and happens in the server; this module
//! takes the tensors it found, by their Ultralytics names (`model.<layer>.…`).

use burn::store::KeyRemapper;
use burn::store::burn_pack::Tensor as PackTensor;
use thiserror::Error;

use super::head::REG_MAX;
use super::weights::to_f32;
use super::{Scale, YoloV8Config};

/// Why tensors are not a YOLOv8 detection checkpoint we can use.
#[derive(Debug, Error)]
pub enum CheckpointError {
    #[error("this is a YOLOv8 {0} checkpoint; only detection checkpoints are supported")]
    OtherTask(&'static str),
    #[error("this is not a YOLOv8 detection checkpoint: tensor `{0}` is missing")]
    NotYoloV8(&'static str),
    #[error("tensor `{name}` has shape {shape:?}, which no YOLOv8 scale has")]
    UnknownScale {
        name: &'static str,
        shape: Vec<usize>,
    },
    #[error("the DFL layer does not hold the fixed weights 0..{REG_MAX}: not a YOLOv8 head")]
    UnexpectedDfl,
    #[error(transparent)]
    Weights(#[from] super::weights::WeightsError),
}

/// Ultralytics tensor-name patterns → paths in [`super::YoloV8`]. Layers 10, 11, 13, 14, 17
/// and 20 (upsample and concat) have no weights.
const RENAMES: [(&str, &str); 23] = [
    (r"^model\.0\.", "backbone.stem."),
    (r"^model\.1\.", "backbone.down1."),
    (r"^model\.2\.", "backbone.stage1."),
    (r"^model\.3\.", "backbone.down2."),
    (r"^model\.4\.", "backbone.stage2."),
    (r"^model\.5\.", "backbone.down3."),
    (r"^model\.6\.", "backbone.stage3."),
    (r"^model\.7\.", "backbone.down4."),
    (r"^model\.8\.", "backbone.stage4."),
    (r"^model\.9\.", "backbone.sppf."),
    (r"^model\.12\.", "neck.top_down_p4."),
    (r"^model\.15\.", "neck.top_down_p3."),
    (r"^model\.16\.", "neck.down_p3."),
    (r"^model\.18\.", "neck.bottom_up_p4."),
    (r"^model\.19\.", "neck.down_p4."),
    (r"^model\.21\.", "neck.bottom_up_p5."),
    (r"^model\.22\.cv2\.(\d)\.0\.", "head.box_branches.$1.conv1."),
    (r"^model\.22\.cv2\.(\d)\.1\.", "head.box_branches.$1.conv2."),
    (r"^model\.22\.cv2\.(\d)\.2\.", "head.box_branches.$1.out."),
    (
        r"^model\.22\.cv3\.(\d)\.0\.",
        "head.class_branches.$1.conv1.",
    ),
    (
        r"^model\.22\.cv3\.(\d)\.1\.",
        "head.class_branches.$1.conv2.",
    ),
    (r"^model\.22\.cv3\.(\d)\.2\.", "head.class_branches.$1.out."),
    // C2f's `m` list of bottlenecks.
    (r"\.m\.(\d+)\.", ".bottlenecks.$1."),
];

const STEM: &str = "model.0.conv.weight";
const CLASS_OUT: &str = "model.22.cv3.0.2.weight";
const DFL: &str = "model.22.dfl.conv.weight";

fn remapper() -> KeyRemapper {
    KeyRemapper::from_patterns(RENAMES.to_vec()).expect("the patterns above are valid regexes")
}

/// Recognises the network's shape from the tensors and renames them to our module paths.
///
/// Drops what inference does not need: BatchNorm's `num_batches_tracked` counters and the
/// DFL layer, whose weights are the constants 0..16 (checked).
pub fn from_ultralytics(
    tensors: Vec<PackTensor>,
) -> Result<(YoloV8Config, Vec<PackTensor>), CheckpointError> {
    let has = |prefix: &str| tensors.iter().any(|t| t.name.starts_with(prefix));
    if has("model.22.proto") {
        return Err(CheckpointError::OtherTask("segmentation"));
    }
    if has("model.22.cv4") {
        return Err(CheckpointError::OtherTask("pose or oriented-box"));
    }
    if tensors.iter().any(|t| t.name.contains(".linear.")) {
        return Err(CheckpointError::OtherTask("classification"));
    }
    let find = |name: &'static str| {
        tensors
            .iter()
            .find(|t| t.name == name)
            .ok_or(CheckpointError::NotYoloV8(name))
    };
    let stem = find(STEM)?;
    let scale = Scale::from_stem_channels(stem.shape[0]).ok_or(CheckpointError::UnknownScale {
        name: STEM,
        shape: stem.shape.to_vec(),
    })?;
    let num_classes = find(CLASS_OUT)?.shape[0];
    let dfl = to_f32(find(DFL)?)?;
    let expected: Vec<f32> = (0..REG_MAX).map(|i| i as f32).collect();
    if dfl != expected {
        return Err(CheckpointError::UnexpectedDfl);
    }

    let kept = tensors
        .into_iter()
        .filter(|t| t.name != DFL && !t.name.ends_with(".num_batches_tracked"))
        .collect();
    let (renamed, _) = remapper().remap(kept);
    Ok((YoloV8Config { scale, num_classes }, renamed))
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::tensor::{Bytes, DType};

    fn t(name: &str, shape: Vec<usize>) -> PackTensor {
        let n = shape.iter().product::<usize>();
        PackTensor::new(
            name.into(),
            DType::F32,
            shape,
            None,
            Bytes::from_elems(vec![0f32; n]),
        )
    }

    #[test]
    fn names_map_to_module_paths() {
        let (renamed, _) = remapper().remap(vec![
            t("model.0.conv.weight", vec![1]),
            t("model.2.m.1.cv2.bn.bias", vec![1]),
            t("model.12.cv1.conv.weight", vec![1]),
            t("model.22.cv2.2.1.conv.weight", vec![1]),
            t("model.22.cv3.0.2.bias", vec![1]),
        ]);
        let names: Vec<_> = renamed.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "backbone.stem.conv.weight",
                "backbone.stage1.bottlenecks.1.cv2.bn.bias",
                "neck.top_down_p4.cv1.conv.weight",
                "head.box_branches.2.conv2.conv.weight",
                "head.class_branches.0.out.bias",
            ]
        );
    }

    #[test]
    fn other_tasks_are_named_in_the_error() {
        let err = from_ultralytics(vec![t("model.22.proto.cv1.conv.weight", vec![1])]).unwrap_err();
        assert!(err.to_string().contains("segmentation"), "{err}");
        let err = from_ultralytics(vec![t("model.22.cv4.0.0.conv.weight", vec![1])]).unwrap_err();
        assert!(err.to_string().contains("pose"), "{err}");
        let err = from_ultralytics(vec![t("model.9.linear.weight", vec![1])]).unwrap_err();
        assert!(err.to_string().contains("classification"), "{err}");
        let err = from_ultralytics(vec![t("encoder.weight", vec![1])]).unwrap_err();
        assert!(matches!(err, CheckpointError::NotYoloV8(_)), "{err}");
    }
}
