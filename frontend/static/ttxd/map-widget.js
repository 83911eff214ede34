// Leaflet geometry editor for the admin: reads and writes GeoJSON in the
// hidden textarea next to the map. Libraries are served from our static files.
(function () {
  "use strict";

  function collect(layerGroup) {
    const geoms = [];
    layerGroup.eachLayer(function (layer) {
      if (layer.toGeoJSON) {
        const f = layer.toGeoJSON();
        if (f.type === "FeatureCollection") {
          f.features.forEach(function (x) { geoms.push(x.geometry); });
        } else {
          geoms.push(f.geometry || f);
        }
      }
    });
    return geoms;
  }

  function combine(geoms, type) {
    if (!geoms.length) return null;
    const upper = (type || "").toUpperCase();
    if (upper === "MULTIPOLYGON") {
      const coords = [];
      geoms.forEach(function (g) {
        if (g.type === "Polygon") coords.push(g.coordinates);
        else if (g.type === "MultiPolygon") g.coordinates.forEach(function (c) { coords.push(c); });
      });
      return { type: "MultiPolygon", coordinates: coords };
    }
    return geoms[geoms.length - 1];
  }

  function init(el) {
    if (el.dataset.ready) return;
    el.dataset.ready = "1";
    const textarea = document.getElementById(el.dataset.textarea);
    const type = (el.dataset.geomType || "GEOMETRY").toUpperCase();
    const center = el.dataset.center.split(",").map(Number);
    // Sized from data attributes: the page's CSP allows no style attribute.
    el.style.width = Number(el.dataset.width) + "px";
    el.style.height = Number(el.dataset.height) + "px";
    const map = L.map(el).setView([center[0], center[1]], 12);
    if (el.dataset.basemapUrl) {
      L.tileLayer(el.dataset.basemapUrl, {
        maxZoom: 19, attribution: el.dataset.basemapAttribution || "",
      }).addTo(map);
    }
    const drawn = L.featureGroup().addTo(map);
    el._ttxdLayers = drawn;
    if (textarea.value.trim()) {
      try {
        L.geoJSON(JSON.parse(textarea.value)).eachLayer(function (layer) {
          if (layer.feature && layer.feature.geometry.type === "MultiPolygon") {
            layer.feature.geometry.coordinates.forEach(function (c) {
              L.geoJSON({ type: "Polygon", coordinates: c }).eachLayer(function (p) { drawn.addLayer(p); });
            });
          } else {
            drawn.addLayer(layer);
          }
        });
        if (drawn.getLayers().length) {
          const b = drawn.getBounds();
          // No animation: the opening view is where the editor starts, not a fly-in.
          if (b.isValid()) map.fitBounds(b, { maxZoom: 19, padding: [20, 20], animate: false });
        }
      } catch (e) {
        const note = document.createElement("p");
        note.className = "errornote";
        note.textContent = e.message;
        el.after(note);
      }
    }
    const isPoint = type.indexOf("POINT") >= 0;
    const isPolygon = type.indexOf("POLYGON") >= 0;
    if (map.pm) {
      map.pm.addControls({
        position: "topleft",
        drawMarker: isPoint || type === "GEOMETRY",
        drawPolygon: isPolygon || type === "GEOMETRY",
        drawRectangle: isPolygon,
        drawPolyline: false, drawCircle: false, drawCircleMarker: false, drawText: false,
        cutPolygon: false, rotateMode: false,
      });
    }
    function save() {
      const g = combine(collect(drawn), type);
      textarea.value = g ? JSON.stringify(g) : "";
    }
    map.on("pm:create", function (e) {
      if (type !== "MULTIPOLYGON") {
        drawn.eachLayer(function (layer) { if (layer !== e.layer) drawn.removeLayer(layer); });
      }
      drawn.addLayer(e.layer);
      e.layer.on("pm:edit pm:dragend", save);
      save();
    });
    drawn.eachLayer(function (layer) { layer.on("pm:edit pm:dragend", save); });
    map.on("pm:remove", function (e) { drawn.removeLayer(e.layer); save(); });
    el._ttxdMap = map;
  }

  function initAll() {
    document.querySelectorAll(".ttxd-map-widget").forEach(init);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", initAll);
  else initAll();
})();
