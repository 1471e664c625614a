extension Assets {
    /// The stylesheet of every page: a dark tool layout (top bar, side panels, a central stage).
    static let styleCSS = #"""
:root {
  --bg: #15171c; --panel: #1d2027; --panel2: #252932; --line: #323744; --text: #e4e7ee; --dim: #9aa1b2;
  --accent: #4f8cff; --accent2: #3a6fd8; --ok: #3ecf8e; --warn: #f5a524; --bad: #f25f5c;
  --radius: 8px; font-size: 14px;
}
* { box-sizing: border-box; }
[hidden] { display: none !important; }
html, body { margin: 0; height: 100%; background: var(--bg); color: var(--text);
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
body { display: flex; flex-direction: column; overflow: hidden; }
a { color: var(--accent); text-decoration: none; }
header.top { display: flex; align-items: center; gap: 24px; height: 48px; padding: 0 16px; flex: none;
  background: var(--panel); border-bottom: 1px solid var(--line); }
header.top .brand { display: flex; align-items: center; gap: 8px; font-weight: 700; letter-spacing: .3px; }
header.top .brand img { width: 22px; height: 22px; }
header.top nav { display: flex; gap: 4px; height: 100%; }
header.top nav a { display: flex; align-items: center; padding: 0 14px; color: var(--dim); border-bottom: 2px solid transparent; }
header.top nav a:hover { color: var(--text); }
header.top nav a.active { color: var(--text); border-bottom-color: var(--accent); }
header.top .status { margin-left: auto; color: var(--dim); font-size: 12px; }
main { flex: 1; display: flex; min-height: 0; }
aside { width: 280px; flex: none; background: var(--panel); border-left: 1px solid var(--line); padding: 16px;
  display: flex; flex-direction: column; gap: 14px; overflow-y: auto; }
aside.left { border-left: none; border-right: 1px solid var(--line); }
h2 { margin: 0; font-size: 12px; text-transform: uppercase; letter-spacing: .8px; color: var(--dim); font-weight: 600; }
label.field { display: flex; flex-direction: column; gap: 6px; color: var(--dim); font-size: 12px; }
select, input[type=number], input[type=text] { background: var(--panel2); color: var(--text); border: 1px solid var(--line);
  border-radius: 6px; padding: 7px 8px; font: inherit; }
input[type=range] { accent-color: var(--accent); width: 100%; }
button, .button { display: inline-flex; align-items: center; justify-content: center; gap: 6px; padding: 7px 12px;
  border-radius: 6px; border: 1px solid var(--line); background: var(--panel2); color: var(--text); font: inherit; cursor: pointer; }
button:hover:not(:disabled), .button:hover { border-color: #4a5162; background: #2c313c; }
button:disabled { opacity: .45; cursor: default; }
button.primary { background: var(--accent2); border-color: var(--accent); color: #fff; font-weight: 600; }
button.primary:hover:not(:disabled) { background: var(--accent); }
button.active { border-color: var(--accent); background: #233251; }
.row { display: flex; gap: 8px; align-items: center; }
.row > * { flex: 1; }
.muted { color: var(--dim); font-size: 12px; }
.tools { width: 60px; flex: none; background: var(--panel); border-right: 1px solid var(--line); display: flex;
  flex-direction: column; align-items: center; padding: 10px 0; gap: 6px; }
.tools button { width: 42px; height: 38px; padding: 0; }
.tools svg { width: 20px; height: 20px; fill: none; stroke: currentColor; stroke-width: 1.8; stroke-linecap: round; stroke-linejoin: round; }
.tools hr { width: 36px; border: none; border-top: 1px solid var(--line); margin: 4px 0; }
.stage { flex: 1; position: relative; overflow: hidden; min-width: 0;
  background: repeating-conic-gradient(#1a1c22 0 25%, #202329 0 50%) 0 0 / 24px 24px; }
.stage.painting { cursor: none; }
.stage.panning { cursor: grabbing; }
.view { position: absolute; left: 0; top: 0; transform-origin: 0 0; box-shadow: 0 4px 30px #000a; }
.view canvas { position: absolute; left: 0; top: 0; display: block; image-rendering: auto; }
.view canvas.mask { opacity: .55; }
.brush-cursor { position: absolute; pointer-events: none; border: 1.5px solid #fff; border-radius: 50%;
  box-shadow: 0 0 0 1px #000a; display: none; }
.dropzone { position: absolute; inset: 24px; border: 2px dashed #3c4250; border-radius: 14px; display: flex;
  flex-direction: column; align-items: center; justify-content: center; gap: 12px; color: var(--dim); text-align: center; }
.dropzone.hover, .drop.hover { border-color: var(--accent); color: var(--text); background: #4f8cff12; }
.dropzone .big { font-size: 18px; color: var(--text); }
.badge { display: inline-block; padding: 2px 8px; border-radius: 10px; font-size: 11px; font-weight: 600; background: var(--panel2); }
.badge.running { background: #1f4d3a; color: var(--ok); }
.badge.stopped { background: #4a3a1a; color: var(--warn); }
.badge.finished { background: #23304d; color: #8fb3ff; }
.progress { height: 6px; border-radius: 3px; background: var(--panel2); overflow: hidden; }
.progress > div { height: 100%; width: 0; background: var(--accent); transition: width .2s; }
.progress.indeterminate > div { width: 30%; animation: slide 1.1s infinite linear; }
.progress.done > div { background: var(--ok); width: 100%; }
.progress.failed > div { background: var(--bad); width: 100%; }
@keyframes slide { from { margin-left: -30%; } to { margin-left: 100%; } }
.toast { position: fixed; right: 16px; bottom: 16px; max-width: 460px; padding: 10px 14px; border-radius: var(--radius);
  background: #3a1f22; border: 1px solid var(--bad); color: #ffd7d6; display: none; z-index: 10; }
.toast.info { background: #1c2a44; border-color: var(--accent); color: #dbe6ff; }
.kv { display: grid; grid-template-columns: auto 1fr; gap: 4px 10px; font-size: 12px; }
.kv span:nth-child(odd) { color: var(--dim); }
/* batch page */
.batch { flex: 1; display: flex; flex-direction: column; min-width: 0; }
.drop { margin: 16px; padding: 18px; border: 2px dashed #3c4250; border-radius: 12px; color: var(--dim); text-align: center; }
.cards { flex: 1; overflow-y: auto; padding: 0 16px 16px; display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr));
  gap: 14px; align-content: start; }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: var(--radius); overflow: hidden; display: flex; flex-direction: column; }
.compare { position: relative; height: 200px; background: #0e0f12; overflow: hidden; }
.compare img { position: absolute; inset: 0; width: 100%; height: 100%; object-fit: contain; }
.compare .after { clip-path: inset(0 0 0 50%); }
.compare .split { position: absolute; top: 0; bottom: 0; width: 2px; background: #fff; left: 50%; pointer-events: none; }
.card .body { padding: 10px 12px; display: flex; flex-direction: column; gap: 8px; }
.card .name { font-weight: 600; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
/* runs page */
.runs { flex: 1; display: flex; min-width: 0; }
.runlist { width: 430px; flex: none; border-right: 1px solid var(--line); overflow-y: auto; background: var(--panel); }
table { width: 100%; border-collapse: collapse; font-size: 13px; }
th { text-align: left; color: var(--dim); font-weight: 600; font-size: 11px; text-transform: uppercase; letter-spacing: .6px;
  padding: 10px 12px; border-bottom: 1px solid var(--line); position: sticky; top: 0; background: var(--panel); }
td { padding: 9px 12px; border-bottom: 1px solid #272b35; vertical-align: top; }
tr.run { cursor: pointer; }
tr.run:hover td { background: #232732; }
tr.run.selected td { background: #233251; }
td.losses { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 11px; color: var(--dim); }
.detail { flex: 1; overflow-y: auto; padding: 18px 22px; display: flex; flex-direction: column; gap: 16px; min-width: 0; }
.detail h1 { margin: 0; font-size: 20px; display: flex; align-items: center; gap: 10px; }
.chartbox { background: var(--panel); border: 1px solid var(--line); border-radius: var(--radius); padding: 12px; }
.chartbox .row { justify-content: space-between; }
.chartbox .row > * { flex: none; }
.chartbox canvas { width: 100%; height: 300px; display: block; }
.legend { display: flex; flex-wrap: wrap; gap: 6px 14px; font-size: 12px; margin-top: 8px; }
.legend label { display: flex; align-items: center; gap: 6px; cursor: pointer; }
.legend i { width: 12px; height: 3px; display: inline-block; border-radius: 2px; }
.samples { display: grid; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr)); gap: 12px; }
.samples figure { margin: 0; background: var(--panel); border: 1px solid var(--line); border-radius: var(--radius); padding: 8px; }
.samples img { width: 100%; display: block; image-rendering: pixelated; border-radius: 4px; }
.samples figcaption { color: var(--dim); font-size: 12px; margin-top: 6px; }
.empty { color: var(--dim); padding: 40px; text-align: center; }
.check input { flex: none; }
"""#
}
