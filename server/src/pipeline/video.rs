//! The annotated video: each analysed frame with its tracks (boxes in their team's kit colour
//! as known so far, ids above them) and the ball's trail over the last second, encoded with
//! libx264 at the size the frames were analysed at.
//!
//! The ball tracker finalises points a few frames late (a gap is filled only once the ball is
//! seen again), so the trail ends up to `max_gap` frames behind the frame it is drawn on.

use std::collections::VecDeque;
use std::path::Path;

use anyhow::Result;
use image::RgbImage;
use netball_shared::Frame;
use netball_shared::result::FrameResult;
use netball_shared::track::{BallPoint, TeamAssignment};

use super::output::Tracked;
use crate::annotate;
use crate::simulate::encode::{EncodeSettings, VideoEncoder};

/// Colour of the ball's trail.
const BALL: [u8; 3] = [255, 230, 0];

pub struct AnnotatedVideo {
    encoder: VideoEncoder,
    /// Even-sized crop of the analysed frames (H.264 in 4:2:0 needs even sides).
    size: (u32, u32),
    trail: VecDeque<BallPoint>,
    trail_frames: u64,
    rgba: Vec<u8>,
}

impl AnnotatedVideo {
    /// `fps` is the analysed frame rate (the video's divided by the stride).
    pub fn create(path: &Path, frame_size: (u32, u32), fps: f64) -> Result<Self> {
        let size = (frame_size.0 & !1, frame_size.1 & !1);
        let settings = EncodeSettings {
            fps: fps.round().max(1.0) as u32,
            ..EncodeSettings::default()
        };
        Ok(Self {
            encoder: VideoEncoder::create(path, size.0, size.1, &settings)?,
            size,
            trail: VecDeque::new(),
            trail_frames: settings.fps.into(),
            rgba: Vec::new(),
        })
    }

    /// Draws and encodes one frame. Boxes are in the video's pixels (`video_size`), the frame
    /// at the analysed size; `ball` are the ball points finalised since the last call.
    pub fn frame(
        &mut self,
        frame: &Frame,
        video_size: (u32, u32),
        result: &FrameResult,
        teams: &TeamAssignment,
        ball: &[BallPoint],
    ) -> Result<()> {
        let mut img = RgbImage::from_raw(frame.width(), frame.height(), frame.rgb().to_vec())
            .expect("a Frame's buffer matches its size");
        let sx = frame.width() as f32 / video_size.0 as f32;
        let sy = frame.height() as f32 / video_size.1 as f32;
        let t = annotate::thickness(frame.width(), frame.height()) / 2 + 1;
        let digit = (frame.height() / 360).max(1);
        for track in &result.tracks {
            let colour = match teams.teams.get(&track.id) {
                Some(&team) => teams.kits[team as usize],
                None => annotate::palette(track.id),
            };
            let b = track.bbox.scaled(sx, sy);
            annotate::outline(&mut img, &b, colour, t);
            annotate::number(&mut img, (b.x1, b.y1 - 2.0), track.id, digit, colour);
        }
        self.trail.extend(ball.iter().copied());
        let oldest = result.frame.saturating_sub(self.trail_frames);
        while self.trail.front().is_some_and(|p| p.frame < oldest) {
            self.trail.pop_front();
        }
        for p in self.trail.iter().filter(|p| p.frame <= result.frame) {
            let b = p.bbox.scaled(sx, sy);
            annotate::dot(&mut img, b.center(), t, BALL);
        }
        self.encode(&img)
    }

    fn encode(&mut self, img: &RgbImage) -> Result<()> {
        let (w, h) = (self.size.0 as usize, self.size.1 as usize);
        self.rgba.clear();
        for row in img.as_raw().chunks_exact(img.width() as usize * 3).take(h) {
            for p in row[..w * 3].chunks_exact(3) {
                self.rgba.extend_from_slice(&[p[0], p[1], p[2], 255]);
            }
        }
        self.encoder.push_rgba(&self.rgba)
    }

    pub fn finish(self) -> Result<()> {
        self.encoder.finish()
    }
}

/// The annotated video as the writing stage sees it: opened at the first frame (whose size it
/// takes), fed every frame, finished at the end. Lives on the writing stage's thread (FFmpeg's
/// scaler may not move between threads).
pub struct VideoSink {
    path: std::path::PathBuf,
    /// The analysed frame rate; `None` when no video is wanted.
    fps: Option<f64>,
    video_size: (u32, u32),
    video: Option<AnnotatedVideo>,
    teams: TeamAssignment,
}

impl VideoSink {
    pub fn new(path: std::path::PathBuf, fps: Option<f64>, video_size: (u32, u32)) -> Self {
        Self {
            path,
            fps,
            video_size,
            video: None,
            teams: TeamAssignment {
                kits: [[0; 3]; 2],
                teams: Default::default(),
            },
        }
    }

    pub fn frame(&mut self, tracked: &Tracked) -> Result<()> {
        if let Some(teams) = &tracked.teams {
            self.teams.clone_from(teams);
        }
        let Some(fps) = self.fps else {
            return Ok(());
        };
        let video = match &mut self.video {
            Some(video) => video,
            None => {
                let size = (tracked.frame.width(), tracked.frame.height());
                self.video
                    .insert(AnnotatedVideo::create(&self.path, size, fps)?)
            }
        };
        video.frame(
            &tracked.frame,
            self.video_size,
            &tracked.result,
            &self.teams,
            &tracked.ball,
        )
    }

    pub fn finish(self) -> Result<()> {
        match self.video {
            Some(video) => video.finish(),
            None => Ok(()),
        }
    }
}
