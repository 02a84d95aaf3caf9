// Progressive enhancement for the public pages: a print button that only appears when JS can print.
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
});
