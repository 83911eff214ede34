// A visit to a construction site (#/visit/<site id>): the checklist, the
// outcome and photos, queued on the phone and sent when the network allows.
//
// Like cases and photos (queue.js): the visit and each of its photos wait in
// IndexedDB with an idempotency key made here, so sending again after a lost
// answer never records a second visit or photo. The visit goes first (JSON);
// its photos follow one by one once the server has given the visit its id.
// The server compares the checklist with the permit, suggests the clause
// and, for "violation found", opens the case; the photos become its evidence.

import { distanceM, formatDateTime, formatDistance } from "./geo.js";
import {
  allItems,
  backoffMs,
  csrfToken,
  DONE,
  deleteItem,
  getItem,
  newKey,
  openDb,
  putItem,
  reasonOf,
  recall,
  REFUSED,
  remember,
  SENDING,
  VISIT_PHOTOS,
  VISITS,
  WAITING,
  worthRetrying,
} from "./queue.js";

const _ = (text) => (window.gettext ? window.gettext(text) : text);
const fill = (text, values) => (window.interpolate ? window.interpolate(text, values, true) : text);

const YES_NO_FIELDS = [
  ["permit_displayed", _("Permit displayed at the site")],
  ["site_screened", _("Site screened")],
  ["within_parcel", _("Built within the parcel")],
  ["setbacks_respected", _("Setbacks respected")],
];

/** Queue a visit and its photos in one IndexedDB transaction: all or nothing. */
async function queueVisit({ user, siteId, payload, photos }) {
  const visit = {
    key: newKey(),
    user,
    siteId,
    payload,
    createdAt: Date.now(),
    state: WAITING,
    attempts: 0,
    nextAttemptAt: 0,
    lastError: "",
    result: null,
  };
  const tx = (await openDb()).transaction([VISITS, VISIT_PHOTOS], "readwrite");
  tx.objectStore(VISITS).put(visit);
  photos.forEach((photo, index) => {
    tx.objectStore(VISIT_PHOTOS).put({
      key: newKey(),
      user,
      siteId,
      visitKey: visit.key,
      visitId: null,
      blob: photo.file,
      name: photo.file.name || "photo.jpg",
      type: photo.file.type || "",
      size: photo.file.size,
      note: "",
      device: photo.device,
      capturedAt: new Date(photo.file.lastModified || Date.now()).toISOString(),
      createdAt: Date.now() + index,
      state: WAITING,
      attempts: 0,
      nextAttemptAt: 0,
      lastError: "",
      result: null,
    });
  });
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve(visit);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

/** Sends queued visits, then their photos, oldest first, one at a time. */
export class VisitSender {
  constructor({ urls, user, maxBytes, authHeaders, onChange, onNeedsLogin }) {
    this.urls = urls;
    this.user = user;
    this.maxBytes = maxBytes;
    this.authHeaders = authHeaders;
    this.onChange = onChange || (() => {});
    this.onNeedsLogin = onNeedsLogin || (() => {});
    this.running = false;
    this.again = false;
    this.timer = null;
  }

  async start() {
    // Left "sending" by a closed tab: perhaps received; the key makes resending safe.
    for (const storeName of [VISITS, VISIT_PHOTOS]) {
      for (const item of await allItems(storeName)) {
        if (item.state === SENDING) await putItem(storeName, { ...item, state: WAITING });
      }
    }
    addEventListener("online", () => this.drain(true));
    addEventListener("focus", () => this.drain(false));
    return this.drain(true);
  }

  schedule(delayMs) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.drain(false), Math.max(500, delayMs));
  }

  async drain(force) {
    if (!navigator.onLine) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    try {
      const work = () => this.#drainAll(force);
      if (navigator.locks) {
        await navigator.locks.request("ttxd-field-visits", { ifAvailable: true }, async (lock) => {
          if (lock) await work();
          else this.schedule(3000); // another tab is sending
        });
      } else {
        await work();
      }
    } finally {
      this.running = false;
      if (this.again) {
        this.again = false;
        this.drain(false);
      }
    }
  }

  async #drainAll(force) {
    let nextDue = Infinity;
    for (const storeName of [VISITS, VISIT_PHOTOS]) {
      const items = (await allItems(storeName))
        .filter((item) => item.state === WAITING && item.user === this.user)
        .sort((a, b) => a.createdAt - b.createdAt);
      for (const item of items) {
        if (!navigator.onLine) return;
        if (!force && item.nextAttemptAt > Date.now()) {
          nextDue = Math.min(nextDue, item.nextAttemptAt);
          continue;
        }
        const retryAt = storeName === VISITS ? await this.#sendVisit(item) : await this.#sendPhoto(item);
        if (retryAt) nextDue = Math.min(nextDue, retryAt);
      }
    }
    if (nextDue !== Infinity) this.schedule(nextDue - Date.now());
  }

  async #transition(storeName, item, changes) {
    const updated = { ...((await getItem(storeName, item.key)) || item), ...changes };
    await putItem(storeName, updated);
    this.onChange();
    return updated;
  }

  async #later(storeName, item, reason) {
    const attempts = item.attempts + 1;
    const nextAttemptAt = Date.now() + backoffMs(attempts);
    await this.#transition(storeName, item, { state: WAITING, attempts, nextAttemptAt, lastError: reason });
    return nextAttemptAt;
  }

  async #post(url, item, init) {
    const headers = {
      Accept: "application/json",
      "Idempotency-Key": item.key,
      "X-CSRFToken": csrfToken(),
      ...this.authHeaders(),
      ...(init.headers || {}),
    };
    return fetch(url, { ...init, method: "POST", credentials: "same-origin", headers });
  }

  async #settle(storeName, item, response, onDone) {
    if (response.ok) {
      await onDone(await response.json());
      return null;
    }
    if (response.status === 401) {
      // Signed out: keep everything until the password is given again.
      await this.#transition(storeName, item, { state: WAITING, lastError: "login" });
      this.onNeedsLogin();
      return null;
    }
    if (await worthRetrying(response)) return this.#later(storeName, item, `HTTP ${response.status}`);
    await this.#transition(storeName, item, { state: REFUSED, lastError: await reasonOf(response) });
    return null;
  }

  async #sendVisit(item) {
    item = await this.#transition(VISITS, item, { state: SENDING });
    let response;
    try {
      response = await this.#post(this.urls.siteVisits.replace("{id}", item.siteId), item, {
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(item.payload),
      });
    } catch (error) {
      return this.#later(VISITS, item, String(error.message || error));
    }
    return this.#settle(VISITS, item, response, async (body) => {
      await this.#transition(VISITS, item, { state: DONE, result: body, lastError: "" });
      for (const photo of await allItems(VISIT_PHOTOS)) {
        if (photo.visitKey === item.key) await this.#transition(VISIT_PHOTOS, photo, { visitId: body.id });
      }
    });
  }

  async #sendPhoto(item) {
    if (item.visitId == null) {
      const parent = await getItem(VISITS, item.visitKey);
      if (!parent || parent.state === REFUSED) {
        const reason = parent ? parent.lastError : _("The visit is no longer on this phone.");
        await this.#transition(VISIT_PHOTOS, item, { state: REFUSED, lastError: reason });
        return null;
      }
      if (parent.state !== DONE) return null; // sent after its visit
      item = await this.#transition(VISIT_PHOTOS, item, { visitId: parent.result.id });
    }
    if (this.maxBytes && item.size > this.maxBytes) {
      const limit = Math.floor(this.maxBytes / (1024 * 1024));
      const reason = fill(_("The photo is larger than %(limit)s MB."), { limit });
      await this.#transition(VISIT_PHOTOS, item, { state: REFUSED, lastError: reason });
      return null;
    }
    item = await this.#transition(VISIT_PHOTOS, item, { state: SENDING });
    const form = new FormData();
    form.append("file", item.blob, item.name);
    if (item.device) {
      form.append("device_lat", String(item.device.lat));
      form.append("device_lon", String(item.device.lon));
      if (item.device.accuracy != null) form.append("device_accuracy_m", String(item.device.accuracy));
    }
    if (item.capturedAt) form.append("captured_at", item.capturedAt);
    const url = this.urls.visitPhotos.replace("{id}", item.siteId).replace("{visit}", item.visitId);
    let response;
    try {
      response = await this.#post(url, item, { body: form });
    } catch (error) {
      return this.#later(VISIT_PHOTOS, item, String(error.message || error));
    }
    return this.#settle(VISIT_PHOTOS, item, response, async (body) => {
      // The server holds the original now: the phone's copy is freed.
      await this.#transition(VISIT_PHOTOS, item, { state: DONE, result: body, lastError: "", blob: null });
    });
  }
}

/**
 * The visit page. `app` gives the shell's helpers: h, config, tracker,
 * authHeaders, stateLabel, and the sender to wake after queueing.
 */
export class VisitView {
  constructor(app) {
    this.app = app;
    this.siteId = null;
    this.site = null;
    this.draft = null;
    this.urls = [];
    this.sent = null; // visits of this site sent, as last shown
  }

  async #loadSite(siteId) {
    const { config, authHeaders } = this.app;
    const name = `site:${config.user}:${siteId}`;
    if (navigator.onLine) {
      try {
        const response = await fetch(config.urls.siteVisits.replace("{id}", siteId), {
          credentials: "same-origin",
          headers: { Accept: "application/json", ...authHeaders() },
        });
        if (response.ok) {
          const body = await response.json();
          await remember(name, body.site);
          return body.site;
        }
        if (response.status === 404) return null;
      } catch (error) {
        /* offline after all: the copy below */
      }
    }
    return (await recall(name)) || { id: Number(siteId), address: "", permit: null, unknown: true };
  }

  /** Show the page; the form is built on entering, the queue part on every change. */
  async show(siteId, entering) {
    const { h, view } = this.app;
    if (entering || this.siteId !== siteId) {
      this.siteId = siteId;
      this.draft = { photos: [] };
      this.site = undefined;
      view.replaceChildren(h("p", { class: "muted" }, _("Loading the site…")));
      const site = await this.#loadSite(siteId);
      if (this.siteId !== siteId) return;
      this.site = site;
      this.sent = null;
      this.#renderForm();
    } else if (this.site !== undefined && !document.getElementById("visit-form") && !document.getElementById("visit-missing")) {
      // Another view's late render replaced the page: build it again (the photos picked stay).
      this.#renderForm();
      this.#renderPicks();
    }
    await this.#renderQueue();
  }

  #renderForm() {
    const { h, view, config } = this.app;
    const site = this.site;
    const back = h("p", {}, h("a", { href: "#/" }, `← ${_("Back")}`));
    if (!site) {
      view.replaceChildren(back, h("p", { class: "error", id: "visit-missing" }, _("No such construction site among those you can see.")));
      return;
    }
    const select = (id, options, value) =>
      h("select", { id, name: id }, options.map(([v, label]) => h("option", { value: v, selected: v === value }, label)));
    const yesNo = (field) =>
      select(`visit-${field}`, [["", _("Not checked")], ["true", _("Yes")], ["false", _("No")]], "");
    const number = (id, step, max) => h("input", { id, type: "number", inputmode: "decimal", min: 0, max, step });

    const form = h("form", { id: "visit-form", onsubmit: (event) => this.#submit(event) },
      h("label", { for: "visit-status-seen" }, _("Stage of the works seen")),
      select("visit-status-seen", [["", _("Not checked")], ...config.siteStatuses], ""),
      YES_NO_FIELDS.flatMap(([field, label]) => [h("label", { for: `visit-${field}` }, label), yesNo(field)]),
      h("label", { for: "visit-storeys" }, _("Storeys built")), number("visit-storeys", 1, 200),
      h("label", { for: "visit-height" }, _("Height (m)")), number("visit-height", 0.01, 1000),
      h("label", { for: "visit-footprint" }, _("Building footprint (m²)")), number("visit-footprint", 0.01, 10000000),
      h("label", { for: "visit-works-class" }, _("Works class")),
      select("visit-works-class", config.worksClasses, site.works_class || ""),
      h("label", { for: "visit-notes" }, _("Notes")), h("textarea", { id: "visit-notes", rows: 3, maxlength: 4000 }),
      h("ul", { class: "warnings", id: "visit-findings" }),
      h("fieldset", { class: "outcome", id: "visit-outcome" },
        h("legend", {}, _("Outcome")),
        config.visitOutcomes.map(([value, label]) =>
          h("label", { class: "choice" },
            h("input", { type: "radio", name: "visit-outcome", value, id: `visit-outcome-${value}` }), ` ${label}`)),
      ),
      h("div", { class: "capture" },
        h("label", { class: "button", for: "visit-camera" }, _("Take photos")),
        h("label", { class: "button", for: "visit-gallery" }, _("Choose from gallery")),
        h("input", { type: "file", accept: "image/*", capture: "environment", multiple: true, id: "visit-camera",
          class: "visually-hidden", onchange: (event) => this.#addPhotos(event.target) }),
        h("input", { type: "file", accept: "image/*", multiple: true, id: "visit-gallery",
          class: "visually-hidden", onchange: (event) => this.#addPhotos(event.target) }),
      ),
      h("ul", { class: "photos", id: "visit-photo-picks" }),
      h("p", { class: "error", id: "visit-error", role: "alert" }),
      h("button", { type: "submit", class: "primary big", id: "visit-submit" }, _("Record the visit")),
    );
    form.addEventListener("input", () => this.#preview());
    form.addEventListener("change", () => this.#preview());
    view.replaceChildren(
      back,
      this.#header(),
      h("h2", {}, _("Checklist")),
      form,
      h("h2", {}, _("Visits recorded on this phone")),
      h("ul", { class: "cards", id: "visit-queue" }),
    );
  }

  /** The site, its stage and its permit's limits. */
  #header() {
    const { h } = this.app;
    const site = this.site;
    const permit = site.permit;
    const limits = permit
      ? [
          permit.permitted_storeys != null ? fill(_("%(count)s storeys"), { count: permit.permitted_storeys }) : null,
          permit.permitted_height_m != null ? fill(_("height %(value)s m"), { value: permit.permitted_height_m }) : null,
          permit.permitted_footprint_m2 != null ? fill(_("footprint %(value)s m²"), { value: permit.permitted_footprint_m2 }) : null,
          permit.permitted_floor_area_m2 != null ? fill(_("floor area %(value)s m²"), { value: permit.permitted_floor_area_m2 }) : null,
        ].filter(Boolean)
      : [];
    const here = this.app.tracker.latest && site.lat != null ? distanceM(this.app.tracker.latest, site) : null;
    return h("div", { class: "card case-head", id: "visit-site", dataset: { siteId: site.id } },
        h("h1", {}, site.address || fill(_("Site #%(id)s"), { id: site.id })),
        site.status_label ? h("div", { class: "small" }, site.status_label) : null,
        permit
          ? h("div", { class: "small", id: "visit-permit" },
              fill(_("Permit %(number)s of %(day)s"), { number: permit.number, day: permit.issued_on }),
              limits.length ? ` · ${_("allows")} ${limits.join(", ")}` : "")
          : h("div", { class: "small" }, site.unknown ? _("Site details are not on this phone: the server checks the visit when it is sent.") : _("No construction permit is known for this site.")),
        here != null ? h("div", { class: "small muted" }, fill(_("You are %(distance)s from the site."), { distance: formatDistance(here) })) : null,
        site.takes_visits === false ? h("p", { class: "error" }, _("The site is completed: reopen it before recording a visit.")) : null,
    );
  }

  #value(id) {
    const element = document.getElementById(id);
    return element ? element.value : "";
  }

  #payload() {
    const yesNo = (field) => {
      const value = this.#value(`visit-${field}`);
      return value === "" ? null : value === "true";
    };
    const numberOrNull = (id) => (this.#value(id) === "" ? null : this.#value(id));
    const chosen = document.querySelector("input[name=visit-outcome]:checked");
    const payload = {
      outcome: chosen ? chosen.value : "",
      status_seen: this.#value("visit-status-seen"),
      storeys_built: numberOrNull("visit-storeys"),
      height_m: numberOrNull("visit-height"),
      footprint_m2: numberOrNull("visit-footprint"),
      works_class: this.#value("visit-works-class"),
      notes: this.#value("visit-notes").trim(),
    };
    for (const [field] of YES_NO_FIELDS) payload[field] = yesNo(field);
    return payload;
  }

  /** What the server will find, shown while typing (the server's word is final). */
  #preview() {
    const { h } = this.app;
    const list = document.getElementById("visit-findings");
    if (!list || !this.site) return;
    const p = this.#payload();
    const permit = this.site.permit;
    const found = [];
    const over = (seen, limit, text) => {
      if (seen != null && limit != null && Number(seen) > Number(limit)) found.push(fill(text, { seen, limit }));
    };
    if (permit) {
      over(p.storeys_built, permit.permitted_storeys, _("%(seen)s storeys built; the permit allows %(limit)s."));
      over(p.height_m, permit.permitted_height_m, _("Height %(seen)s m; the permit allows %(limit)s m."));
      over(p.footprint_m2, permit.permitted_footprint_m2, _("Building footprint %(seen)s m²; the permit allows %(limit)s m²."));
      if (p.permit_displayed === false) found.push(_("The construction permit is not displayed at the site."));
    }
    if (p.site_screened === false) found.push(_("The site is not screened."));
    if (p.within_parcel === false) found.push(_("The building extends beyond its parcel."));
    if (p.setbacks_respected === false) found.push(_("The setbacks are not respected."));
    list.replaceChildren(...found.map((text) => h("li", {}, text)));
  }

  async #addPhotos(input) {
    const files = [...input.files];
    input.value = "";
    if (!files.length) return;
    // Where the phone is now: many phones strip GPS from photos.
    const fix = await this.app.tracker.fresh();
    const device = fix ? { lat: fix.lat, lon: fix.lon, accuracy: fix.accuracy, at: fix.at } : null;
    for (const file of files) this.draft.photos.push({ file, device });
    this.#renderPicks();
  }

  #renderPicks() {
    const { h } = this.app;
    const list = document.getElementById("visit-photo-picks");
    if (!list) return;
    for (const url of this.urls) URL.revokeObjectURL(url);
    this.urls = [];
    list.replaceChildren(
      ...this.draft.photos.map((photo, index) => {
        const url = URL.createObjectURL(photo.file);
        this.urls.push(url);
        return h("li", { class: "photo picked" },
          h("img", { src: url, alt: "", class: "thumb" }),
          h("div", { class: "photo-info" },
            h("div", { class: "small" }, photo.file.name || ""),
            h("button", { type: "button", class: "link", onclick: () => {
              this.draft.photos.splice(index, 1);
              this.#renderPicks();
            } }, _("Remove"))));
      }),
    );
  }

  async #submit(event) {
    event.preventDefault();
    const error = document.getElementById("visit-error");
    const payload = this.#payload();
    if (!payload.outcome) {
      error.textContent = _("Choose the outcome: conforming, reminder given or violation found.");
      return;
    }
    if (payload.outcome === "violation" && !payload.notes && !document.querySelector("#visit-findings li")) {
      error.textContent = _("Say what the violation is: tick what departs from the permit, or write a note.");
      return;
    }
    error.textContent = "";
    const fix = await this.app.tracker.fresh();
    if (fix) Object.assign(payload, { lat: fix.lat, lon: fix.lon, accuracy_m: fix.accuracy });
    payload.visited_at = new Date().toISOString();
    await queueVisit({ user: this.app.config.user, siteId: this.siteId, payload, photos: this.draft.photos });
    this.draft = { photos: [] };
    this.#renderForm();
    await this.#renderQueue();
    this.app.sender.drain(false);
  }

  async #renderQueue() {
    const { h, config, stateLabel } = this.app;
    const list = document.getElementById("visit-queue");
    if (!list) return;
    const mine = (item) => item.user === config.user && String(item.siteId) === String(this.siteId);
    const visits = (await allItems(VISITS)).filter(mine).sort((a, b) => b.createdAt - a.createdAt);
    const photos = (await allItems(VISIT_PHOTOS)).filter(mine);
    const sent = visits.filter((item) => item.state === DONE).length;
    if (this.sent != null && sent > this.sent && this.site) {
      // A visit was recorded: the site's stage and storeys may have moved on.
      const siteId = this.siteId;
      this.#loadSite(siteId).then((site) => {
        const header = document.getElementById("visit-site");
        if (site && this.siteId === siteId && header) {
          this.site = site;
          header.replaceWith(this.#header());
        }
      });
    }
    this.sent = sent;
    list.replaceChildren(
      ...visits.map((item) => {
        const result = item.result;
        const own = photos.filter((photo) => photo.visitKey === item.key).sort((a, b) => a.createdAt - b.createdAt);
        const outcome = config.visitOutcomes.find(([value]) => value === item.payload.outcome);
        return h("li", { class: `card visit ${item.state}`, dataset: { key: item.key, state: item.state } },
          h("div", { class: "row" },
            h("strong", {}, outcome ? outcome[1] : item.payload.outcome),
            h("span", { class: `badge ${item.state}` }, stateLabel(item.state))),
          h("div", { class: "small muted" }, formatDateTime(item.payload.visited_at)),
          item.state === REFUSED ? h("div", { class: "small error reason" }, item.lastError) : null,
          item.state === WAITING && item.attempts
            ? h("div", { class: "small muted" }, fill(_("Attempt %(count)s; will retry."), { count: item.attempts }))
            : null,
          result && result.findings.length
            ? h("ul", { class: "warnings" }, result.findings.map((f) => h("li", { dataset: { code: f.code } }, f.message)))
            : null,
          result && result.case
            ? h("div", { class: "small visit-case" },
                fill(_("Case %(code)s opened under %(clause)s."), { code: result.case.code, clause: result.suggested_clause && result.case.violation_type === result.suggested_clause.code ? result.suggested_clause.label : result.case.violation_type }),
                " ", h("a", { href: `#/case/${result.case.id}` }, _("Open the case")))
            : null,
          own.length
            ? h("ul", { class: "photos" }, own.map((photo) =>
                h("li", { class: `photo visit-photo ${photo.state}`, dataset: { key: photo.key, state: photo.state } },
                  h("div", { class: "photo-info" },
                    h("span", { class: `badge ${photo.state}` }, stateLabel(photo.state)),
                    h("span", { class: "small" }, ` ${photo.name}`),
                    photo.state === REFUSED ? h("div", { class: "small error reason" }, photo.lastError) : null,
                    photo.result && photo.result.warnings && photo.result.warnings.length
                      ? h("ul", { class: "warnings" }, photo.result.warnings.map((w) => h("li", { dataset: { code: w.code } }, w.message)))
                      : null,
                    photo.state === REFUSED
                      ? h("button", { type: "button", class: "link", onclick: async () => {
                          await deleteItem(VISIT_PHOTOS, photo.key);
                          this.#renderQueue();
                        } }, _("Remove from this phone"))
                      : null))))
            : null,
        );
      }),
    );
    if (!visits.length) list.replaceChildren(h("li", { class: "muted small" }, _("None yet.")));
  }
}
