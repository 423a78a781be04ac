//! From checkpoint tensors to a loaded [`YoloV8`].
//!
//! A checkpoint here is the list of named tensors of the *training* form of the network:
//! every [`ConvBlock`](super::conv::ConvBlock) as `<path>.conv.weight` plus
//! `<path>.bn.{weight,bias,running_mean,running_var}`, in any float dtype (Ultralytics ships
//! fp16). Loading folds each BatchNorm into its convolution and casts to f32, then applies the
//! result to the module tree with burn-store, which checks every name, shape and dtype.

use burn::store::burn_pack::Tensor as PackTensor;
use burn::store::{ApplyResult, FloatCastAdapter, ModuleSnapshot};
use burn::tensor::{Bytes, DType, Device, TensorData};
use std::collections::BTreeMap;
use thiserror::Error;

use super::yolo::{YoloV8, YoloV8Config};

/// BatchNorm epsilon used by Ultralytics (`nn.BatchNorm2d(eps=0.001)`); it is not part of the
/// state dict, so it lives here.
pub const BN_EPS: f64 = 1e-3;

/// Why a set of tensors cannot be loaded into the model.
#[derive(Debug, Error)]
pub enum WeightsError {
    #[error("tensor `{name}` has dtype {dtype:?}; only float tensors are weights")]
    NotFloat { name: String, dtype: DType },
    #[error("tensor `{name}` could not be read: {reason}")]
    Unreadable { name: String, reason: String },
    #[error("BatchNorm `{prefix}bn` has no matching `{missing}`")]
    IncompleteBatchNorm { prefix: String, missing: String },
    #[error("BatchNorm `{prefix}bn` has {bn} channels but its convolution has {conv}")]
    BatchNormShape {
        prefix: String,
        bn: usize,
        conv: usize,
    },
    #[error("the weights do not fit a YOLOv8-{scale} with {classes} classes: {details}")]
    Mismatch {
        scale: char,
        classes: usize,
        details: String,
    },
}

/// Loads checkpoint tensors into a freshly built network of the given shape.
pub fn load(
    config: YoloV8Config,
    tensors: Vec<PackTensor>,
    device: &Device,
) -> Result<YoloV8, WeightsError> {
    let fused = fuse_batch_norms(tensors)?;
    let mut model = config.init(device);
    let result = model.apply(
        fused,
        None,
        Some(Box::new(FloatCastAdapter::to(DType::F32))),
        false,
    );
    let problems = apply_problems(&result);
    if !problems.is_empty() {
        let shown = problems.len().min(5);
        let mut details = problems[..shown].join("; ");
        if problems.len() > shown {
            details.push_str(&format!("; and {} more", problems.len() - shown));
        }
        return Err(WeightsError::Mismatch {
            scale: config.scale.letter(),
            classes: config.num_classes,
            details,
        });
    }
    Ok(model)
}

/// What went wrong in applying tensors to a module: errors, missing parameters and tensors
/// that fit none, one line each; empty when every parameter was filled.
pub(crate) fn apply_problems(result: &ApplyResult) -> Vec<String> {
    let mut problems: Vec<String> = result.errors.iter().map(|e| e.to_string()).collect();
    problems.extend(result.missing.iter().map(|(p, _)| format!("missing `{p}`")));
    problems.extend(result.unused.iter().map(|p| format!("unexpected `{p}`")));
    problems
}

/// Reads a float tensor's values as f32, whatever its stored float dtype.
pub(crate) fn to_f32(tensor: &PackTensor) -> Result<Vec<f32>, WeightsError> {
    let unreadable = |reason: String| WeightsError::Unreadable {
        name: tensor.name.clone(),
        reason,
    };
    if !tensor.dtype.is_float() {
        return Err(WeightsError::NotFloat {
            name: tensor.name.clone(),
            dtype: tensor.dtype,
        });
    }
    let bytes = tensor.to_bytes().map_err(|e| unreadable(e.to_string()))?;
    let data = TensorData::try_from_bytes(bytes, tensor.shape.clone(), tensor.dtype)
        .map_err(|e| unreadable(format!("{e:?}")))?;
    data.convert::<f32>()
        .try_into_vec::<f32>()
        .map_err(|e| unreadable(format!("{e:?}")))
}

fn f32_tensor(name: String, shape: Vec<usize>, values: Vec<f32>) -> PackTensor {
    PackTensor::new(name, DType::F32, shape, None, Bytes::from_elems(values))
}

/// Folds every `<p>bn.*` into `<p>conv.weight` and a new `<p>conv.bias`.
///
/// For output channel `c`: `s = gamma / sqrt(var + eps)`, `w' = w * s`,
/// `b' = beta - mean * s`. Tensors that belong to no BatchNorm pass through unchanged.
pub fn fuse_batch_norms(tensors: Vec<PackTensor>) -> Result<Vec<PackTensor>, WeightsError> {
    let mut by_name: BTreeMap<String, PackTensor> =
        tensors.into_iter().map(|t| (t.name.clone(), t)).collect();
    let prefixes: Vec<String> = by_name
        .keys()
        .filter_map(|k| k.strip_suffix("bn.running_var").map(str::to_owned))
        .collect();

    let mut out = Vec::with_capacity(by_name.len());
    for prefix in prefixes {
        let mut take = |suffix: &str| {
            let name = format!("{prefix}{suffix}");
            by_name
                .remove(&name)
                .ok_or_else(|| WeightsError::IncompleteBatchNorm {
                    prefix: prefix.clone(),
                    missing: name,
                })
        };
        let conv = take("conv.weight")?;
        let gamma = to_f32(&take("bn.weight")?)?;
        let beta = to_f32(&take("bn.bias")?)?;
        let mean = to_f32(&take("bn.running_mean")?)?;
        let var = to_f32(&take("bn.running_var")?)?;
        let shape: Vec<usize> = conv.shape.to_vec();
        let mut weight = to_f32(&conv)?;

        let channels = shape[0];
        if [&gamma, &beta, &mean, &var]
            .iter()
            .any(|v| v.len() != channels)
        {
            return Err(WeightsError::BatchNormShape {
                prefix,
                bn: gamma.len(),
                conv: channels,
            });
        }
        let per_channel = weight.len() / channels;
        let mut bias = Vec::with_capacity(channels);
        for c in 0..channels {
            let s = f64::from(gamma[c]) / (f64::from(var[c]) + BN_EPS).sqrt();
            for w in &mut weight[c * per_channel..(c + 1) * per_channel] {
                *w = (f64::from(*w) * s) as f32;
            }
            bias.push((f64::from(beta[c]) - f64::from(mean[c]) * s) as f32);
        }
        out.push(f32_tensor(format!("{prefix}conv.weight"), shape, weight));
        out.push(f32_tensor(
            format!("{prefix}conv.bias"),
            vec![channels],
            bias,
        ));
    }
    out.extend(by_name.into_values());
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::nn::PaddingConfig2d;
    use burn::nn::conv::Conv2dConfig;
    use burn::nn::{BatchNorm, BatchNormConfig};
    use burn::tensor::{Distribution, Tensor};

    fn pack(name: &str, t: &Tensor<1>) -> PackTensor {
        f32_tensor(
            name.into(),
            t.dims().to_vec(),
            t.to_data().try_to_vec::<f32>().unwrap(),
        )
    }

    /// Conv→BN must equal the fused convolution to float precision.
    #[test]
    fn folded_batch_norm_equals_conv_then_batch_norm() {
        let device = Device::flex();
        let conv = Conv2dConfig::new([3, 4], [3, 3])
            .with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1))
            .with_bias(false)
            .init(&device);
        let mut bn: BatchNorm = BatchNormConfig::new(4).with_epsilon(BN_EPS).init(&device);
        let random = |lo, hi| Tensor::<1>::random([4], Distribution::Uniform(lo, hi), &device);
        let (gamma, beta, mean, var) = (
            random(0.5, 2.0),
            random(-1.0, 1.0),
            random(-1.0, 1.0),
            random(0.1, 2.0),
        );
        bn.gamma = burn::module::Param::from_tensor(gamma.clone());
        bn.beta = burn::module::Param::from_tensor(beta.clone());
        bn.running_mean = burn::module::RunningState::new(mean.clone());
        bn.running_var = burn::module::RunningState::new(var.clone());

        let w = conv.weight.val();
        let tensors = vec![
            f32_tensor(
                "x.conv.weight".into(),
                w.dims().to_vec(),
                w.to_data().try_to_vec::<f32>().unwrap(),
            ),
            pack("x.bn.weight", &gamma),
            pack("x.bn.bias", &beta),
            pack("x.bn.running_mean", &mean),
            pack("x.bn.running_var", &var),
        ];
        let fused = fuse_batch_norms(tensors).unwrap();
        let mut names: Vec<_> = fused.iter().map(|t| t.name.clone()).collect();
        names.sort();
        assert_eq!(names, ["x.conv.bias", "x.conv.weight"]);

        let mut fused_conv = Conv2dConfig::new([3, 4], [3, 3])
            .with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1))
            .init(&device);
        let find = |n: &str| to_f32(fused.iter().find(|t| t.name == n).unwrap()).unwrap();
        fused_conv.weight = burn::module::Param::from_tensor(Tensor::from_data(
            TensorData::new(find("x.conv.weight"), [4, 3, 3, 3]),
            &device,
        ));
        fused_conv.bias = Some(burn::module::Param::from_tensor(Tensor::from_data(
            TensorData::new(find("x.conv.bias"), [4]),
            &device,
        )));

        let x = Tensor::<4>::random([1, 3, 8, 8], Distribution::Default, &device);
        let reference = bn.forward(conv.forward(x.clone()));
        let got = fused_conv.forward(x);
        let diff = (reference - got).abs().max().into_scalar::<f32>();
        assert!(diff < 1e-5, "max difference {diff}");
    }

    #[test]
    fn a_batch_norm_without_its_convolution_is_an_error() {
        let t = |n: &str| f32_tensor(n.into(), vec![2], vec![1.0, 1.0]);
        let err = fuse_batch_norms(vec![
            t("a.bn.weight"),
            t("a.bn.bias"),
            t("a.bn.running_mean"),
            t("a.bn.running_var"),
        ])
        .unwrap_err();
        assert!(
            matches!(err, WeightsError::IncompleteBatchNorm { .. }),
            "{err}"
        );
    }
}
