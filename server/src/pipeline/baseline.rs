//! The baseline run: the straightforward first version, kept as the reference the pipelined
//! run is measured against. One thread; each frame decoded at full resolution, letterboxed by
//! the model's own resize, detected alone (batch 1), tracked and written before the next is
//! read.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use anyhow::{Context, Result};

use super::Source;
use super::metrics::StageClock;
use super::oracle;
use super::stages::{Finished, Job};
use super::video::VideoSink;
use crate::decode::video::VideoFrames;

pub(super) fn run(job: Job) -> Result<Finished> {
    let Job {
        video,
        decode,
        source,
        mut tracking,
        mut outputs,
        video_path,
        video_fps,
        video_size,
        progress,
        cancel,
        ..
    } = job;
    let mut frames = VideoFrames::open_with(video, decode)?;
    let mut sink = VideoSink::new(video_path, video_fps, video_size);
    std::thread::scope(|s| {
        // The oracle streams its truth file from a reader thread in either mode.
        let mut oracle = match source {
            Source::Oracle { truth, settings } => Some(oracle::open(s, truth, *settings)?.0),
            Source::Model { .. } => None,
        };
        let mut clocks = ["decode", "detect", "track", "write"].map(StageClock::new);
        let mut analysed = 0;
        while !cancel.load(Ordering::Relaxed) {
            let Some(next) = clocks[0].time(1, || frames.next()) else {
                break;
            };
            let timed = next.context("decoding the video")?;
            let detections = clocks[1].time(1, || match (source, oracle.as_mut()) {
                (Source::Model { detector, .. }, _) => Ok(pollster::block_on(
                    detector.detect(std::slice::from_ref(&timed.frame)),
                )?
                .remove(0)),
                (Source::Oracle { .. }, Some(oracle)) => oracle.detect(timed.index),
                (Source::Oracle { .. }, None) => unreachable!("an oracle source has its oracle"),
            })?;
            let passed = clocks[2].time(1, || {
                tracking.frame(
                    timed.index,
                    timed.seconds,
                    Arc::new(timed.frame),
                    detections,
                )
            });
            for tracked in passed {
                clocks[3].time(1, || {
                    sink.frame(&tracked)?;
                    outputs.frame(&tracked.result)
                })?;
                progress(1);
            }
            analysed += 1;
        }
        for tracked in clocks[2].time(0, || tracking.flush()) {
            clocks[3].time(1, || {
                sink.frame(&tracked)?;
                outputs.frame(&tracked.result)
            })?;
            progress(1);
        }
        clocks[3].time(0, || sink.finish())?;
        let stages = clocks.into_iter().map(StageClock::finish).collect();
        Ok((tracking, outputs, stages, 0, analysed))
    })
}
