"""The portal as an app on a phone's home screen (the seed's "aplikasi mobile"): a web app manifest, a service
worker, and the page that worker shows when the phone has no connection.

The service worker keeps nothing personal. It stores only /luring/ (a standalone page, the same for every
visitor) and the three files that page uses; it answers page loads (GET) from the network, with navigation
preload so its start-up does not delay them, and shows /luring/ only when the network fails. Form posts and
everything else go to the network untouched: nothing is ever sent, or sent again, by the worker.
"""

import hashlib
import json

from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

THEME_COLOR = "#0b6b3a"  # --medan-green in static/css/site.css
OFFLINE_ASSETS = ("vendor/bootstrap/bootstrap.min.css", "css/site.css", "img/logo.svg")


@require_GET
@cache_control(public=True, max_age=24 * 3600)
def manifest(request):
    """The web app manifest (https://www.w3.org/TR/appmanifest/), in the visitor's language."""
    data = {
        "name": _("Layanan Kepegawaian Kota Medan"),
        "short_name": _("Kepegawaian"),
        "description": _("Ajukan surat keterangan kerja, izin cuti dan layanan kepegawaian lain secara daring, "
                         "pantau permohonan dan unduh suratnya."),
        "lang": get_language(),
        "dir": "ltr",
        "start_url": reverse("home"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": THEME_COLOR,
        "icons": [
            {"src": static("img/icons/icon-192.png"), "sizes": "192x192", "type": "image/png", "purpose": "any"},
            {"src": static("img/icons/icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "any"},
            {"src": static("img/icons/icon-maskable-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "maskable"},
        ],
        "shortcuts": [
            {"name": _("Ajukan permohonan"), "url": reverse("requests_app:apply_start")},
            {"name": _("Permohonan saya"), "url": reverse("requests_app:my_requests")},
            {"name": _("Lacak permohonan"), "url": reverse("requests_app:lookup")},
        ],
    }
    return HttpResponse(json.dumps(data, ensure_ascii=False, indent=1), content_type="application/manifest+json")


@require_GET
@cache_control(no_cache=True)  # browsers then look for a new worker on every visit
def service_worker(request):
    """templates/pwa/sw.js. Its version is a digest of what it stores, so a deployment that changes the offline
    page or its files changes the worker's bytes: the browser installs it and the old cache is dropped."""
    offline_url = reverse("offline")
    urls = [offline_url, *(static(asset) for asset in OFFLINE_ASSETS)]
    page = render_to_string("pwa/offline.html", request=request)
    version = hashlib.sha256("\n".join([page, *urls]).encode()).hexdigest()[:12]
    body = render_to_string("pwa/sw.js", {"version": version, "offline_url": json.dumps(offline_url),
                                          "precache": json.dumps(urls)})
    return HttpResponse(body, content_type="text/javascript; charset=utf-8")


@require_GET
def offline(request):
    """What the service worker shows without a connection: standalone, nothing of the visitor's in it."""
    return render(request, "pwa/offline.html")
