#!/usr/bin/env bash
# The GPU check: the server's Vulkan path against the CPU on real weights (f32 and f16), detector
# throughput at batch 1, 8, 32 and 64 for the n and s scales, and `netball analyze` timed on a
# 1080p and a 4K simulator clip, each with its peak GPU memory. Run it on a machine with an
# NVIDIA (or other Vulkan) GPU:
#
#   scripts/gpu-check.sh <netball binary> <weights> <images dir> <out dir>
#
# <weights> are real trained weights (best.pt from scripts/fetch-assets.sh, or a model file made
# from it); <images dir> holds the PNG images to compare on (basketball1.png and frames of
# vtest.avi). Writes bench-*.md, analyze.md, detect-auto.*, gpu.csv and memory.csv to <out dir>.
# Exits non-zero when the f32 GPU output disagrees with the CPU or an analysis fails.
#
# Settings (environment):
#   GPU_CHECK_PARTS     which parts to run, comma-separated: bench, analyze (default: both)
#   GPU_CHECK_SECONDS   timed seconds per bench configuration (default 2)
#   GPU_CHECK_BATCHES   analyze's batch sizes, comma-separated (default 8,32)
#   GPU_CHECK_CLIPS     clips as resolution:duration, comma-separated
#                       (default 1920x1080:20s,3840x2160:8s)
#   GPU_CHECK_DEVICE    analyze's --device (default gpu; cpu only to try the script out)
set -uo pipefail
bin=$1 weights=$2 images_dir=$3 out=$4
parts=${GPU_CHECK_PARTS:-bench,analyze}
seconds=${GPU_CHECK_SECONDS:-2}
batches=${GPU_CHECK_BATCHES:-8,32}
clips=${GPU_CHECK_CLIPS:-1920x1080:20s,3840x2160:8s}
device=${GPU_CHECK_DEVICE:-gpu}
mkdir -p "$out"
images=("$images_dir"/*.png)
wants() { [[ ",$parts," == *",$1,"* ]]; }

nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv | tee "$out/gpu.csv"
nvidia-smi --query-gpu=timestamp,memory.used --format=csv,noheader -lms 250 > "$out/memory.csv" &
sampler=$!
trap 'kill $sampler 2>/dev/null' EXIT

status=0
if wants bench; then
  # `--device auto` must pick the GPU and say so.
  "$bin" detect "${images[0]}" --weights "$weights" --annotated "$out/annotated.png" \
    > "$out/detect-auto.json" 2> "$out/detect-auto.log"
  echo "detect --device auto: exit $?"; grep -i "running on" "$out/detect-auto.log"

  timeout 240 "$bin" bench --device gpu --precision f32 --weights "$weights" \
    --images "${images[@]}" --seconds "$seconds" | tee "$out/bench-f32.md" || status=1
  timeout 150 "$bin" bench --device gpu --precision f16 --no-baseline --weights "$weights" \
    --images "${images[@]}" --seconds "$seconds" | tee "$out/bench-f16.md"
fi

if wants analyze; then
  work=$(mktemp -d)
  {
    echo "| clip | frames | batch | wall s | frames/s | x real time | decode | preprocess | detect | track | write (busy ms/frame) | peak RSS MB | peak GPU MiB |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  } > "$out/analyze.md"
  for clip in ${clips//,/ }; do
    resolution=${clip%%:*} duration=${clip#*:}
    video="$work/sim-$resolution.mp4"
    "$bin" simulate --seed 11 --resolution "$resolution" --duration "$duration" \
      --out "$video" --truth "$work/sim-$resolution.json" 2> "$out/simulate-$resolution.log" \
      || { echo "simulate $resolution failed"; tail -3 "$out/simulate-$resolution.log"; status=1; continue; }
    for batch in ${batches//,/ }; do
      run="$resolution-b$batch"
      nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits -lms 100 > "$work/mem-$run" &
      mem=$!
      timeout 240 "$bin" analyze "$video" -o "$work/out-$run" --weights "$weights" \
        --device "$device" --batch "$batch" --no-cache 2> "$out/analyze-$run.log" \
        || { echo "analyze $run failed"; tail -3 "$out/analyze-$run.log"; status=1; }
      kill $mem 2>/dev/null
      gpu_peak=$(sort -n "$work/mem-$run" | tail -1)
      python3 - "$work/out-$run/sim-$resolution/result.json" "$resolution" "$batch" \
        "$gpu_peak" >> "$out/analyze.md" <<'PY' || status=1
import json, sys
path, resolution, batch, gpu_peak = sys.argv[1:]
result = json.load(open(path))
m = result["metrics"]
fps_video = result["header"]["video"]["fps"]
busy = {s["stage"]: 1000 * s["busy_seconds"] / max(m["frames"], 1) for s in m["stages"]}
stage = lambda name: f"{busy[name]:.1f}" if name in busy else "-"
realtime = m["frames"] / fps_video / m["wall_seconds"]
rss = (m.get("peak_rss_bytes") or 0) / 1e6
print(f"| {resolution} | {m['frames']} | {batch} | {m['wall_seconds']:.2f} | "
      f"{m['frames_per_second']:.1f} | {realtime:.2f} | {stage('decode')} | "
      f"{stage('preprocess')} | {stage('detect')} | {stage('track')} | {stage('write')} | "
      f"{rss:.0f} | {gpu_peak} |")
PY
    done
  done
  cat "$out/analyze.md"
  rm -rf "$work"
fi

kill $sampler 2>/dev/null
echo "peak GPU memory used: $(awk -F', ' '{print $2}' "$out/memory.csv" | sort -n | tail -1)"
exit $status
