"""Admin for letters: the letter register (read-only, with revoke and "buat ulang surat"), the wording
staff edit per letter kind with a PDF preview, and the letter actions for the ServiceRequest queue.

admin.py imports this module. The actions call workflow.regenerate_letter / workflow.revoke_letter,
which check permission, scope and state again (STYLE.md rules 3 and 10).
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseNotAllowed
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import letters, workflow
from .models import Letter, LetterTemplate, Service, ServiceRequest

APPROVE = "requests_app.approve_servicerequest"
WORDING_FIELDS = ("body", "closing", "copies_to")


# --- actions shared with the ServiceRequest admin ----------------------------------------------------


def _report(modeladmin, request, done, failed, done_message):
    if done:
        modeladmin.message_user(request, done_message % {"count": done}, messages.SUCCESS)
    if failed:
        modeladmin.message_user(request, " ".join(failed), messages.ERROR)
    if not done and not failed:
        modeladmin.message_user(request, _("Tidak ada surat yang dapat diproses."), messages.WARNING)


def regenerate_letters(modeladmin, request, requests):
    """Queue failed letters again (workflow.regenerate_letter); the letter number stays the same."""
    done, failed = 0, []
    for req in requests:
        try:
            workflow.regenerate_letter(req, by=request.user)
            done += 1
        except workflow.WorkflowError as exc:
            failed.append(f"{req.code}: {exc}")
    _report(modeladmin, request, done, failed, _("Pembuatan %(count)d surat diulang."))


@admin.action(description=gettext_lazy("Buat ulang surat"), permissions=["approve"])
def regenerate_letter_action(modeladmin, request, queryset):
    """For the ServiceRequest changelist: actions = [..., regenerate_letter_action]; needs has_approve_permission."""
    regenerate_letters(modeladmin, request, queryset.select_related("service").order_by("pk"))


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Alasan pencabutan"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Tampil di halaman verifikasi surat dan dikirim ke pemohon."),
        error_messages={"required": gettext_lazy("Alasan pencabutan wajib diisi.")},
    )


def revoke_letters(modeladmin, request, requests, *, back_queryset):
    """Intermediate page asking for the reason, then workflow.revoke_letter for each request."""
    form = RevokeForm(request.POST if "apply" in request.POST else None)
    if form.is_bound and form.is_valid():
        done, failed = 0, []
        for req in requests:
            try:
                workflow.revoke_letter(req, by=request.user, reason=form.cleaned_data["reason"])
                done += 1
            except workflow.WorkflowError as exc:
                failed.append(f"{req.code}: {exc}")
        _report(modeladmin, request, done, failed, _("%(count)d surat dicabut."))
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": _("Cabut surat"),
        "opts": modeladmin.opts,
        "form": form,
        "objects": back_queryset,
        "action": request.POST.get("action", ""),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/requests_app/letter/revoke.html", context)


@admin.action(description=gettext_lazy("Cabut surat…"), permissions=["approve"])
def revoke_letter_action(modeladmin, request, queryset):
    """For the ServiceRequest changelist: revoke the issued letters of the selected requests."""
    queryset = queryset.select_related("service").order_by("pk")
    return revoke_letters(modeladmin, request, queryset, back_queryset=queryset)


# --- the letter register -------------------------------------------------------------------------------


class RevokedFilter(admin.SimpleListFilter):
    """Django's empty-field filter read "dicabut: Kosong / Tidak kosong"."""

    title = gettext_lazy("pencabutan")
    parameter_name = "dicabut"

    def lookups(self, request, model_admin):
        return [("belum", _("Belum dicabut")), ("ya", _("Dicabut"))]

    def queryset(self, request, queryset):
        if self.value() == "belum":
            return queryset.filter(revoked_at__isnull=True)
        if self.value() == "ya":
            return queryset.filter(revoked_at__isnull=False)
        return queryset


@admin.register(Letter)
class LetterAdmin(admin.ModelAdmin):
    list_display = ["number", "request_code", "service_name", "holder", "status", "issued_on", "revoked", "pdf"]
    list_filter = ["status", "year", RevokedFilter]
    list_select_related = ["request__service", "request__applicant"]
    search_fields = ["number", "=verification_code", "request__code", "request__applicant__full_name"]
    search_help_text = gettext_lazy("Cari nomor surat, kode verifikasi, kode lacak atau nama pemohon.")
    ordering = ["-issued_at", "-pk"]
    date_hierarchy = "issued_at"
    actions = ["regenerate_selected", "revoke_selected"]
    fields = readonly_fields = [
        "number", "request", "status", "classification_code", "sequence", "year", "issued_at", "signer", "on_behalf_of",
        "verification_code", "verify_link", "pdf", "sha256", "attempts", "claimed_at", "last_error",
        "revoked_at", "revoked_reason",
    ]

    # The register is written by the workflow and the task only; letters are revoked, never deleted.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_approve_permission(self, request):
        return request.user.has_perm(APPROVE)

    def get_queryset(self, request):
        visible = ServiceRequest.objects.for_officer(request.user).values("pk")
        return super().get_queryset(request).filter(request__in=visible).select_related("signer")

    @admin.display(description=gettext_lazy("kode lacak"), ordering="request__code")
    def request_code(self, obj):
        url = reverse("admin:requests_app_servicerequest_change", args=[obj.request_id])
        return format_html('<a href="{}">{}</a>', url, obj.request.code)

    @admin.display(description=gettext_lazy("layanan"))
    def service_name(self, obj):
        return obj.request.service.name

    @admin.display(description=gettext_lazy("pemohon"), ordering="request__applicant__full_name")
    def holder(self, obj):
        return obj.request.applicant.full_name

    @admin.display(description=gettext_lazy("tanggal surat"), ordering="issued_at")
    def issued_on(self, obj):
        return letters.long_date(obj.issued_at)

    @admin.display(description=gettext_lazy("dicabut"), boolean=True)
    def revoked(self, obj):
        return obj.revoked_at is not None

    @admin.display(description=gettext_lazy("PDF"))
    def pdf(self, obj):
        if obj.status != Letter.Status.ISSUED:
            return "\u2013"
        return format_html('<a href="{}">{}</a>', reverse("requests_app:letter_pdf", args=[obj.request.code]), _("Unduh"))

    @admin.display(description=gettext_lazy("halaman verifikasi"))
    def verify_link(self, obj):
        url = reverse("requests_app:verify", args=[obj.verification_code])
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, letters.verification_url(obj.verification_code))

    def _requests_of(self, queryset):
        return ServiceRequest.objects.filter(pk__in=queryset.values("request_id")).select_related("service").order_by("pk")

    @admin.action(description=gettext_lazy("Buat ulang surat yang gagal"), permissions=["approve"])
    def regenerate_selected(self, request, queryset):
        regenerate_letters(self, request, self._requests_of(queryset))

    @admin.action(description=gettext_lazy("Cabut surat…"), permissions=["approve"])
    def revoke_selected(self, request, queryset):
        return revoke_letters(self, request, self._requests_of(queryset), back_queryset=queryset)


# --- the wording, with a PDF preview -------------------------------------------------------------------


def placeholder_help():
    rows = format_html_join("", "<li><code>{{{{ {} }}}}</code> \u2013 {}</li>", letters.PLACEHOLDERS)
    return format_html(
        "{}<ul>{}</ul>{} <code>{}</code>",
        _("Tulis dengan sintaks templat Django. Placeholder yang tersedia:"), rows,
        _("Pisahkan paragraf dengan satu baris kosong. Contoh kalimat bersyarat:"),
        '{% if kode_cuti == "melahirkan" %}…{% endif %}',
    )


def wording_errors(form, cleaned):
    """Check each wording field against sample data of its kind: syntax errors and unknown placeholders."""
    kind = cleaned.get("kind") or Service.Kind.GENERAL
    values = letters.placeholders(letters.sample_letter(kind))
    for name in WORDING_FIELDS:
        text = cleaned.get(name)
        if text:
            for problem in letters.check_wording(text, values):
                form.add_error(name, problem)


class LetterTemplateForm(forms.ModelForm):
    class Meta:
        model = LetterTemplate
        fields = ["kind", "body", "closing", "copies_to"]
        widgets = {"body": forms.Textarea(attrs={"rows": 12}), "closing": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].help_text = placeholder_help()

    def clean(self):
        cleaned = super().clean()
        wording_errors(self, cleaned)
        return cleaned


class PreviewForm(forms.Form):
    """The change form's fields, posted to the preview; the kind is not unique here (it is not saved)."""

    kind = forms.ChoiceField(label=LetterTemplate._meta.get_field("kind").verbose_name, choices=Service.Kind.choices)
    body = forms.CharField(label=LetterTemplate._meta.get_field("body").verbose_name)
    closing = forms.CharField(label=LetterTemplate._meta.get_field("closing").verbose_name)
    copies_to = forms.CharField(label=LetterTemplate._meta.get_field("copies_to").verbose_name, required=False)

    def clean(self):
        cleaned = super().clean()
        wording_errors(self, cleaned)
        return cleaned


@admin.register(LetterTemplate)
class LetterTemplateAdmin(admin.ModelAdmin):
    form = LetterTemplateForm
    list_display = ["kind", "updated_on"]
    change_form_template = "admin/requests_app/lettertemplate/change_form.html"

    def has_delete_permission(self, request, obj=None):
        return False  # every kind needs its wording; letters of a kind without one fall back to "general"

    def has_add_permission(self, request):
        # One wording per kind (LetterTemplate.kind is unique): nothing to add once every kind has its own.
        missing = set(Service.Kind.values) - set(LetterTemplate.objects.values_list("kind", flat=True))
        return bool(missing) and super().has_add_permission(request)

    @admin.display(description=gettext_lazy("terakhir diubah"), ordering="updated")
    def updated_on(self, obj):
        return obj.updated

    def get_urls(self):
        return [
            path("pratinjau/", self.admin_site.admin_view(self.preview_view), name="requests_app_lettertemplate_preview"),
            *super().get_urls(),
        ]

    def preview_view(self, request):
        """A sample PDF (made-up applicant and signer, watermark CONTOH) of the wording as typed, unsaved."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not (self.has_change_permission(request) or self.has_add_permission(request)):
            raise PermissionDenied
        form = PreviewForm(request.POST)
        if not form.is_valid():
            context = {**self.admin_site.each_context(request), "title": _("Pratinjau surat"), "opts": self.opts, "form": form}
            return TemplateResponse(request, "admin/requests_app/lettertemplate/preview_errors.html", context, status=400)
        wording = LetterTemplate(**{name: form.cleaned_data[name] for name in ("kind", *WORDING_FIELDS)})
        pdf = letters.render_pdf(letters.sample_letter(wording.kind), wording=wording, preview=True)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="pratinjau-{wording.kind}.pdf"'
        response["Cache-Control"] = "no-store"
        return response
