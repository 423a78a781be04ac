#!/usr/bin/env bash
# The GPU check: the server's Vulkan path against the CPU on real weights (f32 and f16), and
# detector throughput at batch 1, 8, 32 and 64 for the n and s scales, with peak GPU memory.
# Run it on a machine with an NVIDIA (or other Vulkan) GPU:
#
#   scripts/gpu-check.sh <netball binary> <weights> <images dir> <out dir>
#
# <weights> are real trained weights (best.pt from scripts/fetch-assets.sh, or a model file made
# from it); <images dir> holds the PNG images to compare on (basketball1.png and frames of
# vtest.avi). Writes bench-*.md, detect-auto.*, gpu.csv and memory.csv to <out dir>. Exits
# non-zero when the f32 GPU output disagrees with the CPU.
set -uo pipefail
bin=$1 weights=$2 images_dir=$3 out=$4
mkdir -p "$out"
images=("$images_dir"/*.png)

nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv | tee "$out/gpu.csv"
nvidia-smi --query-gpu=timestamp,memory.used --format=csv,noheader -lms 250 > "$out/memory.csv" &
sampler=$!
trap 'kill $sampler 2>/dev/null' EXIT

# `--device auto` must pick the GPU and say so.
"$bin" detect "${images[0]}" --weights "$weights" --annotated "$out/annotated.png" \
  > "$out/detect-auto.json" 2> "$out/detect-auto.log"
echo "detect --device auto: exit $?"; grep -i "running on" "$out/detect-auto.log"

status=0
timeout 240 "$bin" bench --device gpu --precision f32 --weights "$weights" \
  --images "${images[@]}" --seconds 2 | tee "$out/bench-f32.md" || status=1
timeout 150 "$bin" bench --device gpu --precision f16 --no-baseline --weights "$weights" \
  --images "${images[@]}" --seconds 2 | tee "$out/bench-f16.md"

kill $sampler 2>/dev/null
echo "peak GPU memory used: $(awk -F', ' '{print $2}' "$out/memory.csv" | sort -n | tail -1)"
exit $status
