from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RequestsAppConfig(AppConfig):
    name = "requests_app"
    verbose_name = _("Permohonan Layanan")

    def ready(self):
        # calendar: importing it connects the signals that drop the cached working-day calendar when a
        # Holiday row changes. signals: drops the public pages' caches when the catalogue, hours, Maklumat
        # or holidays change.
        from . import calendar, signals  # noqa: F401

        signals.connect()
