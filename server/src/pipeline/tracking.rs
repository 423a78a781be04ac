//! The tracking stage: people through ByteTrack, the ball through its own tracker, kit colours
//! gathered per track for the teams, and the per-track summaries. One instance per video,
//! fed frames in order.
//!
//! Tracked frames are held back for `identity_lag` frames before they go on: when the tracker
//! finds an identity was wrong (two tracks that exchanged players while they overlapped, a lost
//! player found again by her bib), the held frames are corrected too, and the kit colours and
//! summaries are gathered from corrected frames only. A track matched again after a short gap
//! has the held frames of the gap filled with interpolated boxes.

use std::collections::{BTreeMap, VecDeque};
use std::num::NonZeroU32;
use std::sync::Arc;

use burn::tensor::Device;
use netball_shared::bib::{BibCrop, BibModel, BibModelError, BibReader};
use netball_shared::camera::{Homography, ImageToCourt};
use netball_shared::court::CourtDimensions;
use netball_shared::events::{EventSettings, Scene, ScenePlayer, detect_events};
use netball_shared::result::{FrameResult, ResultSummary, RunMetrics, TrackSummaries};
use netball_shared::rules::{Role, RoleSource, Roles, RuleSettings, match_flags, roles_from_reads};
use netball_shared::stats::match_stats;
use netball_shared::track::{
    Appearance, BallPoint, BallTracker, ByteTrack, Cues, Relabel, StitchSettings, TeamClassifier,
    Track, fill_gaps,
};
use netball_shared::{Detection, Frame, ObjectKind};

use netball_shared::result::AnalysisSettings;

use super::output::Tracked;
use super::stages::TEAMS_EVERY;

/// A tracked frame not yet passed on.
struct Held {
    /// The tracker's number of the frame, which its corrections refer to.
    tracker_frame: u64,
    result: FrameResult,
    frame: Arc<Frame>,
    ball: Vec<BallPoint>,
}

/// Everything the tracking stage keeps between frames. Memory grows with the number of tracks
/// and the ball's path (a few numbers per frame), never with frames' pixels.
pub struct Tracking {
    people: ByteTrack,
    /// Reads the bibs of people's boxes, unless the settings turned it off.
    bibs: Option<BibReader>,
    ball: BallTracker,
    teams: TeamClassifier,
    summaries: TrackSummaries,
    /// Roles set by hand (track id to position and attacking end); without them, the ones
    /// read from the bibs if the settings ask for it.
    roles: BTreeMap<u32, Role>,
    ball_path: Vec<BallPoint>,
    /// The players (officials left out) and rings of every passed frame, for the events once
    /// the ball's path is complete: a few dozen bytes a person a frame.
    scenes: Vec<Scene>,
    events: EventSettings,
    rules: RuleSettings,
    stitch: StitchSettings,
    kinds: Vec<ObjectKind>,
    /// Per class: whether it is a match official's (no team, no ball).
    officials: Vec<bool>,
    classes: Vec<String>,
    /// Video pixels to court metres, when the camera is calibrated.
    to_court: Option<ImageToCourt>,
    /// See [`AnalysisSettings::feet_depth_m`].
    feet_depth_m: f32,
    held: VecDeque<Held>,
    lag: usize,
    /// Longest gap filled between two sightings of a track, in analysed frames.
    fill_gaps: usize,
    video_size: (u32, u32),
    /// Frames passed on so far.
    passed: usize,
}

impl Tracking {
    /// `video_height` scales the ball tracker's distances (its settings are for 1080 lines);
    /// `floor` (video pixels) puts the tracks' feet on the court.
    pub fn new(
        settings: &AnalysisSettings,
        classes: &[String],
        video_size: (u32, u32),
        floor: Option<Homography>,
    ) -> Result<Self, BibModelError> {
        let video_height = video_size.1;
        let stride = NonZeroU32::new(settings.stride).unwrap_or(NonZeroU32::MIN);
        let bibs = if settings.read_bibs {
            let device = Device::flex();
            Some(BibReader::new(BibModel::bundled()?.load(&device)?, device))
        } else {
            None
        };
        Ok(Self {
            people: ByteTrack::new(settings.people),
            bibs,
            ball: BallTracker::new(settings.ball.scaled_to_height(video_height as f32))
                .with_stride(stride),
            teams: TeamClassifier::new(settings.teams),
            summaries: TrackSummaries::default(),
            roles: settings.roles.clone(),
            ball_path: Vec::new(),
            scenes: Vec::new(),
            events: settings.events,
            rules: settings.rules,
            stitch: settings.stitch,
            kinds: classes.iter().map(|c| ObjectKind::from_label(c)).collect(),
            officials: classes.iter().map(|c| ObjectKind::is_official(c)).collect(),
            classes: classes.to_vec(),
            to_court: floor.as_ref().and_then(Homography::to_court),
            feet_depth_m: settings.feet_depth_m,
            held: VecDeque::new(),
            lag: settings.identity_lag as usize,
            fill_gaps: settings.people.fill_gaps as usize,
            video_size,
            passed: 0,
        })
    }

    fn official(&self, d: &Detection) -> bool {
        self.officials.get(d.class_id).copied().unwrap_or(false)
    }

    fn kind(&self, d: &Detection) -> ObjectKind {
        self.kinds
            .get(d.class_id)
            .copied()
            .unwrap_or(ObjectKind::Other)
    }

    /// One frame: `detections` in video pixels; `frame` is the picture at whatever size it was
    /// decoded (kit colours and bibs are read from it after scaling the boxes). Returns the
    /// frames that leave the lag window (none while it fills, then one), each with the ball
    /// points finalised with it (for earlier frames too, when it closed a gap).
    pub fn frame(
        &mut self,
        index: u64,
        time: f64,
        frame: Arc<Frame>,
        detections: Vec<Detection>,
    ) -> Vec<Tracked> {
        let video_size = self.video_size;
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
        let mut cues: Vec<Cues> = people
            .iter()
            .map(|d| Cues {
                look: Appearance::of(&frame, &d.bbox.scaled(sx, sy)),
                bib: None,
            })
            .collect();
        if let Some(reader) = &self.bibs {
            // Officials wear no bib: whatever the reader made of their chests would give
            // their tracks a position, and split them when the next guess differed.
            let crops: Vec<(usize, BibCrop)> = people
                .iter()
                .enumerate()
                .filter(|(_, d)| !self.official(d))
                .filter_map(|(i, d)| BibCrop::of(&frame, &d.bbox.scaled(sx, sy)).map(|c| (i, c)))
                .collect();
            let (at, crops): (Vec<usize>, Vec<BibCrop>) = crops.into_iter().unzip();
            for (i, reading) in at.into_iter().zip(reader.read(&crops)) {
                cues[i].bib = Some(reading);
            }
        }
        let mut tracks = self.people.update_with_cues(&people, &cues);
        if let Some(to_court) = &self.to_court {
            for t in &mut tracks {
                let feet = to_court.feet(&t.bbox, self.feet_depth_m);
                (t.court, t.court_px_m) = (feet.map(|f| f.at), feet.map(|f| f.px_m));
            }
        }
        let ball = self.ball.push(index, &balls);
        self.ball_path.extend_from_slice(&ball);
        // The corrections reach the frames before this one: its own tracks show them already.
        for relabel in &self.people.take_relabels() {
            correct(&mut self.held, relabel);
        }
        self.held.push_back(Held {
            tracker_frame: self.people.frame(),
            result: FrameResult {
                frame: index,
                time,
                detections,
                tracks,
            },
            frame,
            ball,
        });
        if self.fill_gaps > 0 {
            let mut window: Vec<&mut Vec<Track>> =
                self.held.iter_mut().map(|h| &mut h.result.tracks).collect();
            fill_gaps(&mut window, self.fill_gaps);
        }
        let mut out = Vec::new();
        while self.held.len() > self.lag {
            if let Some(held) = self.held.pop_front() {
                out.push(self.pass(held));
            }
        }
        out
    }

    /// Passes on every held frame (at the end of the video).
    pub fn flush(&mut self) -> Vec<Tracked> {
        std::mem::take(&mut self.held)
            .into_iter()
            .map(|h| self.pass(h))
            .collect()
    }

    /// A frame leaves the window: its tracks, now final, feed the kit colours and summaries.
    fn pass(&mut self, held: Held) -> Tracked {
        let Held {
            result,
            frame,
            ball,
            ..
        } = held;
        let sx = frame.width() as f32 / self.video_size.0 as f32;
        let sy = frame.height() as f32 / self.video_size.1 as f32;
        let players = || {
            result
                .tracks
                .iter()
                .filter(|t| !self.officials.get(t.class_id).copied().unwrap_or(false))
        };
        // An interpolated box may hold someone else's kit: colours come from sightings only.
        let mut kits = BTreeMap::new();
        for t in players().filter(|t| !t.interpolated) {
            if let Some(kit) = self.teams.observe(t.id, &frame, &t.bbox.scaled(sx, sy)) {
                kits.insert(t.id, kit);
            }
        }
        self.summaries
            .observe(result.frame, result.time, &result.tracks);
        self.scenes.push(Scene {
            frame: result.frame,
            time: result.time,
            players: players()
                .map(|t| ScenePlayer {
                    kit: kits.get(&t.id).copied(),
                    ..ScenePlayer::from(t)
                })
                .collect(),
            rings: result
                .detections
                .iter()
                .filter(|d| self.kind(d) == ObjectKind::Ring)
                .map(|d| d.bbox)
                .collect(),
        });
        let teams = self
            .passed
            .is_multiple_of(TEAMS_EVERY)
            .then(|| self.teams.assign());
        self.passed += 1;
        Tracked {
            result,
            frame,
            ball,
            teams,
        }
    }

    /// The end of the video, once every frame is passed on ([`Tracking::flush`]): the ball's
    /// remaining points, the tracks with their teams, the rules' flags, the match events and
    /// the statistics.
    pub fn finish(mut self, metrics: RunMetrics) -> ResultSummary {
        let mut ball = self.ball_path;
        ball.extend(self.ball.finish());
        let mut teams = self.teams.assign();
        let joins = self.summaries.stitch(&teams, &self.stitch);
        // A joined tracklet's team is its player's.
        teams.teams.retain(|&id, _| joins.player(id) == id);
        for scene in &mut self.scenes {
            joins.apply(&mut scene.players, |p| &mut p.track);
        }
        let mut tracks = self.summaries.finish(&self.classes, &teams);
        let roles = if self.roles.is_empty() && self.rules.offside.read_roles {
            let read = tracks
                .iter()
                .filter_map(|t| Some((t.id, t.position?)))
                .collect();
            Roles {
                by_track: roles_from_reads(
                    &read,
                    &teams.teams,
                    &self.scenes,
                    &CourtDimensions::default(),
                ),
                source: RoleSource::Read,
            }
        } else {
            Roles {
                by_track: self.roles,
                source: RoleSource::Set,
            }
        };
        // The result shows the role each track was judged by, set by hand or read.
        for t in &mut tracks {
            if let Some(role) = roles.by_track.get(&t.id) {
                (t.position, t.attacking) = (Some(role.position), Some(role.attacking));
            }
        }
        ball.sort_by_key(|b| b.frame);
        let mut events = detect_events(&self.scenes, &ball, &teams.teams, &self.events);
        // The flags stop play: the handovers after them become free passes in `events`.
        let flags = match_flags(
            &mut events,
            &self.scenes,
            &ball,
            &teams.teams,
            &roles,
            self.to_court.as_ref(),
            &self.rules,
        );
        let stats = match_stats(&events, &flags, &teams.teams);
        ResultSummary {
            ball,
            tracks,
            teams,
            flags,
            events,
            stats,
            metrics,
        }
    }
}

/// Applies a correction to the held frames it reaches.
fn correct(held: &mut VecDeque<Held>, relabel: &Relabel) {
    for h in held.iter_mut().filter(|h| h.tracker_frame >= relabel.from) {
        for t in &mut h.result.tracks {
            t.id = relabel.apply(h.tracker_frame, t.id);
        }
    }
}
