//! The hall: walls with advertising boards, the floor around the court, the court surface and
//! its lines, and the goal posts with their rings.

use netball_shared::court::{CourtDimensions, End, markings};
use rand::Rng;

use super::painter::Painter;
use crate::simulate::ball::{Vec3, ring_centre};
use crate::simulate::team::Rgb;

/// Colours of a hall, drawn per seed.
#[derive(Clone, Debug)]
pub struct HallStyle {
    pub court: Rgb,
    pub surround: Rgb,
    pub lines: Rgb,
    pub wall: Rgb,
    pub boards: Vec<Rgb>,
    pub post: Rgb,
    pub ring: Rgb,
}

const COURTS: [Rgb; 6] = [
    [40, 90, 160],
    [30, 110, 80],
    [150, 60, 50],
    [70, 110, 150],
    [190, 150, 100],
    [90, 70, 120],
];

impl HallStyle {
    pub fn draw(rng: &mut impl Rng) -> Self {
        let court = COURTS[rng.random_range(0..COURTS.len())];
        let shade = |c: Rgb, k: f32| c.map(|v| (f32::from(v) * k).min(255.0) as u8);
        let surround = if rng.random_bool(0.5) {
            shade(court, rng.random_range(0.6..0.8))
        } else {
            [
                rng.random_range(150..210),
                rng.random_range(120..170),
                rng.random_range(80..120),
            ]
        };
        let grey = rng.random_range(60..200);
        let wall = [
            grey,
            grey,
            (grey as f32 * rng.random_range(0.9..1.1)).min(255.0) as u8,
        ];
        let boards = (0..8)
            .map(|_| [rng.random(), rng.random(), rng.random()])
            .collect();
        Self {
            court,
            surround,
            lines: if rng.random_bool(0.8) {
                [245, 245, 245]
            } else {
                [250, 225, 60]
            },
            wall,
            boards,
            post: [150, 150, 155],
            ring: [230, 90, 30],
        }
    }

    /// The court's painted colour: the simulator keeps kits unlike it.
    pub fn court_colour(&self) -> Rgb {
        self.court
    }
}

/// The centre lines of the court's markings, as world polylines on the floor.
pub fn court_lines(court: &CourtDimensions) -> Vec<Vec<Vec3>> {
    markings(court)
        .into_iter()
        .map(|line| {
            line.into_iter()
                .map(|p| [f64::from(p.x), f64::from(p.y), 0.0])
                .collect()
        })
        .collect()
}

/// Walls, floor, court and lines: everything that does not move.
pub fn draw_hall(p: &mut Painter, court: &CourtDimensions, style: &HallStyle) {
    let (l, w) = (f64::from(court.length), f64::from(court.width));
    let m = 6.0;
    let camera = p.projection.pinhole.position;
    // Walls the camera stands inside of (a camera in the stands sees no wall behind it).
    let walls = [
        ([-m, -m], [l + m, -m], camera[1] > -m),
        ([l + m, -m], [l + m, w + m], camera[0] < l + m),
        ([l + m, w + m], [-m, w + m], camera[1] < w + m),
        ([-m, w + m], [-m, -m], camera[0] > -m),
    ];
    for (k, (a, b, visible)) in walls.into_iter().enumerate() {
        if !visible {
            continue;
        }
        let along = [b[0] - a[0], b[1] - a[1], 0.0];
        p.surface([a[0], a[1], 0.0], along, [0.0, 0.0, 8.0], 2.0, style.wall);
        // Advertising boards along the foot of the wall, 4 m each.
        let len = (b[0] - a[0]).hypot(b[1] - a[1]);
        let n = (len / 4.0).ceil() as usize;
        for i in 0..n {
            let f = i as f64 / n as f64;
            let origin = [a[0] + along[0] * f, a[1] + along[1] * f, 0.0];
            let board = [along[0] / n as f64, along[1] / n as f64, 0.0];
            let colour = style.boards[(i + k) % style.boards.len()];
            p.surface(origin, board, [0.0, 0.0, 0.9], 2.0, colour);
        }
    }
    // The floor runs out to the walls, and on a side with no wall in view (the camera stands in
    // the stands there) on toward the camera.
    let near = |c: f64, edge: f64, outward: f64| {
        if (c - edge) * outward > 0.0 {
            c + outward
        } else {
            edge
        }
    };
    let (x0, y0) = (near(camera[0], -m, -1.0), near(camera[1], -m, -1.0));
    let (x1, y1) = (near(camera[0], l + m, 1.0), near(camera[1], w + m, 1.0));
    p.surface(
        [x0, y0, 0.0],
        [x1 - x0, 0.0, 0.0],
        [0.0, y1 - y0, 0.0],
        1.0,
        style.surround,
    );
    p.surface(
        [0.0, 0.0, 0.0],
        [l, 0.0, 0.0],
        [0.0, w, 0.0],
        2.0,
        style.court,
    );
    let line_width = f64::from(court.line_width);
    for line in court_lines(court) {
        p.polyline(&line, line_width, 1.0, style.lines, 255);
    }
}

/// A goal post with its ring and net, at an end. Returns the world points of the ring.
pub fn draw_post(p: &mut Painter, court: &CourtDimensions, end: End, style: &HallStyle) {
    let (l, w) = (f64::from(court.length), f64::from(court.width));
    let (x_post, inward) = match end {
        End::Low => (-0.04, 1.0),
        End::High => (l + 0.04, -1.0),
    };
    let y = w / 2.0;
    p.polyline(
        &[[x_post, y, 0.0], [x_post, y, 3.1]],
        0.065,
        1.5,
        style.post,
        255,
    );
    p.polyline(
        &[[x_post, y, 3.08], [x_post + inward * 0.15, y, 3.05]],
        0.03,
        1.0,
        style.post,
        255,
    );
    draw_ring(p, court, end, style);
}

/// The ring alone (its truth box is what this draws) and the net hanging from it.
pub fn draw_ring(p: &mut Painter, court: &CourtDimensions, end: End, style: &HallStyle) {
    let centre = ring_centre(court, end);
    let ring: Vec<Vec3> = (0..=24)
        .map(|i| {
            let a = i as f64 / 24.0 * std::f64::consts::TAU;
            [
                centre[0] + 0.19 * a.cos(),
                centre[1] + 0.19 * a.sin(),
                centre[2],
            ]
        })
        .collect();
    for k in (0..24).step_by(3) {
        let top = ring[k];
        let bottom = [
            centre[0] + 0.1 * (top[0] - centre[0]) / 0.19,
            centre[1] + 0.1 * (top[1] - centre[1]) / 0.19,
            centre[2] - 0.4,
        ];
        p.polyline(&[top, bottom], 0.008, 0.8, [235, 235, 235], 200);
    }
    p.polyline(&ring, 0.016, 1.5, style.ring, 255);
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    use super::*;
    use crate::simulate::team::draw_kits;

    /// Every court colour leaves two dresses unlike it and unlike each other, whatever the draw.
    #[test]
    fn every_court_has_two_kits() {
        for court in COURTS {
            for seed in 0..300 {
                let [home, away] = draw_kits(&mut ChaCha8Rng::seed_from_u64(seed), court);
                assert_ne!(home.dress, away.dress);
            }
        }
    }
}
