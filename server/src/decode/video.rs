//! Video frames streamed from FFmpeg, converted to RGB one at a time so memory stays flat
//! whatever the length of the video. Frames can be scaled straight to the size the model
//! needs (no full-resolution copy is ever made), thinned to every n-th frame (skipped frames
//! are decoded, since later frames depend on them, but never converted) and limited to a
//! time range (reached by seeking, not by decoding everything before it).

use std::num::NonZeroU32;
use std::path::Path;

use anyhow::{Context, Result, anyhow, bail};
use ffmpeg_next as ffmpeg;
use netball_shared::Frame;
use netball_shared::detect::Letterbox;

/// A decoded frame and when it is shown.
pub struct TimedFrame {
    /// Frame number in the video, from 0 (from the timestamp, so it survives seeking).
    pub index: u64,
    /// Presentation time in seconds from the start of the video.
    pub seconds: f64,
    pub frame: Frame,
}

/// Which frames to deliver, and at what size.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DecodeOptions {
    /// Scale each frame to the size it takes inside a square model input of this many pixels
    /// (aspect kept, as the letterbox places it). `None`: the video's own size.
    pub fit: Option<u32>,
    /// Deliver every `stride`-th frame (by frame number).
    pub stride: NonZeroU32,
    /// Seconds from the start of the video.
    pub start: Option<f64>,
    pub end: Option<f64>,
    /// Let FFmpeg decode several frames at once on its own threads (as many as there are
    /// cores). A 1080p H.264 stream decodes at a few hundred frames a second on one core, which
    /// a GPU-fed pipeline outruns; with frame threads the decoder keeps up. Off, FFmpeg's API
    /// default, it decodes on the calling thread only.
    pub threaded: bool,
}

impl Default for DecodeOptions {
    fn default() -> Self {
        Self {
            fit: None,
            stride: NonZeroU32::MIN,
            start: None,
            end: None,
            threaded: false,
        }
    }
}

/// What the container says about the video stream.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StreamInfo {
    pub width: u32,
    pub height: u32,
    /// Nominal frames per second.
    pub fps: f64,
    /// Seconds, when known.
    pub duration: Option<f64>,
}

/// Frame intervals further than this share of a frame from the nominal one count as irregular.
const IRREGULAR_INTERVAL: f64 = 0.25;

/// An open video stream; iterate it to get frames.
pub struct VideoFrames {
    input: ffmpeg::format::context::Input,
    stream_index: usize,
    time_base: f64,
    start_time: f64,
    info: StreamInfo,
    options: DecodeOptions,
    decoder: ffmpeg::decoder::Video,
    scaler: ffmpeg::software::scaling::Context,
    out_size: (u32, u32),
    decoded: u64,
    irregular: u64,
    last_seconds: Option<f64>,
    last_index: Option<u64>,
    draining: bool,
    finished: bool,
}

impl VideoFrames {
    /// Opens every frame at full size.
    pub fn open(path: &Path) -> Result<Self> {
        Self::open_with(path, DecodeOptions::default())
    }

    pub fn open_with(path: &Path, options: DecodeOptions) -> Result<Self> {
        ffmpeg::init().context("initialising FFmpeg")?;
        let mut input = ffmpeg::format::input(path)
            .with_context(|| format!("{} is not a readable video", path.display()))?;
        let stream = input
            .streams()
            .best(ffmpeg::media::Type::Video)
            .ok_or_else(|| anyhow!("{} has no video stream", path.display()))?;
        let stream_index = stream.index();
        let time_base = f64::from(stream.time_base());
        let start_time = match stream.start_time() {
            t if t == ffmpeg::ffi::AV_NOPTS_VALUE => 0.0,
            t => t as f64 * time_base,
        };
        let fps = [stream.avg_frame_rate(), stream.rate()]
            .into_iter()
            .map(f64::from)
            .find(|r| r.is_finite() && *r > 0.0)
            .ok_or_else(|| anyhow!("{}: the video stream has no frame rate", path.display()))?;
        let duration = match stream.duration() {
            d if d > 0 => Some(d as f64 * time_base),
            _ => (input.duration() > 0)
                .then(|| input.duration() as f64 / f64::from(ffmpeg::ffi::AV_TIME_BASE)),
        };
        let mut codec = ffmpeg::codec::context::Context::from_parameters(stream.parameters())?;
        if options.threaded {
            // Count 0: FFmpeg picks one thread per core. Frame threads delay the first frame
            // by a few, which a streaming pipeline does not notice.
            codec.set_threading(ffmpeg::threading::Config {
                kind: ffmpeg::threading::Type::Frame,
                ..Default::default()
            });
        }
        let decoder = codec
            .decoder()
            .video()
            .with_context(|| format!("{}: no decoder for its video codec", path.display()))?;
        let (width, height) = (decoder.width(), decoder.height());
        if width == 0 || height == 0 {
            bail!("{}: the video stream has no frame size", path.display());
        }
        let out_size = match options.fit {
            Some(size) => {
                let (_, [h, w]) = Letterbox::fit(width, height, size);
                (w as u32, h as u32)
            }
            None => (width, height),
        };
        let scaler = ffmpeg::software::scaling::Context::get(
            decoder.format(),
            width,
            height,
            ffmpeg::format::Pixel::RGB24,
            out_size.0,
            out_size.1,
            // Bilinear, as the model's own letterbox resizes (and about twice as fast as area
            // averaging here).
            ffmpeg::software::scaling::Flags::BILINEAR,
        )
        .context("setting up the RGB conversion")?;
        if let Some(start) = options.start.filter(|s| *s > 0.0) {
            // Seeks to the key frame at or before `start`; frames before it are then dropped.
            let ts = ((start + start_time) * f64::from(ffmpeg::ffi::AV_TIME_BASE)) as i64;
            input
                .seek(ts, ..ts)
                .with_context(|| format!("{}: seeking to {start} s", path.display()))?;
        }
        Ok(Self {
            input,
            stream_index,
            time_base,
            start_time,
            info: StreamInfo {
                width,
                height,
                fps,
                duration,
            },
            options,
            decoder,
            scaler,
            out_size,
            decoded: 0,
            irregular: 0,
            last_seconds: None,
            last_index: None,
            draining: false,
            finished: false,
        })
    }

    pub fn info(&self) -> StreamInfo {
        self.info
    }

    pub fn width(&self) -> u32 {
        self.info.width
    }

    pub fn height(&self) -> u32 {
        self.info.height
    }

    /// The size of the delivered frames.
    pub fn frame_size(&self) -> (u32, u32) {
        self.out_size
    }

    fn convert(
        &mut self,
        decoded: &ffmpeg::frame::Video,
        index: u64,
        seconds: f64,
    ) -> Result<TimedFrame> {
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
        Ok(TimedFrame {
            index,
            seconds,
            frame: Frame::from_rgb(w as u32, h as u32, packed)?,
        })
    }

    /// The frame's time and number. Without a timestamp the frame is taken to follow the
    /// previous one by one nominal interval.
    fn place(&mut self, decoded: &ffmpeg::frame::Video) -> Result<(u64, f64)> {
        let interval = 1.0 / self.info.fps;
        let seconds = match decoded.timestamp() {
            Some(t) => t as f64 * self.time_base - self.start_time,
            None => self.last_seconds.map_or(0.0, |s| s + interval),
        };
        if let Some(last) = self.last_seconds {
            let step = (seconds - last) / interval;
            if (step - 1.0).abs() > IRREGULAR_INTERVAL {
                self.irregular += 1;
            }
        }
        self.last_seconds = Some(seconds);
        self.decoded += 1;
        // A few irregular steps happen in constant-rate files (a dropped frame, an edit);
        // more than 1% means the rate itself varies.
        if self.irregular > 2 && self.irregular * 100 > self.decoded {
            bail!(
                "the video has a variable frame rate ({} of the first {} frame intervals differ \
                 from 1/{:.3} s); convert it to a constant rate first, e.g. \
                 `ffmpeg -i in.mp4 -fps_mode cfr out.mp4`",
                self.irregular,
                self.decoded,
                self.info.fps
            );
        }
        let index = (seconds * self.info.fps).round().max(0.0) as u64;
        // Two frames on one frame number: no constant-rate file does that, and the stages
        // after this one (an oracle's truth, a frame range) would misread it.
        if self.last_index.is_some_and(|last| index <= last) {
            bail!(
                "the video has a variable frame rate (two frames on frame number {index} at \
                 1/{:.3} s a frame); convert it to a constant rate first, e.g. \
                 `ffmpeg -i in.mp4 -fps_mode cfr out.mp4`",
                self.info.fps
            );
        }
        self.last_index = Some(index);
        Ok((index, seconds))
    }

    fn wanted(&self, index: u64, seconds: f64) -> bool {
        let half_frame = 0.5 / self.info.fps;
        index.is_multiple_of(u64::from(self.options.stride.get()))
            && self.options.start.is_none_or(|s| seconds + half_frame >= s)
    }

    fn past_end(&self, seconds: f64) -> bool {
        self.options.end.is_some_and(|e| seconds >= e)
    }

    fn next_frame(&mut self) -> Result<Option<TimedFrame>> {
        let mut decoded = ffmpeg::frame::Video::empty();
        loop {
            if self.decoder.receive_frame(&mut decoded).is_ok() {
                let (index, seconds) = self.place(&decoded)?;
                if self.past_end(seconds) {
                    return Ok(None);
                }
                if self.wanted(index, seconds) {
                    return self.convert(&decoded, index, seconds).map(Some);
                }
                continue;
            }
            if self.draining {
                self.check_complete()?;
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

    /// At the end of the stream: was anything there, and did it last as long as it claims?
    fn check_complete(&self) -> Result<()> {
        let Some(last) = self.last_seconds else {
            bail!("the video has no decodable frames");
        };
        let reached = last + 1.0 / self.info.fps;
        if let Some(duration) = self.info.duration {
            // One second of slack: containers round, and some streams end on a short frame.
            if self.options.end.is_none() && reached + 1.0 < duration {
                bail!(
                    "the video is truncated: its frames end at {reached:.2} s of the {duration:.2} s \
                     it declares"
                );
            }
        }
        Ok(())
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
