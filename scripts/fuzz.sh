#!/usr/bin/env bash
# `make fuzz`: builds the harnesses and runs each for FUZZ_SECONDS (default 120) from the seed corpus.
# New inputs that raise coverage go to .build/fuzz/corpus/<harness>; crashes to .build/fuzz/crashes/<harness>.
# A crash is a bug: add the input under Tests/Fixtures/hostile/fuzz/<harness>/ (FuzzRegressionTests then
# loads it and expects a clean error) and fix the loader.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${FUZZ_SECONDS:-120}
BIN=$(scripts/fuzz-build.sh)
WORK=.build/fuzz
scripts/fuzz-seeds.sh "$WORK/seeds"
status=0
for harness in ${FUZZ_HARNESSES:-pickle pth-zip pth-legacy safetensors recipe arch}; do
    mkdir -p "$WORK/corpus/$harness" "$WORK/crashes/$harness"
    echo "== $harness: $SECONDS_EACH s" >&2
    if ! MORPH_FUZZ_TARGET=$harness ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1 "$BIN" \
        -max_total_time="$SECONDS_EACH" -max_len=65536 -rss_limit_mb=2560 -timeout=20 -print_final_stats=1 \
        -artifact_prefix="$WORK/crashes/$harness/" "$WORK/corpus/$harness" "$WORK/seeds/$harness" \
        2> "$WORK/$harness.log"; then
        echo "!! $harness found a crash: see $WORK/$harness.log and $WORK/crashes/$harness/" >&2
        status=1
    fi
    grep -E '^#[0-9]+.*(DONE|cov:)' "$WORK/$harness.log" | tail -1 >&2 || true
done
exit $status
