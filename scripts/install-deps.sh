#!/usr/bin/env bash
# Installs the system libraries Morph builds against, only when they are missing.
set -euo pipefail
missing=()
pkg-config --version >/dev/null 2>&1 || missing+=(pkg-config)
pkg-config --exists vips 2>/dev/null || missing+=(libvips-dev)
pkg-config --exists openblas 2>/dev/null || missing+=(libopenblas-dev)
pkg-config --exists fftw3f 2>/dev/null || missing+=(libfftw3-dev)
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}"
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y libvips-dev libopenblas-dev libfftw3-dev pkg-config
fi
