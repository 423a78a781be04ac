//! People as articulated figures: legs that stride with the gait, arms that swing, hold, reach,
//! shoot and defend, a dress in team colours with the bib and its letters, skin and hair.

use super::glyphs;
use super::painter::Painter;
use crate::simulate::ball::Vec3;
use crate::simulate::play::{Arms, Person};
use crate::simulate::team::Role;

/// A point on the body: `forward` and `right` metres from the feet's centre, `up` a fraction
/// of standing height.
struct Body {
    origin: [f64; 2],
    forward: [f64; 2],
    right: [f64; 2],
    height: f64,
}

impl Body {
    fn at(&self, forward: f64, right: f64, up: f64) -> Vec3 {
        [
            self.origin[0] + self.forward[0] * forward + self.right[0] * right,
            self.origin[1] + self.forward[1] * forward + self.right[1] * right,
            up * self.height,
        ]
    }
}

fn lerp(a: Vec3, b: Vec3, f: f64) -> Vec3 {
    std::array::from_fn(|i| a[i] + (b[i] - a[i]) * f)
}

/// Draws one person. The painter's bounds then hold exactly their pixels' extent.
pub fn draw_person(p: &mut Painter, person: &Person) {
    let spec = &person.spec;
    let m = &person.mover;
    let h = f64::from(spec.height);
    let facing = f64::from(m.facing);
    let body = Body {
        origin: [f64::from(m.pos.x), f64::from(m.pos.y)],
        forward: [facing.cos(), facing.sin()],
        right: [facing.sin(), -facing.cos()],
        height: h,
    };
    let speed = f64::from(m.speed());
    let phase = f64::from(m.stride);
    // Stride length grows with speed; at a sprint each foot reaches ~0.45 m fore and aft.
    let reach = (speed / 7.0).min(1.0) * 0.45 + 0.03;
    let lift = (speed / 7.0).min(1.0) * 0.12;
    let camera = p.projection.pinhole.position;
    let to_camera = [camera[0] - body.origin[0], camera[1] - body.origin[1]];
    // Draw the limbs on the far side first.
    let right_is_near = to_camera[0] * body.right[0] + to_camera[1] * body.right[1] > 0.0;
    let facing_camera = to_camera[0] * body.forward[0] + to_camera[1] * body.forward[1] > 0.0;

    let skin = spec.skin;
    let dress = spec.kit.dress;
    let shoe = [35, 35, 40];
    let legs = |side: f64| {
        let s = side * phase.sin();
        let foot = body.at(reach * s, side * 0.1, 0.0);
        let foot = [
            foot[0],
            foot[1],
            (lift * (side * phase).cos().max(0.0)).max(0.04),
        ];
        let hip = body.at(0.0, side * 0.09, 0.52);
        let knee = lerp(hip, foot, 0.5);
        let knee = [
            knee[0] + body.forward[0] * 0.06,
            knee[1] + body.forward[1] * 0.06,
            knee[2] + 0.02,
        ];
        (hip, knee, foot)
    };
    let arm = |side: f64| -> (Vec3, Vec3, Vec3) {
        let shoulder = body.at(0.0, side * 0.17 * h / 1.75, 0.8);
        let swing = -side * phase.sin() * reach * 0.8;
        let (elbow, hand) = match person.arms {
            Arms::Down => (
                body.at(swing * 0.5, side * 0.2, 0.64),
                body.at(swing, side * 0.22, 0.48),
            ),
            Arms::Holding => (
                body.at(0.12, side * 0.2, 0.62),
                body.at(0.3, side * 0.08, 0.72),
            ),
            Arms::Shooting => (
                body.at(0.1, side * 0.15, 0.98),
                body.at(0.05, side * 0.06, 1.14),
            ),
            Arms::Reaching => (
                body.at(0.2, side * 0.2, 0.9),
                body.at(0.4, side * 0.15, 1.02),
            ),
            Arms::Defending => (
                body.at(0.05, side * 0.32, 0.95),
                body.at(0.1, side * 0.38, 1.12),
            ),
        };
        (shoulder, elbow, hand)
    };
    let draw_leg = |p: &mut Painter, side: f64| {
        let (hip, knee, foot) = legs(side);
        p.polyline(&[hip, knee, foot], 0.13, 1.5, skin, 255);
        let toe = [
            foot[0] + body.forward[0] * 0.12,
            foot[1] + body.forward[1] * 0.12,
            foot[2],
        ];
        p.polyline(&[foot, toe], 0.1, 1.2, shoe, 255);
    };
    let draw_arm = |p: &mut Painter, side: f64| {
        let (shoulder, elbow, hand) = arm(side);
        p.polyline(
            &[shoulder, lerp(shoulder, elbow, 0.6)],
            0.1,
            1.2,
            dress,
            255,
        );
        p.polyline(
            &[lerp(shoulder, elbow, 0.55), elbow, hand],
            0.08,
            1.2,
            skin,
            255,
        );
    };
    let (near, far) = if right_is_near {
        (1.0, -1.0)
    } else {
        (-1.0, 1.0)
    };
    draw_arm(p, far);
    draw_leg(p, far);
    draw_leg(p, near);

    // Dress: a skirt flaring from the hips, then the bodice up to the shoulders.
    let skirt = [
        body.at(0.0, -0.15, 0.55),
        body.at(0.0, 0.15, 0.55),
        body.at(0.0, 0.2, 0.42),
        body.at(0.0, -0.2, 0.42),
    ];
    let bodice = [
        body.at(0.0, -0.13, 0.55),
        body.at(0.0, 0.13, 0.55),
        body.at(0.0, 0.17 * h / 1.75, 0.81),
        body.at(0.0, -0.17 * h / 1.75, 0.81),
    ];
    // The body has depth: draw it as a thick slab so side views are not paper thin.
    p.polyline(
        &[body.at(0.0, 0.0, 0.5), body.at(0.0, 0.0, 0.78)],
        0.22,
        2.0,
        dress,
        255,
    );
    p.polygon(&skirt, dress, 255);
    p.polygon(&bodice, dress, 255);
    p.polyline(&[skirt[2], skirt[3]], 0.03, 0.8, spec.kit.trim, 255);

    // The bib, front and back, with the position letters readable from the camera.
    if let Role::Player { position, .. } = spec.role {
        let n = if facing_camera { 1.0 } else { -1.0 };
        let depth = 0.12 * n;
        // Right as seen by the camera: up × normal.
        let side = -n;
        let corner = |r: f64, up: f64| body.at(depth, side * r, up);
        let bib = [
            corner(-0.12, 0.58),
            corner(0.12, 0.58),
            corner(0.12, 0.78),
            corner(-0.12, 0.78),
        ];
        p.polygon(&bib, spec.kit.bib, 255);
        let letters = position.letters();
        let count = letters.len() as f64;
        for (k, letter) in letters.chars().enumerate() {
            let x0 = -0.1 + 0.2 * k as f64 / count;
            let cell = 0.2 / count;
            for stroke in glyphs::strokes(letter) {
                let points: Vec<Vec3> = stroke
                    .iter()
                    .map(|&[gx, gy]| {
                        corner(
                            x0 + cell * (0.15 + 0.7 * f64::from(gx)),
                            0.61 + 0.14 * f64::from(gy),
                        )
                    })
                    .collect();
                p.polyline(&points, 0.022, 0.6, spec.kit.letters, 255);
            }
        }
    }

    draw_arm(p, near);
    // Neck, head and hair.
    p.polyline(
        &[body.at(0.0, 0.0, 0.8), body.at(0.0, 0.0, 0.88)],
        0.1,
        1.0,
        skin,
        255,
    );
    let head = body.at(0.0, 0.0, 0.93);
    let r = 0.115 * h / 1.75;
    let hair_offset = if facing_camera { -0.03 } else { 0.03 };
    p.disc(body.at(hair_offset, 0.0, 0.945), r, 1.5, spec.hair, 255);
    if facing_camera {
        p.disc(
            [
                head[0] + body.forward[0] * 0.02,
                head[1] + body.forward[1] * 0.02,
                head[2] - 0.01,
            ],
            r * 0.88,
            1.2,
            skin,
            255,
        );
    }
}
