#!/usr/bin/env bash
# Builds the photo set that trains the built-in model morph-inpaint: the twelve nature photos and the elephants
# of Debian's mate-backgrounds package (GPL-2+; see /usr/share/doc/mate-backgrounds/copyright) and scikit-image's
# motorcycle photo (CC0), each scaled so its shorter side is 384 pixels, as OUT/*.png. scikit-image's astronaut,
# chelsea, coffee and rocket are left out: the tests and the demo run the built-ins on them.
#   scripts/make-inpaint-data.sh [OUT]        (default: data/inpaint; needs the vips command line tool)
set -euo pipefail
src=/usr/share/backgrounds/mate
out=${1:-data/inpaint}
[ -d "$src/nature" ] || { echo "missing $src: apt-get install mate-backgrounds" >&2; exit 2; }
command -v vips >/dev/null || { echo "missing the vips tool: apt-get install libvips-tools" >&2; exit 2; }
skimage=$(python3 -c 'import os, skimage; print(os.path.join(os.path.dirname(skimage.__file__), "data"))') ||
    { echo "missing scikit-image: pip install scikit-image" >&2; exit 2; }
mkdir -p "$out"
for photo in "$src"/nature/*.jpg "$src/abstract/Elephants.jpg" "$skimage/motorcycle_left.png"; do
    name=$(basename "${photo%.*}")
    # Shorter side 384: the larger of the two bounds wins for landscape photos, so give both as the shorter one.
    vips thumbnail "$photo" "$out/$name.png" 100000 --height 384
done
ls "$out"
