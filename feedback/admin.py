"""The staff side: the complaints/suggestions queue of each unit, the tiers, the survey answers and the
IKM report. Every change goes through feedback/workflow.py; the history is read-only (STYLE.md rules 3-4, 10)."""

import csv

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pelayanan.models import OrganisationUnit
from requests_app.models import Service

from . import ikm, workflow
from .forms import IkmReportForm, ProcessForm
from .models import ComplaintTier, Feedback, FeedbackEvent, SurveyResponse


class FeedbackEventInline(admin.TabularInline):
    model = FeedbackEvent
    extra = 0
    can_delete = False
    fields = ("created", "actor", "action", "from_status", "to_status", "public_note", "note")
    readonly_fields = fields
    ordering = ("created", "pk")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AssignedFilter(admin.SimpleListFilter):
    title = gettext_lazy("penanganan")
    parameter_name = "ditangani"

    def lookups(self, request, model_admin):
        return [("saya", _("Ditangani saya")), ("belum", _("Belum ada petugas"))]

    def queryset(self, request, queryset):
        if self.value() == "saya":
            return queryset.filter(assigned_to=request.user)
        if self.value() == "belum":
            return queryset.filter(assigned_to__isnull=True)
        return queryset


class DeadlineFilter(admin.SimpleListFilter):
    title = gettext_lazy("batas waktu")
    parameter_name = "batas"

    def lookups(self, request, model_admin):
        return [("terlambat", _("Terlambat")), ("terbuka", _("Masih berjalan"))]

    def queryset(self, request, queryset):
        if self.value() == "terlambat":
            return queryset.overdue()
        if self.value() == "terbuka":
            return queryset.open()
        return queryset


def _loop(modeladmin, request, queryset, func, done_message):
    done = 0
    for fb in queryset:
        try:
            func(fb)
            done += 1
        except workflow.WorkflowError as exc:
            modeladmin.message_user(request, str(exc), messages.WARNING)
    if done:
        modeladmin.message_user(request, done_message % {"n": done}, messages.SUCCESS)


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    form = ProcessForm
    inlines = [FeedbackEventInline]
    list_display = ("code", "kind", "short_title", "status", "deadline", "assigned_to", "received_on")
    list_select_related = ("unit", "assigned_to", "tier")
    list_filter = (AssignedFilter, DeadlineFilter, "status", "kind", "category", "tier", "published")
    search_fields = ("code", "title", "name", "email", "phone", "related_code")
    date_hierarchy = "received_on"
    actions = ["assign_to_me", "publish", "unpublish"]
    readonly_fields = (
        "code", "kind", "category", "status", "unit", "tier", "assigned_to", "deadlines", "title", "text", "service",
        "request_link", "attachment_link", "name", "email", "phone", "consent_public", "published", "published_at",
        "answer", "answered_at", "closed_at",
    )

    class Media:
        css = {"all": ["css/feedback-admin.css"]}

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (None, {"fields": ("code", "kind", "category", "status", "unit", "tier", "assigned_to", "deadlines")}),
            (_("Isi"), {"fields": ("title", "text", "service", "request_link", "attachment_link")}),
            (_("Pelapor"), {"fields": ("name", "email", "phone", "consent_public", "published", "published_at")}),
            (_("Tanggapan resmi"), {"fields": ("answer", "answered_at", "closed_at")}),
        ]
        if obj is not None and self.has_change_permission(request, obj):
            fieldsets.append((_("Tindak lanjut"), {"fields": ("new_status", "public_note", "note", "new_tier", "forward_to")}))
        return fieldsets

    @staticmethod
    def _sees_all_units(request):
        return request.user.is_superuser or request.user.has_perm("requests_app.view_all_units")

    def get_list_display(self, request):
        # The unit column and filter only mean something to those who see more than one unit.
        return (*self.list_display, "unit") if self._sees_all_units(request) else self.list_display

    def get_list_filter(self, request):
        return (*self.list_filter, "unit") if self._sees_all_units(request) else self.list_filter

    def get_queryset(self, request):
        return super().get_queryset(request).for_officer(request.user).select_related("unit", "assigned_to", "tier", "service", "request")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_publish_permission(self, request):
        return request.user.has_perm("feedback.publish_feedback")

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user = request.user  # modelform_factory made a fresh class for this request
        return form

    def _scoped_or_404(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:  # not there, or another unit's: the same answer for both
            raise Http404(_("Pengaduan/saran tidak ditemukan."))
        return obj

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self._scoped_or_404(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        self._scoped_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def save_model(self, request, obj, form, change):
        """All model fields are read-only; the "Tindak lanjut" fields go to the workflow in one transaction."""
        data = form.cleaned_data
        try:
            workflow.process(
                obj, by=request.user, status=data.get("new_status") or None, tier=data.get("new_tier"),
                unit=data.get("forward_to"), public_note=data.get("public_note", ""), note=data.get("note", ""),
            )
        except workflow.WorkflowError as exc:  # changed by someone else since the form was checked
            self.message_user(request, str(exc), messages.ERROR)

    def get_urls(self):
        return [
            path("<path:object_id>/lampiran/", self.admin_site.admin_view(self.attachment_view), name="feedback_feedback_attachment"),
            *super().get_urls(),
        ]

    def attachment_view(self, request, object_id):
        """The filer's attachment, only to staff who may see the item (same unit scope as the queue)."""
        obj = self._scoped_or_404(request, object_id)
        if not self.has_view_permission(request, obj):
            raise PermissionDenied
        if not obj.attachment:
            raise Http404
        response = FileResponse(obj.attachment.open("rb"), as_attachment=True, filename=obj.attachment_name or obj.attachment.name,
                                content_type=obj.attachment_type)
        response["Cache-Control"] = "private, no-store"
        return response

    # --- columns ---

    @admin.display(description=gettext_lazy("judul"), ordering="title")
    def short_title(self, obj):
        return Truncator(obj.title).chars(60)

    @admin.display(description=gettext_lazy("batas waktu"), ordering="resolution_due")
    def deadline(self, obj):
        today = timezone.localdate()
        due = date_format(obj.resolution_due, "j M Y")
        if obj.response_overdue(today):
            return format_html('<span class="badge badge-overdue">{}</span> {}', _("Belum ditanggapi"), due)
        if obj.resolution_overdue(today):
            return format_html('<span class="badge badge-overdue">{}</span> {}', _("Terlambat"), due)
        if obj.is_open and obj.resolution_due == today:
            return format_html('<span class="badge badge-due-today">{}</span> {}', _("Hari ini"), due)
        return due if obj.is_open else "—"

    @admin.display(description=gettext_lazy("batas waktu"))
    def deadlines(self, obj):
        first = date_format(obj.response_due, "j F Y")
        final = date_format(obj.resolution_due, "j F Y")
        text = _("Tanggapan pertama: %(first)s · Penyelesaian: %(final)s (hari kerja, sejak %(received)s)") % {
            "first": first, "final": final, "received": date_format(obj.received_on, "j F Y"),
        }
        if obj.is_overdue():
            return format_html('{} <span class="badge badge-overdue">{}</span>', text, _("Terlambat"))
        return text

    @admin.display(description=gettext_lazy("permohonan terkait"))
    def request_link(self, obj):
        if obj.request_id is None:
            if obj.related_code:
                return _("%(code)s (tidak ditemukan)") % {"code": obj.related_code}
            return "—"
        try:
            url = reverse("admin:requests_app_servicerequest_change", args=[obj.request_id])
        except NoReverseMatch:
            return obj.request.code
        return format_html('<a href="{}">{}</a>', url, obj.request.code)

    @admin.display(description=gettext_lazy("lampiran"))
    def attachment_link(self, obj):
        if not obj.attachment:
            if obj.attachment_name:  # deleted after the retention period (pelayanan/accounts/privacy.py)
                return format_html("{} ({})", obj.attachment_name, _("berkas sudah dihapus setelah masa simpan"))
            return "—"
        url = reverse("admin:feedback_feedback_attachment", args=[obj.pk])
        size = f"{obj.attachment_size / 1024:.0f} KB" if obj.attachment_size else ""
        return format_html('<a href="{}">{}</a> ({}, {})', url, obj.attachment_name, obj.attachment_type, size)

    # --- actions ---

    @admin.action(description=gettext_lazy("Tangani sendiri (tugaskan ke saya)"), permissions=["change"])
    def assign_to_me(self, request, queryset):
        _loop(self, request, queryset, lambda fb: workflow.assign(fb, to=request.user, by=request.user),
              _("%(n)d pengaduan/saran kini Anda tangani."))

    @admin.action(description=gettext_lazy("Tayangkan di halaman Saran & Tindak Lanjut"), permissions=["publish"])
    def publish(self, request, queryset):
        _loop(self, request, queryset, lambda fb: workflow.publish(fb, by=request.user), _("%(n)d saran ditayangkan."))

    @admin.action(description=gettext_lazy("Hentikan penayangan"), permissions=["publish"])
    def unpublish(self, request, queryset):
        _loop(self, request, queryset, lambda fb: workflow.unpublish(fb, by=request.user), _("%(n)d saran tidak lagi ditayangkan."))


@admin.register(ComplaintTier)
class ComplaintTierAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "resolution_days", "active", "order")
    list_editable = ("resolution_days", "active", "order")
    prepopulated_fields = {"code": ("name",)}

    def has_delete_permission(self, request, obj=None):
        # Tiers in use are protected by the foreign key; retire them with "aktif" instead.
        return super().has_delete_permission(request, obj) and (obj is None or not obj.feedback.exists())


def _csv_cell(value):
    """Neutralise spreadsheet formulas in text cells (CSV injection)."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@admin.register(SurveyResponse)
class SurveyResponseAdmin(admin.ModelAdmin):
    """Answers are read-only and anonymous: the request they came from is never shown (ikm.py docstring)."""

    list_display = ("date", "service", "unit", "channel", "average", "short_suggestion")
    list_select_related = ("service", "unit")
    list_filter = ("channel", "service", "unit")
    date_hierarchy = "date"
    exclude = ("request",)
    readonly_fields = ("service", "unit", "channel", "date", *ikm.FIELDS, "age_band", "sex", "education", "occupation", "suggestion")
    search_fields = ("suggestion",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("rata-rata"))
    def average(self, obj):
        return f"{sum(getattr(obj, f) for f in ikm.FIELDS) / len(ikm.FIELDS):.2f}"

    @admin.display(description=gettext_lazy("saran"))
    def short_suggestion(self, obj):
        return Truncator(obj.suggestion).chars(80)

    def get_urls(self):
        return [
            path("laporan-ikm/", self.admin_site.admin_view(self.report_view), name="feedback_surveyresponse_report"),
            *super().get_urls(),
        ]

    def report_view(self, request):
        """IKM per service or per unit for a period, with per-element NRRs and a CSV export."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = IkmReportForm(request.GET or None)
        filters = form.filters() if form.is_valid() else IkmReportForm.default_filters()
        group = form.cleaned_data.get("group") if form.is_valid() else "service"
        names = dict(Service.objects.values_list("pk", "name")) if group == "service" else dict(OrganisationUnit.objects.values_list("pk", "name"))
        grouped = ikm.by_service(**filters) if group == "service" else ikm.by_unit(**filters)
        rows = [(names.get(key, key), result) for key, result in grouped]
        overall = ikm.summary(**filters)
        if request.GET.get("format") == "csv":
            return self._csv(rows, overall, filters)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Laporan Indeks Kepuasan Masyarakat"),
            "opts": self.model._meta,
            "form": form, "filters": filters, "group": group, "rows": rows, "overall": overall,
            "elements": ikm.ELEMENTS, "profile": ikm.profile(**filters) if overall else {},
            "csv_query": request.GET.urlencode(),
        }
        return TemplateResponse(request, "admin/feedback/ikm_report.html", context)

    def _csv(self, rows, overall, filters):
        start, end = filters["start"], filters["end"]
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="ikm-{start:%Y%m%d}-{end:%Y%m%d}.csv"'
        response.write("\ufeff")  # BOM, so spreadsheet programs read UTF-8
        writer = csv.writer(response)
        writer.writerow([_("Kelompok"), _("Responden"), *(f"NRR {e.code}" for e in ikm.ELEMENTS),
                         _("IKM (bobot 1/9)"), _("IKM (bobot 0,111)"), _("Mutu"), _("Kinerja")])
        for label, result in [*rows, *([(_("Semua"), overall)] if overall else [])]:
            writer.writerow([_csv_cell(label), result.respondents, *(result.nrr[e.code] for e in ikm.ELEMENTS),
                             result.ikm, result.ikm_0111, result.category, result.performance])
        return response
