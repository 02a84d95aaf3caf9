"""Every state change of a ServiceRequest, and nothing else writes `status` (STYLE.md rule 3).

Each transition: opens a transaction, re-reads the row with select_for_update, checks the
actor's permission and the from-state (raising WorkflowError, with nothing written),
saves with update_fields, writes the RequestEvent, and registers the citizen's
notification and any Celery work with transaction.on_commit.

States (issue "Staff queue"): draft -> submitted | with_supervisor (leave) -> in_review
(assigned, then verified) <-> revision -> approved -> letter_issued; rejected; cancelled.
The leave chain follows the BKN form: VII Pertimbangan Atasan Langsung, then
VIII Keputusan PYBMC (Peraturan BKN 24/2017, DOMAIN.md §2.2).
"""

import datetime as dt
import hashlib

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from pelayanan.emails import render_after_commit, send_after_commit
from pelayanan.text import sentence

from . import calendar, leave, numbering
from .models import Letter, RequestDocument, RequestEvent, ServiceRequest, random_code

Status = ServiceRequest.Status
Action = RequestEvent.Action
Decision = ServiceRequest.SupervisorDecision


class WorkflowError(Exception):
    """A transition that is not allowed; the message is shown to the user as it is."""


# --- helpers -----------------------------------------------------------------------------------


def _lock(req):
    return ServiceRequest.objects.select_for_update(of=("self",)).select_related("service__unit", "applicant").get(pk=req.pk)


def _require_status(req, *allowed):
    if req.status not in allowed:
        raise WorkflowError(
            _("Permohonan %(code)s berstatus “%(status)s”; tindakan ini tidak dapat dilakukan.")
            % {"code": req.code, "status": req.get_status_display()}
        )


def _require_perm(user, perm):
    if user is None or not user.is_active or not user.has_perm(f"requests_app.{perm}"):
        raise WorkflowError(_("Anda tidak berwenang melakukan tindakan ini."))


def in_scope(user, req):
    """Officers act on requests of their own unit or of a bidang under it; superusers on all."""
    if user.is_superuser:
        return True
    unit = req.service.unit
    return user.unit_id is not None and user.unit_id in (unit.pk, unit.parent_id)


def _require_scope(user, req):
    if not in_scope(user, req):
        raise WorkflowError(_("Permohonan ini bukan wewenang unit Anda."))


def _record(req, *, by, action, from_status, note="", public_note=""):
    return RequestEvent.objects.create(
        request=req, actor=by, action=action, from_status=from_status, to_status=req.status,
        note=note, public_note=public_note,
    )


HEADLINE_ACTIONS = (Action.VERIFIED, Action.SUPERVISOR_DECIDED)


def status_context(req, event) -> dict:
    """What the applicant's e-mail about a change says (templates/emails/request-status-*)."""
    ctx = {
        "service_request": req,
        "event": event,
        "status": req.get_status_display(),
        # The subject names what happened when the status alone would not tell it: a verification keeps
        # "Diverifikasi/Diproses", and the atasan's yes sends a leave request back to "Diajukan".
        "headline": event.get_action_display() if event.action in HEADLINE_ACTIONS else req.get_status_display(),
        "detail_url": settings.SITE_URL + reverse("requests_app:detail", args=[req.code]),
    }
    if event.action in (Action.SUBMITTED, Action.ASSISTED):
        ctx["receipt_url"] = settings.SITE_URL + reverse("requests_app:receipt", args=[req.code])
    if req.status == Status.LETTER_ISSUED:
        ctx["letter_url"] = settings.SITE_URL + reverse("requests_app:letter_pdf", args=[req.code])
    if req.status in (Status.LETTER_ISSUED, Status.REJECTED):
        from feedback import ikm  # the IKM survey is offered once the request is finished (PermenPANRB 14/2017)

        if ikm.can_take_survey(req):
            ctx["survey_url"] = ikm.survey_url_for(req, absolute=True)
    return ctx


def _notify(req, event, *, later=False):
    """E-mail the applicant about a change, sent by Celery after commit. Rendered now, or with later=True
    by the mail worker (tasks.send_status_email), which spares the letter worker that work."""
    if later:
        render_after_commit("requests_app.tasks.send_status_email", event.pk)
    else:
        send_after_commit("request-status", req.applicant.email, status_context(req, event))


def _new_code(service):
    year = timezone.localdate().strftime("%y")
    return f"{service.code}-{year}-{random_code(6)}"


# --- the applicant's side ----------------------------------------------------------------------


def create_draft(service, *, applicant, idempotency_key, filed_by=None, details=None, leave_fields=None):
    """Start an application. A replayed first step (same idempotency key) returns the same draft."""
    existing = ServiceRequest.objects.filter(idempotency_key=idempotency_key).first()
    if existing:
        if existing.applicant_id != applicant.pk:
            raise WorkflowError(_("Formulir ini sudah dipakai. Silakan mulai lagi."))
        return existing
    if not service.active:
        raise WorkflowError(_("Layanan ini sedang tidak dibuka."))
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return ServiceRequest.objects.create(
                    service=service, applicant=applicant, filed_by=filed_by, status=Status.DRAFT,
                    code=_new_code(service), idempotency_key=idempotency_key,
                    details=details or {}, **(leave_fields or {}),
                )
        except IntegrityError:
            existing = ServiceRequest.objects.filter(idempotency_key=idempotency_key).first()
            if existing:
                return existing
            # Otherwise the random code collided: try another one.
    raise WorkflowError(_("Gagal membuat kode permohonan. Silakan coba lagi."))


def update_details(req, *, by, details=None, leave_fields=None):
    """Change the answers of a draft, or of a request sent back for revision."""
    with transaction.atomic():
        req = _lock(req)
        _require_owner(req, by)
        _require_status(req, Status.DRAFT, Status.REVISION)
        fields = []
        if details is not None:
            req.details = details
            fields.append("details")
        for name, value in (leave_fields or {}).items():
            setattr(req, name, value)
            fields.append(name)
        req.save(update_fields=[*fields, "updated"])
    return req


def _require_owner(req, user):
    if user is None or (req.applicant_id != user.pk and req.filed_by_id != user.pk):
        raise WorkflowError(_("Permohonan ini bukan milik Anda."))


def attach_document(req, *, by, requirement, upload):
    """Store a validated upload for a requirement, superseding the previous file for it."""
    upload.seek(0)
    digest = hashlib.sha256(upload.read()).hexdigest()
    upload.seek(0)
    with transaction.atomic():
        req = _lock(req)
        _require_owner(req, by)
        _require_status(req, Status.DRAFT, Status.REVISION)
        req.documents.filter(requirement=requirement, superseded=False).update(superseded=True)
        doc = RequestDocument(
            request=req, requirement=requirement, original_name=upload.name[:200],
            content_type=getattr(upload, "detected_type", "") or upload.content_type or "",
            size=upload.size, sha256=digest, uploaded_by=by,
        )
        doc.file.save("upload", upload, save=False)
        try:
            doc.save()
        except Exception:
            doc.file.delete(save=False)
            raise
    return doc


def missing_documents(req):
    """Required documents of this request (for its leave type) that have no current upload."""
    code = req.leave_policy.code if req.leave_policy_id else ""
    have = set(req.documents.filter(superseded=False).values_list("requirement_id", flat=True))
    return [r for r in req.service.requirements.all() if r.required and r.applies_to(code) and r.pk not in have]


def _leave_errors(req):
    if not req.service.is_leave:
        return []
    if not req.leave_policy_id or not req.start_date or not req.end_date:
        return [_("Jenis cuti dan tanggal cuti wajib diisi.")]
    if req.supervisor_id is None:
        return [_("Atasan langsung wajib dipilih.")]
    check = leave.check_request(req.applicant, req.leave_policy, req.start_date, req.end_date, exclude_request=req,
                                hajj=bool(req.details.get("hajj")))
    return check.errors


def submit_request(req, *, by):
    """Send a draft to the agency (or, for leave, to the atasan langsung first).

    Submitting twice (double click, replayed POST) is harmless: the second call finds the
    request already submitted and returns it unchanged.
    """
    with transaction.atomic():
        req = _lock(req)
        _require_owner(req, by)
        if req.status != Status.DRAFT:
            return req
        problems = [_("Dokumen wajib belum diunggah: %(name)s.") % {"name": r.name} for r in missing_documents(req)]
        problems += _leave_errors(req)
        if problems:
            raise WorkflowError(" ".join(problems))
        if req.service.asn_only and not req.applicant.is_asn:
            raise WorkflowError(_("Layanan ini hanya untuk ASN (PNS, CPNS atau PPPK)."))
        now = timezone.now()
        from_status = req.status
        req.status = Status.WITH_SUPERVISOR if req.service.is_leave else Status.SUBMITTED
        req.submitted_at = now
        req.due_date = req.service.due_date_if_sent(timezone.localdate(now))
        fields = ["status", "submitted_at", "due_date", "updated"]
        if req.service.is_leave:
            req.duration = leave.leave_length(req.leave_policy, req.start_date, req.end_date)
            req.duration_unit = req.leave_policy.unit
            req.calendar_snapshot = calendar.snapshot(req.start_date, req.end_date)
            fields += ["duration", "duration_unit", "calendar_snapshot"]
        req.save(update_fields=fields)
        assisted = req.is_assisted
        event = _record(
            req, by=by, action=Action.ASSISTED if assisted else Action.SUBMITTED, from_status=from_status,
            public_note=_("Diajukan melalui loket oleh petugas.") if assisted else "",
        )
        if req.status == Status.WITH_SUPERVISOR:
            _record(
                req, by=None, action=Action.SENT_TO_SUPERVISOR, from_status=req.status,
                public_note=sentence(_("Menunggu pertimbangan %(name)s.") % {"name": req.supervisor.full_name}),
            )
            send_after_commit("supervisor-request", req.supervisor.email, {
                "service_request": req,
                "detail_url": settings.SITE_URL + reverse("requests_app:consider", args=[req.code]),
            })
        _notify(req, event)
    return req


def resubmit_request(req, *, by, note=""):
    """The applicant sends the corrected request back; the SLA clock resumes where it stopped."""
    with transaction.atomic():
        req = _lock(req)
        _require_owner(req, by)
        _require_status(req, Status.REVISION)
        problems = [_("Dokumen wajib belum diunggah: %(name)s.") % {"name": r.name} for r in missing_documents(req)]
        problems += _leave_errors(req)
        if problems:
            raise WorkflowError(" ".join(problems))
        from_status = req.status
        req.due_date = _resume_due_date(req)
        req.paused_at = None
        if req.service.is_leave and req.supervisor_decision == Decision.CHANGED:
            req.status = Status.WITH_SUPERVISOR
            req.supervisor_decision = ""
        else:
            req.status = Status.IN_REVIEW if req.assigned_to_id else Status.SUBMITTED
        fields = ["status", "due_date", "paused_at", "supervisor_decision", "updated"]
        if req.service.is_leave:
            req.duration = leave.leave_length(req.leave_policy, req.start_date, req.end_date)
            req.calendar_snapshot = calendar.snapshot(req.start_date, req.end_date)
            fields += ["duration", "calendar_snapshot"]
        req.save(update_fields=fields)
        event = _record(req, by=by, action=Action.RESUBMITTED, from_status=from_status, public_note=note)
        _notify(req, event)
    return req


def _resume_due_date(req, today=None):
    """Push the due date back by the working days the applicant spent on the revision."""
    today = today or timezone.localdate()
    if not req.paused_at or not req.due_date:
        return req.due_date
    paused_on = timezone.localtime(req.paused_at).date()
    spent = calendar.working_days_between(paused_on + dt.timedelta(days=1), today)
    return calendar.add_working_days(req.due_date, spent) if spent else req.due_date


def cancel_request(req, *, by, reason=""):
    with transaction.atomic():
        req = _lock(req)
        if req.applicant_id != getattr(by, "pk", None):
            raise WorkflowError(_("Hanya pemohon yang dapat membatalkan permohonannya."))
        _require_status(req, Status.SUBMITTED, Status.WITH_SUPERVISOR, Status.REVISION)
        from_status = req.status
        req.status = Status.CANCELLED
        req.finished_at = timezone.now()
        req.paused_at = None
        req.save(update_fields=["status", "finished_at", "paused_at", "updated"])
        event = _record(req, by=by, action=Action.CANCELLED, from_status=from_status, public_note=reason)
        _notify(req, event)
    return req


# --- the atasan langsung ------------------------------------------------------------------------


def consider_leave(req, *, by, decision, note=""):
    """Pertimbangan Atasan Langsung: disetujui, perubahan, ditangguhkan or tidak disetujui (reason for the last three)."""
    if decision not in Decision.values:
        raise WorkflowError(_("Pilihan pertimbangan tidak dikenal."))
    if decision != Decision.APPROVED and not note.strip():
        raise WorkflowError(_("Alasan wajib diisi untuk pertimbangan selain “Disetujui”."))
    with transaction.atomic():
        req = _lock(req)
        _require_perm(by, "consider_leave")
        if req.supervisor_id != by.pk:
            raise WorkflowError(_("Anda bukan atasan langsung yang dipilih pemohon."))
        _require_status(req, Status.WITH_SUPERVISOR)
        from_status = req.status
        req.supervisor_decision = decision
        req.supervisor_note = note
        fields = ["supervisor_decision", "supervisor_note", "status", "updated"]
        if decision == Decision.APPROVED:
            req.status = Status.SUBMITTED  # on to the agency's officers
        elif decision == Decision.CHANGED:
            req.status = Status.REVISION  # the applicant adjusts, then it comes back to the atasan
            req.paused_at = timezone.now()
            fields.append("paused_at")
        else:
            req.status = Status.REJECTED
            req.rejection_reason = note
            req.finished_at = req.decided_at = timezone.now()
            fields += ["rejection_reason", "finished_at", "decided_at"]
        req.save(update_fields=fields)
        outcome = Decision(decision).label
        if decision == Decision.APPROVED:
            outcome = _("Disetujui atasan langsung; permohonan diteruskan ke petugas BKPSDM")
        event = _record(
            req, by=by, action=Action.SUPERVISOR_DECIDED, from_status=from_status,
            public_note=f"{outcome}. {note}".strip(),
        )
        _notify(req, event)
    return req


# --- officers ------------------------------------------------------------------------------------


def assign_request(req, *, by, to=None):
    """Take a request ("assign to me") or hand it to a colleague of the same unit.

    Two officers taking the same request at once: the row lock serialises them and the
    second one finds it already taken by the first.
    """
    to = to or by
    with transaction.atomic():
        req = _lock(req)
        if to == by:
            _require_perm(by, "verify_servicerequest")
        else:
            _require_any_officer(by)
        _require_scope(by, req)
        _require_status(req, Status.SUBMITTED, Status.IN_REVIEW)
        if not to.has_perm("requests_app.verify_servicerequest") or not to.is_active:
            raise WorkflowError(_("%(name)s bukan petugas layanan.") % {"name": to})
        _require_scope(to, req)
        if req.assigned_to_id == to.pk:
            raise WorkflowError(sentence(_("Permohonan %(code)s sudah ditangani %(name)s.") % {"code": req.code, "name": to}))
        if req.assigned_to_id and to == by and not by.is_superuser:
            raise WorkflowError(
                sentence(_("Permohonan %(code)s sudah ditangani %(name)s.") % {"code": req.code, "name": req.assigned_to})
            )
        from_status = req.status
        req.assigned_to = to
        req.status = Status.IN_REVIEW
        req.save(update_fields=["assigned_to", "status", "updated"])
        event = _record(req, by=by, action=Action.ASSIGNED, from_status=from_status,
                        note=sentence(_("Ditugaskan kepada %(name)s.") % {"name": to}))
        if from_status != req.status:
            _notify(req, event)
    return req


def _require_any_officer(user):
    if not (user.has_perm("requests_app.verify_servicerequest") or user.has_perm("requests_app.approve_servicerequest")):
        raise WorkflowError(_("Anda tidak berwenang melakukan tindakan ini."))


def _require_assignee(req, user):
    if req.assigned_to_id != user.pk and not user.is_superuser:
        raise WorkflowError(_("Permohonan ini sedang ditangani petugas lain. Ambil alih terlebih dahulu."))


def request_revision(req, *, by, public_note, note=""):
    """Send the request back to the applicant; the SLA clock stops until they resubmit."""
    if not public_note.strip():
        raise WorkflowError(_("Tuliskan apa yang perlu diperbaiki pemohon."))
    with transaction.atomic():
        req = _lock(req)
        _require_perm(by, "verify_servicerequest")
        _require_scope(by, req)
        _require_status(req, Status.IN_REVIEW)
        _require_assignee(req, by)
        from_status = req.status
        req.status = Status.REVISION
        req.paused_at = timezone.now()
        req.verified_by = None  # what is corrected must be verified again
        req.save(update_fields=["status", "paused_at", "verified_by", "updated"])
        event = _record(req, by=by, action=Action.REVISION_REQUESTED, from_status=from_status,
                        note=note, public_note=public_note)
        _notify(req, event)
    return req


def verify_request(req, *, by, note=""):
    """The assigned officer confirms the file is complete and correct; a signing official decides next."""
    with transaction.atomic():
        req = _lock(req)
        _require_perm(by, "verify_servicerequest")
        _require_scope(by, req)
        _require_status(req, Status.IN_REVIEW)
        _require_assignee(req, by)
        if req.verified_by_id:
            raise WorkflowError(_("Permohonan %(code)s sudah diverifikasi.") % {"code": req.code})
        req.verified_by = by
        req.save(update_fields=["verified_by", "updated"])
        event = _record(req, by=by, action=Action.VERIFIED, from_status=req.status, note=note,
                        public_note=_("Berkas lengkap dan telah diverifikasi; menunggu keputusan pejabat."))
        _notify(req, event)
    return req


def _require_decider(req, by):
    _require_perm(by, "approve_servicerequest")
    _require_scope(by, req)
    if req.verified_by_id == by.pk:
        # Four eyes: whoever verified a request may not also decide it.
        raise WorkflowError(_("Permohonan yang Anda verifikasi sendiri harus diputuskan pejabat lain."))


def approve_request(req, *, by, note=""):
    """Approve a verified request. The letter number is reserved now, in this transaction
    (gap-free, DOMAIN.md §3.3); the PDF is rendered by a Celery task after commit."""
    with transaction.atomic():
        req = _lock(req)
        _require_decider(req, by)
        _require_status(req, Status.IN_REVIEW)
        if not req.verified_by_id:
            raise WorkflowError(_("Permohonan %(code)s belum diverifikasi petugas.") % {"code": req.code})
        from_status = req.status
        now = timezone.now()
        req.status = Status.APPROVED
        req.decided_by = by
        req.decided_at = now
        req.save(update_fields=["status", "decided_by", "decided_at", "updated"])
        letter = numbering.create_letter(req, signer=by, issued_at=now)
        event = _record(req, by=by, action=Action.APPROVED, from_status=from_status, note=note,
                        public_note=_("Disetujui. Surat sedang dibuat."))
        # The "disetujui" e-mail first: on-commit hooks run in order, and where Celery runs eagerly (make run)
        # the letter task would otherwise issue the letter, and send its e-mail, before this one left.
        _notify(req, event)
        _queue_letter(letter)
    return req


def _queue_letter(letter):
    # queue_letter logs instead of raising when Redis is down: the approval is committed by then,
    # and resend_pending_letters picks the pending letter up later.
    from .tasks import queue_letter

    transaction.on_commit(lambda: queue_letter(letter.request_id))


def reject_request(req, *, by, reason, note=""):
    if not reason.strip():
        raise WorkflowError(_("Alasan penolakan wajib diisi."))
    with transaction.atomic():
        req = _lock(req)
        _require_decider(req, by)
        _require_status(req, Status.SUBMITTED, Status.IN_REVIEW)
        from_status = req.status
        now = timezone.now()
        req.status = Status.REJECTED
        req.rejection_reason = reason
        req.decided_by = by
        req.decided_at = req.finished_at = now
        req.save(update_fields=["status", "rejection_reason", "decided_by", "decided_at", "finished_at", "updated"])
        event = _record(req, by=by, action=Action.REJECTED, from_status=from_status, note=note, public_note=reason)
        _notify(req, event)
    return req


# --- letters (called by the Celery task and by staff) -------------------------------------------


def mark_letter_issued(req, *, savepoint=True):
    """The worker stored the PDF: the request is finished and the applicant can download it.

    The move is one conditional UPDATE (it takes the row lock itself); the request is read again under
    a lock only when it did not match. savepoint=False: the caller's transaction rolls back as a whole
    on failure (letters.store_pdf), so the two statements a savepoint costs are not needed.
    """
    with transaction.atomic(savepoint=savepoint):
        now = timezone.now()
        moved = ServiceRequest.objects.filter(pk=req.pk, status=Status.APPROVED).update(
            status=Status.LETTER_ISSUED, finished_at=now, updated=now)
        if not moved:
            req = _lock(req)
            if req.status == Status.LETTER_ISSUED:
                return req
            _require_status(req, Status.APPROVED)  # raises: the UPDATE above matches an approved request
        req.status, req.finished_at, req.updated = Status.LETTER_ISSUED, now, now
        event = _record(req, by=None, action=Action.LETTER_ISSUED, from_status=Status.APPROVED,
                        public_note=_("Surat dapat diunduh."))
        _notify(req, event, later=True)
    return req


def mark_letter_failed(req, *, error):
    """The last retry failed: make it visible in the queue (the admin offers "buat ulang surat")."""
    with transaction.atomic():
        req = _lock(req)
        updated = (Letter.objects.filter(request=req).exclude(status=Letter.Status.ISSUED)
                   .update(status=Letter.Status.FAILED, last_error=error[:2000], claimed_at=None))
        if not updated:
            return req  # a late failure report must never undo an issued letter
        _record(req, by=None, action=Action.LETTER_FAILED, from_status=req.status, note=error[:2000])
    return req


def regenerate_letter(req, *, by):
    """Staff re-queue a letter whose rendering failed; the number stays the same."""
    with transaction.atomic():
        req = _lock(req)
        _require_perm(by, "approve_servicerequest")
        _require_scope(by, req)
        _require_status(req, Status.APPROVED)
        letter = Letter.objects.select_for_update().get(request=req)
        letter.status = Letter.Status.PENDING
        letter.claimed_at = None
        letter.save(update_fields=["status", "claimed_at"])
        _record(req, by=by, action=Action.APPROVED, from_status=req.status, note=_("Pembuatan surat diulang."))
        _queue_letter(letter)
    return req


def revoke_letter(req, *, by, reason):
    """Revoke an issued letter; it stays in the register and the verification page says so."""
    if not reason.strip():
        raise WorkflowError(_("Alasan pencabutan wajib diisi."))
    with transaction.atomic():
        req = _lock(req)
        _require_perm(by, "approve_servicerequest")
        _require_scope(by, req)
        letter = Letter.objects.select_for_update().filter(request=req).first()
        if letter is None or letter.status != Letter.Status.ISSUED or letter.revoked_at:
            raise WorkflowError(_("Tidak ada surat terbit yang dapat dicabut."))
        letter.revoked_at = timezone.now()
        letter.revoked_reason = reason
        letter.save(update_fields=["revoked_at", "revoked_reason"])
        event = _record(req, by=by, action=Action.LETTER_REVOKED, from_status=req.status, public_note=reason)
        _notify(req, event)
    return req


# --- what a user may do now (for buttons; the functions above still decide) --------------------


def allowed_actions(req, user):
    """Names of the transitions `user` may attempt on `req` in its current state."""
    actions = []
    if not getattr(user, "is_authenticated", False):
        return actions
    if req.applicant_id == user.pk:
        if req.status == Status.REVISION:
            actions.append("resubmit")
        if req.can_cancel:
            actions.append("cancel")
    if req.status == Status.WITH_SUPERVISOR and req.supervisor_id == user.pk and user.has_perm("requests_app.consider_leave"):
        actions.append("consider")
    if not in_scope(user, req):
        return actions
    is_verifier = user.has_perm("requests_app.verify_servicerequest")
    is_decider = user.has_perm("requests_app.approve_servicerequest")
    if req.status in (Status.SUBMITTED, Status.IN_REVIEW) and is_verifier and req.assigned_to_id != user.pk:
        if not req.assigned_to_id or user.is_superuser:
            actions.append("assign")
    if req.status == Status.IN_REVIEW and is_verifier and (req.assigned_to_id == user.pk or user.is_superuser):
        actions.append("revision")
        if not req.verified_by_id:
            actions.append("verify")
    if is_decider and req.verified_by_id != user.pk:
        if req.status == Status.IN_REVIEW and req.verified_by_id:
            actions.append("approve")
        if req.status in (Status.SUBMITTED, Status.IN_REVIEW):
            actions.append("reject")
    if req.status == Status.APPROVED and is_decider and getattr(getattr(req, "letter", None), "status", "") == Letter.Status.FAILED:
        actions.append("regenerate")
    return actions
