extension Assets {
    /// The mask editor: an image canvas and a mask canvas of the image's size in a view that zooms and pans;
    /// brush and eraser strokes with undo and redo; the mask exported as a black-and-white PNG.
    static let canvasJS = #"""
"use strict";
class MaskEditor {
  constructor(stage, view, imageCanvas, maskCanvas, cursor) {
    Object.assign(this, { stage, view, imageCanvas, maskCanvas, cursor });
    this.scale = 1; this.tx = 0; this.ty = 0;
    this.tool = "brush"; this.size = 40; this.undoStack = []; this.redoStack = [];
    this.onChange = () => {};
    this.spaceHeld = false;
    stage.addEventListener("pointerdown", (e) => this.down(e));
    stage.addEventListener("pointermove", (e) => this.move(e));
    stage.addEventListener("pointerup", (e) => this.up(e));
    stage.addEventListener("pointercancel", (e) => this.up(e));
    stage.addEventListener("pointerleave", () => { this.cursor.style.display = "none"; });
    stage.addEventListener("wheel", (e) => { e.preventDefault(); this.zoomAt(e.clientX, e.clientY, Math.exp(-e.deltaY * 0.0015)); }, { passive: false });
    stage.addEventListener("contextmenu", (e) => e.preventDefault());
    new ResizeObserver(() => { if (this.width) this.fit(); }).observe(stage);
  }

  get width() { return this.imageCanvas.width; }
  get height() { return this.imageCanvas.height; }
  get hasImage() { return this.loaded === true; }

  // Shows `bitmap`; with keepMask false the mask and its history are cleared.
  setImage(bitmap, keepView) {
    const sizeChanged = bitmap.width !== this.width || bitmap.height !== this.height;
    for (const c of [this.imageCanvas, this.maskCanvas]) { c.width = bitmap.width; c.height = bitmap.height; }
    this.imageCanvas.getContext("2d").drawImage(bitmap, 0, 0);
    for (const c of [this.imageCanvas, this.maskCanvas]) { c.style.width = bitmap.width + "px"; c.style.height = bitmap.height + "px"; }
    this.view.style.width = bitmap.width + "px"; this.view.style.height = bitmap.height + "px";
    this.loaded = true;
    this.clearMask(false);
    this.undoStack = []; this.redoStack = [];
    if (!keepView || sizeChanged) this.fit();
    this.onChange();
  }

  showImage(bitmap) { this.imageCanvas.getContext("2d").drawImage(bitmap, 0, 0); }

  fit() {
    const r = this.stage.getBoundingClientRect();
    if (!this.width || !r.width) return;
    this.scale = Math.min((r.width - 40) / this.width, (r.height - 40) / this.height, 3);
    this.tx = (r.width - this.width * this.scale) / 2;
    this.ty = (r.height - this.height * this.scale) / 2;
    this.apply();
  }

  zoomAt(clientX, clientY, factor) {
    if (!this.hasImage) return;
    const r = this.stage.getBoundingClientRect();
    const x = clientX - r.left, y = clientY - r.top;
    const next = Math.min(Math.max(this.scale * factor, 0.02), 32);
    this.tx = x - (x - this.tx) * (next / this.scale);
    this.ty = y - (y - this.ty) * (next / this.scale);
    this.scale = next;
    this.apply();
  }

  zoomCentered(factor) {
    const r = this.stage.getBoundingClientRect();
    this.zoomAt(r.left + r.width / 2, r.top + r.height / 2, factor);
  }

  apply() {
    this.view.style.transform = `translate(${this.tx}px, ${this.ty}px) scale(${this.scale})`;
    this.imageCanvas.style.imageRendering = this.scale > 2 ? "pixelated" : "auto";
    this.updateCursorSize();
  }

  // Client coordinates to image pixels, from where the mask canvas is drawn on screen.
  toImage(e) {
    const r = this.maskCanvas.getBoundingClientRect();
    return { x: (e.clientX - r.left) * this.width / r.width, y: (e.clientY - r.top) * this.height / r.height };
  }

  brushWidth() { return this.size / this.scale; }

  updateCursorSize() {
    const d = this.size;
    Object.assign(this.cursor.style, { width: d + "px", height: d + "px" });
  }

  panning(e) { return this.tool === "pan" || this.spaceHeld || e.button === 1 || e.button === 2; }

  down(e) {
    if (!this.hasImage) return;
    this.stage.setPointerCapture(e.pointerId);
    if (this.panning(e)) {
      this.drag = { x: e.clientX, y: e.clientY, tx: this.tx, ty: this.ty };
      this.stage.classList.add("panning");
      return;
    }
    if (e.button !== 0) return;
    this.undoStack.push(this.snapshot());
    if (this.undoStack.length > 40) this.undoStack.shift();
    this.redoStack = [];
    this.last = this.toImage(e);
    this.stroke(this.last, this.last);
  }

  move(e) {
    const r = this.stage.getBoundingClientRect();
    const showCursor = this.hasImage && !this.panning(e) && !this.drag;
    this.stage.classList.toggle("painting", showCursor);
    this.cursor.style.display = showCursor ? "block" : "none";
    this.cursor.style.left = (e.clientX - r.left - this.size / 2) + "px";
    this.cursor.style.top = (e.clientY - r.top - this.size / 2) + "px";
    if (this.drag) {
      this.tx = this.drag.tx + e.clientX - this.drag.x;
      this.ty = this.drag.ty + e.clientY - this.drag.y;
      this.apply();
    } else if (this.last) {
      const p = this.toImage(e);
      this.stroke(this.last, p);
      this.last = p;
    }
  }

  up() {
    if (this.last) { this.last = null; this.onChange(); }
    this.drag = null;
    this.stage.classList.remove("panning");
  }

  stroke(a, b) {
    const g = this.maskCanvas.getContext("2d");
    g.save();
    g.globalCompositeOperation = this.tool === "eraser" ? "destination-out" : "source-over";
    g.strokeStyle = "rgb(255, 40, 60)"; g.lineWidth = this.brushWidth(); g.lineCap = "round"; g.lineJoin = "round";
    g.beginPath(); g.moveTo(a.x, a.y); g.lineTo(b.x + 0.01, b.y); g.stroke();
    g.restore();
  }

  snapshot() { return this.maskCanvas.getContext("2d").getImageData(0, 0, this.width, this.height); }

  undo() {
    if (!this.undoStack.length) return;
    this.redoStack.push(this.snapshot());
    this.maskCanvas.getContext("2d").putImageData(this.undoStack.pop(), 0, 0);
    this.onChange();
  }

  redo() {
    if (!this.redoStack.length) return;
    this.undoStack.push(this.snapshot());
    this.maskCanvas.getContext("2d").putImageData(this.redoStack.pop(), 0, 0);
    this.onChange();
  }

  clearMask(record) {
    if (record) { this.undoStack.push(this.snapshot()); this.redoStack = []; }
    this.maskCanvas.getContext("2d").clearRect(0, 0, this.width, this.height);
    this.onChange();
  }

  // Whether any mask pixel is painted (alpha at least half).
  hasMask() {
    if (!this.hasImage) return false;
    const d = this.snapshot().data;
    for (let i = 3; i < d.length; i += 4) if (d[i] >= 128) return true;
    return false;
  }

  // The mask as a PNG: white where painted (alpha at least half), black elsewhere.
  maskBlob() {
    const out = document.createElement("canvas");
    out.width = this.width; out.height = this.height;
    const g = out.getContext("2d");
    const src = this.snapshot(), dst = g.createImageData(this.width, this.height);
    for (let i = 0; i < src.data.length; i += 4) {
      const v = src.data[i + 3] >= 128 ? 255 : 0;
      dst.data[i] = dst.data[i + 1] = dst.data[i + 2] = v; dst.data[i + 3] = 255;
    }
    g.putImageData(dst, 0, 0);
    return new Promise((resolve) => out.toBlob(resolve, "image/png"));
  }
}
"""#
}
