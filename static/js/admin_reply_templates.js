// Fills a note field from the chosen reply template on the request page of the admin queue.
// Loaded as a static file (the Content-Security-Policy forbids inline scripts).
(function () {
  "use strict";
  function fill(event) {
    var picker = event.target;
    if (!picker.classList || !picker.classList.contains("reply-template-picker") || !picker.value) {
      return;
    }
    var target = document.getElementById(picker.dataset.target);
    if (!target) {
      return;
    }
    target.value = picker.value;
    target.dispatchEvent(new Event("input", { bubbles: true }));
    target.focus();
  }
  document.addEventListener("change", fill);
})();
