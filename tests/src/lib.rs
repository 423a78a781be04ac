//! End-to-end tests of the netball system; they live in `tests/` (`cargo test -p netball-e2e`).
//!
//! `tests/browser.rs` drives the built browser app (`trunk build --release`) in headless Chromium
//! and checks its detections against the native detector's. This library is intentionally empty.
