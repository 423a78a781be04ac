//! The tracking stage: people through ByteTrack, the ball through its own tracker, kit colours
//! gathered per track for the teams, and the per-track summaries. One instance per video,
//! fed frames in order.

use std::num::NonZeroU32;

use netball_shared::camera::{Homography, ImageToCourt};
use netball_shared::result::{FrameResult, ResultSummary, RunMetrics, TrackSummaries};
use netball_shared::track::{
    Appearance, BallPoint, BallTracker, ByteTrack, TeamAssignment, TeamClassifier,
};
use netball_shared::{Detection, Frame, ObjectKind};

use netball_shared::result::AnalysisSettings;

/// Everything the tracking stage keeps between frames. Memory grows with the number of tracks
/// and the ball's path (a few numbers per frame), never with frames' pixels.
pub struct Tracking {
    people: ByteTrack,
    ball: BallTracker,
    teams: TeamClassifier,
    summaries: TrackSummaries,
    ball_path: Vec<BallPoint>,
    kinds: Vec<ObjectKind>,
    classes: Vec<String>,
    /// Video pixels to court metres, when the camera is calibrated.
    to_court: Option<ImageToCourt>,
}

impl Tracking {
    /// `video_height` scales the ball tracker's distances (its settings are for 1080 lines);
    /// `floor` (video pixels) puts the tracks' feet on the court.
    pub fn new(
        settings: &AnalysisSettings,
        classes: &[String],
        video_height: u32,
        floor: Option<Homography>,
    ) -> Self {
        let stride = NonZeroU32::new(settings.stride).unwrap_or(NonZeroU32::MIN);
        Self {
            people: ByteTrack::new(settings.people),
            ball: BallTracker::new(settings.ball.scaled_to_height(video_height as f32))
                .with_stride(stride),
            teams: TeamClassifier::new(settings.teams),
            summaries: TrackSummaries::new(settings.roles.clone(), settings.rules),
            ball_path: Vec::new(),
            kinds: classes.iter().map(|c| ObjectKind::from_label(c)).collect(),
            classes: classes.to_vec(),
            to_court: floor.as_ref().and_then(Homography::to_court),
        }
    }

    fn kind(&self, d: &Detection) -> ObjectKind {
        self.kinds
            .get(d.class_id)
            .copied()
            .unwrap_or(ObjectKind::Other)
    }

    /// One frame: `detections` in video pixels; `frame` is the picture at whatever size it was
    /// decoded (kit colours are sampled from it after scaling the boxes). Returns the frame's
    /// result and the ball points finalised by it (for earlier frames too, when it closed a gap).
    pub fn frame(
        &mut self,
        index: u64,
        time: f64,
        frame: &Frame,
        video_size: (u32, u32),
        detections: Vec<Detection>,
    ) -> (FrameResult, Vec<BallPoint>) {
        let people: Vec<Detection> = detections
            .iter()
            .filter(|d| self.kind(d) == ObjectKind::Person)
            .cloned()
            .collect();
        let balls: Vec<Detection> = detections
            .iter()
            .filter(|d| self.kind(d) == ObjectKind::Ball)
            .cloned()
            .collect();
        let sx = frame.width() as f32 / video_size.0 as f32;
        let sy = frame.height() as f32 / video_size.1 as f32;
        let looks: Vec<Option<Appearance>> = people
            .iter()
            .map(|d| Appearance::of(frame, &d.bbox.scaled(sx, sy)))
            .collect();
        let mut tracks = self.people.update_with_looks(&people, &looks);
        if let Some(to_court) = &self.to_court {
            for t in &mut tracks {
                let feet = [f64::from(t.bbox.x1 + t.bbox.x2) / 2.0, f64::from(t.bbox.y2)];
                t.court = to_court.map(feet);
                // Depth changes fastest along the image's vertical: a pixel up from the feet.
                t.court_px_m = t
                    .court
                    .zip(to_court.map([feet[0], feet[1] - 1.0]))
                    .map(|(a, b)| a.distance(b));
            }
        }
        for t in &tracks {
            self.teams.observe(t.id, frame, &t.bbox.scaled(sx, sy));
        }
        self.summaries.observe(index, time, &tracks);
        let ball = self.ball.push(index, &balls);
        self.ball_path.extend_from_slice(&ball);
        let result = FrameResult {
            frame: index,
            time,
            detections,
            tracks,
        };
        (result, ball)
    }

    /// The teams as the kit colours seen so far split them.
    pub fn teams(&self) -> TeamAssignment {
        self.teams.assign()
    }

    pub fn classes(&self) -> &[String] {
        &self.classes
    }

    /// The end of the video: the ball's remaining points, the tracks with their teams, the
    /// rules' flags.
    pub fn finish(self, metrics: RunMetrics) -> ResultSummary {
        let mut ball = self.ball_path;
        ball.extend(self.ball.finish());
        let teams = self.teams.assign();
        let (tracks, flags) = self.summaries.finish(&self.classes, &teams);
        ResultSummary {
            ball,
            tracks,
            teams,
            flags,
            metrics,
        }
    }
}
