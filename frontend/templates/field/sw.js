/* TTXD field app service worker.
 *
 * Keeps the app shell (page, scripts, styles, Leaflet, translations) so the
 * app opens with no network at all, and keeps photo thumbnails once seen.
 * It never touches uploads: the page's own queue (IndexedDB) sends them and
 * retries until the server answers.
 */
const VERSION = "{{ version }}";
const CACHE = `ttxd-field-${VERSION}`;
const SHELL = {{ shell|safe }};
const APP = "{{ app_url }}";
const SHELL_PATHS = new Set(SHELL.map((url) => new URL(url, self.location.origin).pathname));
const DERIVATIVE = /^\/photos\/\d+\/(thumbnail|preview)\/$/;

async function cacheAppPage(cache) {
  // The page needs a session: keep it only if it really is the app, not a login redirect.
  try {
    const response = await fetch(APP, { credentials: "same-origin" });
    if (response.ok && !response.redirected) await cache.put(APP, response);
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
      await self.clients.claim();
    })(),
  );
});

async function networkFirstPage(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok && !response.redirected) await cache.put(APP, response.clone());
    return response;
  } catch (error) {
    const cached = await cache.match(APP, { ignoreVary: true });
    if (cached) return cached;
    throw error;
  }
}

async function cacheFirst(request, keep, revalidate) {
  const cache = await caches.open(CACHE);
  // The catalog and pages vary on language and cookies; the copy kept is the
  // one this phone's user fetched, so Vary must not hide it when offline.
  const cached = await cache.match(request, { ignoreVary: true });
  if (cached && !revalidate) return cached;
  const fresh = fetch(request)
    .then((response) => {
      if (keep(response)) cache.put(request, response.clone());
      return response;
    })
    .catch(() => undefined);
  if (cached) return cached; // and the copy is refreshed in the background
  return (await fresh) || Response.error();
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && url.pathname === APP) {
    event.respondWith(networkFirstPage(request));
  } else if (SHELL_PATHS.has(url.pathname)) {
    event.respondWith(cacheFirst(request, (response) => response.ok, true));
  } else if (DERIVATIVE.test(url.pathname)) {
    // Derivatives are content-addressed and never change: keep what was seen.
    event.respondWith(cacheFirst(request, (response) => response.ok && !response.redirected, false));
  }
});
