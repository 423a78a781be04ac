//! Tracklets joined into players once the whole run is known.
//!
//! The tracker gives up on a player she stays hidden or undetected for longer than it coasts,
//! and starts a new track when she comes back. Her bib often names her again within the
//! identity lag and the tracker hands her old id back; but a bib read seconds later, when the
//! frames it concerns are long written, leaves her under two ids. At the end of the run every
//! track's team and bib are known, and a netball team has one player of each position on court:
//! two tracklets of one team with one position, never seen together, are one player. This is
//! the offline linking step of tracking by detection (tracklets associated over the whole clip
//! where the online tracker could not wait for the evidence), with the netball fact that makes
//! it nearly free of doubt. Tracklets without a team or a bib position are left alone: kit and
//! place alone cannot tell who came back.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::TeamLabel;
use crate::court::Position;

/// How tracklets are joined.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct StitchSettings {
    /// Join tracklets at all.
    pub enabled: bool,
    /// Analysed frames two tracklets of one player may share: a lost track the detector still
    /// sees on someone else for a moment, before it gives up, should not keep her apart. In
    /// the frames they share, the player keeps her main tracklet's box.
    pub max_overlap: u32,
}

impl Default for StitchSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            max_overlap: 30,
        }
    }
}

/// The analysed frames a tracklet was seen in, as runs of consecutive analysed-frame numbers
/// (the 0-based count of frames the tracker was given, not video frames, so a frame stride
/// does not break runs). A tracklet seen in every frame is one run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Presence {
    /// Inclusive, ascending, disjoint and not touching.
    runs: Vec<(u64, u64)>,
}

impl Presence {
    /// Adds a frame at or after every frame added before.
    pub fn push(&mut self, frame: u64) {
        match self.runs.last_mut() {
            Some((_, last)) if frame <= *last => {}
            Some((_, last)) if frame == *last + 1 => *last = frame,
            _ => self.runs.push((frame, frame)),
        }
    }

    /// Frames seen.
    pub fn len(&self) -> u64 {
        self.runs.iter().map(|(a, b)| b - a + 1).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.runs.is_empty()
    }

    /// Frames both were seen in.
    pub fn overlap(&self, other: &Self) -> u64 {
        let (mut i, mut j, mut shared) = (0, 0, 0);
        while let (Some(&(a0, a1)), Some(&(b0, b1))) = (self.runs.get(i), other.runs.get(j)) {
            let (from, to) = (a0.max(b0), a1.min(b1));
            if from <= to {
                shared += to - from + 1;
            }
            if a1 < b1 {
                i += 1;
            } else {
                j += 1;
            }
        }
        shared
    }

    /// The frames either was seen in.
    pub fn union(&self, other: &Self) -> Self {
        let mut runs: Vec<(u64, u64)> = self.runs.iter().chain(&other.runs).copied().collect();
        runs.sort_unstable();
        let mut merged: Vec<(u64, u64)> = Vec::with_capacity(runs.len());
        for (a, b) in runs {
            match merged.last_mut() {
                Some((_, last)) if a <= *last + 1 => *last = (*last).max(b),
                _ => merged.push((a, b)),
            }
        }
        Self { runs: merged }
    }
}

/// What stitching knows of one tracklet.
#[derive(Clone, Copy, Debug)]
pub struct Tracklet<'a> {
    pub id: u32,
    pub team: Option<TeamLabel>,
    /// The position its bib was read as.
    pub position: Option<Position>,
    pub presence: &'a Presence,
}

/// Which player each joined tracklet became: its id to the player's, for tracklets whose id
/// changed. A player keeps the id of her longest tracklet.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Joins(BTreeMap<u32, u32>);

impl Joins {
    /// The id a tracklet's boxes carry in the result.
    pub fn player(&self, tracklet: u32) -> u32 {
        self.0.get(&tracklet).copied().unwrap_or(tracklet)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// (tracklet, player) for every tracklet whose id changed.
    pub fn iter(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        self.0.iter().map(|(&t, &p)| (t, p))
    }

    /// Renames one frame's tracks to their players' ids. Where two tracklets of one player
    /// are both in the frame (at most `max_overlap` frames of a join), the one that bears her
    /// id already stays and the other goes, or the first when neither does.
    pub fn apply<T>(&self, items: &mut Vec<T>, mut id: impl FnMut(&mut T) -> &mut u32) {
        if self.is_empty() {
            return;
        }
        let keys: Vec<(u32, u32)> = items
            .iter_mut()
            .map(|t| {
                let own = *id(t);
                (own, self.player(own))
            })
            .collect();
        let mut keep = vec![true; keys.len()];
        for i in 0..keys.len() {
            let Some(j) = (0..i).find(|&j| keep[j] && keys[j].1 == keys[i].1) else {
                continue;
            };
            if keys[i].0 == keys[i].1 {
                keep[j] = false;
            } else {
                keep[i] = false;
            }
        }
        let mut keep = keep.into_iter();
        items.retain_mut(|t| {
            let kept = keep.next().unwrap_or(true);
            if kept {
                let own = id(t);
                *own = self.player(*own);
            }
            kept
        });
    }
}

impl FromIterator<(u32, u32)> for Joins {
    /// From (tracklet, player) pairs; pairs that keep the id are left out.
    fn from_iter<I: IntoIterator<Item = (u32, u32)>>(pairs: I) -> Self {
        Self(pairs.into_iter().filter(|(t, p)| t != p).collect())
    }
}

/// Joins the tracklets of one team and one bib position that were never seen together (or in
/// at most `max_overlap` frames). Longest first: each tracklet joins the first player of its
/// team and position it does not overlap, or becomes a player of its own; two players of one
/// team and position stay apart when the bib reader or the tracker got one of them wrong.
pub fn stitch(tracklets: &[Tracklet<'_>], settings: &StitchSettings) -> Joins {
    if !settings.enabled {
        return Joins::default();
    }
    let mut groups: BTreeMap<(TeamLabel, usize), Vec<&Tracklet<'_>>> = BTreeMap::new();
    for t in tracklets {
        if let (Some(team), Some(position)) = (t.team, t.position) {
            groups.entry((team, position.index())).or_default().push(t);
        }
    }
    let mut joins = Vec::new();
    for mut group in groups.into_values() {
        group.sort_by_key(|t| (std::cmp::Reverse(t.presence.len()), t.id));
        // Each player: her id and the frames she was seen in so far.
        let mut players: Vec<(u32, Presence)> = Vec::new();
        for t in group {
            let free = players
                .iter_mut()
                .find(|(_, seen)| seen.overlap(t.presence) <= u64::from(settings.max_overlap));
            match free {
                Some((player, seen)) => {
                    *seen = seen.union(t.presence);
                    joins.push((t.id, *player));
                }
                None => players.push((t.id, t.presence.clone())),
            }
        }
    }
    joins.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn presence(frames: impl IntoIterator<Item = u64>) -> Presence {
        let mut p = Presence::default();
        for f in frames {
            p.push(f);
        }
        p
    }

    #[test]
    fn presence_counts_runs_overlaps_and_unions() {
        let a = presence([0, 1, 2, 5, 6, 9]);
        assert_eq!(a.runs, [(0, 2), (5, 6), (9, 9)]);
        assert_eq!(a.len(), 6);
        let b = presence((2..=5).chain(9..12));
        assert_eq!(a.overlap(&b), 3);
        assert_eq!(b.overlap(&a), 3);
        assert_eq!(a.union(&b).runs, [(0, 6), (9, 11)]);
        assert_eq!(a.overlap(&Presence::default()), 0);
    }

    #[test]
    fn tracklets_of_one_team_and_position_apart_in_time_become_one_player() {
        let (long, early, late, overlapping) = (
            presence(100..1000),
            presence(0..90),
            presence(1010..1500),
            presence(500..600),
        );
        let gs = Some(Position::GS);
        let a = Some(TeamLabel::A);
        let tracklets = [
            Tracklet {
                id: 7,
                team: a,
                position: gs,
                presence: &early,
            },
            Tracklet {
                id: 3,
                team: a,
                position: gs,
                presence: &long,
            },
            Tracklet {
                id: 12,
                team: a,
                position: gs,
                presence: &late,
            },
            // Seen with the long one for 100 frames: another player whose bib was misread.
            Tracklet {
                id: 20,
                team: a,
                position: gs,
                presence: &overlapping,
            },
            // The other team's GS, and a tracklet whose bib was never read.
            Tracklet {
                id: 30,
                team: Some(TeamLabel::B),
                position: gs,
                presence: &early,
            },
            Tracklet {
                id: 31,
                team: a,
                position: None,
                presence: &late,
            },
        ];
        let joins = stitch(&tracklets, &StitchSettings::default());
        assert_eq!(joins.iter().collect::<Vec<_>>(), [(7, 3), (12, 3)]);
        assert_eq!(joins.player(20), 20);
        assert_eq!(joins.player(30), 30);

        let off = StitchSettings {
            enabled: false,
            ..StitchSettings::default()
        };
        assert!(stitch(&tracklets, &off).is_empty());
    }

    #[test]
    fn a_short_overlap_is_tolerated_up_to_the_setting() {
        let (a, b) = (presence(0..100), presence(80..200));
        let team = Some(TeamLabel::B);
        let wd = Some(Position::WD);
        let tracklets = [
            Tracklet {
                id: 1,
                team,
                position: wd,
                presence: &a,
            },
            Tracklet {
                id: 2,
                team,
                position: wd,
                presence: &b,
            },
        ];
        let tight = StitchSettings {
            max_overlap: 19,
            ..StitchSettings::default()
        };
        assert!(stitch(&tracklets, &tight).is_empty());
        let loose = StitchSettings {
            max_overlap: 20,
            ..StitchSettings::default()
        };
        assert_eq!(stitch(&tracklets, &loose).player(1), 2);
    }

    #[test]
    fn applying_joins_renames_and_keeps_one_box_per_player_and_frame() {
        let joins: Joins = [(7, 3), (12, 3), (4, 4)].into_iter().collect();
        assert_eq!(joins.iter().count(), 2);
        // The player's own tracklet wins over a joined one, wherever it stands.
        let mut frame = vec![(7, 'x'), (5, 'y'), (3, 'z')];
        joins.apply(&mut frame, |t| &mut t.0);
        assert_eq!(frame, [(5, 'y'), (3, 'z')]);
        // Two joined ones without the player's own: the first stays.
        let mut frame = vec![(12, 'x'), (7, 'y')];
        joins.apply(&mut frame, |t| &mut t.0);
        assert_eq!(frame, [(3, 'x')]);
    }
}
