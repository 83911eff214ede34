// The permit import page: starts the check (or the import) and polls its
// progress, which the server keeps in the database (any process answers).
(function () {
  "use strict";
  const root = document.getElementById("permit-import");
  if (!root) return;
  const csrf = root.querySelector("input[name=csrfmiddlewaretoken]").value;
  const bar = document.getElementById("permit-import-progress");
  const count = document.getElementById("permit-import-count");
  const statusText = document.getElementById("permit-import-status");
  const message = document.getElementById("permit-import-message");
  let polling = null;

  function show(state) {
    statusText.textContent = state.status_label;
    bar.max = Math.max(state.rows_total, 1);
    bar.value = state.rows_done;
    count.textContent = state.rows_done + " / " + state.rows_total;
    if (state.status === "applying") bar.removeAttribute("value");
    if (state.message) message.textContent = state.message;
  }

  function poll() {
    fetch(root.dataset.statusUrl, { credentials: "same-origin" })
      .then((response) => response.json())
      .then(show)
      .catch(() => {});
  }

  function run(url) {
    polling = window.setInterval(poll, 500);
    fetch(url, { method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": csrf } })
      .then((response) => response.json())
      .then((state) => {
        window.clearInterval(polling);
        show(state);
        window.location.reload();
      })
      .catch(() => window.clearInterval(polling));
  }

  const status = root.dataset.status;
  if (status === "uploaded" || (status === "checking" && root.dataset.stale)) {
    run(root.dataset.processUrl);
  } else if (status === "checking" || status === "applying") {
    polling = window.setInterval(() => {
      fetch(root.dataset.statusUrl, { credentials: "same-origin" })
        .then((response) => response.json())
        .then((state) => {
          show(state);
          if (state.status !== status) window.location.reload();
        });
    }, 700);
  }
  const confirm = document.getElementById("permit-import-confirm");
  if (confirm) {
    confirm.addEventListener("click", () => {
      confirm.disabled = true;
      run(root.dataset.applyUrl);
    });
  }
})();
