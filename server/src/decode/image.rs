//! Still images.

use std::path::Path;

use anyhow::{Context, Result};
use netball_shared::Frame;

/// Decodes an image file of any supported format (PNG, JPEG, WebP, BMP) to RGB; greyscale and
/// alpha are converted.
pub fn read(path: &Path) -> Result<Frame> {
    let decoded = ::image::ImageReader::open(path)
        .with_context(|| format!("opening {}", path.display()))?
        .with_guessed_format()
        .with_context(|| format!("reading {}", path.display()))?
        .decode()
        .with_context(|| format!("{} is not a decodable image", path.display()))?;
    let rgb = decoded.into_rgb8();
    let (w, h) = rgb.dimensions();
    Ok(Frame::from_rgb(w, h, rgb.into_raw())?)
}
