"""The product's URLconf plus GET /__floor__ -> "ok"; used only by bench/floor_wsgi.py."""

from django.http import HttpResponse
from django.urls import path

from pelayanan.urls import handler500
from pelayanan.urls import urlpatterns as product_urlpatterns


def floor(request):
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


urlpatterns = [path("__floor__", floor), *product_urlpatterns]
__all__ = ["handler500", "urlpatterns"]
