"""The staff side in the Django admin: the request queue, the request page and the catalogue (STYLE.md rule 10).

Scope: officers see their own unit's requests only (ServiceRequest.objects.for_officer); supervisors and
superusers see every unit. Nothing on the request page is edited through the admin form: every change is a
button or a changelist action that calls requests_app/workflow.py, which checks permission, state and scope
again and refuses with a WorkflowError (shown as it is).
"""

import datetime as dt
from dataclasses import dataclass

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import SEARCH_VAR, ChangeList
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F, Q
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pelayanan import identity
from pelayanan.models import User
from pelayanan.text import sentence

from . import admin_letters, calendar, workflow  # admin_letters: Letter/LetterTemplate admins and letter actions
from .forms import CODE_RE, FORMS_BY_KIND, normalise_request_code
from .models import (
    CODE_ALPHABET,
    Holiday,
    LeavePolicy,
    OpeningException,
    OpeningHours,
    ReplyTemplate,
    RequestEvent,
    Service,
    ServicePledge,
    ServicePoint,
    ServiceRequest,
    ServiceRequirement,
)

Status = ServiceRequest.Status
VERIFY = "requests_app.verify_servicerequest"
APPROVE = "requests_app.approve_servicerequest"
# A changelist action works row by row through the workflow; "select all" over a whole queue would
# hold the request for minutes, so larger batches are refused.
MAX_BATCH = 200
CODE_CHARS = set(CODE_ALPHABET + "-")


def sees_all_units(user):
    return user.is_superuser or user.has_perm("requests_app.view_all_units")


def is_actor(user):
    """Officers and signing officials act on requests; supervisors only read."""
    return user.has_perm(VERIFY) or user.has_perm(APPROVE)


def officers_for(requests):
    """Active accounts that may take these requests: the verify permission (via group or user) in the
    requests' unit or the unit above it, as workflow.in_scope allows."""
    units = {u for pair in requests.values_list("service__unit_id", "service__unit__parent_id") for u in pair if u}
    return officers_in(units)


def officers_in(units):
    perm = {"codename": "verify_servicerequest", "content_type__app_label": "requests_app"}
    has_perm = Q(**{f"groups__permissions__{k}": v for k, v in perm.items()}) | Q(
        **{f"user_permissions__{k}": v for k, v in perm.items()}
    )
    return User.objects.filter(has_perm, is_active=True, unit_id__in=units).distinct().order_by("full_name")


# --- changelist filters ----------------------------------------------------------------------


class QueueStatusFilter(admin.SimpleListFilter):
    """Status; with nothing chosen the queue shows the requests still in process (drafts never show),
    except when searching: a code or name typed in the search box is looked up among finished ones too."""

    title = gettext_lazy("status")
    parameter_name = "status"
    ALL = "semua"

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        self.searching = bool(request.GET.get(SEARCH_VAR, "").strip())

    def effective(self):
        return self.ALL if self.value() is None and self.searching else self.value()

    def lookups(self, request, model_admin):
        return [(self.ALL, _("Semua (termasuk yang selesai)"))] + [
            (value, label) for value, label in Status.choices if value != Status.DRAFT
        ]

    def choices(self, changelist):
        yield {
            "selected": self.effective() is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": _("Sedang diproses"),
        }
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.effective() == str(lookup),
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.effective()
        if value is None:
            return queryset.open()
        if value == self.ALL:
            return queryset
        return queryset.filter(status=value)


class DueFilter(admin.SimpleListFilter):
    title = gettext_lazy("batas waktu")
    parameter_name = "batas"

    def lookups(self, request, model_admin):
        return [("terlambat", _("Terlambat")), ("hari-ini", _("Jatuh tempo hari ini"))]

    def queryset(self, request, queryset):
        if self.value() == "terlambat":
            return queryset.overdue()
        if self.value() == "hari-ini":
            return queryset.due_on(timezone.localdate())
        return queryset


class AssigneeFilter(admin.SimpleListFilter):
    title = gettext_lazy("penanganan")
    parameter_name = "ditangani"

    def lookups(self, request, model_admin):
        return [("saya", _("Ditugaskan ke saya")), ("belum", _("Belum ditugaskan"))]

    def queryset(self, request, queryset):
        if self.value() == "saya":
            return queryset.filter(assigned_to=request.user)
        if self.value() == "belum":
            return queryset.filter(assigned_to__isnull=True)
        return queryset


class VerificationFilter(admin.SimpleListFilter):
    """In process, split by the file check: what a signing official can decide now, and what still waits
    for its officer (both carry the status "Diverifikasi/Diproses")."""

    title = gettext_lazy("pemeriksaan berkas")
    parameter_name = "berkas"

    def lookups(self, request, model_admin):
        return [("siap", _("Terverifikasi, siap diputuskan")), ("belum", _("Belum diverifikasi"))]

    def queryset(self, request, queryset):
        if self.value() == "siap":
            return queryset.ready_for_decision()
        if self.value() == "belum":
            return queryset.awaiting_verification()
        return queryset


class ServiceFilter(admin.RelatedFieldListFilter):
    """Lists only the services an officer's unit handles."""

    def field_choices(self, field, request, model_admin):
        services = Service.objects.order_by("order", "name")
        if not sees_all_units(request.user):
            services = services.filter(Q(unit_id=request.user.unit_id) | Q(unit__parent_id=request.user.unit_id))
        return [(s.pk, s.name) for s in services.only("pk", "name")]


class QueueChangeList(ChangeList):
    def get_queryset(self, request, exclude_parameters=None):
        # The list never shows the long texts; reading them for every row costs JSON decoding.
        return super().get_queryset(request, exclude_parameters).defer(
            "details", "calendar_snapshot", "supervisor_note", "rejection_reason",
        )

    def get_results(self, request):
        super().get_results(request)
        # Working days left, computed once per distinct due date on the page (the calendar is
        # cached per year, so this costs no query per row).
        today = timezone.localdate()
        memo = {}
        for req in self.result_list:
            if req.due_date:
                if req.due_date not in memo:
                    memo[req.due_date] = calendar.working_days_until(today, req.due_date)
                req.working_days_left = memo[req.due_date]


# --- the request page: transition forms ------------------------------------------------------------


class NoteForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Catatan internal (tidak wajib)"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}), help_text=gettext_lazy("Hanya terlihat oleh petugas."),
    )


class RevisionForm(NoteForm):
    public_note = forms.CharField(
        label=gettext_lazy("Yang perlu diperbaiki pemohon"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Dikirim ke pemohon dan tampil di riwayat permohonannya."),
        error_messages={"required": gettext_lazy("Tuliskan apa yang perlu diperbaiki pemohon.")},
    )
    field_order = ["public_note", "note"]


class RejectForm(NoteForm):
    reason = forms.CharField(
        label=gettext_lazy("Alasan penolakan"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Dikirim ke pemohon dan tampil di riwayat permohonannya."),
        error_messages={"required": gettext_lazy("Alasan penolakan wajib diisi.")},
    )
    field_order = ["reason", "note"]


class AssignForm(forms.Form):
    to = forms.ModelChoiceField(
        label=gettext_lazy("Tugaskan kepada"), queryset=User.objects.none(), required=False,
        empty_label=gettext_lazy("Saya sendiri"),
    )

    def __init__(self, *args, officers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = officers


class AssignToForm(forms.Form):
    """The intermediate page of the "Tugaskan ke…" action."""

    officer = forms.ModelChoiceField(
        label=gettext_lazy("Petugas"), queryset=User.objects.none(),
        error_messages={"required": gettext_lazy("Pilih petugas yang akan menangani.")},
    )

    def __init__(self, *args, officers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = officers
        if not officers.exists():
            self.fields["officer"].help_text = _("Tidak ada petugas lain di unit ini yang dapat menangani permohonan.")


@dataclass(frozen=True)
class Transition:
    label: str
    form: type
    done: str
    reply_kind: str = ""
    reply_field: str = ""
    danger: bool = False


TRANSITIONS = {
    "assign": Transition(gettext_lazy("Ambil / tugaskan"), AssignForm, gettext_lazy("Permohonan %(code)s kini ditangani %(name)s.")),
    "revision": Transition(
        gettext_lazy("Minta perbaikan"), RevisionForm, gettext_lazy("Permintaan perbaikan %(code)s dikirim ke pemohon."),
        reply_kind=ReplyTemplate.Kind.REVISION, reply_field="public_note",
    ),
    "verify": Transition(gettext_lazy("Verifikasi berkas"), NoteForm, gettext_lazy("Permohonan %(code)s telah diverifikasi.")),
    "approve": Transition(gettext_lazy("Setujui"), NoteForm, gettext_lazy("Permohonan %(code)s disetujui; surat sedang dibuat.")),
    "reject": Transition(
        gettext_lazy("Tolak"), RejectForm, gettext_lazy("Permohonan %(code)s ditolak."),
        reply_kind=ReplyTemplate.Kind.REJECTION, reply_field="reason", danger=True,
    ),
    "regenerate": Transition(gettext_lazy("Buat ulang surat"), forms.Form, gettext_lazy("Pembuatan surat %(code)s diulang.")),
}


def run_transition(name, req, user, data):
    """Call the workflow function behind a button; WorkflowError propagates to the caller."""
    if name == "assign":
        return workflow.assign_request(req, by=user, to=data.get("to"))
    if name == "revision":
        return workflow.request_revision(req, by=user, public_note=data["public_note"], note=data["note"])
    if name == "verify":
        return workflow.verify_request(req, by=user, note=data["note"])
    if name == "approve":
        return workflow.approve_request(req, by=user, note=data["note"])
    if name == "reject":
        return workflow.reject_request(req, by=user, reason=data["reason"], note=data["note"])
    if name == "regenerate":
        return workflow.regenerate_letter(req, by=user)
    raise Http404


def detail_rows(req):
    """The applicant's answers as (label, value), labelled like the form they filled in."""
    form_class = FORMS_BY_KIND.get(req.service.kind)
    fields = form_class.base_fields if form_class else {}
    rows = []
    for key, value in (req.details or {}).items():
        if value is False:  # an unticked box (e.g. "cuti besar untuk haji pertama" on annual leave) says nothing
            continue
        label = fields[key].label if key in fields else key.replace("_", " ").capitalize()
        rows.append((label, value))
    return rows


def leave_rows(req):
    if not req.service.is_leave:
        return []
    period = ""
    if req.start_date and req.end_date:
        period = f"{date_format(req.start_date, 'j F Y')} \u2013 {date_format(req.end_date, 'j F Y')}"
    length = f"{req.duration} {req.get_duration_unit_display()}" if req.duration else ""
    holidays = "; ".join(
        f"{date_format(dt.date.fromisoformat(day['date']), 'j F Y')}: {day['name']}" for day in req.calendar_snapshot or []
    )
    return [
        (_("Jenis cuti"), req.leave_policy.name if req.leave_policy_id else ""),
        (_("Tanggal cuti"), period),
        (_("Lama cuti"), length),
        (_("Hari libur dalam masa cuti"), holidays or _("Tidak ada")),
        (_("Atasan langsung"), req.supervisor.full_name if req.supervisor_id else ""),
        (_("Pertimbangan atasan"), req.get_supervisor_decision_display()),
        (_("Alasan pertimbangan atasan"), req.supervisor_note),
    ]


# --- the queue ----------------------------------------------------------------------------------


class RequestEventInline(admin.TabularInline):
    """The audit trail: append-only, so the inline can neither add, change nor delete (STYLE.md rule 4)."""

    model = RequestEvent
    verbose_name = gettext_lazy("riwayat")
    verbose_name_plural = gettext_lazy("Riwayat permohonan")
    fields = readonly_fields = ("created", "action", "from_status", "to_status", "actor", "public_note", "note")
    extra = 0
    max_num = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


@admin.register(ServiceRequest)
class ServiceRequestAdmin(admin.ModelAdmin):
    list_display = ["code", "service_name", "applicant_name", "submitted", "due", "days_left", "status", "assigned_to"]
    list_select_related = ["service", "applicant", "assigned_to"]
    sortable_by = ["code", "applicant_name", "submitted", "due", "status"]
    ordering = [F("due_date").asc(nulls_last=True), "pk"]
    search_fields = ["code", "applicant__full_name", "=applicant__nik", "=applicant__nip"]
    search_help_text = gettext_lazy("Cari kode lacak, nama pemohon, NIK atau NIP.")
    list_per_page = 50
    list_max_show_all = 200
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    actions = [
        "take_requests", "assign_requests_to", "approve_requests",
        admin_letters.regenerate_letter_action, admin_letters.revoke_letter_action,
    ]
    inlines = [RequestEventInline]
    change_list_template = "admin/requests_app/servicerequest/change_list.html"
    change_form_template = "admin/requests_app/servicerequest/change_form.html"
    fieldsets = [
        (None, {"fields": ["code", "service", "status", "applicant", "filed_by"]}),
        (gettext_lazy("Penanganan"), {"fields": ["assigned_to", "verified_by", "decided_by", "rejection_reason"]}),
        (gettext_lazy("Waktu"), {"fields": ["submitted_at", "due_date", "paused_at", "decided_at", "finished_at"]}),
    ]
    # Everything on this page belongs to the workflow; the form never writes.
    readonly_fields = [
        "code", "service", "status", "applicant", "filed_by", "assigned_to", "verified_by", "decided_by",
        "rejection_reason", "submitted_at", "due_date", "paused_at", "decided_at", "finished_at",
    ]

    class Media:
        css = {"all": ["css/admin_queue.css"]}
        js = ["js/admin_reply_templates.js"]

    # Permissions: requests are filed through the citizen flow, changed only by the workflow, never deleted.

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_verify_permission(self, request):
        return request.user.has_perm(VERIFY)

    def has_approve_permission(self, request):
        return request.user.has_perm(APPROVE)

    def has_assign_permission(self, request):
        return is_actor(request.user)

    def get_queryset(self, request):
        return ServiceRequest.objects.for_officer(request.user).exclude(status=Status.DRAFT)

    def get_object(self, request, object_id, from_field=None):
        queryset = self.get_queryset(request).select_related(
            "service__unit", "applicant", "filed_by", "assigned_to", "verified_by", "decided_by",
            "leave_policy", "supervisor", "letter",
        )
        try:
            return queryset.get(pk=object_id)
        except (ServiceRequest.DoesNotExist, ValidationError, ValueError):
            return None

    def get_changelist(self, request, **kwargs):
        return QueueChangeList

    def get_list_filter(self, request):
        filters = [QueueStatusFilter, VerificationFilter, DueFilter, AssigneeFilter, ("service", ServiceFilter)]
        if sees_all_units(request.user):
            filters.append(("service__unit", admin.RelatedFieldListFilter))
        return filters

    def get_search_results(self, request, queryset, search_term):
        """A tracking code, a NIK or NIP (as printed, with spaces or dots), or words of the applicant's name.

        Written out rather than left to search_fields: Django's OR across the joined user table makes
        PostgreSQL filter every joined row, while a name subquery and exact code/NIK/NIP matches use indexes.
        """
        term = search_term.strip()
        if not term:
            return queryset, False
        digits = identity.digits_only(term)
        if digits.isdigit() and len(digits) in (16, 18):
            return queryset.filter(Q(applicant__nik=digits) | Q(applicant__nip=digits)), False
        code = normalise_request_code(term)  # also as typed without its dashes
        if CODE_RE.match(code):
            return queryset.filter(code=code), False
        # Tracking codes are stored in capitals: LIKE, not ILIKE. Names have no digits, codes always do.
        if any(ch.isdigit() for ch in term):
            return queryset.filter(code__contains=code), False
        names = User.objects.all()
        for word in term.split():
            names = names.filter(full_name__icontains=word)
        match = Q(applicant__in=names.values("pk"))
        if set(code) <= CODE_CHARS:
            # Could also be part of a code (e.g. its last six characters). Words with I, L, O (most names)
            # cannot, which spares PostgreSQL a scan of every code.
            match |= Q(code__contains=code)
        return queryset.filter(match), False

    # --- columns

    @admin.display(description=gettext_lazy("layanan"), ordering="service__name")
    def service_name(self, obj):
        return obj.service.name

    @admin.display(description=gettext_lazy("pemohon"), ordering="applicant__full_name")
    def applicant_name(self, obj):
        return obj.applicant.full_name

    @admin.display(description=gettext_lazy("diajukan"), ordering="submitted_at")
    def submitted(self, obj):
        return date_format(timezone.localtime(obj.submitted_at), "j M Y") if obj.submitted_at else "\u2013"

    @admin.display(description=gettext_lazy("batas waktu"), ordering="due_date")
    def due(self, obj):
        if not obj.due_date:
            return "\u2013"
        label = date_format(obj.due_date, "j M Y")
        today = timezone.localdate()
        if obj.paused_at and obj.status == Status.REVISION:
            return format_html('{} <span class="badge badge-paused">{}</span>', label, _("dijeda"))
        if obj.is_overdue(today):
            return format_html('{} <span class="badge badge-overdue">{}</span>', label, _("terlambat"))
        if obj.due_date == today and not obj.is_finished:
            return format_html('{} <span class="badge badge-due-today">{}</span>', label, _("hari ini"))
        return label

    @admin.display(description=gettext_lazy("sisa hari kerja"))
    def days_left(self, obj):
        if not obj.due_date or obj.is_finished or obj.paused_at:
            return "\u2013"
        days = getattr(obj, "working_days_left", None)
        if days is None:
            days = calendar.working_days_until(timezone.localdate(), obj.due_date)
        if days < 0:
            return format_html('<span class="days-late">{}</span>', _("lewat %(days)d hari") % {"days": -days})
        return days

    # --- the changelist

    def changelist_view(self, request, extra_context=None):
        today = timezone.localdate()
        # Counted on the columns of the partial index req_open_due, so no table rows are read.
        counts = (
            ServiceRequest.objects.for_officer(request.user).open().filter(paused_at__isnull=True, due_date__lte=today)
            .aggregate(overdue=Count("due_date", filter=Q(due_date__lt=today)), due_today=Count("due_date", filter=Q(due_date=today)))
        )
        context = {
            "title": _("Antrean permohonan"),  # not Django's "Pilih permohonan untuk melihat"
            "overdue_count": counts["overdue"],
            "due_today_count": counts["due_today"],
            "can_file_for_applicant": request.user.has_perm(VERIFY),
            "assisted_filing_url": reverse("requests_app:apply_start"),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context=context)

    def _run_each(self, request, queryset, step, done_message, **params):
        """Apply one workflow step per selected request, collect refusals, report once."""
        if queryset.count() > MAX_BATCH:
            self.message_user(
                request, _("Pilih paling banyak %(max)d permohonan sekaligus.") % {"max": MAX_BATCH}, messages.ERROR,
            )
            return
        done, failed = 0, []
        for req in queryset.select_related("service").order_by("pk"):
            try:
                step(req)
                done += 1
            except workflow.WorkflowError as exc:
                failed.append(f"{req.code}: {exc}")
        if not done and not failed:
            self.message_user(request, _("Tidak ada permohonan yang dapat diproses."), messages.WARNING)
            return
        message = done_message % {"count": done, **params}
        if failed:
            message += "; " + _("%(count)d gagal: %(errors)s") % {"count": len(failed), "errors": " ".join(failed)}
        level = messages.SUCCESS if not failed else (messages.WARNING if done else messages.ERROR)
        self.message_user(request, message, level)

    @admin.action(description=gettext_lazy("Ambil (tugaskan ke saya)"), permissions=["verify"])
    def take_requests(self, request, queryset):
        self._run_each(
            request, queryset, lambda req: workflow.assign_request(req, by=request.user),
            _("%(count)d permohonan ditugaskan kepada Anda"),
        )

    @admin.action(description=gettext_lazy("Tugaskan ke…"), permissions=["assign"])
    def assign_requests_to(self, request, queryset):
        form = AssignToForm(request.POST if "apply" in request.POST else None, officers=officers_for(queryset))
        if form.is_bound and form.is_valid():
            officer = form.cleaned_data["officer"]
            self._run_each(
                request, queryset, lambda req: workflow.assign_request(req, by=request.user, to=officer),
                _("%(count)d permohonan ditugaskan kepada %(name)s"), name=officer,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Tugaskan permohonan ke petugas"),
            "opts": self.opts,
            "form": form,
            "objects": queryset.select_related("service", "applicant", "assigned_to").order_by("pk"),
            "action": "assign_requests_to",
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        return TemplateResponse(request, "admin/requests_app/servicerequest/assign_to.html", context)

    @admin.action(description=gettext_lazy("Setujui yang dipilih"), permissions=["approve"])
    def approve_requests(self, request, queryset):
        self._run_each(
            request, queryset, lambda req: workflow.approve_request(req, by=request.user),
            _("%(count)d permohonan disetujui"),
        )

    # --- the request page

    def get_urls(self):
        return [
            path(
                "<path:object_id>/tindakan/<slug:name>/",
                self.admin_site.admin_view(self.transition_view),
                name=f"{self.opts.app_label}_{self.opts.model_name}_transition",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is not None:
            extra_context = {**self.request_page_context(request, obj), **(extra_context or {})}
        return super().change_view(request, object_id, form_url, extra_context)

    def request_page_context(self, request, obj):
        templates = {}
        for tpl in ReplyTemplate.offered_for(obj.service):
            templates.setdefault(tpl.kind, []).append(tpl)
        transitions = []
        units = {obj.service.unit_id, obj.service.unit.parent_id} - {None}
        for name in workflow.allowed_actions(obj, request.user):
            spec = TRANSITIONS.get(name)
            if spec is None:  # the applicant's own actions (resubmit, cancel) happen on the citizen side
                continue
            kwargs = {"officers": officers_in(units).exclude(pk=request.user.pk)} if name == "assign" else {}
            form = spec.form(prefix=name, **kwargs)
            transitions.append({
                "name": name, "spec": spec, "form": form,
                "url": reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_transition", args=[obj.pk, name]),
                "templates": templates.get(spec.reply_kind, []),
                "reply_target": form[spec.reply_field].auto_id if spec.reply_field else "",
            })
        documents = [
            (doc, reverse("requests_app:document", args=[obj.code, doc.pk]))
            for doc in obj.documents.select_related("requirement").order_by("superseded", "requirement__order", "created")
        ]
        applicant = obj.applicant
        return {
            "transitions": transitions,
            "applicant": applicant,
            "applicant_nip": identity.format_nip(applicant.nip),
            "detail_rows": detail_rows(obj),
            "leave_rows": leave_rows(obj),
            "documents": documents,
            "letter": getattr(obj, "letter", None),
            "is_overdue": obj.is_overdue(),
            "days_left": self.days_left(obj),
            "sla_days": obj.service.sla_days,
        }

    def transition_view(self, request, object_id, name):
        """POST-only endpoint behind each button of the request page (POST-redirect-GET)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self.get_object(request, unquote(object_id))
        spec = TRANSITIONS.get(name)
        if obj is None or spec is None:  # not in this user's queue (another unit, a draft), or no such button
            raise Http404
        if not is_actor(request.user):
            raise PermissionDenied
        kwargs = {"officers": officers_in({obj.service.unit_id, obj.service.unit.parent_id} - {None})} if name == "assign" else {}
        form = spec.form(request.POST, prefix=name, **kwargs)
        back = HttpResponseRedirect(reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk]))
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return back
        try:
            req = run_transition(name, obj, request.user, form.cleaned_data)
        except workflow.WorkflowError as exc:
            messages.error(request, str(exc))
            return back
        messages.success(request, sentence(spec.done % {"code": req.code, "name": req.assigned_to or ""}))
        return back


# --- the catalogue and counter data --------------------------------------------------------------


@admin.register(ReplyTemplate)
class ReplyTemplateAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "service_names", "active"]
    list_filter = ["kind", "active", "services"]
    search_fields = ["title", "text"]
    filter_horizontal = ["services"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("services")

    @admin.display(description=gettext_lazy("layanan"))
    def service_names(self, obj):
        return ", ".join(s.name for s in obj.services.all()) or _("Semua layanan")


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "name", "kind", "source_decree"]
    list_filter = ["kind"]
    search_fields = ["name", "source_decree"]
    date_hierarchy = "date"


@admin.register(LeavePolicy)
class LeavePolicyAdmin(admin.ModelAdmin):
    list_display = ["name", "asn_group", "code", "max_length", "unit", "annual_entitlement", "active", "order"]
    list_filter = ["asn_group", "active"]
    search_fields = ["name", "code", "legal_basis"]


class ServiceRequirementInline(admin.TabularInline):
    model = ServiceRequirement
    extra = 0
    fields = ["name", "description", "required", "formats", "max_size_kb", "leave_types", "order"]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "unit", "kind", "sla_days", "fee", "active", "order"]
    list_filter = ["active", "kind", "unit"]
    list_select_related = ["unit"]
    search_fields = ["name", "code", "summary"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ServiceRequirementInline]


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


class OpeningExceptionInline(admin.TabularInline):
    model = OpeningException
    extra = 0


@admin.register(ServicePoint)
class ServicePointAdmin(admin.ModelAdmin):
    list_display = ["name", "address", "phone", "order"]
    search_fields = ["name", "address"]
    inlines = [OpeningHoursInline, OpeningExceptionInline]


@admin.register(ServicePledge)
class ServicePledgeAdmin(admin.ModelAdmin):
    list_display = ["signed_by", "active", "updated"]
    list_filter = ["active"]
    search_fields = ["text", "signed_by"]
