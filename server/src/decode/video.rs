//! Video frames streamed from FFmpeg, converted to RGB one at a time so memory stays flat
//! whatever the length of the video.

use std::path::Path;

use anyhow::{Context, Result, anyhow};
use ffmpeg_next as ffmpeg;
use netball_shared::Frame;

/// A decoded frame and when it is shown.
pub struct TimedFrame {
    /// Index in decoding order, from 0.
    pub index: u64,
    /// Presentation time in seconds, when the container gives one.
    pub seconds: Option<f64>,
    pub frame: Frame,
}

/// An open video stream; iterate it to get frames.
pub struct VideoFrames {
    input: ffmpeg::format::context::Input,
    stream_index: usize,
    time_base: f64,
    decoder: ffmpeg::decoder::Video,
    scaler: ffmpeg::software::scaling::Context,
    next_index: u64,
    draining: bool,
    finished: bool,
}

impl VideoFrames {
    pub fn open(path: &Path) -> Result<Self> {
        ffmpeg::init().context("initialising FFmpeg")?;
        let input = ffmpeg::format::input(path)
            .with_context(|| format!("{} is not a readable video", path.display()))?;
        let stream = input
            .streams()
            .best(ffmpeg::media::Type::Video)
            .ok_or_else(|| anyhow!("{} has no video stream", path.display()))?;
        let stream_index = stream.index();
        let time_base = f64::from(stream.time_base());
        let decoder = ffmpeg::codec::context::Context::from_parameters(stream.parameters())?
            .decoder()
            .video()
            .with_context(|| format!("{}: no decoder for its video codec", path.display()))?;
        if decoder.width() == 0 || decoder.height() == 0 {
            return Err(anyhow!(
                "{}: the video stream has no frame size",
                path.display()
            ));
        }
        let scaler = ffmpeg::software::scaling::Context::get(
            decoder.format(),
            decoder.width(),
            decoder.height(),
            ffmpeg::format::Pixel::RGB24,
            decoder.width(),
            decoder.height(),
            ffmpeg::software::scaling::Flags::BILINEAR,
        )
        .context("setting up the RGB conversion")?;
        Ok(Self {
            input,
            stream_index,
            time_base,
            decoder,
            scaler,
            next_index: 0,
            draining: false,
            finished: false,
        })
    }

    pub fn width(&self) -> u32 {
        self.decoder.width()
    }

    pub fn height(&self) -> u32 {
        self.decoder.height()
    }

    fn convert(&mut self, decoded: &ffmpeg::frame::Video) -> Result<TimedFrame> {
        let mut rgb = ffmpeg::frame::Video::empty();
        self.scaler
            .run(decoded, &mut rgb)
            .context("converting a frame to RGB")?;
        let (w, h) = (rgb.width() as usize, rgb.height() as usize);
        let stride = rgb.stride(0);
        let data = rgb.data(0);
        let mut packed = Vec::with_capacity(w * h * 3);
        for row in 0..h {
            packed.extend_from_slice(&data[row * stride..row * stride + w * 3]);
        }
        let index = self.next_index;
        self.next_index += 1;
        Ok(TimedFrame {
            index,
            seconds: decoded.timestamp().map(|t| t as f64 * self.time_base),
            frame: Frame::from_rgb(w as u32, h as u32, packed)?,
        })
    }

    fn next_frame(&mut self) -> Result<Option<TimedFrame>> {
        let mut decoded = ffmpeg::frame::Video::empty();
        loop {
            if self.decoder.receive_frame(&mut decoded).is_ok() {
                return self.convert(&decoded).map(Some);
            }
            if self.draining {
                return Ok(None);
            }
            match self.input.packets().next() {
                Some((stream, packet)) if stream.index() == self.stream_index => {
                    // A damaged packet is skipped, as players do; the stream goes on.
                    if let Err(e) = self.decoder.send_packet(&packet) {
                        tracing::warn!("skipping an undecodable packet: {e}");
                    }
                }
                Some(_) => {}
                None => {
                    self.decoder.send_eof().context("flushing the decoder")?;
                    self.draining = true;
                }
            }
        }
    }
}

impl Iterator for VideoFrames {
    type Item = Result<TimedFrame>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.finished {
            return None;
        }
        let item = self.next_frame().transpose();
        if !matches!(item, Some(Ok(_))) {
            self.finished = true;
        }
        item
    }
}
