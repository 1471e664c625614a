#!/usr/bin/env bash
# Builds .build/fuzz/morph-fuzz: every libFuzzer harness in Fuzz/ in one binary (MORPH_FUZZ_TARGET picks
# one), with AddressSanitizer and libFuzzer coverage on Morph's modules and their Swift dependencies, and
# the Swift runtime and Foundation linked statically.
#
# zlib is linked for real (ZIPFoundation inflates with it). The harnesses never reach libvips, OpenBLAS or FFTW (they only parse files), so the binary does not link
# those C libraries: their symbols stay unresolved and are bound lazily, which keeps the binary
# self-contained. Should a harness ever call into one, the run stops at once with "symbol lookup error"
# (a finding, never a silent pass).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${FUZZ_BUILD:-.build/fuzz}
# SwiftPM's `--sanitize fuzzer` does not give library targets libFuzzer's coverage instrumentation (their objects
# came out with ASan only, so the fuzzer saw nothing but the harness code): ask for it explicitly.
swift build -c release --build-path "$BUILD" --sanitize fuzzer --sanitize address \
    -Xswiftc -sanitize-coverage=edge,trace-cmp,inline-8bit-counters,pc-table \
    -Xswiftc -enable-testing --target MorphRecipes >&2
REL="$BUILD/release"
# The object files of every library target built above (not tests, plugins or the CLI).
mapfile -t OBJECTS < <(find "$REL"/ -path '*.build/*.o' \
    | grep -v -E '/(morph|TestSupport|[A-Za-z]+Tests|GenerateManual|GenerateDoccReference)\.build/' | sort)
# Clang module maps of the C targets (SwiftPM writes one per C target, or the target ships its own).
MODULE_FLAGS=()
# Only this build's own checkouts, and only their Sources (a package's benchmarks and tests may define modules of
# the same name).
for map in $(find "$REL"/ -maxdepth 2 -name module.modulemap) $(find "$BUILD"/checkouts -path '*/Sources/*' -not -path '*/Benchmarks/*' -not -path '*/Tests/*' -name module.modulemap) \
           Modules/*/module.modulemap Modules/*/include/module.modulemap; do
    [ -f "$map" ] && MODULE_FLAGS+=(-Xcc "-fmodule-map-file=$map")
done
for inc in $(find "$BUILD"/checkouts -path '*/Sources/*/include' -type d 2>/dev/null); do MODULE_FLAGS+=(-Xcc "-I$inc"); done
# The functions of the unlinked C libraries, each aborting with its name.
nm "${OBJECTS[@]}" 2>/dev/null | awk '$1 == "U" { sub(/@.*/, "", $2); print $2 }' | sort -u > "$BUILD/undefined.txt"
nm --defined-only "${OBJECTS[@]}" 2>/dev/null | awk 'NF == 3 { print $3 }' | sort -u > "$BUILD/defined.txt"
SHIM="$BUILD/unlinked-c-libraries.c"
{
    echo '#include <stdio.h>'
    echo '#include <stdlib.h>'
    echo 'static void unlinked(const char *f) { fprintf(stderr, "morph-fuzz: the harness called %s, which this build does not link\n", f); abort(); }'
    comm -23 "$BUILD/undefined.txt" "$BUILD/defined.txt" | grep -E '^(vips_|g_|cblas_|openblas_|fftw)' \
        | while read -r f; do echo "void $f(void) { unlinked(\"$f\"); }"; done
} > "$SHIM"
clang -c -O1 -w "$SHIM" -o "$BUILD/unlinked-c-libraries.o"
# Module maps ask for -lopenblas: an empty linker script of that name stands in, so no DT_NEEDED is recorded.
mkdir -p "$BUILD/unlinked"
echo '/* OpenBLAS is not linked into the fuzz harnesses (see unlinked-c-libraries.c) */' > "$BUILD/unlinked/libopenblas.so"
swiftc -O -parse-as-library -sanitize=fuzzer,address -static-stdlib -module-name MorphFuzz \
    -I "$REL/Modules" -I "$REL" "${MODULE_FLAGS[@]}" $(pkg-config --cflags-only-I vips | sed 's/-I/-Xcc -I/g') \
    Fuzz/*.swift "${OBJECTS[@]}" "$BUILD/unlinked-c-libraries.o" -L "$BUILD/unlinked" -lz \
    -o "$BUILD/morph-fuzz"
echo "$BUILD/morph-fuzz"
