// The field page loads Leaflet as a classic script (window.L, used by app.js);
// modules that `import * as L from "leaflet"` (static/map/vector-layer.js) get
// that same Leaflet through the page's import map, not a second copy.
const L = window.L;
export const { GridLayer, DomUtil, point, setOptions, Util } = L;
export default L;
