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

# NETBALL_LEAN=1 (set by .ci/run, where every run starts from a clean checkout) deletes what a
# step built once nothing later needs it: the wasm32 build folders once Trunk has written
# dist/ (1.4 GB), and the benchmarks' executables once they are linked and linted (about
# 0.5 GB; the tests never run them). A run without it keeps them, so the next run is quicker.
lean="${NETBALL_LEAN:-0}"

step setup
bash scripts/setup.sh
bash scripts/fetch-assets.sh

step format
cargo fmt --all -- --check

export RUSTC_WORKSPACE_WRAPPER=clippy-driver
step "browser app: wasm32 release build with Trunk, linted"
trunk build --release --locked
if [ "$lean" = 1 ]; then
  rm -rf target/wasm32-unknown-unknown target/release
fi
step "native build of the benchmarks, linted"
if [ "$lean" = 1 ]; then
  # Cargo's JSON messages name each executable and the kind of target it was built for.
  cargo test --workspace --benches --locked --no-run --message-format=json-render-diagnostics \
    | python3 -c '
import json, sys
for line in sys.stdin:
    message = json.loads(line)
    if message.get("reason") == "compiler-artifact" and message.get("executable") \
            and "bench" in message["target"]["kind"]:
        print(message["executable"])' \
    | xargs -r rm -f
else
  cargo test --workspace --benches --locked --no-run
fi
step "native build of every other target, linted"
cargo test --workspace --lib --bins --tests --examples --locked --no-run
step "tests (unit, parity, CLI, browser end to end)"
cargo test --workspace --locked
step done
