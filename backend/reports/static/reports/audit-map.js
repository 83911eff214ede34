// The audit dashboard's choropleth: share of open cases overdue, by ward.
(function () {
  "use strict";
  const gettext = window.gettext || ((s) => s);

  function colour(share, open) {
    if (!open) return "#f3f4f6";
    if (share === 0) return "#e6f4ea";
    if (share < 0.10) return "#fde7b0";
    if (share < 0.25) return "#f9b266";
    if (share < 0.50) return "#ea6a47";
    return "#a50f15";
  }

  function escapeHtml(text) {
    const div = document.createElement("div");
    div.textContent = String(text);
    return div.innerHTML;
  }

  function casesUrl(config, code, extra) {
    const params = new URLSearchParams(config.query);
    params.set("ward", code);
    Object.entries(extra || {}).forEach(([k, v]) => params.set(k, v));
    return config.cases + "?" + params.toString();
  }

  function start() {
    const element = document.getElementById("audit-map");
    const configElement = document.getElementById("audit-map-config");
    if (!element || !configElement || !window.L) return;
    const config = JSON.parse(configElement.textContent);
    const map = L.map(element, { zoomControl: true }).setView(config.center, 11);
    if (config.basemap) {
      L.tileLayer(config.basemap, { attribution: config.attribution, maxZoom: 19 }).addTo(map);
    }
    fetch(config.geojson, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
      .then((response) => {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then((collection) => {
        const layer = L.geoJSON(collection, {
          style: (feature) => ({
            color: "#3b4658",
            weight: 1,
            fillOpacity: 0.75,
            fillColor: colour(feature.properties.overdue_share, feature.properties.open),
          }),
          onEachFeature: (feature, featureLayer) => {
            const p = feature.properties;
            const share = p.overdue_share === null ? "—" : Math.round(p.overdue_share * 100) + "%";
            featureLayer.bindPopup(
              "<strong>" + escapeHtml(p.name) + "</strong><br>" +
              escapeHtml(gettext("Open cases")) + ": <a class=\"ward-link\" href=\"" +
              escapeHtml(casesUrl(config, p.code, {})) + "\">" + p.open + "</a><br>" +
              escapeHtml(gettext("Overdue")) + ": <a class=\"ward-link\" href=\"" +
              escapeHtml(casesUrl(config, p.code, { overdue: "1" })) + "\">" + p.overdue +
              "</a> (" + share + ")"
            );
            featureLayer.bindTooltip(escapeHtml(p.name) + " · " + share);
          },
        }).addTo(map);
        if (collection.features.length) map.fitBounds(layer.getBounds(), { padding: [10, 10] });
        element.dataset.wards = String(collection.features.length);
        element.classList.add("loaded");
      })
      .catch(() => {
        element.dataset.error = "1";
      });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
