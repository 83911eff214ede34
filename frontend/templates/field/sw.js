/* TTXD field app service worker.
 *
 * Keeps the app shell (page, scripts, styles, Leaflet, translations) so the
 * app opens with no network at all, and keeps the photo thumbnails its user
 * has seen for viewing offline. It never touches uploads: the page's own
 * queue (IndexedDB) sends them and retries until the server answers.
 *
 * Photos are private to whoever may see their case, and phones are shared:
 * a photo always comes from the server while there is a network (which
 * checks the session), and a kept copy is only shown offline, from the cache
 * of the user logged in. That cache is named after the user; the app deletes
 * every other user's when it starts (app.js) and the login page deletes them
 * all (field/signed-out.js), so a copy never outlives its user's session on
 * this phone. The app page itself is kept for offline use only until the
 * session it was made for expires: after that, offline, it is shown to
 * nobody (whoever holds the phone now).
 */
const VERSION = "{{ version }}";
const CACHE = `ttxd-field-${VERSION}`;
const SHELL = {{ shell|safe }};
const APP = "{{ app_url }}";
// The app page says until when its session lasts (backend/field/views.py).
const SESSION_EXPIRES = "{{ session_expires_header }}";
const SIGNED_OUT_PAGE = "{{ signed_out_page|escapejs }}";
const SHELL_PATHS = new Set(SHELL.map((url) => new URL(url, self.location.origin).pathname));
const DERIVATIVE = /^\/photos\/\d+\/(thumbnail|preview)\/$/;
// One cache per user: "ttxd-photos-" + encodeURIComponent(username) (app.js, signed-out.js).
const PHOTO_CACHE_PREFIX = "ttxd-photos-";
// The ward map saved for offline use (field/offline.js): vector tiles, and the
// base map's tiles where its server allows saving them (backend/field/offline.py),
// in one cache per user, "ttxd-offline-" + encodeURIComponent(username), kept
// and deleted like the photo caches.
const OFFLINE_CACHE_PREFIX = "ttxd-offline-";
const TILES = "{{ tiles_prefix }}";
const BASEMAP_ORIGINS = new Set({{ basemap_origins|safe }});
// With a saved copy, a tile the network has not sent by then comes from the copy.
const TILE_WAIT_MS = 4000;

async function cacheAppPage(cache) {
  // The page needs a session: keep it only if it really is the app, not a login redirect.
  try {
    const response = await fetch(APP, { credentials: "same-origin" });
    if (response.ok && !response.redirected && sessionMayLast(response)) await cache.put(APP, response);
  } catch (error) {
    /* offline while installing: the next online visit stores it */
  }
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      await cache.addAll(SHELL);
      await cacheAppPage(cache);
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(
        names.filter((name) => name.startsWith("ttxd-field-") && name !== CACHE).map((name) => caches.delete(name)),
      );
      // Earlier workers kept photos in the shell's cache, for anyone: drop them.
      const shell = await caches.open(CACHE);
      for (const request of await shell.keys()) {
        if (DERIVATIVE.test(new URL(request.url).pathname)) await shell.delete(request);
      }
      await self.clients.claim();
    })(),
  );
});

/** Whether a kept app page's session may still be alive: past its expiry
 * the page (its user's name, settings and data) is for nobody. */
function sessionMayLast(response) {
  const expires = Number(response.headers.get(SESSION_EXPIRES));
  return Number.isFinite(expires) && expires > Date.now();
}

function signedOutPage() {
  return new Response(SIGNED_OUT_PAGE, {
    status: 401,
    headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" },
  });
}

async function networkFirstPage(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok && !response.redirected) await cache.put(APP, response.clone());
    // Redirected to the login page: the session has ended, so has the copy.
    else if (response.redirected) await cache.delete(APP, { ignoreVary: true });
    return response;
  } catch (error) {
    const cached = await cache.match(APP, { ignoreVary: true });
    if (cached && sessionMayLast(cached)) return cached;
    if (cached) {
      await cache.delete(APP, { ignoreVary: true });
      return signedOutPage();
    }
    throw error;
  }
}

async function staleWhileRevalidate(request, keep) {
  const cache = await caches.open(CACHE);
  // The catalog and pages vary on language and cookies; the copy kept is the
  // one this phone's user fetched, so Vary must not hide it when offline.
  const cached = await cache.match(request, { ignoreVary: true });
  const fresh = fetch(request)
    .then((response) => {
      if (keep(response)) cache.put(request, response.clone());
      return response;
    })
    .catch(() => undefined);
  if (cached) return cached; // and the copy is refreshed in the background
  return (await fresh) || Response.error();
}

/** The logged-in user's photo cache: the only one left by app.js, or none. */
async function userPhotoCache() {
  const names = (await caches.keys()).filter((name) => name.startsWith(PHOTO_CACHE_PREFIX));
  // Zero: nobody claimed one (logged out). Two: a change of user in progress. Keep nothing then.
  return names.length === 1 ? caches.open(names[0]) : null;
}

async function userOfflineCache() {
  const names = (await caches.keys()).filter((name) => name.startsWith(OFFLINE_CACHE_PREFIX));
  return names.length === 1 ? caches.open(names[0]) : null;
}

/** A map tile: from the network (the server decides what this session may
 * see), else, offline or on a network too slow to answer, the user's saved copy. */
async function networkFirstTile(request) {
  const cache = await userOfflineCache();
  const cached = cache && (await cache.match(request.url, { ignoreVary: true }));
  const fresh = fetch(request);
  if (!cached) return fresh;
  try {
    return await Promise.race([
      fresh,
      new Promise((resolve, reject) => setTimeout(() => reject(new Error("slow network")), TILE_WAIT_MS)),
    ]);
  } catch (error) {
    return cached;
  }
}

async function networkFirstPhoto(request) {
  try {
    // Ask the server every time (not the browser's HTTP cache either): it
    // decides whether this session may see the photo.
    const response = await fetch(request, { cache: "no-cache" });
    if (response.ok && !response.redirected) {
      const cache = await userPhotoCache();
      if (cache) await cache.put(request, response.clone());
    }
    return response;
  } catch (error) {
    // Offline: the user's own copy, if they saw this photo before.
    const cache = await userPhotoCache();
    const cached = cache && (await cache.match(request));
    if (cached) return cached;
    return Response.error();
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    if (BASEMAP_ORIGINS.has(url.origin)) event.respondWith(networkFirstTile(request));
    return;
  }
  if (request.mode === "navigate" && url.pathname === APP) {
    event.respondWith(networkFirstPage(request));
  } else if (SHELL_PATHS.has(url.pathname)) {
    event.respondWith(staleWhileRevalidate(request, (response) => response.ok));
  } else if (url.pathname.startsWith(TILES)) {
    event.respondWith(networkFirstTile(request));
  } else if (DERIVATIVE.test(url.pathname)) {
    event.respondWith(networkFirstPhoto(request));
  }
});
