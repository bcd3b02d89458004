/* Mutu kiosk: the SKM survey on a counter tablet, one question per screen.
 *
 * Works offline once loaded: a service worker keeps this page and its files, and each
 * finished response waits in IndexedDB with an id made here (crypto.randomUUID())
 * until POST /kiosk/<code>/responses stores it. The server stores each id once, so a
 * sync that is cut off and retried never counts a response twice. Without
 * JavaScript this file never runs and the page shows a link to the ordinary form.
 */
(function () {
  "use strict";

  const root = document.getElementById("kiosk");
  if (!root) {
    return;
  }
  const data = root.dataset;
  const DB_NAME = "mutu-kiosk";
  const STORE = "queue";
  const BATCH = 50;
  const SYNC_EVERY_MS = 30000;
  const THANKS_MS = 6000;
  const FINAL = new Set(["created", "replayed", "conflict", "invalid"]);

  // ---- the queue: IndexedDB, or memory when the browser refuses storage ----------

  const memory = new Map();
  let dbPromise = null;

  function openDb() {
    if (!dbPromise) {
      dbPromise = new Promise((resolve) => {
        let request;
        try {
          request = window.indexedDB.open(DB_NAME, 1);
        } catch (error) {
          resolve(null);
          return;
        }
        request.onupgradeneeded = () => {
          request.result.createObjectStore(STORE, { keyPath: "client_id" });
        };
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => resolve(null);
      });
    }
    return dbPromise;
  }

  function transact(db, mode, work) {
    return new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const request = work(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(request ? request.result : undefined);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  }

  const queue = {
    async put(item) {
      const db = await openDb();
      if (!db) {
        memory.set(item.client_id, item);
        return;
      }
      await transact(db, "readwrite", (store) => store.put(item));
    },
    async all() {
      const db = await openDb();
      const stored = db ? await transact(db, "readonly", (store) => store.getAll()) : [];
      return stored.concat(Array.from(memory.values()));
    },
    async remove(ids) {
      ids.forEach((id) => memory.delete(id));
      const db = await openDb();
      if (!db) {
        return;
      }
      await transact(db, "readwrite", (store) => {
        ids.forEach((id) => store.delete(id));
        return null;
      });
    },
  };

  function newId() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") {
      return window.crypto.randomUUID();
    }
    // Outside a secure context randomUUID is missing: build a version 4 UUID.
    const bytes = window.crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    return [0, 8, 12, 16, 20]
      .map((start, i, all) => hex.slice(start, all[i + 1] || 32))
      .join("-");
  }

  // ---- the status bar ----------------------------------------------------------

  const netLabel = root.querySelector("[data-net]");
  const queueLabel = root.querySelector("[data-queue]");
  const syncNow = root.querySelector("[data-sync-now]");

  function showNetwork(online) {
    netLabel.textContent = online ? data.textOnline : data.textOffline;
    netLabel.classList.toggle("off", !online);
  }

  async function showQueue() {
    const count = (await queue.all()).length;
    queueLabel.textContent = count
      ? data.textQueued.replace("__N__", String(count))
      : data.textSynced;
    syncNow.hidden = count === 0;
    return count;
  }

  // ---- sync --------------------------------------------------------------------

  let token = data.token;
  let syncing = null;

  async function refreshToken() {
    // A 403 means the server's key changed: fetch the page again for a fresh token.
    try {
      const response = await fetch(window.location.pathname, { cache: "no-store" });
      if (!response.ok) {
        return false;
      }
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      const fresh = page.getElementById("kiosk");
      if (!fresh || !fresh.dataset.token || fresh.dataset.token === token) {
        return false;
      }
      token = fresh.dataset.token;
      return true;
    } catch (error) {
      return false;
    }
  }

  async function send(url, items, retried) {
    let response;
    try {
      response = await fetch(url, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({
          token: url === data.syncUrl ? token : items[0].token,
          responses: items.map((item) => item.payload),
        }),
        cache: "no-store",
      });
    } catch (error) {
      showNetwork(false);
      return false;
    }
    showNetwork(true);
    if (response.status === 403 && url === data.syncUrl && !retried) {
      return (await refreshToken()) && send(url, items, true);
    }
    if (!response.ok) {
      return false;
    }
    const body = await response.json().catch(() => null);
    if (!body || !Array.isArray(body.results)) {
      return false;
    }
    const settled = body.results
      .filter((result) => FINAL.has(result.status) && result.client_id)
      .map((result) => result.client_id);
    body.results
      .filter((result) => result.status === "conflict" || result.status === "invalid")
      .forEach((result) => console.warn("Mutu kiosk:", result.client_id, result.message));
    await queue.remove(settled);
    return true;
  }

  async function syncAll() {
    const items = await queue.all();
    const groups = new Map();
    items.forEach((item) => {
      if (!groups.has(item.sync_url)) {
        groups.set(item.sync_url, []);
      }
      groups.get(item.sync_url).push(item);
    });
    for (const [url, group] of groups) {
      for (let start = 0; start < group.length; start += BATCH) {
        if (!(await send(url, group.slice(start, start + BATCH)))) {
          return;
        }
      }
    }
  }

  function sync() {
    if (!syncing) {
      syncing = syncAll()
        .catch((error) => console.warn("Mutu kiosk: sync failed", error))
        .then(showQueue)
        .finally(() => {
          syncing = null;
        });
    }
    return syncing;
  }

  // ---- the screens -------------------------------------------------------------

  const steps = Array.from(root.querySelectorAll(".kiosk-step"));
  const profile = root.querySelector("[data-profile]");
  const profileError = root.querySelector("[data-error]");
  const idleMs = (Number(data.idleSeconds) || 60) * 1000;
  let current = 0;
  let answers = {};
  let extras = {}; // the unit's own questions (X1…X5), outside the IKM
  let service = data.defaultService;
  let idleTimer = null;
  let thanksTimer = null;

  function indexOf(name) {
    return steps.findIndex((step) => step.dataset.step === name);
  }

  function armIdle() {
    clearTimeout(idleTimer);
    if (current !== 0) {
      idleTimer = setTimeout(reset, idleMs);
    }
  }

  function show(index, quiet) {
    steps.forEach((step, i) => {
      step.hidden = i !== index;
    });
    current = index;
    window.scrollTo(0, 0);
    // Move focus to the new screen's heading so a screen reader reads it out.
    const heading = steps[index].querySelector("h1, h2");
    if (heading && !quiet) {
      heading.focus({ preventScroll: true });
    }
    armIdle();
  }

  function press(button) {
    button
      .closest(".kiosk-choices")
      .querySelectorAll("[aria-pressed]")
      .forEach((other) => other.setAttribute("aria-pressed", String(other === button)));
  }

  function advanceFrom(index) {
    // A short pause lets the tapped answer show as chosen before the next question.
    setTimeout(() => {
      if (current === index) {
        show(index + 1);
      }
    }, 180);
  }

  function reset() {
    clearTimeout(thanksTimer);
    answers = {};
    extras = {};
    service = data.defaultService;
    root
      .querySelectorAll("[aria-pressed]")
      .forEach((button) => button.setAttribute("aria-pressed", "false"));
    if (profile) {
      profile.reset();
    }
    profileError.hidden = true;
    show(0);
  }

  root.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button || !root.contains(button) || button.type === "submit") {
      return;
    }
    const step = button.closest(".kiosk-step");
    if (button.hasAttribute("data-start")) {
      show(current + 1);
    } else if (button.dataset.service) {
      service = button.dataset.service;
      press(button);
      advanceFrom(current);
    } else if (button.dataset.value) {
      if (step.dataset.extra) {
        extras[step.dataset.extra] = button.dataset.value;
      } else {
        answers[step.dataset.element] = button.dataset.value;
      }
      press(button);
      advanceFrom(current);
    } else if (button.hasAttribute("data-skip")) {
      delete answers[step.dataset.element];
      delete extras[step.dataset.extra];
      step
        .querySelectorAll("[aria-pressed]")
        .forEach((other) => other.setAttribute("aria-pressed", "false"));
      show(current + 1);
    } else if (button.hasAttribute("data-back")) {
      show(Math.max(current - 1, 0));
    } else if (button.hasAttribute("data-reset")) {
      reset();
    } else if (button.hasAttribute("data-sync-now")) {
      sync();
    }
  });

  profile.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!profile.reportValidity()) {
      return;
    }
    if (!Object.keys(answers).length) {
      profileError.hidden = false;
      return;
    }
    const submit = profile.querySelector("[type=submit]");
    submit.disabled = true;
    const form = new FormData(profile);
    const clientId = newId();
    const text = (name) => String(form.get(name) || "").trim();
    const item = {
      client_id: clientId,
      sync_url: data.syncUrl,
      token: token,
      payload: {
        client_id: clientId,
        service: Number(service),
        answers: answers,
        extra_answers: extras,
        profile: {
          sex: text("sex"),
          age: text("age"),
          education: text("education"),
          occupation: text("occupation"),
        },
        comment: text("comment"),
        submitted_at: new Date().toISOString(),
      },
    };
    try {
      await queue.put(item);
    } catch (error) {
      // Storage full or refused: keep the answer in memory until the page closes.
      console.warn("Mutu kiosk: stored in memory only", error);
      memory.set(item.client_id, item);
    } finally {
      submit.disabled = false;
    }
    show(indexOf("thanks"));
    thanksTimer = setTimeout(reset, THANKS_MS);
    await showQueue();
    sync();
  });

  ["pointerdown", "keydown", "input"].forEach((type) =>
    root.addEventListener(type, armIdle, { passive: true }),
  );

  // ---- start -------------------------------------------------------------------

  document.querySelectorAll("[data-kiosk-fallback]").forEach((node) => {
    node.hidden = true;
  });
  document.documentElement.classList.add("kiosk-on");
  root.hidden = false;
  show(0, true);
  showNetwork(navigator.onLine);
  window.addEventListener("online", () => {
    showNetwork(true);
    sync();
  });
  window.addEventListener("offline", () => showNetwork(false));
  setInterval(() => {
    if (navigator.onLine) {
      sync();
    }
  }, SYNC_EVERY_MS);
  sync();

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker
      .register(data.swUrl, { scope: data.swScope })
      .catch((error) => console.warn("Mutu kiosk: no service worker", error));
  }
  if ("caches" in window) {
    // Keep this page and its files now, before the worker controls the page.
    const files = [window.location.pathname];
    document.querySelectorAll("link[rel=stylesheet][href], script[src]").forEach((node) => {
      files.push(node.href || node.src);
    });
    window.caches
      .open(data.cache)
      .then((cache) => cache.addAll(files))
      .catch((error) => console.warn("Mutu kiosk: shell not cached", error));
  }
  if (navigator.storage && navigator.storage.persist) {
    navigator.storage.persist().catch(() => undefined);
  }
})();
