// The boundary import's preview: the new wards on a Leaflet map, labelled by code.
(function () {
  "use strict";
  function start() {
    const element = document.getElementById("ward-import-map");
    const data = document.getElementById("ward-import-data");
    if (!element || !data || !window.L) return;
    const map = L.map(element);
    const basemap = JSON.parse(document.getElementById("ward-import-basemap").textContent);
    if (basemap) L.tileLayer(basemap, { maxZoom: 19 }).addTo(map);
    const layer = L.geoJSON(JSON.parse(data.textContent), {
      style: { color: "#1d4ed8", weight: 2, fillOpacity: 0.15 },
      onEachFeature: function (feature, shape) {
        // The names come from the uploaded file: a text node, never markup.
        const label = document.createElement("span");
        label.textContent = feature.properties.code + " " + feature.properties.name;
        shape.bindTooltip(label);
      },
    }).addTo(map);
    map.fitBounds(layer.getBounds());
    element.dataset.ready = "1";
  }
  document.addEventListener("DOMContentLoaded", start);
})();
