#!/usr/bin/env bash
# `make mutants`: for each row of scripts/mutants.tsv, patch one spot in a scratch copy of the repository,
# rebuild incrementally (the scratch copy keeps its own .build between runs) and run the row's tests, which must
# FAIL. Debug builds by default (MUTANTS_CONFIG=release to change): a debug rebuild recompiles the patched file
# only, where a release (whole-module) rebuild recompiles every module above it. Lists every mutant that survives (tests still pass) or is invalid (pattern not found exactly once, or the
# patched code does not compile); exits non-zero if there is any. Not part of `make test`: each mutant is a
# rebuild. MUTANTS_DIR chooses the scratch folder; MUTANTS_ONLY=name1,name2 runs only those rows.
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SCRATCH="${MUTANTS_DIR:-/tmp/morph-mutants}"
TABLE="$ROOT/scripts/mutants.tsv"
FLAGS=(-c "${MUTANTS_CONFIG:-debug}" -Xswiftc -enable-testing)
mkdir -p "$SCRATCH/src"
# The working tree as it is (tracked and untracked files that git does not ignore), with their modification times;
# the scratch .build survives, so only what changed since the last run is rebuilt.
find "$SCRATCH/src" -mindepth 1 -maxdepth 1 ! -name .build -exec rm -rf {} +
(cd "$ROOT" && git ls-files -z -c -o --exclude-standard | tar --null -T - -cf -) | tar -C "$SCRATCH/src" -xf - || exit 2
cd "$SCRATCH/src" || exit 2

build() { swift build "${FLAGS[@]}" --build-tests >"$SCRATCH/build.log" 2>&1; }
echo "mutants: baseline build in $SCRATCH/src"
if ! build; then tail -20 "$SCRATCH/build.log"; echo "mutants: the unmutated code does not build"; exit 2; fi

survivors=(); invalid=(); killed=0
while IFS=$'\t' read -r name file pattern replacement filter; do
    [[ -z "$name" || "$name" == \#* ]] && continue
    [[ -n "${MUTANTS_ONLY:-}" && ",$MUTANTS_ONLY," != *",$name,"* ]] && continue
    if ! python3 - "$file" "$pattern" "$replacement" <<'PY'
import sys
path, pattern, replacement = sys.argv[1], sys.argv[2].replace("\\n", "\n"), sys.argv[3].replace("\\n", "\n")
text = open(path).read()
if text.count(pattern) != 1:
    sys.exit(f"pattern occurs {text.count(pattern)} times in {path}")
open(path, "w").write(text.replace(pattern, replacement))
PY
    then invalid+=("$name (pattern)"); continue; fi
    if ! build; then
        invalid+=("$name (does not compile)")
    elif swift test "${FLAGS[@]}" --skip-build --filter "$filter" >"$SCRATCH/$name.log" 2>&1; then
        survivors+=("$name")
        echo "SURVIVED  $name  ($file; tests: $filter)"
    else
        killed=$((killed + 1))
        first=$(grep -m1 "error: " "$SCRATCH/$name.log" | sed -E 's/^.*error: //' | cut -c1-150)
        echo "killed    $name  by: $first"
    fi
    cp "$ROOT/$file" "$file"
done < "$TABLE"
build >/dev/null 2>&1 || true   # leave the scratch build matching the unmutated tree for the next run
echo "mutants: $killed killed, ${#survivors[@]} survived, ${#invalid[@]} invalid"
for s in "${survivors[@]}"; do echo "  survived: $s"; done
for s in "${invalid[@]}"; do echo "  invalid: $s"; done
[[ ${#survivors[@]} -eq 0 && ${#invalid[@]} -eq 0 ]]
