//! Who is on court: two teams of seven and two umpires, with kit, build and speed drawn from the
//! seed so that every clip looks different.

use netball_shared::court::Position;
use rand::Rng;
use rand::seq::IndexedRandom;
use serde::{Deserialize, Serialize};

pub type Rgb = [u8; 3];

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Team {
    Home,
    Away,
}

impl Team {
    pub const BOTH: [Team; 2] = [Team::Home, Team::Away];

    pub fn other(self) -> Team {
        match self {
            Team::Home => Team::Away,
            Team::Away => Team::Home,
        }
    }
}

/// Which side line an umpire works along: `y < 0` or `y > width`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    Near,
    Far,
}

/// What a person on court is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "role", rename_all = "lowercase")]
pub enum Role {
    Player { team: Team, position: Position },
    Umpire { side: Side },
}

/// A team's playing kit: dress, trim, and the bib with its letters.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Kit {
    pub dress: Rgb,
    pub trim: Rgb,
    pub bib: Rgb,
    pub letters: Rgb,
}

/// One person's fixed traits. `id` is the track id in the truth (1..=14 players, home first in
/// position order, then 15 and 16 for the umpires).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct PersonSpec {
    pub id: u32,
    pub role: Role,
    /// Standing height, metres.
    pub height: f32,
    /// Top running speed, m/s (a sprint; jogging is a fraction of it).
    pub top_speed: f32,
    /// Largest change of velocity, m/s².
    pub max_accel: f32,
    pub skin: Rgb,
    pub hair: Rgb,
    pub kit: Kit,
}

impl PersonSpec {
    pub fn team(&self) -> Option<Team> {
        match self.role {
            Role::Player { team, .. } => Some(team),
            Role::Umpire { .. } => None,
        }
    }

    pub fn position(&self) -> Option<Position> {
        match self.role {
            Role::Player { position, .. } => Some(position),
            Role::Umpire { .. } => None,
        }
    }
}

/// Dress colours teams wear; two are drawn per match, far enough apart to tell the teams apart.
const DRESSES: [Rgb; 14] = [
    [200, 30, 40],
    [20, 40, 110],
    [30, 90, 200],
    [20, 130, 60],
    [240, 200, 30],
    [240, 120, 20],
    [110, 40, 150],
    [25, 25, 28],
    [235, 235, 235],
    [120, 20, 40],
    [0, 140, 140],
    [230, 90, 160],
    [90, 190, 230],
    [150, 200, 40],
];

/// A spread of human skin tones, light to dark.
const SKIN: [Rgb; 8] = [
    [245, 215, 190],
    [232, 190, 160],
    [215, 165, 125],
    [190, 140, 100],
    [160, 110, 75],
    [125, 85, 55],
    [95, 62, 40],
    [70, 45, 30],
];

const HAIR: [Rgb; 6] = [
    [20, 15, 10],
    [60, 40, 25],
    [110, 75, 40],
    [190, 150, 90],
    [140, 50, 30],
    [40, 40, 40],
];

fn colour_distance(a: Rgb, b: Rgb) -> i32 {
    (0..3)
        .map(|i| (i32::from(a[i]) - i32::from(b[i])).abs())
        .sum()
}

/// Luminance-based choice of a readable colour on `background`.
fn contrasting(background: Rgb) -> Rgb {
    let luma = 0.3 * f32::from(background[0])
        + 0.59 * f32::from(background[1])
        + 0.11 * f32::from(background[2]);
    if luma > 140.0 {
        [20, 20, 20]
    } else {
        [245, 245, 245]
    }
}

fn kit(rng: &mut impl Rng, dress: Rgb) -> Kit {
    let bib = if rng.random_bool(0.5) {
        [245, 245, 245]
    } else {
        contrasting(dress)
    };
    let bib = if colour_distance(bib, dress) < 150 {
        contrasting(dress)
    } else {
        bib
    };
    Kit {
        dress,
        trim: contrasting(dress),
        bib,
        letters: if colour_distance(bib, dress) > 200 {
            dress
        } else {
            contrasting(bib)
        },
    }
}

/// The two kits of a match: distinct dresses, each unlike the court colour.
pub fn draw_kits(rng: &mut impl Rng, court_colour: Rgb) -> [Kit; 2] {
    let usable: Vec<Rgb> = DRESSES
        .into_iter()
        .filter(|&d| colour_distance(d, court_colour) > 120)
        .collect();
    let home = *usable
        .choose(rng)
        .expect("the palette has colours unlike any court");
    let away_choices: Vec<Rgb> = usable
        .iter()
        .copied()
        .filter(|&d| colour_distance(d, home) > 220)
        .collect();
    let away = *away_choices
        .choose(rng)
        .expect("every dress has a contrasting one");
    [kit(rng, home), kit(rng, away)]
}

/// Everyone on court: home GS..GK (ids 1-7), away GS..GK (8-14), umpires (15, 16).
pub fn draw_people(rng: &mut impl Rng, kits: [Kit; 2]) -> Vec<PersonSpec> {
    let mut people = Vec::with_capacity(16);
    for (team, kit) in Team::BOTH.into_iter().zip(kits) {
        for position in Position::ALL {
            let tall = matches!(position, Position::GS | Position::GK);
            let height = if tall {
                rng.random_range(1.78..1.98)
            } else {
                rng.random_range(1.62..1.85)
            };
            people.push(PersonSpec {
                id: people.len() as u32 + 1,
                role: Role::Player { team, position },
                height,
                top_speed: rng.random_range(6.6..8.0),
                max_accel: rng.random_range(4.0..5.5),
                skin: *SKIN.choose(rng).expect("palette"),
                hair: *HAIR.choose(rng).expect("palette"),
                kit,
            });
        }
    }
    let umpire_kit = if rng.random_bool(0.5) {
        Kit {
            dress: [240, 240, 240],
            trim: [30, 30, 30],
            bib: [240, 240, 240],
            letters: [30, 30, 30],
        }
    } else {
        Kit {
            dress: [30, 30, 35],
            trim: [230, 230, 230],
            bib: [30, 30, 35],
            letters: [230, 230, 230],
        }
    };
    for side in [Side::Near, Side::Far] {
        people.push(PersonSpec {
            id: people.len() as u32 + 1,
            role: Role::Umpire { side },
            height: rng.random_range(1.6..1.85),
            top_speed: 5.5,
            max_accel: 3.5,
            skin: *SKIN.choose(rng).expect("palette"),
            hair: *HAIR.choose(rng).expect("palette"),
            kit: umpire_kit,
        });
    }
    people
}
