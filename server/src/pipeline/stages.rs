//! The pipelined run: one thread per stage, bounded channels between them, the model on the
//! calling thread.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use anyhow::{Context, Result, anyhow};
use netball_shared::detect::PreparedInput;
use netball_shared::result::StageMetrics;
use netball_shared::{Detection, Frame};
use rayon::prelude::*;

use super::Source;
use super::metrics::StageClock;
use super::oracle::{self, Oracle};
use super::output::Outputs;
use super::tracking::Tracking;
use super::video::VideoSink;
use crate::decode::video::{DecodeOptions, VideoFrames};

/// Frames between two updates of the teams drawn in the annotated video (the teams in the
/// result are decided at the end, from every frame).
pub(super) const TEAMS_EVERY: usize = 25;

/// What a run needs, whichever way it runs.
pub(super) struct Job<'a> {
    /// Opened by the stage that decodes (FFmpeg's scaler may not move between threads).
    pub video: &'a Path,
    pub decode: DecodeOptions,
    pub source: &'a Source<'a>,
    pub tracking: Tracking,
    pub outputs: Outputs,
    /// The annotated video's file and frame rate (`None`: no video).
    pub video_path: std::path::PathBuf,
    pub video_fps: Option<f64>,
    pub video_size: (u32, u32),
    pub queue: usize,
    pub progress: &'a (dyn Fn(u64) + Sync),
    pub cancel: &'a AtomicBool,
}

/// What a run hands back: the stateful ends (to be finished once metrics are known), the
/// stages' metrics, the frames whose detection was reused, and the frames analysed.
pub(super) type Finished = (Tracking, Outputs, Vec<StageMetrics>, u64, u64);

pub(super) struct Decoded {
    pub index: u64,
    pub time: f64,
    /// Shared, not copied, with the decoder's memory of the previous frame.
    pub frame: Arc<Frame>,
    /// The same pixels as the frame before it.
    pub repeat: bool,
}

struct Prepared {
    decoded: Decoded,
    input: Option<PreparedInput>,
}

pub(super) struct Detected {
    pub index: u64,
    pub time: f64,
    pub frame: Arc<Frame>,
    pub detections: Vec<Detection>,
}

/// Set by a failing stage (or the caller) to stop the others early.
struct Stop<'a> {
    failed: AtomicBool,
    cancel: &'a AtomicBool,
}

impl Stop<'_> {
    fn stopped(&self) -> bool {
        self.failed.load(Ordering::Relaxed) || self.cancel.load(Ordering::Relaxed)
    }

    /// Records a stage's failure so the others stop, and passes the result on.
    fn watch<T>(&self, result: Result<T>) -> Result<T> {
        if result.is_err() {
            self.failed.store(true, Ordering::Relaxed);
        }
        result
    }
}

pub(super) fn run(job: Job) -> Result<Finished> {
    let Job {
        video,
        decode: options,
        source,
        tracking,
        outputs,
        video_path,
        video_fps,
        video_size,
        queue,
        progress,
        cancel,
    } = job;
    let stop = Stop {
        failed: AtomicBool::new(false),
        cancel,
    };
    std::thread::scope(|s| {
        let mut oracle = match source {
            Source::Oracle { truth, settings } => Some(oracle::open(s, truth, *settings)?.0),
            Source::Model { .. } => None,
        };
        let (decoded_tx, decoded_rx) = sync_channel(queue);
        let (prepared_tx, prepared_rx) = sync_channel(queue);
        let (detected_tx, detected_rx) = sync_channel::<Detected>(queue);
        let (result_tx, result_rx) = sync_channel(queue);
        let stop = &stop;
        let batch = match source {
            Source::Model { batch, .. } => batch.get(),
            Source::Oracle { .. } => 1,
        };
        let input_size = source.input_size();

        let decode = s.spawn(move || {
            let frames = VideoFrames::open_with(video, options);
            stop.watch(frames.and_then(|frames| decode(frames, &decoded_tx, stop)))
        });
        let preprocess = s.spawn(move || {
            stop.watch(preprocess(
                &decoded_rx,
                &prepared_tx,
                input_size,
                batch,
                stop,
            ))
        });
        let track = s.spawn(move || {
            let mut tracking = tracking;
            let mut clock = StageClock::new("track");
            'frames: for d in detected_rx {
                let passed =
                    clock.time(1, || tracking.frame(d.index, d.time, d.frame, d.detections));
                for tracked in passed {
                    if result_tx.send(tracked).is_err() {
                        break 'frames;
                    }
                }
            }
            for tracked in clock.time(0, || tracking.flush()) {
                if result_tx.send(tracked).is_err() {
                    break;
                }
            }
            (tracking, clock.finish())
        });
        let write = s.spawn(move || {
            let mut outputs = outputs;
            let mut video = VideoSink::new(video_path, video_fps, video_size);
            let mut clock = StageClock::new("write");
            let written = (|| {
                for tracked in result_rx {
                    clock.time(1, || {
                        video.frame(&tracked)?;
                        outputs.frame(&tracked.result)
                    })?;
                    progress(1);
                }
                clock.time(0, || video.finish())
            })();
            stop.watch(written.map(|()| (outputs, clock.finish())))
        });

        let detected = stop.watch(detect(
            source,
            oracle.as_mut(),
            &prepared_rx,
            &detected_tx,
            video_size,
            batch,
            stop,
        ));
        // Closing the model's ends lets the stages before and after it finish.
        drop(prepared_rx);
        drop(detected_tx);

        let joined = |name: &str| anyhow!("the {name} stage panicked");
        let decoded = decode.join().map_err(|_| joined("decode"))?;
        let prepared = preprocess.join().map_err(|_| joined("preprocess"))?;
        let (tracking, track_metrics) = track.join().map_err(|_| joined("track"))?;
        let written = write.join().map_err(|_| joined("write"))?;
        // The first stage to fail caused the others' early ends: report it.
        let decode_metrics = decoded.context("decoding the video")?;
        let prepare_metrics = prepared?;
        let (detect_metrics, repeated, analysed) = detected?;
        let (outputs, write_metrics) = written?;
        Ok((
            tracking,
            outputs,
            vec![
                decode_metrics,
                prepare_metrics,
                detect_metrics,
                track_metrics,
                write_metrics,
            ],
            repeated,
            analysed,
        ))
    })
}

/// Decodes frames (already at the model's size) and marks exact repeats of the previous one.
fn decode(frames: VideoFrames, tx: &SyncSender<Decoded>, stop: &Stop) -> Result<StageMetrics> {
    let mut clock = StageClock::new("decode");
    let mut frames = frames;
    let mut previous: Option<Arc<Frame>> = None;
    while !stop.stopped() {
        let Some(next) = clock.time(1, || frames.next()) else {
            break;
        };
        let timed = next?;
        let frame = Arc::new(timed.frame);
        let repeat = previous.as_ref().is_some_and(|p| *p == frame);
        previous = Some(Arc::clone(&frame));
        let decoded = Decoded {
            index: timed.index,
            time: timed.seconds,
            frame,
            repeat,
        };
        if tx.send(decoded).is_err() {
            break;
        }
    }
    Ok(clock.finish())
}

/// Takes the first item (waiting) and then whatever else is already queued, up to `max`.
fn take_batch<T>(rx: &Receiver<T>, max: usize) -> Option<Vec<T>> {
    let first = rx.recv().ok()?;
    let mut batch = vec![first];
    while batch.len() < max {
        match rx.try_recv() {
            Ok(item) => batch.push(item),
            Err(_) => break,
        }
    }
    Some(batch)
}

/// Pads and normalises frames for the model, in parallel.
fn preprocess(
    rx: &Receiver<Decoded>,
    tx: &SyncSender<Prepared>,
    input_size: Option<u32>,
    batch: usize,
    stop: &Stop,
) -> Result<StageMetrics> {
    let mut clock = StageClock::new("preprocess");
    while let Some(frames) = take_batch(rx, batch) {
        if stop.stopped() {
            break;
        }
        let n = frames.len() as u64;
        let prepared: Vec<Prepared> = clock.time(n, || {
            frames
                .into_par_iter()
                .map(|decoded| {
                    let input = match input_size {
                        Some(size) if !decoded.repeat => Some(
                            PreparedInput::from_fitted(&decoded.frame, size)
                                .context("a decoded frame is not at the model's size")?,
                        ),
                        _ => None,
                    };
                    Ok(Prepared { decoded, input })
                })
                .collect::<Result<_>>()
        })?;
        for p in prepared {
            if tx.send(p).is_err() {
                return Ok(clock.finish());
            }
        }
    }
    Ok(clock.finish())
}

/// Maps boxes from the decoded frame's pixels to the video's.
fn to_video_pixels(
    mut detections: Vec<Detection>,
    frame: &Frame,
    video: (u32, u32),
) -> Vec<Detection> {
    let sx = video.0 as f32 / frame.width() as f32;
    let sy = video.1 as f32 / frame.height() as f32;
    if (sx, sy) != (1.0, 1.0) {
        for d in &mut detections {
            d.bbox = d.bbox.scaled(sx, sy);
        }
    }
    detections
}

/// Runs the model on dynamic batches (whatever is queued, up to `batch`), or reads the oracle.
/// Returns the stage's metrics, the repeated frames and the frames analysed.
fn detect(
    source: &Source,
    mut oracle: Option<&mut Oracle>,
    rx: &Receiver<Prepared>,
    tx: &SyncSender<Detected>,
    video_size: (u32, u32),
    batch: usize,
    stop: &Stop,
) -> Result<(StageMetrics, u64, u64)> {
    let mut clock = StageClock::new("detect");
    let (mut repeated, mut analysed) = (0, 0);
    let mut last: Vec<Detection> = Vec::new();
    while let Some(mut items) = take_batch(rx, batch) {
        if stop.stopped() {
            break;
        }
        let mut fresh: Vec<Vec<Detection>> = match (source, oracle.as_deref_mut()) {
            (Source::Model { detector, .. }, _) => {
                // Moved out, not copied: each input is megabytes of floats.
                let inputs: Vec<PreparedInput> =
                    items.iter_mut().filter_map(|p| p.input.take()).collect();
                clock.time(inputs.len() as u64, || {
                    pollster::block_on(detector.detect_prepared(&inputs))
                })?
            }
            (Source::Oracle { .. }, Some(oracle)) => {
                let mut found = Vec::new();
                for p in items.iter().filter(|p| !p.decoded.repeat) {
                    found.push(clock.time(1, || oracle.detect(p.decoded.index))?);
                }
                found
            }
            (Source::Oracle { .. }, None) => unreachable!("an oracle source comes with its oracle"),
        }
        .into_iter()
        .rev()
        .collect();
        for p in items {
            analysed += 1;
            let detections = if p.decoded.repeat {
                repeated += 1;
                last.clone()
            } else {
                let found = fresh.pop().context("a detection list per fresh frame")?;
                let found = match source {
                    Source::Model { .. } => to_video_pixels(found, &p.decoded.frame, video_size),
                    Source::Oracle { .. } => found,
                };
                last = found.clone();
                found
            };
            let d = p.decoded;
            let out = Detected {
                index: d.index,
                time: d.time,
                frame: d.frame,
                detections,
            };
            if tx.send(out).is_err() {
                return Ok((clock.finish(), repeated, analysed));
            }
        }
    }
    Ok((clock.finish(), repeated, analysed))
}
