// Loaded by the login page: nobody is logged in on this browser now, so the
// field app's copies of what the last user saw are dropped. On a shared phone
// the next user must not be shown them, not even offline. The queue of photos
// and cases waiting to be sent (IndexedDB) is kept: it is sent when its
// author logs in again.
(function forgetLastUser() {
  if (!("caches" in window)) return; // only in secure contexts (https, localhost)
  const script = document.currentScript;
  const app = script && script.dataset.app;
  caches
    .keys()
    .then((names) =>
      Promise.all(
        names.map((name) => {
          // One photo cache per user (templates/field/sw.js): drop them all.
          if (name.startsWith("ttxd-photos-")) return caches.delete(name);
          // The app's page, kept for offline use, carries its user's name and settings.
          if (app && name.startsWith("ttxd-field-")) return caches.open(name).then((cache) => cache.delete(app, { ignoreVary: true }));
          return null;
        }),
      ),
    )
    .catch((error) => console.warn("field app caches not cleared", error));
})();
