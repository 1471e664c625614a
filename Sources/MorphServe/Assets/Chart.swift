extension Assets {
    /// A line chart on a canvas: one series per loss, log or linear scale, axes with round ticks.
    static let chartJS = #"""
"use strict";
const LossChart = (() => {
  const colors = ["#4f8cff", "#f25f5c", "#3ecf8e", "#f5a524", "#b57cff", "#2ec4d6", "#ff7ab6", "#c3d94e", "#9aa1b2"];

  function niceTicks(lo, hi, count) {
    const span = hi - lo || Math.abs(hi) || 1;
    const step0 = span / count, mag = Math.pow(10, Math.floor(Math.log10(step0)));
    const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => span / s <= count) || 10 * mag;
    const ticks = [];
    for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(+v.toPrecision(12));
    return ticks;
  }

  function format(v) {
    const a = Math.abs(v);
    return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(1) : +v.toPrecision(3) + "";
  }

  // series: [{name, points: [[x, y]...], color, hidden}]
  function draw(canvas, series, logScale) {
    const dpr = window.devicePixelRatio || 1;
    const w = canvas.clientWidth, h = canvas.clientHeight;
    canvas.width = w * dpr; canvas.height = h * dpr;
    const g = canvas.getContext("2d");
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, w, h);
    const shown = series.filter((s) => !s.hidden);
    const ys = (p) => (logScale ? Math.log10(p[1]) : p[1]);
    const finite = (p) => isFinite(p[1]) && (!logScale || p[1] > 0);
    let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    for (const s of shown) for (const p of s.points) if (finite(p)) {
      x0 = Math.min(x0, p[0]); x1 = Math.max(x1, p[0]); y0 = Math.min(y0, ys(p)); y1 = Math.max(y1, ys(p));
    }
    g.font = "11px system-ui, sans-serif";
    if (!isFinite(x0)) {
      g.fillStyle = "#9aa1b2"; g.fillText("No logged steps yet.", 12, 20); return 0;
    }
    if (x1 === x0) x1 = x0 + 1;
    if (y1 === y0) { y0 -= 0.5; y1 += 0.5; }
    const pad = (y1 - y0) * 0.06; y0 -= pad; y1 += pad;
    const L = 56, R = 12, T = 10, B = 26;
    const X = (x) => L + (x - x0) / (x1 - x0) * (w - L - R);
    const Y = (y) => T + (1 - (y - y0) / (y1 - y0)) * (h - T - B);
    g.strokeStyle = "#2a2e38"; g.fillStyle = "#9aa1b2"; g.lineWidth = 1;
    const yt = logScale ? niceTicks(Math.floor(y0), Math.ceil(y1), 6).filter((v) => Number.isInteger(v) && v >= y0 && v <= y1) : niceTicks(y0, y1, 6);
    for (const v of yt) {
      g.beginPath(); g.moveTo(L, Y(v)); g.lineTo(w - R, Y(v)); g.stroke();
      g.textAlign = "right"; g.fillText(logScale ? format(Math.pow(10, v)) : format(v), L - 6, Y(v) + 4);
    }
    for (const v of niceTicks(x0, x1, 8)) {
      g.beginPath(); g.moveTo(X(v), T); g.lineTo(X(v), h - B); g.stroke();
      g.textAlign = "center"; g.fillText(format(v), X(v), h - 8);
    }
    let drawn = 0;
    for (const s of shown) {
      g.strokeStyle = s.color; g.lineWidth = 1.6; g.beginPath();
      let started = false;
      for (const p of s.points) {
        if (!finite(p)) { started = false; continue; }
        const px = X(p[0]), py = Y(ys(p));
        if (started) g.lineTo(px, py); else { g.moveTo(px, py); started = true; }
        drawn++;
      }
      g.stroke();
    }
    return drawn;
  }
  return { draw, colors };
})();
"""#
}
