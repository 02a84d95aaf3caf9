// The portal as an app on the home screen: register the service worker named by this script's data-sw
// attribute (pelayanan/pwa.py). It only adds an offline page; the site works the same without it.
(function () {
  var script = document.currentScript;
  if (!("serviceWorker" in navigator) || !script) return;
  var url = script.dataset.sw;
  window.addEventListener("load", function () {
    navigator.serviceWorker.register(url).catch(function () { /* no offline page, nothing else lost */ });
  });
})();
