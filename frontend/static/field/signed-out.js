// Loaded by the login page: nobody is logged in on this browser now, so the
// field app's copies of what the last user saw are dropped. On a shared phone
// the next user must not be shown them, not even offline: the photo caches,
// the kept app page, and in IndexedDB the case and photo lists, the server's
// answers and the device tokens (revoked on the server too, when online).
// The queue of photos and cases waiting to be sent is kept: it is sent when
// its author logs in again.
(function forgetLastUser() {
  const script = document.currentScript;
  const app = script && script.dataset.app;
  const logout = (script && script.dataset.logout) || "/api/auth/logout/";

  if ("caches" in window) {
    // Only in secure contexts (https, localhost).
    caches
      .keys()
      .then((names) =>
        Promise.all(
          names.map((name) => {
            // One photo cache per user (templates/field/sw.js): drop them all.
            if (name.startsWith("ttxd-photos-")) return caches.delete(name);
            // So is the ward map saved for offline use (field/offline.js).
            if (name.startsWith("ttxd-offline-")) return caches.delete(name);
            // The app's page, kept for offline use, carries its user's name and settings.
            if (app && name.startsWith("ttxd-field-")) return caches.open(name).then((cache) => cache.delete(app, { ignoreVary: true }));
            return null;
          }),
        ),
      )
      .catch((error) => console.warn("field app caches not cleared", error));
  }

  if (!("indexedDB" in window) || !script) return;
  // The app's own store code, so that its database is opened the same way.
  import(new URL("queue.js", script.src).href)
    .then((queue) => queue.forgetUsers(null))
    .then((tokens) =>
      Promise.all(
        tokens.map((token) =>
          fetch(logout, {
            method: "POST",
            credentials: "omit",
            headers: { Accept: "application/json", Authorization: `Token ${token}` },
          }).catch(() => undefined),
        ),
      ),
    )
    .then(() => document.documentElement.setAttribute("data-field-forgotten", "true"))
    .catch((error) => console.warn("field app data not cleared", error));
})();
