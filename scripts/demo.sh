#!/usr/bin/env bash
# `make demo`: builds Morph and runs its quick benchmark on this machine.
set -euo pipefail
cd "$(dirname "$0")/.."
.build/release/morph bench --quick
