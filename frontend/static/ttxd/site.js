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
})();
