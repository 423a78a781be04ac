//! Drawing in the hall's coordinates: every primitive is projected through the camera (lens
//! distortion included) and its pixel extent is recorded, so that an object's truth box is
//! exactly the union of what was drawn for it.

use tiny_skia::{
    Color, FillRule, LineCap, LineJoin, Paint, PathBuilder, Pixmap, Stroke, Transform,
};

use crate::simulate::ball::Vec3;
use crate::simulate::camera_rig::Projection;
use crate::simulate::team::Rgb;

/// The lighting of the hall: a brightness and a colour cast applied to every surface.
#[derive(Clone, Copy, Debug)]
pub struct Light {
    pub gain: [f32; 3],
}

impl Light {
    pub fn colour(&self, rgb: Rgb, alpha: u8) -> Color {
        let c = |i: usize| ((f32::from(rgb[i]) * self.gain[i]).clamp(0.0, 255.0)) as u8;
        Color::from_rgba8(c(0), c(1), c(2), alpha)
    }
}

/// A pixel rectangle `[x0, y0, x1, y1]` grown as things are drawn.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bounds(pub [f32; 4]);

impl Bounds {
    pub const EMPTY: Bounds = Bounds([
        f32::INFINITY,
        f32::INFINITY,
        f32::NEG_INFINITY,
        f32::NEG_INFINITY,
    ]);

    fn add(&mut self, [x, y]: [f32; 2], pad: f32) {
        let b = &mut self.0;
        b[0] = b[0].min(x - pad);
        b[1] = b[1].min(y - pad);
        b[2] = b[2].max(x + pad);
        b[3] = b[3].max(y + pad);
    }

    pub fn is_empty(&self) -> bool {
        self.0[0] > self.0[2]
    }
}

pub struct Painter<'a> {
    pub pixmap: &'a mut Pixmap,
    pub projection: &'a Projection,
    pub light: Light,
    pub bounds: Bounds,
}

impl Painter<'_> {
    fn paint(&self, rgb: Rgb, alpha: u8) -> Paint<'static> {
        let mut paint = Paint::default();
        paint.set_color(self.light.colour(rgb, alpha));
        paint.anti_alias = true;
        paint
    }

    /// A stroke through world points, `width` metres wide (at least `min_px` pixels). Points
    /// the camera cannot image split it into the runs it can.
    pub fn polyline(&mut self, points: &[Vec3], width: f64, min_px: f32, rgb: Rgb, alpha: u8) {
        let mut run: Vec<[f32; 2]> = Vec::with_capacity(points.len());
        let mut run_mid = None;
        for &p in points {
            match self.project_one(p) {
                Some(px) => {
                    run.push(px);
                    run_mid.get_or_insert(p);
                }
                None => {
                    if let Some(mid) = run_mid.take() {
                        self.stroke_pixels(&run, mid, width, min_px, rgb, alpha);
                    }
                    run.clear();
                }
            }
        }
        if let Some(mid) = run_mid {
            self.stroke_pixels(&run, mid, width, min_px, rgb, alpha);
        }
    }

    fn stroke_pixels(
        &mut self,
        pixels: &[[f32; 2]],
        at: Vec3,
        width: f64,
        min_px: f32,
        rgb: Rgb,
        alpha: u8,
    ) {
        let px = (width as f32 * self.projection.scale_at(at)).max(min_px);
        let Some(path) = path_through(pixels, false) else {
            return;
        };
        for &p in pixels {
            self.bounds.add(p, px / 2.0);
        }
        let stroke = Stroke {
            width: px,
            line_cap: LineCap::Round,
            line_join: LineJoin::Round,
            ..Stroke::default()
        };
        let paint = self.paint(rgb, alpha);
        self.pixmap
            .stroke_path(&path, &paint, &stroke, Transform::identity(), None);
    }

    /// A floor or wall area, cut into tiles of at most `tile` metres so that lens distortion
    /// bends its edges and parts out of the lens's reach are left out. Tiles are filled without
    /// anti-aliasing so their shared edges leave no seams.
    pub fn surface(&mut self, origin: Vec3, u: Vec3, v: Vec3, tile: f64, rgb: Rgb) {
        let len = |a: Vec3| (a[0] * a[0] + a[1] * a[1] + a[2] * a[2]).sqrt();
        let (nu, nv) = (
            (len(u) / tile).ceil().max(1.0) as usize,
            (len(v) / tile).ceil().max(1.0) as usize,
        );
        let at = |i: usize, j: usize| -> Vec3 {
            let (fu, fv) = (i as f64 / nu as f64, j as f64 / nv as f64);
            std::array::from_fn(|k| origin[k] + u[k] * fu + v[k] * fv)
        };
        let mut paint = self.paint(rgb, 255);
        paint.anti_alias = false;
        let (w, h) = (self.pixmap.width() as f32, self.pixmap.height() as f32);
        for i in 0..nu {
            for j in 0..nv {
                let corners = [at(i, j), at(i + 1, j), at(i + 1, j + 1), at(i, j + 1)];
                let pixels: Option<Vec<[f32; 2]>> = corners
                    .iter()
                    .map(|&c| {
                        (self.projection.depth(c) >= 0.2)
                            .then(|| self.projection.project_to_edge(c))
                            .flatten()
                    })
                    .collect();
                let Some(pixels) = pixels.filter(|p| has_area(p)) else {
                    continue;
                };
                if pixels.iter().all(|p| p[0] < 0.0)
                    || pixels.iter().all(|p| p[0] > w)
                    || pixels.iter().all(|p| p[1] < 0.0)
                    || pixels.iter().all(|p| p[1] > h)
                {
                    continue;
                }
                if let Some(path) = path_through(&pixels, true) {
                    self.fill(&path, &paint);
                }
            }
        }
    }

    /// A filled polygon through world points.
    pub fn polygon(&mut self, points: &[Vec3], rgb: Rgb, alpha: u8) {
        let Some(pixels) = self.project_all(points) else {
            return;
        };
        self.fill_pixels(&pixels, rgb, alpha);
    }

    /// A filled polygon already in pixels (still counted in the bounds).
    pub fn fill_pixels(&mut self, pixels: &[[f32; 2]], rgb: Rgb, alpha: u8) {
        if !has_area(pixels) {
            return;
        }
        let Some(path) = path_through(pixels, true) else {
            return;
        };
        for &p in pixels {
            self.bounds.add(p, 0.0);
        }
        let paint = self.paint(rgb, alpha);
        self.fill(&path, &paint);
    }

    /// A disc facing the camera: centre in the world, radius in metres (at least `min_px`).
    pub fn disc(&mut self, centre: Vec3, radius: f64, min_px: f32, rgb: Rgb, alpha: u8) {
        let Some(c) = self.projection.project(centre) else {
            return;
        };
        let r = (radius as f32 * self.projection.scale_at(centre)).max(min_px);
        self.disc_pixels(c, r, rgb, alpha);
    }

    pub fn disc_pixels(&mut self, c: [f32; 2], r: f32, rgb: Rgb, alpha: u8) {
        let Some(path) = PathBuilder::from_circle(c[0], c[1], r) else {
            return;
        };
        self.bounds.add(c, r);
        let paint = self.paint(rgb, alpha);
        self.fill(&path, &paint);
    }

    fn fill(&mut self, path: &tiny_skia::Path, paint: &Paint) {
        self.pixmap
            .fill_path(path, paint, FillRule::Winding, Transform::identity(), None);
    }

    /// Projects every point, or nothing when the camera cannot image one of them.
    pub fn project_all(&self, points: &[Vec3]) -> Option<Vec<[f32; 2]>> {
        if points.is_empty() {
            return None;
        }
        points.iter().map(|&p| self.project_one(p)).collect()
    }

    fn project_one(&self, p: Vec3) -> Option<[f32; 2]> {
        if self.projection.depth(p) < 0.2 {
            return None;
        }
        self.projection.project(p)
    }

    /// Starts a new object's bounds and returns the previous object's.
    pub fn take_bounds(&mut self) -> Bounds {
        std::mem::replace(&mut self.bounds, Bounds::EMPTY)
    }
}

/// A path through pixels, closed for fills.
fn path_through(pixels: &[[f32; 2]], close: bool) -> Option<tiny_skia::Path> {
    let mut pb = PathBuilder::new();
    pb.move_to(pixels[0][0], pixels[0][1]);
    for p in &pixels[1..] {
        pb.line_to(p[0], p[1]);
    }
    if close {
        pb.close();
    } else if pixels.len() == 1 {
        pb.line_to(pixels[0][0] + 0.01, pixels[0][1]);
    }
    pb.finish()
}

/// Whether a polygon spans some area: one seen edge-on (a bib from the side) fills nothing, and
/// tiny-skia refuses to fill such paths.
fn has_area(pixels: &[[f32; 2]]) -> bool {
    let span = |k: usize| {
        let (lo, hi) = pixels
            .iter()
            .fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), p| {
                (lo.min(p[k]), hi.max(p[k]))
            });
        hi - lo
    };
    pixels.len() >= 3 && span(0) > 0.01 && span(1) > 0.01
}
