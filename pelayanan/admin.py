"""Accounts and organisation units in the admin.

Django's UserAdmin is built around a username; ours logs in with e-mail, so the forms and
fieldsets are adapted. NIK and NIP are masked in the list (UU 27/2022: show the least needed).
"""

from django.contrib import admin
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from . import identity
from .models import OrganisationUnit, User


def _clean_email(form):
    email = form.cleaned_data["email"].strip().lower()
    if User.objects.filter(email__iexact=email).exclude(pk=form.instance.pk).exists():
        raise ValidationError(_("Alamat e-mail ini sudah dipakai akun lain."))
    return email


class UserCreationForm(auth_forms.AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name")
        field_classes = {}

    clean_email = _clean_email


class UserChangeForm(auth_forms.UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"
        field_classes = {}

    clean_email = _clean_email


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Data pribadi"), {"fields": ("full_name", "phone", "nik", "asn_type", "nip", "rank", "position", "work_unit")}),
        (_("Petugas dan hak akses"), {"fields": ("unit", "is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Tanggal penting"), {"fields": ("email_verified", "last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "full_name", "usable_password", "password1", "password2")}),
    )
    list_display = ("email", "full_name", "nik_column", "nip_column", "asn_type", "unit", "is_staff", "is_active")
    list_filter = ("is_staff", "is_superuser", "is_active", "asn_type", "groups", "unit")
    list_select_related = ("unit",)
    search_fields = ("full_name", "email", "=nik", "=nip")
    search_help_text = _("Cari nama, e-mail, NIK atau NIP (lengkap).")
    ordering = ("email",)
    readonly_fields = ("last_login", "date_joined")
    autocomplete_fields = ("unit",)

    @admin.display(description=_("NIK"))
    def nik_column(self, obj):
        return identity.mask(obj.nik) or "\u2013"

    @admin.display(description=_("NIP / NI PPPK"))
    def nip_column(self, obj):
        return identity.mask(obj.nip) or "\u2013"

    def get_search_results(self, request, queryset, search_term):
        # NIK and NIP as printed, with spaces or dots between digit groups.
        digits = identity.digits_only(search_term)
        if digits.isdigit() and len(digits) in (16, 18):
            return queryset.filter(Q(nik=digits) | Q(nip=digits)), False
        return super().get_search_results(request, queryset, search_term)


@admin.register(OrganisationUnit)
class OrganisationUnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "parent", "head", "email", "phone")
    list_select_related = ("parent", "head")
    search_fields = ("code", "name")
    autocomplete_fields = ("parent", "head")
