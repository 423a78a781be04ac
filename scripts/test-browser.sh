#!/usr/bin/env bash
# The browser app's checks: wasm lints, the Trunk release build, and the end-to-end tests that
# drive it in headless Chromium on the WebGPU (SwiftShader) and CPU paths. Slow on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

bash scripts/setup.sh
bash scripts/fetch-assets.sh
cargo fmt -p netball-app -p netball-e2e -- --check
cargo clippy -p netball-app --target wasm32-unknown-unknown --locked -- -D warnings
trunk build --release
cargo test -p netball-e2e --locked -- --nocapture
