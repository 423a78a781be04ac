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
# The default build autotunes its GPU kernels and keeps the choices in the user cache directory:
# the first run of each shape on a card spends minutes tuning (the `tune` part measures it).
#
# Settings (environment):
#   GPU_CHECK_PARTS     which parts to run, comma-separated: bench, analyze, tune, profile
#                       (default: bench,analyze)
#   GPU_CHECK_TUNE      tune and profile: the configurations, precision:scale:batch, comma-separated
#                       (default f16:s:32,f32:s:32). `tune` times each twice from an empty
#                       autotune cache (the first run tunes, the second must find the results on
#                       disk) and writes tune.md; `profile` logs every kernel's GPU time once
#                       tuned and writes profile-<config>.md, the time per kernel name. Meant
#                       for a binary built with Burn's `autotune` feature.
#   GPU_CHECK_TUNE_TIMEOUT  seconds each of those runs may take (default 240)
#   GPU_CHECK_SECONDS   timed seconds per bench configuration (default 2)
#   GPU_CHECK_BATCHES   analyze's batch sizes, comma-separated (default 8,32)
#   GPU_CHECK_CLIPS     clips as resolution:duration, comma-separated
#                       (default 1920x1080:20s,3840x2160:8s)
#   GPU_CHECK_DEVICE    analyze's --device (default gpu; cpu only to try the script out)
set -uo pipefail
mkdir -p "$4"
# Absolute paths: the tune and profile runs work in their own directory.
bin=$(realpath "$1") weights=$(realpath "$2") images_dir=$(realpath "$3") out=$(realpath "$4")
parts=${GPU_CHECK_PARTS:-bench,analyze}
seconds=${GPU_CHECK_SECONDS:-2}
batches=${GPU_CHECK_BATCHES:-8,32}
clips=${GPU_CHECK_CLIPS:-1920x1080:20s,3840x2160:8s}
device=${GPU_CHECK_DEVICE:-gpu}
tune_timeout=${GPU_CHECK_TUNE_TIMEOUT:-240}
GPU_CHECK_TUNE=${GPU_CHECK_TUNE:-f16:s:32,f32:s:32}
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

if wants tune || wants profile; then
  # CubeCL reads cubecl.toml from the working directory; with no Cargo.toml above it, the
  # autotune cache lives in the user cache directory, emptied here so the first run tunes.
  tune_dir=$(mktemp -d)
  export XDG_CACHE_HOME=$tune_dir/cache
  tune_bench() { # time-limit precision scale batch seconds
    (cd "$tune_dir" && timeout "$1" "$bin" bench --device gpu --precision "$2" --scales "$3" \
      --batches "$4" --no-baseline --weights "$weights" --images "${images[@]}" --seconds "$5")
  }
  echo "| precision | scale | batch | run | wall s | warm-up s | img/s |" > "$out/tune.md"
  echo "|---|---|---:|---|---:|---:|---:|" >> "$out/tune.md"
  # One configuration at a time, tuned, then found in the cache, then profiled: whatever a
  # time limit cuts off, the configurations before it are complete.
  for config in ${GPU_CHECK_TUNE//,/ }; do
    IFS=: read -r precision scale batch <<< "$config"
    name="$precision-$scale-$batch"
    runs=(); wants tune && runs=(cold cached)
    for run in "${runs[@]}"; do
      log="$out/tune-$name-$run.md"
      # Autotune's log names the kernel it picked for each shape.
      printf '[autotune.logger]\nlevel = "minimal"\nfile = "%s"\n' \
        "$out/autotune-$name-$run.log" > "$tune_dir/cubecl.toml"
      start=$(date +%s%N)
      tune_bench "$tune_timeout" "$precision" "$scale" "$batch" 2 > "$log" 2>&1 \
        || echo "tune $config $run failed"
      wall=$(awk "BEGIN { printf \"%.1f\", ($(date +%s%N) - $start) / 1e9 }")
      # The throughput row: | scale | weights | batch | img/s | ms/img | warm-up s | ...
      row=$(grep -E "^\| $scale \| (real|random) \| $batch \|" "$log" | head -1)
      ips=$(echo "$row" | awk -F'|' '{gsub(/ /,"",$5); print $5}')
      warm=$(echo "$row" | awk -F'|' '{gsub(/ /,"",$7); print $7}')
      echo "| $precision | $scale | $batch | $run | $wall | ${warm:--} | ${ips:--} |" \
        | tee -a "$out/tune.md"
    done
    rm -f "$tune_dir/cubecl.toml"
    wants profile || continue
    cat > "$tune_dir/cubecl.toml" <<TOML
[profiling.logger]
level = "basic"
file = "$tune_dir/profile-$name.log"
append = false
TOML
    tune_bench "$tune_timeout" "$precision" "$scale" "$batch" 1 \
      > "$out/profile-$name.bench.md" 2>&1 || echo "profile $config failed"
    rm -f "$tune_dir/cubecl.toml"
    python3 - "$tune_dir/profile-$name.log" > "$out/profile-$name.md" <<'PY'
import re, sys
from collections import defaultdict
units = {"ns": 1e-6, "µs": 1e-3, "us": 1e-3, "ms": 1.0, "s": 1e3}
total, count = defaultdict(float), defaultdict(int)
for line in open(sys.argv[1], errors="replace"):
    m = re.match(r"\|\s*([0-9.]+)(ns|µs|us|ms|s)\s*\|\s*(.+)$", line)
    if not m:
        continue
    # Kernel names carry their shapes and types after the first '<' or '('.
    name = re.split(r"[<(]", m.group(3).strip())[0].strip()
    total[name] += float(m.group(1)) * units[m.group(2)]
    count[name] += 1
grand = sum(total.values()) or 1.0
print(f"kernel GPU time over the whole run (warm-up, agreement check and timing): {grand:.1f} ms\n")
print("| kernel | launches | ms | share |")
print("|---|---:|---:|---:|")
for name, ms in sorted(total.items(), key=lambda kv: -kv[1])[:40]:
    print(f"| {name} | {count[name]} | {ms:.1f} | {100 * ms / grand:.1f}% |")
PY
    head -25 "$out/profile-$name.md"
  done
fi

kill $sampler 2>/dev/null
echo "peak GPU memory used: $(awk -F', ' '{print $2}' "$out/memory.csv" | sort -n | tail -1)"
exit $status
