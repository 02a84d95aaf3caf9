from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from . import health, pwa, views

# An outage raised outside a view still gets the 503 page (pelayanan/middleware.py).
handler500 = "pelayanan.middleware.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    # The installable app (pelayanan/pwa.py). The worker must sit at the root to serve every page's offline fallback.
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("sw.js", pwa.service_worker, name="service_worker"),
    path("luring/", pwa.offline, name="offline"),
    # The language switch in every page's header posts without a CSRF token, so that a signed-out visitor's page
    # holds nothing of theirs and can be cached whole (requests_app/public.py, deploy/nginx.conf). A forged post
    # can only change the display language; set_language redirects to same-site addresses only.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("akun/", include("pelayanan.accounts.urls")),
    path("", include("requests_app.urls")),
    path("", include("feedback.urls")),
    path(settings.ADMIN_URL, admin.site.urls),
]
