// The map page: ward boundaries, violation cases and permit parcels from the
// server's vector tiles, with filters, counts, search and popups.

import * as L from 'leaflet';
import { VectorTileLayer } from './vector-layer.js';
import {
  caseRadius, drawCase, drawPermit, drawSite, drawTip, drawWard, siteColor, siteRadius, stageColor,
  tipColor, tipRadius,
} from './styles.js';
import { fillForm, filterParams, readForm, readState, writeState } from './state.js';
import {
  casePopup, clusterPopup, messagePopup, permitPopup, sitePopup, tipPopup,
} from './popup.js';

const config = JSON.parse(document.getElementById('map-config').textContent);
const labels = config.labels;
const form = document.getElementById('map-filters');
const mapElement = document.getElementById('ttxd-map');
const errorBox = document.getElementById('map-error');
const hint = document.getElementById('map-hint');
const totals = document.getElementById('map-totals');

const initial = readState(window.location.search);
fillForm(form, initial.filters);
// Re-read: values the form does not offer (e.g. another user's ward) drop out.
let filters = readForm(form);

for (const swatch of document.querySelectorAll('.stage-swatch[data-stage]')) {
  swatch.style.background = stageColor(swatch.dataset.stage);
}
for (const swatch of document.querySelectorAll('.site-swatch[data-site-status]')) {
  swatch.style.background = siteColor(swatch.dataset.siteStatus);
}
for (const swatch of document.querySelectorAll('.tip-swatch[data-tip-status]')) {
  swatch.style.background = tipColor(swatch.dataset.tipStatus);
}

function showError(text) {
  errorBox.textContent = text;
  errorBox.hidden = !text;
}

function withId(template, id) {
  return template.replace(config.idPlaceholder, String(id));
}

async function getJson(url, signal) {
  const response = await fetch(url, {
    credentials: 'same-origin',
    signal,
    headers: { Accept: 'application/json' },
  });
  if (!response.ok) {
    const error = new Error(`HTTP ${response.status}`);
    error.status = response.status;
    throw error;
  }
  return response.json();
}

// --- The map and its layers ---------------------------------------------------

const map = L.map(mapElement, { maxZoom: config.zoom.max, minZoom: 3, zoomSnap: 1 });
mapElement.ttxdMap = map; // for the browser tests and the console

const overlays = {};
if (config.basemap.url) {
  // Without a reachable base map the tiles simply fail; the data layers stay.
  const basemap = L.tileLayer(config.basemap.url, {
    attribution: config.basemap.attribution,
    maxZoom: config.zoom.max,
    maxNativeZoom: 19,
    zIndex: 1,
  }).addTo(map);
  overlays[labels.basemap] = basemap;
}

function tileUrl(layer) {
  return (coords) => {
    const base = config.urls.tile
      .replace('__layer__', layer)
      .replace('__z__', coords.z)
      .replace('__x__', coords.x)
      .replace('__y__', coords.y);
    // Parcels and boundaries only depend on the ward filter: their URLs (and
    // so the browser's cached copies) stay the same when other filters change.
    const relevant = layer === 'cases'
      ? filters
      : { stage: [], type: '', overdue: false, from: '', to: '', ward: filters.ward };
    const query = filterParams(relevant).toString();
    return query ? `${base}?${query}` : base;
  };
}

const wards = new VectorTileLayer({
  layerName: 'wards',
  url: tileUrl('wards'),
  draw: drawWard,
  zIndex: 2,
  maxNativeZoom: 18,
});
const permits = new VectorTileLayer({
  layerName: 'permits',
  url: tileUrl('permits'),
  draw: drawPermit,
  zIndex: 3,
  minZoom: config.zoom.permits,
  maxNativeZoom: 19,
});
const sites = new VectorTileLayer({
  layerName: 'sites',
  url: tileUrl('sites'),
  draw: drawSite,
  radius: siteRadius,
  zIndex: 4,
  minZoom: config.zoom.sites,
  maxNativeZoom: config.zoom.max,
});
const tips = new VectorTileLayer({
  layerName: 'tips',
  url: tileUrl('tips'),
  draw: drawTip,
  radius: tipRadius,
  zIndex: 6,
  minZoom: config.zoom.tips,
  maxNativeZoom: config.zoom.max,
});
const cases = new VectorTileLayer({
  layerName: 'cases',
  url: tileUrl('cases'),
  draw: drawCase,
  radius: caseRadius,
  zIndex: 5,
  maxNativeZoom: config.zoom.max,
});
mapElement.ttxdLayers = { wards, permits, sites, cases, tips }; // for the browser tests
for (const layer of [wards, permits, sites, cases, tips]) {
  layer.addTo(map);
  layer.on('tileerror', () => showError(labels.loadFailed));
  layer.on('load', () => {
    if (errorBox.textContent === labels.loadFailed) showError('');
  });
}
overlays[labels.wards] = wards;
overlays[labels.permits] = permits;
overlays[labels.sites] = sites;
overlays[labels.cases] = cases;
overlays[labels.tips] = tips;
L.control.layers(null, overlays, { collapsed: window.innerWidth < 900 }).addTo(map);
L.control.scale({ imperial: false }).addTo(map);

if (initial.view) {
  map.setView([initial.view.lat, initial.view.lon], initial.view.z);
} else if (config.extent) {
  const [west, south, east, north] = config.extent;
  map.fitBounds([[south, west], [north, east]], { padding: [16, 16] });
} else {
  map.setView(config.center, 12);
}

// --- Counts per stage, for the filters and the view -----------------------------

let countsRequest = null;

function clamp(value, low, high) {
  return Math.min(high, Math.max(low, value));
}

function viewBbox() {
  const b = map.getBounds();
  return [
    clamp(b.getWest(), -180, 180),
    clamp(b.getSouth(), -90, 90),
    clamp(b.getEast(), -180, 180),
    clamp(b.getNorth(), -90, 90),
  ].map((v) => v.toFixed(6)).join(',');
}

async function refreshCounts() {
  if (countsRequest) countsRequest.abort();
  countsRequest = new AbortController();
  const params = filterParams(filters);
  params.set('bbox', viewBbox());
  try {
    const data = await getJson(`${config.urls.counts}?${params}`, countsRequest.signal);
    for (const node of document.querySelectorAll('[data-count-for]')) {
      node.textContent = String(data.stages[node.dataset.countFor] ?? 0);
    }
    totals.textContent = `${labels.total}: ${data.total} (${labels.overdueTotal}: `
      + `${data.overdue_total}), ${labels.inView}.`;
    totals.dataset.total = String(data.total);
    totals.dataset.overdue = String(data.overdue_total);
  } catch (error) {
    if (error.name !== 'AbortError') showError(labels.loadFailed);
  }
}

function refreshHint() {
  let text = '';
  if (map.hasLayer(tips) && map.getZoom() < config.zoom.tips) text = labels.zoomForTips;
  if (map.hasLayer(sites) && map.getZoom() < config.zoom.sites) text = labels.zoomForSites;
  else if (map.hasLayer(permits) && map.getZoom() < config.zoom.permits) text = labels.zoomForPermits;
  hint.textContent = text;
  hint.hidden = !text;
}

map.on('moveend', () => {
  refreshCounts();
  refreshHint();
  writeState(map, filters);
});
map.on('overlayadd overlayremove', refreshHint);

function applyFilters() {
  const next = readForm(form);
  const wardChanged = next.ward !== filters.ward;
  filters = next;
  cases.redraw();
  if (wardChanged) {
    permits.redraw();
    sites.redraw();
    tips.redraw();
    wards.redraw();
  }
  refreshCounts();
  writeState(map, filters);
}
form.addEventListener('change', applyFilters);
form.addEventListener('submit', (event) => event.preventDefault());
// The reset event fires before the fields are cleared.
form.addEventListener('reset', () => setTimeout(applyFilters, 0));

// --- Popups -----------------------------------------------------------------------

const bearings = L.layerGroup().addTo(map);

// A short cone from where a photo was taken, in the direction the camera faced.
function cameraCone(lat, lon, bearing) {
  const reach = 25; // metres
  const points = [[lat, lon]];
  for (let angle = bearing - 25; angle <= bearing + 25; angle += 10) {
    const rad = (angle * Math.PI) / 180;
    points.push([
      lat + (reach * Math.cos(rad)) / 111320,
      lon + (reach * Math.sin(rad)) / (111320 * Math.cos((lat * Math.PI) / 180)),
    ]);
  }
  return L.polygon(points, {
    color: '#0f172a', weight: 1, fillColor: '#facc15', fillOpacity: 0.45, interactive: false,
  });
}

function openPopup(latlng) {
  bearings.clearLayers();
  return L.popup({ maxWidth: 360, minWidth: 260, autoPanPadding: [24, 24] })
    .setLatLng(latlng)
    .setContent(messagePopup('…'))
    .openOn(map);
}

async function openCase(id, latlng) {
  const popup = openPopup(latlng);
  try {
    const data = await getJson(withId(config.urls.case, id));
    data.url = withId(config.urls.casePage, data.id);
    popup.setContent(casePopup(data, labels));
    popup.update();
    for (const photo of data.photos || []) {
      if (typeof photo.bearing === 'number' && photo.lat !== null && photo.lon !== null) {
        cameraCone(photo.lat, photo.lon, photo.bearing).addTo(bearings);
      }
    }
  } catch (error) {
    popup.setContent(messagePopup(error.status === 404 ? labels.notFound : labels.loadFailed));
  }
}

async function openPermit(id, latlng) {
  const popup = openPopup(latlng);
  try {
    popup.setContent(permitPopup(await getJson(withId(config.urls.permit, id)), labels));
    popup.update();
  } catch (error) {
    popup.setContent(messagePopup(error.status === 404 ? labels.notFound : labels.loadFailed));
  }
}

async function openSite(id, latlng) {
  const popup = openPopup(latlng);
  try {
    popup.setContent(sitePopup(await getJson(withId(config.urls.site, id)), labels));
    popup.update();
  } catch (error) {
    popup.setContent(messagePopup(error.status === 404 ? labels.notFound : labels.loadFailed));
  }
}

map.on('popupclose', () => bearings.clearLayers());

function hitAt(latlng) {
  if (map.hasLayer(tips)) {
    const hit = tips.featureAt(latlng);
    if (hit) return { layer: 'tips', ...hit };
  }
  if (map.hasLayer(cases)) {
    const hit = cases.featureAt(latlng);
    if (hit) return { layer: 'cases', ...hit };
  }
  if (map.hasLayer(sites)) {
    const hit = sites.featureAt(latlng);
    if (hit) return { layer: 'sites', ...hit };
  }
  if (map.hasLayer(permits)) {
    const hit = permits.featureAt(latlng);
    if (hit) return { layer: 'permits', ...hit };
  }
  return null;
}

map.on('click', (event) => {
  const hit = hitAt(event.latlng);
  if (!hit) return;
  const props = hit.feature.properties;
  if (hit.layer === 'tips') {
    bearings.clearLayers();
    L.popup({ maxWidth: 360, minWidth: 240, autoPanPadding: [24, 24] })
      .setLatLng(hit.latlng)
      .setContent(tipPopup(hit.feature, config, labels))
      .openOn(map);
  } else if (hit.layer === 'permits') {
    openPermit(hit.feature.id, event.latlng);
  } else if (hit.layer === 'sites') {
    openSite(hit.feature.id, hit.latlng);
  } else if (props.n === undefined) {
    openCase(hit.feature.id, hit.latlng);
  } else if (props.n === 1 && props.case_id) {
    openCase(props.case_id, hit.latlng);
  } else {
    L.popup().setLatLng(hit.latlng).setContent(clusterPopup(props, labels)).openOn(map);
    map.flyTo(hit.latlng, Math.min(map.getZoom() + 2, config.zoom.casePoints));
  }
});

let hoverFrame = 0;
map.on('mousemove', (event) => {
  if (hoverFrame) return;
  hoverFrame = requestAnimationFrame(() => {
    hoverFrame = 0;
    mapElement.style.cursor = hitAt(event.latlng) ? 'pointer' : '';
  });
});

// --- Search -------------------------------------------------------------------------

const searchInput = document.getElementById('map-search-input');
const searchList = document.getElementById('map-search-results');
let searchRequest = null;
let searchTimer = 0;
let searchResults = [];

function afterMove(callback) {
  let done = false;
  const once = () => {
    if (!done) {
      done = true;
      callback();
    }
  };
  map.once('moveend', once);
  setTimeout(once, 2500);
}

function goTo(result) {
  searchList.hidden = true;
  if (result.kind === 'case') {
    const target = L.latLng(result.lat, result.lon);
    map.flyTo(target, Math.max(map.getZoom(), 17));
    afterMove(() => openCase(result.id, target));
  } else {
    const [west, south, east, north] = result.bbox;
    map.flyToBounds([[south, west], [north, east]], { maxZoom: 19, padding: [40, 40] });
    afterMove(() => openPermit(result.id, L.latLng(result.lat, result.lon)));
  }
}

function showResults(results) {
  searchResults = results;
  searchList.replaceChildren();
  if (!results.length) {
    const empty = document.createElement('li');
    empty.className = 'muted';
    empty.textContent = labels.noResults;
    searchList.append(empty);
  }
  for (const result of results) {
    const item = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.className = `search-result search-${result.kind}`;
    const title = document.createElement('strong');
    title.textContent = result.label;
    const detail = document.createElement('span');
    detail.textContent = result.detail || '';
    button.append(title, detail);
    button.addEventListener('click', () => goTo(result));
    item.append(button);
    searchList.append(item);
  }
  searchList.hidden = false;
}

async function runSearch() {
  const text = searchInput.value.trim();
  if (searchRequest) searchRequest.abort();
  if (text.length < 2) {
    searchList.hidden = true;
    searchResults = [];
    return;
  }
  searchRequest = new AbortController();
  try {
    const params = new URLSearchParams({ q: text });
    const data = await getJson(`${config.urls.search}?${params}`, searchRequest.signal);
    showResults(data.results);
  } catch (error) {
    if (error.name !== 'AbortError') showError(labels.loadFailed);
  }
}

searchInput.addEventListener('input', () => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(runSearch, 250);
});
searchInput.addEventListener('keydown', async (event) => {
  if (event.key === 'Escape') {
    searchList.hidden = true;
  } else if (event.key === 'Enter') {
    event.preventDefault();
    clearTimeout(searchTimer);
    await runSearch();
    if (searchResults.length) goTo(searchResults[0]);
  }
});

// --- Tablets: the panel folds away -------------------------------------------------

const toggle = document.querySelector('.map-panel-toggle');
const shell = document.querySelector('.map-shell');
if (window.innerWidth < 900) {
  shell.classList.add('panel-hidden');
  toggle.setAttribute('aria-expanded', 'false');
}
toggle.addEventListener('click', () => {
  const hidden = shell.classList.toggle('panel-hidden');
  toggle.setAttribute('aria-expanded', hidden ? 'false' : 'true');
  map.invalidateSize();
});

refreshCounts();
refreshHint();
