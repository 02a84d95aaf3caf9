"""Crafted changelist requests get an answer, not a server error (Django 5.2 raises on both of these).

- An action POST whose selected ids are not ids of the model ("abc", "%00"): Django filters with them and the
  ValueError escapes. Here the action is refused with a message, as when nothing is selected; so is one whose
  ids are all of rows the list does not show (which Django runs on an empty selection).
- A date-hierarchy link at the end of the calendar (?date__year=9999, or a year too large for a date):
  Django computes the day after and the OverflowError/ValueError escapes. Here it is an invalid lookup,
  which the admin answers with its usual "?e=1" page.

Every ModelAdmin gets these guards: the project's admin site (HardenedAdminSite, installed as the default
site by pelayanan.apps.AdminConfig) mixes HardenedAdminMixin into each class registered with it, ours and
those of Django's own and third-party apps (auth groups, two-factor devices, axes) alike.
"""

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class BoundedDatesChangeList(ChangeList):
    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except (ValueError, OverflowError) as exc:
            raise IncorrectLookupParameters(exc) from exc


class HardenedAdminMixin:
    def get_changelist(self, request, **kwargs):
        changelist = super().get_changelist(request, **kwargs)
        if self.date_hierarchy and changelist is ChangeList:
            return BoundedDatesChangeList
        return changelist

    def response_action(self, request, queryset):
        pk = self.model._meta.pk
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        try:
            for value in selected:
                pk.to_python(value)
        except ValidationError:
            self.message_user(request, _("Pilihan tidak dikenali. Muat ulang daftar, pilih baris lalu coba lagi."),
                              messages.WARNING)
            return None  # the changelist redirects back to itself
        if selected and not request.POST.get("select_across") == "1" and not queryset.filter(pk__in=selected).exists():
            # Ids of rows this list does not show (another unit's, finished meanwhile, deleted, made up): Django
            # would run the action on nothing, and an action with a confirmation page showed an empty one.
            self.message_user(request, _("Baris yang dipilih tidak ada dalam daftar ini (mungkin sudah berubah). "
                                         "Muat ulang daftar, pilih baris lalu coba lagi."), messages.WARNING)
            return None
        return super().response_action(request, queryset)


class HardenedAdminSite(admin.AdminSite):
    """The admin site: every registered ModelAdmin also gets HardenedAdminMixin (see the module docstring).
    It carries the portal's name, not Django's: for the staff it is the request queue of their agency."""

    site_header = format_lazy("{} · {}", gettext_lazy("Antrean Petugas"), settings.AGENCY_SHORT_NAME)
    # The queue needs the width for its nine columns beside the filters (at 1366 px the officer column was
    # cut off); the models are one click away on the admin home and in the breadcrumbs.
    enable_nav_sidebar = False
    site_title = gettext_lazy("Antrean Petugas")
    index_title = gettext_lazy("Beranda petugas")

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, HardenedAdminMixin):
            admin_class = type(admin_class.__name__, (HardenedAdminMixin, admin_class),
                               {"__module__": admin_class.__module__, "__qualname__": admin_class.__qualname__})
        super().register(model_or_iterable, admin_class, **options)
