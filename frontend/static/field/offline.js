// The ward map saved for offline use: the server's package of vector tiles
// (backend/field/offline_api.py) split into one Cache Storage entry per tile
// URL, plus the base map's tiles when the server lists them (only where the
// tile server's terms allow it). The service worker (templates/field/sw.js)
// serves them when the network does not answer.
//
// Like the photo thumbnails, the copy is private to its user on a shared
// phone: one cache per user, "ttxd-offline-" + encodeURIComponent(username),
// deleted at sign-out (app.js), when another user opens the app, and by the
// login page (signed-out.js).

export const OFFLINE_CACHE_PREFIX = "ttxd-offline-";
// The copy's own record (when, which ward, how big): never fetched from the network.
const RECORD_URL = "/field/offline/saved.json";
const BASEMAP_PARALLEL = 4;

export function offlineCacheName(user) {
  return OFFLINE_CACHE_PREFIX + encodeURIComponent(user);
}

/** The saved copy's record, or null. */
export async function savedCopy(user) {
  if (!("caches" in window)) return null;
  const names = await caches.keys();
  if (!names.includes(offlineCacheName(user))) return null;
  const cache = await caches.open(offlineCacheName(user));
  const record = await cache.match(RECORD_URL);
  return record ? record.json() : null;
}

export async function deleteCopy(user) {
  if ("caches" in window) await caches.delete(offlineCacheName(user));
}

/** Drop every other user's copy: only the signed-in user's may stay on the phone. */
export async function forgetOtherCopies(user) {
  if (!("caches" in window)) return;
  const mine = offlineCacheName(user);
  const names = await caches.keys();
  await Promise.all(
    names.filter((name) => name.startsWith(OFFLINE_CACHE_PREFIX) && name !== mine).map((name) => caches.delete(name)),
  );
}

async function messageOf(response, fallback) {
  try {
    const body = await response.json();
    if (typeof body.detail === "string") return body.detail;
    for (const value of Object.values(body)) {
      if (Array.isArray(value) && value.length) return String(value[0]);
    }
  } catch (error) {
    /* not JSON */
  }
  return fallback;
}

/** What saving `ward` (a code, or null for the user's first ward) would hold: tiles, sizes, limit. */
export async function fetchManifest(url, ward, headers, fallback) {
  const address = ward ? `${url}?${new URLSearchParams({ ward })}` : url;
  const response = await fetch(address, { credentials: "same-origin", headers: { Accept: "application/json", ...headers } });
  if (!response.ok) throw new Error(await messageOf(response, fallback));
  return response.json();
}

/** Read a response's body, reporting the bytes received so far. */
async function readAll(response, onBytes) {
  if (!response.body || !response.body.getReader) return new Uint8Array(await response.arrayBuffer());
  const reader = response.body.getReader();
  const chunks = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    received += value.byteLength;
    onBytes(received);
  }
  const all = new Uint8Array(received);
  let at = 0;
  for (const chunk of chunks) {
    all.set(chunk, at);
    at += chunk.byteLength;
  }
  return all;
}

/** The package's tiles: [url, bytes][] (its format: backend/field/offline_api.py). */
function splitPackage(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(0);
  const index = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + headerLength)));
  let at = 4 + headerLength;
  const tiles = index.tiles.map(([url, length]) => {
    const body = bytes.slice(at, at + length);
    at += length;
    return [url, body];
  });
  if (at !== bytes.byteLength) throw new Error("truncated package");
  return { index, tiles };
}

/**
 * Save the ward of `manifest` for offline use; `onProgress(fraction)` as it
 * goes. Resolves to the copy's record; throws an Error with the message to
 * show (nothing is kept of a copy refused for its size).
 */
export async function saveWard({ manifest, user, headers, limitBytes, messages, onProgress }) {
  if (!manifest.fits) throw new Error(manifest.refusal);
  const response = await fetch(manifest.package_url, {
    credentials: "same-origin",
    // JSON for a refusal (too large, not your ward).
    headers: { Accept: "application/vnd.ttxd.offline-package, application/json;q=0.9", ...headers },
  });
  if (!response.ok) throw new Error(await messageOf(response, messages.failed));
  const basemapTiles = manifest.basemap.tiles;
  const share = basemapTiles.length ? 0.7 : 1;
  const expected = Math.max(1, manifest.tile_bytes);
  const bytes = await readAll(response, (received) => onProgress(share * Math.min(1, received / expected)));
  const { index, tiles } = splitPackage(bytes);

  const cache = await caches.open(offlineCacheName(user));
  const kept = new Set([new URL(RECORD_URL, location.origin).href]);
  let total = 0;
  for (const [url, body] of tiles) {
    const absolute = new URL(url, location.origin).href;
    kept.add(absolute);
    total += body.byteLength;
    await cache.put(
      absolute,
      new Response(body, { headers: { "Content-Type": "application/vnd.mapbox-vector-tile" } }),
    );
  }
  let basemapBytes = 0;
  let basemapSaved = 0;
  let next = 0;
  let tooLarge = false;
  const worker = async () => {
    while (next < basemapTiles.length && !tooLarge) {
      const url = basemapTiles[next];
      next += 1;
      try {
        const tile = await fetch(url, { mode: "cors", credentials: "omit" });
        if (!tile.ok) continue;
        const blob = await tile.blob();
        basemapBytes += blob.size;
        if (total + basemapBytes > limitBytes) {
          tooLarge = true;
          return;
        }
        await cache.put(url, new Response(blob, { headers: { "Content-Type": blob.type || "image/png" } }));
        kept.add(url);
        basemapSaved += 1;
      } catch (error) {
        /* the tile server refused (CORS) or the network dropped: the map shows the layers without it */
      }
      onProgress(share + (1 - share) * (next / basemapTiles.length));
    }
  };
  await Promise.all(Array.from({ length: BASEMAP_PARALLEL }, worker));
  if (tooLarge) {
    await deleteCopy(user);
    throw new Error(messages.tooLarge);
  }
  // A refreshed copy: what the new package no longer holds goes.
  for (const request of await cache.keys()) {
    if (!kept.has(request.url)) await cache.delete(request);
  }
  const record = {
    ward: index.ward,
    bounds: manifest.ward.bounds,
    savedAt: Date.now(),
    generatedAt: index.generated_at,
    tiles: tiles.length,
    tileBytes: total,
    basemapTiles: basemapSaved,
    basemapBytes,
    bytes: total + basemapBytes,
  };
  await cache.put(RECORD_URL, new Response(JSON.stringify(record), { headers: { "Content-Type": "application/json" } }));
  onProgress(1);
  return record;
}
