// The OGC pages' map: the features of the page, drawn by Leaflet (served from
// our own static files). Without a base map URL only the features show.
(function () {
  "use strict";
  function start() {
    const el = document.getElementById("ogc-map");
    const data = document.getElementById("ogc-features");
    if (!el || !data || typeof L === "undefined") return;
    const map = L.map(el);
    if (el.dataset.basemapUrl) {
      L.tileLayer(el.dataset.basemapUrl, {
        maxZoom: 20, attribution: el.dataset.basemapAttribution || "",
      }).addTo(map);
    }
    const layer = L.geoJSON(JSON.parse(data.textContent), {
      style: { color: "#b3261e", weight: 2 },
      pointToLayer: (feature, latlng) => L.circleMarker(latlng, { radius: 5, color: "#b3261e" }),
    }).addTo(map);
    const bounds = layer.getBounds();
    if (bounds.isValid()) map.fitBounds(bounds.pad(0.1));
    else map.setView([10.776, 106.7], 12);
    el.dataset.features = String(layer.getLayers().length);
    el.dataset.ready = "1";
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
