// Service worker of the Layanan Kepegawaian portal (pelayanan/pwa.py), version {{ version }}.
// It stores only the offline page and the files it uses, never a personal page. Page loads go to the
// network; when the network fails the offline page is shown instead of the browser's error. Nothing is
// ever sent again on the person's behalf.
const CACHE = "luring-{{ version }}";
const OFFLINE_URL = {{ offline_url|safe }};
const PRECACHE = {{ precache|safe }};

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(PRECACHE)).then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((key) => key !== CACHE).map((key) => caches.delete(key))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(() => caches.match(OFFLINE_URL)));
    return;
  }
  const url = new URL(request.url);
  if (request.method === "GET" && url.origin === self.location.origin && PRECACHE.includes(url.pathname)) {
    // The offline page's own files: fresh from the network, the stored copy when offline.
    event.respondWith(fetch(request).catch(() => caches.match(request)));
  }
});
