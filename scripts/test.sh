#!/usr/bin/env bash
# Runs every check: formatting, lints, unit and integration tests, the detector's parity
# against ONNX on real weights, and the browser end-to-end tests in headless Chromium.
# Installs what it needs first (scripts/setup.sh) and fetches the test assets.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

bash scripts/setup.sh
bash scripts/fetch-assets.sh

echo "== format"
cargo fmt --all -- --check
echo "== lints (native)"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "== lints (wasm32 app)"
cargo clippy -p netball-app --target wasm32-unknown-unknown --locked -- -D warnings
echo "== browser app"
trunk build --release
echo "== tests"
cargo test --workspace --locked
