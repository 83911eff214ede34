/* The public report page's service worker (scope /phan-anh/).
 *
 * Keeps the page and its files so the form reopens with no network; the
 * page's own queue (IndexedDB, static/intake/queue.js) sends the reports.
 * Nothing else is touched: the API, status pages and photos go to the network.
 */
const VERSION = "{{ version }}";
const CACHE = `ttxd-tips-${VERSION}`;
const SHELL = {{ shell|safe }};
const PAGE = "{{ page_url }}";
const SHELL_PATHS = new Set(SHELL.map((url) => new URL(url, self.location.origin).pathname));

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      await cache.addAll([...SHELL, PAGE]);
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(names.filter((n) => n.startsWith("ttxd-tips-") && n !== CACHE).map((n) => caches.delete(n)));
      await self.clients.claim();
    })(),
  );
});

async function pageNetworkFirst(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(PAGE, response.clone());
    return response;
  } catch (error) {
    const cached = await cache.match(PAGE, { ignoreVary: true });
    if (cached) return cached;
    throw error;
  }
}

async function staticCacheFirst(request) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request, { ignoreVary: true });
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname === PAGE) {
    event.respondWith(pageNetworkFirst(request));
  } else if (SHELL_PATHS.has(url.pathname)) {
    event.respondWith(staticCacheFirst(request));
  }
});
