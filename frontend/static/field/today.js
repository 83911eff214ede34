// Today: the inspector's stops of the day (GET /api/field/today/), in route
// order, on a list and on a map with the route line. Sites link to their
// visit form (#/visit/<id>), cases to the case view (#/case/<id>).
// The last answer is kept on the phone (IndexedDB, per user) and shown with
// its time when there is no network.

import { formatDateTime, formatDistance } from "./geo.js";
import { recall, remember } from "./queue.js";

const _ = (text) => (window.gettext ? window.gettext(text) : text);
const fill = (text, values) => (window.interpolate ? window.interpolate(text, values, true) : text);

export class TodayView {
  /**
   * @param {object} options
   * @param {object} options.config   the field app's configuration (urls.today, user, basemap)
   * @param {object} options.tracker  the PositionTracker
   * @param {Function} options.h      app.js's element helper (text is never parsed as HTML)
   * @param {Function} options.authHeaders  the device token's header
   */
  constructor({ config, tracker, h, authHeaders }) {
    this.config = config;
    this.tracker = tracker;
    this.h = h;
    this.authHeaders = authHeaders;
    this.answer = null; // the server's answer
    this.at = null; // when it was fetched (ms)
    this.fromCache = false;
    this.error = "";
    this.loading = false;
    this.node = null; // the view's element, kept between renders
    this.map = null;
    this.route = null;
    this.fitted = false;
    this.builtFor = null;
    this.onChange = null; // app.js: show the view again
    this.triedPosition = false; // app.js routes the day once from the first fix
    this.requests = 0;
  }

  get storeKey() {
    return `today:${this.config.user}`;
  }

  /** Whether the answer was routed from a position (else: ask again once one is known). */
  get fromPosition() {
    return Boolean(this.answer && this.answer.origin && !this.fromCache);
  }

  /** The case card of a case stop, for the case view (which also works offline). */
  caseCard(caseId) {
    const stop = this.answer && this.answer.stops.find((item) => item.kind === "case" && item.id === caseId);
    return stop ? stop.case : null;
  }

  /** Ask the server for the day, from `fix` when given; keep the copy. Offline: the last copy. */
  async load(fix = this.tracker.latest) {
    // Only the latest request's answer is shown (an earlier one may come back later).
    const mine = ++this.requests;
    this.loading = true;
    this.error = "";
    try {
      if (navigator.onLine && (await this.#fetch(fix, mine))) return;
      if (navigator.onLine && fix && this.error) {
        // The position was refused (outside Vietnam, say): the day without it.
        const reason = this.error;
        if (await this.#fetch(null, mine)) {
          this.error = reason;
          return;
        }
      }
      const kept = await recall(this.storeKey);
      if (mine === this.requests && kept && (!this.answer || kept.at >= this.at)) {
        this.answer = kept.answer;
        this.at = kept.at;
        this.fromCache = true;
      }
    } finally {
      if (mine === this.requests) this.loading = false;
      this.builtFor = null;
    }
  }

  async #fetch(fix, mine) {
    const params = new URLSearchParams();
    if (fix) {
      params.set("lat", fix.lat.toFixed(6));
      params.set("lon", fix.lon.toFixed(6));
    }
    let response;
    try {
      response = await fetch(`${this.config.urls.today}?${params}`, {
        credentials: "same-origin",
        headers: { Accept: "application/json", ...this.authHeaders() },
      });
    } catch (error) {
      return false; // offline after all
    }
    if (mine !== this.requests) return true; // a later request answers instead
    if (!response.ok) {
      this.error = await messageOf(response, _("Today's list could not be loaded."));
      return false;
    }
    const answer = await response.json();
    if (mine !== this.requests) return true;
    this.answer = answer;
    this.at = Date.now();
    this.fromCache = false;
    await remember(this.storeKey, { answer: this.answer, at: this.at });
    return true;
  }

  /** Put the view into `view`; rebuilt only when the answer changed. */
  show(view, render) {
    const key = `${this.at}|${this.fromCache}|${navigator.onLine}|${this.error}|${this.loading}`;
    if (!this.node || this.builtFor !== key) {
      this.#build();
      this.builtFor = key;
    }
    this.#position();
    render(this.node);
    if (this.map) {
      // Back in the page (or just built): Leaflet measures its box again; the
      // route is framed once, then the map stays where the inspector moved it.
      this.map.invalidateSize();
      if (!this.fitted) this.#fit();
    }
  }

  #position() {
    const line = this.node && this.node.querySelector("#today-position");
    if (!line) return;
    const fix = this.tracker.latest;
    if (fix) line.textContent = fill(_("Your position: ±%(accuracy)s m"), { accuracy: Math.round(fix.accuracy) });
    else if (this.tracker.error) line.textContent = _("Position unavailable: the route starts at the most urgent stop.");
    else line.textContent = _("Finding your position…");
  }

  #build() {
    const h = this.h;
    if (this.map) {
      this.map.remove();
      this.map = null;
      this.route = null;
    }
    this.fitted = false;
    const answer = this.answer;
    const stops = answer ? answer.stops : [];
    const refresh = h("button", {
      type: "button",
      class: "primary",
      id: "today-refresh",
      disabled: this.loading || !navigator.onLine,
      onclick: () => this.refreshFromHere(),
    }, this.loading ? _("Loading…") : _("Refresh from my position"));

    const mapBox = h("div", { id: "today-map", class: "today-map", role: "region", "aria-label": _("Map of today's route") });
    this.node = h("section", { id: "today", class: "today", dataset: { stops: stops.length, orderedBy: answer ? answer.ordered_by : "" } },
      h("div", { class: "toolbar" },
        h("h1", {}, _("Today")),
        h("a", { class: "button", href: "#/cases", id: "tab-cases" }, _("My open cases")),
        h("a", { class: "button", href: "#/map", id: "open-ward-map" }, _("Ward map")),
      ),
      h("p", { class: "muted position", id: "today-position" }),
      h("div", { class: "row today-actions" },
        refresh,
        h("a", { class: "button", href: "#/new", id: "open-case-here" }, _("Open a case here")),
      ),
      this.error ? h("p", { class: "error", id: "today-error", role: "alert" }, this.error) : null,
      answer ? this.#summary(answer) : null,
      this.fromCache && this.at
        ? h("p", { class: "muted small", id: "today-as-of" },
            fill(_("Offline: the list as of %(time)s."), { time: formatDateTime(this.at) }))
        : null,
      stops.length ? mapBox : null,
      stops.length
        ? h("ol", { class: "cards stops", id: "today-list" }, stops.map((stop) => this.#card(stop)))
        : h("p", { class: "muted", id: "today-empty" },
            answer ? _("Nothing is due today: no site visit due and no case deadline this week.")
              : _("Today's list is not on this phone yet: connect once to load it.")),
    );
    if (stops.length) this.#drawMap(mapBox, answer);
  }

  #summary(answer) {
    const h = this.h;
    const parts = [
      fill(_("%(sites)s site visits, %(cases)s cases"), { sites: answer.counts.sites, cases: answer.counts.cases }),
    ];
    if (answer.route_m) parts.push(fill(_("route %(distance)s"), { distance: formatDistance(answer.route_m) }));
    const how = answer.ordered_by === "route_from_position"
      ? _("In route order from your position.")
      : _("In route order from the most urgent stop (your position is not known).");
    return h("div", { class: "small today-summary", id: "today-summary" },
      h("div", {}, parts.join(" · ")),
      h("div", { class: "muted" }, how),
      answer.truncated
        ? h("div", { class: "muted" }, fill(_("Only the %(count)s most urgent stops are shown."), { count: answer.limit }))
        : null,
    );
  }

  #card(stop) {
    const h = this.h;
    const due = stop.kind === "site"
      ? fill(_("Visit due %(date)s"), { date: stop.due_display })
      : fill(_("Deadline %(date)s"), { date: stop.due_display });
    return h("li", {
      class: `card stop-card ${stop.kind}-stop ${stop.overdue ? "overdue" : ""}`,
      dataset: { kind: stop.kind, id: stop.id, order: stop.order },
    },
      h("a", { href: stop.link },
        h("div", { class: "row" },
          h("span", { class: "stop-number", "aria-label": fill(_("Stop %(number)s"), { number: stop.order }) }, String(stop.order)),
          h("strong", { class: "stop-label" }, stop.label),
          stop.leg_m != null ? h("span", { class: "distance", title: _("From the previous stop") }, formatDistance(stop.leg_m)) : null,
        ),
        stop.kind === "case" && stop.address ? h("div", { class: "address" }, stop.address) : null,
        h("div", { class: "row small" },
          h("span", { class: "stop-kind" }, stop.kind === "site" ? _("Site visit") : _("Case")),
          h("span", { class: "detail" }, stop.detail),
        ),
        h("div", { class: "row small" },
          h("span", { class: stop.overdue ? "deadline overdue" : "deadline" }, due, stop.overdue ? ` · ${_("overdue")}` : ""),
          stop.distance_m != null
            ? h("span", { class: "muted" }, fill(_("%(distance)s from you"), { distance: formatDistance(stop.distance_m) }))
            : null,
        ),
      ),
    );
  }

  #drawMap(box, answer) {
    const h = this.h;
    const map = L.map(box, { zoomControl: true, attributionControl: Boolean(this.config.basemap.url) });
    this.map = map;
    if (this.config.basemap.url) {
      L.tileLayer(this.config.basemap.url, { maxZoom: 20, attribution: this.config.basemap.attribution }).addTo(map);
    }
    const line = [];
    if (answer.origin) {
      const start = [answer.origin.lat, answer.origin.lon];
      line.push(start);
      L.circleMarker(start, { radius: 7, weight: 2, color: "#12355b", fillColor: "#4a90d9", fillOpacity: 0.9, className: "today-origin" })
        .bindTooltip(_("You are here"))
        .addTo(map);
    }
    for (const stop of answer.stops) {
      const at = [stop.lat, stop.lon];
      line.push(at);
      const icon = L.divIcon({
        className: `stop-marker ${stop.kind}-marker ${stop.overdue ? "overdue" : ""}`,
        html: h("span", { dataset: { order: stop.order, kind: stop.kind, id: stop.id } }, String(stop.order)),
        iconSize: [28, 28],
        iconAnchor: [14, 14],
      });
      const popup = h("div", { class: "stop-popup" },
        h("strong", {}, `${stop.order}. ${stop.label}`),
        h("div", { class: "small" }, stop.detail),
        h("a", { href: stop.link }, stop.kind === "site" ? _("Record the visit") : _("View the case")),
      );
      L.marker(at, { icon, title: `${stop.order}. ${stop.label}`, keyboard: true }).bindPopup(popup).addTo(map);
    }
    this.route = L.polyline(line, { color: "#12355b", weight: 3, opacity: 0.7, dashArray: "6 6", className: "today-route" }).addTo(map);
  }

  #fit() {
    if (!this.map || !this.route) return;
    const bounds = this.route.getBounds();
    if (bounds.isValid()) {
      this.map.fitBounds(bounds, { padding: [24, 24], maxZoom: 18 });
      this.fitted = true;
    }
  }

  /** "Refresh from my position": a fresh fix, then the day routed from it. */
  async refreshFromHere() {
    this.loading = true;
    this.builtFor = null;
    if (this.onChange) this.onChange();
    const fix = await this.tracker.fresh(10_000);
    await this.load(fix);
    if (this.onChange) this.onChange();
  }
}

async function messageOf(response, fallback) {
  try {
    const body = await response.json();
    if (typeof body.detail === "string") return body.detail;
    for (const value of Object.values(body)) {
      if (Array.isArray(value) && value.length) return String(value[0]);
    }
  } catch (error) {
    /* not JSON */
  }
  return fallback;
}
