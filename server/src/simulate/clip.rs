//! One simulated clip: the match, the camera and the renderer stepped together, frame by frame,
//! each frame with its truth.

use anyhow::{Result, bail};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::ball::Vec3;
use super::camera_rig::{CameraRig, CameraView, Projection};
use super::events::TruthEvent;
use super::play::{Match, MatchConfig};
use super::render::{Effects, Renderer};
use super::truth::{FORMAT, FrameTruth, Header, Kits, VERSION, frame_truth};

#[derive(Clone, Debug)]
pub struct ClipSettings {
    pub seed: u64,
    /// Seconds of play to film from the first centre pass; at most the whole match.
    pub duration: f64,
    pub width: u32,
    pub height: u32,
    pub fps: u32,
    pub view: CameraView,
    /// Radial lens distortion (0: none; about -0.1 for a wide lens).
    pub k1: f64,
    pub effects: Effects,
    pub game: MatchConfig,
}

impl ClipSettings {
    pub fn frames(&self) -> u64 {
        let whole = self.game.period_seconds * f64::from(self.game.periods);
        (self.duration.min(whole) * f64::from(self.fps)).round() as u64
    }

    fn validate(&self) -> Result<()> {
        if self.width < 64 || self.height < 64 || self.width > 8192 || self.height > 8192 {
            bail!(
                "resolution {}x{} is outside 64x64..8192x8192",
                self.width,
                self.height
            );
        }
        if !(1..=240).contains(&self.fps) {
            bail!("{} frames per second is outside 1..240", self.fps);
        }
        if self.duration.is_nan() || self.duration <= 0.0 {
            bail!("the duration must be positive");
        }
        if self.game.periods == 0
            || self.game.period_seconds.is_nan()
            || self.game.period_seconds < 10.0
        {
            bail!("a match needs at least one period of 10 s or more");
        }
        if !(-0.5..=0.5).contains(&self.k1) {
            bail!("lens distortion {} is outside -0.5..0.5", self.k1);
        }
        self.game.court.validate()?;
        Ok(())
    }
}

pub struct Clip {
    settings: ClipSettings,
    game: Match,
    rig: CameraRig,
    renderer: Renderer,
    produced: u64,
    previous_ball: Vec3,
    events: Vec<TruthEvent>,
}

impl Clip {
    pub fn new(settings: ClipSettings) -> Result<Self> {
        settings.validate()?;
        // The look of the clip (hall, light, camera) and the play draw from separate streams of
        // the seed, so changing one never changes the other.
        let mut look = ChaCha8Rng::seed_from_u64(settings.seed);
        look.set_stream(1);
        let renderer = Renderer::new(settings.width, settings.height, settings.effects, &mut look);
        let rig = CameraRig::new(
            settings.view,
            &settings.game.court,
            settings.width,
            settings.height,
            settings.k1,
            &mut look,
        );
        let game = Match::new(
            settings.game.clone(),
            settings.seed,
            settings.fps,
            renderer.court_colour(),
        );
        let previous_ball = game.ball_position();
        Ok(Self {
            settings,
            game,
            rig,
            renderer,
            produced: 0,
            previous_ball,
            events: Vec::new(),
        })
    }

    pub fn header(&self) -> Header {
        let [home, away] = self.game.kits();
        let s = &self.settings;
        Header {
            format: FORMAT.to_string(),
            version: VERSION,
            seed: s.seed,
            fps: s.fps,
            width: s.width,
            height: s.height,
            view: s.view,
            court: s.game.court,
            period_seconds: s.game.period_seconds,
            periods: s.game.periods,
            kits: Kits { home, away },
            people: self.game.people().iter().map(|p| p.spec).collect(),
        }
    }

    pub fn total_frames(&self) -> u64 {
        self.settings.frames()
    }

    /// Renders the next frame (its pixels are then in [`Clip::pixels`]); `None` at the end.
    pub fn next_frame(&mut self) -> Option<FrameTruth> {
        let projection = self.step()?;
        let drawn = self
            .renderer
            .render(&self.game, &projection, self.previous_ball);
        Some(frame_truth(&self.game, &projection, &drawn))
    }

    /// Advances the match without drawing (for datasets that sample a few frames).
    pub fn skip_frame(&mut self) -> bool {
        self.step().is_some()
    }

    /// Moves the match and the camera (a panning camera follows the play even between drawn
    /// frames) to the next frame; `None` at the end.
    fn step(&mut self) -> Option<Projection> {
        if self.produced >= self.total_frames() {
            return None;
        }
        if self.produced > 0 {
            self.previous_ball = self.game.ball_position();
            self.game.advance();
        }
        self.events.extend(self.game.drain_events());
        let dt = 1.0 / f64::from(self.settings.fps);
        self.produced += 1;
        Some(
            self.rig
                .next(self.game.ball_position(), self.game.court(), dt),
        )
    }

    pub fn pixels(&self) -> &[u8] {
        self.renderer.pixels()
    }

    /// Closes what is still open (a violation in progress) and returns the events and score.
    pub fn finish(mut self) -> (Vec<TruthEvent>, [u32; 2]) {
        self.game.close();
        self.events.extend(self.game.drain_events());
        let last = self.produced.saturating_sub(1);
        self.events.retain(|e| e.frame <= last);
        (self.events, self.game.score())
    }
}
