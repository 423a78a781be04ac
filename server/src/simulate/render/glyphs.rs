//! Stroke shapes of the letters printed on bibs (G, S, A, W, C, D, K). tiny-skia draws paths
//! but has no text, and seven letters do not justify bundling a font.

/// Strokes of a letter in a unit box (x right, y up), each a polyline.
pub fn strokes(letter: char) -> Vec<Vec<[f32; 2]>> {
    let arc = |from: f32, to: f32| -> Vec<[f32; 2]> {
        (0..=12)
            .map(|i| {
                let a = (from + (to - from) * i as f32 / 12.0).to_radians();
                [0.5 + 0.45 * a.cos(), 0.5 + 0.5 * a.sin()]
            })
            .collect()
    };
    match letter {
        'G' => {
            let mut outer = arc(40.0, 320.0);
            outer.push([0.95, 0.45]);
            outer.push([0.55, 0.45]);
            vec![outer]
        }
        'C' => vec![arc(45.0, 315.0)],
        'S' => vec![vec![
            [0.9, 0.85],
            [0.6, 1.0],
            [0.25, 0.95],
            [0.1, 0.75],
            [0.25, 0.55],
            [0.75, 0.45],
            [0.9, 0.25],
            [0.75, 0.05],
            [0.4, 0.0],
            [0.1, 0.15],
        ]],
        'A' => vec![
            vec![[0.0, 0.0], [0.5, 1.0], [1.0, 0.0]],
            vec![[0.22, 0.4], [0.78, 0.4]],
        ],
        'W' => vec![vec![
            [0.0, 1.0],
            [0.25, 0.0],
            [0.5, 0.6],
            [0.75, 0.0],
            [1.0, 1.0],
        ]],
        'D' => vec![vec![
            [0.1, 0.0],
            [0.1, 1.0],
            [0.55, 1.0],
            [0.85, 0.8],
            [0.95, 0.5],
            [0.85, 0.2],
            [0.55, 0.0],
            [0.1, 0.0],
        ]],
        'K' => vec![
            vec![[0.1, 0.0], [0.1, 1.0]],
            vec![[0.9, 1.0], [0.1, 0.4]],
            vec![[0.35, 0.6], [0.9, 0.0]],
        ],
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use netball_shared::court::Position;

    #[test]
    fn every_position_can_be_written() {
        for p in Position::ALL {
            for letter in p.letters().chars() {
                let s = strokes(letter);
                assert!(!s.is_empty(), "{letter}");
                assert!(
                    s.iter()
                        .flatten()
                        .all(|q| q.iter().all(|v| (0.0..=1.0).contains(v)))
                );
            }
        }
    }
}
