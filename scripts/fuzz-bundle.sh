#!/usr/bin/env bash
# Packs the fuzz harnesses for a machine without a Swift toolchain: .dev/fuzz.tar.xz holds morph-fuzz/
# with the harness binary (ASan and libFuzzer linked in, Swift runtime and Foundation static), the
# C++ runtime and zlib it needs, the seed corpora and run.sh (= scripts/fuzz-device.sh).
# Run it there with: tar -xJf fuzz.tar.xz && morph-fuzz/run.sh SECONDS JOBS_PER_HARNESS
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${FUZZ_BIN:-$(scripts/fuzz-build.sh)}   # FUZZ_BIN: pack an already built harness binary
STAGE=$(mktemp -d)
trap 'rm -rf "$STAGE"' EXIT
B="$STAGE/morph-fuzz"
mkdir -p "$B/lib"
cp "$BIN" "$B/morph-fuzz"
strip --strip-debug "$B/morph-fuzz"   # keeps the symbol table, so sanitizer reports still name functions
# The C++ and GCC runtimes (the Swift runtime needs them) and zlib; everything else must come from libc.
for lib in libstdc++.so.6 libgcc_s.so.1 libz.so.1 libfftw3f.so.3; do
    path=$(ldd "$BIN" | awk -v l="$lib" '$1 == l { print $3 }')
    [ -n "$path" ] && cp -L "$path" "$B/lib/"
done
unexpected=$(ldd "$BIN" | awk '{print $1}' | grep -v -E '^(linux-vdso|/lib64/ld-linux|libc\.|libm\.|libdl\.|librt\.|libpthread\.|libutil\.|libresolv\.|libstdc\+\+|libgcc_s|libz\.|libfftw3f\.)' || true)
if [ -n "$unexpected" ]; then echo "fuzz-bundle: unexpected shared libraries: $unexpected" >&2; exit 1; fi
scripts/fuzz-seeds.sh "$B/seeds"
cp scripts/fuzz-device.sh "$B/run.sh"
mkdir -p .dev
grep -qx '/.dev/' "$(git rev-parse --git-common-dir)/info/exclude" 2>/dev/null \
    || echo /.dev/ >> "$(git rev-parse --git-common-dir)/info/exclude"
tar -C "$STAGE" -cf - morph-fuzz | xz -T2 -6 > .dev/fuzz.tar.xz
ls -la .dev/fuzz.tar.xz >&2
