// The ward map (#/map): the app's own vector layers (backend/field/offline.py
// OFFLINE_LAYERS) over the base map, and the panel that saves the ward for
// offline use, shows when the copy was saved and how big it is, refreshes
// or deletes it. With no network the service worker answers the tiles from
// the saved copy (templates/field/sw.js).

import { VectorTileLayer } from "../map/vector-layer.js";
import { caseRadius, drawCase, drawPermit, drawWard } from "../map/styles.js";
import { formatDateTime } from "./geo.js";
import { deleteCopy, fetchManifest, saveWard, savedCopy } from "./offline.js";

const DRAW = { wards: drawWard, permits: drawPermit, cases: drawCase };
const RADIUS = { cases: caseRadius };
const MAX_ZOOM = 20;

// A layer with no style of its own yet: dots and outlines.
function drawPlain(ctx, feature, k) {
  ctx.strokeStyle = "#0f766e";
  ctx.fillStyle = "rgba(15, 118, 110, 0.25)";
  ctx.lineWidth = 1.5;
  if (feature.type === 1) {
    for (const ring of feature.rings) {
      for (const p of ring) {
        ctx.beginPath();
        ctx.arc(p.x * k, p.y * k, 5, 0, 2 * Math.PI);
        ctx.fill();
        ctx.stroke();
      }
    }
    return;
  }
  ctx.beginPath();
  for (const ring of feature.rings) {
    ring.forEach((p, i) => (i ? ctx.lineTo(p.x * k, p.y * k) : ctx.moveTo(p.x * k, p.y * k)));
    if (feature.type === 3) ctx.closePath();
  }
  if (feature.type === 3) ctx.fill();
  ctx.stroke();
}

let map = null;
let state = null; // { ctx, panel, manifest, ward, busy, progress, error, saved }

export function closeWardMap() {
  if (map) map.remove();
  map = null;
  state = null;
}

function tileUrl(config, layer, coords) {
  const path = `${config.offline.tiles}${layer.name}/${coords.z}/${coords.x}/${coords.y}.pbf`;
  return layer.query ? `${path}?${layer.query}` : path;
}

export async function renderWardMap(ctx) {
  closeWardMap();
  const { h, _, config, view } = ctx;
  const box = h("div", { id: "ward-map", class: "ward-map" });
  const panel = h("div", { id: "offline-panel", class: "card offline-panel", "aria-live": "polite" });
  view.replaceChildren(
    h("p", {}, h("a", { href: "#/" }, `← ${_("Cases")}`)),
    h("h1", {}, _("Ward map")),
    box,
    panel,
  );
  state = { ctx, panel, manifest: null, ward: null, busy: false, progress: 0, error: "", saved: null };
  state.saved = await savedCopy(config.user);
  map = L.map(box, { zoomControl: true, maxZoom: MAX_ZOOM, attributionControl: Boolean(config.basemap.url) });
  const bounds = state.saved && state.saved.bounds;
  if (bounds) map.fitBounds([[bounds[1], bounds[0]], [bounds[3], bounds[2]]]);
  else map.setView(config.mapCenter, 15);
  if (config.basemap.url) {
    L.tileLayer(config.basemap.url, { maxZoom: MAX_ZOOM, maxNativeZoom: 19, attribution: config.basemap.attribution }).addTo(map);
  }
  for (const layer of config.offline.layers) {
    new VectorTileLayer({
      layerName: layer.name,
      url: (coords) => tileUrl(config, layer, coords),
      draw: DRAW[layer.name] || drawPlain,
      radius: RADIUS[layer.name] || null,
      minZoom: layer.min_zoom,
      maxNativeZoom: layer.max_zoom,
      maxZoom: MAX_ZOOM,
    }).addTo(map);
  }
  renderPanel();
  if (navigator.onLine) loadManifest(state.saved ? state.saved.ward.code : null);
}

/** Online again, or offline: the panel says what can be done now. */
export function updateWardMap() {
  if (!state) return;
  if (navigator.onLine && !state.manifest && !state.busy) loadManifest(state.ward);
  else renderPanel();
}

async function loadManifest(ward) {
  const current = state;
  current.manifest = null;
  current.error = "";
  current.loading = true;
  renderPanel();
  try {
    const manifest = await fetchManifest(
      current.ctx.config.offline.ward, ward, current.ctx.authHeaders(), current.ctx._("The size of the offline copy could not be worked out."),
    );
    if (state !== current) return;
    current.manifest = manifest;
    current.ward = manifest.ward.code;
    if (!current.saved) map.fitBounds([[manifest.ward.bounds[1], manifest.ward.bounds[0]], [manifest.ward.bounds[3], manifest.ward.bounds[2]]]);
  } catch (error) {
    if (state !== current) return;
    current.error = navigator.onLine ? error.message : "";
  }
  current.loading = false;
  renderPanel();
}

function megabytes(bytes) {
  const { _, fill } = state.ctx;
  return fill(_("%(size)s MB"), { size: (bytes / 1e6).toFixed(1).replace(".", ",") });
}

async function save() {
  const current = state;
  const { _, fill, config } = current.ctx;
  current.busy = true;
  current.error = "";
  current.progress = 0;
  renderPanel();
  try {
    current.saved = await saveWard({
      manifest: current.manifest,
      user: config.user,
      headers: current.ctx.authHeaders(),
      limitBytes: config.offline.limitBytes,
      messages: {
        failed: _("The offline copy could not be saved. Try again."),
        tooLarge: fill(_("The offline copy would take more than the %(limit)s this server allows on a phone: nothing was saved."), {
          limit: current.manifest.limit_display,
        }),
      },
      onProgress: (fraction) => {
        current.progress = fraction;
        const bar = current.panel.querySelector("progress");
        if (bar) bar.value = fraction;
      },
    });
    current.panel.dataset.saved = "true";
  } catch (error) {
    current.error = navigator.onLine ? error.message : _("The network dropped while saving: try again when online.");
    current.saved = await savedCopy(config.user);
  }
  current.busy = false;
  if (state === current) renderPanel();
}

async function remove() {
  const current = state;
  await deleteCopy(current.ctx.config.user);
  current.saved = null;
  renderPanel();
}

function renderPanel() {
  const { h, _, fill } = state.ctx;
  const { saved, manifest, busy, error } = state;
  const online = navigator.onLine;
  const parts = [h("h2", {}, _("Offline copy"))];
  if (saved) {
    parts.push(
      h("p", { id: "offline-saved" },
        fill(_("%(ward)s saved for offline use on %(time)s: %(size)s (%(count)s tiles)."), {
          ward: saved.ward.name,
          time: formatDateTime(saved.savedAt),
          size: megabytes(saved.bytes),
          count: saved.tiles + saved.basemapTiles,
        })),
    );
  } else {
    parts.push(h("p", { id: "offline-none" }, _("This ward's map is not saved on this phone.")));
  }
  if (!online) {
    parts.push(h("p", { class: "muted small" }, saved
      ? _("Offline: the map shows the saved copy.")
      : _("Connect to the network to save your ward's map for offline use.")));
  } else if (state.loading) {
    parts.push(h("p", { class: "muted small" }, _("Working out the size of the offline copy…")));
  } else if (manifest) {
    if (manifest.wards.length > 1) {
      parts.push(h("label", { for: "offline-ward" }, _("Ward")),
        h("select", { id: "offline-ward", disabled: busy, onchange: (event) => loadManifest(event.target.value) },
          manifest.wards.map((ward) => h("option", { value: ward.code, selected: ward.code === manifest.ward.code }, ward.name))));
    }
    parts.push(
      h("p", { id: "offline-estimate" },
        fill(_("Saving %(ward)s takes about %(size)s (limit %(limit)s)."), {
          ward: manifest.ward.name,
          size: manifest.estimated_display,
          limit: manifest.limit_display,
        })),
    );
    if (manifest.basemap.refusal) parts.push(h("p", { class: "muted small", id: "offline-basemap" }, manifest.basemap.refusal));
    if (!manifest.fits) parts.push(h("p", { class: "error", id: "offline-refusal", role: "alert" }, manifest.refusal));
    if (busy) {
      parts.push(h("p", {}, _("Saving…"), " ", h("progress", { max: 1, value: state.progress })));
    } else {
      parts.push(
        h("div", { class: "row" },
          h("button", { type: "button", class: "primary", id: "offline-save", disabled: !manifest.fits, onclick: save },
            saved ? _("Refresh the offline copy") : _("Save for offline use")),
        ),
      );
    }
  }
  if (saved && !busy) {
    parts.push(h("button", { type: "button", class: "link", id: "offline-delete", onclick: remove }, _("Delete the offline copy")));
  }
  if (error) parts.push(h("p", { class: "error", id: "offline-error", role: "alert" }, error));
  state.panel.replaceChildren(...parts);
}
