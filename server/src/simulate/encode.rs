//! A streaming H.264 MP4 writer for rendered RGBA frames.
//!
//! The simulator renders clips up to an hour long at 4K, far too much to hold in memory, so each
//! frame goes straight through FFmpeg's library API (converted to YUV 4:2:0 and handed to
//! libx264) and is forgotten. The frame buffers are allocated once; what grows with the clip's
//! length is only the MP4 muxer's sample index (a few tens of bytes a frame), which it must keep
//! to write the `moov` atom at the end. Using the library rather than the `ffmpeg` command line
//! keeps errors typed and avoids depending on an executable on the path.
//!
//! Colours are converted with swscale's default matrix (BT.601, limited range), the same one
//! [`crate::decode::video::VideoFrames`] uses to convert back, so a clip read by the analysis
//! gets the colours that were rendered; the stream is tagged BT.601 so players agree.

use std::path::Path;

use anyhow::{Context, Result, anyhow, bail, ensure};
use ffmpeg::{Dictionary, Packet, Rational, codec, color, encoder, format, frame, software};
use ffmpeg_next as ffmpeg;

/// Encoder settings. `crf` is libx264's constant rate factor (0-51, lower = better), `preset`
/// one of libx264's presets.
#[derive(Clone, Debug)]
pub struct EncodeSettings {
    pub fps: u32,
    pub crf: u8,
    pub preset: String,
}

impl Default for EncodeSettings {
    /// 25 fps (the broadcast rate of most netball footage), CRF 20 (visually close to the render
    /// without huge files) and `veryfast`, since long 4K clips would otherwise take far longer to
    /// encode than to render.
    fn default() -> Self {
        Self {
            fps: 25,
            crf: 20,
            preset: "veryfast".to_owned(),
        }
    }
}

/// An MP4 file being written, one frame at a time.
///
/// [`VideoEncoder::finish`] must be called: dropping the encoder without it closes the file
/// without draining libx264's buffered frames or writing the MP4 trailer (the `moov` atom), which
/// leaves a truncated file that most players and FFmpeg itself cannot open.
pub struct VideoEncoder {
    output: format::context::Output,
    encoder: encoder::video::Encoder,
    scaler: software::scaling::Context,
    /// The caller's pixels, copied in row by row because FFmpeg pads its lines.
    rgba: frame::Video,
    /// What libx264 is fed; reused for every frame.
    yuv: frame::Video,
    /// Reused for every packet the encoder hands back.
    packet: Packet,
    stream_index: usize,
    /// 1/fps: frame `n` has pts `n` in it.
    codec_time_base: Rational,
    /// Chosen by the MP4 muxer when the header is written (not necessarily 1/fps).
    stream_time_base: Rational,
    width: u32,
    height: u32,
    frames: u64,
}

impl VideoEncoder {
    /// Opens `path` (MP4, H.264 yuv420p via libx264). Errors (anyhow, with context) when the
    /// size is odd or zero, fps is 0, libx264 is missing, or the file cannot be created.
    ///
    /// The file is written as MP4 whatever its extension.
    pub fn create(path: &Path, width: u32, height: u32, settings: &EncodeSettings) -> Result<Self> {
        // Checked before anything touches the disk, so a bad request leaves no file behind.
        ensure!(
            width > 0 && height > 0,
            "cannot encode a {width}x{height} video: the frame size must not be zero"
        );
        // 4:2:0 chroma has one sample per 2x2 block; libx264 refuses odd sizes.
        ensure!(
            width.is_multiple_of(2) && height.is_multiple_of(2),
            "cannot encode a {width}x{height} video: H.264 4:2:0 needs an even width and height"
        );
        ensure!(
            settings.fps > 0,
            "cannot encode a video at 0 frames per second"
        );
        ensure!(
            settings.crf <= 51,
            "CRF {} is out of libx264's range 0-51",
            settings.crf
        );
        let fps = i32::try_from(settings.fps)
            .map_err(|_| anyhow!("{} frames per second is too many", settings.fps))?;
        // ffmpeg-next converts the path with `to_str().unwrap()` and `CString::new().unwrap()`:
        // check here so such a path is an error, not a panic.
        match path.to_str() {
            Some(s) if !s.contains('\0') => {}
            _ => bail!(
                "{}: FFmpeg needs a UTF-8 path without NUL bytes",
                path.display()
            ),
        }

        ffmpeg::init().context("initialising FFmpeg")?;
        // Looked up by name: `encoder::find(Id::H264)` could pick another H.264 encoder that
        // knows nothing of `crf` and `preset`.
        let codec = encoder::find_by_name("libx264")
            .ok_or_else(|| anyhow!("this FFmpeg has no libx264 encoder (built without it?)"))?;

        let mut output = format::output_as(path, "mp4")
            .with_context(|| format!("cannot create the video file {}", path.display()))?;
        let global_header = output
            .format()
            .flags()
            .contains(format::Flags::GLOBAL_HEADER);

        let codec_time_base = Rational(1, fps);
        let mut setup = codec::context::Context::new_with_codec(codec)
            .encoder()
            .video()
            .context("setting up the H.264 encoder")?;
        setup.set_width(width);
        setup.set_height(height);
        setup.set_format(format::Pixel::YUV420P);
        setup.set_time_base(codec_time_base);
        setup.set_frame_rate(Some(Rational(fps, 1)));
        setup.set_colorspace(color::Space::SMPTE170M);
        setup.set_color_range(color::Range::MPEG);
        // MP4 keeps SPS/PPS in the `avcC` box rather than in the stream; without this flag
        // libx264 repeats them in-band only and the muxer has no extradata to write.
        if global_header {
            setup.set_flags(codec::Flags::GLOBAL_HEADER);
        }
        let mut options = Dictionary::new();
        options.set("preset", &settings.preset);
        options.set("crf", &settings.crf.to_string());
        // 0: libx264 picks its own thread count from the cores.
        options.set("threads", "0");
        let encoder = setup.open_with(options).with_context(|| {
            format!(
                "opening libx264 for {width}x{height} at {} fps (preset {:?}, CRF {})",
                settings.fps, settings.preset, settings.crf
            )
        })?;

        let stream_index = {
            let mut stream = output
                .add_stream(codec)
                .context("adding the video stream")?;
            // A hint only: the MP4 muxer picks its own time base in `write_header`.
            stream.set_time_base(codec_time_base);
            stream.set_avg_frame_rate(Rational(fps, 1));
            stream.set_rate(Rational(fps, 1));
            stream.set_parameters(&encoder);
            stream.index()
        };
        output
            .write_header()
            .with_context(|| format!("writing the MP4 header of {}", path.display()))?;
        let stream_time_base = output
            .stream(stream_index)
            .ok_or_else(|| anyhow!("the MP4 muxer lost its video stream"))?
            .time_base();

        let scaler = software::scaling::Context::get(
            format::Pixel::RGBA,
            width,
            height,
            format::Pixel::YUV420P,
            width,
            height,
            software::scaling::Flags::BILINEAR,
        )
        .context("setting up the RGBA to YUV conversion")?;
        let rgba = frame::Video::new(format::Pixel::RGBA, width, height);
        let yuv = frame::Video::new(format::Pixel::YUV420P, width, height);
        // `frame::Video::new` ignores allocation failures; an unallocated frame has no planes.
        ensure!(
            rgba.planes() == 1 && yuv.planes() == 3 && !rgba.data(0).is_empty(),
            "cannot allocate {width}x{height} video frames"
        );

        Ok(Self {
            output,
            encoder,
            scaler,
            rgba,
            yuv,
            packet: Packet::empty(),
            stream_index,
            codec_time_base,
            stream_time_base,
            width,
            height,
            frames: 0,
        })
    }

    /// Encodes one frame: `rgba` is width*height*4 bytes, row-major, no padding. Error if the
    /// length is wrong. Frames get pts 0,1,2,... in time base 1/fps.
    pub fn push_rgba(&mut self, rgba: &[u8]) -> Result<()> {
        let row = self.width as usize * 4;
        let expected = row * self.height as usize;
        ensure!(
            rgba.len() == expected,
            "a {}x{} RGBA frame is {expected} bytes, got {}",
            self.width,
            self.height,
            rgba.len()
        );

        // FFmpeg aligns its lines, so the stride may exceed the row: copy row by row.
        let stride = self.rgba.stride(0);
        for (src, dst) in rgba
            .chunks_exact(row)
            .zip(self.rgba.data_mut(0).chunks_mut(stride))
        {
            dst[..row].copy_from_slice(src);
        }

        // The encoder may still hold a reference to the buffer of the previous frame (encoders
        // with frame threads do; libx264 copies at once); if so this gives `yuv` a fresh buffer
        // rather than overwriting a picture still being encoded. A no-op otherwise.
        // SAFETY: `yuv` owns a valid AVFrame allocated by `frame::Video::new`.
        let ret = unsafe { ffmpeg::ffi::av_frame_make_writable(self.yuv.as_mut_ptr()) };
        if ret < 0 {
            return Err(ffmpeg::Error::from(ret)).context("making the YUV frame writable");
        }
        self.scaler
            .run(&self.rgba, &mut self.yuv)
            .context("converting a frame from RGBA to YUV")?;
        let pts = i64::try_from(self.frames).context("too many frames")?;
        self.yuv.set_pts(Some(pts));

        self.encoder
            .send_frame(&self.yuv)
            .with_context(|| format!("encoding frame {}", self.frames))?;
        self.frames += 1;
        self.write_packets()
    }

    /// Number of frames pushed so far.
    pub fn frames(&self) -> u64 {
        self.frames
    }

    /// Drains the encoder and writes the trailer. Must be called: dropping the encoder without
    /// it leaves a truncated MP4 (no `moov` atom) that cannot be played.
    pub fn finish(mut self) -> Result<()> {
        self.encoder
            .send_eof()
            .context("flushing the H.264 encoder")?;
        self.write_packets()?;
        self.output
            .write_trailer()
            .context("writing the MP4 trailer")?;
        Ok(())
    }

    /// Writes every packet the encoder has ready. libx264 holds frames back (lookahead,
    /// B-frames), so a call may write none, or several.
    fn write_packets(&mut self) -> Result<()> {
        loop {
            match self.encoder.receive_packet(&mut self.packet) {
                Ok(()) => {
                    self.packet.set_stream(self.stream_index);
                    // Every frame lasts one tick of 1/fps; without a duration the muxer guesses
                    // the last frame's length.
                    if self.packet.duration() == 0 {
                        self.packet.set_duration(1);
                    }
                    self.packet
                        .rescale_ts(self.codec_time_base, self.stream_time_base);
                    self.packet
                        .write_interleaved(&mut self.output)
                        .context("writing an H.264 packet to the MP4 file")?;
                }
                // EAGAIN: it wants more frames; EOF: it is drained after `send_eof`.
                Err(ffmpeg::Error::Other { errno }) if errno == ffmpeg::error::EAGAIN => {
                    return Ok(());
                }
                Err(ffmpeg::Error::Eof) => return Ok(()),
                Err(e) => return Err(e).context("receiving a packet from the H.264 encoder"),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::video::VideoFrames;

    const W: u32 = 96;
    const H: u32 = 64;

    fn colour(i: u32) -> [u8; 3] {
        [(i * 8) as u8, (255 - i * 8) as u8, 128]
    }

    #[test]
    fn round_trips_frames_through_the_decoder() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("clip.mp4");
        let mut enc = VideoEncoder::create(&path, W, H, &EncodeSettings::default()).unwrap();
        for i in 0..30 {
            let [r, g, b] = colour(i);
            let rgba = [r, g, b, 255].repeat((W * H) as usize);
            enc.push_rgba(&rgba).unwrap();
        }
        assert_eq!(enc.frames(), 30);
        enc.finish().unwrap();

        let frames: Vec<_> = VideoFrames::open(&path)
            .unwrap()
            .collect::<Result<_>>()
            .unwrap();
        assert_eq!(frames.len(), 30);
        for f in &frames {
            assert_eq!((f.frame.width(), f.frame.height()), (W, H));
        }
        let tenth = &frames[10];
        assert_eq!(tenth.index, 10);
        let seconds = tenth.seconds;
        assert!(
            (seconds - 10.0 / 25.0).abs() < 1e-3,
            "frame 10 at {seconds} s"
        );
        let rgb = tenth.frame.rgb();
        let pixels = rgb.len() / 3;
        for (channel, want) in colour(10).into_iter().enumerate() {
            let sum: u64 = rgb
                .iter()
                .skip(channel)
                .step_by(3)
                .map(|&v| u64::from(v))
                .sum();
            let mean = sum as f64 / pixels as f64;
            assert!(
                (mean - f64::from(want)).abs() <= 12.0,
                "channel {channel}: mean {mean}, pushed {want}"
            );
        }
    }

    /// A width whose RGBA rows FFmpeg pads (50 * 4 = 200 bytes, lines of 224): a copy that
    /// ignored the stride would shear the picture, moving the vertical edge row by row.
    #[test]
    fn copies_rows_into_padded_lines() {
        const W: u32 = 50;
        const H: u32 = 32;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("edge.mp4");
        let mut enc = VideoEncoder::create(&path, W, H, &EncodeSettings::default()).unwrap();
        let mut rgba = Vec::with_capacity((W * H * 4) as usize);
        for _ in 0..H {
            for x in 0..W {
                let v = if x < 24 { 0 } else { 255 };
                rgba.extend_from_slice(&[v, v, v, 255]);
            }
        }
        for _ in 0..3 {
            enc.push_rgba(&rgba).unwrap();
        }
        enc.finish().unwrap();

        let first = VideoFrames::open(&path).unwrap().next().unwrap().unwrap();
        let rgb = first.frame.rgb();
        for y in 0..H as usize {
            let at = |x: usize| rgb[(y * W as usize + x) * 3];
            assert!(at(4) < 40, "row {y}: left side is {}", at(4));
            assert!(at(45) > 215, "row {y}: right side is {}", at(45));
        }
    }

    #[test]
    fn bad_settings_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.mp4");
        let ok = EncodeSettings::default();
        assert!(VideoEncoder::create(&path, 0, 64, &ok).is_err());
        assert!(VideoEncoder::create(&path, 96, 63, &ok).is_err());
        let no_fps = EncodeSettings {
            fps: 0,
            ..ok.clone()
        };
        assert!(VideoEncoder::create(&path, 96, 64, &no_fps).is_err());
        let bad_crf = EncodeSettings {
            crf: 52,
            ..ok.clone()
        };
        assert!(VideoEncoder::create(&path, 96, 64, &bad_crf).is_err());
        let bad_preset = EncodeSettings {
            preset: "warp-speed".to_owned(),
            ..ok.clone()
        };
        assert!(VideoEncoder::create(&path, 96, 64, &bad_preset).is_err());
        let missing_dir = dir.path().join("no/such/dir/clip.mp4");
        assert!(VideoEncoder::create(&missing_dir, 96, 64, &ok).is_err());
    }

    #[test]
    fn odd_width_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("odd.mp4");
        let err = VideoEncoder::create(&path, 95, 64, &EncodeSettings::default())
            .err()
            .expect("odd width must be refused");
        assert!(err.to_string().contains("even"), "{err:#}");
        assert!(!path.exists());
    }

    #[test]
    fn wrong_buffer_length_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("short.mp4");
        let mut enc = VideoEncoder::create(&path, W, H, &EncodeSettings::default()).unwrap();
        assert!(enc.push_rgba(&vec![0; (W * H * 4 - 1) as usize]).is_err());
        assert!(enc.push_rgba(&vec![0; (W * H * 3) as usize]).is_err());
        assert_eq!(enc.frames(), 0);
        enc.push_rgba(&vec![0; (W * H * 4) as usize]).unwrap();
        assert_eq!(enc.frames(), 1);
        enc.finish().unwrap();
    }
}
