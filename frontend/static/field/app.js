// The inspector's phone app: open cases nearby, open a case here, take photos.
// Works offline: photos and new cases wait in the queue (queue.js) until sent.

import { distanceM, formatDateTime, formatDistance, PositionTracker } from "./geo.js";
import {
  allItems,
  CASES,
  csrfToken,
  DONE,
  deleteItem,
  forgetToken,
  forgetUsers,
  getItem,
  keepToken,
  PHOTOS,
  photosOf,
  queueCase,
  queuePhoto,
  recall,
  REFUSED,
  remember,
  SENDING,
  storedToken,
  Uploader,
  VISIT_PHOTOS,
  VISITS,
  WAITING,
} from "./queue.js";
import { forgetOtherCopies, offlineCacheName } from "./offline.js";
import { TodayView } from "./today.js";
import { closeWardMap, renderWardMap, updateWardMap } from "./ward-map.js";
import { VisitSender, VisitView } from "./visit.js";

const config = JSON.parse(document.getElementById("field-config").textContent);
const _ = (text) => (window.gettext ? window.gettext(text) : text);
const fill = (text, values) => (window.interpolate ? window.interpolate(text, values, true) : text);

const root = document.getElementById("field");
const view = document.getElementById("view");
const connection = document.getElementById("connection");
const tracker = new PositionTracker();
// The view the app opens on (today.js); its h and authHeaders are defined below.
let today = null;
const state = {
  cases: [],
  casesAt: null,
  listPosition: null,
  search: "",
  serverPhotos: new Map(), // case id -> photos from the server
  note: "",
  objectUrls: [],
};

// --- small DOM helper: text is always set as text, never parsed as HTML ----
function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value == null || value === false) continue;
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else if (name === "class") element.className = value;
    else if (name === "dataset") Object.assign(element.dataset, value);
    else element.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child == null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

/** Replace the view, keeping focus and caret in a field being typed in. */
function render(...children) {
  const active = document.activeElement;
  const focusId = active && view.contains(active) && active.id ? active.id : null;
  const caret = focusId && "selectionStart" in active ? [active.selectionStart, active.selectionEnd] : null;
  view.replaceChildren(...children.flat().filter((child) => child != null));
  if (focusId) {
    const again = document.getElementById(focusId);
    if (again) {
      again.focus();
      if (caret && again.setSelectionRange) again.setSelectionRange(...caret);
    }
  }
}

function fold(text) {
  // Search without diacritics: "le loi" finds "Lê Lợi", "đ" finds "d".
  return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/gi, "d").toLowerCase();
}

// --- data ------------------------------------------------------------------
async function loadCases() {
  const fix = tracker.latest;
  if (navigator.onLine) {
    const params = new URLSearchParams();
    if (fix) {
      params.set("lat", fix.lat.toFixed(6));
      params.set("lon", fix.lon.toFixed(6));
    }
    try {
      const response = await fetch(`${config.urls.cases}?${params}`, {
        credentials: "same-origin",
        headers: { Accept: "application/json", ...authHeaders() },
      });
      if (response.ok) {
        const body = await response.json();
        state.cases = body.cases;
        state.casesAt = Date.now();
        state.listPosition = fix;
        await remember(`cases:${config.user}`, { cases: body.cases, at: state.casesAt });
        return;
      }
    } catch (error) {
      /* offline after all: use the copy below */
    }
  }
  const cached = await recall(`cases:${config.user}`);
  if (cached) {
    state.cases = cached.cases;
    state.casesAt = cached.at;
  }
}

function caseDistance(item) {
  const fix = tracker.latest;
  if (fix) return distanceM(fix, { lat: item.lat, lon: item.lon });
  return item.distance_m;
}

async function loadServerPhotos(caseId) {
  if (!navigator.onLine || caseId == null) return;
  try {
    const response = await fetch(config.urls.casePhotos.replace("{id}", caseId), {
      credentials: "same-origin",
      headers: { Accept: "application/json", ...authHeaders() },
    });
    if (response.ok) {
      const body = await response.json();
      state.serverPhotos.set(caseId, body.results);
      await remember(`photos:${config.user}:${caseId}`, body.results);
      return;
    }
  } catch (error) {
    /* keep what we had */
  }
  const cached = await recall(`photos:${config.user}:${caseId}`);
  if (cached) state.serverPhotos.set(caseId, cached);
}

// --- this phone's device token ------------------------------------------------
// The app's requests carry a device token of its own (listed on the user's
// devices page, revoked there or at sign-out). The first one is issued to
// this page's session; it is renewed while the app is used, and once it is
// refused (revoked, expired) the app asks for the password again.
const RENEW_EVERY_MS = 6 * 60 * 60 * 1000;
let device = null; // { token, expiry, device }

function authHeaders() {
  return device ? { Authorization: `Token ${device.token}` } : {};
}

function deviceLabel() {
  const agent = navigator.userAgent || "";
  const system = (agent.match(/Android [\d.]+|iPhone|iPad|Windows|Mac OS X|Linux/) || [""])[0];
  const browser = (agent.match(/(Edg|Firefox|SamsungBrowser|Chrome|Safari)\//) || ["", ""])[1];
  const name = [system, browser].filter(Boolean).join(" · ") || _("Phone");
  return fill(_("%(device)s, field app"), { device: name });
}

async function postJson(url, body, headers = {}) {
  return fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: { Accept: "application/json", "Content-Type": "application/json", ...headers },
    body: JSON.stringify(body || {}),
  });
}

async function keepDevice(answer) {
  device = { token: answer.token, expiry: answer.expiry, device: answer.device || "" };
  await keepToken(config.user, device);
}

async function dropDevice() {
  device = null;
  await forgetToken(config.user);
}

/** Load, issue or renew this phone's token; ask for the password if it was refused. */
async function ensureDeviceToken() {
  if (!device) device = (await storedToken(config.user)) || null;
  if (device && device.expiry && Date.parse(device.expiry) <= Date.now()) {
    await dropDevice();
    askPassword();
    return;
  }
  if (!navigator.onLine) return;
  try {
    if (!device) {
      const response = await postJson(config.urls.deviceToken, { device: deviceLabel() }, { "X-CSRFToken": csrfToken() });
      if (response.ok) await keepDevice(await response.json());
      return; // else: the page's session still answers, without a token
    }
    const response = await postJson(config.urls.renewToken, {}, authHeaders());
    if (response.ok) {
      const answer = await response.json();
      await keepDevice({ ...device, expiry: answer.expiry });
    } else if (response.status === 401) {
      await dropDevice();
      askPassword();
    }
  } catch (error) {
    /* offline after all: try again later */
  }
}

// --- asking for the password again ---------------------------------------------
let passwordDialog = null;

function askPassword() {
  if (passwordDialog && passwordDialog.open) return;
  const password = h("input", { type: "password", id: "sign-in-password", autocomplete: "current-password", required: true });
  const name = h("input", { id: "sign-in-device", maxlength: 100, value: deviceLabel() });
  const error = h("p", { class: "error", id: "sign-in-error", role: "alert" });
  const form = h("form", {
    method: "dialog",
    id: "sign-in-form",
    onsubmit: async (event) => {
      event.preventDefault();
      error.textContent = "";
      let response;
      try {
        response = await postJson(config.urls.token, { username: config.user, password: password.value, device: name.value });
      } catch (failure) {
        error.textContent = _("No network: try again when the phone is online.");
        return;
      }
      if (!response.ok) {
        error.textContent = await messageOf(response, _("Wrong password. Please try again."));
        return;
      }
      await keepDevice(await response.json());
      password.value = "";
      passwordDialog.close();
      uploader.drain(true);
      refresh();
    },
  },
    h("h2", {}, _("Sign in again")),
    h("p", {}, fill(_("This phone is no longer signed in as %(user)s (the sign-in expired or was revoked). Enter your password to keep sending; nothing waiting on the phone is lost."), { user: config.user })),
    h("label", { for: "sign-in-password" }, _("Password")), password,
    h("label", { for: "sign-in-device" }, _("Name of this device")), name,
    error,
    h("div", { class: "row" },
      h("button", { type: "submit", class: "primary" }, _("Sign in")),
      h("a", { class: "button", href: config.urls.login }, _("Use the login page")),
    ),
  );
  passwordDialog = h("dialog", { id: "sign-in-again", class: "sign-in-again" }, form);
  document.body.append(passwordDialog);
  passwordDialog.addEventListener("close", () => passwordDialog.remove());
  passwordDialog.showModal();
  password.focus();
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

// --- signing out: nothing of this user stays on a shared phone --------------------
async function forgetThisUser() {
  const tokens = await forgetUsers(config.user);
  if (device && !tokens.includes(device.token)) tokens.push(device.token);
  device = null;
  // Revoked on the server too, while there is a network to say so.
  await Promise.all(
    tokens.map((token) =>
      postJson(config.urls.logout, {}, { Authorization: `Token ${token}` }).catch(() => undefined),
    ),
  );
  if ("caches" in window) {
    const names = await caches.keys();
    await Promise.all(
      names.map((name) => {
        if (name === PHOTO_CACHE_PREFIX + encodeURIComponent(config.user)) return caches.delete(name);
        if (name === offlineCacheName(config.user)) return caches.delete(name);
        if (name.startsWith("ttxd-field-")) {
          return caches.open(name).then((cache) => cache.delete(config.urls.app, { ignoreVary: true }));
        }
        return null;
      }),
    );
  }
}

function watchSignOut() {
  for (const form of document.querySelectorAll(`form[action="${config.urls.signOut}"]`)) {
    form.addEventListener("submit", async (event) => {
      if (form.dataset.forgotten === "true") return;
      event.preventDefault();
      try {
        await forgetThisUser();
      } catch (error) {
        console.warn("field app data not cleared", error);
      }
      form.dataset.forgotten = "true";
      form.submit();
    });
  }
}

// --- connection and queue status -------------------------------------------
const uploader = new Uploader({
  urls: config.urls,
  user: config.user,
  maxBytes: config.maxBytes,
  onChange: () => refresh(),
  authHeaders,
  onNeedsLogin: async () => {
    // The token was refused: it is of no use any more.
    if (device) await dropDevice();
    askPassword();
  },
});

// Site visits (#/visit/<site id>, visit.js): their own queue, sent the same way.
const visitSender = new VisitSender({
  urls: config.urls,
  user: config.user,
  maxBytes: config.maxBytes,
  authHeaders,
  onChange: () => refresh(),
  onNeedsLogin: async () => {
    if (device) await dropDevice();
    askPassword();
  },
});
const visitView = new VisitView({ h, view, config, tracker, authHeaders, stateLabel, sender: visitSender });

async function renderConnection() {
  const photos = await allItems(PHOTOS);
  const cases = await allItems(CASES);
  const visits = [...(await allItems(VISITS)), ...(await allItems(VISIT_PHOTOS))];
  const pending = [...photos, ...cases, ...visits].filter(
    (item) => item.user === config.user && (item.state === WAITING || item.state === SENDING),
  ).length;
  connection.replaceChildren();
  connection.className = `connection ${navigator.onLine ? "online" : "offline"}`;
  connection.append(
    h("span", { class: "dot" }),
    h("span", {}, navigator.onLine ? _("Online") : _("Offline: photos are kept on this phone and sent later.")),
  );
  if (pending) {
    connection.append(h("span", { class: "pending" }, fill(_("%(count)s waiting to be sent"), { count: pending })));
  }
  if (uploader.needsLogin) {
    connection.append(
      h("button", { type: "button", class: "link", id: "sign-in-again-button", onclick: () => askPassword() },
        _("Log in again to send them")),
    );
  }
}

// --- views -----------------------------------------------------------------
function route() {
  const hash = location.hash.replace(/^#\/?/, "");
  const [name, id] = hash.split("/");
  if (name === "case" && id) return { name: "case", id };
  if (name === "new") return { name: "new" };
  if (name === "map") return { name: "map" };
  if (name === "visit" && id) return { name: "visit", id };
  if (name === "cases") return { name: "list" };
  return { name: "today" };
}

let currentRoute = null;
let newCaseMap = null;

async function refresh() {
  await renderConnection();
  const where = route();
  if (where.name === "today") today.show(view, render);
  else if (where.name === "list") await renderList();
  else if (where.name === "case") await renderCase(where.id, false);
  else if (where.name === "map") updateWardMap();
  else if (where.name === "visit") await visitView.show(where.id, false);
}

async function show() {
  const where = route();
  const changed = JSON.stringify(where) !== JSON.stringify(currentRoute);
  currentRoute = where;
  if (newCaseMap && where.name !== "new") {
    newCaseMap.remove();
    newCaseMap = null;
  }
  if (where.name !== "map") closeWardMap();
  await renderConnection();
  if (where.name === "new") {
    if (changed) renderNewCase();
  } else if (where.name === "map") {
    if (changed) await renderWardMap({ view, h, _, fill, config, authHeaders });
    else updateWardMap();
  } else if (where.name === "case") {
    await renderCase(where.id, changed);
  } else if (where.name === "visit") {
    await visitView.show(where.id, changed);
  } else if (where.name === "today") {
    today.show(view, render);
  } else {
    await renderList();
  }
  root.dataset.ready = "true";
  root.dataset.view = where.name;
}

function positionLine() {
  const fix = tracker.latest;
  if (fix) return fill(_("Your position: ±%(accuracy)s m"), { accuracy: Math.round(fix.accuracy) });
  if (tracker.error) return _("Position unavailable: allow location access to sort cases by distance.");
  return _("Finding your position…");
}

async function renderList() {
  const pendingCases = (await allItems(CASES)).filter(
    (item) => item.state !== DONE && item.user === config.user,
  );
  // Photos the server refused for a case that has left this list (closed,
  // transferred, taken out of the inspector's wards): the case page can no
  // longer be reached, so they and the server's reason are shown here.
  const listed = new Set(state.cases.map((item) => `case:${item.id}`));
  const strayRefusals = (await allItems(PHOTOS)).filter(
    (item) =>
      item.state === REFUSED &&
      item.user === config.user &&
      item.caseId != null &&
      !listed.has(item.caseRef),
  );
  const search = fold(state.search);
  const cases = state.cases
    .filter((item) => !search || fold(`${item.code} ${item.address}`).includes(search))
    .map((item) => ({ ...item, here: caseDistance(item) }))
    .sort((a, b) => (a.here ?? Infinity) - (b.here ?? Infinity));

  const searchBox = h("input", {
    type: "search",
    id: "case-search",
    placeholder: _("Search by case code or address"),
    value: state.search,
    "aria-label": _("Search by case code or address"),
    oninput: (event) => {
      state.search = event.target.value;
      renderList();
    },
  });

  render(
    h("div", { class: "toolbar" },
      h("h1", {}, _("My open cases")),
      h("a", { class: "button", href: "#/", id: "tab-today" }, _("Today")),
      h("a", { class: "button primary", href: "#/new", id: "open-case-here" }, _("Open a case here")),
      h("a", { class: "button", href: "#/map", id: "open-ward-map" }, _("Ward map")),
    ),
    h("p", { class: "muted position" }, positionLine()),
    searchBox,
    pendingCases.length
      ? h("ul", { class: "cards" }, pendingCases.map((item) => pendingCaseCard(item)))
      : null,
    strayRefusals.length
      ? h("section", { id: "refused-photos" },
          h("h2", {}, _("Photos not accepted")),
          h("p", { class: "muted small" },
            _("Their case is no longer in your list. They stay on this phone until you remove them.")),
          h("ul", { class: "photos" }, strayRefusals.map((item) => queuedPhotoCard(item, null))),
        )
      : null,
    cases.length
      ? h("ul", { class: "cards", id: "case-list" }, cases.map((item) => caseCard(item)))
      : h("p", { class: "muted" }, state.casesAt ? _("No open cases match.") : _("No cases loaded yet: connect once to load them.")),
    state.casesAt && !navigator.onLine
      ? h("p", { class: "muted small" }, fill(_("List as of %(time)s."), { time: formatDateTime(state.casesAt) }))
      : null,
  );
}

function caseCard(item) {
  return h("li", { class: "card case-card", dataset: { caseId: item.id } },
    h("a", { href: `#/case/${item.id}` },
      h("div", { class: "row" },
        h("strong", { class: "code" }, item.code),
        item.here != null ? h("span", { class: "distance" }, formatDistance(item.here)) : null,
      ),
      h("div", { class: "address" }, item.address || _("(no address)")),
      h("div", { class: "row small" },
        h("span", { class: "stage" }, item.stage_label),
        item.deadline_display
          ? h("span", { class: item.overdue ? "deadline overdue" : "deadline" },
              fill(_("Deadline %(date)s"), { date: item.deadline_display }),
              item.overdue ? ` · ${_("overdue")}` : "")
          : null,
      ),
    ),
  );
}

function pendingCaseCard(item) {
  const refused = item.state === REFUSED;
  return h("li", { class: `card case-card pending-case ${refused ? "refused" : ""}` },
    h("a", { href: `#/case/local:${item.key}` },
      h("div", { class: "row" },
        h("strong", {}, item.payload.address || _("New case")),
        h("span", { class: `badge ${item.state}` }, stateLabel(item.state)),
      ),
      h("div", { class: "small" }, refused ? item.lastError : _("Opened on this phone; it will be sent when online.")),
    ),
  );
}

function stateLabel(value) {
  return {
    [WAITING]: _("Waiting"),
    [SENDING]: _("Sending"),
    [DONE]: _("Sent"),
    [REFUSED]: _("Refused"),
  }[value] || value;
}

async function caseContext(id) {
  if (id.startsWith("local:")) {
    const local = await getItem(CASES, id.slice(6));
    // A shared phone: a case opened offline is its author's alone, even by URL.
    if (!local || local.user !== config.user) return null;
    if (local.state === DONE && local.result) {
      const known = state.cases.find((item) => item.id === local.result.id);
      return {
        id: local.result.id,
        localKey: local.key,
        code: local.result.code,
        address: local.payload.address,
        lat: local.payload.lat,
        lon: local.payload.lon,
        stage_label: known ? known.stage_label : "",
        deadline_display: known ? known.deadline_display : "",
        refs: [`local:${local.key}`, `case:${local.result.id}`],
      };
    }
    return {
      id: null,
      localKey: local.key,
      code: local.state === REFUSED ? _("Not opened") : _("Not yet sent"),
      address: local.payload.address,
      lat: local.payload.lat,
      lon: local.payload.lon,
      refused: local.state === REFUSED ? local.lastError : "",
      refs: [`local:${local.key}`],
    };
  }
  const caseId = Number(id);
  // A case of Today may lie beyond the nearest cases of the list: Today keeps its card.
  const item = state.cases.find((entry) => entry.id === caseId) || today.caseCard(caseId);
  if (!item) return null;
  return { ...item, refs: [`case:${caseId}`] };
}

async function renderCase(id, entering) {
  const context = await caseContext(id);
  if (!context) {
    view.replaceChildren(
      h("p", {}, h("a", { href: "#/cases" }, `← ${_("Cases")}`)),
      h("p", { class: "muted" }, _("This case is not on this phone. Connect to load your cases.")),
    );
    return;
  }
  if (entering && context.id != null) loadServerPhotos(context.id).then(() => refresh());
  for (const url of state.objectUrls) URL.revokeObjectURL(url);
  state.objectUrls = [];

  const queued = await photosOf(context.refs);
  const serverPhotos = context.id != null ? state.serverPhotos.get(context.id) || [] : [];
  const sentIds = new Set(queued.filter((item) => item.result).map((item) => item.result.id));
  const site = { lat: context.lat, lon: context.lon };

  const camera = h("input", {
    type: "file", accept: "image/*", capture: "environment", multiple: true, id: "capture-camera",
    class: "visually-hidden", onchange: (event) => capture(event.target, context),
  });
  const gallery = h("input", {
    type: "file", accept: "image/*", multiple: true, id: "capture-gallery",
    class: "visually-hidden", onchange: (event) => capture(event.target, context),
  });
  const note = h("textarea", {
    id: "photo-note", rows: 2, placeholder: _("Note for the next photos (optional)"),
    oninput: (event) => { state.note = event.target.value; },
  }, state.note);

  const here = tracker.latest ? distanceM(tracker.latest, site) : null;
  render(
    h("p", {}, h("a", { href: "#/cases" }, `← ${_("Cases")}`)),
    h("div", { class: "card case-head" },
      h("h1", {}, context.code),
      h("div", { class: "address" }, context.address || ""),
      context.stage_label ? h("div", { class: "small" }, context.stage_label,
        context.deadline_display ? ` · ${fill(_("Deadline %(date)s"), { date: context.deadline_display })}` : "") : null,
      here != null ? h("div", { class: "small muted" }, fill(_("You are %(distance)s from the site."), { distance: formatDistance(here) })) : null,
      context.refused ? h("p", { class: "error" }, context.refused) : null,
    ),
    h("div", { class: "capture" },
      h("label", { class: "button primary big", for: "capture-camera" }, _("Take photos")),
      h("label", { class: "button", for: "capture-gallery" }, _("Choose from gallery")),
      camera, gallery,
    ),
    note,
    h("h2", {}, _("Photos")),
    h("ul", { class: "photos", id: "photo-list" },
      queued.map((item) => queuedPhotoCard(item, site)),
      serverPhotos.filter((photo) => !sentIds.has(photo.id)).map((photo) => sentPhotoCard(photo, null)),
    ),
    !queued.length && !serverPhotos.length ? h("p", { class: "muted" }, _("No photos yet.")) : null,
  );
}

async function capture(input, context) {
  const files = [...input.files];
  input.value = "";
  if (!files.length) return;
  // The phone's position now: many phones strip GPS from photos, so this is
  // often the only record of where the photo was taken.
  const fix = await tracker.fresh();
  const device = fix ? { lat: fix.lat, lon: fix.lon, accuracy: fix.accuracy, at: fix.at } : null;
  for (const file of files) {
    await queuePhoto({
      user: config.user,
      caseId: context.id,
      caseLocalKey: context.id == null ? context.localKey : null,
      blob: file,
      name: file.name,
      note: state.note,
      device,
      capturedAt: new Date(file.lastModified || Date.now()).toISOString(),
    });
  }
  await refresh();
  uploader.drain(false);
}

function distanceText(metres, accuracy) {
  if (metres == null) return _("No position for this photo.");
  const text = fill(_("%(distance)s from the site"), { distance: formatDistance(metres) });
  return accuracy != null ? `${text} (±${Math.round(accuracy)} m)` : text;
}

function queuedPhotoCard(item, site) {
  if (item.state === DONE && item.result) return sentPhotoCard(item.result, item);
  let thumbnail = null;
  if (item.blob) {
    const url = URL.createObjectURL(item.blob);
    state.objectUrls.push(url);
    thumbnail = h("img", { src: url, alt: "", class: "thumb" });
  }
  // `site`: the case's position; none for a photo shown apart from its case.
  const distance = item.device && site ? distanceM(item.device, site) : null;
  let reason = "";
  if (item.user && item.user !== config.user) {
    reason = fill(_("Taken by %(user)s: it is sent when they log in on this phone."), { user: item.user });
  } else if (item.state === REFUSED) {
    reason = item.lastError;
  } else if (item.lastError === "login") {
    reason = _("Log in again to send.");
  }
  return h("li", { class: `photo ${item.state}`, dataset: { key: item.key, state: item.state } },
    thumbnail,
    h("div", { class: "photo-info" },
      h("span", { class: `badge ${item.state}` }, stateLabel(item.state)),
      site
        ? h("div", { class: "distance" }, `≈ ${distanceText(distance, item.device && item.device.accuracy)}`)
        : null,
      h("div", { class: "small muted" }, formatDateTime(item.capturedAt)),
      item.note ? h("div", { class: "small" }, item.note) : null,
      reason ? h("div", { class: "small error reason" }, reason) : null,
      item.state === REFUSED
        ? h("button", {
            type: "button",
            class: "link",
            onclick: async () => {
              await deleteItem(PHOTOS, item.key);
              refresh();
            },
          }, _("Remove from this phone"))
        : null,
      item.state === WAITING && item.attempts
        ? h("div", { class: "small muted" }, fill(_("Attempt %(count)s; will retry."), { count: item.attempts }))
        : null,
    ),
  );
}

function sentPhotoCard(photo, item) {
  const exif = photo.exif || {};
  const device = photo.device || {};
  const metres = exif.distance_m ?? device.distance_m;
  const accuracy = exif.distance_m != null ? exif.horizontal_error_m : device.position && device.position.accuracy_m;
  return h("li", { class: "photo done", dataset: { photoId: photo.id, state: DONE, key: item ? item.key : "" } },
    h("img", { src: photo.urls.thumbnail, alt: "", class: "thumb", loading: "lazy" }),
    h("div", { class: "photo-info" },
      h("span", { class: "badge done" }, stateLabel(DONE)),
      h("div", { class: "distance sent-distance" }, distanceText(metres, accuracy)),
      h("div", { class: "small muted" }, formatDateTime(exif.taken_at || photo.captured_at || photo.uploaded_at)),
      photo.note ? h("div", { class: "small" }, photo.note) : null,
      photo.warnings && photo.warnings.length
        ? h("ul", { class: "warnings" }, photo.warnings.map((w) => h("li", { dataset: { code: w.code } }, w.message)))
        : null,
      photo.duplicate ? h("div", { class: "small muted" }, _("This file was already on the case.")) : null,
    ),
  );
}

function renderNewCase() {
  const fix = tracker.latest;
  const start = fix ? [fix.lat, fix.lon] : config.mapCenter;
  const mapBox = h("div", { id: "new-case-map", class: "mini-map" });
  const type = h("select", { id: "new-case-type", required: true },
    h("option", { value: "" }, _("Choose the violation…")),
    config.violationTypes.map(([value, label]) => h("option", { value }, label)),
  );
  const address = h("input", { id: "new-case-address", maxlength: 300, placeholder: _("House number, street") });
  const description = h("textarea", { id: "new-case-description", rows: 3 });
  const error = h("p", { class: "error", id: "new-case-error" });
  const where = h("p", { class: "small muted", id: "new-case-where" });

  view.replaceChildren(
    h("p", {}, h("a", { href: "#/cases" }, `← ${_("Cases")}`)),
    h("h1", {}, _("Open a case here")),
    mapBox,
    where,
    h("form", {
      id: "new-case-form",
      onsubmit: async (event) => {
        event.preventDefault();
        if (!type.value) {
          error.textContent = _("Choose the violation type.");
          return;
        }
        const point = marker.getLatLng();
        const item = await queueCase(config.user, {
          lat: Number(point.lat.toFixed(7)),
          lon: Number(point.lng.toFixed(7)),
          violation_type: type.value,
          address: address.value.trim(),
          description: description.value.trim(),
          detected_at: new Date().toISOString(),
        });
        location.hash = `#/case/local:${item.key}`;
        uploader.drain(false);
      },
    },
      h("label", { for: "new-case-type" }, _("Violation")), type,
      h("label", { for: "new-case-address" }, _("Address")), address,
      h("label", { for: "new-case-description" }, _("Description")), description,
      error,
      h("button", { type: "submit", class: "primary" }, _("Open the case")),
    ),
  );

  newCaseMap = L.map(mapBox, { zoomControl: true, attributionControl: Boolean(config.basemap.url) }).setView(start, 18);
  if (config.basemap.url) {
    L.tileLayer(config.basemap.url, { maxZoom: 20, attribution: config.basemap.attribution }).addTo(newCaseMap);
  }
  const circle = L.circle(start, { radius: fix ? fix.accuracy : 0, weight: 1, fillOpacity: 0.15 }).addTo(newCaseMap);
  const marker = L.marker(start, { draggable: true, autoPan: true }).addTo(newCaseMap);
  let moved = false;
  const describe = () => {
    const point = marker.getLatLng();
    where.textContent = fill(_("Pin at %(lat)s, %(lon)s. Drag it onto the site if needed."), {
      lat: point.lat.toFixed(6),
      lon: point.lng.toFixed(6),
    });
  };
  marker.on("dragend", () => { moved = true; describe(); });
  describe();
  const follow = tracker.onChange((latest) => {
    if (!newCaseMap || !latest) return;
    circle.setLatLng([latest.lat, latest.lon]).setRadius(latest.accuracy);
    if (!moved) {
      marker.setLatLng([latest.lat, latest.lon]);
      newCaseMap.setView([latest.lat, latest.lon]);
      describe();
    }
  });
  newCaseMap.on("unload", follow);
}

// --- start -------------------------------------------------------------------
// Photo thumbnails kept for offline viewing live in one cache per user (see
// the service worker, templates/field/sw.js): this user's is the only one left.
const PHOTO_CACHE_PREFIX = "ttxd-photos-";

async function claimPhotoCache() {
  if (!("caches" in window)) return;
  const mine = PHOTO_CACHE_PREFIX + encodeURIComponent(config.user);
  try {
    const names = await caches.keys();
    await Promise.all(
      names.filter((name) => name.startsWith(PHOTO_CACHE_PREFIX) && name !== mine).map((name) => caches.delete(name)),
    );
    await caches.open(mine);
    await forgetOtherCopies(config.user);
  } catch (error) {
    console.warn("photo cache not available", error);
  }
}

async function registerServiceWorker() {
  if (!("serviceWorker" in navigator)) return;
  try {
    await navigator.serviceWorker.register(config.urls.serviceWorker, { scope: "/field/" });
  } catch (error) {
    console.warn("service worker not registered", error);
  }
}

/** Today is routed from the first fix; later ones move it only on request. */
function routeTodayFrom(fix) {
  if (!fix || !navigator.onLine || today.triedPosition) return;
  today.triedPosition = true;
  today.load(fix).then(show);
}

async function main() {
  today = new TodayView({ config, tracker, h, authHeaders });
  today.onChange = () => show();
  await claimPhotoCache();
  watchSignOut();
  await ensureDeviceToken();
  setInterval(ensureDeviceToken, RENEW_EVERY_MS);
  tracker.start();
  let lastListFix = null;
  tracker.onChange((fix) => {
    if (route().name === "new") return; // the map follows the fix itself
    routeTodayFrom(fix);
    // Reload the list when the position is first known or has moved 50 m.
    if (fix && navigator.onLine && (!lastListFix || distanceM(lastListFix, fix) > 50)) {
      lastListFix = fix;
      loadCases().then(show);
    } else {
      show();
    }
  });
  addEventListener("hashchange", show);
  addEventListener("online", () =>
    ensureDeviceToken()
      .then(() => Promise.all([loadCases(), today.load()]))
      .then(show),
  );
  addEventListener("offline", show);
  await Promise.all([loadCases(), today.load()]);
  await show();
  routeTodayFrom(tracker.latest);
  await uploader.start();
  await visitSender.start();
  // Both queues have made their first pass: what is put in them from now
  // on waits for its own turn (tests and the status line rely on this).
  root.dataset.sending = "true";
  registerServiceWorker();
}

main();
