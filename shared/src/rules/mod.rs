//! Netball's rules, checked on where the players' feet were and who held the ball
//! (`NETBALL.md`, "Rules the system checks"). Each rule is a plain function from court tracks
//! and roles (offside; roles set by hand, or read from the bibs: `roles_from_reads`) or from
//! the match events and the scenes (three seconds, obstruction, over a
//! third, breaking and the catch at a centre pass, out of court) to [`Flag`]s, so the browser and the server
//! flag the same things; every number `NETBALL.md` calls a setting is a field of the rule's
//! settings. A flag stops play: the handover of the ball that follows it is a free pass, not
//! an interception ([`award_free_passes`]).

mod centre_pass;
mod free_pass;
mod obstruction;
mod offside;
mod out_of_court;
mod over_a_third;
mod roles;
mod stays;
mod steady;
mod three_seconds;

use serde::{Deserialize, Serialize};

use std::collections::BTreeMap;

use crate::camera::ImageToCourt;
use crate::court::{CourtDimensions, CourtPoint, End, Position};
use crate::events::{Event, Scene};
use crate::track::{BallPoint, TeamLabel};

pub use centre_pass::{CentrePassSettings, breaking, centre_pass_received, centre_pass_whistles};
pub use free_pass::{FreePassSettings, award_free_passes};
pub use obstruction::{ObstructionSettings, obstruction};
pub use offside::{OffsideSettings, offside};
pub use out_of_court::{OutOfCourtSettings, out_of_court};
pub use over_a_third::{OverAThirdSettings, over_a_third};
pub use roles::{RoleSource, Roles, roles_from_reads};
pub use three_seconds::{ThreeSecondsSettings, three_seconds};

/// Where a player's feet were on one analysed frame: the ground point of her box, through the
/// court homography.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Footing {
    pub frame: u64,
    /// Seconds from the start of the video.
    pub time: f64,
    pub at: CourtPoint,
}

/// What a player may do where: her position, and the end her team attacks (which changes only
/// between periods).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Role {
    pub position: Position,
    pub attacking: End,
}

impl Footing {
    /// A court point seen in `scene`.
    pub fn in_scene(scene: &Scene, at: CourtPoint) -> Self {
        Self {
            frame: scene.frame,
            time: scene.time,
            at,
        }
    }

    /// Where `track`'s feet were in `scene`, if she was seen there and the court is calibrated.
    pub fn of_track(scene: &Scene, track: u32) -> Option<Self> {
        Some(Self::in_scene(scene, scene.player(track)?.court?))
    }

    /// Where an event's player's feet were at the event, if the court is calibrated.
    pub fn of_event(e: &Event) -> Option<Self> {
        Some(Self {
            frame: e.frame,
            time: e.time,
            at: e.at?,
        })
    }
}

/// A player whose role is known, and where her feet were.
#[derive(Clone, Copy, Debug)]
pub struct PlayerTrack<'a> {
    pub track: u32,
    pub role: Role,
    /// In time order.
    pub feet: &'a [Footing],
}

/// The rules' settings (`NETBALL.md` names each number that is one).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RuleSettings {
    pub offside: OffsideSettings,
    #[serde(default)]
    pub three_seconds: ThreeSecondsSettings,
    #[serde(default)]
    pub obstruction: ObstructionSettings,
    #[serde(default)]
    pub over_a_third: OverAThirdSettings,
    #[serde(default)]
    pub out_of_court: OutOfCourtSettings,
    #[serde(default)]
    pub centre_pass: CentrePassSettings,
    #[serde(default)]
    pub free_pass: FreePassSettings,
}

/// Which rule a flag is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    Offside,
    ThreeSeconds,
    OverAThird,
    /// Going into the centre third before the centre pass whistle.
    Breaking,
    /// The centre pass caught outside the centre third.
    CentrePassReceived,
    Obstruction,
    OutOfCourt,
}

impl Rule {
    pub const ALL: [Rule; 7] = [
        Rule::Offside,
        Rule::ThreeSeconds,
        Rule::OverAThird,
        Rule::Breaking,
        Rule::CentrePassReceived,
        Rule::Obstruction,
        Rule::OutOfCourt,
    ];

    /// The name used in the result document.
    pub fn name(self) -> &'static str {
        match self {
            Rule::Offside => "offside",
            Rule::ThreeSeconds => "three_seconds",
            Rule::OverAThird => "over_a_third",
            Rule::Breaking => "breaking",
            Rule::CentrePassReceived => "centre_pass_received",
            Rule::Obstruction => "obstruction",
            Rule::OutOfCourt => "out_of_court",
        }
    }
}

/// A rule broken: when, by whom, where, and the frames that show it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Flag {
    pub rule: Rule,
    /// The first frame that shows it, and its time in seconds.
    pub frame: u64,
    pub time: f64,
    /// Seconds from the first frame that shows it to the last.
    pub duration: f64,
    /// The players' track ids: the one who broke the rule, then any others it involved (the
    /// holder a defender obstructed, the catcher of a pass over a third or of a centre pass).
    pub players: Vec<u32>,
    /// The evidence: each frame that shows it, with the court point that does (a player's feet,
    /// or the ball on the floor).
    pub evidence: Vec<Footing>,
}

/// Every flag of the match, in time order: offside for the tracks with a role (`roles`), and
/// the rules judged on the match's `events` (in time order): three seconds, obstruction, over
/// a third, breaking and the catch at a centre pass, and out of court. `scenes` (in time
/// order) give the players' feet, `ball` (in frame order) the ball's path, `teams` the kits;
/// the rules that need the court are left out without a floor map (`to_court`).
///
/// A flag stops play, so the handover after each one becomes a free pass in `events`
/// ([`award_free_passes`]) before out of court is judged: a free pass taken off the court is
/// no throw-in, and says no ball went out.
pub fn match_flags(
    events: &mut Vec<Event>,
    scenes: &[Scene],
    ball: &[BallPoint],
    teams: &BTreeMap<u32, TeamLabel>,
    roles: &Roles,
    to_court: Option<&ImageToCourt>,
    settings: &RuleSettings,
) -> Vec<Flag> {
    let court = CourtDimensions::default();
    // Empty without a floor map: the waiting players' feet date the whistles.
    let whistles = centre_pass_whistles(events, scenes, &court, &settings.centre_pass);
    let mut flags = three_seconds(events, scenes, &whistles, &settings.three_seconds);
    if to_court.is_some() {
        flags.extend(offside_in(scenes, roles, teams, &court, &settings.offside));
        flags.extend(obstruction(events, scenes, teams, &settings.obstruction));
        flags.extend(over_a_third(events, &court, &settings.over_a_third));
        flags.extend(breaking(events, scenes, &court, &settings.centre_pass));
        flags.extend(centre_pass_received(events, &court, &settings.centre_pass));
    }
    award_free_passes(events, &flags, teams, &settings.free_pass);
    if let Some(to_court) = to_court {
        flags.extend(out_of_court(
            events,
            scenes,
            ball,
            to_court,
            &court,
            &settings.out_of_court,
        ));
    }
    flags.sort_by(|a, b| a.time.total_cmp(&b.time).then(a.rule.cmp(&b.rule)));
    flags
}

/// Offside for the tracks with a role, on their feet in `scenes` (in time order) where the
/// frame plays the role (see [`Roles::in_frame`]).
fn offside_in(
    scenes: &[Scene],
    roles: &Roles,
    teams: &BTreeMap<u32, TeamLabel>,
    court: &CourtDimensions,
    settings: &OffsideSettings,
) -> Vec<Flag> {
    let mut feet: BTreeMap<u32, (Role, Vec<Footing>)> = BTreeMap::new();
    for scene in scenes {
        for p in &scene.players {
            let (Some(role), Some(at)) = (roles.in_frame(p, teams.get(&p.track).copied()), p.court)
            else {
                continue;
            };
            feet.entry(p.track)
                .or_insert_with(|| (role, Vec::new()))
                .1
                .push(Footing::in_scene(scene, at));
        }
    }
    let players: Vec<PlayerTrack<'_>> = feet
        .iter()
        .map(|(&track, (role, feet))| PlayerTrack {
            track,
            role: *role,
            feet,
        })
        .collect();
    offside(court, &players, settings)
}

impl Flag {
    /// The flag for a run of sightings (`stay`): from its first to its last, with each as
    /// evidence.
    fn from_stay<K>(rule: Rule, players: Vec<u32>, stay: stays::Stay<K>) -> Self {
        Self::spanning(rule, players, stay.sightings)
    }

    /// The flag shown by `evidence` (not empty, in time order): from its first to its last.
    fn spanning(rule: Rule, players: Vec<u32>, evidence: Vec<Footing>) -> Self {
        let (first, last) = (evidence[0], evidence[evidence.len() - 1]);
        Flag {
            rule,
            frame: first.frame,
            time: first.time,
            duration: last.time - first.time,
            players,
            evidence,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::BoundingBox;
    use crate::events::ScenePlayer;

    /// Two seconds of track 5 standing 3 m into the centre third, as `shown` (her frame's
    /// tracklet position and kit).
    fn in_centre_third(position: Option<Position>, kit: Option<TeamLabel>) -> Vec<Scene> {
        let x = CourtDimensions::default().transverse_lines()[1] - 3.0;
        (0..50)
            .map(|frame| Scene {
                frame,
                time: frame as f64 / 25.0,
                players: vec![ScenePlayer {
                    track: 5,
                    bbox: BoundingBox::from_center(500.0, 500.0, 30.0, 90.0),
                    court: Some(CourtPoint::new(x, 7.0)),
                    position,
                    kit,
                }],
                rings: Vec::new(),
            })
            .collect()
    }

    #[test]
    fn read_roles_are_judged_only_on_frames_that_show_their_player() {
        // Track 5 of team A was read as the GS attacking the high end: the centre third is
        // not hers.
        let by_track = BTreeMap::from([(
            5,
            Role {
                position: Position::GS,
                attacking: End::High,
            },
        )]);
        let (read, set) = (
            Roles {
                by_track: by_track.clone(),
                source: RoleSource::Read,
            },
            Roles {
                by_track,
                source: RoleSource::Set,
            },
        );
        let teams = BTreeMap::from([(5, TeamLabel::A)]);
        let flags = |roles: &Roles, scenes: &[Scene]| {
            offside_in(
                scenes,
                roles,
                &teams,
                &CourtDimensions::default(),
                &OffsideSettings::default(),
            )
            .len()
        };
        let gs = Some(Position::GS);
        // Her own tracklet, in her kit or where the kit could not be told: offside.
        assert_eq!(flags(&read, &in_centre_third(gs, Some(TeamLabel::A))), 1);
        assert_eq!(flags(&read, &in_centre_third(gs, None)), 1);
        // A tracklet read as another position (joined to her track, or a bib misread), or a
        // box in the other team's kit: someone else's feet, not judged by her role.
        assert_eq!(flags(&read, &in_centre_third(Some(Position::GA), None)), 0);
        assert_eq!(flags(&read, &in_centre_third(None, None)), 0);
        assert_eq!(flags(&read, &in_centre_third(gs, Some(TeamLabel::B))), 0);
        // Roles set by hand name the track's player in every frame.
        assert_eq!(flags(&set, &in_centre_third(None, Some(TeamLabel::B))), 1);
    }

    #[test]
    fn rules_are_named_as_the_result_document_names_them() {
        for rule in Rule::ALL {
            assert_eq!(
                serde_json::to_string(&rule).unwrap(),
                format!("\"{}\"", rule.name())
            );
        }
    }
}
