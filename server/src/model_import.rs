//! Reading weights from disk: Ultralytics checkpoints (`.pt`, `.safetensors`) and the
//! project's own model file (`.bpk`).

use std::path::Path;

use anyhow::{Context, Result, bail};
use burn::store::burn_pack::Tensor as PackTensor;
use burn::store::pytorch_reader::{PickleValue, PytorchReader};
use burn::store::{ModuleStore, PytorchStore, SafetensorsStore};
use netball_shared::model::ultralytics::from_ultralytics;
use netball_shared::{ModelFile, ModelInfo};

/// Input size of Ultralytics' published detection models, used when a checkpoint records none.
const DEFAULT_INPUT_SIZE: u32 = 640;

/// Reads any supported weights file into a model file, by its extension.
pub fn load_weights(path: &Path) -> Result<ModelFile> {
    match extension(path).as_str() {
        "bpk" => read_model_file(path),
        "pt" | "pth" | "safetensors" => import_checkpoint(path),
        other => bail!(
            "{}: unsupported weights format `.{other}` (expected .bpk, .pt or .safetensors)",
            path.display()
        ),
    }
}

/// Reads a model file written by `netball model import`.
pub fn read_model_file(path: &Path) -> Result<ModelFile> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    ModelFile::from_bytes(bytes)
        .with_context(|| format!("{} is not a usable model file", path.display()))
}

/// Converts an Ultralytics YOLOv8 detection checkpoint into a model file.
///
/// The classes are named `class0`, `class1`, …: Ultralytics keeps the real names in an
/// attribute of the pickled model object that burn-store's reader does not expose, so the
/// caller supplies them (`netball model import --classes`).
pub fn import_checkpoint(path: &Path) -> Result<ModelFile> {
    let (tensors, input_size) = match extension(path).as_str() {
        "safetensors" => (read_safetensors(path)?, None),
        _ => (read_pytorch(path)?, pytorch_input_size(path)),
    };
    let (config, tensors) =
        from_ultralytics(tensors).with_context(|| format!("{} cannot be used", path.display()))?;
    let info = ModelInfo {
        scale: config.scale,
        classes: (0..config.num_classes)
            .map(|i| format!("class{i}"))
            .collect(),
        input_size: input_size
            .filter(|s| s.is_multiple_of(32))
            .unwrap_or(DEFAULT_INPUT_SIZE),
    };
    ModelFile::new(info, tensors)
        .with_context(|| format!("loading the weights of {}", path.display()))
}

fn extension(path: &Path) -> String {
    path.extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase()
}

fn read_pytorch(path: &Path) -> Result<Vec<PackTensor>> {
    // Ultralytics pickles the whole `DetectionModel` under the key "model"; its state dict is
    // what the reader extracts. Layer indices have gaps (upsample/concat layers carry no
    // weights) and must stay as they are for the renaming to work.
    let mut store = PytorchStore::from_file(path)
        .with_top_level_key("model")
        .map_indices_contiguous(false);
    let tensors = store
        .get_all_tensors()
        .map_err(|e| anyhow::anyhow!("{e}"))
        .with_context(|| format!("{} is not a readable PyTorch checkpoint", path.display()))?;
    Ok(tensors.values().cloned().collect())
}

fn read_safetensors(path: &Path) -> Result<Vec<PackTensor>> {
    let mut store = SafetensorsStore::from_file(path);
    let tensors = store
        .get_all_tensors()
        .map_err(|e| anyhow::anyhow!("{e}"))
        .with_context(|| format!("{} is not a readable safetensors file", path.display()))?;
    Ok(tensors.values().cloned().collect())
}

/// The training input size Ultralytics records in `train_args.imgsz`, when it is one number.
fn pytorch_input_size(path: &Path) -> Option<u32> {
    let PickleValue::Dict(args) = PytorchReader::read_pickle_data(path, Some("train_args")).ok()?
    else {
        return None;
    };
    match args.get("imgsz")? {
        PickleValue::Int(size) => u32::try_from(*size).ok(),
        _ => None,
    }
}
