// The public report page's queue: a report and its photos go to IndexedDB
// first, then to the server when the network allows (report.js).
//
// Each report carries a key made here (a UUID), sent as its Idempotency-Key:
// the server answers a repeated key with the first report, so a lost answer,
// a closed tab or a dropped network never makes a second report. Its photos
// follow once the report has its code, each with its own key (the server
// also keeps one copy of the same bytes). A report leaves "waiting" and
// "sending" only when the server has answered: "sent" (with its code) or
// "refused" (with the server's reason).

import { backoffMs, newKey, reasonOf, worthRetrying } from "../field/queue.js";

const DB_NAME = "ttxd-tips";
const DB_VERSION = 1;
export const REPORTS = "reports";

export const WAITING = "waiting";
export const SENDING = "sending";
export const SENT = "sent";
export const REFUSED = "refused";

let dbPromise = null;

// This browser's id for the per-device rate limit (random; nothing about the person).
const DEVICE_KEY = "ttxd-tip-device";
export function deviceId() {
  try {
    let id = localStorage.getItem(DEVICE_KEY);
    if (!id) {
      id = newKey();
      localStorage.setItem(DEVICE_KEY, id);
    }
    return id;
  } catch (error) {
    return ""; // storage refused (private mode): the address limit still applies
  }
}

export function openDb() {
  if (!dbPromise) {
    dbPromise = new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, DB_VERSION);
      request.onupgradeneeded = () => {
        const db = request.result;
        if (!db.objectStoreNames.contains(REPORTS)) db.createObjectStore(REPORTS, { keyPath: "key" });
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

async function store(mode = "readonly") {
  const db = await openDb();
  return db.transaction(REPORTS, mode).objectStore(REPORTS);
}

export async function putReport(item) {
  await done((await store("readwrite")).put(item));
  return item;
}

export async function allReports() {
  const items = await done((await store()).getAll());
  return items.sort((a, b) => a.createdAt - b.createdAt);
}

export async function deleteReport(key) {
  await done((await store("readwrite")).delete(key));
}

/** Keep a report and its photos (Blobs) on the phone, to be sent. */
export async function queueReport(payload, photos, device) {
  return putReport({
    key: newKey(),
    payload,
    photos: photos.map((blob) => ({
      key: newKey(),
      blob,
      name: blob.name || "photo.jpg",
      capturedAt: blob.lastModified ? new Date(blob.lastModified).toISOString() : "",
      state: WAITING,
      error: "",
    })),
    device: device || null,
    createdAt: Date.now(),
    state: WAITING,
    attempts: 0,
    nextAttemptAt: 0,
    error: "",
    errors: null,
    result: null,
  });
}

async function errorsOf(response) {
  try {
    return await response.clone().json();
  } catch (error) {
    return null;
  }
}

/** Sends the queued reports, oldest first, one tab at a time (Web Locks). */
export class TipSender {
  constructor({ tipsUrl, onChange }) {
    this.tipsUrl = tipsUrl;
    this.onChange = onChange || (() => {});
    this.running = false;
    this.again = false;
  }

  start() {
    window.addEventListener("online", () => this.retryNow());
    this.timer = setInterval(() => this.kick(), 3000);
    this.kick();
  }

  async retryNow() {
    for (const item of await allReports()) {
      if (item.state === WAITING || item.state === SENDING) {
        item.nextAttemptAt = 0;
        await putReport(item);
      }
    }
    this.kick();
  }

  kick() {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    const run = () => this.pass();
    const work = navigator.locks ? navigator.locks.request("ttxd-tips-send", run) : run();
    Promise.resolve(work)
      .catch((error) => console.error(error))
      .finally(() => {
        this.running = false;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  async pass() {
    for (const item of await allReports()) {
      if (item.state !== WAITING && item.state !== SENDING) continue;
      if (item.nextAttemptAt > Date.now()) continue;
      await this.send(item);
    }
  }

  async later(item, reason) {
    item.state = WAITING;
    item.attempts += 1;
    item.nextAttemptAt = Date.now() + backoffMs(item.attempts);
    item.error = reason || "";
    await putReport(item);
    this.onChange();
  }

  async send(item) {
    item.state = SENDING;
    await putReport(item);
    this.onChange();
    if (!item.result) {
      let response;
      try {
        response = await fetch(this.tipsUrl, {
          method: "POST",
          credentials: "omit",
          headers: { "Content-Type": "application/json", "Idempotency-Key": item.key, "X-Device-Id": deviceId() },
          body: JSON.stringify(item.payload),
        });
      } catch (error) {
        return this.later(item, "");
      }
      if (response.ok) {
        item.result = await response.json();
      } else if (await worthRetrying(response)) {
        return this.later(item, await reasonOf(response));
      } else {
        item.state = REFUSED;
        item.errors = await errorsOf(response);
        item.error = await reasonOf(response);
        await putReport(item);
        this.onChange();
        return;
      }
      item.attempts = 0;
      item.error = "";
      await putReport(item);
      this.onChange();
    }
    for (const photo of item.photos) {
      if (photo.state === SENT || photo.state === REFUSED) continue;
      const form = new FormData();
      form.append("file", photo.blob, photo.name);
      if (item.device) {
        form.append("device_lat", String(item.device.lat));
        form.append("device_lon", String(item.device.lon));
      }
      if (photo.capturedAt) form.append("captured_at", photo.capturedAt);
      let response;
      try {
        response = await fetch(item.result.photos_url, {
          method: "POST",
          credentials: "omit",
          headers: { "Idempotency-Key": photo.key },
          body: form,
        });
      } catch (error) {
        return this.later(item, "");
      }
      if (response.ok) {
        photo.state = SENT;
        photo.blob = null; // kept by the server now: free the phone's space
      } else if (await worthRetrying(response)) {
        return this.later(item, await reasonOf(response));
      } else {
        photo.state = REFUSED;
        photo.error = await reasonOf(response);
      }
      await putReport(item);
      this.onChange();
    }
    item.state = SENT;
    item.error = "";
    await putReport(item);
    this.onChange();
  }
}
