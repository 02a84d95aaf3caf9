// Service worker of the Layanan Kepegawaian portal (pelayanan/pwa.py), version {{ version }}.
// It stores only the offline page and the files it uses, never a personal page. Page loads (GET) go to the
// network, started by the browser while this worker boots (navigation preload); when the network fails the
// offline page is shown instead of the browser's error. Form posts are left to the browser: nothing is ever
// sent, or sent again, by this worker.
const CACHE = "luring-{{ version }}";
const OFFLINE_URL = {{ offline_url|safe }};
const PRECACHE = {{ precache|safe }};

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(PRECACHE)).then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    if (self.registration.navigationPreload) {
      await self.registration.navigationPreload.enable();
    }
    const keys = await caches.keys();
    await Promise.all(keys.filter((key) => key !== CACHE).map((key) => caches.delete(key)));
    await self.clients.claim();
  })());
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") {
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith((async () => {
      try {
        return (await event.preloadResponse) || (await fetch(request));
      } catch (error) {
        return caches.match(OFFLINE_URL);
      }
    })());
    return;
  }
  const url = new URL(request.url);
  if (url.origin === self.location.origin && PRECACHE.includes(url.pathname)) {
    // The offline page's own files: fresh from the network, the stored copy when offline.
    event.respondWith(fetch(request).catch(() => caches.match(request)));
  }
});
