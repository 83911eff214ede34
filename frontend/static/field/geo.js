// Positions on the phone: distances, formatting, and the latest fix.

const EARTH_RADIUS_M = 6371008.8;

/** Great-circle distance in metres between {lat, lon} points (ample for site scale). */
export function distanceM(a, b) {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h =
    Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

const lang = () => document.documentElement.lang || "vi";

export function formatDistance(metres) {
  if (metres == null || Number.isNaN(metres)) return "";
  if (metres < 1000) return `${Math.round(metres)} m`;
  const km = new Intl.NumberFormat(lang(), { maximumFractionDigits: 1 }).format(metres / 1000);
  return `${km} km`;
}

/** dd/mm/yyyy HH:MM in the phone's local time (Asia/Ho_Chi_Minh for our users). */
export function formatDateTime(value) {
  if (!value) return "";
  const date = new Date(value);
  const pad = (n) => String(n).padStart(2, "0");
  return `${pad(date.getDate())}/${pad(date.getMonth() + 1)}/${date.getFullYear()} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/**
 * Follows the phone's position. `latest` is the last fix ({lat, lon, accuracy, at})
 * or null; listeners hear of every new fix or error.
 */
export class PositionTracker {
  constructor() {
    this.latest = null;
    this.error = null;
    this.listeners = new Set();
    this.watchId = null;
  }

  start() {
    if (!("geolocation" in navigator) || this.watchId !== null) return;
    this.watchId = navigator.geolocation.watchPosition(
      (position) => this.#fix(position),
      (error) => {
        this.error = error;
        this.#emit();
      },
      { enableHighAccuracy: true, maximumAge: 10_000, timeout: 30_000 },
    );
  }

  onChange(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A fix no older than maxAgeMs: the latest, or a fresh one (null if none comes). */
  async fresh(maxAgeMs = 60_000, waitMs = 8_000) {
    if (this.latest && Date.now() - this.latest.at <= maxAgeMs) return this.latest;
    if (!("geolocation" in navigator)) return this.latest;
    return new Promise((resolve) => {
      navigator.geolocation.getCurrentPosition(
        (position) => resolve(this.#fix(position)),
        () => resolve(this.latest),
        { enableHighAccuracy: true, maximumAge: maxAgeMs, timeout: waitMs },
      );
    });
  }

  #fix(position) {
    this.latest = {
      lat: position.coords.latitude,
      lon: position.coords.longitude,
      accuracy: position.coords.accuracy,
      at: position.timestamp || Date.now(),
    };
    this.error = null;
    this.#emit();
    return this.latest;
  }

  #emit() {
    for (const listener of this.listeners) listener(this.latest, this.error);
  }
}
