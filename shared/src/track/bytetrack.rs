//! ByteTrack (Zhang et al., 2022): tracks are matched to confident detections first, then the
//! still unmatched ones to low-score detections, which are mostly people partly hidden by
//! others; new tracks start only from confident detections, and a lost track is kept for a
//! while so it can be found again under its old id.
//!
//! One addition to the paper: when the caller gives each detection's [`Appearance`], a match's
//! weight (its IoU) is lowered by how different the track and the detection look
//! (`appearance_weight`), so of two people whose boxes overlap almost wholly (a defender
//! right behind the attacker she marks, seen from the side line) each keeps the track that
//! looks like her. A track's look is learnt only from detections no other detection overlaps,
//! so an occluder's look is not learnt.
//!
//! Looks cannot help while two people overlap: the hidden one's box shows the other's dress, so
//! boxes alone decide and their tracks may swap. Tracks whose boxes overlap are therefore
//! remembered as *entangled*; when both are next seen clear of everyone, within a window, the
//! tracker asks whether each still looks like the person she was before they met, and if the
//! crossed pairing fits clearly better, the two exchange identities (id and learnt look) from
//! that frame on. The frames while they overlapped keep whatever the boxes decided.

use serde::{Deserialize, Serialize};

use super::{Appearance, BoxKalman, match_by_iou};
use crate::court::CourtPoint;
use crate::{BoundingBox, Detection};

/// ByteTrack's settings, with the paper's defaults.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ByteTrackSettings {
    /// Detections at or above this score are confident (first round, may start tracks).
    pub high_score: f32,
    /// Detections below this are ignored; between it and `high_score` they serve the second round.
    pub low_score: f32,
    /// A confident detection unmatched after both rounds starts a track if it scores this much.
    pub new_track_score: f32,
    /// Least IoU for a match in the first round.
    pub first_iou: f32,
    /// Least IoU for a match with a low-score detection.
    pub second_iou: f32,
    /// Frames a lost track is kept before it is dropped.
    pub lost_frames: u32,
    /// How much a difference in look lowers a match's weight: IoU × (1 − w × distance), with
    /// [`Appearance::distance`] from 0 to 1. 0 ignores looks.
    pub appearance_weight: f32,
}

impl Default for ByteTrackSettings {
    fn default() -> Self {
        Self {
            high_score: 0.5,
            low_score: 0.1,
            new_track_score: 0.6,
            first_iou: 0.2,
            second_iou: 0.5,
            lost_frames: 30,
            appearance_weight: 0.5,
        }
    }
}

/// A track as output for one frame.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Track {
    pub id: u32,
    /// The filtered box (the Kalman estimate after this frame's detection).
    pub bbox: BoundingBox,
    /// Score of the detection matched in this frame.
    pub score: f32,
    pub class_id: usize,
    /// Where the feet are on the court (the box's bottom centre through the floor
    /// homography): filled in by the analysis when the camera is calibrated, never by the
    /// tracker, which works in pixels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub court: Option<CourtPoint>,
    /// How far, in metres, a pixel's error at the feet moves `court` (the court spans more per
    /// pixel far from the camera): what the movement statistics trust it to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub court_px_m: Option<f32>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Started last frame and not yet seen again: not reported, dropped if unmatched.
    New,
    Tracked,
    Lost {
        since: u64,
    },
}

/// One followed box. Its id and look are the identity of the person it follows, and may be
/// exchanged with an entangled tracklet's; the rest follows the box.
#[derive(Clone, Debug)]
struct Tracklet {
    /// Never changes nor repeats, unlike `id` (0 until reported, and exchanged on a swap).
    key: u64,
    id: u32,
    filter: BoxKalman,
    /// A running mean of the look of its unoverlapped sightings.
    look: Option<Appearance>,
    /// This frame's look when it was seen clear of everyone: checked against `look` for a swap
    /// first, then learnt.
    sighting: Option<Appearance>,
    /// Tracklets (by key) its box overlapped, with the last frame it did, whose identities
    /// may have been exchanged with its own.
    entangled: Vec<(u64, u64)>,
    class_id: usize,
    score: f32,
    state: State,
}

/// The tracker: feed it each frame's detections in order.
#[derive(Clone, Debug)]
pub struct ByteTrack {
    settings: ByteTrackSettings,
    tracklets: Vec<Tracklet>,
    frame: u64,
    next_id: u32,
    next_key: u64,
}

impl ByteTrack {
    pub fn new(settings: ByteTrackSettings) -> Self {
        Self {
            settings,
            tracklets: Vec::new(),
            frame: 0,
            next_id: 1,
            next_key: 0,
        }
    }

    /// Takes the next frame's detections and returns the tracks seen in it.
    pub fn update(&mut self, detections: &[Detection]) -> Vec<Track> {
        self.update_with_looks(detections, &vec![None; detections.len()])
    }

    /// As [`ByteTrack::update`], with each detection's look where it could be sampled;
    /// `looks` has one entry per detection.
    ///
    /// # Panics
    /// If `looks` and `detections` differ in length.
    pub fn update_with_looks(
        &mut self,
        detections: &[Detection],
        looks: &[Option<Appearance>],
    ) -> Vec<Track> {
        assert_eq!(detections.len(), looks.len(), "a look per detection");
        let s = self.settings;
        let observed: Vec<Observed> = detections
            .iter()
            .zip(looks)
            .enumerate()
            .map(|(i, (detection, &look))| {
                let overlapped = detections
                    .iter()
                    .enumerate()
                    .any(|(j, e)| j != i && detection.bbox.iou(&e.bbox) > CLEAN_IOU);
                Observed {
                    detection,
                    look,
                    clean: !overlapped,
                }
            })
            .collect();
        self.frame += 1;
        for t in &mut self.tracklets {
            t.filter.predict();
            t.sighting = None;
        }
        let high: Vec<&Observed> = observed
            .iter()
            .filter(|o| o.detection.score >= s.high_score)
            .collect();
        let low: Vec<&Observed> = observed
            .iter()
            .filter(|o| o.detection.score >= s.low_score && o.detection.score < s.high_score)
            .collect();

        // Round 1: tracked and lost tracks against confident detections.
        let pool: Vec<usize> = (0..self.tracklets.len())
            .filter(|&i| self.tracklets[i].state != State::New)
            .collect();
        let matched_high = self.associate(&pool, &high, s.first_iou);
        let mut seen = vec![false; self.tracklets.len()];
        let mut used_high = vec![false; high.len()];
        for &(i, d) in &matched_high {
            self.confirm(i, high[d]);
            seen[i] = true;
            used_high[d] = true;
        }

        // Round 2: tracks still unmatched (not lost ones) against low-score detections.
        let pool: Vec<usize> = (0..self.tracklets.len())
            .filter(|&i| !seen[i] && self.tracklets[i].state == State::Tracked)
            .collect();
        for (i, d) in self.associate(&pool, &low, s.second_iou) {
            self.confirm(i, low[d]);
            seen[i] = true;
        }

        // New tracks from last frame get one chance with the confident detections left.
        let pool: Vec<usize> = (0..self.tracklets.len())
            .filter(|&i| !seen[i] && self.tracklets[i].state == State::New)
            .collect();
        let rest: Vec<usize> = (0..high.len()).filter(|&d| !used_high[d]).collect();
        let rest_dets: Vec<&Observed> = rest.iter().map(|&d| high[d]).collect();
        for (i, k) in self.associate(&pool, &rest_dets, s.first_iou) {
            self.confirm(i, rest_dets[k]);
            seen[i] = true;
            used_high[rest[k]] = true;
        }

        // Unmatched: tracked ones become lost, new ones vanish, lost ones age out.
        let frame = self.frame;
        let lost_frames = u64::from(s.lost_frames);
        let mut kept = Vec::with_capacity(self.tracklets.len());
        for (i, mut t) in std::mem::take(&mut self.tracklets).into_iter().enumerate() {
            if !seen[i] {
                match t.state {
                    State::New => continue,
                    State::Tracked => t.state = State::Lost { since: frame },
                    State::Lost { since } if frame - since > lost_frames => continue,
                    State::Lost { .. } => {}
                }
            }
            kept.push(t);
        }
        self.tracklets = kept;
        self.untangle();

        // Confident detections nobody took start tracks (reported from the first frame of the
        // video, otherwise once seen twice).
        for (d, observed) in high.iter().enumerate() {
            let det = observed.detection;
            if used_high[d] || det.score < s.new_track_score {
                continue;
            }
            let state = if frame == 1 {
                State::Tracked
            } else {
                State::New
            };
            let id = if state == State::Tracked {
                self.take_id()
            } else {
                0
            };
            let key = self.next_key;
            self.next_key += 1;
            self.tracklets.push(Tracklet {
                key,
                id,
                filter: BoxKalman::new(&det.bbox),
                look: observed.look.filter(|_| observed.clean),
                sighting: None,
                entangled: Vec::new(),
                class_id: det.class_id,
                score: det.score,
                state,
            });
        }

        self.tracklets
            .iter()
            .filter(|t| t.state == State::Tracked)
            .map(|t| Track {
                id: t.id,
                bbox: t.filter.bbox(),
                score: t.score,
                class_id: t.class_id,
                court: None,
                court_px_m: None,
            })
            .collect()
    }

    fn take_id(&mut self) -> u32 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    /// Matches the tracklets `pool` (indices) to `dets` by IoU of the predicted boxes, lowered
    /// by differences in look, same class only; returns (tracklet index, detection index)
    /// pairs.
    fn associate(&self, pool: &[usize], dets: &[&Observed], min_iou: f32) -> Vec<(usize, usize)> {
        let boxes: Vec<BoundingBox> = pool
            .iter()
            .map(|&i| self.tracklets[i].filter.bbox())
            .collect();
        let det_boxes: Vec<BoundingBox> = dets.iter().map(|d| d.detection.bbox).collect();
        let w = self.settings.appearance_weight;
        match_by_iou(&boxes, &det_boxes, min_iou, |r, c| {
            let t = &self.tracklets[pool[r]];
            let d = dets[c];
            if t.class_id != d.detection.class_id {
                return 0.0;
            }
            match (&t.look, &d.look) {
                (Some(a), Some(b)) => 1.0 - w * a.distance(b),
                _ => 1.0,
            }
        })
        .matches
        .into_iter()
        .map(|(r, c)| (pool[r], c))
        .collect()
    }

    /// A tracklet seen in this frame: its filter corrected, its clean sighting kept for
    /// [`ByteTrack::untangle`], and it is (again) tracked.
    fn confirm(&mut self, i: usize, observed: &Observed) {
        let det = observed.detection;
        if self.tracklets[i].state == State::New {
            let id = self.take_id();
            self.tracklets[i].id = id;
        }
        let t = &mut self.tracklets[i];
        t.sighting = observed.look.filter(|_| observed.clean);
        t.filter.update(&det.bbox);
        t.score = det.score;
        t.state = State::Tracked;
    }

    /// After this frame's matching: records which tracks' boxes overlap, exchanges the
    /// identities of entangled pairs now both seen clearly whose looks say they were swapped,
    /// then lets each track learn from its clear sighting. A pair is settled (and forgotten)
    /// once one pairing fits clearly better; pairs that look alike (the same kit) stay
    /// unsettled until the window passes, and are never swapped.
    fn untangle(&mut self) {
        let frame = self.frame;
        let active: Vec<usize> = (0..self.tracklets.len())
            .filter(|&i| self.tracklets[i].state != State::New)
            .collect();
        for (n, &i) in active.iter().enumerate() {
            for &j in &active[n + 1..] {
                let (a, b) = (&self.tracklets[i], &self.tracklets[j]);
                if a.filter.bbox().iou(&b.filter.bbox()) > ENTANGLED_IOU {
                    let (ka, kb) = (a.key, b.key);
                    entangle(&mut self.tracklets[i].entangled, kb, frame);
                    entangle(&mut self.tracklets[j].entangled, ka, frame);
                }
            }
        }
        for t in &mut self.tracklets {
            t.entangled
                .retain(|&(_, last)| frame - last <= u64::from(ENTANGLED_FRAMES));
        }
        for i in 0..self.tracklets.len() {
            let pending = self.tracklets[i].entangled.clone();
            for (key, _) in pending {
                let Some(j) = self.tracklets.iter().position(|t| t.key == key) else {
                    continue;
                };
                let (a, b) = (&self.tracklets[i], &self.tracklets[j]);
                let (Some(la), Some(lb), Some(sa), Some(sb)) =
                    (a.look, b.look, a.sighting, b.sighting)
                else {
                    continue;
                };
                let kept = la.distance(&sa) + lb.distance(&sb);
                let crossed = la.distance(&sb) + lb.distance(&sa);
                if (kept - crossed).abs() < SWAP_MARGIN {
                    continue;
                }
                if crossed < kept {
                    let (id_a, look_a) = (a.id, a.look);
                    let (id_b, look_b) = (b.id, b.look);
                    (self.tracklets[i].id, self.tracklets[i].look) = (id_b, look_b);
                    (self.tracklets[j].id, self.tracklets[j].look) = (id_a, look_a);
                }
                let (ka, kb) = (self.tracklets[i].key, key);
                self.tracklets[i].entangled.retain(|&(k, _)| k != kb);
                self.tracklets[j].entangled.retain(|&(k, _)| k != ka);
            }
        }
        for t in &mut self.tracklets {
            if let Some(seen) = t.sighting {
                match &mut t.look {
                    Some(look) => look.blend(&seen, LOOK_RATE),
                    None => t.look = Some(seen),
                }
            }
        }
    }
}

/// Notes that a tracklet overlapped the one keyed `key` in `frame`.
fn entangle(list: &mut Vec<(u64, u64)>, key: u64, frame: u64) {
    match list.iter_mut().find(|(k, _)| *k == key) {
        Some(entry) => entry.1 = frame,
        None => list.push((key, frame)),
    }
}

/// Detections overlapping another by more than this IoU do not teach a track its look.
const CLEAN_IOU: f32 = 0.1;
/// Tracks whose boxes overlap by more than this IoU may swap, and are checked once apart.
const ENTANGLED_IOU: f32 = 0.3;
/// How long (frames) after they last overlapped two tracks are still checked for a swap.
const ENTANGLED_FRAMES: u32 = 75;
/// How much better (summed Bhattacharyya distances, 0 to 2) the crossed pairing of two
/// entangled tracks must fit their clear sightings to exchange their identities.
const SWAP_MARGIN: f32 = 0.3;
/// Weight of a new clean sighting in a track's running look.
const LOOK_RATE: f32 = 0.1;

/// A detection with its look, and whether no other detection overlaps it.
struct Observed<'a> {
    detection: &'a Detection,
    look: Option<Appearance>,
    clean: bool,
}

#[cfg(test)]
mod tests;
