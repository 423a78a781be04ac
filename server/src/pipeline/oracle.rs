//! Oracle detections: the simulator's truth boxes, degraded on purpose (missed objects, noisy
//! edges, false detections), in place of a model. The standard way to measure a tracker apart
//! from its detector (as MOTChallenge's public-detection tracks do), and the way to run the
//! whole pipeline before the project's own model exists. The boxes go through the same
//! non-maximum suppression as a model's.

use std::path::Path;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use anyhow::{Context, Result, bail};
use netball_shared::detect::non_max_suppression;
use netball_shared::{BoundingBox, DetectConfig, Detection};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::simulate::truth::{self, FrameTruth, Header, ObjectClass};

/// How the truth is degraded.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct OracleSettings {
    /// Share of objects dropped in each frame, independently.
    pub miss_rate: f64,
    /// Standard deviation of the Gaussian noise added to each box edge, pixels.
    pub noise_px: f64,
    /// Mean number of false detections per frame.
    pub false_positives: f64,
    pub seed: u64,
}

impl Default for OracleSettings {
    fn default() -> Self {
        Self {
            miss_rate: 0.1,
            noise_px: 2.0,
            false_positives: 0.5,
            seed: 0,
        }
    }
}

/// The oracle's classes: the truth's, in its order.
pub fn classes() -> Vec<String> {
    ObjectClass::ALL
        .iter()
        .map(|c| c.name().to_owned())
        .collect()
}

/// Truth frames arriving from a reader thread (the file is streamed, never loaded whole).
pub struct Oracle {
    frames: Receiver<FrameTruth>,
    settings: OracleSettings,
    rng: ChaCha8Rng,
    classes: Vec<String>,
    size: (f32, f32),
}

/// Starts reading `path` on a thread of `scope` and returns the oracle and the truth's header.
pub fn open<'scope>(
    scope: &'scope std::thread::Scope<'scope, '_>,
    path: &Path,
    settings: OracleSettings,
) -> Result<(Oracle, Header)> {
    let file = std::fs::File::open(path)
        .with_context(|| format!("opening the truth file {}", path.display()))?;
    let (header_tx, header_rx) = sync_channel::<Header>(1);
    let (frame_tx, frame_rx): (SyncSender<FrameTruth>, _) = sync_channel(16);
    let shown = path.display().to_string();
    let reader = scope.spawn(move || {
        truth::read_frames(
            file,
            |h| header_tx.send(h).is_ok(),
            |f| frame_tx.send(f).is_ok(),
        )
        .with_context(|| format!("reading {shown}"))
    });
    let Ok(header) = header_rx.recv() else {
        return Err(match reader.join() {
            Ok(Err(e)) => e,
            _ => anyhow::anyhow!("{} has no header", path.display()),
        });
    };
    let oracle = Oracle {
        frames: frame_rx,
        settings,
        rng: ChaCha8Rng::seed_from_u64(settings.seed),
        classes: classes(),
        size: (header.width as f32, header.height as f32),
    };
    Ok((oracle, header))
}

impl Oracle {
    /// The degraded truth of video frame `index`. Frames must be asked for in increasing order
    /// (skipped ones are read past).
    pub fn detect(&mut self, index: u64) -> Result<Vec<Detection>> {
        loop {
            let Ok(frame) = self.frames.recv() else {
                bail!("the truth file has no frame {index} (is it this video's truth?)");
            };
            if frame.frame < index {
                continue;
            }
            if frame.frame > index {
                bail!("the truth file has no frame {index} (is it this video's truth?)");
            }
            return Ok(self.degrade(&frame));
        }
    }

    fn degrade(&mut self, frame: &FrameTruth) -> Vec<Detection> {
        let s = self.settings;
        let mut out = Vec::with_capacity(frame.objects.len() + 2);
        for o in &frame.objects {
            if self.rng.random_bool(s.miss_rate.clamp(0.0, 1.0)) {
                continue;
            }
            let [x1, y1, x2, y2] = o.bbox;
            let mut edge = |v: f32| v + (self.gaussian() * s.noise_px) as f32;
            let bbox = BoundingBox {
                x1: edge(x1),
                y1: edge(y1),
                x2: edge(x2),
                y2: edge(y2),
            };
            let bbox = BoundingBox {
                x1: bbox.x1.min(bbox.x2),
                y1: bbox.y1.min(bbox.y2),
                x2: bbox.x1.max(bbox.x2),
                y2: bbox.y1.max(bbox.y2),
            }
            .clamp(self.size.0, self.size.1);
            // Hidden people score lower, as real detectors' occluded people do; that is what
            // ByteTrack's second association round is for.
            let score =
                (0.35 + 0.6 * o.visibility + self.rng.random_range(-0.05..0.05)).clamp(0.05, 0.99);
            out.push(self.detection(bbox, score, o.class));
        }
        // False detections: person-sized boxes anywhere, mostly low scores.
        let count = self.poisson(s.false_positives);
        for _ in 0..count {
            let h = self.rng.random_range(0.05..0.2) * self.size.1;
            let w = h * self.rng.random_range(0.3..0.6);
            let x = self.rng.random_range(0.0..(self.size.0 - w).max(1.0));
            let y = self.rng.random_range(0.0..(self.size.1 - h).max(1.0));
            let bbox = BoundingBox {
                x1: x,
                y1: y,
                x2: x + w,
                y2: y + h,
            };
            let score = self.rng.random_range(0.1..0.7);
            out.push(self.detection(bbox, score, ObjectClass::Player));
        }
        // The model's own post-processing: of two same-class boxes overlapping more than NMS
        // allows (a player wholly behind another), a detector reports only the stronger.
        let nms = DetectConfig::default();
        non_max_suppression(out, nms.iou, nms.max_detections)
    }

    fn detection(&self, bbox: BoundingBox, score: f32, class: ObjectClass) -> Detection {
        let class_id = (class.mot_class() - 1) as usize;
        Detection {
            bbox,
            score,
            class_id,
            label: self.classes[class_id].clone(),
        }
    }

    /// A standard normal sample (Box–Muller; `rand_distr` is not worth a dependency for it).
    fn gaussian(&mut self) -> f64 {
        let u: f64 = self.rng.random_range(f64::EPSILON..1.0);
        let v: f64 = self.rng.random();
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }

    /// A Poisson sample by Knuth's method (fine for the small means used here).
    fn poisson(&mut self, mean: f64) -> u32 {
        if mean <= 0.0 {
            return 0;
        }
        let limit = (-mean).exp();
        let mut product: f64 = self.rng.random();
        let mut count = 0;
        while product > limit && count < 1000 {
            product *= self.rng.random::<f64>();
            count += 1;
        }
        count
    }
}
