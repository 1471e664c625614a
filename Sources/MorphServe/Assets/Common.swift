extension Assets {
    /// Helpers every page uses: the token, API calls with upload progress, job standings, messages.
    static let commonJS = #"""
"use strict";
const Morph = (() => {
  const cookie = document.cookie.split("; ").find((c) => c.startsWith("morph_token="));
  const token = cookie ? decodeURIComponent(cookie.slice("morph_token=".length)) : null;
  const headers = () => (token ? { Authorization: "Bearer " + token } : {});

  function toast(message, kind) {
    const el = document.getElementById("toast");
    el.textContent = message;
    el.className = "toast" + (kind ? " " + kind : "");
    el.style.display = "block";
    clearTimeout(el._timer);
    el._timer = setTimeout(() => { el.style.display = "none"; }, kind === "info" ? 2500 : 7000);
  }

  async function errorText(response) {
    try { const body = await response.json(); return body.detail || body.error || response.statusText; }
    catch (e) { return response.status + " " + response.statusText; }
  }

  async function getJSON(path) {
    const response = await fetch(path, { headers: headers(), cache: "no-store" });
    if (!response.ok) throw new Error(await errorText(response));
    return response.json();
  }

  function jobId() {
    return "job-" + Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 10);
  }

  // POSTs a form; onProgress(fraction) follows the upload. Resolves with the response Blob, rejects with the
  // server's detail. abort() on the returned handle cancels (the server stops the job).
  function postForm(path, form, onProgress) {
    const xhr = new XMLHttpRequest();
    const done = new Promise((resolve, reject) => {
      xhr.open("POST", path);
      if (token) xhr.setRequestHeader("Authorization", "Bearer " + token);
      xhr.responseType = "blob";
      xhr.upload.onprogress = (e) => { if (e.lengthComputable && onProgress) onProgress(e.loaded / e.total); };
      xhr.onload = async () => {
        if (xhr.status === 200) { resolve(xhr.response); return; }
        let detail = xhr.status + " " + xhr.statusText;
        try { const body = JSON.parse(await xhr.response.text()); detail = body.detail || body.error; } catch (e) {}
        reject(new Error(detail));
      };
      xhr.onerror = () => reject(new Error("the server cannot be reached"));
      xhr.onabort = () => reject(new Error("cancelled"));
      xhr.send(form);
    });
    return { done, abort: () => xhr.abort() };
  }

  // Polls where a job stands until stop() is called: onState("queued", position) or onState("running").
  function followJob(id, onState) {
    let stopped = false;
    (async () => {
      while (!stopped) {
        try {
          const s = await getJSON("/api/jobs/" + encodeURIComponent(id));
          if (!stopped && s.state !== "unknown") onState(s.state, s.position);
        } catch (e) {}
        await new Promise((r) => setTimeout(r, 400));
      }
    })();
    return () => { stopped = true; };
  }

  async function loadModels(select, kind, preferred) {
    const { models } = await getJSON("/api/models");
    const usable = models.filter((m) => m.kind === kind);
    select.innerHTML = "";
    for (const m of usable) {
      const option = document.createElement("option");
      option.value = m.name;
      option.textContent = m.name + (m.source === "builtin" ? " (built-in)" : m.source === "run" ? " (run)" : "");
      option.title = m.summary;
      option.dataset.scale = m.scale;
      select.appendChild(option);
    }
    if (preferred && usable.some((m) => m.name === preferred)) select.value = preferred;
    if (!usable.length) {
      const option = document.createElement("option");
      option.textContent = "no " + kind + " model available";
      option.disabled = true;
      select.appendChild(option);
    }
    return usable;
  }

  function download(blob, name) {
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.appendChild(a);
    a.click();
    setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }

  function stem(name) { return name.replace(/\.[^.]+$/, "") || "image"; }

  function setStatus(text) { document.getElementById("status").textContent = text; }

  return { token, headers, toast, getJSON, postForm, followJob, loadModels, download, stem, jobId, setStatus };
})();
"""#
}
