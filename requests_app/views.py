"""The citizen's side of requests: apply in three steps (details, documents, check answers) and submit, follow
one's requests, answer a revision, cancel; the atasan langsung's consideration of a leave request; the public
status lookup. Views fetch with an ownership helper, validate with a form, make one workflow call and redirect
(STYLE.md rules 6-7); every state change happens in workflow.py.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from pelayanan import identity, ratelimit

from . import calendar, forms, leave, letters, public, uploads, workflow
from .models import RequestDocument, RequestEvent, Service, ServiceRequest
from .workflow import WorkflowError

Status = ServiceRequest.Status
Action = RequestEvent.Action
EDITABLE = (Status.DRAFT, Status.REVISION)
LOOKUP_LIMIT, LOOKUP_WINDOW = 10, 600  # tries per IP per 10 minutes
SURVEY_TEMPLATE = "feedback/includes/survey_link.html"


# --- fetching with ownership (STYLE.md rule 7) -------------------------------------------------------


def _requests():
    return ServiceRequest.objects.select_related("service", "service__unit", "applicant", "leave_policy", "supervisor")


def _get_request_for_user(request, code):
    """A request the user may change: they are its applicant, or the officer who filed it at the counter."""
    owned = _requests().filter(Q(applicant=request.user) | Q(filed_by=request.user))
    return get_object_or_404(owned, code=code)


def _get_viewable_request(request, code, perm="requests_app.view_servicerequest"):
    """The owner and filer, or an officer whose unit handles the request and who has `perm`; else 404."""
    req = _requests().filter(code=code).first()
    user = request.user
    if req is not None and user.pk in (req.applicant_id, req.filed_by_id):
        return req
    if (req is not None and req.status != Status.DRAFT and user.is_staff and user.has_perm(perm)
            and ServiceRequest.objects.for_officer(user).filter(pk=req.pk).exists()):
        return req
    raise Http404


def _get_request_for_supervisor(request, code):
    mine = _requests().filter(supervisor=request.user, service__kind=Service.Kind.LEAVE).exclude(status=Status.DRAFT)
    return get_object_or_404(mine, code=code)


# --- small read-side helpers ----------------------------------------------------------------------------


def _unavailable_reason(service, user):
    """Why `user` may not apply for `service` online, or "" when they may."""
    if service.asn_only and not user.is_asn:
        return _("Layanan ini khusus ASN (PNS, CPNS atau PPPK). Status di profil Anda: %(status)s. Bila status "
                 "Anda keliru, perbaiki profil Anda atau datang ke loket layanan.") % {"status": user.get_asn_type_display()}
    if service.is_leave and not leave.policies_for(user).exists():
        return _("Tidak ada jenis cuti yang dapat Anda ajukan dengan status kepegawaian Anda.")
    return ""


def _requirements(req):
    code = req.leave_policy.code if req.leave_policy_id else ""
    return [r for r in req.service.requirements.all() if r.applies_to(code)]


def _current_documents(req):
    return {d.requirement_id: d for d in req.documents.filter(superseded=False).select_related("requirement")}


def _after_details(req):
    if req.status == Status.REVISION:
        return reverse("requests_app:detail", args=[req.code])
    step = "apply_documents" if _requirements(req) else "apply_review"
    return reverse(f"requests_app:{step}", args=[req.code])


def _warn_where_not_shown(request, form, target, req):
    """The leave rules' warnings as messages, unless the next page shows them in its leave summary
    (check answers, the request page): only the documents step does not."""
    if target == reverse("requests_app:apply_documents", args=[req.code]):
        for warning in form.warnings:
            messages.warning(request, warning)


def _walk_in_applicant(request):
    """Assisted filing: the applicant named in ?pemohon= (NIK or e-mail) when an officer files at the counter."""
    value = request.GET.get("pemohon", "").strip()
    if not value:
        return request.user
    if not request.user.has_perm("requests_app.verify_servicerequest"):
        raise PermissionDenied
    return forms.find_user(value)


def _leave_summary(req):
    """Length, non-working days in the period and the annual-leave position, for the review and detail pages."""
    if not (req.leave_policy_id and req.start_date and req.end_date):
        return None
    due = None
    if not req.is_finished:  # the date the time limit ends; for a draft, as if it were sent today
        due = req.due_date or req.service.due_date_if_sent()
    check = leave.check_request(req.applicant, req.leave_policy, req.start_date, req.end_date, exclude_request=req,
                                hajj=bool(req.details.get("hajj")), due=due)
    return {
        "check": check,
        "length": check.length,
        "unit": check.unit_label,
        "closed_days": calendar.displayed(calendar.non_working_days(req.start_date, req.end_date)),
        # Only cuti tahunan draws on the annual balance; for a sick or maternity leave the table was noise.
        "balance": check.balance,
    }


def _holder(req, *, public=False):
    """Who holds the file now, in words for the applicant (public=True: no personal names, for /lacak/)."""
    unit = req.service.unit.name
    if req.status == Status.WITH_SUPERVISOR:
        if public or not req.supervisor_id:
            return _("Atasan langsung pemohon (pertimbangan)")
        return _("Atasan langsung: %(name)s (pertimbangan)") % {"name": req.supervisor.full_name}
    if req.status == Status.SUBMITTED:
        return _("%(unit)s (menunggu diperiksa petugas)") % {"unit": unit}
    if req.status == Status.IN_REVIEW:
        if req.verified_by_id:
            return _("Pejabat yang berwenang (menunggu keputusan)")
        return _("%(unit)s (sedang diverifikasi petugas)") % {"unit": unit}
    if req.status == Status.REVISION:
        return _("Pemohon (perlu perbaikan; batas waktu layanan dihentikan sementara)")
    if req.status == Status.APPROVED:
        return _("%(unit)s (surat sedang dibuat)") % {"unit": unit}
    return ""


def _timeline(req, *, public=False):
    events = req.events.exclude(action=Action.LETTER_FAILED).order_by("created", "pk")
    rows = []
    for event in events:
        note = event.public_note
        if public and event.action in (Action.SENT_TO_SUPERVISOR, Action.ASSISTED):
            note = ""  # these notes name people; /lacak/ shows no names
        rows.append({"when": event.created, "label": event.get_action_display(),
                     "status": event.get_to_status_display(), "note": note})
    return rows


def _revision_note(req):
    event = req.events.filter(to_status=Status.REVISION).order_by("-created", "-pk").first()
    return event.public_note if event else ""


def _letter_url(req):
    if req.status != Status.LETTER_ISSUED:
        return None
    try:
        return reverse("requests_app:letter_pdf", args=[req.code])
    except NoReverseMatch:
        return None


def _survey_template(req):
    if not req.is_finished:
        return None
    try:
        get_template(SURVEY_TEMPLATE)
    except TemplateDoesNotExist:
        return None
    return SURVEY_TEMPLATE


# --- applying -------------------------------------------------------------------------------------------


def apply_start(request):
    """Service picker: every active service, and for each whether this user may apply online and why not."""
    user = request.user
    services = [
        (service, _unavailable_reason(service, user) if user.is_authenticated else "")
        for service in Service.objects.active()
    ]
    on_behalf = None
    if user.is_authenticated and user.has_perm("requests_app.verify_servicerequest"):
        on_behalf = forms.OnBehalfForm(request.GET or None, services=Service.objects.active())
        if request.GET and on_behalf.is_valid():
            url = reverse("requests_app:apply", args=[on_behalf.cleaned_data["layanan"].slug])
            return redirect(f"{url}?{urlencode({'pemohon': on_behalf.cleaned_data['pemohon']})}")
    return render(request, "requests_app/apply_start.html", {"services": services, "on_behalf": on_behalf})


@login_required
def apply(request, slug):
    """Step 1: the details of this service. A valid POST creates (or, replayed, finds) the draft."""
    service = get_object_or_404(Service.objects.active(), slug=slug)
    applicant = _walk_in_applicant(request)
    if applicant is None:
        messages.error(request, _("Tidak ada akun dengan NIK atau e-mail itu. Bantu pemohon mendaftar lebih dahulu."))
        return redirect("requests_app:apply_start")
    reason = _unavailable_reason(service, applicant)
    if reason:
        return render(request, "requests_app/apply_unavailable.html", {"service": service, "reason": reason}, status=403)
    form_class = forms.details_form_class(service)
    form = form_class(request.POST if request.method == "POST" else None, service=service, applicant=applicant)
    if form.is_valid():
        filed_by = request.user if applicant != request.user else None
        try:
            req = _save_draft(form, service, applicant=applicant, filed_by=filed_by, by=request.user)
        except WorkflowError as exc:
            messages.error(request, str(exc))
            return redirect(request.get_full_path())  # a fresh form, with a new idempotency key
        else:
            target = reverse("requests_app:detail", args=[req.code]) if req.status not in EDITABLE else _after_details(req)
            _warn_where_not_shown(request, form, target, req)
            return redirect(target)
    return render(request, "requests_app/apply_details.html", {
        "service": service, "form": form, "applicant": applicant, "on_behalf": applicant != request.user,
        "balance": leave.annual_balance(applicant, timezone.localdate().year) if service.is_leave else None,
        "action_url": request.get_full_path(),
    })


@login_required
def leave_length(request, slug):
    """JSON for the live preview on the leave step: the length in the policy's unit and the days left out."""
    get_object_or_404(Service.objects.active(), slug=slug, kind=Service.Kind.LEAVE)
    form = forms.LeaveLengthForm(request.GET)
    if not form.is_valid():
        return JsonResponse({"text": ""})
    policy, start, end = (form.cleaned_data[k] for k in ("leave_policy", "start_date", "end_date"))
    text = _("Lama cuti: %(length)s %(unit)s.") % {
        "length": leave.leave_length(policy, start, end), "unit": leave.unit_label(policy.unit)}
    closed = calendar.displayed(calendar.non_working_days(start, end))
    if closed and policy.unit == policy.Unit.WORKING_DAYS:
        days = "; ".join(f"{date_format(day, 'j F Y')} ({name})" for day, (_kind, name) in closed.items())
        text += " " + _("Hari libur dan cuti bersama tidak dihitung: %(days)s.") % {"days": days}
    return JsonResponse({"text": text})


def _save_draft(form, service, *, applicant, filed_by, by):
    """create_draft is replay-safe; a replay with changed answers (browser Back, then Next) updates the draft."""
    data = form.workflow_kwargs()
    req = workflow.create_draft(service, applicant=applicant, filed_by=filed_by,
                                idempotency_key=form.cleaned_data["idempotency_key"], **data)
    fields = data["leave_fields"] or {}
    changed = req.details != data["details"] or any(getattr(req, k) != v for k, v in fields.items())
    if changed and req.status == Status.DRAFT:
        req = workflow.update_details(req, by=by, **data)
    return req


@login_required
def edit(request, code):
    """Change the details of a draft (the "Ubah" links) or of a request sent back for revision."""
    req = _get_request_for_user(request, code)
    if req.status not in EDITABLE:
        messages.error(request, _("Permohonan ini tidak dapat diubah lagi."))
        return redirect("requests_app:detail", req.code)
    form_class = forms.details_form_class(req.service)
    form = form_class(request.POST if request.method == "POST" else None, service=req.service,
                      applicant=req.applicant, service_request=req)
    if form.is_valid():
        try:
            workflow.update_details(req, by=request.user, **form.workflow_kwargs())
        except WorkflowError as exc:
            messages.error(request, str(exc))
        else:
            req.refresh_from_db()  # the next page (check answers or the request) shows the leave rules' warnings
            if req.status == Status.DRAFT:
                return redirect("requests_app:apply_review", req.code)
            messages.success(request, _("Perubahan disimpan. Kirim ulang permohonan bila semua sudah diperbaiki."))
            return redirect(_after_details(req))
    return render(request, "requests_app/apply_details.html", {
        "service": req.service, "form": form, "applicant": req.applicant, "service_request": req,
        "on_behalf": req.applicant_id != request.user.pk,
        "balance": leave.annual_balance(req.applicant, timezone.localdate().year, exclude_request=req)
        if req.service.is_leave else None,
        "action_url": request.get_full_path(),
    })


@login_required
def apply_documents(request, code):
    """Step 2: one upload per requirement that applies; a new file replaces the current one."""
    req = _get_request_for_user(request, code)
    if req.status not in EDITABLE:
        messages.error(request, _("Dokumen permohonan ini tidak dapat diubah lagi."))
        return redirect("requests_app:detail", req.code)
    requirements, current = _requirements(req), _current_documents(req)
    form = forms.DocumentsForm(request.POST if request.method == "POST" else None, request.FILES or None,
                               requirements=requirements, current=current)
    if form.is_valid():
        try:
            for requirement, upload in form.uploads():
                workflow.attach_document(req, by=request.user, requirement=requirement, upload=upload)
        except WorkflowError as exc:
            messages.error(request, str(exc))
        else:
            if req.status == Status.REVISION:
                messages.success(request, _("Dokumen disimpan. Kirim ulang permohonan bila semua sudah diperbaiki."))
                return redirect("requests_app:detail", req.code)
            return redirect("requests_app:apply_review", req.code)
    rows = [(form[name], requirement, current.get(requirement.pk)) for name, requirement in form.requirements.items()]
    return render(request, "requests_app/apply_documents.html", {
        "service_request": req, "form": form, "rows": rows, "on_behalf": req.applicant_id != request.user.pk,
    })


@login_required
def apply_review(request, code):
    """Step 3: "Periksa kembali jawaban Anda", every answer with a link back to its step, and the submit button."""
    req = _get_request_for_user(request, code)
    if req.status != Status.DRAFT:
        return redirect("requests_app:detail", req.code)
    return render(request, "requests_app/apply_review.html", {
        "service_request": req,
        "answers": _answers(req),
        "requirements": [(r, _current_documents(req).get(r.pk)) for r in _requirements(req)],
        "missing": workflow.missing_documents(req),
        "leave": _leave_summary(req),
        "on_behalf": req.applicant_id != request.user.pk,
    })


def _answers(req):
    """(label, value, field name) of every answer, in the order of the details form."""
    form_class = forms.details_form_class(req.service)
    fields = form_class.base_fields
    rows = []
    if req.service.is_leave:
        rows += [
            (fields["leave_policy"].label, req.leave_policy.name if req.leave_policy_id else "", "leave_policy"),
            (fields["start_date"].label, req.start_date, "start_date"),
            (fields["end_date"].label, req.end_date, "end_date"),
        ]
    for name in form_class.detail_fields:
        value = req.details.get(name, "")
        if name == "hajj":
            if not value:
                continue
            value = _("Ya")
        rows.append((fields[name].label, value, name))
    if req.service.is_leave:
        supervisor = req.supervisor
        rows.append((fields["supervisor"].label, f"{supervisor.full_name} ({supervisor.nip_masked or supervisor.email})"
                     if supervisor else "", "supervisor"))
    return rows


@login_required
@require_POST
def apply_submit(request, code):
    req = _get_request_for_user(request, code)
    try:
        req = workflow.submit_request(req, by=request.user)
    except WorkflowError as exc:
        messages.error(request, str(exc))
        return redirect("requests_app:apply_review", req.code)
    return redirect("requests_app:apply_done", req.code)


@login_required
def apply_done(request, code):
    """Confirmation: the tracking code, what happens next and by when."""
    req = _get_request_for_user(request, code)
    if req.status == Status.DRAFT:
        return redirect("requests_app:apply_review", req.code)
    return render(request, "requests_app/apply_done.html", {
        "service_request": req, "on_behalf": req.applicant_id != request.user.pk,
    })


# --- following one's requests --------------------------------------------------------------------------


@login_required
def my_requests(request):
    mine = (ServiceRequest.objects.filter(applicant=request.user).exclude(status=Status.DRAFT)
            .select_related("service").order_by("-submitted_at", "-created"))
    drafts = (ServiceRequest.objects.filter(Q(applicant=request.user) | Q(filed_by=request.user), status=Status.DRAFT)
              .select_related("service", "applicant").order_by("-updated"))
    page = Paginator(mine, 25).get_page(request.GET.get("halaman"))
    return render(request, "requests_app/request_list.html", {"page": page, "drafts": drafts, "today": timezone.localdate()})


@login_required
def detail(request, code):
    req = _get_viewable_request(request, code)
    documents = req.documents.filter(superseded=False).select_related("requirement")
    return render(request, "requests_app/request_detail.html", {
        "service_request": req,
        "answers": _answers(req),
        "documents": documents,
        "timeline": _timeline(req),
        "holder": _holder(req),
        "actions": workflow.allowed_actions(req, request.user),
        "revision_note": _revision_note(req) if req.status == Status.REVISION else "",
        "leave": _leave_summary(req) if req.status in EDITABLE else None,
        "letter_url": _letter_url(req),
        "survey_template": _survey_template(req),
        "resubmit_form": forms.ResubmitForm() if req.status == Status.REVISION else None,
        "is_owner": request.user.pk in (req.applicant_id, req.filed_by_id),
        "today": timezone.localdate(),
    })


@login_required
def receipt(request, code):
    """Tanda terima: the printable proof that the request and its files were received, for the applicant and
    for the officer who filed it at the counter. Drafts have none: nothing has been received yet."""
    req = _get_viewable_request(request, code)
    if req.status == Status.DRAFT:
        raise Http404
    return render(request, "requests_app/receipt.html", {
        "service_request": req,
        "documents": req.documents.filter(superseded=False).select_related("requirement"),
        "applicant_number": identity.mask(req.applicant.nip or req.applicant.nik),
        "applicant_number_label": _("NI PPPK") if req.applicant.asn_type == "pppk" else _("NIP") if req.applicant.nip else _("NIK"),
        "fee": public.format_rupiah(req.service.fee),
        "lookup_url": settings.SITE_URL + reverse("requests_app:lookup"),
        "lookup_qr": letters.qr_data_uri(_lookup_link(req)),
        "printed_at": timezone.localtime(),
    })


def _lookup_link(req):
    """/lacak/ with the request's code filled in: what the receipt's QR code opens."""
    return settings.SITE_URL + reverse("requests_app:lookup") + "?" + urlencode({"kode": req.code})


@login_required
@require_POST
def resubmit(request, code):
    req = _get_request_for_user(request, code)
    form = forms.ResubmitForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Pesan terlalu panjang (paling banyak 500 karakter)."))
        return redirect("requests_app:detail", req.code)
    try:
        workflow.resubmit_request(req, by=request.user, note=form.cleaned_data["note"])
    except WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Perbaikan terkirim. Permohonan diproses kembali."))
    return redirect("requests_app:detail", req.code)


@login_required
@require_http_methods(["GET", "POST"])
def cancel(request, code):
    """GET asks for confirmation; POST cancels (the workflow allows it only before processing starts)."""
    req = _get_request_for_user(request, code)
    form = forms.CancelForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            workflow.cancel_request(req, by=request.user, reason=form.cleaned_data["reason"])
        except WorkflowError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Permohonan %(code)s dibatalkan.") % {"code": req.code})
        return redirect("requests_app:detail", req.code)
    return render(request, "requests_app/request_cancel.html", {"service_request": req, "form": form})


@login_required
def document(request, code, pk):
    """An uploaded file, as an attachment, to its owner and authorised staff only (everyone else: 404)."""
    req = _get_viewable_request(request, code, perm="requests_app.view_requestdocument")
    doc = get_object_or_404(RequestDocument, request=req, pk=pk)
    if not doc.file:  # deleted after the retention period (pelayanan/accounts/privacy.py); the row stays
        raise Http404
    try:
        handle = doc.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=uploads.download_name(doc.original_name, doc.content_type),
                            content_type=doc.content_type or "application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- the atasan langsung --------------------------------------------------------------------------------


@login_required
def consider_list(request):
    if not request.user.has_perm("requests_app.consider_leave"):
        raise PermissionDenied
    mine = ServiceRequest.objects.filter(supervisor=request.user, service__kind=Service.Kind.LEAVE).select_related(
        "applicant", "leave_policy", "service")
    return render(request, "requests_app/consider_list.html", {
        "waiting": mine.filter(status=Status.WITH_SUPERVISOR).order_by("submitted_at"),
        "decided": mine.exclude(supervisor_decision="").order_by("-updated")[:20],
    })


@login_required
def consider(request, code):
    """VII. Pertimbangan Atasan Langsung on one leave request: the data, the balance, and the decision."""
    req = _get_request_for_supervisor(request, code)
    can_decide = "consider" in workflow.allowed_actions(req, request.user)
    form = forms.ConsiderForm(request.POST if request.method == "POST" and can_decide else None)
    if request.method == "POST" and not can_decide:
        messages.error(request, _("Pertimbangan untuk permohonan ini sudah diberikan atau tidak lagi diperlukan."))
    if form.is_valid():
        try:
            workflow.consider_leave(req, by=request.user, decision=form.cleaned_data["decision"],
                                    note=form.cleaned_data["note"])
        except WorkflowError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Pertimbangan untuk %(code)s tersimpan dan diberitahukan kepada pemohon.")
                             % {"code": req.code})
            return redirect("requests_app:consider_list")
    return render(request, "requests_app/consider.html", {
        "service_request": req, "form": form if can_decide else None, "answers": _answers(req),
        "leave": _leave_summary(req), "documents": req.documents.filter(superseded=False).select_related("requirement"),
    })


# --- public lookup --------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def lookup(request):
    """Tracking code + last four NIK digits -> status and timeline; never names, NIK or documents.

    A wrong code and a wrong NIK give the same message, and each IP has LOOKUP_LIMIT tries per window,
    so the page cannot be used to find out which codes exist.
    """
    if request.method == "POST":
        form = forms.LookupForm(request.POST)
    else:  # the QR code on a printed receipt opens this page with its code filled in (?kode=)
        form = forms.LookupForm(initial={"code": request.GET.get("kode", "")[:30]})
    found = None
    if request.method == "POST":
        if not ratelimit.hit(f"lookup:ip:{ratelimit.client_ip(request)}", LOOKUP_LIMIT, LOOKUP_WINDOW):
            return render(request, "requests_app/lookup.html", {"form": forms.LookupForm(), "limited": True}, status=429)
        if form.is_valid():
            found = _find_for_lookup(form.cleaned_data["code"], form.cleaned_data["nik_last4"])
            if found is None:
                form.add_error(None, _("Kode lacak atau 4 angka terakhir NIK tidak cocok. Periksa kembali keduanya."))
    context = {"form": form, "found": found}
    if found is not None:
        context.update(timeline=_timeline(found, public=True), holder=_holder(found, public=True))
    return render(request, "requests_app/lookup.html", context)


def _find_for_lookup(code, nik_last4):
    req = ServiceRequest.objects.select_related("service", "service__unit", "applicant").exclude(
        status=Status.DRAFT).filter(code=code).first()
    nik = req.applicant.nik if req else ""
    if req is None or len(nik) < 4 or nik[-4:] != nik_last4:
        return None
    return req
