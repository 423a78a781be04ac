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
//! it nearly free of doubt.
//!
//! Tracklets without a bib position (umpires, who wear none; players whose bib was never read)
//! are chained by continuity instead, the classic offline link: one that begins within a few
//! seconds of another's end, of the same class and team, no farther from where that one ended
//! than a runner could cover meanwhile. Distances are in body heights (the boxes' own, so no
//! calibration is needed). Only unambiguous links are made: an end that more than one
//! beginning could continue, or a beginning more than one end could, stays apart, since in a
//! crowd a guess is as likely to merge two people as to mend one. Two things are no ambiguity:
//! a rival that a chain passes through (a -> b -> c beside a -> c), and, for tracklets without
//! a team (officials, who do not crowd), a rival far costlier than the nearest continuation
//! when that continuation's nearest end is this one.
//!
//! Last, a tracklet without a bib position (or whose position another player of its team held
//! at the same time, or without a team) that lies in a gap of one bib player's sightings (her
//! tracker coasted through a crowd and found her again under her own id, while a new track
//! followed her in between) joins her, where she could have run to it and from it and no other
//! player's gap fits it. Near the clip's start or end, such a tracklet fits a player first
//! seen just after it, or last seen just before it, where she could have run between them.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::TeamLabel;
use crate::BoundingBox;
use crate::court::Position;

/// How tracklets are joined.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct StitchSettings {
    /// Join tracklets at all.
    pub enabled: bool,
    /// Analysed frames two tracklets of one player may share: a lost track the detector still
    /// sees on someone else for a moment, before it gives up, should not keep her apart. In
    /// the frames they share, the player keeps her main tracklet's box.
    pub max_overlap: u32,
    /// Longest time, seconds, between the end of a tracklet without a bib position and the
    /// beginning of the one that continues it.
    pub max_gap_s: f64,
    /// How fast a person may have moved between two chained tracklets, in heights of her box a
    /// second (3 is about 5 m/s, a run), on top of one height of slack for the boxes.
    pub heights_per_s: f32,
}

impl Default for StitchSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            max_overlap: 30,
            max_gap_s: 3.0,
            heights_per_s: 3.0,
        }
    }
}

/// Where a tracklet was at one moment: its first or last sighting.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sighting {
    /// Seconds into the video.
    pub time: f64,
    /// The middle of the box's bottom edge, video pixels.
    pub feet: [f32; 2],
    /// The box's height, video pixels.
    pub height: f32,
}

impl Sighting {
    pub fn new(time: f64, bbox: &BoundingBox) -> Self {
        Self {
            time,
            feet: [(bbox.x1 + bbox.x2) / 2.0, bbox.y2],
            height: bbox.height(),
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

    /// The last frame seen.
    pub fn last(&self) -> Option<u64> {
        self.runs.last().map(|&(_, last)| last)
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
    /// The detector's class it was matched to most.
    pub class: usize,
    pub presence: &'a Presence,
    pub first: Sighting,
    pub last: Sighting,
    /// Where it was last seen before and first seen after each gap in its presence, in time
    /// order: a player her tracker coasted through a crowd, and whose id it kept.
    pub gaps: &'a [(Sighting, Sighting)],
}

impl Tracklet<'_> {
    /// Whether `next` may continue this one: it begins after this one ends, soon enough and
    /// near enough, of the same class and team, and at most one of them has a bib position
    /// (two that have one are joined by it, or kept apart by it).
    fn continued_by(&self, next: &Tracklet<'_>, settings: &StitchSettings) -> bool {
        let (a, b) = (&self.last, &next.first);
        if self.class != next.class {
            return false;
        }
        if self.team != next.team || (self.position.is_some() && next.position.is_some()) {
            return false;
        }
        reachable(a, b, settings)
    }

    /// Where a player was seen last before time `from` and first after time `to`, of her
    /// tracklets `members`: the ends of their runs and of the gaps inside them.
    fn around<'b>(
        members: &[&'b Tracklet<'_>],
        from: f64,
        to: f64,
    ) -> (Option<&'b Sighting>, Option<&'b Sighting>) {
        let sightings = || {
            members.iter().flat_map(|t| {
                [&t.first, &t.last]
                    .into_iter()
                    .chain(t.gaps.iter().flat_map(|(a, b)| [a, b]))
            })
        };
        let before = sightings()
            .filter(|s| s.time < from)
            .max_by(|a, b| a.time.total_cmp(&b.time));
        let after = sightings()
            .filter(|s| s.time > to)
            .min_by(|a, b| a.time.total_cmp(&b.time));
        (before, after)
    }
}

/// Whether someone seen at `a` could be seen at `b`, later: soon enough (`max_gap_s`) and
/// near enough for a runner, in heights of her box (see [`StitchSettings::heights_per_s`]).
fn reachable(a: &Sighting, b: &Sighting, settings: &StitchSettings) -> bool {
    let dt = b.time - a.time;
    dt > 0.0
        && dt <= settings.max_gap_s
        && heights_apart(a, b) <= 1.0 + f64::from(settings.heights_per_s) * dt
}

/// How far apart two sightings are for a continuity link: the distance in body heights plus
/// the time between them in the heights a runner covers meanwhile (`heights_per_s`).
fn link_cost(a: &Sighting, b: &Sighting, settings: &StitchSettings) -> f64 {
    heights_apart(a, b) + f64::from(settings.heights_per_s) * (b.time - a.time)
}

/// The distance between two sightings' feet, in their mean box height.
fn heights_apart(a: &Sighting, b: &Sighting) -> f64 {
    let height = f64::from(a.height + b.height) / 2.0;
    f64::from(a.feet[0] - b.feet[0]).hypot(f64::from(a.feet[1] - b.feet[1])) / height
}

/// How much nearer (by [`link_cost`]) a continuation must be than its rivals to be taken.
const CLEAR_MARGIN: f64 = 0.25;

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

/// Joins the tracklets of one player: those of one team and one bib position never seen
/// together (or in at most `max_overlap` frames), and chains of tracklets without a bib
/// position that continue one another (see the module's notes).
pub fn stitch(tracklets: &[Tracklet<'_>], settings: &StitchSettings) -> Joins {
    if !settings.enabled {
        return Joins::default();
    }
    let bibs = by_bib(tracklets, settings);
    let chained = by_continuity(tracklets, &bibs, settings);
    let joins: Joins = bibs.joins.iter().chain(chained).collect();
    let filled = into_gaps(tracklets, &bibs, &joins, settings);
    joins.iter().chain(filled).collect()
}

/// The players joined by bib: which tracklet became whose, and the frames each player (by
/// id) was seen in.
struct BibPlayers {
    joins: Joins,
    seen: BTreeMap<u32, Presence>,
    /// Players seen at the same time as a longer one of their team and position (one of the
    /// two was read wrong, and it is more likely the shorter), and tracklets with a bib but no
    /// team (too little of the kit was seen to tell: a short one, whose few readings are
    /// as likely a neighbour's bib).
    doubtful: BTreeSet<u32>,
}

/// Longest first: each tracklet joins the first player of its team and position it does not
/// overlap, or becomes a player of its own; two players of one team and position stay apart
/// when the bib reader or the tracker got one of them wrong.
fn by_bib(tracklets: &[Tracklet<'_>], settings: &StitchSettings) -> BibPlayers {
    let mut groups: BTreeMap<(TeamLabel, usize), Vec<&Tracklet<'_>>> = BTreeMap::new();
    // A tracklet with a bib but no team is a player of its own, and a doubtful one.
    let mut seen_by = BTreeMap::new();
    let mut doubtful = BTreeSet::new();
    for t in tracklets {
        match (t.team, t.position) {
            (Some(team), Some(position)) => {
                groups.entry((team, position.index())).or_default().push(t);
            }
            (None, Some(_)) => {
                seen_by.insert(t.id, t.presence.clone());
                doubtful.insert(t.id);
            }
            _ => {}
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
        doubtful.extend(players.iter().skip(1).map(|(id, _)| *id));
        seen_by.extend(players);
    }
    BibPlayers {
        joins: joins.into_iter().collect(),
        seen: seen_by,
        doubtful,
    }
}

/// Links each tracklet's end to the one beginning that may continue it, where that beginning
/// may continue no other end, and returns the joins of the chains' tracklets without a bib
/// position:
/// - a chain without one read bib becomes one player, under the id of its longest tracklet;
/// - a chain through tracklets of one bib player (`bibs` says whose) joins her, its tracklets
///   without a bib taking her position: a player lost in a crowd whose bib could not be read
///   until she came out of it. They may share at most `max_overlap` frames with her, as
///   tracklets joined by bib may;
/// - a chain through two bib players' tracklets joins nothing: it runs between two people.
fn by_continuity(
    tracklets: &[Tracklet<'_>],
    bibs: &BibPlayers,
    settings: &StitchSettings,
) -> Vec<(u32, u32)> {
    let mut links: Vec<(usize, usize)> = Vec::new();
    for (i, a) in tracklets.iter().enumerate() {
        for (j, b) in tracklets.iter().enumerate() {
            if a.continued_by(b, settings) {
                links.push((i, j));
            }
        }
    }
    // A link passed over by a chain of two (a -> b -> c beside a -> c: b lies wholly between
    // a's end and c's beginning, and may continue the one and be continued by the other) says
    // nothing the chain does not: it is no rival continuation. Without this, a person whose
    // tracker broke twice in a few seconds was left in three pieces.
    let linked: BTreeSet<(usize, usize)> = links.iter().copied().collect();
    links.retain(|&(a, c)| {
        !linked
            .range((a, 0)..(a + 1, 0))
            .any(|&(_, b)| b != c && linked.contains(&(b, c)))
    });
    // An end and a beginning with no rival are linked. Without a team (officials, who do not
    // crowd), an end also goes to its nearest beginning (in time and place, see `link_cost`)
    // where that beginning's nearest end is it, both by a clear margin over any rival: a far
    // official lost for a moment beside her own reappearance, and within reach of the near
    // one's a few seconds later, is still her own. Players stay strict: a chain that reaches
    // two bib players joins nothing, so a guessed link can lose the sure ones around it.
    let cost =
        |&(i, j): &(usize, usize)| link_cost(&tracklets[i].last, &tracklets[j].first, settings);
    // The links from each end and into each beginning, with their costs.
    let (mut after, mut before) = (
        vec![Vec::new(); tracklets.len()],
        vec![Vec::new(); tracklets.len()],
    );
    for link in &links {
        let c = cost(link);
        after[link.0].push((c, *link));
        before[link.1].push((c, *link));
    }
    let best = |at: usize, mut rivals: Vec<(f64, (usize, usize))>| {
        rivals.sort_by(|a, b| a.0.total_cmp(&b.0));
        match rivals[..] {
            [(c, link), (rival, _), ..]
                if tracklets[at].team.is_none() && c <= CLEAR_MARGIN * rival =>
            {
                Some(link)
            }
            [(_, link)] => Some(link),
            _ => None,
        }
    };
    let taken: BTreeSet<(usize, usize)> = after
        .into_iter()
        .enumerate()
        .filter_map(|(i, rivals)| best(i, rivals))
        .collect();
    let mut next: Vec<Option<usize>> = vec![None; tracklets.len()];
    let mut linked_to = vec![false; tracklets.len()];
    for (j, rivals) in before.into_iter().enumerate() {
        if let Some((i, j)) = best(j, rivals).filter(|link| taken.contains(link)) {
            next[i] = Some(j);
            linked_to[j] = true;
        }
    }
    let mut joins = Vec::new();
    for head in (0..tracklets.len()).filter(|&i| !linked_to[i] && next[i].is_some()) {
        let (mut chain, mut at) = (vec![head], head);
        while let Some(j) = next[at] {
            chain.push(j);
            at = j;
        }
        let members = || chain.iter().map(|&i| &tracklets[i]);
        let mut players: Vec<u32> = members()
            .filter(|t| t.position.is_some())
            .map(|t| bibs.joins.player(t.id))
            .collect();
        players.dedup();
        let unread = || members().filter(|t| t.position.is_none());
        let player = match players[..] {
            [] => members()
                .max_by_key(|t| (t.presence.len(), std::cmp::Reverse(t.id)))
                .map_or(tracklets[head].id, |t| t.id),
            [player] => {
                let seen = &bibs.seen[&player];
                if unread().any(|t| seen.overlap(t.presence) > u64::from(settings.max_overlap)) {
                    continue;
                }
                player
            }
            _ => continue,
        };
        joins.extend(unread().map(|t| (t.id, player)));
    }
    joins
}

/// Joins each tracklet without a bib position (or with one [`BibPlayers::doubtful`] makes
/// doubtful), still apart after the other joins, to the one bib player it fits in a gap of: of
/// her team (or of no team it could be told), never seen with her, and reachable from where
/// she was last seen before it, and she from where it ended. This is a player the tracker lost
/// in a crowd for a moment and found again under her own id (so no tracklet of hers ends there
/// for [`by_continuity`]), while a new track followed her in between. Within `max_gap_s` of the
/// clip's first or last sighting, her absence before or after it fits too: the clip began
/// while a new track followed her, or ended before she was found again. Where two players'
/// gaps fit it, it stays apart: of a team's seven, it is the one nobody else accounts for.
fn into_gaps(
    tracklets: &[Tracklet<'_>],
    bibs: &BibPlayers,
    joins: &Joins,
    settings: &StitchSettings,
) -> Vec<(u32, u32)> {
    // Each bib player's tracklets, by her id.
    let mut players: BTreeMap<u32, Vec<&Tracklet<'_>>> = BTreeMap::new();
    for t in tracklets {
        let player = joins.player(t.id);
        if bibs.seen.contains_key(&player) && !bibs.doubtful.contains(&player) {
            players.entry(player).or_default().push(t);
        }
    }
    let taken: BTreeSet<u32> = joins.iter().map(|(_, p)| p).collect();
    // The clip's first and last sightings of anyone.
    let start = tracklets
        .iter()
        .map(|t| t.first.time)
        .fold(f64::INFINITY, f64::min);
    let end = tracklets
        .iter()
        .map(|t| t.last.time)
        .fold(f64::NEG_INFINITY, f64::max);
    let mut found = Vec::new();
    for t in tracklets {
        let unread = t.position.is_none() || bibs.doubtful.contains(&t.id);
        if !unread || joins.player(t.id) != t.id || taken.contains(&t.id) {
            continue;
        }
        let mut fits = players.iter().filter(|(_, members)| {
            let her = members[0];
            let team_fits = t.team.is_none() || t.team == her.team;
            if !team_fits || t.class != her.class {
                return false;
            }
            if members.iter().any(|m| m.presence.overlap(t.presence) > 0) {
                return false;
            }
            // Near the clip's start or end she may be seen on one side of it only.
            let edge = |gap: f64| gap <= settings.max_gap_s;
            match Tracklet::around(members, t.first.time, t.last.time) {
                (Some(before), Some(after)) => {
                    reachable(before, &t.first, settings) && reachable(&t.last, after, settings)
                }
                (None, Some(after)) if edge(t.first.time - start) => {
                    reachable(&t.last, after, settings)
                }
                (Some(before), None) if edge(end - t.last.time) => {
                    reachable(before, &t.first, settings)
                }
                _ => false,
            }
        });
        if let (Some((&player, _)), None) = (fits.next(), fits.next()) {
            found.push((t.id, player));
        }
    }
    found
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

    /// A tracklet of class 0 seen standing still at `x` (boxes 100 px high), 25 frames a
    /// second, in the frames of `presence`.
    fn tracklet(
        id: u32,
        team: Option<TeamLabel>,
        position: Option<Position>,
        presence: &Presence,
        x: (f32, f32),
    ) -> Tracklet<'_> {
        let at = |frame: u64, x: f32| Sighting {
            time: frame as f64 / 25.0,
            feet: [x, 500.0],
            height: 100.0,
        };
        Tracklet {
            id,
            team,
            position,
            class: 0,
            presence,
            first: at(presence.runs.first().map_or(0, |r| r.0), x.0),
            last: at(presence.runs.last().map_or(0, |r| r.1), x.1),
            gaps: &[],
        }
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
        let (a, gs, far) = (Some(TeamLabel::A), Some(Position::GS), (0.0, 5000.0));
        let tracklets = [
            tracklet(7, a, gs, &early, far),
            tracklet(3, a, gs, &long, far),
            tracklet(12, a, gs, &late, far),
            // Seen with the long one for 100 frames: another player whose bib was misread.
            tracklet(20, a, gs, &overlapping, far),
            // The other team's GS, and a tracklet whose bib was never read.
            tracklet(30, Some(TeamLabel::B), gs, &early, far),
            tracklet(31, a, None, &late, far),
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
        let (team, wd, x) = (Some(TeamLabel::B), Some(Position::WD), (0.0, 0.0));
        let tracklets = [tracklet(1, team, wd, &a, x), tracklet(2, team, wd, &b, x)];
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
    fn tracklets_without_a_bib_are_chained_where_one_could_run_to_the_next() {
        // An umpire lost at x = 1000 and found again 2 s later 600 px (6 heights) away: within
        // a run of 3 heights a second. Then lost again and found 1 s later 900 px off, too far.
        let (a, b, c) = (presence(0..100), presence(150..400), presence(425..600));
        let tracklets = [
            tracklet(1, None, None, &a, (900.0, 1000.0)),
            tracklet(2, None, None, &b, (1600.0, 2000.0)),
            tracklet(3, None, None, &c, (2900.0, 2900.0)),
        ];
        let joins = stitch(&tracklets, &StitchSettings::default());
        // The chain keeps the id of its longest tracklet.
        assert_eq!(joins.iter().collect::<Vec<_>>(), [(1, 2)]);
        let slow = StitchSettings {
            heights_per_s: 2.0,
            ..StitchSettings::default()
        };
        assert!(stitch(&tracklets, &slow).is_empty());
        let impatient = StitchSettings {
            max_gap_s: 1.5,
            ..StitchSettings::default()
        };
        assert!(stitch(&tracklets, &impatient).is_empty());

        // Not across teams or classes, and not where another tracklet could continue the
        // same end.
        let other_team = [
            tracklet(1, Some(TeamLabel::A), None, &a, (900.0, 1000.0)),
            tracklet(2, Some(TeamLabel::B), None, &b, (1000.0, 1000.0)),
        ];
        assert!(stitch(&other_team, &StitchSettings::default()).is_empty());
        let mut umpire = tracklet(2, None, None, &b, (1000.0, 1000.0));
        umpire.class = 1;
        assert!(
            stitch(
                &[tracklet(1, None, None, &a, (0.0, 1000.0)), umpire],
                &StitchSettings::default()
            )
            .is_empty()
        );
        let (sooner, later) = (presence(110..200), presence(130..300));
        let rivals = [
            tracklet(1, None, None, &a, (1000.0, 1000.0)),
            tracklet(2, None, None, &later, (1000.0, 1000.0)),
            tracklet(3, None, None, &sooner, (1000.0, 1000.0)),
        ];
        assert!(stitch(&rivals, &StitchSettings::default()).is_empty());
        assert_eq!(
            stitch(&rivals[..2], &StitchSettings::default()).player(1),
            2
        );
    }

    #[test]
    fn a_tracklet_between_two_pieces_is_no_rival_of_the_chain_through_it() {
        // Broken twice in a few seconds on one spot: the first piece could run to the last
        // one directly too, but the middle piece lies wholly between them, so the three are
        // one chain, not two rival continuations of the first.
        let (a, b, c) = (presence(0..100), presence(110..150), presence(160..400));
        let spot = (1000.0, 1000.0);
        let tracklets = [
            tracklet(1, None, None, &a, spot),
            tracklet(2, None, None, &b, spot),
            tracklet(3, None, None, &c, spot),
        ];
        let joins = stitch(&tracklets, &StitchSettings::default());
        assert_eq!(joins.iter().collect::<Vec<_>>(), [(1, 3), (2, 3)]);
        // Two pieces beginning about as soon and as near are rivals: neither is taken.
        let (one, other) = (presence(110..170), presence(112..400));
        let rivals = [
            tracklet(1, None, None, &a, spot),
            tracklet(2, None, None, &one, spot),
            tracklet(3, None, None, &other, spot),
        ];
        assert!(stitch(&rivals, &StitchSettings::default()).is_empty());
    }

    #[test]
    fn a_clearly_nearer_continuation_beats_a_rival_within_reach() {
        // A far official lost for a moment and found again beside where she was; 2.8 s later
        // a track begins 300 px away, within a runner's reach of where she was lost: the near
        // official, whose own track ended just before it.
        let (lost, found, near_ends, near_begins) = (
            presence(0..100),
            presence(103..400),
            presence(0..168),
            presence(170..400),
        );
        let tracklets = [
            tracklet(1, None, None, &lost, (1000.0, 1000.0)),
            tracklet(2, None, None, &found, (1010.0, 1010.0)),
            tracklet(3, None, None, &near_ends, (1300.0, 1300.0)),
            tracklet(4, None, None, &near_begins, (1305.0, 1305.0)),
        ];
        let joins = stitch(&tracklets, &StitchSettings::default());
        assert_eq!(joins.iter().collect::<Vec<_>>(), [(1, 2), (3, 4)]);
    }

    #[test]
    fn a_tracklet_without_a_bib_joins_the_bib_player_it_runs_between() {
        // GA of team A: seen until frame 99, lost in a crowd, then a tracklet whose bib was
        // never read, then her bib read again from frame 425.
        let (before, unread, after) = (presence(0..100), presence(150..400), presence(425..600));
        let (a, ga) = (Some(TeamLabel::A), Some(Position::GA));
        let tracklets = [
            tracklet(1, a, ga, &before, (900.0, 1000.0)),
            tracklet(2, a, None, &unread, (1100.0, 1500.0)),
            tracklet(3, a, ga, &after, (1600.0, 1600.0)),
        ];
        let joins = stitch(&tracklets, &StitchSettings::default());
        // By bib the short one joins the long one; the unread one joins her too.
        assert_eq!(joins.iter().collect::<Vec<_>>(), [(1, 3), (2, 3)]);

        // Between two players' tracklets the chain runs from one person to another: nothing
        // joins the unread one.
        let mut two = tracklets;
        two[2].position = Some(Position::GD);
        assert!(stitch(&two, &StitchSettings::default()).is_empty());

        // Nor where it shares more frames with her than a join may: someone else beside her.
        let beside = presence(150..500);
        let crowded = [
            tracklet(1, a, ga, &before, (900.0, 1000.0)),
            tracklet(2, a, None, &beside, (1100.0, 1500.0)),
            tracklet(3, a, ga, &after, (5000.0, 5000.0)),
        ];
        let joins = stitch(&crowded, &StitchSettings::default());
        assert_eq!(joins.iter().collect::<Vec<_>>(), [(1, 3)]);
    }

    #[test]
    fn a_tracklet_in_a_gap_of_a_bib_player_joins_her() {
        // WD of team B, tracked under one id through frames 0-599 but lost at x = 1000 in
        // frames 200-249; an unread tracklet follows someone from x = 1050 to 1150 in frames
        // 205-244, and she is found again at x = 1200.
        let main = presence((0..200).chain(250..600));
        let inside = presence(205..245);
        let at = |frame: u64, x: f32| Sighting {
            time: frame as f64 / 25.0,
            feet: [x, 500.0],
            height: 100.0,
        };
        let gaps = [(at(199, 1000.0), at(250, 1200.0))];
        let (b, wd) = (Some(TeamLabel::B), Some(Position::WD));
        let mut her = tracklet(1, b, wd, &main, (0.0, 2000.0));
        her.gaps = &gaps;
        let fragment = tracklet(2, None, None, &inside, (1050.0, 1150.0));
        let joins = stitch(&[her, fragment], &StitchSettings::default());
        assert_eq!(joins.iter().collect::<Vec<_>>(), [(2, 1)]);

        // Not from too far away for the time it had, not from the other team, and not where
        // another player's gap fits it as well.
        let far = tracklet(2, None, None, &inside, (3050.0, 3150.0));
        assert!(stitch(&[her, far], &StitchSettings::default()).is_empty());
        let other_team = tracklet(2, Some(TeamLabel::A), None, &inside, (1050.0, 1150.0));
        assert!(stitch(&[her, other_team], &StitchSettings::default()).is_empty());
        let mut rival = tracklet(3, b, Some(Position::C), &main, (0.0, 2000.0));
        rival.gaps = &gaps;
        assert!(stitch(&[her, fragment, rival], &StitchSettings::default()).is_empty());
        // Nor where she was seen at the same time: someone else beside her.
        let beside = presence(150..245);
        let crowd = tracklet(2, None, None, &beside, (1050.0, 1150.0));
        assert!(stitch(&[her, crowd], &StitchSettings::default()).is_empty());

        // A tracklet that read the bib of a C seen at the same time read it wrong: it is as
        // good as unread, and joins her too. A read bib nobody else claims keeps it apart.
        let (c, everywhere) = (Some(Position::C), presence(0..600));
        let the_c = tracklet(4, b, c, &everywhere, (5000.0, 5000.0));
        let misread = tracklet(2, b, c, &inside, (1050.0, 1150.0));
        let joins = stitch(&[her, the_c, misread], &StitchSettings::default());
        assert_eq!(joins.iter().collect::<Vec<_>>(), [(2, 1)]);
        assert!(stitch(&[her, misread], &StitchSettings::default()).is_empty());
        // So is one whose bib was read but whose kit could not be told.
        let teamless = tracklet(2, None, c, &inside, (1050.0, 1150.0));
        let joins = stitch(&[her, teamless], &StitchSettings::default());
        assert_eq!(joins.iter().collect::<Vec<_>>(), [(2, 1)]);
    }

    #[test]
    fn a_tracklet_before_a_bib_players_first_sighting_joins_her_when_she_is_the_one_it_fits() {
        // The clip starts with an unread tracklet of team B (frames 0-46, x 1000 -> 1100).
        // Its WD is first seen at frame 48, at x 1120, where an unread tracklet of someone
        // else also begins (so no chain links them), and its C from frame 0 on, elsewhere.
        let (opening, rest, soon, everywhere) = (
            presence(0..47),
            presence(48..600),
            presence(50..100),
            presence(0..600),
        );
        let b = Some(TeamLabel::B);
        let wd = tracklet(1, b, Some(Position::WD), &rest, (1120.0, 2000.0));
        let c = tracklet(3, b, Some(Position::C), &everywhere, (5000.0, 5000.0));
        let other = tracklet(5, b, None, &soon, (1130.0, 1400.0));
        let fragment = tracklet(2, b, None, &opening, (1000.0, 1100.0));
        // By elimination: the C was seen all along, so only the WD's absence fits it.
        let joins = stitch(&[wd, c, other, fragment], &StitchSettings::default());
        assert_eq!((joins.player(2), joins.player(5)), (1, 5));
        // Not when she is first seen too far from where it ended for the time between.
        let far = tracklet(2, b, None, &opening, (1000.0, 4000.0));
        let joins = stitch(&[wd, c, other, far], &StitchSettings::default());
        assert_eq!(joins.player(2), 2);
        // Nor when a second player of the team is first seen only then too.
        let gd = tracklet(4, b, Some(Position::GD), &rest, (1150.0, 3000.0));
        let joins = stitch(&[wd, c, gd, other, fragment], &StitchSettings::default());
        assert_eq!(joins.player(2), 2);
        // One that read the bib of the C, seen all along, read it wrong: it is as good as
        // unread, and joins the WD too.
        let misread = tracklet(2, b, Some(Position::C), &opening, (1000.0, 1100.0));
        let joins = stitch(&[wd, c, misread], &StitchSettings::default());
        assert_eq!(joins.player(2), 1);
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
