//! Roles from what the analysis read, for the rules that need them (offside): a track's
//! position is the one read most on its bib, and the end her team attacks is told by where its
//! GS and GK stand. A GS may only be in her attacking third and a GK in her defending one, so
//! the half of the court each is seen in says the end; teams change ends between quarters, so
//! each track takes the votes from around its own lifetime.

use std::collections::BTreeMap;

use super::Role;
use crate::court::{CourtDimensions, End, Position};
use crate::events::{Scene, ScenePlayer};
use crate::track::TeamLabel;

/// How far before a track's first sighting and after its last a team's GS and GK are looked at
/// for the end it attacks, in seconds: a period is 15 minutes, so a minute either side stays
/// within the track's period but for the few tracks that start or end near its edges.
const END_WINDOW_S: f64 = 60.0;

/// The roles offside is judged by, and how far each frame of a track is trusted to be the
/// player whose role it is.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Roles {
    /// Track id to role.
    pub by_track: BTreeMap<u32, Role>,
    pub source: RoleSource,
}

/// Where the roles came from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RoleSource {
    /// Set by hand for each track: every frame of the track plays its role.
    #[default]
    Set,
    /// Read from the bibs ([`roles_from_reads`]). A track may have moved to another player for
    /// a while (in a crowd, or where tracklets were joined wrongly), and its role must not be
    /// judged on her feet: a frame plays the track's role only where the tracklet it shows read
    /// the same position and its box did not clearly show the other team's kit.
    Read,
}

impl Roles {
    /// The role `p` (one frame of a track, whose team is `team`) is judged by, if any.
    pub fn in_frame(&self, p: &ScenePlayer, team: Option<TeamLabel>) -> Option<Role> {
        let role = *self.by_track.get(&p.track)?;
        match self.source {
            RoleSource::Set => Some(role),
            RoleSource::Read => {
                let same_player = p.position == Some(role.position);
                let other_kit = p.kit.is_some() && team.is_some() && p.kit != team;
                (same_player && !other_kit).then_some(role)
            }
        }
    }
}

/// The role of every track whose position was read (`positions`) and whose team (`teams`)
/// had its GS or GK seen, in `scenes` (in time order), within a minute of the track's life.
pub fn roles_from_reads(
    positions: &BTreeMap<u32, Position>,
    teams: &BTreeMap<u32, TeamLabel>,
    scenes: &[Scene],
    court: &CourtDimensions,
) -> BTreeMap<u32, Role> {
    // Per team, (time, the end it attacks) from each sighting of its GS or GK.
    let mut votes: BTreeMap<TeamLabel, Vec<(f64, End)>> = BTreeMap::new();
    let mut lives: BTreeMap<u32, (f64, f64)> = BTreeMap::new();
    for scene in scenes {
        for p in &scene.players {
            let life = lives.entry(p.track).or_insert((scene.time, scene.time));
            life.1 = scene.time;
            let (Some(&team), Some(&position), Some(at)) =
                (teams.get(&p.track), positions.get(&p.track), p.court)
            else {
                continue;
            };
            let high_half = at.x > court.length / 2.0;
            let attacking_high = match position {
                Position::GS => high_half,
                Position::GK => !high_half,
                _ => continue,
            };
            let end = if attacking_high { End::High } else { End::Low };
            votes.entry(team).or_default().push((scene.time, end));
        }
    }
    let roles = positions
        .iter()
        .filter_map(|(&track, &position)| {
            let team = teams.get(&track)?;
            let &(first, last) = lives.get(&track)?;
            let near = votes
                .get(team)?
                .iter()
                .filter(|(t, _)| (first - END_WINDOW_S..=last + END_WINDOW_S).contains(t));
            let (mut high, mut low) = (0usize, 0usize);
            for (_, end) in near {
                match end {
                    End::High => high += 1,
                    End::Low => low += 1,
                }
            }
            let attacking = match high.cmp(&low) {
                std::cmp::Ordering::Greater => End::High,
                std::cmp::Ordering::Less => End::Low,
                std::cmp::Ordering::Equal => return None,
            };
            Some((
                track,
                Role {
                    position,
                    attacking,
                },
            ))
        })
        .collect();
    plausible(roles, scenes, court)
}

/// Feet clearly outside a role's areas, in metres beyond them: further than an offside's
/// tolerance, so that feet put on the court a little wrong near a line do not count.
const CLEARLY_OUTSIDE_M: f32 = 0.5;
/// The most of a track's time, as a share of its sightings that play its role, that a player
/// spends clearly outside her areas. Offsides are rare and brief; a role read wrong (a bib's
/// WA taken for WD, or the wrong end) puts the track outside for much of its life.
const MAX_OUTSIDE_SHARE: f64 = 0.1;

/// The roles whose track, on the frames that play the role (its tracklets read the role's
/// position), stood clearly outside the role's areas no more than [`MAX_OUTSIDE_SHARE`] of
/// the time: where the track spends its time checks what its bib said.
fn plausible(
    roles: BTreeMap<u32, Role>,
    scenes: &[Scene],
    court: &CourtDimensions,
) -> BTreeMap<u32, Role> {
    let mut seen: BTreeMap<u32, (u32, u32)> = BTreeMap::new();
    for scene in scenes {
        for p in &scene.players {
            let (Some(role), Some(at)) = (roles.get(&p.track), p.court) else {
                continue;
            };
            if p.position != Some(role.position) || court.distance_outside(at) > CLEARLY_OUTSIDE_M {
                continue;
            }
            let outside = role
                .position
                .distance_outside_allowed(court, at, role.attacking)
                > CLEARLY_OUTSIDE_M;
            let (n, out) = seen.entry(p.track).or_default();
            *n += 1;
            *out += u32::from(outside);
        }
    }
    roles
        .into_iter()
        .filter(|(track, _)| {
            // No frame plays it: nothing to check, and nothing will be judged by it.
            seen.get(track)
                .is_none_or(|&(n, out)| f64::from(out) <= MAX_OUTSIDE_SHARE * f64::from(n))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::BoundingBox;
    use crate::court::CourtPoint;
    use crate::events::ScenePlayer;

    fn player(track: u32, x: f32) -> ScenePlayer {
        ScenePlayer {
            track,
            bbox: BoundingBox::from_center(10.0 * x, 100.0, 10.0, 30.0),
            court: Some(CourtPoint::new(x, 7.0)),
            position: None,
            kit: None,
        }
    }

    /// One scene a second for `seconds`, with the given players standing still.
    fn scenes(from: f64, seconds: u32, players: &[(u32, f32)]) -> Vec<Scene> {
        (0..seconds)
            .map(|k| Scene {
                frame: (from as u64 + u64::from(k)) * 25,
                time: from + f64::from(k),
                players: players.iter().map(|&(t, x)| player(t, x)).collect(),
                rings: Vec::new(),
            })
            .collect()
    }

    #[test]
    fn a_team_attacks_the_end_its_shooter_stands_at_and_its_keeper_does_not() {
        let court = CourtDimensions::default();
        // Team A: GS (1) at the high end, WD (2) in the middle. Team B: GK (3) at the high end,
        // C (4).
        let scenes = scenes(0.0, 10, &[(1, 26.0), (2, 15.0), (3, 27.0), (4, 14.0)]);
        let positions = BTreeMap::from([
            (1, Position::GS),
            (2, Position::WD),
            (3, Position::GK),
            (4, Position::C),
        ]);
        let teams = BTreeMap::from([
            (1, TeamLabel::A),
            (2, TeamLabel::A),
            (3, TeamLabel::B),
            (4, TeamLabel::B),
        ]);
        let roles = roles_from_reads(&positions, &teams, &scenes, &court);
        let end = |t| roles[&t].attacking;
        assert_eq!(
            [end(1), end(2), end(3), end(4)],
            [End::High, End::High, End::Low, End::Low]
        );
        assert_eq!(roles[&2].position, Position::WD);
    }

    #[test]
    fn after_a_change_of_ends_tracks_take_the_votes_of_their_own_time() {
        let court = CourtDimensions::default();
        // Quarter one: the GS (1) at the high end; quarter two, 20 minutes on: GS (5) at the
        // low end. A WA seen in each quarter (2, then 6).
        let mut all = scenes(0.0, 30, &[(1, 26.0), (2, 18.0)]);
        all.extend(scenes(1200.0, 30, &[(5, 4.0), (6, 12.0)]));
        let positions = BTreeMap::from([
            (1, Position::GS),
            (2, Position::WA),
            (5, Position::GS),
            (6, Position::WA),
        ]);
        let teams = [1, 2, 5, 6].map(|t| (t, TeamLabel::A)).into();
        let roles = roles_from_reads(&positions, &teams, &all, &court);
        assert_eq!(roles[&2].attacking, End::High);
        assert_eq!(roles[&6].attacking, End::Low);
    }

    #[test]
    fn a_role_its_track_keeps_breaking_is_taken_for_a_misread() {
        let court = CourtDimensions::default();
        let high_line = court.transverse_lines()[1];
        // Team A attacks the high end (its GS, track 1, stands there). Track 2 read WD: a WD
        // may not enter her attacking third, where it stands 30 s of 40 (a WA whose bib was
        // misread). Track 3 read WA: 1 s of 40 in the attacking circle (an offside).
        let mut all = Vec::new();
        for k in 0..40u32 {
            let mut scene = scenes(f64::from(k), 1, &[(1, 26.0)]).remove(0);
            let wd_x = if k < 30 { high_line + 3.0 } else { 15.0 };
            let wa_x = if k == 20 { 27.0 } else { high_line + 2.0 };
            for (track, x, position) in [(2, wd_x, Position::WD), (3, wa_x, Position::WA)] {
                scene.players.push(ScenePlayer {
                    position: Some(position),
                    ..player(track, x)
                });
            }
            scene.players[0].position = Some(Position::GS);
            all.push(scene);
        }
        let positions = BTreeMap::from([(1, Position::GS), (2, Position::WD), (3, Position::WA)]);
        let teams = [1, 2, 3].map(|t| (t, TeamLabel::A)).into();
        let roles = roles_from_reads(&positions, &teams, &all, &court);
        assert!(!roles.contains_key(&2), "{roles:?}");
        assert_eq!(roles[&3].position, Position::WA);
        assert_eq!(roles[&1].attacking, End::High);
    }

    #[test]
    fn no_shooter_or_keeper_seen_no_roles() {
        let court = CourtDimensions::default();
        let scenes = scenes(0.0, 10, &[(2, 15.0)]);
        let positions = BTreeMap::from([(2, Position::WD)]);
        let teams = BTreeMap::from([(2, TeamLabel::A)]);
        assert!(roles_from_reads(&positions, &teams, &scenes, &court).is_empty());
    }
}
