//! Draws a frame of the simulated match with tiny-skia: the hall (cached while the camera is
//! still), then shadows, people, posts and the ball from far to near. Every object's pixel
//! extent is recorded as it is drawn, which gives the truth boxes.

mod figure;
mod glyphs;
pub mod hall;
mod painter;

use netball_shared::court::{CourtDimensions, End};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tiny_skia::Pixmap;

use self::hall::HallStyle;
use self::painter::{Bounds, Light, Painter};
use super::ball::{BALL_RADIUS, Vec3};
use super::camera_rig::Projection;
use super::play::Match;

/// Image degradations a real camera adds.
#[derive(Clone, Copy, Debug, Default)]
pub struct Effects {
    /// Standard deviation of per-pixel sensor noise, in 8-bit levels (0: none).
    pub noise: f32,
    /// Smear the ball along its path during the exposure.
    pub motion_blur: bool,
}

/// What was drawn for one object, in pixels (not clipped to the image).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Drawn {
    Person { index: usize, bounds: [f32; 4] },
    Ball { bounds: [f32; 4] },
    Ring { end: End, bounds: [f32; 4] },
}

pub struct Renderer {
    width: u32,
    height: u32,
    style: HallStyle,
    light: Light,
    effects: Effects,
    frame: Pixmap,
    /// The hall as seen by the last static camera.
    background: Option<(Projection, Pixmap)>,
    noise: ChaCha8Rng,
}

impl Renderer {
    pub fn new(width: u32, height: u32, effects: Effects, rng: &mut impl Rng) -> Self {
        let style = HallStyle::draw(rng);
        let warmth: f32 = rng.random_range(-0.08..0.08);
        let level: f32 = rng.random_range(0.8..1.1);
        let light = Light {
            gain: [level * (1.0 + warmth), level, level * (1.0 - warmth)],
        };
        Self {
            width,
            height,
            style,
            light,
            effects,
            frame: Pixmap::new(width, height).expect("frame size was checked"),
            background: None,
            noise: ChaCha8Rng::seed_from_u64(rng.random()),
        }
    }

    pub fn court_colour(&self) -> [u8; 3] {
        self.style.court_colour()
    }

    /// The frame's RGBA bytes (opaque, so premultiplied equals straight alpha).
    pub fn pixels(&self) -> &[u8] {
        self.frame.data()
    }

    fn draw_background(&mut self, court: &CourtDimensions, projection: &Projection) {
        if let Some((seen, bg)) = &self.background
            && seen == projection
        {
            self.frame.data_mut().copy_from_slice(bg.data());
            return;
        }
        let mut bg = Pixmap::new(self.width, self.height).expect("frame size was checked");
        bg.fill(self.light.colour(self.style.wall, 255));
        let mut painter = Painter {
            pixmap: &mut bg,
            projection,
            light: self.light,
            bounds: Bounds::EMPTY,
        };
        hall::draw_hall(&mut painter, court, &self.style);
        self.frame.data_mut().copy_from_slice(bg.data());
        self.background = Some((*projection, bg));
    }

    /// Draws the match's current frame as `projection` sees it.
    pub fn render(
        &mut self,
        m: &Match,
        projection: &Projection,
        previous_ball: Vec3,
    ) -> Vec<Drawn> {
        let court = *m.court();
        self.draw_background(&court, projection);
        let mut painter = Painter {
            pixmap: &mut self.frame,
            projection,
            light: self.light,
            bounds: Bounds::EMPTY,
        };
        let ball = m.ball_position();
        // Soft shadows under people and the ball, from the lights overhead.
        for person in m.people() {
            let c = person.mover.pos;
            let shadow = ellipse([f64::from(c.x), f64::from(c.y)], 0.35, 0.25);
            painter.polygon(&shadow, [0, 0, 0], 70);
        }
        let ball_shadow = ellipse([ball[0], ball[1]], 0.14, 0.14);
        painter.polygon(&ball_shadow, [0, 0, 0], (90.0 / (1.0 + ball[2])) as u8);
        painter.take_bounds();

        enum Item {
            Person(usize),
            Post(End),
            Ball,
        }
        let mut items: Vec<(f64, Item)> = m
            .people()
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let feet = [f64::from(p.mover.pos.x), f64::from(p.mover.pos.y), 0.0];
                (projection.depth(feet), Item::Person(i))
            })
            .collect();
        for end in [End::Low, End::High] {
            let ring = crate::simulate::ball::ring_centre(&court, end);
            items.push((projection.depth([ring[0], ring[1], 0.0]), Item::Post(end)));
        }
        items.push((projection.depth(ball), Item::Ball));
        items.sort_by(|a, b| b.0.total_cmp(&a.0));

        let mut drawn = Vec::with_capacity(items.len());
        for (_, item) in items {
            match item {
                Item::Person(index) => {
                    figure::draw_person(&mut painter, &m.people()[index]);
                    push(&mut drawn, painter.take_bounds(), |bounds| Drawn::Person {
                        index,
                        bounds,
                    });
                }
                Item::Post(end) => {
                    hall::draw_post(&mut painter, &court, end, &self.style);
                    painter.take_bounds();
                    // The ring is drawn again on top so its box is its own pixels only.
                    hall::draw_ring(&mut painter, &court, end, &self.style);
                    push(&mut drawn, painter.take_bounds(), |bounds| Drawn::Ring {
                        end,
                        bounds,
                    });
                }
                Item::Ball => {
                    if self.effects.motion_blur {
                        for k in 1..4 {
                            let f = f64::from(k) / 4.0;
                            let at: Vec3 = std::array::from_fn(|i| {
                                previous_ball[i] + (ball[i] - previous_ball[i]) * f
                            });
                            painter.disc(at, BALL_RADIUS, 1.5, [250, 240, 200], 90);
                        }
                    }
                    painter.disc(ball, BALL_RADIUS, 1.5, [250, 240, 200], 255);
                    let seam = [ball[0], ball[1], ball[2] + BALL_RADIUS * 0.3];
                    painter.disc(seam, BALL_RADIUS * 0.35, 0.5, [200, 60, 40], 255);
                    push(&mut drawn, painter.take_bounds(), |bounds| Drawn::Ball {
                        bounds,
                    });
                }
            }
        }
        if self.effects.noise > 0.0 {
            add_noise(&mut self.frame, self.effects.noise, &mut self.noise);
        }
        drawn
    }
}

fn push(drawn: &mut Vec<Drawn>, bounds: Bounds, make: impl FnOnce([f32; 4]) -> Drawn) {
    if !bounds.is_empty() {
        drawn.push(make(bounds.0));
    }
}

fn ellipse(c: [f64; 2], rx: f64, ry: f64) -> Vec<Vec3> {
    (0..16)
        .map(|i| {
            let a = f64::from(i) / 16.0 * std::f64::consts::TAU;
            [c[0] + rx * a.cos(), c[1] + ry * a.sin(), 0.0]
        })
        .collect()
}

/// Adds sensor noise: uniform with the given standard deviation (a uniform on ±√3σ), cheap
/// enough for every frame of a long clip.
fn add_noise(frame: &mut Pixmap, sigma: f32, rng: &mut ChaCha8Rng) {
    let amplitude = (sigma * 3f32.sqrt()).round() as i16;
    if amplitude == 0 {
        return;
    }
    for px in frame.data_mut().chunks_exact_mut(4) {
        let n = rng.random_range(-amplitude..=amplitude);
        for c in &mut px[..3] {
            *c = (i16::from(*c) + n).clamp(0, 255) as u8;
        }
    }
}

#[cfg(test)]
mod tests;
