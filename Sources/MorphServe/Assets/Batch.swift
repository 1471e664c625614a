extension Assets {
    /// The batch page: a card per dropped image with its own progress, a before/after slider and a download;
    /// all results as one ZIP.
    static let batchJS = #"""
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  let task = "upscale";
  const items = [];
  let running = false;

  function setTask(next) {
    task = next;
    $("taskUpscale").classList.toggle("active", task === "upscale");
    $("taskTranslate").classList.toggle("active", task === "translate");
    $("upscaleOptions").hidden = task !== "upscale";
    $("translateOptions").hidden = task !== "translate";
    Morph.loadModels($("model"), task, localStorage.getItem("morph.batch.model." + task))
      .then(refresh).catch((e) => Morph.toast("Models: " + e.message));
  }

  function refresh() {
    const waiting = items.filter((i) => i.state !== "done").length;
    const done = items.filter((i) => i.state === "done").length;
    $("runAll").disabled = running || !waiting || !$("model").value || $("model").selectedOptions[0]?.disabled;
    $("zipAll").disabled = !done;
    $("clearAll").disabled = running || !items.length;
    $("summary").textContent = items.length ? `${items.length} image(s): ${done} done, ${items.filter((i) => i.state === "failed").length} failed` : "No images yet.";
    Morph.setStatus(running ? "working…" : "");
  }

  function addFiles(files) {
    for (const file of files) {
      if (!/^image\//.test(file.type) && !/\.(png|jpe?g|webp|tiff?)$/i.test(file.name)) { Morph.toast(file.name + " is not an image"); continue; }
      const card = document.createElement("div");
      card.className = "card";
      card.innerHTML = `<div class="compare"><img class="before" alt=""><img class="after" alt="" hidden><div class="split" hidden></div></div>
        <div class="body"><div class="name"></div><div class="progress"><div></div></div>
        <div class="row"><span class="muted state">Ready</span></div>
        <input type="range" min="0" max="100" value="50" class="slider" hidden>
        <div class="row"><button class="save" disabled>Download</button><button class="remove">Remove</button></div></div>`;
      const item = { file, card, state: "ready", result: null };
      card.querySelector(".name").textContent = file.name;
      card.querySelector(".name").title = file.name;
      card.querySelector(".before").src = URL.createObjectURL(file);
      card.querySelector(".slider").oninput = (e) => {
        card.querySelector(".after").style.clipPath = `inset(0 0 0 ${e.target.value}%)`;
        card.querySelector(".split").style.left = e.target.value + "%";
      };
      card.querySelector(".save").onclick = () => Morph.download(item.result, resultName(item));
      card.querySelector(".remove").onclick = () => {
        if (item.request) item.request.abort();
        items.splice(items.indexOf(item), 1); card.remove(); refresh();
      };
      items.push(item);
      $("cards").appendChild(card);
    }
    refresh();
  }

  function resultName(item) { return Morph.stem(item.file.name) + "-" + item.task + ".png"; }

  function setState(item, text, cls, fraction) {
    item.card.querySelector(".state").textContent = text;
    const bar = item.card.querySelector(".progress");
    bar.className = "progress" + (cls ? " " + cls : "");
    if (fraction !== undefined) bar.firstElementChild.style.width = Math.round(fraction * 100) + "%";
  }

  async function process(item) {
    const id = Morph.jobId();
    const form = new FormData();
    form.append("model", $("model").value);
    form.append("job", id);
    form.append("tile", $("tile").value);
    if (task === "upscale" && $("outscale").value) form.append("outscale", $("outscale").value);
    if (task === "translate") { form.append("direction", $("direction").value); if ($("eval").checked) form.append("eval", "true"); }
    form.append("image", item.file, item.file.name);
    item.task = task;
    item.state = "running";
    setState(item, "Uploading…", "", 0);
    item.request = Morph.postForm("/api/" + task, form, (f) => setState(item, "Uploading " + Math.round(f * 100) + "%", "", f));
    const stop = Morph.followJob(id, (s, position) => setState(item, s === "queued" ? "Queued: " + position + " ahead" : "Running…", "indeterminate"));
    try {
      item.result = await item.request.done;
      item.state = "done";
      const after = item.card.querySelector(".after");
      after.src = URL.createObjectURL(item.result);
      const bitmap = await createImageBitmap(item.result);
      after.hidden = false;
      item.card.querySelector(".split").hidden = false;
      item.card.querySelector(".slider").hidden = false;
      item.card.querySelector(".save").disabled = false;
      setState(item, `Done: ${bitmap.width} × ${bitmap.height}`, "done");
    } catch (e) {
      item.state = "failed";
      setState(item, e.message === "cancelled" ? "Cancelled" : "Failed: " + e.message, "failed");
    } finally {
      stop();
      item.request = null;
      refresh();
    }
  }

  async function runAll() {
    running = true;
    refresh();
    const queue = items.filter((i) => i.state !== "done");
    // Two uploads at a time: the server queues jobs for one model, so more would only wait.
    const workers = [0, 1].map(async () => { while (queue.length) await process(queue.shift()); });
    await Promise.all(workers);
    running = false;
    refresh();
  }

  $("taskUpscale").onclick = () => setTask("upscale");
  $("taskTranslate").onclick = () => setTask("translate");
  $("model").onchange = () => { localStorage.setItem("morph.batch.model." + task, $("model").value); refresh(); };
  $("open").onclick = () => $("file").click();
  $("file").onchange = () => { addFiles($("file").files); $("file").value = ""; };
  $("runAll").onclick = runAll;
  $("clearAll").onclick = () => { items.splice(0).forEach((i) => i.card.remove()); refresh(); };
  $("zipAll").onclick = async () => {
    const done = items.filter((i) => i.state === "done").map((i) => ({ name: resultName(i), blob: i.result }));
    Morph.download(await Zip.make(done), "morph-results.zip");
  };
  const drop = $("drop");
  document.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("hover"); });
  document.addEventListener("dragleave", () => drop.classList.remove("hover"));
  document.addEventListener("drop", (e) => { e.preventDefault(); drop.classList.remove("hover"); addFiles(e.dataTransfer.files); });
  setTask("upscale");
})();
"""#
}
