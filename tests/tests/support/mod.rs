//! Helpers for the browser tests: locating inputs, the native reference, the in-process server
//! and the WebDriver-controlled browser.

pub mod chrome;
pub mod inputs;
pub mod native;
pub mod page;
pub mod server;
