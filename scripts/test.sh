#!/usr/bin/env bash
# Runs every check: formatting; rustc's and clippy's lints as errors on all native and wasm32
# code; unit and integration tests; the detector's parity against ONNX on real weights; the
# `netball` CLI on good and bad input; and the browser app, built with Trunk and driven in
# headless Chromium on its WebGPU and CPU paths. Installs what it needs first
# (scripts/setup.sh) and fetches the test assets.
#
# Clippy runs as the compiler of the workspace's own crates during the real builds
# (RUSTC_WORKSPACE_WRAPPER) rather than as separate `cargo clippy` passes: those would
# type-check Burn and its GPU stack twice more (native and wasm32), about a quarter of an hour
# on 2 cores. The workspace's [lints] table turns every warning into an error.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

# Disk left is printed with each step: a full disk kills the linker with SIGBUS, which says
# nothing of the cause.
step() { echo "== $1 ($(date -u +%H:%M:%S), $(df -h --output=avail . | tail -1 | tr -d ' ') free)"; }

# A run of this script builds everything once: incremental caches would only take disk (several
# GB for the workspace's test binaries) without saving a later build anything.
export CARGO_INCREMENTAL=0

step setup
bash scripts/setup.sh
bash scripts/fetch-assets.sh

step format
cargo fmt --all -- --check

export RUSTC_WORKSPACE_WRAPPER=clippy-driver
step "browser app: wasm32 release build with Trunk, linted"
trunk build --release --locked
step "native build of every target, linted"
cargo test --workspace --all-targets --locked --no-run
step "tests (unit, parity, CLI, browser end to end)"
cargo test --workspace --locked
step done
