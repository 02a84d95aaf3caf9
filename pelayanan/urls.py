from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from . import health, views

# An outage raised outside a view still gets the 503 page (pelayanan/middleware.py).
handler500 = "pelayanan.middleware.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("akun/", include("pelayanan.accounts.urls")),
    path("", include("requests_app.urls")),
    path("", include("feedback.urls")),
    path(settings.ADMIN_URL, admin.site.urls),
]
