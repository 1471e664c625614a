#!/usr/bin/env bash
# Morph against PyTorch at several thread counts on a many-core machine, in one command under ~7 minutes.
#
# Here (2 cores): bash /work/shared/device/bundle.sh   # makes .dev/bundle.tar.xz (ignored; carry ".dev" to the device)
# There, from the checkout root:  bash scripts/device-bench.sh [THREADS...]   (default: 16 8 2 1)
#
# For each thread count T it runs `morph bench --quick --json --threads T --pytorch`: PyTorch
# (bench/pytorch_reference.py --threads T, torch alone) times each case right after Morph, so every record holds
# seconds, pytorch_seconds and vs_pytorch from the same moment. Writes to $OUT (default /tmp/device-bench):
#   machine.txt  CPU, cores, OpenBLAS core and config, torch's build and threads
#   bench.jsonl  every record, with "threads"
#   summary.txt  per record and thread count: Morph s, PyTorch s, Morph/PyTorch, and speed-ups over the smallest count
# Each thread count gets a share of BUDGET seconds (default 400), more for fewer threads; a run cut short keeps
# the records it finished.
set -u
out=${OUT:-/tmp/device-bench}
mkdir -p "$out"
[ $# -gt 0 ] || set -- 16 8 2 1
budget=${BUDGET:-400}
bin=$(mktemp -d)
tar xJf .dev/bundle.tar.xz -C "$bin" || { echo "no .dev/bundle.tar.xz: run /work/shared/device/bundle.sh first" >&2; exit 1; }
export LD_LIBRARY_PATH="$bin/lib"
morph="$bin/morph"

{
  echo "date: $(date -u)"
  echo "nproc: $(nproc)"
  lscpu 2>/dev/null | grep -E "^(Model name|Socket|Core|Thread|NUMA node\(s\)|L3)" || true
  for f in avx512f avx2; do grep -q -w "$f" /proc/cpuinfo && { echo "best vector extension: $f"; break; }; done
  "$morph" bench --quick --filter no-such-case --threads 1 2>&1 >/dev/null | grep -i -E "openblas|warning" || true
  python3 -c "import torch; print('torch', torch.__version__); print(torch.__config__.parallel_info())" 2>&1 | head -8
} | tee "$out/machine.txt"

# PyTorch beside Morph when python3 has torch; otherwise Morph alone, said loudly.
pytorch=(--pytorch --pytorch-script bench/pytorch_reference.py)
if ! python3 -c "import torch" 2>/dev/null; then
  echo "WARNING: python3 cannot import torch; timing Morph alone (no vs_pytorch)" | tee -a "$out/machine.txt"
  pytorch=()
fi

# Shares: weight 2 + 4/T, so one thread gets about three times the time of sixteen.
weights=0
for T in "$@"; do weights=$((weights + 200 + 400 / T)); done
for T in "$@"; do
  limit=$((budget * (200 + 400 / T) / weights))
  echo "== $T threads (limit ${limit}s)"
  timeout "$limit" "$morph" bench --quick --json --threads "$T" "${pytorch[@]}" 2>>"$out/stderr.txt" \
      | tee -a "$out/bench.jsonl"
done

python3 - "$out/bench.jsonl" <<'PY' | tee "$out/summary.txt"
import json, sys
rows = {}
for line in open(sys.argv[1]):
    try:
        r = json.loads(line)
    except ValueError:
        continue
    rows.setdefault(r["name"], {})[r.get("threads")] = r
counts = sorted({t for by in rows.values() for t in by if t}, reverse=True)
low = min(counts) if counts else 1
print("%-30s %7s %10s %10s %9s %12s" % ("record", "threads", "morph s", "torch s", "morph/pt", "speed-up/%s" % low))
for name, by in rows.items():
    for t in counts:
        r = by.get(t)
        if not r:
            continue
        base = by.get(low)
        speed = base["seconds"] / r["seconds"] if base else float("nan")
        torch_s = r.get("pytorch_seconds")
        print("%-30s %7d %10.4f %10s %9s %12.2f" % (name, t, r["seconds"], "%.4f" % torch_s if torch_s else "-",
              "%.2f" % r["vs_pytorch"] if r.get("vs_pytorch") else "-", speed))
    if name == "sgemm_2048":
        print("  sgemm GFLOP/s by threads: " + ", ".join("%d: %.0f" % (t, by[t]["gflops"]) for t in counts if t in by))
PY
rm -rf "$bin"
