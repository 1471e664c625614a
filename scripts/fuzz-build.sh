#!/usr/bin/env bash
# Builds .build/fuzz/morph-fuzz: every libFuzzer harness in Fuzz/ in one binary (MORPH_FUZZ_TARGET picks
# one), with AddressSanitizer and libFuzzer coverage on Morph's modules and their Swift dependencies, and
# the Swift runtime and Foundation linked statically.
#
# The harnesses never reach libvips, OpenBLAS or FFTW (they only parse files), so the binary does not link
# those C libraries: their symbols stay unresolved and are bound lazily, which keeps the binary
# self-contained. Should a harness ever call into one, the run stops at once with "symbol lookup error"
# (a finding, never a silent pass).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${FUZZ_BUILD:-.build/fuzz}
swift build -c release --build-path "$BUILD" --sanitize fuzzer --sanitize address \
    -Xswiftc -enable-testing --target MorphRecipes >&2
REL="$BUILD/release"
# The object files of every library target built above (not tests, plugins or the CLI).
mapfile -t OBJECTS < <(find "$REL"/ -path '*.build/*.o' \
    | grep -v -E '/(morph|TestSupport|[A-Za-z]+Tests|GenerateManual|GenerateDoccReference)\.build/' | sort)
# Clang module maps of the C targets (SwiftPM writes one per C target, or the target ships its own).
MODULE_FLAGS=()
for map in $(find "$REL"/ -maxdepth 2 -name module.modulemap) Modules/*/module.modulemap Modules/*/include/module.modulemap; do
    [ -f "$map" ] && MODULE_FLAGS+=(-Xcc "-fmodule-map-file=$map")
done
for inc in $(find .build/checkouts -path '*/Sources/*/include' -type d 2>/dev/null); do MODULE_FLAGS+=(-Xcc "-I$inc"); done
swiftc -O -parse-as-library -sanitize=fuzzer,address -static-stdlib -module-name MorphFuzz \
    -I "$REL/Modules" -I "$REL" "${MODULE_FLAGS[@]}" $(pkg-config --cflags-only-I vips | sed 's/-I/-Xcc -I/g') \
    Fuzz/*.swift "${OBJECTS[@]}" -Xlinker --unresolved-symbols=ignore-all -Xlinker -z -Xlinker lazy \
    -o "$BUILD/morph-fuzz"
echo "$BUILD/morph-fuzz"
