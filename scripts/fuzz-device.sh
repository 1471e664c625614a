#!/usr/bin/env bash
# Runs the fuzz campaign from the bundle scripts/fuzz-bundle.sh writes, on a machine without Swift:
#     scripts/fuzz-device.sh SECONDS JOBS_PER_HARNESS [HARNESS[:JOBS]...]
# (also shipped inside the bundle as morph-fuzz/run.sh). Every harness (or the ones named) runs at once,
# each with libFuzzer -fork=JOBS (JOBS_PER_HARNESS unless the name gives its own) for SECONDS. Results go under $OUT (default ./fuzz-out):
# <harness>/log.txt, <harness>/crashes/ (every crash, timeout and out-of-memory input), the grown corpus as
# corpus.tar.xz, and summary.txt with each harness's final coverage (libFuzzer's cov:/ft: line) and counts.
set -uo pipefail
SECS=${1:?usage: fuzz-device.sh SECONDS JOBS_PER_HARNESS [HARNESS...]}
JOBS=${2:?usage: fuzz-device.sh SECONDS JOBS_PER_HARNESS [HARNESS...]}
shift 2
HARNESSES=${*:-pickle pth-zip pth-legacy safetensors recipe arch}
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${OUT:-$PWD/fuzz-out}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
if [ -x "$HERE/morph-fuzz" ]; then
    B=$HERE                                     # run.sh inside an unpacked bundle
else
    BUNDLE=${FUZZ_BUNDLE:-$HERE/../.dev/fuzz.tar.xz}
    UNPACK=$(mktemp -d)
    tar -C "$UNPACK" -xJf "$BUNDLE" || { echo "cannot unpack $BUNDLE" >&2; exit 2; }
    B=$UNPACK/morph-fuzz
fi
export LD_LIBRARY_PATH="$B/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1:symbolize=1
WORK=$(mktemp -d)
NAMES=""
for spec in $HARNESSES; do
    h=${spec%%:*}
    jobs=$JOBS
    [ "$spec" != "$h" ] && jobs=${spec#*:}
    NAMES="$NAMES $h"
    mkdir -p "$OUT/$h/crashes" "$WORK/corpus/$h"
    (
        cd "$WORK" || exit 2
        MORPH_FUZZ_TARGET=$h TMPDIR=$WORK "$B/morph-fuzz" -fork="$jobs" -ignore_crashes=1 -ignore_ooms=1 \
            -ignore_timeouts=1 -max_total_time="$SECS" -max_len=65536 -rss_limit_mb=2048 -timeout=20 \
            -print_final_stats=1 -artifact_prefix="$OUT/$h/crashes/" "$WORK/corpus/$h" "$B/seeds/$h" \
            > "$OUT/$h/log.txt" 2>&1
    ) &
done
wait
{
    echo "fuzz campaign: $SECS s, $JOBS jobs per harness, $(nproc) CPUs, $(date -u +%FT%TZ)"
    for h in $NAMES; do
        last=$(grep -E 'cov: [0-9]+' "$OUT/$h/log.txt" | tail -1)
        crashes=$(find "$OUT/$h/crashes" -type f -name 'crash-*' | wc -l)
        ooms=$(find "$OUT/$h/crashes" -type f -name 'oom-*' | wc -l)
        timeouts=$(find "$OUT/$h/crashes" -type f -name 'timeout-*' | wc -l)
        echo "$h: crashes $crashes, ooms $ooms, timeouts $timeouts | $last"
    done
} | tee "$OUT/summary.txt"
tar -C "$WORK" -cf - corpus | xz -T0 -6 > "$OUT/corpus.tar.xz"
