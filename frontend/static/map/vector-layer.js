// A Leaflet grid layer that fetches Mapbox Vector Tiles from the server,
// decodes them (pbf + @mapbox/vector-tile), draws them on a canvas per tile
// and answers "which feature is under this point?" for clicks.

import * as L from 'leaflet';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';

const POINT = 1;
const POLYGON = 3;

function decode(buffer, layerName) {
  if (!buffer.byteLength) return [];
  const tile = new VectorTile(new PbfReader(new Uint8Array(buffer)));
  const layer = tile.layers[layerName];
  if (!layer) return [];
  const features = [];
  for (let i = 0; i < layer.length; i += 1) {
    const feature = layer.feature(i);
    features.push({
      id: feature.id,
      type: feature.type,
      properties: feature.properties,
      rings: feature.loadGeometry(),
      extent: layer.extent,
    });
  }
  return features;
}

// Even-odd rule over every ring: holes and multipolygon parts both work.
function insideRings(rings, x, y) {
  let inside = false;
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i, i += 1) {
      const a = ring[i];
      const b = ring[j];
      if ((a.y > y) !== (b.y > y) && x < ((b.x - a.x) * (y - a.y)) / (b.y - a.y) + a.x) {
        inside = !inside;
      }
    }
  }
  return inside;
}

export const VectorTileLayer = L.GridLayer.extend({
  options: {
    layerName: '',
    url: null, // (coords) => URL of the tile
    draw: null, // (ctx, feature, k) => void
    radius: null, // (feature) => pixel radius of a point feature, for clicks
    updateWhenZooming: false,
    keepBuffer: 1,
  },

  initialize(options) {
    L.setOptions(this, options);
    this._features = new Map();
    this._requests = new Map();
    this.on('tileunload', (event) => {
      const key = this._tileCoordsToKey(event.coords);
      const request = this._requests.get(key);
      if (request) request.abort();
      this._requests.delete(key);
      this._features.delete(key);
    });
  },

  createTile(coords, done) {
    const size = this.getTileSize();
    const ratio = window.devicePixelRatio || 1;
    const canvas = L.DomUtil.create('canvas', 'ttxd-vt-tile');
    canvas.width = size.x * ratio;
    canvas.height = size.y * ratio;
    canvas.dataset.layer = this.options.layerName;
    const key = this._tileCoordsToKey(coords);
    const request = new AbortController();
    this._requests.set(key, request);
    fetch(this.options.url(coords), {
      credentials: 'same-origin',
      signal: request.signal,
      headers: { Accept: 'application/vnd.mapbox-vector-tile' },
    })
      .then((response) => {
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        return response.arrayBuffer();
      })
      .then((buffer) => {
        const features = decode(buffer, this.options.layerName);
        this._features.set(key, features);
        const ctx = canvas.getContext('2d');
        ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
        for (const feature of features) {
          this.options.draw(ctx, feature, size.x / feature.extent);
        }
        canvas.dataset.features = String(features.length);
        done(null, canvas);
      })
      .catch((error) => {
        if (error.name === 'AbortError') return;
        canvas.dataset.error = error.message;
        done(error, canvas);
      })
      .finally(() => {
        if (this._requests.get(key) === request) this._requests.delete(key);
      });
    return canvas;
  },

  // All features drawn by the tiles now on screen (tests and counts read it).
  drawnFeatureCount() {
    let total = 0;
    for (const features of this._features.values()) total += features.length;
    return total;
  },

  // The feature under `latlng` (nearest point within its radius, else the
  // first polygon containing it) and where it is, or null.
  featureAt(latlng) {
    if (!this._map || this._tileZoom === undefined) return null;
    const size = this.getTileSize();
    const zoom = this._tileZoom;
    const pixel = this._map.project(latlng, zoom);
    let best = null;
    let bestDistance = Infinity;
    // A point near a tile edge may be drawn by the neighbouring tile.
    for (const dx of [-1, 0, 1]) {
      for (const dy of [-1, 0, 1]) {
        const coords = L.point(Math.floor(pixel.x / size.x) + dx, Math.floor(pixel.y / size.y) + dy);
        coords.z = zoom;
        const features = this._features.get(this._tileCoordsToKey(coords));
        if (!features) continue;
        const originX = coords.x * size.x;
        const originY = coords.y * size.y;
        const localX = pixel.x - originX;
        const localY = pixel.y - originY;
        const ownTile = dx === 0 && dy === 0;
        for (const feature of features) {
          const k = size.x / feature.extent;
          if (feature.type === POINT && this.options.radius) {
            const r = this.options.radius(feature);
            for (const ring of feature.rings) {
              for (const p of ring) {
                const d = Math.hypot(p.x * k - localX, p.y * k - localY);
                if (d <= r && d < bestDistance) {
                  bestDistance = d;
                  best = {
                    feature,
                    latlng: this._map.unproject(L.point(originX + p.x * k, originY + p.y * k), zoom),
                  };
                }
              }
            }
          } else if (
            feature.type === POLYGON &&
            ownTile &&
            best === null &&
            insideRings(feature.rings, localX / k, localY / k)
          ) {
            best = { feature, latlng };
          }
        }
      }
    }
    return best;
  },
});
