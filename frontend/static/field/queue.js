// The offline queue: every photo and every new case goes to IndexedDB first,
// then to the server when the network allows.
//
// Each item carries an idempotency key made here, on the phone. The server
// answers a repeated key with its first answer, so sending again after a
// lost reply, a closed tab or a crash never makes a second photo or case.
// An item leaves the "waiting"/"sending" states only when the server has
// answered: "done" (kept, with the server's answer) or "refused" (with the
// server's reason). Nothing is ever deleted without the user asking; signing
// out asks for the sent items' answers to go (forgetUsers), never for what
// is still to be sent.

const DB_NAME = "ttxd-field";
// 2: site visits and their photos (visit.js), queued like cases and photos.
const DB_VERSION = 2;
export const PHOTOS = "photos";
export const CASES = "cases";
export const VISITS = "visits";
export const VISIT_PHOTOS = "visit_photos";
const META = "meta";

export const WAITING = "waiting";
export const SENDING = "sending";
export const DONE = "done";
export const REFUSED = "refused";

const MAX_BACKOFF_S = 300;

let dbPromise = null;

export function openDb() {
  if (!dbPromise) {
    dbPromise = new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, DB_VERSION);
      request.onupgradeneeded = () => {
        const db = request.result;
        if (!db.objectStoreNames.contains(PHOTOS)) {
          const photos = db.createObjectStore(PHOTOS, { keyPath: "key" });
          photos.createIndex("caseRef", "caseRef");
          photos.createIndex("state", "state");
        }
        if (!db.objectStoreNames.contains(CASES)) {
          db.createObjectStore(CASES, { keyPath: "key" }).createIndex("state", "state");
        }
        if (!db.objectStoreNames.contains(META)) db.createObjectStore(META, { keyPath: "name" });
        if (!db.objectStoreNames.contains(VISITS)) {
          db.createObjectStore(VISITS, { keyPath: "key" }).createIndex("state", "state");
        }
        if (!db.objectStoreNames.contains(VISIT_PHOTOS)) {
          const photos = db.createObjectStore(VISIT_PHOTOS, { keyPath: "key" });
          photos.createIndex("visitKey", "visitKey");
          photos.createIndex("state", "state");
        }
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }
  return dbPromise;
}

function done(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function store(name, mode = "readonly") {
  const db = await openDb();
  return db.transaction(name, mode).objectStore(name);
}

export async function getItem(storeName, key) {
  return done((await store(storeName)).get(key));
}

export async function putItem(storeName, item) {
  const tx = (await openDb()).transaction(storeName, "readwrite");
  tx.objectStore(storeName).put(item);
  // Resolved only once the write is durable: closing the tab now loses nothing.
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve(item);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

export async function allItems(storeName) {
  return done((await store(storeName)).getAll());
}

export async function deleteItem(storeName, key) {
  const tx = (await openDb()).transaction(storeName, "readwrite");
  tx.objectStore(storeName).delete(key);
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
  });
}

export async function remember(name, value) {
  return putItem(META, { name, value, at: Date.now() });
}

export async function recall(name) {
  const record = await getItem(META, name);
  return record ? record.value : undefined;
}

// --- Per-user data kept on the phone -------------------------------------
// META holds, per user: "cases:<user>" (the case list), "today:<user>" (Today's
// stops, today.js), "photos:<user>:<id>"
// (a case's photo list) and "token:<user>" (the device token). Queue items
// carry their user too; a "done" item holds the server's answer.

const userEntries = (user) => (name) =>
  name === `cases:${user}` ||
  name === `today:${user}` ||
  name === `token:${user}` ||
  name.startsWith(`photos:${user}:`) ||
  name.startsWith(`site:${user}:`);
const anyUserEntry = (name) => /^(cases|today|token|photos|site):/.test(name);

export async function storedToken(user) {
  return recall(`token:${user}`);
}

export async function keepToken(user, answer) {
  return remember(`token:${user}`, { token: answer.token, expiry: answer.expiry, device: answer.device || "" });
}

export async function forgetToken(user) {
  const tx = (await openDb()).transaction(META, "readwrite");
  tx.objectStore(META).delete(`token:${user}`);
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
  });
}

/**
 * Forget what the phone keeps of a user who signs out (null: of everyone):
 * cached case and photo lists, the device token, and the server's answers
 * in sent items. Items not yet sent, or refused, stay: they are sent (or
 * shown) when their author signs in again. Answers the tokens forgotten, for
 * the caller to revoke.
 */
export async function forgetUsers(user) {
  const matches = user == null ? anyUserEntry : userEntries(user);
  const mine = (item) => user == null || item.user === user;
  const db = await openDb();
  const tx = db.transaction([META, PHOTOS, CASES, VISITS, VISIT_PHOTOS], "readwrite");
  const tokens = [];
  const meta = tx.objectStore(META);
  meta.getAll().onsuccess = (event) => {
    for (const record of event.target.result) {
      if (!matches(record.name)) continue;
      if (record.name.startsWith("token:") && record.value && record.value.token) tokens.push(record.value.token);
      meta.delete(record.name);
    }
  };
  for (const name of [PHOTOS, CASES, VISITS, VISIT_PHOTOS]) {
    const items = tx.objectStore(name);
    items.getAll().onsuccess = (event) => {
      for (const item of event.target.result) {
        if (item.state === DONE && mine(item)) items.delete(item.key);
      }
    };
  }
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve(tokens);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

export function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Queue a photo. `caseRef` is "case:<id>" or "local:<key>" for a case opened offline. */
export async function queuePhoto({ user, caseId, caseLocalKey, blob, name, note, device, capturedAt }) {
  const item = {
    key: newKey(),
    user,
    caseId: caseId ?? null,
    caseLocalKey: caseLocalKey ?? null,
    caseRef: caseId != null ? `case:${caseId}` : `local:${caseLocalKey}`,
    blob,
    name: name || "photo.jpg",
    type: blob.type || "",
    size: blob.size,
    note: note || "",
    device: device || null,
    capturedAt: capturedAt || new Date().toISOString(),
    createdAt: Date.now(),
    state: WAITING,
    attempts: 0,
    nextAttemptAt: 0,
    lastError: "",
    result: null,
  };
  return putItem(PHOTOS, item);
}

export async function queueCase(user, payload) {
  return putItem(CASES, {
    key: newKey(),
    user,
    payload,
    createdAt: Date.now(),
    state: WAITING,
    attempts: 0,
    nextAttemptAt: 0,
    lastError: "",
    result: null,
  });
}

export async function photosOf(caseRefs) {
  const wanted = new Set(caseRefs);
  return (await allItems(PHOTOS)).filter((item) => wanted.has(item.caseRef)).sort((a, b) => a.createdAt - b.createdAt);
}

export function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

export function backoffMs(attempts) {
  const seconds = Math.min(MAX_BACKOFF_S, 2 ** Math.min(attempts, 9));
  return seconds * 1000 * (0.75 + Math.random() * 0.5);
}

export async function reasonOf(response) {
  try {
    const body = await response.json();
    if (typeof body.detail === "string") return body.detail;
    for (const [field, value] of Object.entries(body)) {
      if (field === "code") continue;
      if (Array.isArray(value) && value.length) return String(value[0]);
      if (typeof value === "string") return value;
    }
  } catch (error) {
    /* not JSON */
  }
  return `HTTP ${response.status}`;
}

const RETRY_LATER = new Set([408, 409, 425, 429]);

/** Whether sending again later may succeed. A 409 does only while the same
 * request is still being processed; another conflict (the case was closed)
 * stays, and the item is shown as refused with the server's reason. */
export async function worthRetrying(response) {
  if (response.status >= 500) return true;
  if (!RETRY_LATER.has(response.status)) return false;
  if (response.status !== 409) return true;
  try {
    const body = await response.clone().json();
    return !body.code || body.code === "idempotency_in_progress";
  } catch (error) {
    return true; /* not JSON: not one of our refusals */
  }
}

/**
 * Sends what is queued, one item at a time, in the order it was queued.
 * One tab at a time does the sending (Web Locks); the others just show it.
 */
export class Uploader {
  constructor({ urls, user, maxBytes, onChange, authHeaders, onNeedsLogin }) {
    this.urls = urls;
    // The device token's header, once the app has one (app.js).
    this.authHeaders = authHeaders || (() => ({}));
    this.onNeedsLogin = onNeedsLogin || (() => {});
    // A shared phone: only the user who captured an item may send it.
    this.user = user;
    this.maxBytes = maxBytes;
    this.onChange = onChange || (() => {});
    this.timer = null;
    this.running = false;
    this.again = false;
    this.needsLogin = false;
    this.channel = "BroadcastChannel" in self ? new BroadcastChannel("ttxd-field") : null;
    if (this.channel) this.channel.onmessage = () => this.onChange();
  }

  async start() {
    // A tab closed while sending left its items "sending": they were perhaps
    // received, perhaps not. The idempotency key makes sending again safe.
    for (const storeName of [CASES, PHOTOS]) {
      for (const item of await allItems(storeName)) {
        if (item.state === SENDING) await putItem(storeName, { ...item, state: WAITING });
      }
    }
    addEventListener("online", () => this.drain(true));
    addEventListener("focus", () => this.drain(false));
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") this.drain(false);
    });
    this.changed();
    return this.drain(true);
  }

  changed() {
    this.onChange();
    if (this.channel) this.channel.postMessage("changed");
  }

  schedule(delayMs) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.drain(false), Math.max(500, delayMs));
  }

  async drain(force) {
    if (!navigator.onLine) return;
    if (this.running) {
      this.again = this.again || force;
      return;
    }
    this.running = true;
    try {
      const work = () => this.#drainAll(force);
      if (navigator.locks) {
        await navigator.locks.request("ttxd-field-queue", { ifAvailable: true }, async (lock) => {
          if (lock) await work();
          else this.schedule(3000); // another tab is sending
        });
      } else {
        await work();
      }
    } finally {
      this.running = false;
      if (this.again) {
        const force2 = this.again;
        this.again = false;
        this.drain(force2);
      }
    }
  }

  async #drainAll(force) {
    if (force) this.needsLogin = false;
    let nextDue = Infinity;
    for (const storeName of [CASES, PHOTOS]) {
      const items = (await allItems(storeName))
        .filter((item) => item.state === WAITING && item.user === this.user)
        .sort((a, b) => a.createdAt - b.createdAt);
      for (const item of items) {
        if (!navigator.onLine || this.needsLogin) return;
        if (!force && item.nextAttemptAt > Date.now()) {
          nextDue = Math.min(nextDue, item.nextAttemptAt);
          continue;
        }
        const retryAt = storeName === CASES ? await this.#sendCase(item) : await this.#sendPhoto(item);
        if (retryAt) nextDue = Math.min(nextDue, retryAt);
      }
    }
    if (nextDue !== Infinity) this.schedule(nextDue - Date.now());
  }

  async #transition(storeName, item, changes) {
    const fresh = (await getItem(storeName, item.key)) || item;
    const updated = { ...fresh, ...changes };
    await putItem(storeName, updated);
    this.changed();
    return updated;
  }

  async #later(storeName, item, reason) {
    const attempts = item.attempts + 1;
    const nextAttemptAt = Date.now() + backoffMs(attempts);
    await this.#transition(storeName, item, { state: WAITING, attempts, nextAttemptAt, lastError: reason });
    return nextAttemptAt;
  }

  async #post(url, item, init) {
    const headers = {
      Accept: "application/json",
      "Idempotency-Key": item.key,
      "X-CSRFToken": csrfToken(),
      ...this.authHeaders(),
      ...(init.headers || {}),
    };
    return fetch(url, { ...init, method: "POST", credentials: "same-origin", headers });
  }

  /** Returns the time of the next attempt, or null when the item is settled. */
  async #settle(storeName, item, response, onDone) {
    if (response.ok) {
      const body = await response.json();
      await onDone(body);
      return null;
    }
    if (response.status === 401 || response.status === 403) {
      if (!(await this.#sessionAlive())) {
        // Signed out (token revoked or expired, session ended): keep
        // everything, wait for the password to be given again.
        this.needsLogin = true;
        await this.#transition(storeName, item, { state: WAITING, lastError: "login" });
        this.onNeedsLogin();
        return null;
      }
    }
    if (await worthRetrying(response)) {
      return this.#later(storeName, item, `HTTP ${response.status}`);
    }
    const reason = await reasonOf(response);
    await this.#transition(storeName, item, { state: REFUSED, lastError: reason, blob: item.blob });
    return null;
  }

  async #sessionAlive() {
    try {
      const response = await fetch(this.urls.session, {
        credentials: "same-origin",
        headers: { Accept: "application/json", ...this.authHeaders() },
      });
      return response.ok;
    } catch (error) {
      return true; // the network failed, not the session
    }
  }

  async #sendCase(item) {
    item = await this.#transition(CASES, item, { state: SENDING });
    let response;
    try {
      response = await this.#post(this.urls.openCase, item, {
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(item.payload),
      });
    } catch (error) {
      return this.#later(CASES, item, String(error.message || error));
    }
    return this.#settle(CASES, item, response, async (body) => {
      const result = { id: body.id, code: body.properties ? body.properties.code : "" };
      await this.#transition(CASES, item, { state: DONE, result, lastError: "" });
      // Photos taken on the case while it was offline can now follow it.
      for (const photo of await photosOf([`local:${item.key}`])) {
        await this.#transition(PHOTOS, photo, { caseId: result.id });
      }
    });
  }

  async #sendPhoto(item) {
    if (item.caseId == null) {
      const parent = await getItem(CASES, item.caseLocalKey);
      if (!parent) {
        await this.#transition(PHOTOS, item, { state: REFUSED, lastError: "case missing" });
        return null;
      }
      if (parent.state === REFUSED) {
        await this.#transition(PHOTOS, item, { state: REFUSED, lastError: parent.lastError });
        return null;
      }
      if (parent.state !== DONE) return null; // sent after its case
      item = await this.#transition(PHOTOS, item, { caseId: parent.result.id });
    }
    if (this.maxBytes && item.size > this.maxBytes) {
      // The server would refuse it (413) after a long, costly upload: say so now.
      const limit = Math.floor(this.maxBytes / (1024 * 1024));
      const reason = (window.interpolate && window.gettext)
        ? window.interpolate(window.gettext("The photo is larger than %(limit)s MB."), { limit }, true)
        : `> ${limit} MB`;
      await this.#transition(PHOTOS, item, { state: REFUSED, lastError: reason });
      return null;
    }
    item = await this.#transition(PHOTOS, item, { state: SENDING });
    const form = new FormData();
    form.append("file", item.blob, item.name);
    if (item.device) {
      form.append("device_lat", String(item.device.lat));
      form.append("device_lon", String(item.device.lon));
      if (item.device.accuracy != null) form.append("device_accuracy_m", String(item.device.accuracy));
    }
    if (item.capturedAt) form.append("captured_at", item.capturedAt);
    if (item.note) form.append("note", item.note);
    let response;
    try {
      response = await this.#post(this.urls.casePhotos.replace("{id}", item.caseId), item, { body: form });
    } catch (error) {
      return this.#later(PHOTOS, item, String(error.message || error));
    }
    return this.#settle(PHOTOS, item, response, async (body) => {
      // The server holds the original now: the local copy's space is freed.
      await this.#transition(PHOTOS, item, { state: DONE, result: body, lastError: "", blob: null });
    });
  }
}
