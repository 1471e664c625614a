#!/usr/bin/env bash
# `make demo`: builds Morph, runs the inference CLI on the small committed fixtures, then the quick benchmark.
set -euo pipefail
cd "$(dirname "$0")/.."
morph=.build/release/morph
fx=Tests/Fixtures
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
$morph info $fx/cli_rrdb_x4.pth
$morph upscale $fx/cli_in_rgb.png -o "$out/upscaled.png" --model $fx/cli_rrdb_x4.pth --outscale 3
$morph translate $fx/cli_in_odd.png $fx/cli_in_rgb.png -o "$out/translated" --model $fx/cli_resnet_in.pth
ls -l "$out" "$out/translated"
$morph bench --quick
