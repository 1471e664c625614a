extension Assets {
    /// The inpaint page: open or drop an image, paint, run the chosen model, see the result in place, compare
    /// with the image before the run, keep editing, download.
    static let inpaintJS = #"""
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  const editor = new MaskEditor($("stage"), $("view"), $("image"), $("mask"), $("cursor"));
  const state = { name: "image", current: null, bitmap: null, history: [], running: null };

  async function show(blob, keepView) {
    const bitmap = await createImageBitmap(blob);
    state.current = blob;
    state.bitmap = bitmap;
    editor.setImage(bitmap, keepView);
    $("dropzone").hidden = true;
    $("info").innerHTML = "";
    for (const [k, v] of [["File", state.name], ["Size", bitmap.width + " × " + bitmap.height],
                          ["Megapixels", (bitmap.width * bitmap.height / 1e6).toFixed(2)], ["Edits", String(state.history.length)]]) {
      const a = document.createElement("span"); a.textContent = k;
      const b = document.createElement("span"); b.textContent = v;
      $("info").append(a, b);
    }
    refresh();
  }

  async function open(file) {
    if (!file) return;
    if (!/^image\//.test(file.type) && !/\.(png|jpe?g|webp|tiff?)$/i.test(file.name)) {
      Morph.toast(file.name + " is not an image"); return;
    }
    state.name = file.name;
    state.history = [];
    try { await show(file, false); } catch (e) { Morph.toast(file.name + ": cannot be decoded by the browser"); }
  }

  function refresh() {
    const busy = !!state.running;
    $("undo").disabled = busy || !editor.undoStack.length;
    $("redo").disabled = busy || !editor.redoStack.length;
    $("clear").disabled = busy || !editor.hasImage;
    $("run").disabled = busy || !editor.hasImage || !$("model").value;
    $("run").textContent = busy ? "Cancel" : "Run inpainting";
    if (busy) $("run").disabled = false;
    $("compare").disabled = busy || !state.history.length;
    $("revert").disabled = busy || !state.history.length;
    $("download").disabled = !state.current;
  }
  editor.onChange = refresh;

  function setTool(tool) {
    editor.tool = tool;
    for (const t of ["brush", "eraser", "pan"]) $(t).classList.toggle("active", t === tool);
  }

  async function run() {
    if (state.running) { state.running.abort(); return; }
    if (!editor.hasMask()) { Morph.toast("Paint over the part to remove first.", "info"); return; }
    const id = Morph.jobId();
    const form = new FormData();
    form.append("model", $("model").value);
    form.append("job", id);
    form.append("strategy", $("strategy").value);
    form.append("image", state.current, "image.png");
    form.append("mask", await editor.maskBlob(), "mask.png");
    const bar = $("progress"), fill = bar.firstElementChild;
    bar.hidden = false; bar.className = "progress"; fill.style.width = "0";
    $("jobState").textContent = "Uploading…";
    const started = performance.now();
    const request = Morph.postForm("/api/inpaint", form, (f) => { fill.style.width = Math.round(f * 100) + "%"; });
    state.running = request;
    refresh();
    const stop = Morph.followJob(id, (s, position) => {
      bar.className = "progress indeterminate";
      $("jobState").textContent = s === "queued" ? "Waiting: " + position + " job(s) ahead" : "Inpainting…";
    });
    try {
      const blob = await request.done;
      state.history.push(state.current);
      await show(blob, true);
      bar.className = "progress done";
      $("jobState").textContent = "Done in " + ((performance.now() - started) / 1000).toFixed(1) + " s. Paint again to keep editing.";
      document.body.dataset.runs = String(state.history.length);
    } catch (e) {
      bar.className = "progress failed";
      $("jobState").textContent = e.message === "cancelled" ? "Cancelled." : "Failed.";
      if (e.message !== "cancelled") Morph.toast(e.message);
    } finally {
      stop();
      state.running = null;
      refresh();
    }
  }

  async function revert() {
    const previous = state.history.pop();
    if (previous) await show(previous, true);
  }

  // Shows the image before the last run while the button is held.
  async function compare(on) {
    if (!state.history.length) return;
    const blob = on ? state.history[state.history.length - 1] : state.current;
    editor.showImage(await createImageBitmap(blob));
    $("mask").hidden = on;
    $("compare").classList.toggle("active", on);
  }

  $("open").onclick = $("open2").onclick = () => $("file").click();
  $("file").onchange = () => open($("file").files[0]);
  $("brush").onclick = () => setTool("brush");
  $("eraser").onclick = () => setTool("eraser");
  $("pan").onclick = () => setTool("pan");
  $("undo").onclick = () => editor.undo();
  $("redo").onclick = () => editor.redo();
  $("clear").onclick = () => editor.clearMask(true);
  $("zoomin").onclick = () => editor.zoomCentered(1.25);
  $("zoomout").onclick = () => editor.zoomCentered(0.8);
  $("fit").onclick = () => editor.fit();
  $("size").oninput = () => { editor.size = +$("size").value; $("sizeLabel").textContent = editor.size + " px"; editor.updateCursorSize(); };
  $("run").onclick = run;
  $("revert").onclick = revert;
  $("download").onclick = () => Morph.download(state.current, Morph.stem(state.name) + (state.history.length ? "-inpainted" : "") + ".png");
  $("model").onchange = () => { localStorage.setItem("morph.inpaint.model", $("model").value); refresh(); };
  for (const ev of ["pointerdown", "pointerup", "pointerleave"]) {
    $("compare").addEventListener(ev, () => compare(ev === "pointerdown"));
  }

  const stage = $("stage");
  stage.addEventListener("dragover", (e) => { e.preventDefault(); $("dropzone").classList.add("hover"); });
  stage.addEventListener("dragleave", () => $("dropzone").classList.remove("hover"));
  stage.addEventListener("drop", (e) => { e.preventDefault(); $("dropzone").classList.remove("hover"); open(e.dataTransfer.files[0]); });
  document.addEventListener("keydown", (e) => {
    if (e.target.tagName === "INPUT" || e.target.tagName === "SELECT") return;
    if (e.code === "Space") { editor.spaceHeld = true; e.preventDefault(); }
    else if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "z") { e.shiftKey ? editor.redo() : editor.undo(); e.preventDefault(); }
    else if (e.key === "b") setTool("brush");
    else if (e.key === "e") setTool("eraser");
    else if (e.key === "o") $("file").click();
    else if (e.key === "+" || e.key === "=") editor.zoomCentered(1.25);
    else if (e.key === "-") editor.zoomCentered(0.8);
    else if (e.key === "0") editor.fit();
  });
  document.addEventListener("keyup", (e) => { if (e.code === "Space") editor.spaceHeld = false; });

  Morph.loadModels($("model"), "inpaint", localStorage.getItem("morph.inpaint.model") || "morph-inpaint")
    .then((models) => { Morph.setStatus(models.length + " inpainting model(s)"); refresh(); })
    .catch((e) => Morph.toast("Models: " + e.message));
  refresh();
})();
"""#
}
