//! ByteTrack (Zhang et al., 2022): tracks are matched to confident detections first, then the
//! still unmatched ones to low-score detections, which are mostly people partly hidden by
//! others; new tracks start only from confident detections, and a lost track is kept for a
//! while so it can be found again under its old id.

use serde::{Deserialize, Serialize};

use super::{BoxKalman, match_by_iou};
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

#[derive(Clone, Debug)]
struct Tracklet {
    id: u32,
    filter: BoxKalman,
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
}

impl ByteTrack {
    pub fn new(settings: ByteTrackSettings) -> Self {
        Self {
            settings,
            tracklets: Vec::new(),
            frame: 0,
            next_id: 1,
        }
    }

    /// Takes the next frame's detections and returns the tracks seen in it.
    pub fn update(&mut self, detections: &[Detection]) -> Vec<Track> {
        let s = self.settings;
        self.frame += 1;
        for t in &mut self.tracklets {
            t.filter.predict();
        }
        let high: Vec<&Detection> = detections
            .iter()
            .filter(|d| d.score >= s.high_score)
            .collect();
        let low: Vec<&Detection> = detections
            .iter()
            .filter(|d| d.score >= s.low_score && d.score < s.high_score)
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
        let rest_dets: Vec<&Detection> = rest.iter().map(|&d| high[d]).collect();
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

        // Confident detections nobody took start tracks (reported from the first frame of the
        // video, otherwise once seen twice).
        for (d, det) in high.iter().enumerate() {
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
            self.tracklets.push(Tracklet {
                id,
                filter: BoxKalman::new(&det.bbox),
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
            })
            .collect()
    }

    fn take_id(&mut self) -> u32 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    /// Matches the tracklets `pool` (indices) to `dets` by IoU of the predicted boxes, same class
    /// only; returns (tracklet index, detection index) pairs.
    fn associate(&self, pool: &[usize], dets: &[&Detection], min_iou: f32) -> Vec<(usize, usize)> {
        let boxes: Vec<BoundingBox> = pool
            .iter()
            .map(|&i| self.tracklets[i].filter.bbox())
            .collect();
        let det_boxes: Vec<BoundingBox> = dets.iter().map(|d| d.bbox).collect();
        match_by_iou(&boxes, &det_boxes, min_iou, |r, c| {
            self.tracklets[pool[r]].class_id == dets[c].class_id
        })
        .matches
        .into_iter()
        .map(|(r, c)| (pool[r], c))
        .collect()
    }

    /// A tracklet seen in this frame: its filter corrected, and it is (again) tracked.
    fn confirm(&mut self, i: usize, det: &Detection) {
        if self.tracklets[i].state == State::New {
            let id = self.take_id();
            self.tracklets[i].id = id;
        }
        let t = &mut self.tracklets[i];
        t.filter.update(&det.bbox);
        t.score = det.score;
        t.state = State::Tracked;
    }
}

#[cfg(test)]
mod tests;
