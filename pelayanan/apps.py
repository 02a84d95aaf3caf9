from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class PelayananConfig(AppConfig):
    name = "pelayanan"
    verbose_name = _("Akun dan Organisasi")

    def ready(self):
        # Login signal receivers: the session's login time and two-factor state (pelayanan/middleware.py, otp.py).
        from . import middleware, otp  # noqa: F401


class AdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the project's admin site, which guards every changelist (admin_guards.py).
    Named in INSTALLED_APPS instead of "django.contrib.admin"; PelayananConfig stays this module's default."""

    default = False
    default_site = "pelayanan.admin_guards.HardenedAdminSite"
