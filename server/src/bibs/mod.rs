//! Making the bib reader ([`netball_shared::bib`]): labelled crops from simulated matches
//! ([`samples`]) and its training and measurement on the CPU ([`train`]).

pub mod samples;
pub mod train;
