#!/usr/bin/env bash
# `make demo`: runs Morph's built-in models (models/*.safetensors) on the sample images in samples/ and writes
# demo/index.html, an offline before/after gallery with a comparison slider, the time each image took and the
# command that made it. `make demo` installs the system libraries and builds first; this script only runs.
set -euo pipefail
cd "$(dirname "$0")/.."
morph=${MORPH:-.build-release/release/morph}
[ -x "$morph" ] || { echo "demo: $morph is missing; run 'make demo' (it builds first)" >&2; exit 2; }
out=demo
rm -rf "$out"
mkdir -p "$out/images"
cards=""
missing=""

# now: seconds since the epoch with milliseconds.
now() { date +%s.%N; }

# card KIND TITLE BEFORE AFTER SECONDS COMMAND [MASK]: one gallery entry (paths relative to demo/).
card() {
    local mask_attr=""
    [ -n "${7:-}" ] && mask_attr=" data-mask=\"$7\""
    cards+="<figure class=\"card\"><figcaption><b>$2</b> <span class=\"kind\">$1</span> <span class=\"time\">$5 s</span></figcaption>
<div class=\"cmp\"$mask_attr><img class=\"before\" src=\"$3\" alt=\"before: $3\"><img class=\"after\" src=\"$4\" alt=\"after: $4\">
<input type=\"range\" min=\"0\" max=\"100\" value=\"50\" aria-label=\"before/after\"></div>
<div class=\"labels\"><span>before</span><span>after</span></div><code>$6</code></figure>
"
}

# run KIND TITLE INPUT OUTPUT MASK ARGS...: runs one morph command on one image, timed, and adds its card.
run() {
    local kind=$1 title=$2 input=$3 output=$4 mask=$5
    shift 5
    local cmd=(morph "$kind" "$input" -o "$output" "$@")
    local start end
    start=$(now)
    "$morph" "$kind" "$input" -o "$output" "$@" > /dev/null
    end=$(now)
    local seconds
    seconds=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')
    echo "$kind $(basename "$input"): $seconds s"
    local before="../$input"
    local shown_mask=""
    [ -n "$mask" ] && shown_mask="../$mask"
    card "$kind" "$title" "$before" "${output#"$out"/}" "$seconds" "${cmd[*]}" "$shown_mask"
}

installed() { [ -f "models/$1.safetensors" ] || [ -n "${MORPH_MODELS:-}" -a -f "${MORPH_MODELS:-}/$1.safetensors" ]; }

if installed morph-sr-x4; then
    for f in samples/photos/*.png; do
        run upscale "$(basename "${f%.png}") ×4" "$f" "$out/images/x4-$(basename "$f")" "" --model morph-sr-x4
    done
else
    missing+=" morph-sr-x4"
fi
if installed morph-inpaint; then
    for f in samples/inpaint/*.png; do
        m=samples/masks/$(basename "$f")
        run inpaint "$(basename "${f%.png}"), masked region filled" "$f" "$out/images/filled-$(basename "$f")" "$m" \
            --mask "$m" --model morph-inpaint
    done
else
    missing+=" morph-inpaint"
fi
if installed morph-light2dark; then
    for f in samples/wallpapers/*.png; do
        run translate "$(basename "${f%.png}"), light → dark" "$f" "$out/images/dark-$(basename "$f")" "" --model morph-light2dark
    done
else
    missing+=" morph-light2dark"
fi
note=""
[ -n "$missing" ] && note="<p class=\"note\">Not installed, so not shown:$missing (see datasets.md to train them).</p>"

cat > "$out/index.html" <<HTML
<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Morph demo</title>
<style>
body { font: 15px/1.4 system-ui, sans-serif; margin: 24px; background: #f4f4f2; color: #222; }
h1 { font-size: 22px; margin: 0 0 4px; }
.grid { display: flex; flex-wrap: wrap; gap: 20px; }
.card { background: #fff; margin: 0; padding: 12px; border-radius: 8px; box-shadow: 0 1px 3px #0003; width: 420px; }
figcaption { margin-bottom: 8px; }
.kind { color: #666; margin-left: 6px; }
.time { float: right; color: #0a5; font-variant-numeric: tabular-nums; }
.cmp { position: relative; line-height: 0; user-select: none; background: #ddd; }
.cmp img, .cmp canvas { width: 100%; display: block; }
.cmp .after { position: absolute; left: 0; top: 0; height: 100%; clip-path: inset(0 0 0 50%); }
.cmp input { position: absolute; left: 0; top: 0; width: 100%; height: 100%; margin: 0; opacity: 0; cursor: ew-resize; }
.cmp .bar { position: absolute; top: 0; bottom: 0; left: 50%; width: 2px; background: #fff; box-shadow: 0 0 3px #000a; pointer-events: none; }
.labels { display: flex; justify-content: space-between; color: #666; font-size: 12px; margin: 4px 0; }
code { display: block; font-size: 12px; background: #f0f0f0; padding: 6px; border-radius: 4px; overflow-wrap: anywhere; }
.note { color: #a50; }
</style></head><body>
<h1>Morph demo</h1>
<p>Built-in models run on the CPU on the images in <code style="display:inline">samples/</code>. Drag across an image to compare before and after; each card gives the time the command took (model loading included) and the command.</p>
$note
<div class="grid">
$cards</div>
<script>
// The slider: the "after" image is clipped to the right of the handle.
for (const box of document.querySelectorAll('.cmp')) {
  const after = box.querySelector('.after'), range = box.querySelector('input');
  const bar = document.createElement('div');
  bar.className = 'bar';
  box.appendChild(bar);
  const show = () => { after.style.clipPath = 'inset(0 0 0 ' + range.value + '%)'; bar.style.left = range.value + '%'; };
  range.addEventListener('input', show);
  show();
  // Inpainting: the "before" shows the hole, the mask drawn in white over the input.
  const mask = box.dataset.mask;
  if (mask) {
    const before = box.querySelector('.before'), m = new Image();
    m.onload = () => {
      const c = document.createElement('canvas');
      c.width = before.naturalWidth; c.height = before.naturalHeight;
      const g = c.getContext('2d');
      g.drawImage(before, 0, 0);
      g.globalCompositeOperation = 'lighten';
      g.drawImage(m, 0, 0);
      c.className = 'before';
      before.replaceWith(c);
    };
    if (before.complete) m.src = mask; else before.onload = () => { m.src = mask; };
  }
}
</script>
</body></html>
HTML
echo "wrote $out/index.html"
