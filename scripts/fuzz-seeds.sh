#!/usr/bin/env bash
# Assembles the seed corpus of every fuzz harness under OUT/<harness>/ from committed files: small real
# checkpoints and recipes, the hand-made hostile files (Tests/Fixtures/hostile), the committed seeds in
# Fuzz/seeds, and every earlier finding (Tests/Fixtures/hostile/fuzz/<harness>). Files over 64 KiB are left out.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:?usage: fuzz-seeds.sh OUT}
F=Tests/Fixtures
H=$F/hostile
add() {  # add HARNESS FILE...
    local harness=$1; shift
    mkdir -p "$OUT/$harness"
    for f in "$@"; do
        [ -f "$f" ] && [ "$(stat -c %s "$f")" -le 65536 ] && cp "$f" "$OUT/$harness/$(basename "$f")"
    done
    return 0
}
is_zip() { [ "$(head -c 2 "$1")" = "PK" ]; }
zips=(); legacy=()
for f in $F/ckpt_*.pth $F/cli_*.pth $H/*.pth; do
    if is_zip "$f"; then zips+=("$f"); else legacy+=("$f"); fi
done
add pth-zip "${zips[@]}"
add pth-legacy "${legacy[@]}"
add pickle Fuzz/seeds/pickle/*
add safetensors $F/ckpt_*.safetensors $F/nn_sched_*.safetensors $H/*.safetensors
add recipe recipes/*.yaml $H/*.yaml
add arch Fuzz/seeds/arch/*
for dir in $H/fuzz/*/; do
    [ -d "$dir" ] && add "$(basename "$dir")" "$dir"*
done
for harness in pickle pth-zip pth-legacy safetensors recipe arch; do
    echo "$harness: $(ls "$OUT/$harness" | wc -l) seeds" >&2
done
