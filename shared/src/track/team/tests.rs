use super::*;

/// A small deterministic generator (xorshift) so the tests need no extra crate.
struct Noise(u64);

impl Noise {
    /// Uniform in -1..1.
    fn signed(&mut self) -> f32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        2.0 * ((self.0 >> 40) as f32 / (1u64 << 24) as f32) - 1.0
    }

    fn jitter(&mut self, c: [u8; 3], amount: f32) -> [u8; 3] {
        c.map(|v| (f32::from(v) + amount * self.signed()).clamp(0.0, 255.0) as u8)
    }
}

const W: u32 = 960;
const H: u32 = 420;
const RED: [u8; 3] = [190, 40, 50];
const NAVY: [u8; 3] = [25, 35, 90];
const FLOOR: [u8; 3] = [196, 158, 112];
const SKIN: [u8; 3] = [225, 185, 155];

/// Player `id`'s box in frame `t`: two rows of seven, drifting right.
fn player_box(id: u32, t: u32) -> BoundingBox {
    let (col, row) = (id % 7, id / 7);
    let (x, y) = ((30 + col * 130 + 2 * t) as f32, (40 + row * 240) as f32);
    BoundingBox {
        x1: x,
        y1: y,
        x2: x + 40.0,
        y2: y + 120.0,
    }
}

/// What a box's pixel at fractions (u, v) of its width and height shows: the head, the dress
/// (narrower than the box, so the torso region also sees floor), the legs, or the floor.
fn figure(u: f32, v: f32, kit: [u8; 3], bib: Option<[u8; 3]>) -> [u8; 3] {
    match v {
        _ if v < 0.15 && (0.35..0.65).contains(&u) => SKIN,
        _ if (0.2..0.45).contains(&v) && (0.33..0.67).contains(&u) && bib.is_some() => {
            bib.unwrap_or(kit)
        }
        _ if (0.15..0.65).contains(&v) && (0.3..0.7).contains(&u) => kit,
        _ if v >= 0.65 && ((0.35..0.45).contains(&u) || (0.55..0.65).contains(&u)) => SKIN,
        _ => FLOOR,
    }
}

/// Frame `t` of fourteen players in the kits `kit` gives, over `bib` if any, with per-pixel
/// noise.
fn frame(
    t: u32,
    kit: impl Fn(u32) -> [u8; 3],
    bib: impl Fn(u32) -> Option<[u8; 3]>,
    noise: &mut Noise,
) -> Frame {
    let mut rgb: Vec<u8> = (0..W * H).flat_map(|_| noise.jitter(FLOOR, 12.0)).collect();
    for id in 0..14 {
        let b = player_box(id, t);
        for y in b.y1 as u32..b.y2 as u32 {
            for x in b.x1 as u32..b.x2 as u32 {
                let u = (x as f32 + 0.5 - b.x1) / b.width();
                let v = (y as f32 + 0.5 - b.y1) / b.height();
                let i = ((y * W + x) * 3) as usize;
                rgb[i..i + 3].copy_from_slice(&noise.jitter(figure(u, v, kit(id), bib(id)), 25.0));
            }
        }
    }
    Frame::from_rgb(W, H, rgb).unwrap()
}

/// Ten frames of the fourteen players, each seen in every frame.
fn classify(kit: impl Fn(u32) -> [u8; 3]) -> TeamAssignment {
    classify_over_bibs(kit, |_| None)
}

fn classify_over_bibs(
    kit: impl Fn(u32) -> [u8; 3],
    bib: impl Fn(u32) -> Option<[u8; 3]>,
) -> TeamAssignment {
    let mut noise = Noise(0x9e37_79b9_7f4a_7c15);
    let mut teams = TeamClassifier::new(TeamSettings::default());
    for t in 0..10 {
        let f = frame(t, &kit, &bib, &mut noise);
        for id in 0..14 {
            teams.observe(id, &f, &player_box(id, t));
        }
    }
    teams.assign()
}

fn close(a: [u8; 3], b: [u8; 3], tolerance: i16) -> bool {
    a.iter()
        .zip(b)
        .all(|(&p, q)| (i16::from(p) - i16::from(q)).abs() <= tolerance)
}

/// Every track in the team of its kit (red is the lighter, team A), and the kits' colours found.
fn assert_red_against_navy(got: &TeamAssignment, kit: impl Fn(u32) -> [u8; 3]) {
    assert_split(got, |id| kit(id) == RED, [RED, NAVY]);
}

/// Fourteen tracks, those for which `in_a` holds in team A, and the teams' kits `kits`.
fn assert_split(got: &TeamAssignment, in_a: impl Fn(u32) -> bool, kits: [[u8; 3]; 2]) {
    assert_eq!(got.teams.len(), 14);
    for (&id, &team) in &got.teams {
        let want = if in_a(id) { TeamLabel::A } else { TeamLabel::B };
        assert_eq!(team, want, "track {id}");
    }
    assert!(close(got.kits[0], kits[0], 20), "{:?}", got.kits);
    assert!(close(got.kits[1], kits[1], 20), "{:?}", got.kits);
}

#[test]
fn splits_fourteen_players_by_kit_colour() {
    let kit = |id: u32| if id.is_multiple_of(2) { RED } else { NAVY };
    let got = classify(kit);
    assert_red_against_navy(&got, kit);
}

/// Both teams in white bibs that cover most of the torso: the dresses still split them, and
/// the kits are the dresses' colours.
#[test]
fn white_bibs_over_both_kits_do_not_hide_them() {
    const WHITE_BIB: [u8; 3] = [245, 245, 245];
    let kit = |id: u32| if id.is_multiple_of(2) { RED } else { NAVY };
    let got = classify_over_bibs(kit, |_| Some(WHITE_BIB));
    assert_red_against_navy(&got, kit);
}

/// Fourteen tracks of two teams (even ids home), each team in its dress and bib
/// (`[home, away]`), classified.
fn home_and_away(dresses: [[u8; 3]; 2], bibs: [[u8; 3]; 2]) -> TeamAssignment {
    let side = |id: u32| usize::from(!id.is_multiple_of(2));
    let got = classify_over_bibs(|id| dresses[side(id)], |id| Some(bibs[side(id)]));
    assert_eq!(got.teams.len(), 14);
    got
}

/// One team in white with black bibs, the other in navy with white bibs: white is on every
/// player, so the black and the navy decide.
#[test]
fn one_teams_dress_is_the_others_bib() {
    const WHITE: [u8; 3] = [235, 235, 235];
    const BLACK: [u8; 3] = [20, 20, 20];
    let got = home_and_away([WHITE, NAVY], [BLACK, WHITE]);
    let first = got.teams[&0];
    for (&id, &team) in &got.teams {
        assert_eq!(team == first, id.is_multiple_of(2), "track {id}");
    }
}

/// One team in white with black bibs, the other in black with white bibs: both colours are on
/// every torso, in mirrored amounts, so the skirts decide.
#[test]
fn white_and_black_kits_each_with_the_others_bib() {
    const WHITE: [u8; 3] = [235, 235, 235];
    const BLACK: [u8; 3] = [25, 25, 28];
    let got = home_and_away([WHITE, BLACK], [BLACK, WHITE]);
    assert_split(&got, |id| id.is_multiple_of(2), [WHITE, BLACK]);
}

/// A track that follows one player for 30 frames, then another of the other team for 20, is
/// labelled by the first (its last 30 frames are mostly the second's).
#[test]
fn a_track_takes_the_team_of_the_player_it_followed_longest() {
    let kit = |id: u32| if id.is_multiple_of(2) { RED } else { NAVY };
    let mut noise = Noise(0x9e37_79b9_7f4a_7c15);
    let mut teams = TeamClassifier::new(TeamSettings::default());
    for t in 0..50 {
        let f = frame(t % 10, kit, |_| None, &mut noise);
        for id in 0..14 {
            // Track 100 is player 2 (red), then player 3 (navy) from frame 30.
            let (track, seen) = match id {
                2 if t < 30 => (100, 2),
                3 if t >= 30 => (100, 3),
                2 | 3 => continue,
                _ => (id, id),
            };
            teams.observe(track, &f, &player_box(seen, t % 10));
        }
    }
    let got = teams.assign();
    assert_eq!(got.teams[&100], got.teams[&0], "{got:?}");
}

/// With the kits swapped between the players, the labels follow the colours (the lighter kit is
/// team A), not the track ids.
#[test]
fn labels_follow_the_colours() {
    let got = classify(|id| if id.is_multiple_of(2) { NAVY } else { RED });
    for (&id, &team) in &got.teams {
        let want = if id.is_multiple_of(2) {
            TeamLabel::B
        } else {
            TeamLabel::A
        };
        assert_eq!(team, want, "track {id}");
    }
    assert_eq!(
        got,
        classify(|id| if id.is_multiple_of(2) { NAVY } else { RED })
    );
}

#[test]
fn tracks_seen_too_few_times_are_not_assigned() {
    let mut noise = Noise(7);
    let kit = |id: u32| if id < 7 { RED } else { NAVY };
    let mut teams = TeamClassifier::new(TeamSettings::default());
    for t in 0..6 {
        let f = frame(t, kit, |_| None, &mut noise);
        for id in 0..14 {
            // Track 100 is player 3, seen once.
            if id != 3 || t == 0 {
                let track = if id == 3 { 100 } else { id };
                teams.observe(track, &f, &player_box(id, t));
            }
        }
    }
    let got = teams.assign();
    assert_eq!(got.teams.len(), 13);
    assert!(!got.teams.contains_key(&100));
}

#[test]
fn memory_per_track_is_bounded_and_bad_boxes_are_skipped() {
    let settings = TeamSettings::default();
    let mut teams = TeamClassifier::new(settings);
    let f = Frame::from_rgb(64, 64, vec![128; 64 * 64 * 3]).unwrap();
    let inside = BoundingBox::from_center(32.0, 32.0, 20.0, 40.0);
    for _ in 0..1000 {
        teams.observe(1, &f, &inside);
    }
    // Spread over the track's life: between half the store and all of it.
    let held = teams.held(1);
    assert!((settings.samples_per_track / 2..=settings.samples_per_track).contains(&held));
    teams.forget(1);
    assert_eq!(teams.held(1), 0);

    let bad = [
        BoundingBox::from_center(32.0, 32.0, 4.0, 8.0),
        BoundingBox::from_center(500.0, 32.0, 20.0, 40.0),
        BoundingBox::from_center(-50.0, -50.0, 20.0, 40.0),
        BoundingBox::from_center(f32::NAN, 32.0, 20.0, 40.0),
    ];
    for b in &bad {
        teams.observe(2, &f, b);
    }
    assert_eq!(teams.held(2), 0);
}

#[test]
fn fewer_than_two_tracks_assign_nothing() {
    let mut teams = TeamClassifier::new(TeamSettings::default());
    let f = Frame::from_rgb(64, 64, vec![200; 64 * 64 * 3]).unwrap();
    for _ in 0..10 {
        teams.observe(1, &f, &BoundingBox::from_center(32.0, 32.0, 20.0, 40.0));
    }
    let got = teams.assign();
    assert!(got.teams.is_empty());
    assert_eq!(got.kits, [[0; 3]; 2]);
}

#[test]
fn lab_round_trips_and_labels_serialise_in_lowercase() {
    for c in [
        RED,
        NAVY,
        FLOOR,
        SKIN,
        [0, 0, 0],
        [255, 255, 255],
        [0, 255, 0],
    ] {
        assert!(close(srgb_from_lab(lab_from_srgb(c)), c, 1), "{c:?}");
    }
    assert_eq!(serde_json::to_string(&TeamLabel::A).unwrap(), r#""a""#);
    assert_eq!(
        serde_json::from_str::<TeamLabel>(r#""b""#).unwrap(),
        TeamLabel::B
    );
}

#[test]
fn once_the_teams_are_split_each_box_shows_its_kit() {
    let mut noise = Noise(0x2545_f491_4f6c_dd1d);
    let kit = |id: u32| if id.is_multiple_of(2) { RED } else { NAVY };
    let mut teams = TeamClassifier::new(TeamSettings::default());
    let first = frame(0, kit, |_| None, &mut noise);
    // Before any split nothing says which kit is which team's.
    assert_eq!(teams.observe(0, &first, &player_box(0, 0)), None);
    for t in 0..10 {
        let f = frame(t, kit, |_| None, &mut noise);
        for id in 0..14 {
            teams.observe(id, &f, &player_box(id, t));
        }
    }
    let split = teams.assign();
    // A later frame: every box shows the kit of the team its player was put in.
    let later = frame(10, kit, |_| None, &mut noise);
    for id in 0..14 {
        assert_eq!(
            teams.observe(id, &later, &player_box(id, 10)),
            split.teams.get(&id).copied(),
            "player {id}"
        );
    }
    // Player 0's box showing player 1's dress (a track moved to her): the other team's kit.
    let swapped = frame(11, |id| kit(id ^ 1), |_| None, &mut noise);
    assert_eq!(
        teams.observe(0, &swapped, &player_box(0, 11)),
        split.teams.get(&1).copied()
    );
}
