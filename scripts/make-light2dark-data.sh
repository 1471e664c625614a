#!/usr/bin/env bash
# Builds the paired light→dark dataset that trains the built-in model morph-light2dark, from the light (-l) and
# dark (-d) variants of the same artworks in Debian's gnome-backgrounds package (CC-BY-SA 3.0 and others; see
# /usr/share/doc/gnome-backgrounds/copyright). Writes pix2pix's aligned layout: OUT/train/*.png, each a 512×256
# "light | dark" pair of 256² tiles cut at two scales; wood and dune are held out in OUT/test for the demo.
#   scripts/make-light2dark-data.sh [OUT]        (default: data/light2dark; needs the vips command line tool)
set -euo pipefail
src=/usr/share/backgrounds/gnome
out=${1:-data/light2dark}
[ -f "$src/wood-l.webp" ] || { echo "missing $src: apt-get install gnome-backgrounds" >&2; exit 2; }
command -v vips >/dev/null || { echo "missing the vips tool: apt-get install libvips-tools" >&2; exit 2; }
train="adwaita blobs drool field grid licorice pixels symbolic truchet"
test="wood dune"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out/train" "$out/test"

# render NAME VARIANT SIZE: the artwork as a SIZE² opaque sRGB PNG.
render() {
    vips thumbnail "$src/$1-$2.${ext[$1]}" "$tmp/t.v" "$3" --height "$3" --size force
    if [ "$(vipsheader -f bands "$tmp/t.v")" = 4 ]; then
        vips flatten "$tmp/t.v" "$tmp/f.v"
        vips cast "$tmp/f.v" "$tmp/$1-$2-$3.png" uchar
    else
        vips copy "$tmp/t.v" "$tmp/$1-$2-$3.png"
    fi
}
declare -A ext
for name in $train $test; do
    if [ -f "$src/$name-l.webp" ]; then ext[$name]=webp; else ext[$name]=svg; fi
done
for name in $train; do
    for size in 512 1024; do
        render "$name" l "$size"; render "$name" d "$size"
        stride=$([ "$size" = 512 ] && echo 128 || echo 256)
        for ((y = 0; y + 256 <= size; y += stride)); do
            for ((x = 0; x + 256 <= size; x += stride)); do
                vips extract_area "$tmp/$name-l-$size.png" "$tmp/a.v" $x $y 256 256
                vips extract_area "$tmp/$name-d-$size.png" "$tmp/b.v" $x $y 256 256
                vips join "$tmp/a.v" "$tmp/b.v" "$out/train/$name-$size-$y-$x.png" horizontal
            done
        done
    done
done
for name in $test; do
    render "$name" l 512; render "$name" d 512
    vips join "$tmp/$name-l-512.png" "$tmp/$name-d-512.png" "$out/test/$name.png" horizontal
done
echo "$(ls "$out/train" | wc -l) training pairs in $out/train, $(ls "$out/test" | wc -l) held out in $out/test"
