// Behaviour shared by every page. Pages carry no inline handlers (the
// Content-Security-Policy forbids them): elements opt in with data attributes.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    const target = event.target;
    if (target instanceof HTMLSelectElement && target.hasAttribute("data-submit-on-change") && target.form) {
      target.form.submit();
    }
  });

  // The header's menu on phones (base.html): a button that shows and hides the
  // element it controls; Escape or a click elsewhere closes it again.
  function menuOf(button) {
    return document.getElementById(button.getAttribute("aria-controls") || "");
  }
  function setOpen(button, open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
  }
  function openToggles() {
    return document.querySelectorAll('[data-menu-toggle][aria-expanded="true"]');
  }
  document.addEventListener("click", function (event) {
    const target = event.target instanceof Element ? event.target : null;
    const button = target && target.closest("[data-menu-toggle]");
    if (button) {
      setOpen(button, button.getAttribute("aria-expanded") !== "true");
      return;
    }
    for (const open of openToggles()) {
      const menu = menuOf(open);
      if (!menu || !target || !menu.contains(target)) setOpen(open, false);
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    for (const open of openToggles()) {
      const menu = menuOf(open);
      const inside = menu && document.activeElement && menu.contains(document.activeElement);
      setOpen(open, false);
      if (inside || document.activeElement === open) open.focus();
    }
  });
})();
