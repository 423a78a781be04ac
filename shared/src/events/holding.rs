//! Who holds the ball: frame by frame, the player whose hands it is in, then the spans over
//! which one player held it.
//!
//! Written here rather than taken from a library: no crate does ball possession from boxes.
//! The image alone decides (the ball's height above the floor is unknown from one camera), so
//! a ball is in a player's hands when it is within her reach in the picture *and* moves with
//! her: a ball in flight crosses many boxes, but never at their speed for long.

use std::collections::BTreeMap;

use super::{EventSettings, Scene, ScenePlayer};
use crate::BoundingBox;
use crate::track::TeamLabel;

/// Where a player's chest is, as a share of her box's height from its top: a held ball is
/// nearest there (held at the chest, or above the head to pass or shoot).
const CHEST: f32 = 0.3;

/// One player holding the ball, from scene `first` to scene `last` (indices into the scenes).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Hold {
    pub track: u32,
    pub first: usize,
    pub last: usize,
}

/// The tracks whose hands the ball (centre `ball`) is within reach of, reaching `above` box
/// heights over their box, with how far it is from each one's chest, in box heights.
fn in_reach<'a>(
    ball: (f32, f32),
    scene: &'a Scene,
    s: &'a EventSettings,
    above: f32,
) -> impl Iterator<Item = (f32, u32)> + 'a {
    scene.players.iter().filter_map(move |p| {
        let b = &p.bbox;
        let (w, h) = (b.width(), b.height());
        let reaches = h > 0.0
            && ball.0 >= b.x1 - s.reach_side * w
            && ball.0 <= b.x2 + s.reach_side * w
            && ball.1 >= b.y1 - above * h
            && ball.1 <= b.y1 + s.reach_below * h;
        reaches.then(|| {
            let chest = ((b.x1 + b.x2) / 2.0, b.y1 + CHEST * h);
            ((ball.0 - chest.0).hypot(ball.1 - chest.1) / h, p.track)
        })
    })
}

/// Of players within reach (`in_reach`'s distances and tracks), the one whose chest is
/// nearest the ball.
fn nearest(reach: impl Iterator<Item = (f32, u32)>) -> Option<(f32, u32)> {
    reach.min_by(|a, b| a.0.total_cmp(&b.0))
}

/// Where a shot that reached the ring at scene `at_ring` left someone's hands, searching
/// back no earlier than scene `from`: the last scene before the top of its flight where it
/// was within a player's reach, and the player whose hands it was nearest there.
pub(super) fn released(
    scenes: &[Scene],
    ball: &[Option<(f32, f32)>],
    from: usize,
    at_ring: usize,
    s: &EventSettings,
) -> Option<(usize, u32)> {
    let apex = super::ring::apex(ball, from, at_ring)?;
    (from..=apex).rev().find_map(|k| {
        let c = ball.get(k).copied().flatten()?;
        nearest(in_reach(c, &scenes[k], s, s.reach_above)).map(|(_, track)| (k, track))
    })
}

/// The ball's speed at scene `i` relative to the centre of `track`'s box, from the scenes
/// either side, in box heights per second. Unknown (no neighbour, or the track or ball missing
/// there) is 0: the reach alone decides.
fn relative_speed(track: u32, i: usize, scenes: &[Scene], ball: &[Option<(f32, f32)>]) -> f32 {
    let (Some(before), Some(after)) = (i.checked_sub(1), Some(i + 1).filter(|&j| j < scenes.len()))
    else {
        return 0.0;
    };
    let (Some(b0), Some(b1)) = (ball[before], ball[after]) else {
        return 0.0;
    };
    let (Some(p0), Some(p1)) = (scenes[before].player(track), scenes[after].player(track)) else {
        return 0.0;
    };
    let dt = (scenes[after].time - scenes[before].time) as f32;
    let h = (p0.bbox.height() + p1.bbox.height()) / 2.0;
    if dt <= 0.0 || h <= 0.0 {
        return 0.0;
    }
    let (c0, c1) = (p0.bbox.center(), p1.bbox.center());
    let dx = (b1.0 - b0.0) - (c1.0 - c0.0);
    let dy = (b1.1 - b0.1) - (c1.1 - c0.1);
    dx.hypot(dy) / h / dt
}

/// The player last seen holding the ball.
#[derive(Clone, Copy)]
struct Holding {
    track: u32,
    /// When she was last seen with it, where the ball was then, and her box.
    seen: f64,
    ball: (f32, f32),
    bbox: crate::BoundingBox,
}

impl Holding {
    /// `p` seen with the ball at `ball` at time `seen`.
    fn new(p: &ScenePlayer, seen: f64, ball: (f32, f32)) -> Self {
        Self {
            track: p.track,
            seen,
            ball,
            bbox: p.bbox,
        }
    }
}

/// The holder of each scene, where one is seen: the player within reach of the ball and
/// moving with it. Taking the ball asks more than keeping it (the ball no higher over her
/// head, and moving less against her, than a held ball may): a lob coming down slowly by a
/// player's head is not hers yet. A holder keeps the ball while it stays in her reach, even when another
/// player's chest is nearer (a defender in front of a shooter overlaps her in the picture);
/// while her box is missing (a missed detection) the ball stays hers as long as it stays
/// where she had it, and the scene has no holder. Once she has held it `handover_s`, longer
/// than the rules let her, play has stopped and the ball is the other team's: a player of
/// the other kit (by `teams`) whose chest is nearer the ball takes it, as at a free pass,
/// taken where the offence was while the offender steps back.
///
/// Of two players who could both be taking the ball, about as near it (within
/// [`CATCH_TIE`]), the teammate of its last holder (by `teams`) takes it: most passes are
/// caught, and a defender marking the catcher overlaps her in the picture (a goal keeper
/// behind the shooter she marks in the circle), so the picture alone cannot tell them apart.
pub(super) fn holders(
    scenes: &[Scene],
    ball: &[Option<(f32, f32)>],
    teams: &BTreeMap<u32, TeamLabel>,
    s: &EventSettings,
) -> Vec<Option<u32>> {
    let mut holding: Option<Holding> = None;
    let mut out: Vec<Option<u32>> = Vec::with_capacity(scenes.len());
    // The team of the last player who held the ball long enough to have it (a ball flying
    // past a player's hands is in her reach for a few frames), and the run of the latest
    // holder seen: her track and since when.
    let mut passer_team: Option<TeamLabel> = None;
    let mut run: Option<(u32, f64)> = None;
    // Since when, and where, the ball has lain still with nobody holding it.
    let mut rest: Option<Rest> = None;
    for (i, scene) in scenes.iter().enumerate() {
        if let Some(&Some(last)) = out.last() {
            let since = match run {
                Some((track, since)) if track == last => since,
                _ => scenes[i - 1].time,
            };
            run = Some((last, since));
            if scenes[i - 1].time - since + 1e-6 >= s.min_hold_s {
                passer_team = teams.get(&last).copied();
            }
        }
        let Some(c) = ball[i] else {
            out.push(None);
            continue;
        };
        let speed = |track: u32| relative_speed(track, i, scenes, ball);
        if let Some(h) = holding {
            let recent = scene.time - h.seen <= s.max_break_s;
            let reach = in_reach(c, scene, s, s.reach_above).find(|&(_, t)| t == h.track);
            match (scene.player(h.track), reach) {
                (Some(p), Some((hers, _))) if speed(h.track) <= s.max_relative_speed => {
                    let kit = teams.get(&h.track);
                    let stopped = kit.is_some()
                        && run.is_some_and(|(t, since)| {
                            t == h.track && scene.time - since >= s.handover_s
                        });
                    // Play has stopped and the ball is the other team's: one of them nearer
                    // it than she is has taken it.
                    let handed = stopped
                        .then(|| {
                            nearest(in_reach(c, scene, s, s.catch_above).filter(|&(d, t)| {
                                d < hers
                                    && teams.get(&t).is_some_and(|k| Some(k) != kit)
                                    && speed(t) <= s.catch_relative_speed
                            }))
                        })
                        .flatten()
                        .and_then(|(_, t)| scene.player(t));
                    let p = handed.unwrap_or(p);
                    holding = Some(Holding::new(p, scene.time, c));
                    out.push(Some(p.track));
                    continue;
                }
                (Some(_), _) => {}
                // A new id where she was: the tracker lost her and started again.
                (None, _) if recent => {
                    let renamed = in_reach(c, scene, s, s.reach_above).find_map(|(_, t)| {
                        let p = scene.player(t)?;
                        (p.bbox.iou(&h.bbox) >= SAME_PLACE_IOU && speed(t) <= s.max_relative_speed)
                            .then_some(p)
                    });
                    if let Some(p) = renamed {
                        holding = Some(Holding::new(p, scene.time, c));
                        out.push(Some(p.track));
                        continue;
                    }
                    if (c.0 - h.ball.0).hypot(c.1 - h.ball.1) <= h.bbox.height() {
                        out.push(None);
                        continue;
                    }
                }
                (None, _) => {}
            }
        }
        // Nobody holds it, or she let it go: whoever it is now with.
        // A ball that has lain still, held by nobody, for `rest_s` is on the floor (dropped,
        // or out of court awaiting the throw-in). In the picture it is then within the reach
        // of anyone standing a few metres nearer the camera, whose chest it appears beside;
        // only a player whose feet are level with it in the picture stands at it and can
        // pick it up.
        let resting = rest.is_some_and(|r| scene.time - r.since + 1e-6 >= s.rest_s);
        let at_the_ball = |t: u32| {
            !resting
                || scene
                    .player(t)
                    .is_some_and(|p| (p.bbox.y2 - c.1).abs() <= s.pickup_rows * p.bbox.height())
        };
        let takers: Vec<(f32, u32)> = in_reach(c, scene, s, s.catch_above)
            .filter(|&(_, t)| speed(t) <= s.catch_relative_speed && at_the_ball(t))
            .collect();
        let taker = nearest(takers.iter().copied()).map(|(d, t)| {
            let teammates = takers.iter().copied().filter(|&(e, u)| {
                passer_team.is_some() && teams.get(&u) == passer_team.as_ref() && e - d <= CATCH_TIE
            });
            nearest(teammates).map_or(t, |(_, u)| u)
        });
        holding = taker.and_then(|track| Some(Holding::new(scene.player(track)?, scene.time, c)));
        // A holder keeps the ball through the scenes above (which skip this), so the ball
        // lies only from a scene in which nobody took it.
        rest = match (holding, rest) {
            (Some(_), _) => None,
            (None, Some(r)) if still_reach(scene).is_some_and(|reach| r.holds(c, reach)) => {
                Some(r.with(c))
            }
            (None, _) => Some(Rest::new(scene.time, c)),
        };
        out.push(holding.map(|h| h.track));
    }
    out
}

/// Where a loose ball has lain since when: the mean of where it was seen (its box jitters).
#[derive(Clone, Copy)]
struct Rest {
    since: f64,
    sum: (f32, f32),
    seen: u32,
}

impl Rest {
    fn new(since: f64, at: (f32, f32)) -> Self {
        Self {
            since,
            sum: at,
            seen: 1,
        }
    }

    fn at(&self) -> (f32, f32) {
        let n = self.seen as f32;
        (self.sum.0 / n, self.sum.1 / n)
    }

    /// Whether a ball seen at `c` still lies here, within `reach` pixels.
    fn holds(&self, c: (f32, f32), reach: f32) -> bool {
        let at = self.at();
        (c.0 - at.0).hypot(c.1 - at.1) <= reach
    }

    fn with(self, c: (f32, f32)) -> Self {
        Self {
            since: self.since,
            sum: (self.sum.0 + c.0, self.sum.1 + c.1),
            seen: self.seen + 1,
        }
    }
}

/// How far a ball may move in the picture and still lie where it was: box jitter, as a
/// share of the scene's median box height (the ball's own box is a few pixels wide).
fn still_reach(scene: &Scene) -> Option<f32> {
    let mut heights: Vec<f32> = scene.players.iter().map(|p| p.bbox.height()).collect();
    if heights.is_empty() {
        return None;
    }
    let mid = heights.len() / 2;
    let (_, median, _) = heights.select_nth_unstable_by(mid, f32::total_cmp);
    Some(STILL_REACH * *median)
}

/// See [`still_reach`].
const STILL_REACH: f32 = 0.15;

/// The holds: runs of one holder (across scenes with none, up to `max_break_s`) lasting at
/// least `min_hold_s`, with runs of the same player joined across short breaks. A break
/// where the tracker gave the same player a new id counts as the same player when her boxes
/// either side overlap. `rings` and `times` are each scene's rings (see [`super::ring::rings`])
/// and time.
pub(super) fn holds(
    scenes: &[Scene],
    ball: &[Option<(f32, f32)>],
    holders: &[Option<u32>],
    rings: &[Vec<BoundingBox>],
    times: &[f64],
    teams: &BTreeMap<u32, TeamLabel>,
    s: &EventSettings,
) -> Vec<Hold> {
    // A hold that ran past `handover_s` and the other team's that follows it at once are the
    // free pass after the whistle, never one hold (see [`holders`]).
    let handed_over = |prev: &Hold, next: &Hold| {
        duration(prev, scenes) >= s.handover_s
            && teams
                .get(&prev.track)
                .zip(teams.get(&next.track))
                .is_some_and(|(a, b)| a != b)
    };
    let mut runs: Vec<Hold> = Vec::new();
    for (i, holder) in holders.iter().enumerate() {
        let Some(track) = *holder else { continue };
        match runs.last_mut() {
            Some(run)
                if run.track == track
                    && holders[run.last + 1..i].iter().all(Option::is_none)
                    && scenes[i].time - scenes[run.last].time <= s.max_break_s =>
            {
                run.last = i;
            }
            _ => runs.push(Hold {
                track,
                first: i,
                last: i,
            }),
        }
    }
    // Runs of two players with no time for a flight between them are one hold, before short
    // ones are dropped: one of the two never had it (a neighbour whose box covered the ball;
    // under the ring the holder seen flips between a rebounder and her marker, each run too
    // short to count alone), so the one who held it longer had it throughout.
    let mut joined: Vec<Hold> = Vec::with_capacity(runs.len());
    for run in runs {
        match joined.last_mut() {
            Some(prev)
                if scenes[run.first].time - scenes[prev.last].time < s.min_flight_s
                    && !handed_over(prev, &run) =>
            {
                if duration(&run, scenes) > duration(prev, scenes) {
                    prev.track = run.track;
                }
                prev.last = run.last;
            }
            _ => joined.push(run),
        }
    }
    let mut runs = joined;
    // Half a frame's slack: a hold of exactly `min_hold_s` must not fail on rounding.
    runs.retain(|r| scenes[r.last].time - scenes[r.first].time + 1e-6 >= s.min_hold_s);
    let mut merged: Vec<Hold> = Vec::new();
    for run in runs {
        match merged.last_mut() {
            Some(prev)
                if same_holder(prev, &run, scenes, ball, rings, times, s)
                    && !handed_over(prev, &run) =>
            {
                prev.last = run.last;
            }
            _ => merged.push(run),
        }
    }
    let mut earliest = 0;
    for hold in &mut merged {
        hold.first = caught(hold, earliest, scenes, ball, s);
        earliest = hold.last + 1;
    }
    merged
}

/// When the ball's flight into `hold` ended: in a crowd the catcher's box is often missing or
/// on someone else for a few frames, so the hold is seen late; but the ball stops flying
/// when it is caught. Walks back from the hold's first scene (not before `earliest`) while
/// the ball, seen in every scene, stays slow and near where the hold starts.
fn caught(
    hold: &Hold,
    earliest: usize,
    scenes: &[Scene],
    ball: &[Option<(f32, f32)>],
    s: &EventSettings,
) -> usize {
    let (Some(start), Some(p)) = (ball[hold.first], scenes[hold.first].player(hold.track)) else {
        return hold.first;
    };
    let h = p.bbox.height();
    let mut first = hold.first;
    while first > earliest {
        let (Some(a), Some(b)) = (ball[first - 1], ball[first]) else {
            break;
        };
        let dt = (scenes[first].time - scenes[first - 1].time) as f32;
        let slow = dt > 0.0 && (a.0 - b.0).hypot(a.1 - b.1) / dt <= s.catch_relative_speed * h;
        let near = (a.0 - start.0).hypot(a.1 - start.1) <= CAUGHT_REACH * h;
        if !(slow && near) {
            break;
        }
        first -= 1;
    }
    first
}

/// How far from where a hold is first seen, in box heights, the ball may have been caught.
const CAUGHT_REACH: f32 = 0.5;

fn duration(hold: &Hold, scenes: &[Scene]) -> f64 {
    scenes[hold.last].time - scenes[hold.first].time
}

/// Whether `next` continues `prev`: close in time, and the same track or the same place; or
/// the same track, however long she was unseen, when the ball did not fly meanwhile (nobody
/// can pass to herself). A ball that went up over a ring and came down at it flew, however
/// short its way in the picture: a shooter at the far end is small, and her shot may rise
/// less than her box's height above her hands; her rebound is a new hold.
fn same_holder(
    prev: &Hold,
    next: &Hold,
    scenes: &[Scene],
    ball: &[Option<(f32, f32)>],
    rings: &[Vec<BoundingBox>],
    times: &[f64],
    s: &EventSettings,
) -> bool {
    let gap = scenes[next.first].time - scenes[prev.last].time;
    let before = scenes[prev.last].player(prev.track);
    if prev.track == next.track {
        return gap <= s.max_break_s
            || (gap <= s.max_flight_s
                && before.is_some_and(|p| !flew(ball, prev.last, next.first, p.bbox.height()))
                && super::ring::shot(rings, ball, times, prev.last, next.first, s).is_none());
    }
    let after = scenes[next.first].player(next.track);
    gap <= s.max_break_s
        && before
            .zip(after)
            .is_some_and(|(a, b)| a.bbox.iou(&b.bbox) >= SAME_PLACE_IOU)
}

/// Where a rebound taken at scene `first` by `track` was caught, searching back no earlier
/// than scene `from`: the first of the scenes leading to it in which the ball came down into
/// her reach, lower against her box each scene, from no higher than [`OVERHEAD`] box heights
/// over her head. She takes a ball off the ring overhead and pulls it down; the catch is seen
/// only once it settles at her chest ([`holders`]), a few frames late. Only rebounds: a pass
/// flying away from the camera also comes down over its catcher in the picture, long before
/// she has it.
pub(super) fn caught_overhead(
    scenes: &[Scene],
    ball: &[Option<(f32, f32)>],
    track: u32,
    from: usize,
    first: usize,
    s: &EventSettings,
) -> usize {
    // The ball's height against her box at scene `k`, in box heights below its top, where
    // it is within her reach to the sides.
    let against = |k: usize| {
        let c = ball.get(k).copied().flatten()?;
        let b = scenes[k].player(track)?.bbox;
        let (w, h) = (b.width(), b.height());
        let beside = c.0 >= b.x1 - s.reach_side * w && c.0 <= b.x2 + s.reach_side * w;
        (beside && h > 0.0).then(|| (c.1 - b.y1) / h)
    };
    let mut at = first;
    while at > from {
        match (against(at - 1), against(at)) {
            (Some(before), Some(now)) if before >= -OVERHEAD && before <= now => at -= 1,
            _ => break,
        }
    }
    at
}

/// How far over her head, in box heights, a player's hands reach for a ball.
const OVERHEAD: f32 = 0.35;

/// Whether the ball, let go at scene `from`, was seen before scene `to` more than `reach`
/// pixels from where it was let go: it flew, rather than the holder's box or the ball
/// going unseen for a while.
pub(super) fn flew(ball: &[Option<(f32, f32)>], from: usize, to: usize, reach: f32) -> bool {
    let Some(start) = ball[from] else {
        return false;
    };
    ball[from + 1..to]
        .iter()
        .flatten()
        .any(|c| (c.0 - start.0).hypot(c.1 - start.1) > reach)
}

/// How much farther from the ball than the nearest player (her chest, in box heights) a
/// teammate of its last holder may be and still be the one who takes it.
const CATCH_TIE: f32 = 0.1;

/// Boxes either side of a break that overlap this much are one player under a new id.
const SAME_PLACE_IOU: f32 = 0.5;
