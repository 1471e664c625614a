#!/usr/bin/env bash
# Collects scikit-image's sample photos into DIR, the training data of Morph's built-in morph-sr-x4 and
# morph-inpaint models (pip install scikit-image). Every one is CC0 or public domain (see the docstring of each
# skimage.data function). astronaut, chelsea and coffee are left out: samples/photos holds crops of them as the
# held-out photos the tests measure the built-ins on.
set -euo pipefail
out=${1:?usage: scripts/make-photo-data.sh DIR}
mkdir -p "$out"
python3 - "$out" <<'PY'
import os, shutil, sys
import skimage
src = os.path.join(os.path.dirname(skimage.__file__), "data")
for name in ["rocket.jpg", "motorcycle_left.png", "hubble_deep_field.jpg", "retina.jpg", "ihc.png", "brick.png",
             "grass.png", "gravel.png", "coins.png", "camera.png", "moon.png", "color.png"]:
    shutil.copy(os.path.join(src, name), os.path.join(sys.argv[1], name))
PY
ls "$out"
