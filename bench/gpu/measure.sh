#!/bin/bash
# One device call: build the llama.cpp that node-llama-cpp 3.22.1 ships (its gitRelease.bundle) with CUDA for
# Hopper, write random-weight GGUFs of the R1-distill shapes, and measure prompt/decode tok/s (llama-bench),
# decode at 1/4/16 parallel sequences (llama-batched-bench) and peak VRAM (nvidia-smi sampled every 100 ms).
# Usage on the GPU machine: OUT=/some/dir bash measure.sh   (the bundle and write_gguf.py lie beside it).
# Everything is time-guarded: steps that would not finish inside BUDGET_S are skipped and said so.
set -o pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${OUT:-$HERE/out}; mkdir -p "$OUT"
BUDGET_S=${BUDGET_S:-530}
exec > >(tee -a "$OUT/log") 2>&1
exec 3>&1
SIZES=${SIZES:-1.5b 7b 14b 32b}; F16_SIZES=${F16_SIZES:-1.5b 7b 14b}
T0=$(date +%s)
el() { echo $(( $(date +%s) - T0 )); }
say() { echo "[$(el)s] $*"; }
left() { echo $(( BUDGET_S - $(el) )); }

# The roomiest writable place for the model files.
W=""; best=0
for d in /tmp /root /var/tmp "$HERE"; do
  a=$(df -Pk "$d" 2>/dev/null | awk 'NR==2{print $4}'); [ -n "$a" ] && [ "$a" -gt "$best" ] && { best=$a; W=$d; }
done
W=$W/costwise-gpubench; mkdir -p "$W"
say "work dir $W ($((best / 1048576)) GiB free)"
say "== machine"; nvidia-smi; nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv
nvcc --version | tail -2; cmake --version | head -1; nproc; free -g; df -h "$W"; uname -r; python3 -c 'import numpy; print("numpy", numpy.__version__)'

say "== build"
rm -rf "$W/llama.cpp"; git clone -q "$HERE/gitRelease.bundle" "$W/llama.cpp" || exit 1
( cd "$W/llama.cpp" && git log -1 --format='llama.cpp commit %H (%cd)' )
[ -n "$FAKE_BUILD" ] && mkdir -p "$W/llama.cpp/build" && cp -r "$FAKE_BUILD" "$W/llama.cpp/build/bin" && echo fake > "$W/build.log" ||
( cd "$W/llama.cpp" && cmake -B build -G Ninja -DGGML_CUDA=ON -DCMAKE_CUDA_ARCHITECTURES=90 -DLLAMA_CURL=OFF \
    -DCMAKE_BUILD_TYPE=Release && cmake --build build -j 16 --target llama-bench llama-batched-bench llama-quantize ) \
  > "$W/build.log" 2>&1 &
BUILD=$!
export PYTHONPATH="$W/llama.cpp/gguf-py" PYTHONUNBUFFERED=1
for s in $SIZES; do
  python3 "$HERE/write_gguf.py" --shape $s --type q4_0 --out "$W/$s-q4_0.gguf" || exit 1
done
say "q4_0 files written"; ls -la "$W"/*.gguf
wait $BUILD || { tail -60 "$W/build.log"; say "BUILD FAILED"; exit 1; }
say "build done"; grep -m3 -i "cuda" "$W/build.log" | head -3
B="$W/llama.cpp/build/bin"
"$B/llama-bench" --version 2>&1 | tail -2

BASE=$(nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits | head -1)
say "baseline VRAM used ${BASE} MiB"
# peak NAME CMD…: run CMD while sampling VRAM; print the peak above the baseline.
peak() {
  local name=$1; shift
  nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits -lms 100 > "$W/vram-$name.txt" 2>/dev/null &
  local S=$!
  "$@"; local rc=$?
  kill $S 2>/dev/null; wait $S 2>/dev/null
  local max; max=$(sort -n "$W/vram-$name.txt" | tail -1)
  echo "VRAM $name peak_used_mib=$max baseline_mib=$BASE rc=$rc" | tee -a "$OUT/vram.txt" >&3
  return $rc
}
bench() { # bench TAG FILE
  say "== llama-bench $1"
  peak "bench-$1" timeout 150 "$B/llama-bench" -m "$2" -ngl 99 -p 512 -n 128 -r 3 -o jsonl 2>"$W/bench-$1.err" | tee -a "$OUT/bench.jsonl"
  grep -i "error\|failed" "$W/bench-$1.err" | head -3
}
batched() { # batched TAG FILE
  say "== llama-batched-bench $1"
  peak "batched-$1" timeout 150 "$B/llama-batched-bench" -m "$2" -ngl 99 -c 16384 -npp 512 -ntg 128 -npl 1,4,16 \
    --output-format jsonl 2>&1 | tee "$W/batched-$1.txt" | grep '^{' | sed "s/^{/{\"tag\":\"$1\",/" | tee -a "$OUT/batched.jsonl"
  grep -i "error\|failed" "$W/batched-$1.txt" | head -3
}

for s in $SIZES; do
  [ "$(left)" -lt 40 ] && { say "SKIP q4_0 $s: out of time"; continue; }
  bench $s-q4_0 "$W/$s-q4_0.gguf"
  batched $s-q4_0 "$W/$s-q4_0.gguf"
done
rm -f "$W"/*-q4_0.gguf

# F16 where the disk and the time allow (32B F16 is 65 GB: past the disk).
for s in $F16_SIZES; do
  case $s in 7b) est=90;; 14b) est=150;; *) est=40;; esac
  [ "$(left)" -lt "$est" ] && { say "SKIP f16 $s: $(left)s left, needs ~${est}s"; continue; }
  python3 "$HERE/write_gguf.py" --shape $s --type f16 --out "$W/$s-f16.gguf" || continue
  bench $s-f16 "$W/$s-f16.gguf"
  batched $s-f16 "$W/$s-f16.gguf"
  if [ $s = "${SIZES%% *}" ] && [ "$(left)" -gt 60 ]; then
    # Cross-check: llama.cpp's own quantizer from the F16 file against the directly written Q4_0 file.
    "$B/llama-quantize" "$W/$s-f16.gguf" "$W/$s-q4_0-quantized.gguf" Q4_0 > "$W/quantize.log" 2>&1 \
      && bench $s-q4_0-quantized "$W/$s-q4_0-quantized.gguf"
    rm -f "$W/$s-q4_0-quantized.gguf"
  fi
  rm -f "$W/$s-f16.gguf"
done
say "done"
