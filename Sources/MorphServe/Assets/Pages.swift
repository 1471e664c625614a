/// The web app's static files as string literals: plain HTML, CSS and JavaScript, no build step, nothing
/// fetched from elsewhere. Compiled into the `morph` binary so that it serves them from any location.
enum Assets {
    /// The top bar every page shares, with the link of `active` marked.
    static func header(_ active: String) -> String {
        let links = [("/", "Inpaint"), ("/batch", "Upscale & translate"), ("/runs", "Training runs")]
        let nav = links.map { "<a href=\"\($0.0)\"\($0.0 == active ? " class=\"active\"" : "")>\($0.1)</a>" }.joined()
        return """
        <header class="top"><div class="brand"><img src="/assets/icon.svg" alt="">Morph</div><nav>\(nav)</nav>
        <div class="status" id="status"></div></header>
        """
    }

    static func page(_ title: String, active: String, body: String, scripts: [String]) -> String {
        """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(title) · Morph</title><link rel="icon" href="/assets/icon.svg"><link rel="stylesheet" href="/assets/style.css">
        </head><body>
        \(header(active))
        \(body)
        <div class="toast" id="toast"></div>
        \(scripts.map { "<script src=\"/assets/\($0)\"></script>" }.joined(separator: "\n"))
        </body></html>
        """
    }

    /// `/`: paint a mask over an image and inpaint it, again and again.
    static let inpaintHTML = page("Inpaint", active: "/", body: #"""
<main>
  <div class="tools">
    <button id="open" title="Open an image (O)"><svg viewBox="0 0 24 24" aria-hidden="true"><path d="M3 7h6l2 2h10v10H3z"/></svg></button>
    <input type="file" id="file" accept="image/png,image/jpeg,image/webp,image/tiff" hidden>
    <hr>
    <button id="brush" class="active" title="Brush (B)"><svg viewBox="0 0 24 24" aria-hidden="true"><path d="M14 4l6 6-8 8H6v-6z"/><path d="M11 7l6 6"/></svg></button>
    <button id="eraser" title="Eraser (E)"><svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 15l8-8 6 6-6 6H8z"/><path d="M9 20h11"/></svg></button>
    <button id="pan" title="Pan (hold Space)"><svg viewBox="0 0 24 24" aria-hidden="true"><path d="M12 3v18M3 12h18M12 3l-3 3M12 3l3 3M12 21l-3-3M12 21l3-3M3 12l3-3M3 12l3 3M21 12l-3-3M21 12l-3 3"/></svg></button>
    <hr>
    <button id="undo" title="Undo (Ctrl+Z)" disabled><svg viewBox="0 0 24 24" aria-hidden="true"><path d="M9 14L4 9l5-5"/><path d="M4 9h10a6 6 0 010 12h-3"/></svg></button>
    <button id="redo" title="Redo (Ctrl+Shift+Z)" disabled><svg viewBox="0 0 24 24" aria-hidden="true"><path d="M15 14l5-5-5-5"/><path d="M20 9H10a6 6 0 000 12h3"/></svg></button>
    <button id="clear" title="Clear the mask" disabled><svg viewBox="0 0 24 24" aria-hidden="true"><path d="M6 6l12 12M18 6L6 18"/></svg></button>
    <hr>
    <button id="zoomin" title="Zoom in (+)"><svg viewBox="0 0 24 24" aria-hidden="true"><circle cx="11" cy="11" r="7"/><path d="M21 21l-5-5M8 11h6M11 8v6"/></svg></button>
    <button id="zoomout" title="Zoom out (−)"><svg viewBox="0 0 24 24" aria-hidden="true"><circle cx="11" cy="11" r="7"/><path d="M21 21l-5-5M8 11h6"/></svg></button>
    <button id="fit" title="Fit (0)"><svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 9V4h5M20 9V4h-5M4 15v5h5M20 15v5h-5"/></svg></button>
  </div>
  <div class="stage" id="stage">
    <div class="view" id="view"><canvas id="image"></canvas><canvas id="mask" class="mask"></canvas></div>
    <div class="brush-cursor" id="cursor"></div>
    <div class="dropzone" id="dropzone"><div class="big">Drop an image here</div>
      <div>or <button id="open2">Open an image…</button></div>
      <div class="muted">PNG, JPEG, WebP or TIFF. Paint over what should go, then Run.</div></div>
  </div>
  <aside>
    <h2>Brush</h2>
    <label class="field">Size <span id="sizeLabel" class="muted">40 px</span>
      <input type="range" id="size" min="4" max="200" value="40"></label>
    <h2>Model</h2>
    <label class="field"><select id="model"></select></label>
    <label class="field">Large photos <select id="strategy"><option value="crop">crop around each hole</option>
      <option value="resize">resize the whole photo</option><option value="original">whole photo at full size</option></select></label>
    <button class="primary" id="run" disabled>Run inpainting</button>
    <div class="progress" id="progress" hidden><div></div></div>
    <div class="muted" id="jobState"></div>
    <h2>Result</h2>
    <div class="row"><button id="compare" disabled title="Hold to see the image before the last run">Before / after</button></div>
    <div class="row"><button id="revert" disabled>Undo last run</button><button id="download" disabled>Download PNG</button></div>
    <h2>Image</h2>
    <div class="kv" id="info"><span>File</span><span>—</span></div>
  </aside>
</main>
"""#, scripts: ["common.js", "canvas.js", "inpaint.js"])

    /// `/batch`: many images through an upscaler or a translator.
    static let batchHTML = page("Upscale & translate", active: "/batch", body: #"""
<main>
  <aside class="left">
    <h2>Task</h2>
    <div class="row"><button id="taskUpscale" class="active">Upscale</button><button id="taskTranslate">Translate</button></div>
    <label class="field">Model <select id="model"></select></label>
    <div id="upscaleOptions"><label class="field">Output scale <select id="outscale">
      <option value="">model's own</option><option>2</option><option>3</option><option>4</option></select></label></div>
    <div id="translateOptions" hidden>
      <label class="field">Direction <select id="direction"><option>AtoB</option><option>BtoA</option></select></label>
      <label class="row muted check"><input type="checkbox" id="eval"> Evaluation mode (no dropout)</label>
    </div>
    <label class="field">Tile <select id="tile"><option value="auto">auto</option><option>256</option><option>512</option>
      <option value="0">whole image</option></select></label>
    <button class="primary" id="runAll" disabled>Run all</button>
    <button id="zipAll" disabled>Download all (.zip)</button>
    <button id="clearAll" disabled>Clear the list</button>
    <div class="muted" id="summary">No images yet.</div>
  </aside>
  <div class="batch">
    <div class="drop" id="drop">Drop images here, or <button id="open">choose files…</button>
      <input type="file" id="file" accept="image/png,image/jpeg,image/webp,image/tiff" multiple hidden></div>
    <div class="cards" id="cards"></div>
  </div>
</main>
"""#, scripts: ["common.js", "zip.js", "batch.js"])

    /// `/runs`: the training runs, their loss curves (live) and sample grids.
    static let runsHTML = page("Training runs", active: "/runs", body: #"""
<main>
  <div class="runs">
    <div class="runlist"><table><thead><tr><th>Run</th><th>Kind</th><th>Step</th><th>State</th></tr></thead>
      <tbody id="runs"><tr><td colspan="4" class="empty">Loading…</td></tr></tbody></table></div>
    <div class="detail" id="detail"><div class="empty">Pick a run on the left to see its loss curves and samples.</div></div>
  </div>
</main>
"""#, scripts: ["common.js", "chart.js", "runs.js"])

    /// The logo.
    static let iconSVG = #"""
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#4f8cff"/><path d="M7 23V9l9 8 9-8v14" fill="none" stroke="#fff" stroke-width="3" stroke-linejoin="round" stroke-linecap="round"/></svg>
"""#
}
