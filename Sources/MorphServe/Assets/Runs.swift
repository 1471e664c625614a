extension Assets {
    /// The training page: the run list (refreshed), and for the chosen run its loss curves, updated live from
    /// Server-Sent Events, and its latest sample grids.
    static let runsJS = #"""
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  let selected = new URLSearchParams(location.search).get("run");
  let source = null, log = { columns: [], rows: [] }, hidden = new Set(), logScale = false;

  function lossText(losses) {
    return Object.entries(losses || {}).slice(0, 4).map(([k, v]) => k + " " + (+v).toPrecision(3)).join("  ");
  }

  async function loadList() {
    let runs;
    try { runs = (await Morph.getJSON("/api/runs")).runs; }
    catch (e) { $("runs").innerHTML = `<tr><td colspan="4" class="empty"></td></tr>`; $("runs").querySelector("td").textContent = e.message; return; }
    Morph.setStatus(runs.length + " run(s)");
    if (!runs.length) { $("runs").innerHTML = `<tr><td colspan="4" class="empty">No runs. Start morph serve with --runs DIR (the folder holding morph train's run folders).</td></tr>`; return; }
    $("runs").innerHTML = "";
    for (const r of runs) {
      const tr = document.createElement("tr");
      tr.className = "run" + (r.name === selected ? " selected" : "");
      tr.dataset.name = r.name;
      tr.innerHTML = `<td><div class="rn"></div><div class="losses"></div></td><td class="kind"></td><td class="step"></td><td><span class="badge"></span></td>`;
      tr.querySelector(".rn").textContent = r.name;
      tr.querySelector(".losses").textContent = lossText(r.losses);
      tr.querySelector(".kind").textContent = r.kind;
      tr.querySelector(".step").textContent = r.step + (r.max_steps ? " / " + r.max_steps : "");
      const badge = tr.querySelector(".badge"); badge.textContent = r.state; badge.classList.add(r.state);
      tr.onclick = () => select(r.name);
      $("runs").appendChild(tr);
    }
  }

  function select(name) {
    selected = name;
    history.replaceState(null, "", "/runs?run=" + encodeURIComponent(name));
    for (const tr of document.querySelectorAll("tr.run")) tr.classList.toggle("selected", tr.dataset.name === name);
    if (source) source.close();
    log = { columns: [], rows: [] };
    $("detail").innerHTML = `<h1><span id="runName"></span><span class="badge" id="runState"></span></h1>
      <div class="kv" id="runInfo"></div>
      <div class="chartbox"><div class="row"><h2>Losses</h2><label class="row muted check"><input type="checkbox" id="logScale"> log scale</label></div>
      <canvas id="chart"></canvas><div class="legend" id="legend"></div></div>
      <h2>Latest samples</h2><div class="samples" id="samples"><div class="muted">No sample grids yet.</div></div>`;
    $("runName").textContent = name;
    $("logScale").checked = logScale;
    $("logScale").onchange = () => { logScale = $("logScale").checked; draw(); };
    source = new EventSource("/api/runs/" + encodeURIComponent(name) + "/events");
    source.addEventListener("log", (e) => { log = JSON.parse(e.data); draw(); });
    source.addEventListener("rows", (e) => { log.rows.push(...JSON.parse(e.data).rows); draw(); });
    source.addEventListener("samples", (e) => showSamples(JSON.parse(e.data).samples));
    source.addEventListener("summary", (e) => { showSummary(JSON.parse(e.data)); loadList(); });
    Morph.getJSON("/api/runs/" + encodeURIComponent(name)).then((s) => { showSummary(s); showSamples(s.samples); })
      .catch((e) => Morph.toast(e.message));
  }

  function showSummary(s) {
    const state = $("runState");
    if (!state) return;
    state.textContent = s.state; state.className = "badge " + s.state;
    $("runInfo").innerHTML = "";
    for (const [k, v] of [["Kind", s.kind], ["Step", s.step + (s.max_steps ? " of " + s.max_steps : "")], ["Epoch", s.epoch ?? "—"]]) {
      const a = document.createElement("span"); a.textContent = k;
      const b = document.createElement("span"); b.textContent = v;
      $("runInfo").append(a, b);
    }
  }

  function showSamples(files) {
    const box = $("samples");
    if (!box || !files || !files.length) return;
    box.innerHTML = "";
    for (const f of files) {
      const fig = document.createElement("figure");
      const img = document.createElement("img");
      img.src = "/api/runs/" + encodeURIComponent(selected) + "/samples/" + encodeURIComponent(f) + "?t=" + Date.now();
      img.alt = f;
      const cap = document.createElement("figcaption"); cap.textContent = f.replace(/^latest_/, "").replace(/\.png$/, "");
      fig.append(img, cap);
      box.appendChild(fig);
    }
  }

  function draw() {
    const canvas = $("chart");
    if (!canvas) return;
    const cols = log.columns, losses = cols.slice(2, -2);
    const series = losses.map((name, k) => ({
      name, color: LossChart.colors[k % LossChart.colors.length], hidden: hidden.has(name),
      points: log.rows.map((r) => [r[0], r[k + 2] === null ? NaN : r[k + 2]]),
    }));
    const drawn = LossChart.draw(canvas, series, logScale);
    canvas.dataset.points = String(drawn);
    canvas.dataset.lastStep = log.rows.length ? String(log.rows[log.rows.length - 1][0]) : "0";
    const legend = $("legend");
    legend.innerHTML = "";
    for (const s of series) {
      const label = document.createElement("label");
      const box = document.createElement("input"); box.type = "checkbox"; box.checked = !s.hidden;
      box.onchange = () => { box.checked ? hidden.delete(s.name) : hidden.add(s.name); draw(); };
      const swatch = document.createElement("i"); swatch.style.background = s.color;
      const last = s.points.length ? s.points[s.points.length - 1][1] : NaN;
      label.append(box, swatch, document.createTextNode(s.name + (isFinite(last) ? " " + (+last).toPrecision(4) : "")));
      legend.appendChild(label);
    }
  }

  window.addEventListener("resize", draw);
  loadList().then(() => { if (selected) select(selected); });
  setInterval(loadList, 5000);
})();
"""#
}
