// The case page's map: the site point and its footprint. Leaflet is served
// from our own static files; without a base map URL only the data layers show.
(function () {
  "use strict";

  function init() {
    const el = document.getElementById("case-map");
    if (!el || typeof L === "undefined") return;
    const lat = Number(el.dataset.lat);
    const lon = Number(el.dataset.lon);
    const map = L.map(el).setView([lat, lon], 18);
    if (el.dataset.basemapUrl) {
      L.tileLayer(el.dataset.basemapUrl, {
        maxZoom: 20, attribution: el.dataset.basemapAttribution || "",
      }).addTo(map);
    }
    L.circleMarker([lat, lon], { radius: 8, color: "#b3261e", weight: 3 }).addTo(map);
    if (el.dataset.footprint) {
      try {
        const layer = L.geoJSON(JSON.parse(el.dataset.footprint), { style: { color: "#b3261e" } }).addTo(map);
        map.fitBounds(layer.getBounds().pad(0.5));
      } catch (e) {
        // A footprint that does not parse leaves the point alone on the map.
      }
    }
    el.dataset.ready = "1";
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
