//! Typed detections in the original image's pixel coordinates.

use serde::{Deserialize, Serialize};

/// An axis-aligned box, corners in pixels, `x1 <= x2` and `y1 <= y2`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct BoundingBox {
    pub x1: f32,
    pub y1: f32,
    pub x2: f32,
    pub y2: f32,
}

impl BoundingBox {
    /// From centre and size.
    pub fn from_center(cx: f32, cy: f32, w: f32, h: f32) -> Self {
        Self {
            x1: cx - w / 2.0,
            y1: cy - h / 2.0,
            x2: cx + w / 2.0,
            y2: cy + h / 2.0,
        }
    }

    pub fn width(&self) -> f32 {
        (self.x2 - self.x1).max(0.0)
    }

    pub fn height(&self) -> f32 {
        (self.y2 - self.y1).max(0.0)
    }

    pub fn area(&self) -> f32 {
        self.width() * self.height()
    }

    /// Intersection over union; 0 for disjoint or empty boxes.
    pub fn iou(&self, other: &BoundingBox) -> f32 {
        let inter = BoundingBox {
            x1: self.x1.max(other.x1),
            y1: self.y1.max(other.y1),
            x2: self.x2.min(other.x2),
            y2: self.y2.min(other.y2),
        }
        .area();
        let union = self.area() + other.area() - inter;
        if union > 0.0 { inter / union } else { 0.0 }
    }

    /// The middle of the box.
    pub fn center(&self) -> (f32, f32) {
        ((self.x1 + self.x2) / 2.0, (self.y1 + self.y2) / 2.0)
    }

    /// The point where a standing person touches the ground: bottom centre.
    pub fn ground_point(&self) -> (f32, f32) {
        ((self.x1 + self.x2) / 2.0, self.y2)
    }

    /// The same box in an image scaled by `sx` horizontally and `sy` vertically (from video
    /// pixels to a decoded frame's, and back).
    pub fn scaled(self, sx: f32, sy: f32) -> Self {
        Self {
            x1: self.x1 * sx,
            y1: self.y1 * sy,
            x2: self.x2 * sx,
            y2: self.y2 * sy,
        }
    }

    /// The box a fraction `t` of the way from `self` to `other`, each edge moving linearly:
    /// what fills a tracked object's gap between two sightings.
    pub fn lerp(&self, other: &BoundingBox, t: f32) -> Self {
        let lerp = |p: f32, q: f32| p + (q - p) * t;
        Self {
            x1: lerp(self.x1, other.x1),
            y1: lerp(self.y1, other.y1),
            x2: lerp(self.x2, other.x2),
            y2: lerp(self.y2, other.y2),
        }
    }

    /// Clamps to an image of the given size.
    pub fn clamp(self, width: f32, height: f32) -> Self {
        Self {
            x1: self.x1.clamp(0.0, width),
            y1: self.y1.clamp(0.0, height),
            x2: self.x2.clamp(0.0, width),
            y2: self.y2.clamp(0.0, height),
        }
    }
}

/// One detected object.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Detection {
    pub bbox: BoundingBox,
    /// Class probability of the best class, 0..1.
    pub score: f32,
    pub class_id: usize,
    /// The class's name from the model file.
    pub label: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iou_of_half_overlapping_boxes() {
        let a = BoundingBox {
            x1: 0.0,
            y1: 0.0,
            x2: 2.0,
            y2: 1.0,
        };
        let b = BoundingBox {
            x1: 1.0,
            y1: 0.0,
            x2: 3.0,
            y2: 1.0,
        };
        assert!((a.iou(&b) - 1.0 / 3.0).abs() < 1e-6);
        assert_eq!(
            a.iou(&BoundingBox {
                x1: 5.0,
                y1: 5.0,
                x2: 6.0,
                y2: 6.0
            }),
            0.0
        );
        assert_eq!(a.iou(&a), 1.0);
    }
}
