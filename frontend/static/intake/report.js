// The public report page (/phan-anh/): a pin, what is happening, photos and
// optional contact details, kept on the phone and sent when the network
// allows (queue.js). The server finds the ward from the pin and says so if
// the point lies outside the city.

import { REFUSED, SENDING, SENT, TipSender, WAITING, allReports, deleteReport, queueReport } from "./queue.js";

const config = JSON.parse(document.getElementById("tip-config").textContent);
const text = config.text;
const page = document.getElementById("tip-page");
const form = document.getElementById("tip-form");
const latInput = document.getElementById("tip-lat");
const lonInput = document.getElementById("tip-lon");
const pinStatus = document.getElementById("pin-status");
const photoInput = document.getElementById("tip-photos");
const photoList = document.getElementById("photo-list");
const queueSection = document.getElementById("queue");
const queueList = document.getElementById("queue-list");

let formStartedAt = Date.now();
let chosenPhotos = [];
let device = null;
let marker = null;

// --- The map ----------------------------------------------------------------
const map = L.map("tip-map", { zoomControl: true }).setView(config.mapCenter, 15);
if (config.basemap.url) {
  L.tileLayer(config.basemap.url, { maxZoom: 19, attribution: config.basemap.attribution }).addTo(map);
}

function setPin(lat, lon, { pan = false } = {}) {
  latInput.value = lat.toFixed(7);
  lonInput.value = lon.toFixed(7);
  if (!marker) {
    marker = L.marker([lat, lon], { draggable: true }).addTo(map);
    marker.on("dragend", () => {
      const where = marker.getLatLng();
      setPin(where.lat, where.lng);
    });
  } else {
    marker.setLatLng([lat, lon]);
  }
  if (pan) map.setView([lat, lon], Math.max(map.getZoom(), 17));
  pinStatus.textContent = text.pinSet;
  showError("location", "");
}

map.on("click", (event) => setPin(event.latlng.lat, event.latlng.lng));

document.getElementById("use-position").addEventListener("click", () => {
  if (!navigator.geolocation) {
    pinStatus.textContent = text.noPosition;
    return;
  }
  pinStatus.textContent = text.locating;
  navigator.geolocation.getCurrentPosition(
    (position) => {
      device = { lat: position.coords.latitude, lon: position.coords.longitude };
      setPin(device.lat, device.lon, { pan: true });
    },
    () => {
      pinStatus.textContent = text.noPosition;
    },
    { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 },
  );
});

// --- Photos -----------------------------------------------------------------
function renderPhotos() {
  photoList.replaceChildren(
    ...chosenPhotos.map((blob, index) => {
      const li = document.createElement("li");
      const img = document.createElement("img");
      img.alt = blob.name || "";
      img.src = URL.createObjectURL(blob);
      const remove = document.createElement("button");
      remove.type = "button";
      remove.textContent = "×";
      remove.setAttribute("aria-label", blob.name || "photo");
      remove.addEventListener("click", () => {
        chosenPhotos.splice(index, 1);
        renderPhotos();
      });
      li.append(img, remove);
      return li;
    }),
  );
}

photoInput.addEventListener("change", () => {
  showError("file", "");
  for (const file of photoInput.files) {
    if (chosenPhotos.length >= config.maxPhotos) {
      showError("file", text.tooManyPhotos);
      break;
    }
    if (file.size > config.maxBytes) {
      showError("file", text.tooLarge);
      continue;
    }
    chosenPhotos.push(file);
  }
  photoInput.value = "";
  renderPhotos();
});

// --- Errors -----------------------------------------------------------------
function showError(field, message) {
  const element = form.querySelector(`[data-error-for="${field}"]`) || form.querySelector('[data-error-for="detail"]');
  element.textContent = message;
  element.hidden = !message;
}

function clearErrors() {
  for (const element of form.querySelectorAll("[data-error-for]")) {
    element.textContent = "";
    element.hidden = true;
  }
}

// --- Sending ----------------------------------------------------------------
function payloadOf() {
  const data = new FormData(form);
  const now = Date.now();
  return {
    lat: Number(latInput.value),
    lon: Number(lonInput.value),
    category: data.get("category") || "",
    description: data.get("description") || "",
    address: data.get("address") || "",
    name: data.get("name") || "",
    phone: data.get("phone") || "",
    email: data.get("email") || "",
    notify_by_email: document.getElementById("tip-notify").checked,
    website: data.get("website") || "",
    form_started_at_ms: formStartedAt,
    elapsed_ms: now - formStartedAt,
  };
}

function refill(item) {
  const p = item.payload;
  form.reset();
  if (p.lat && p.lon) setPin(p.lat, p.lon, { pan: true });
  for (const radio of form.querySelectorAll('input[name="category"]')) radio.checked = radio.value === p.category;
  for (const name of ["description", "address", "name", "phone", "email"]) form.elements[name].value = p[name] || "";
  document.getElementById("tip-notify").checked = Boolean(p.notify_by_email);
  chosenPhotos = item.photos.filter((photo) => photo.blob).map((photo) => photo.blob);
  device = item.device;
  renderPhotos();
  clearErrors();
  // The server's messages, each by its field.
  for (const [field, value] of Object.entries(item.errors || {})) {
    if (field === "code") continue;
    showError(field, Array.isArray(value) ? String(value[0]) : String(value));
  }
  if (!item.errors) showError("detail", item.error);
  formStartedAt = Date.now() - (p.elapsed_ms || 0);
  form.scrollIntoView();
}

const sender = new TipSender({ tipsUrl: config.urls.tips, onChange: () => render() });

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearErrors();
  const payload = payloadOf();
  let ok = true;
  if (!latInput.value || !lonInput.value) {
    showError("location", text.noPin);
    ok = false;
  }
  if (!payload.category) {
    showError("category", text.noCategory);
    ok = false;
  }
  if (!ok) return;
  await queueReport(payload, chosenPhotos, device);
  form.reset();
  chosenPhotos = [];
  renderPhotos();
  if (marker) {
    marker.remove();
    marker = null;
  }
  latInput.value = "";
  lonInput.value = "";
  pinStatus.textContent = text.queued;
  formStartedAt = Date.now();
  await render();
  sender.kick();
  queueSection.scrollIntoView();
});

// --- The queue as the page shows it -----------------------------------------
const STATE_LABELS = { [WAITING]: text.waiting, [SENDING]: text.sending, [SENT]: text.sent, [REFUSED]: text.refused };
const categoryLabels = Object.fromEntries(
  [...form.querySelectorAll('input[name="category"]')].map((radio) => [radio.value, radio.parentElement.textContent.trim()]),
);

function itemElement(item) {
  const li = document.createElement("li");
  li.dataset.key = item.key;
  li.dataset.state = item.state;
  const head = document.createElement("div");
  const state = document.createElement("span");
  state.className = `state state-${item.state}`;
  state.textContent = STATE_LABELS[item.state] || item.state;
  head.append(state, ` · ${new Date(item.createdAt).toLocaleString("vi-VN")} · ${categoryLabels[item.payload.category] || ""}`);
  li.append(head);
  if (item.photos.length) {
    const sent = item.photos.filter((photo) => photo.state === SENT).length;
    const photos = document.createElement("div");
    photos.className = "muted";
    photos.textContent = `${text.photos}: ${sent}/${item.photos.length}`;
    li.append(photos);
    for (const photo of item.photos.filter((p) => p.state === REFUSED)) {
      const refused = document.createElement("div");
      refused.className = "error";
      refused.textContent = `${text.photoRefused}: ${photo.error}`;
      li.append(refused);
    }
  }
  if (item.result) {
    const code = document.createElement("div");
    code.append(`${text.code}: `);
    const strong = document.createElement("strong");
    strong.className = "tip-code";
    strong.textContent = item.result.code;
    code.append(strong);
    const link = document.createElement("a");
    link.className = "tip-status-link";
    link.href = item.result.status_url;
    link.textContent = text.follow;
    li.append(code, link);
  } else if (item.state === REFUSED) {
    const reason = document.createElement("div");
    reason.className = "error";
    reason.textContent = item.error;
    const edit = document.createElement("button");
    edit.type = "button";
    edit.className = "tip-edit";
    edit.textContent = text.edit;
    edit.addEventListener("click", async () => {
      refill(item);
      await deleteReport(item.key);
      render();
    });
    li.append(reason, edit);
  } else if (item.error) {
    const reason = document.createElement("div");
    reason.className = "muted";
    reason.textContent = item.error;
    li.append(reason);
  }
  return li;
}

async function render() {
  const items = await allReports();
  queueSection.hidden = items.length === 0;
  queueList.replaceChildren(...items.slice().reverse().map(itemElement));
}

// --- Start --------------------------------------------------------------------
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register(config.urls.serviceWorker, { scope: config.urls.page }).catch(() => {});
}
await render();
sender.start();
page.dataset.ready = "true";
