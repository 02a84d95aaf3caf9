// Leave step of the application form (templates/requests_app/apply_details.html):
// - shows the "haji pertama" box only when cuti besar is chosen;
// - previews the length of the leave (working days, holidays left out) as the dates are picked.
// Without JavaScript the box is always shown and the length appears on the check-answers page.
(function () {
  "use strict";
  var form = document.querySelector("form.details-form");
  var select = document.getElementById("id_leave_policy");
  if (!form || !select) {
    return;
  }

  var box = document.getElementById("id_hajj");
  if (box && select.dataset.hajjPolicy) {
    var wrapper = box.closest(".mb-3") || box.parentElement;
    var toggleHajj = function () {
      var show = select.value === select.dataset.hajjPolicy;
      wrapper.hidden = !show;
      if (!show) {
        box.checked = false;
      }
    };
    select.addEventListener("change", toggleHajj);
    toggleHajj();
  }

  var preview = document.getElementById("leave-length-preview");
  var start = document.getElementById("id_start_date");
  var end = document.getElementById("id_end_date");
  if (!preview || !start || !end || !form.dataset.lengthUrl) {
    return;
  }
  // The length belongs next to the dates it is computed from, not at the foot of a long form.
  var endField = end.closest(".mb-3");
  if (endField) {
    endField.after(preview);
  }
  var latest = 0;
  var updateLength = function () {
    if (!select.value || !start.value || !end.value) {
      preview.textContent = "";
      return;
    }
    var ticket = ++latest;
    var query = new URLSearchParams({leave_policy: select.value, start_date: start.value, end_date: end.value});
    fetch(form.dataset.lengthUrl + "?" + query.toString(), {credentials: "same-origin", headers: {Accept: "application/json"}})
      .then(function (response) { return response.ok ? response.json() : {text: ""}; })
      .then(function (data) {
        if (ticket === latest) {
          preview.textContent = data.text || "";
        }
      })
      .catch(function () { preview.textContent = ""; });
  };
  [select, start, end].forEach(function (el) { el.addEventListener("change", updateLength); });
  updateLength();
})();
