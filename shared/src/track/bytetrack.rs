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
//! remembered as *entangled*, and learn nothing of their looks until that is settled (one that
//! took the other's person would learn her dress as its own). Once each has been seen clear of
//! everyone since they parted, within a window, the tracker asks whether each still looks like
//! the person she was before they met, and if the crossed pairing fits clearly better, the two
//! exchange identities (id and learnt look), dated from the frame their boxes overlapped most:
//! there both boxes cover both people, so either pairing is as right. A swap no check caught
//! shows later as a track whose clear sightings keep showing another kit than it learnt: it
//! leaves its identity behind as a lost tracklet and starts again, as one that keeps reading
//! someone else's bib does (below), so the pieces can be joined to the right players later.
//!
//! Bibs settle what looks cannot: two players of one team wear the same dress but never the
//! same position. When the caller gives each detection's [`BibReading`], a track gathers the
//! readings of crops nobody stands in front of ([`BibVotes`]; where two people's feet are
//! level, neither is known to be in front); a match between a track and a detection that
//! confidently reads another position is weakened; entangled tracks whose readings have
//! crossed in a few frames (one may be a misread crop) exchange identities; a track that keeps
//! reading someone else's bib hands its identity back (to a lost track kept for the purpose)
//! and takes the one it reads; and a young track that reads the bib of a lost one, in the same
//! kit, takes its id.

use serde::{Deserialize, Serialize};

use super::bib_votes::{BibVotes, READ_CONFIDENCE};
use super::{Appearance, BoxKalman, match_by_iou};
use crate::bib::BibReading;
use crate::court::{CourtPoint, Position};
use crate::{BoundingBox, Detection};

/// ByteTrack's settings, with the paper's defaults.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
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
    /// A match's weight is multiplied by this when the detection confidently reads another
    /// position than the track's bib identity. 1 ignores bibs in matching.
    pub bib_conflict: f32,
    /// Frames a lost track whose bib was read is kept, to be found again by its bib (it is
    /// matched by its box only for `lost_frames`).
    pub identified_lost_frames: u32,
    /// Longest gap, in analysed frames, filled with interpolated boxes when a track is matched
    /// again (see [`super::fill_gaps`]); 0 fills none. Only frames the analysis still holds
    /// back can be filled, so the identity lag bounds it too.
    pub fill_gaps: u32,
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
            appearance_weight: 0.8,
            bib_conflict: 0.2,
            identified_lost_frames: 250,
            fill_gaps: 25,
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
    /// The position its bib readings agreed on, once they did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<Position>,
    /// Not detected in this frame: the box is interpolated between the track's sightings
    /// before and after (see [`super::fill_gaps`]).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub interpolated: bool,
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

/// What the tracker can tell about a detection besides its box, each where it could be read.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Cues {
    pub look: Option<Appearance>,
    pub bib: Option<BibReading>,
}

/// One followed box. Its id, look and bib votes are the identity of the person it follows,
/// and may be exchanged with an entangled tracklet's; the rest follows the box.
#[derive(Clone, Debug)]
struct Tracklet {
    /// Never changes nor repeats, unlike `id` (0 until reported, and exchanged on a swap).
    key: u64,
    id: u32,
    filter: BoxKalman,
    /// A running mean of the look of its unoverlapped sightings.
    look: Option<Appearance>,
    /// Its latest look seen clear of everyone, with the frame: checked against `look` for a
    /// swap, and learnt when nothing it overlapped is still unsettled.
    clear: Option<(u64, Appearance)>,
    /// What its bib readings agree on.
    bib: BibVotes,
    /// The position this frame's detection confidently read, when nobody stood in front of it.
    reading: Option<Position>,
    /// The frame it started, or took over someone's identity: young tracklets may still turn
    /// out to be a lost one found again.
    born: u64,
    /// The frame of the first of the readings in a row that contradict its bib identity.
    contradicted_since: u64,
    /// Clear sightings in a row that look like another kit than it learnt, and the frame of
    /// the first of them.
    other_kit: u32,
    other_kit_since: u64,
    /// Tracklets its box overlapped, whose identities may have been exchanged with its own.
    entangled: Vec<Entanglement>,
    /// The last frame its box overlapped another of its class (as for `entangled`): only
    /// near someone can it have taken her person.
    met: Option<u64>,
    class_id: usize,
    score: f32,
    state: State,
}

impl Tracklet {
    /// Its latest look seen clear of everyone, if that was in frame `from` or later.
    fn clear_since(&self, from: u64) -> Option<Appearance> {
        self.clear
            .filter(|&(at, _)| at >= from)
            .map(|(_, look)| look)
    }
}

/// The tracker: feed it each frame's detections in order.
#[derive(Clone, Debug)]
pub struct ByteTrack {
    settings: ByteTrackSettings,
    tracklets: Vec<Tracklet>,
    frame: u64,
    next_id: u32,
    next_key: u64,
    relabels: Vec<Relabel>,
}

/// An identity found to have been wrong: from frame `from` on (the tracker's count, see
/// [`ByteTrack::frame`]) up to the frame before the update that reported it, each
/// `(old, new)` pair's tracks showing `old` stand for `new`; that update's own tracks already
/// show the corrected ids. Within one correction the pairs are applied at once (a swap is two
/// pairs).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Relabel {
    pub from: u64,
    pub ids: Vec<(u32, u32)>,
}

impl Relabel {
    /// What `id`, shown in frame `frame`, should read.
    pub fn apply(&self, frame: u64, id: u32) -> u32 {
        if frame < self.from {
            return id;
        }
        self.ids
            .iter()
            .find(|&&(old, _)| old == id)
            .map_or(id, |&(_, new)| new)
    }
}

impl ByteTrack {
    pub fn new(settings: ByteTrackSettings) -> Self {
        Self {
            settings,
            tracklets: Vec::new(),
            frame: 0,
            next_id: 1,
            next_key: 0,
            relabels: Vec::new(),
        }
    }

    /// Takes the next frame's detections and returns the tracks seen in it.
    pub fn update(&mut self, detections: &[Detection]) -> Vec<Track> {
        self.update_with_cues(detections, &vec![Cues::default(); detections.len()])
    }

    /// As [`ByteTrack::update`], with each detection's look and bib reading where they could
    /// be read; `cues` has one entry per detection.
    ///
    /// # Panics
    /// If `cues` and `detections` differ in length.
    pub fn update_with_cues(&mut self, detections: &[Detection], cues: &[Cues]) -> Vec<Track> {
        assert_eq!(detections.len(), cues.len(), "cues per detection");
        let s = self.settings;
        let observed: Vec<Observed> = detections
            .iter()
            .zip(cues)
            .enumerate()
            .map(|(i, (detection, cue))| {
                let (mut overlapped, mut hidden) = (false, false);
                for (j, e) in detections.iter().enumerate() {
                    if j != i && detection.bbox.iou(&e.bbox) > CLEAN_IOU {
                        overlapped = true;
                        // A box whose feet are lower in the picture stands nearer the camera,
                        // in front; feet within a few pixels of each other's row say nothing
                        // (the boxes' edges are as uncertain), and a bib read there may be the
                        // other's, so neither box counts as in front.
                        hidden |=
                            e.bbox.y2 > detection.bbox.y2 - FRONT_MARGIN * detection.bbox.height();
                    }
                }
                Observed {
                    detection,
                    look: cue.look,
                    bib: cue.bib.filter(|_| !hidden),
                    clean: !overlapped,
                }
            })
            .collect();
        self.frame += 1;
        for t in &mut self.tracklets {
            t.filter.predict();
            t.reading = None;
        }
        let high: Vec<&Observed> = observed
            .iter()
            .filter(|o| o.detection.score >= s.high_score)
            .collect();
        let low: Vec<&Observed> = observed
            .iter()
            .filter(|o| o.detection.score >= s.low_score && o.detection.score < s.high_score)
            .collect();

        // Round 1: tracked and recently lost tracks against confident detections.
        let frame = self.frame;
        let lost_frames = u64::from(s.lost_frames);
        let pool: Vec<usize> = (0..self.tracklets.len())
            .filter(|&i| match self.tracklets[i].state {
                State::New => false,
                State::Tracked => true,
                State::Lost { since } => frame - since <= lost_frames,
            })
            .collect();
        let matched_high = self.associate(&pool, &high, s.first_iou);
        let mut seen = vec![false; self.tracklets.len()];
        let mut used_high = vec![false; high.len()];
        for &(i, d) in &matched_high {
            self.confirm(i, high[d]);
            seen[i] = true;
            used_high[d] = true;
        }

        // Round 2: the tracks round 1 left unmatched against low-score detections. Unlike the
        // paper, recently lost tracks take part too: a player hidden behind another is often
        // found only by a low-score box, and if only tracked tracks could take it, the track
        // of the player in front (whose own box was missed) took hers.
        let pool: Vec<usize> = pool.into_iter().filter(|&i| !seen[i]).collect();
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

        // Unmatched: tracked ones become lost, new ones vanish, lost ones age out (those whose
        // bib was read later: they may still be found by it).
        let identified_frames = u64::from(s.identified_lost_frames.max(s.lost_frames));
        let mut kept = Vec::with_capacity(self.tracklets.len());
        for (i, mut t) in std::mem::take(&mut self.tracklets).into_iter().enumerate() {
            if !seen[i] {
                let kept_for = if t.bib.identity().is_some() {
                    identified_frames
                } else {
                    lost_frames
                };
                match t.state {
                    State::New => continue,
                    State::Tracked => t.state = State::Lost { since: frame },
                    State::Lost { since } if frame - since > kept_for => continue,
                    State::Lost { .. } => {}
                }
            }
            kept.push(t);
        }
        self.tracklets = kept;
        self.untangle();
        self.reidentify();

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
            let mut bib = BibVotes::default();
            if let Some(r) = &observed.bib {
                bib.add(r);
            }
            self.tracklets.push(Tracklet {
                key,
                id,
                filter: BoxKalman::new(&det.bbox),
                look: observed.look.filter(|_| observed.clean),
                clear: None,
                bib,
                reading: None,
                born: frame,
                contradicted_since: frame,
                other_kit: 0,
                other_kit_since: frame,
                entangled: Vec::new(),
                met: None,
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
                position: t.bib.identity(),
                interpolated: false,
            })
            .collect()
    }

    /// The frames this tracker has been given so far: the number of the last one, from 1.
    pub fn frame(&self) -> u64 {
        self.frame
    }

    /// The identity corrections found since the last call, oldest first: for a caller that
    /// holds recent tracks back, so that a correction reaches the frames it concerns.
    pub fn take_relabels(&mut self) -> Vec<Relabel> {
        std::mem::take(&mut self.relabels)
    }

    fn relabel(&mut self, from: u64, ids: Vec<(u32, u32)>) {
        let ids: Vec<(u32, u32)> = ids
            .into_iter()
            .filter(|&(old, new)| old != 0 && new != 0 && old != new)
            .collect();
        if !ids.is_empty() {
            self.relabels.push(Relabel { from, ids });
        }
    }

    fn take_id(&mut self) -> u32 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    /// Two tracklets exchange the people they stand for (id, look and bib votes), as they
    /// must have while they overlapped, taken to be in frame `since`.
    fn exchange(&mut self, i: usize, j: usize, since: u64) {
        let (id_a, id_b) = (self.tracklets[i].id, self.tracklets[j].id);
        self.relabel(since, vec![(id_a, id_b), (id_b, id_a)]);
        let (low, high) = self.tracklets.split_at_mut(i.max(j));
        let (a, b) = (&mut low[i.min(j)], &mut high[0]);
        std::mem::swap(&mut a.id, &mut b.id);
        std::mem::swap(&mut a.look, &mut b.look);
        std::mem::swap(&mut a.bib, &mut b.bib);
        std::mem::swap(&mut a.born, &mut b.born);
        (a.other_kit, b.other_kit) = (0, 0);
    }

    /// Identities by bib and kit, after this frame's matching and untangling:
    /// - a tracked tracklet that keeps reading another position than its own, or showing
    ///   another kit than it learnt, has moved to another player: its identity stays behind as
    ///   a lost tracklet (to be found by a tracklet reading that bib), and it starts again as
    ///   whoever it now follows;
    /// - a young tracklet whose bib and kit are a lost tracklet's takes that id (the most
    ///   recently lost first): the player was lost and found again.
    fn reidentify(&mut self) {
        let frame = self.frame;
        for i in 0..self.tracklets.len() {
            let t = &self.tracklets[i];
            if t.state != State::Tracked {
                continue;
            }
            let since = if t.bib.contradictions() >= SPLIT_AFTER {
                t.contradicted_since
            } else if t.other_kit >= KIT_SPLIT_AFTER
                && t.met
                    .is_some_and(|met| t.other_kit_since <= met + KIT_SWAP_WINDOW)
            {
                t.other_kit_since
            } else {
                continue;
            };
            let key = self.next_key;
            self.next_key += 1;
            let mut left = t.clone();
            left.key = key;
            left.state = State::Lost { since: frame };
            left.entangled.clear();
            left.other_kit = 0;
            let id = self.take_id();
            let old = self.tracklets[i].id;
            self.relabel(since, vec![(old, id)]);
            let t = &mut self.tracklets[i];
            t.id = id;
            t.look = t.clear_since(frame);
            t.bib.restart();
            t.other_kit = 0;
            t.born = frame;
            t.entangled.clear();
            self.tracklets.push(left);
        }
        let mut i = 0;
        while i < self.tracklets.len() {
            i += 1;
            let t = &self.tracklets[i - 1];
            if t.state != State::Tracked || frame - t.born > YOUNG_FRAMES {
                continue;
            }
            let (Some(me), Some(look)) = (t.bib.identity(), t.look) else {
                continue;
            };
            let found = (0..self.tracklets.len())
                .filter_map(|j| {
                    let l = &self.tracklets[j];
                    let State::Lost { since } = l.state else {
                        return None;
                    };
                    let same_kit = l.look.is_some_and(|o| o.distance(&look) < SAME_KIT);
                    (l.born < t.born && l.bib.identity() == Some(me) && same_kit)
                        .then_some((j, since))
                })
                .max_by_key(|&(_, since)| since);
            if let Some((j, since)) = found {
                let lost = self.tracklets.remove(j);
                if j < i {
                    i -= 1;
                }
                // From when both were seen no more together: one id per player and frame.
                let (id, born) = (self.tracklets[i - 1].id, self.tracklets[i - 1].born);
                self.relabel(born.max(since), vec![(id, lost.id)]);
                let t = &mut self.tracklets[i - 1];
                t.id = lost.id;
                t.born = lost.born;
            }
        }
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
            let look = match (&t.look, &d.look) {
                (Some(a), Some(b)) => 1.0 - w * a.distance(b),
                _ => 1.0,
            };
            let read = d.bib.and_then(|r| r.position(READ_CONFIDENCE));
            let bib = match (t.bib.identity(), read) {
                (Some(me), Some(other)) if me != other => self.settings.bib_conflict,
                _ => 1.0,
            };
            look * bib
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
        if let Some(look) = observed.look.filter(|_| observed.clean) {
            t.clear = Some((self.frame, look));
        }
        if let Some(r) = &observed.bib {
            t.reading = r.position(READ_CONFIDENCE);
            let before = t.bib.contradictions();
            t.bib.add(r);
            if before == 0 && t.bib.contradictions() > 0 {
                t.contradicted_since = self.frame;
            }
        }
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
                // Boxes of two classes never took each other's detections (matching keeps
                // to the class), so however their looks compare, they cannot have swapped.
                if a.class_id != b.class_id {
                    continue;
                }
                let iou = a.filter.bbox().iou(&b.filter.bbox());
                if iou > ENTANGLED_IOU {
                    let (ka, kb) = (a.key, b.key);
                    let both_seen = a.state == State::Tracked && b.state == State::Tracked;
                    entangle(&mut self.tracklets[i].entangled, kb, frame, iou);
                    entangle(&mut self.tracklets[j].entangled, ka, frame, iou);
                    if both_seen {
                        self.tracklets[i].met = Some(frame);
                        self.tracklets[j].met = Some(frame);
                    }
                }
            }
        }
        for t in &mut self.tracklets {
            t.entangled
                .retain(|e| frame - e.last <= u64::from(ENTANGLED_FRAMES));
        }
        for i in 0..self.tracklets.len() {
            let pending = self.tracklets[i].entangled.clone();
            for Entanglement {
                key, last, closest, ..
            } in pending
            {
                let Some(j) = self.tracklets.iter().position(|t| t.key == key) else {
                    continue;
                };
                let (a, b) = (&self.tracklets[i], &self.tracklets[j]);
                let swap = match bibs_crossed(a, b) {
                    // One crossed reading may be a misread crop (a hidden player's box showing
                    // the bib of the one in front): the pair is exchanged only once the
                    // readings have said so in `CROSSED_READS` frames.
                    Some(true) => {
                        let Some(e) = self.tracklets[i]
                            .entangled
                            .iter_mut()
                            .find(|e| e.key == key)
                        else {
                            continue;
                        };
                        e.crossed_reads += 1;
                        if e.crossed_reads < CROSSED_READS {
                            continue;
                        }
                        true
                    }
                    Some(false) => false,
                    None => {
                        // Each as seen clear of everyone since they last overlapped.
                        let (Some(la), Some(lb), Some(sa), Some(sb)) = (
                            a.look,
                            b.look,
                            a.clear_since(last + 1),
                            b.clear_since(last + 1),
                        ) else {
                            continue;
                        };
                        let kept = la.distance(&sa) + lb.distance(&sb);
                        let crossed = la.distance(&sb) + lb.distance(&sa);
                        if (kept - crossed).abs() < SWAP_MARGIN {
                            continue;
                        }
                        crossed < kept
                    }
                };
                if swap {
                    self.exchange(i, j, closest);
                }
                let (ka, kb) = (self.tracklets[i].key, key);
                self.tracklets[i].entangled.retain(|e| e.key != kb);
                self.tracklets[j].entangled.retain(|e| e.key != ka);
            }
        }
        // A tracklet still entangled may be following someone else: it learns no more of its
        // look until that is settled.
        for t in &mut self.tracklets {
            let Some(seen) = t.clear_since(frame) else {
                continue;
            };
            match &mut t.look {
                None => t.look = Some(seen),
                Some(_) if !t.entangled.is_empty() => {}
                Some(look) if look.distance(&seen) > OTHER_KIT => {
                    if t.other_kit == 0 {
                        t.other_kit_since = frame;
                    }
                    t.other_kit += 1;
                }
                Some(look) => {
                    t.other_kit = 0;
                    look.blend(&seen, LOOK_RATE);
                }
            }
        }
    }
}

/// Whether the bibs two entangled tracklets read this frame say they exchanged people
/// (`Some(true)`), kept them (`Some(false)`), or nothing (`None`: no bib identities, the same
/// position in two teams, nothing read, or readings that disagree with each other).
fn bibs_crossed(a: &Tracklet, b: &Tracklet) -> Option<bool> {
    let (ia, ib) = (a.bib.identity()?, b.bib.identity()?);
    if ia == ib {
        return None;
    }
    let crossed = a.reading == Some(ib) || b.reading == Some(ia);
    let kept = a.reading == Some(ia) || b.reading == Some(ib);
    (crossed != kept).then_some(crossed)
}

/// Two tracklets' boxes overlapped: from one's side, the other (by key), the last frame they
/// did, and the frame they overlapped most.
#[derive(Clone, Copy, Debug)]
struct Entanglement {
    key: u64,
    last: u64,
    /// Where a swap found later is dated from. Which frame the boxes took each other's
    /// people in cannot be seen; while they overlap most, both boxes cover both people, so
    /// dating the exchange there puts each id on its person on both sides of it.
    closest: u64,
    closest_iou: f32,
    /// Frames whose bib readings said the two crossed, since this entanglement was noted
    /// (readings that say they kept their players settle it).
    crossed_reads: u32,
}

/// Notes that a tracklet overlapped the one keyed `key` in `frame`, by `iou`.
fn entangle(list: &mut Vec<Entanglement>, key: u64, frame: u64, iou: f32) {
    match list.iter_mut().find(|e| e.key == key) {
        Some(e) => {
            e.last = frame;
            if iou >= e.closest_iou {
                e.closest = frame;
                e.closest_iou = iou;
            }
        }
        None => list.push(Entanglement {
            key,
            last: frame,
            closest: frame,
            closest_iou: iou,
            crossed_reads: 0,
        }),
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
/// Frames whose bib readings say two entangled tracklets crossed before they exchange
/// identities. Fewer than [`SPLIT_AFTER`]: a tracklet that took its partner's player reads her
/// bib, and must be exchanged with its partner before it is split from its own identity.
const CROSSED_READS: u32 = 2;
const _: () = assert!(CROSSED_READS < SPLIT_AFTER);
/// How much lower (in its own heights) a box's feet must be than another's it overlaps for it
/// to stand in front: the feet of two people side by side are a few pixels apart either way.
const FRONT_MARGIN: f32 = 0.05;
/// Weight of a new clean sighting in a track's running look.
const LOOK_RATE: f32 = 0.1;
/// Confident readings of someone else's bib in a row after which a track is taken to follow
/// that someone else.
const SPLIT_AFTER: u32 = 4;
/// Least distance between a clear sighting and a tracklet's learnt look for the sighting to
/// show another kit.
const OTHER_KIT: f32 = 0.65;
/// Clear sightings of another kit in a row after which a tracklet is taken to follow someone
/// else: as with bibs, its identity stays behind and it starts again.
const KIT_SPLIT_AFTER: u32 = 30;
/// Most frames between a tracklet's last overlap with another of its class and the first of
/// its sightings of another kit, for those to say it took someone else's person there. A
/// tracklet nobody came near has kept its person, however its look wanders (a far official in
/// a dark kit, a few pixels wide, shows the floor and the boards around her as often as her
/// dress). Sightings are not counted until `ENTANGLED_FRAMES` after the overlap, and in a
/// crowd clear ones come seldom, so this is a few times that.
const KIT_SWAP_WINDOW: u64 = 4 * ENTANGLED_FRAMES as u64;
/// Frames a tracklet stays young: while young it may take a lost tracklet's id by its bib.
const YOUNG_FRAMES: u64 = 250;
/// Most distance between two looks (Bhattacharyya) for them to be one kit when a bib hands an
/// id over: players of two teams are further apart than this nearly always.
const SAME_KIT: f32 = 0.4;

/// A detection with its look, its bib reading if nobody stands in front of it, and whether no
/// other detection overlaps it.
struct Observed<'a> {
    detection: &'a Detection,
    look: Option<Appearance>,
    bib: Option<BibReading>,
    clean: bool,
}

#[cfg(test)]
mod tests;
