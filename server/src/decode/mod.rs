//! Reading frames from files: still images with the `image` crate, video with FFmpeg.

pub mod image;
#[cfg(feature = "video")]
pub mod video;

use std::path::Path;

/// What kind of media a path holds, judged by its content, not its name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MediaKind {
    Image,
    Video,
}

/// Sniffs the file's first bytes: a known image signature means an image, anything else is
/// handed to FFmpeg, which rejects what it cannot read with its own error.
pub fn media_kind(path: &Path) -> std::io::Result<MediaKind> {
    let reader = ::image::ImageReader::open(path)?.with_guessed_format()?;
    Ok(if reader.format().is_some() {
        MediaKind::Image
    } else {
        MediaKind::Video
    })
}
