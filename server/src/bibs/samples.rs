//! Labelled bib crops cut from simulated matches: each person box the renderer drew, cut the
//! way the tracker cuts a detection ([`BibCrop::of`]) after moving the box as a detector's
//! error would, labelled with the truth's position (umpires: no bib).

use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::Result;
use netball_shared::bib::{BibClass, BibCrop, batch_input};
use netball_shared::{BoundingBox, Frame};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use crate::simulate::clip::Clip;
use crate::simulate::dataset::varied_clip;
use crate::simulate::truth::{FrameTruth, ObjectClass};

/// Which clips to cut crops from, and how.
#[derive(Clone, Debug)]
pub struct SampleSettings {
    /// Clip `k` uses seed `seed + k`.
    pub seed: u64,
    pub clips: usize,
    /// Frames taken from each clip, `spacing` seconds of play apart.
    pub per_clip: usize,
    pub spacing: f64,
    /// Resolutions the clips alternate between.
    pub resolutions: Vec<(u32, u32)>,
    /// Boxes less visible than this (0-1) are left out: what shows in them is mostly someone
    /// else's bib.
    pub min_visibility: f32,
    /// Detector error imitated when cutting: the box's edges move by up to this share of its
    /// size, plus `jitter_px`.
    pub jitter: f32,
    pub jitter_px: f32,
}

/// Crops and their classes, stored compactly (8-bit pixels).
#[derive(Default)]
pub struct Samples {
    pub crops: Vec<BibCrop>,
    pub labels: Vec<BibClass>,
}

impl Samples {
    pub fn len(&self) -> usize {
        self.crops.len()
    }

    pub fn is_empty(&self) -> bool {
        self.crops.is_empty()
    }

    /// How many samples each class has, in [`BibClass`] order.
    pub fn counts(&self) -> [usize; BibClass::COUNT] {
        let mut counts = [0; BibClass::COUNT];
        for l in &self.labels {
            counts[l.index()] += 1;
        }
        counts
    }

    fn append(&mut self, mut other: Samples) {
        self.crops.append(&mut other.crops);
        self.labels.append(&mut other.labels);
    }
}

/// The class a truth object's bib shows, or `None` for objects that wear none and are not
/// people (the ball, the rings).
fn class_of(o: &crate::simulate::truth::ObjectTruth) -> Option<BibClass> {
    match o.class {
        ObjectClass::Player => o.position.map(BibClass::Position),
        ObjectClass::Umpire => Some(BibClass::NoBib),
        ObjectClass::Ball | ObjectClass::Ring => None,
    }
}

/// Cuts the crops of one rendered frame.
fn cut(frame: &Frame, truth: &FrameTruth, s: &SampleSettings, rng: &mut ChaCha8Rng) -> Samples {
    let mut out = Samples::default();
    for o in &truth.objects {
        let Some(class) = class_of(o) else { continue };
        if o.visibility < s.min_visibility {
            continue;
        }
        let [x1, y1, x2, y2] = o.bbox;
        let (w, h) = (x2 - x1, y2 - y1);
        let mut shift = |size: f32| {
            let reach = s.jitter * size + s.jitter_px;
            if reach > 0.0 {
                rng.random_range(-reach..=reach)
            } else {
                0.0
            }
        };
        let bbox = BoundingBox {
            x1: x1 + shift(w),
            y1: y1 + shift(h),
            x2: x2 + shift(w),
            y2: y2 + shift(h),
        };
        if let Some(crop) = BibCrop::of(frame, &bbox) {
            out.crops.push(crop);
            out.labels.push(class);
        }
    }
    out
}

/// Renders the clips (in parallel) and cuts their crops, calling `progress(clips_done)`.
pub fn sample(s: &SampleSettings, progress: impl Fn(usize) + Sync) -> Result<Samples> {
    let done = AtomicUsize::new(0);
    let parts = (0..s.clips)
        .into_par_iter()
        .map(|k| -> Result<Samples> {
            let seed = s.seed + k as u64;
            let size = s.resolutions[k % s.resolutions.len().max(1)];
            let settings = varied_clip(seed, size, 2.0 + s.spacing * s.per_clip as f64);
            let step = (s.spacing * f64::from(settings.fps)).round().max(1.0) as u64;
            let first = 2 * u64::from(settings.fps);
            let mut clip = Clip::new(settings)?;
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let mut out = Samples::default();
            let (mut taken, mut index) = (0, 0u64);
            while taken < s.per_clip {
                if index >= first && (index - first).is_multiple_of(step) {
                    let Some(truth) = clip.next_frame() else {
                        break;
                    };
                    let frame = Frame::from_rgba(size.0, size.1, clip.pixels())?;
                    out.append(cut(&frame, &truth, s, &mut rng));
                    taken += 1;
                } else if !clip.skip_frame() {
                    break;
                }
                index += 1;
            }
            progress(done.fetch_add(1, Ordering::Relaxed) + 1);
            Ok(out)
        })
        .collect::<Result<Vec<_>>>()?;
    let mut all = Samples::default();
    for p in parts {
        all.append(p);
    }
    Ok(all)
}

/// The network input of the samples at `indices`, `[n, 3, side, side]` flattened.
pub fn inputs(samples: &Samples, indices: &[usize]) -> Vec<f32> {
    batch_input(indices.iter().map(|&i| &samples.crops[i]))
}
