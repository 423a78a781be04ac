//! A YOLO training set drawn from many simulated clips, in the Ultralytics layout
//! (`images/{train,val}`, `labels/{train,val}`, `data.yaml`). Validation clips use seeds that
//! never appear in training, so validation measures generalisation to unseen matches, halls
//! and camera poses rather than memorised ones.

use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{Context, Result, bail};
use image::ImageEncoder;
use image::codecs::jpeg::JpegEncoder;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use super::camera_rig::CameraView;
use super::clip::{Clip, ClipSettings};
use super::play::MatchConfig;
use super::render::Effects;
use super::truth::{FrameTruth, ObjectClass};

#[derive(Clone, Debug)]
pub struct DatasetSettings {
    pub out: PathBuf,
    pub images: usize,
    pub width: u32,
    pub height: u32,
    /// Share of images (whole clips) kept for validation.
    pub val_fraction: f64,
    /// The first clip's seed; clip `k` uses `seed + k`.
    pub seed: u64,
    /// Images taken from each clip, `spacing` seconds of play apart.
    pub per_clip: usize,
    pub spacing: f64,
    /// Labels only objects at least this visible (0-1) and 2 px across.
    pub min_visibility: f32,
}

/// What was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DatasetSummary {
    pub train_images: usize,
    pub val_images: usize,
    pub labels: usize,
}

/// The class order of `data.yaml` and the label files.
pub fn class_index(class: ObjectClass) -> usize {
    class.mot_class() as usize - 1
}

/// A clip's look and camera, varied by its seed.
fn clip_settings(seed: u64, s: &DatasetSettings) -> ClipSettings {
    varied_clip(
        seed,
        (s.width, s.height),
        2.0 + s.spacing * s.per_clip as f64,
    )
}

/// A clip of `duration` seconds whose camera view, lens and picture effects are drawn from
/// `seed`: the variety training sets need.
pub fn varied_clip(seed: u64, (width, height): (u32, u32), duration: f64) -> ClipSettings {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(2);
    let view = match rng.random_range(0..10) {
        0..6 => CameraView::Sideline,
        6..8 => CameraView::BehindGoal,
        _ => CameraView::Panning,
    };
    ClipSettings {
        seed,
        duration,
        width,
        height,
        fps: 25,
        view,
        k1: if rng.random_bool(0.3) {
            rng.random_range(-0.15..0.0)
        } else {
            0.0
        },
        effects: Effects {
            noise: if rng.random_bool(0.5) {
                rng.random_range(1.0..6.0)
            } else {
                0.0
            },
            motion_blur: rng.random_bool(0.5),
        },
        game: MatchConfig::default(),
    }
}

/// One YOLO label line per object: class, then the box centre and size normalised to the image.
pub fn yolo_labels(
    frame: &FrameTruth,
    width: u32,
    height: u32,
    min_visibility: f32,
) -> Vec<String> {
    let (w, h) = (width as f32, height as f32);
    frame
        .objects
        .iter()
        .filter(|o| o.visibility >= min_visibility)
        .filter(|o| o.bbox[2] - o.bbox[0] >= 2.0 && o.bbox[3] - o.bbox[1] >= 2.0)
        .map(|o| {
            let [x0, y0, x1, y1] = o.bbox;
            format!(
                "{} {:.6} {:.6} {:.6} {:.6}",
                class_index(o.class),
                (x0 + x1) / 2.0 / w,
                (y0 + y1) / 2.0 / h,
                (x1 - x0) / w,
                (y1 - y0) / h
            )
        })
        .collect()
}

fn write_jpeg(path: &Path, rgba: &[u8], width: u32, height: u32) -> Result<()> {
    let rgb: Vec<u8> = rgba
        .chunks_exact(4)
        .flat_map(|p| [p[0], p[1], p[2]])
        .collect();
    let file = BufWriter::new(
        fs::File::create(path).with_context(|| format!("creating {}", path.display()))?,
    );
    JpegEncoder::new_with_quality(file, 90)
        .write_image(&rgb, width, height, image::ExtendedColorType::Rgb8)
        .with_context(|| format!("writing {}", path.display()))
}

/// Writes the dataset, calling `progress(images_done)` as images are written.
pub fn write_dataset(
    s: &DatasetSettings,
    progress: impl Fn(usize) + Sync,
) -> Result<DatasetSummary> {
    if s.images == 0 || s.per_clip == 0 {
        bail!("a dataset needs at least one image");
    }
    if !(0.0..1.0).contains(&s.val_fraction) {
        bail!("the validation share must be in [0, 1)");
    }
    if s.out.join("data.yaml").exists() {
        bail!(
            "{} already holds a dataset; choose an empty folder",
            s.out.display()
        );
    }
    let clips = s.images.div_ceil(s.per_clip);
    let val_clips = if s.val_fraction > 0.0 {
        ((clips as f64 * s.val_fraction).round() as usize).clamp(1, clips.saturating_sub(1).max(1))
    } else {
        0
    };
    for split in ["train", "val"] {
        for kind in ["images", "labels"] {
            let dir = s.out.join(kind).join(split);
            fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        }
    }
    let done = AtomicUsize::new(0);
    let labels = AtomicUsize::new(0);
    (0..clips).into_par_iter().try_for_each(|k| -> Result<()> {
        let split = if k >= clips - val_clips {
            "val"
        } else {
            "train"
        };
        let seed = s.seed + k as u64;
        let images = (s.images - k * s.per_clip).min(s.per_clip);
        let settings = clip_settings(seed, s);
        let fps = settings.fps;
        let mut clip = Clip::new(settings)?;
        let step = (s.spacing * f64::from(fps)).round().max(1.0) as u64;
        let first = 2 * u64::from(fps);
        let mut taken = 0;
        let mut frame = 0u64;
        while taken < images {
            let wanted = frame >= first && (frame - first).is_multiple_of(step);
            if wanted {
                let Some(truth) = clip.next_frame() else {
                    break;
                };
                let name = format!("s{seed:06}_f{frame:06}");
                let image = s.out.join("images").join(split).join(format!("{name}.jpg"));
                write_jpeg(&image, clip.pixels(), s.width, s.height)?;
                let lines = yolo_labels(&truth, s.width, s.height, s.min_visibility);
                let label = s.out.join("labels").join(split).join(format!("{name}.txt"));
                let mut text = lines.join("\n");
                text.push('\n');
                fs::write(&label, text).with_context(|| format!("writing {}", label.display()))?;
                labels.fetch_add(lines.len(), Ordering::Relaxed);
                taken += 1;
                progress(done.fetch_add(1, Ordering::Relaxed) + 1);
            } else if !clip.skip_frame() {
                break;
            }
            frame += 1;
        }
        Ok(())
    })?;
    let val_images: usize = (clips - val_clips..clips)
        .map(|k| (s.images - k * s.per_clip).min(s.per_clip))
        .sum();
    write_data_yaml(&s.out)?;
    Ok(DatasetSummary {
        train_images: s.images - val_images,
        val_images,
        labels: labels.into_inner(),
    })
}

fn write_data_yaml(out: &Path) -> Result<()> {
    let root = fs::canonicalize(out).with_context(|| format!("resolving {}", out.display()))?;
    let mut yaml = String::new();
    yaml.push_str("# Simulated netball frames (netball dataset); truth boxes from the renderer.\n");
    yaml.push_str(&format!("path: {}\n", root.display()));
    yaml.push_str("train: images/train\nval: images/val\nnames:\n");
    for class in ObjectClass::ALL {
        yaml.push_str(&format!("  {}: {}\n", class_index(class), class.name()));
    }
    let path = out.join("data.yaml");
    let mut file =
        fs::File::create(&path).with_context(|| format!("creating {}", path.display()))?;
    file.write_all(yaml.as_bytes())?;
    Ok(())
}
