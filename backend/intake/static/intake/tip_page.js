// The report's map: its pin and the suggested duplicates nearby (cases and
// other reports). Leaflet is served from our own static files; without a base
// map URL only the points show.
(function () {
  "use strict";

  function init() {
    const el = document.getElementById("tip-map");
    if (!el || typeof L === "undefined") return;
    const lat = Number(el.dataset.lat);
    const lon = Number(el.dataset.lon);
    const map = L.map(el).setView([lat, lon], 18);
    if (el.dataset.basemapUrl) {
      L.tileLayer(el.dataset.basemapUrl, {
        maxZoom: 20, attribution: el.dataset.basemapAttribution || "",
      }).addTo(map);
    }
    L.circle([lat, lon], { radius: 50, color: "#12355b", weight: 1, fill: false }).addTo(map);
    const points = [[lat, lon]];
    const data = document.getElementById("tip-duplicates");
    if (data) {
      let near = { cases: [], tips: [] };
      try { near = JSON.parse(data.textContent); } catch (e) { /* no duplicates shown */ }
      (near.cases || []).forEach(function (c) {
        L.circleMarker([c.lat, c.lon], { radius: 6, color: "#12355b", weight: 2 })
          .bindTooltip(c.code).addTo(map);
        points.push([c.lat, c.lon]);
      });
      (near.tips || []).forEach(function (t) {
        L.circleMarker([t.lat, t.lon], { radius: 5, color: "#8a5a00", weight: 2 })
          .bindTooltip(t.code).addTo(map);
        points.push([t.lat, t.lon]);
      });
    }
    L.circleMarker([lat, lon], { radius: 9, color: "#b3261e", weight: 3 }).addTo(map);
    if (points.length > 1) map.fitBounds(L.latLngBounds(points).pad(0.3), { maxZoom: 19 });
    el.dataset.ready = "1";
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
