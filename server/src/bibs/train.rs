//! Training the bib reader on the CPU (Burn's Flex backend with autodiff) and measuring it.

use burn::module::Module;
use burn::nn::loss::CrossEntropyLossConfig;
use burn::optim::{AdamWConfig, GradientsParams};
use burn::tensor::{Device, Int, Tensor, TensorData};
use netball_shared::bib::{BibClass, BibNet, BibNetConfig, BibReader, CROP_SIDE};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

use super::samples::{Samples, inputs};

#[derive(Clone, Debug)]
pub struct TrainSettings {
    pub epochs: usize,
    pub batch: usize,
    /// Peak learning rate, reached after a short warm-up and decayed along a cosine.
    pub learning_rate: f64,
    pub weight_decay: f32,
    /// Label smoothing: keeps the reader from being sure of crops that show no letters (a
    /// player side on), whose truth label names a position nonetheless.
    pub smoothing: f32,
    pub seed: u64,
}

/// What one epoch did.
#[derive(Clone, Debug)]
pub struct EpochReport {
    pub epoch: usize,
    pub loss: f64,
    pub validation: Option<Evaluation>,
}

/// Trains a fresh network on `train`, measuring it on `val` after each epoch; returns it for
/// reading (on the plain CPU device).
pub fn train(
    train: &Samples,
    val: &Samples,
    s: &TrainSettings,
    mut report: impl FnMut(&EpochReport),
) -> BibNet {
    let device = Device::flex().autodiff();
    let mut net = BibNetConfig {
        classes: BibClass::COUNT,
    }
    .init(&device);
    let mut optim = AdamWConfig::new().with_weight_decay(s.weight_decay).init();
    let loss_fn = CrossEntropyLossConfig::new()
        .with_smoothing(Some(s.smoothing))
        .init(&device);
    let mut rng = ChaCha8Rng::seed_from_u64(s.seed);
    let mut order: Vec<usize> = (0..train.len()).collect();
    let steps_per_epoch = train.len().div_ceil(s.batch.max(1));
    let total = (steps_per_epoch * s.epochs).max(1);
    let warmup = (total / 20).max(1);
    let mut step = 0;
    for epoch in 1..=s.epochs {
        order.shuffle(&mut rng);
        let (mut sum, mut batches) = (0.0, 0);
        for batch in order.chunks(s.batch.max(1)) {
            let lr = if step < warmup {
                s.learning_rate * (step + 1) as f64 / warmup as f64
            } else {
                let t = (step - warmup) as f64 / (total - warmup).max(1) as f64;
                s.learning_rate * (0.02 + 0.98 * 0.5 * (1.0 + (std::f64::consts::PI * t).cos()))
            };
            let x = Tensor::<4>::from_data(
                TensorData::new(inputs(train, batch), [batch.len(), 3, CROP_SIDE, CROP_SIDE]),
                &device,
            );
            let targets: Vec<i64> = batch
                .iter()
                .map(|&i| train.labels[i].index() as i64)
                .collect();
            let y = Tensor::<1, Int>::from_data(TensorData::new(targets, [batch.len()]), &device);
            let loss = loss_fn.forward(net.forward(x), y);
            sum += f64::from(loss.clone().into_scalar::<f32>());
            batches += 1;
            let grads = GradientsParams::from_grads(loss.backward(), &net);
            net = optim.step(lr, net, grads);
            step += 1;
        }
        let validation = (!val.is_empty()).then(|| {
            let reader = BibReader::new(net.valid(), Device::flex());
            evaluate(&reader, val)
        });
        report(&EpochReport {
            epoch,
            loss: sum / batches.max(1) as f64,
            validation,
        });
    }
    net.valid()
}

/// How a reader does on labelled crops.
#[derive(Clone, Debug, PartialEq)]
pub struct Evaluation {
    /// `confusion[truth][read]`, in [`BibClass`] order.
    pub confusion: [[usize; BibClass::COUNT]; BibClass::COUNT],
    /// For each confidence in [`CONFIDENCES`]: of the crops of players, the share read as a
    /// position that confidently, and of those, the share read right.
    pub confident: Vec<Confident>,
}

/// The confidences [`Evaluation::confident`] reports.
pub const CONFIDENCES: [f32; 4] = [0.5, 0.8, 0.9, 0.97];

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Confident {
    pub confidence: f32,
    pub coverage: f64,
    pub precision: f64,
}

impl Evaluation {
    /// Share of crops whose most likely class is their truth.
    pub fn accuracy(&self) -> f64 {
        let right: usize = (0..BibClass::COUNT).map(|i| self.confusion[i][i]).sum();
        let all: usize = self.confusion.iter().flatten().sum();
        right as f64 / all.max(1) as f64
    }
}

/// Reads every crop of `samples` (in batches) and compares with the labels.
pub fn evaluate(reader: &BibReader, samples: &Samples) -> Evaluation {
    let mut confusion = [[0; BibClass::COUNT]; BibClass::COUNT];
    let mut confident = [(0usize, 0usize); CONFIDENCES.len()];
    let mut players = 0;
    for (crops, labels) in samples.crops.chunks(256).zip(samples.labels.chunks(256)) {
        for (reading, &truth) in reader.read(crops).iter().zip(labels) {
            let (read, p) = reading.best();
            confusion[truth.index()][read.index()] += 1;
            if !matches!(truth, BibClass::Position(_)) {
                continue;
            }
            players += 1;
            for (k, &c) in CONFIDENCES.iter().enumerate() {
                if matches!(read, BibClass::Position(_)) && p >= c {
                    confident[k].0 += 1;
                    confident[k].1 += usize::from(read == truth);
                }
            }
        }
    }
    Evaluation {
        confusion,
        confident: CONFIDENCES
            .iter()
            .zip(confident)
            .map(|(&confidence, (read, right))| Confident {
                confidence,
                coverage: read as f64 / players.max(1) as f64,
                precision: right as f64 / read.max(1) as f64,
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use netball_shared::bib::{BibCrop, CROP_LEN};
    use netball_shared::court::Position;

    /// Crops that differ by class in an obvious way: the class's index sets a bright square's
    /// place on a dark ground.
    fn toy(n: usize) -> Samples {
        let mut s = Samples::default();
        for k in 0..n {
            let class = k % 3;
            let mut px = [20u8; CROP_LEN];
            for y in 0..8 {
                for x in class * 10..class * 10 + 8 {
                    let i = ((y + 12) * CROP_SIDE + x) * 3;
                    px[i..i + 3].copy_from_slice(&[240, 240, 240]);
                }
            }
            px[(k * 37) % CROP_LEN] = (k % 255) as u8;
            s.crops.push(BibCrop::from_pixels(px));
            s.labels.push(BibClass::Position(Position::ALL[class]));
        }
        s
    }

    #[test]
    fn training_learns_a_separable_toy_problem() {
        let (train_set, val_set) = (toy(96), toy(30));
        let settings = TrainSettings {
            epochs: 4,
            batch: 16,
            learning_rate: 3e-3,
            weight_decay: 1e-4,
            smoothing: 0.0,
            seed: 1,
        };
        let mut losses = Vec::new();
        let net = train(&train_set, &val_set, &settings, |r| losses.push(r.loss));
        assert!(losses.last() < losses.first(), "{losses:?}");
        let eval = evaluate(&BibReader::new(net, Device::flex()), &val_set);
        assert!(eval.accuracy() > 0.9, "{eval:?}");
    }
}
