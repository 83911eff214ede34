// The case page's map: the site point and its footprint, with the permit's
// parcel and the ward's boundary nearby for context. Leaflet is served from
// our own static files; without a base map URL only the data layers show.
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
    let bounds = null;
    function draw(data, style) {
      if (!data) return;
      try {
        const layer = L.geoJSON(JSON.parse(data), { style, interactive: false }).addTo(map);
        return layer;
      } catch (e) {
        return null; // a shape that does not parse leaves the others on the map
      }
    }
    draw(el.dataset.wardOutline, { color: "#12355b", weight: 2, dashArray: "6 4", className: "ward-outline" });
    const parcel = draw(el.dataset.parcel, { color: "#1b7a3a", weight: 2, fill: false, className: "parcel-outline" });
    const footprint = draw(el.dataset.footprint, { color: "#b3261e", className: "footprint" });
    for (const layer of [parcel, footprint]) {
      if (layer && layer.getBounds().isValid()) {
        bounds = bounds ? bounds.extend(layer.getBounds()) : L.latLngBounds(layer.getBounds().getSouthWest(), layer.getBounds().getNorthEast());
      }
    }
    // Frame the site with its parcel and the nearest stretch of the ward's boundary.
    if (el.dataset.wardNearest) {
      try {
        const [nearLon, nearLat] = JSON.parse(el.dataset.wardNearest).coordinates;
        bounds = bounds ? bounds.extend([nearLat, nearLon]) : L.latLngBounds([[nearLat, nearLon], [lat, lon]]);
      } catch (e) {
        /* no nearest point: the parcel alone frames the map */
      }
    }
    if (bounds) map.fitBounds(bounds.extend([lat, lon]).pad(0.3), { maxZoom: 19 });
    L.circleMarker([lat, lon], { radius: 8, color: "#b3261e", weight: 3, className: "site-point" }).addTo(map);
    el.dataset.ready = "1";
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
