from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PelayananConfig(AppConfig):
    name = "pelayanan"
    verbose_name = _("Akun dan Organisasi")

    def ready(self):
        # Login signal receivers: the session's login time and two-factor state (pelayanan/middleware.py, otp.py).
        from . import middleware, otp  # noqa: F401
