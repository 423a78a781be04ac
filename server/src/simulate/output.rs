//! Writes a clip to disk: frames streamed to the H.264 encoder on its own thread through a
//! small bounded queue (buffers are recycled, so memory stays flat for a full match at 4K), and
//! the truth streamed beside them.

use std::fs::File;
use std::io::BufWriter;
use std::path::Path;
use std::sync::mpsc;
use std::time::Instant;

use anyhow::{Context, Result, anyhow};

use super::clip::{Clip, ClipSettings};
use super::encode::{EncodeSettings, VideoEncoder};
use super::truth::TruthWriter;

/// Frames waiting for the encoder: enough to keep both threads busy, few enough to bound memory.
const QUEUE: usize = 3;

/// What writing a clip took.
#[derive(Clone, Copy, Debug)]
pub struct Written {
    pub frames: u64,
    /// Wall-clock seconds, rendering and encoding together.
    pub seconds: f64,
    pub score: [u32; 2],
    pub events: usize,
}

pub struct Outputs<'a> {
    pub video: &'a Path,
    pub truth: &'a Path,
    pub gt: Option<&'a Path>,
}

/// Renders and encodes a clip, calling `progress(done, total)` after each frame. On failure the
/// partial outputs are removed, so no half-written clip is mistaken for a whole one.
pub fn write_clip(
    settings: ClipSettings,
    encode: &EncodeSettings,
    out: Outputs,
    progress: impl FnMut(u64, u64),
) -> Result<Written> {
    let result = write(settings, encode, &out, progress);
    if result.is_err() {
        for path in [Some(out.video), Some(out.truth), out.gt]
            .into_iter()
            .flatten()
        {
            let _ = std::fs::remove_file(path);
        }
    }
    result
}

fn write(
    settings: ClipSettings,
    encode: &EncodeSettings,
    out: &Outputs,
    mut progress: impl FnMut(u64, u64),
) -> Result<Written> {
    let started = Instant::now();
    let mut clip = Clip::new(settings.clone())?;
    let total = clip.total_frames();
    let (to_encoder, frames) = mpsc::sync_channel::<Vec<u8>>(QUEUE);
    let (recycle, spare) = mpsc::channel::<Vec<u8>>();
    let (opened, ready) = mpsc::sync_channel::<Result<()>>(1);
    let video = out.video.to_path_buf();
    let (width, height) = (settings.width, settings.height);
    let encode = EncodeSettings {
        fps: settings.fps,
        ..encode.clone()
    };
    // FFmpeg's contexts are not `Send`: the encoder is made on, and never leaves, its thread.
    let encoding = std::thread::Builder::new()
        .name("encoder".into())
        .spawn(move || -> Result<()> {
            let mut encoder = match VideoEncoder::create(&video, width, height, &encode) {
                Ok(encoder) => {
                    let _ = opened.send(Ok(()));
                    encoder
                }
                Err(e) => {
                    let _ = opened.send(Err(e));
                    return Ok(());
                }
            };
            for frame in frames {
                encoder.push_rgba(&frame)?;
                // The renderer may have finished; a closed return queue is not an error.
                let _ = recycle.send(frame);
            }
            encoder.finish()
        })
        .context("starting the encoder thread")?;
    ready
        .recv()
        .map_err(|_| anyhow!("the encoder thread stopped before opening the video"))??;
    let json = BufWriter::new(
        File::create(out.truth).with_context(|| format!("creating {}", out.truth.display()))?,
    );
    let gt = out
        .gt
        .map(|p| File::create(p).with_context(|| format!("creating {}", p.display())))
        .transpose()?
        .map(BufWriter::new);
    let mut truth = TruthWriter::start(json, gt, &clip.header())?;

    let mut done = 0;
    let rendered = (|| -> Result<()> {
        while let Some(frame) = clip.next_frame() {
            truth.frame(&frame)?;
            let mut buffer = spare.try_recv().unwrap_or_default();
            buffer.clear();
            buffer.extend_from_slice(clip.pixels());
            if to_encoder.send(buffer).is_err() {
                // The encoder stopped early; its error is reported below.
                break;
            }
            done += 1;
            progress(done, total);
        }
        Ok(())
    })();
    drop(to_encoder);
    let encoded = encoding
        .join()
        .map_err(|_| anyhow!("the encoder thread panicked"))?;
    rendered?;
    encoded.with_context(|| format!("encoding {}", out.video.display()))?;
    let (events, score) = clip.finish();
    let count = events.len();
    truth.finish(events, score)?;
    Ok(Written {
        frames: done,
        seconds: started.elapsed().as_secs_f64(),
        score,
        events: count,
    })
}
