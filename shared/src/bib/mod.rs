//! Reading the position letters on players' bibs (GS, GA, WA, C, WD, GD, GK).
//!
//! In netball every player on court wears her position on a bib, front and back, and within a
//! team no two positions repeat: the kit colour and the bib together name one person. That is
//! what keeps two players apart when their boxes cross (a defender marks her attacker within
//! half a metre) and what says which rules apply to whom.
//!
//! - [`BibCrop`]: the chest region of a person's box, resampled to a small square.
//! - [`BibNet`]: a small convolutional network, trained on crops the simulator renders
//!   (`netball bibs train`), that gives each crop a probability per position and for "no
//!   bib" (umpires, players seen side on).
//! - [`BibModel`]: its weights file; one is bundled ([`BibModel::bundled`]).
//! - [`BibReader`]: crops in, [`BibReading`]s out, on the CPU everywhere (about 3 million
//!   multiply-adds a crop, far below the detector's cost).

mod crop;
mod file;
mod net;
mod reader;

pub use crop::{BibCrop, LEN as CROP_LEN, MIN_HEIGHT, SIDE as CROP_SIDE, batch_input};
pub use file::{BibModel, BibModelError};
pub use net::{BibNet, BibNetConfig};
pub use reader::{BibClass, BibReader, BibReading};
