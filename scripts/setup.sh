#!/usr/bin/env bash
# Installs everything building, running and testing need, on a fresh Debian machine with the
# Rust toolchain; each step is skipped when what it installs is already there.
#
#   Debian packages: FFmpeg's libraries (video decoding), clang (FFmpeg bindings), Chromium and
#   ChromeDriver (browser tests), Python's venv (TrackEval and ONNX Runtime, the references the
#   tests check against)
#   Rust: the wasm32 target, Trunk (builds the browser app), wasm-bindgen-cli (its exact
#   version must match the `wasm-bindgen` crate in Cargo.lock)
set -euo pipefail

TRUNK_VERSION=0.21.14
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/"/,"",$3); print $3; exit}' "$(dirname "$0")/../Cargo.lock")

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

apt_packages=(
  pkg-config clang libclang-dev
  ffmpeg libavcodec-dev libavformat-dev libavutil-dev libswscale-dev libswresample-dev
  libavfilter-dev libavdevice-dev
  chromium chromium-driver
  python3 python3-venv
)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # The downloaded packages (several hundred MB with Chromium) are installed now.
  as_root apt-get clean
fi

rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
rustup component list --installed | grep -q '^clippy' || rustup component add clippy
rustup component list --installed | grep -q '^rustfmt' || rustup component add rustfmt

export PATH="$HOME/.cargo/bin:$PATH"
# The tools only orchestrate builds, so they are built for build speed, not run speed: their
# own release profiles (trunk: fat LTO, one codegen unit) take about 13 minutes on 2 cores;
# this takes about half, in one target folder both share.
tool_build=(
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=256
  CARGO_PROFILE_RELEASE_OPT_LEVEL=1 CARGO_PROFILE_RELEASE_DEBUG=false
  CARGO_TARGET_DIR="$(cd "$(dirname "$0")/.." && pwd)/target/tools"
)
if ! trunk --version 2>/dev/null | grep -qx "trunk $TRUNK_VERSION"; then
  echo "setup: installing trunk $TRUNK_VERSION"
  env "${tool_build[@]}" cargo install trunk --locked --version "$TRUNK_VERSION"
fi
if ! wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen $WASM_BINDGEN_VERSION"; then
  echo "setup: installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  # Not --locked: the lock file published with 0.2.130 pins a webpki-roots release that
  # crates.io no longer serves.
  env "${tool_build[@]}" cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi
# The tools are in ~/.cargo/bin now; their build folder (over 1 GB) is not needed again.
rm -rf "$(cd "$(dirname "$0")/.." && pwd)/target/tools"
# The Python references the tests check against (TrackEval for the tracking metrics, ONNX
# Runtime for the detector): a virtual environment outside the repository with
# scripts/python-requirements.txt, reinstalled only when that file changes.
NETBALL_VENV="${NETBALL_VENV:-$HOME/.cache/netball-venv}"
python_requirements="$(cd "$(dirname "$0")" && pwd)/python-requirements.txt"
if ! cmp -s "$python_requirements" "$NETBALL_VENV/installed-requirements.txt" \
  || ! "$NETBALL_VENV/bin/python" -c 'import trackeval, onnxruntime' 2>/dev/null; then
  echo "setup: installing the Python test references into $NETBALL_VENV"
  python3 -m venv "$NETBALL_VENV"
  "$NETBALL_VENV/bin/pip" install -q --disable-pip-version-check -r "$python_requirements"
  cp "$python_requirements" "$NETBALL_VENV/installed-requirements.txt"
fi
echo "setup: done"
