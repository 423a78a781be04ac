//! The image type that flows through the pipeline.

use thiserror::Error;

/// An 8-bit RGB image, rows top to bottom, pixels interleaved (`R G B R G B …`).
///
/// The constructor checks that the buffer matches the dimensions, so every `Frame` is valid.
#[derive(Clone, PartialEq, Eq)]
pub struct Frame {
    width: u32,
    height: u32,
    rgb: Vec<u8>,
}

/// Why a buffer is not a frame.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum FrameError {
    #[error("a frame must be at least 1x1 pixels, got {width}x{height}")]
    Empty { width: u32, height: u32 },
    #[error("a {width}x{height} RGB frame needs {expected} bytes, got {actual}")]
    WrongLength {
        width: u32,
        height: u32,
        expected: usize,
        actual: usize,
    },
}

impl Frame {
    /// Wraps an interleaved RGB buffer.
    pub fn from_rgb(width: u32, height: u32, rgb: Vec<u8>) -> Result<Self, FrameError> {
        if width == 0 || height == 0 {
            return Err(FrameError::Empty { width, height });
        }
        let expected = width as usize * height as usize * 3;
        if rgb.len() != expected {
            return Err(FrameError::WrongLength {
                width,
                height,
                expected,
                actual: rgb.len(),
            });
        }
        Ok(Self { width, height, rgb })
    }

    /// Converts an interleaved RGBA buffer (what a browser canvas gives) by dropping alpha.
    pub fn from_rgba(width: u32, height: u32, rgba: &[u8]) -> Result<Self, FrameError> {
        let expected = width as usize * height as usize * 4;
        if rgba.len() != expected {
            return Err(FrameError::WrongLength {
                width,
                height,
                expected,
                actual: rgba.len(),
            });
        }
        let rgb = rgba
            .chunks_exact(4)
            .flat_map(|px| [px[0], px[1], px[2]])
            .collect();
        Self::from_rgb(width, height, rgb)
    }

    pub fn width(&self) -> u32 {
        self.width
    }

    pub fn height(&self) -> u32 {
        self.height
    }

    /// The interleaved RGB bytes.
    pub fn rgb(&self) -> &[u8] {
        &self.rgb
    }
}

impl std::fmt::Debug for Frame {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Frame({}x{})", self.width, self.height)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_buffers_that_do_not_match_the_size() {
        assert!(matches!(
            Frame::from_rgb(2, 2, vec![0; 11]),
            Err(FrameError::WrongLength { expected: 12, .. })
        ));
        assert!(matches!(
            Frame::from_rgb(0, 2, vec![]),
            Err(FrameError::Empty { .. })
        ));
    }

    #[test]
    fn rgba_drops_alpha() {
        let f = Frame::from_rgba(1, 2, &[1, 2, 3, 255, 4, 5, 6, 0]).unwrap();
        assert_eq!(f.rgb(), &[1, 2, 3, 4, 5, 6]);
    }
}
