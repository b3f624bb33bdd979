// Loads portplay.wasm with visible progress, then starts it. Everything is
// fetched from this page's own origin: the app must work offline on a
// school network.
"use strict";
(function () {
  // make dist names the wasm by its content hash and adds a service worker;
  // web/ as `make serve` serves it has neither.
  const script = document.currentScript;
  const wasmURL = (script && script.dataset.wasm) || "portplay.wasm";
  const swURL = script && script.dataset.sw;
  const text = document.getElementById("loader-text");
  const bar = document.getElementById("loader-bar");

  // ?embed=1 is the page for an <iframe> in a slide or an LMS page. The
  // values are lesson.CheckPageSettings's, which names a bad one on screen.
  if (["1", "true", "yes"].includes(new URLSearchParams(location.search).get("embed"))) {
    document.documentElement.classList.add("embed");
    // In a frame the keys go to the page around it until the frame is
    // clicked (Ebiten then focuses its canvas): say so while it lacks focus.
    // Screen readers have the text mirror instead.
    const hint = document.createElement("p");
    hint.id = "focus-hint";
    hint.setAttribute("aria-hidden", "true");
    hint.textContent = "Click to use the keys";
    document.body.appendChild(hint);
    const update = () => { hint.hidden = document.hasFocus(); };
    window.addEventListener("focus", update);
    window.addEventListener("blur", update);
    update();
  }

  // The phrasebooks: English's is in the wasm, another language's
  // catalogue is fetched when a learner reads it. The app asks with
  // portplayPhrases(lang) (a promise of the file's text) before its first
  // frame, and when the language button asks for one; each is fetched
  // once. A bundle names them by content hash (data-i18n, web/dist.go);
  // web/ as `make serve` serves it by their plain names.
  const books = (script && script.dataset.i18n) ? JSON.parse(script.dataset.i18n) : null;
  const fetched = {};
  window.portplayPhrases = (lang) => {
    if (!fetched[lang]) {
      const url = (books && books[lang]) || ("i18n-" + lang + ".json");
      fetched[lang] = fetch(url).then((resp) => {
        if (!resp.ok) throw new Error(url + ": HTTP " + resp.status + " " + resp.statusText);
        return resp.text();
      });
      // A failure is tried afresh when asked again (the learner may be
      // back on the network).
      fetched[lang].catch(() => { delete fetched[lang]; });
    }
    return fetched[lang];
  };
  // The language the app will most likely open in is fetched at once,
  // beside the wasm, as the app chooses it (lesson.StartLanguage): a
  // link's lang=, else the learner's choice saved with their progress
  // (game/store_js.go's key), else the browser's languages. Only a
  // bundle's languages (data-i18n): no guess ever asks for a file that
  // is not there.
  if (books) {
    const params = new URLSearchParams(location.search);
    const frag = new URLSearchParams(location.hash.slice(1));
    let saved = "";
    try { saved = (JSON.parse(localStorage.getItem("portplay.progress") || "{}") || {}).lang || ""; } catch (_) { /* no storage */ }
    const prefs = [frag.get("lang") || params.get("lang") || saved].concat(saved || frag.has("lang") || params.has("lang") ? [] : (navigator.languages || []));
    const lang = prefs.map((l) => String(l || "").toLowerCase().split(/[-_.]/)[0]).find((l) => l === "en" || l in books);
    if (lang && lang !== "en") window.portplayPhrases(lang);
  }

  function fail(msg) {
    text.textContent = msg;
    text.className = "error";
    bar.hidden = true;
    window.portplayLoadError = msg;
  }

  function mb(n) { return (n / 1e6).toFixed(1) + " MB"; }

  // load fetches the wasm and compiles it while it downloads
  // (instantiateStreaming), the progress bar counting the bytes as they
  // pass to the compiler. A server that does not send application/wasm
  // (some static hosts) gets the old way: download all, then compile.
  async function load(url, imports) {
    const resp = await fetch(url);
    if (!resp.ok) throw new Error(url + ": HTTP " + resp.status + " " + resp.statusText);
    // The server sends the wasm compressed; X-Raw-Length is the size
    // after decompression, which is what the stream below counts.
    const total = Number(resp.headers.get("X-Raw-Length") ||
      (resp.headers.get("Content-Encoding") ? 0 : resp.headers.get("Content-Length")) || 0);
    let got = 0;
    let shown = -1;
    // The page changes only when the figure shown does (a hundred times at
    // most): the stream comes in hundreds of chunks, and each change of the
    // page is main-thread work while the wasm compiles.
    const counted = (chunk) => {
      got += chunk.length;
      const step = total ? Math.floor((100 * Math.min(got, total)) / total) : Math.floor(got / 1e5);
      if (step === shown) return;
      shown = step;
      if (total) {
        bar.value = step;
        text.textContent = "Downloading " + mb(got) + " of " + mb(total);
      } else {
        text.textContent = "Downloading " + mb(got);
      }
    };
    if (!total) bar.removeAttribute("value");
    const type = (resp.headers.get("Content-Type") || "").split(";")[0].trim();
    if (resp.body && typeof WebAssembly.instantiateStreaming === "function" && type === "application/wasm") {
      const body = resp.body.pipeThrough(new TransformStream({
        transform(chunk, ctl) { counted(chunk); ctl.enqueue(chunk); },
        flush() { text.textContent = "Starting…"; },
      }));
      const streamed = new Response(body, { headers: { "Content-Type": "application/wasm" } });
      window.portplayLoad = "streaming"; // how it loaded, for tests and the curious
      return WebAssembly.instantiateStreaming(streamed, imports);
    }
    window.portplayLoad = "buffered";
    if (!resp.body) {
      text.textContent = "Downloading…";
      return WebAssembly.instantiate(await resp.arrayBuffer(), imports);
    }
    const reader = resp.body.getReader();
    const chunks = [];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      counted(value);
      chunks.push(value);
    }
    const bytes = new Uint8Array(got);
    let at = 0;
    for (const c of chunks) { bytes.set(c, at); at += c.length; }
    text.textContent = "Starting…";
    return WebAssembly.instantiate(bytes, imports);
  }

  // Registered only once the app has drawn its first frame (it sends the
  // event "portplay-first-frame"), so that the worker's own fetch of the
  // bundle neither competes with the first download nor takes CPU from the
  // app's start. Offline use is a bonus: a failure only goes to the console.
  function registerServiceWorker() {
    if (!swURL || !("serviceWorker" in navigator)) return;
    navigator.serviceWorker.register(swURL).catch((err) => console.warn("service worker:", err));
  }
  window.addEventListener("portplay-first-frame", registerServiceWorker, { once: true });

  async function start() {
    if (typeof WebAssembly !== "object" || typeof WebAssembly.instantiate !== "function") {
      fail("This browser cannot run WebAssembly, which Portplay needs. Please use a current Firefox, Chrome, Edge or Safari.");
      return;
    }
    if (typeof Go !== "function") {
      fail("wasm_exec.js did not load. If you serve this folder yourself, build it first with `make web`.");
      return;
    }
    try {
      const go = new Go();
      const { instance } = await load(wasmURL, go.importObject);
      // Downloaded and compiled: the rest of the time to the first frame
      // (window.portplay.firstFrameMs) is the app's own start.
      window.portplayInstantiatedMs = performance.now();
      document.getElementById("loader").remove();
      go.run(instance);
    } catch (err) {
      fail("Portplay could not load: " + (err && err.message ? err.message : err) +
        ". Reload the page to try again.");
    }
  }
  start();
})();
