//! The renderer against the truth it reports: boxes hold every drawn pixel, and the court lines
//! are drawn where the camera's projection says they are.

use netball_shared::court::{CourtDimensions, End};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use tiny_skia::Pixmap;

use super::hall::{self, HallStyle};
use super::painter::{Bounds, Light, Painter};
use super::{BALL_RADIUS, figure};
use crate::simulate::camera_rig::{CameraRig, CameraView, Projection};
use crate::simulate::play::{Match, MatchConfig};

const WHITE: Light = Light {
    gain: [1.0, 1.0, 1.0],
};

fn painter<'a>(pixmap: &'a mut Pixmap, projection: &'a Projection) -> Painter<'a> {
    Painter {
        pixmap,
        projection,
        light: WHITE,
        bounds: Bounds::EMPTY,
    }
}

fn camera(view: CameraView, k1: f64, seed: u64) -> Projection {
    let court = CourtDimensions::default();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut rig = CameraRig::new(view, &court, 960, 540, k1, &mut rng);
    rig.next([15.0, 7.0, 1.0], &court, 0.04)
}

/// Every pixel with any coverage lies within the bounds (anti-aliasing may touch 1 px beyond).
fn assert_inside(pixmap: &Pixmap, bounds: Bounds, what: &str) {
    let [x0, y0, x1, y1] = bounds.0;
    let mut drawn = 0;
    for (k, px) in pixmap.data().chunks_exact(4).enumerate() {
        if px[3] == 0 {
            continue;
        }
        drawn += 1;
        let (x, y) = (
            (k as u32 % pixmap.width()) as f32,
            (k as u32 / pixmap.width()) as f32,
        );
        assert!(
            x + 1.0 >= x0 - 1.0 && x <= x1 + 1.0 && y + 1.0 >= y0 - 1.0 && y <= y1 + 1.0,
            "{what}: pixel ({x}, {y}) outside {:?}",
            bounds.0
        );
    }
    assert!(drawn > 0, "{what}: nothing drawn");
}

#[test]
fn drawn_pixels_lie_inside_their_boxes() {
    let mut m = Match::new(MatchConfig::default(), 11, 25, [40, 90, 160]);
    let style = HallStyle::draw(&mut ChaCha8Rng::seed_from_u64(1));
    for (view, k1) in [
        (CameraView::Sideline, 0.0),
        (CameraView::BehindGoal, -0.12),
        (CameraView::Panning, 0.0),
    ] {
        let projection = camera(view, k1, 3);
        for _ in 0..6 {
            for _ in 0..40 {
                m.advance();
            }
            for person in m.people() {
                let mut pixmap = Pixmap::new(960, 540).unwrap();
                let mut painter = painter(&mut pixmap, &projection);
                figure::draw_person(&mut painter, person);
                let bounds = painter.take_bounds();
                if bounds.0[2] < 0.0 || bounds.0[0] > 960.0 {
                    continue;
                }
                assert_inside(
                    &pixmap,
                    bounds,
                    &format!("{view:?} person {}", person.spec.id),
                );
            }
            let mut pixmap = Pixmap::new(960, 540).unwrap();
            let mut painter = painter(&mut pixmap, &projection);
            painter.disc(m.ball_position(), BALL_RADIUS, 1.5, [250, 240, 200], 255);
            let bounds = painter.take_bounds();
            assert_inside(&pixmap, bounds, "ball");
        }
        for end in [End::Low, End::High] {
            let mut pixmap = Pixmap::new(960, 540).unwrap();
            let mut painter = painter(&mut pixmap, &projection);
            hall::draw_ring(&mut painter, m.court(), end, &style);
            let bounds = painter.take_bounds();
            if bounds.0[2] > 0.0 && bounds.0[0] < 960.0 && bounds.0[3] > 0.0 && bounds.0[1] < 540.0
            {
                assert_inside(&pixmap, bounds, &format!("{view:?} ring {end:?}"));
            }
        }
    }
}

/// Share of sample points along the court lines where the image shows line colour, with every
/// point projected through the truth's camera and shifted by `offset` pixels.
fn line_hits(projection: &Projection, offset: f32) -> f32 {
    let court = CourtDimensions::default();
    let mut style = HallStyle::draw(&mut ChaCha8Rng::seed_from_u64(5));
    style.lines = [255, 255, 255];
    style.court = [40, 90, 160];
    let mut pixmap = Pixmap::new(960, 540).unwrap();
    let mut painter = painter(&mut pixmap, projection);
    hall::draw_hall(&mut painter, &court, &style);
    let homography = projection.homography();
    let (mut hits, mut total) = (0, 0);
    for line in hall::court_lines(&court) {
        for w in line.windows(2) {
            let p = [(w[0][0] + w[1][0]) / 2.0, (w[0][1] + w[1][1]) / 2.0, 0.0];
            let pixel = if projection.k1 == 0.0 {
                let point = netball_shared::court::CourtPoint::new(p[0] as f32, p[1] as f32);
                homography
                    .court_to_image(point)
                    .map(|[u, v]| [u as f32, v as f32])
            } else {
                projection.project(p)
            };
            let Some([u, v]) = pixel else { continue };
            // Shifted across the line (along its normal in the image).
            let (Some(a), Some(b)) = (projection.project(w[0]), projection.project(w[1])) else {
                continue;
            };
            let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
            let len = dx.hypot(dy).max(1e-3);
            let (u, v) = (u - dy / len * offset, v + dx / len * offset);
            if !(1.0..958.0).contains(&u) || !(1.0..538.0).contains(&v) {
                continue;
            }
            total += 1;
            let white = (-1..=1).any(|dy| {
                (-1..=1).any(|dx| {
                    let (x, y) = ((u as i32 + dx) as u32, (v as i32 + dy) as u32);
                    // Nearer the line colour than the court's (thin far lines are anti-aliased).
                    let px = pixmap.pixel(x, y).unwrap();
                    let rgb = [px.red(), px.green(), px.blue()];
                    let distance = |c: [u8; 3]| -> i32 {
                        (0..3)
                            .map(|i| (i32::from(rgb[i]) - i32::from(c[i])).abs())
                            .sum()
                    };
                    distance([255, 255, 255]) < distance([40, 90, 160])
                })
            });
            hits += usize::from(white);
        }
    }
    assert!(total > 100, "too few line points in view: {total}");
    hits as f32 / total as f32
}

#[test]
fn court_lines_are_drawn_where_the_camera_projects_them() {
    for (view, k1) in [
        (CameraView::Sideline, 0.0),
        (CameraView::BehindGoal, 0.0),
        (CameraView::Sideline, -0.12),
    ] {
        let projection = camera(view, k1, 8);
        let on = line_hits(&projection, 0.0);
        let off = line_hits(&projection, 9.0);
        assert!(
            on > 0.98,
            "{view:?} k1 {k1}: only {on} of line points on a line"
        );
        assert!(
            off < 0.3,
            "{view:?} k1 {k1}: {off} of shifted points on a line"
        );
    }
}
