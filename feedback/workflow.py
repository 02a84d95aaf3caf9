"""Every change to a complaint or suggestion, and nothing else writes its status (STYLE.md rule 3).

Each function opens a transaction, re-reads the row with select_for_update, checks the actor's
permission, unit and the from-state (raising WorkflowError with nothing written), saves with
update_fields, appends a FeedbackEvent, and queues e-mail with transaction.on_commit.

Deadlines (SP4N-LAPOR! practice, DOMAIN.md Addendum §4.3): a first response within 3 working days, and
resolution within the working days of the item's ComplaintTier (5, 14 or 60 as seeded), both counted
from the day it was received with requests_app.calendar (weekends, national holidays, cuti bersama).
"""

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from pelayanan.emails import send_after_commit
from pelayanan.models import OrganisationUnit
from pelayanan.text import sentence
from requests_app.calendar import add_working_days
from requests_app.models import ServiceRequest, random_code

from .models import ComplaintTier, Feedback, FeedbackEvent, SuggestionSupport

Status = Feedback.Status
Action = FeedbackEvent.Action

FIRST_RESPONSE_DAYS = 3
# Items without a service (or whose service has no unit) go to the agency's general intake.
DEFAULT_UNIT_CODE = "bkpsdm"

TRANSITIONS = {
    Status.RECEIVED: {Status.REVIEWING, Status.IN_PROGRESS, Status.DECLINED, Status.CLOSED},
    Status.REVIEWING: {Status.IN_PROGRESS, Status.DECLINED, Status.CLOSED},
    Status.IN_PROGRESS: {Status.REVIEWING, Status.DECLINED, Status.CLOSED},
    # Reopening a finished item puts it back under review.
    Status.DECLINED: {Status.REVIEWING},
    Status.CLOSED: {Status.REVIEWING},
}


class WorkflowError(Exception):
    """A change that is not allowed; the message is shown to the user as it is."""


# --- helpers -----------------------------------------------------------------------------------


def _lock(fb):
    return Feedback.objects.select_for_update().get(pk=fb.pk)


def _require_perm(user, perm):
    if user is None or not user.is_active or not user.is_staff or not user.has_perm(f"feedback.{perm}"):
        raise WorkflowError(_("Anda tidak berwenang melakukan tindakan ini."))


def _in_scope(user, fb):
    return user.is_superuser or user.has_perm("requests_app.view_all_units") or (user.unit_id is not None and user.unit_id == fb.unit_id)


def _require_scope(user, fb):
    if not _in_scope(user, fb):
        raise WorkflowError(_("Pengaduan/saran ini bukan wewenang unit Anda."))


def _require_officer(user, fb, perm="change_feedback"):
    _require_perm(user, perm)
    _require_scope(user, fb)


def _record(fb, *, by, action, from_status="", note="", public_note=""):
    return FeedbackEvent.objects.create(
        feedback=fb, actor=by, action=action, from_status=from_status, to_status=fb.status, note=note, public_note=public_note,
    )


def track_url(fb):
    return f"{settings.SITE_URL}{reverse('feedback:track')}?kode={fb.code}"


def _email_filer(fb, name, event=None):
    if fb.email:
        ctx = {"feedback": fb, "event": event, "status": fb.get_status_display(), "track_url": track_url(fb)}
        send_after_commit(name, fb.email, ctx)


def deadlines(received_on, tier):
    """(first response due, resolution due) for an item received on `received_on`, in working days."""
    return add_working_days(received_on, FIRST_RESPONSE_DAYS), add_working_days(received_on, tier.resolution_days)


def default_tier():
    tier = ComplaintTier.objects.filter(active=True).order_by("order", "resolution_days").first()
    if tier is None:
        raise WorkflowError(_("Belum ada tingkat pengaduan yang aktif. Hubungi administrator."))
    return tier


def route(service=None, service_request=None):
    """The unit that handles an item: the unit of its request's service, else of its service, else intake."""
    service = service_request.service if service_request is not None else service
    if service is not None and service.unit_id:
        return service.unit
    return OrganisationUnit.objects.get(code=DEFAULT_UNIT_CODE)


def _new_code(kind):
    prefix = Feedback.CODE_PREFIX[kind]
    year = timezone.localdate().strftime("%y")
    while True:
        code = f"{prefix}-{year}-{random_code(6)}"
        if not Feedback.objects.filter(code=code).exists():
            return code


# --- filing ------------------------------------------------------------------------------------


def file_feedback(*, kind, category, title, text, service=None, related_code="", name="", email="", phone="",
                  consent_public=False, attachment=None):
    """Store a new complaint or suggestion from the public form, route it and start its deadlines.

    `related_code` is the request code the filer typed; when it matches a ServiceRequest the item is
    linked to it (and routed to its service's unit). The filer is never told whether it matched.
    `attachment` is a forms.CheckedUpload (content and size checked by requests_app.uploads).
    """
    service_request = ServiceRequest.objects.select_related("service").filter(code=related_code).first() if related_code else None
    if kind == Feedback.Kind.COMPLAINT:
        consent_public = False  # only suggestions are ever published
    tier = default_tier()
    received_on = timezone.localdate()
    response_due, resolution_due = deadlines(received_on, tier)
    fb = Feedback(
        kind=kind, category=category, title=title, text=text,
        service=service_request.service if service_request else service,
        request=service_request, related_code=related_code,
        unit=route(service, service_request), tier=tier,
        name=name, email=email, phone=phone, consent_public=consent_public,
        received_on=received_on, response_due=response_due, resolution_due=resolution_due,
    )
    with transaction.atomic():
        for attempt in range(5):
            fb.code = _new_code(kind)
            try:
                with transaction.atomic():
                    if attachment is not None and attempt == 0:
                        fb.attachment_type = attachment.content_type
                        fb.attachment_name = attachment.name
                        fb.attachment_size = attachment.size
                        fb.attachment.save("upload", attachment.file, save=False)
                    fb.save()
                break
            except IntegrityError:  # two filers drew the same code at the same moment
                if attempt == 4:
                    raise
        event = _record(fb, by=None, action=Action.FILED)
        _email_filer(fb, "feedback-received", event)
    return fb


# --- staff actions -----------------------------------------------------------------------------


def assign(fb, *, to, by):
    """Make `to` the officer handling the item ("ambil alih"); `to` must be allowed to handle it."""
    with transaction.atomic():
        fb = _lock(fb)
        _require_officer(by, fb)
        if not fb.is_open:
            raise WorkflowError(_("%(code)s sudah selesai; tidak dapat ditugaskan.") % {"code": fb.code})
        _require_officer(to, fb)
        if fb.assigned_to_id == to.pk:
            raise WorkflowError(sentence(_("%(code)s sudah ditangani oleh %(name)s.") % {"code": fb.code, "name": to}))
        fb.assigned_to = to
        fb.save(update_fields=["assigned_to", "updated"])
        _record(fb, by=by, action=Action.ASSIGNED, from_status=fb.status, note=_("Ditangani oleh %(name)s") % {"name": to})
    return fb


def _check_status(fb, to, public_note, note):
    if to not in TRANSITIONS[fb.status]:
        raise WorkflowError(
            _("Status tidak dapat diubah dari “%(from)s” menjadi “%(to)s”.")
            % {"from": fb.get_status_display(), "to": Status(to).label}
        )
    if to in Feedback.FINAL_STATUSES and not public_note.strip():
        raise WorkflowError(_("Tuliskan tanggapan untuk pelapor sebelum menyelesaikan atau menolak."))
    if fb.status in Feedback.FINAL_STATUSES and not (public_note.strip() or note.strip()):
        raise WorkflowError(_("Tuliskan alasan membuka kembali."))


def _answer_fields(fb, public_note, now):
    fields = []
    if public_note:
        fb.answer, fb.answered_at = public_note, now
        fields += ["answer", "answered_at"]
    if fb.responded_at is None:
        fb.responded_at = now
        fields.append("responded_at")
    return fields


def change_status(fb, *, to, by, public_note="", note=""):
    """Move the item to status `to`. Finishing or declining needs a public answer; it is e-mailed."""
    public_note, note = public_note.strip(), note.strip()
    with transaction.atomic():
        fb = _lock(fb)
        _require_officer(by, fb)
        _check_status(fb, to, public_note, note)
        now, old = timezone.now(), fb.status
        fb.status = to
        fields = ["status", "closed_at", "updated", *_answer_fields(fb, public_note, now)]
        fb.closed_at = now if to in Feedback.FINAL_STATUSES else None
        fb.save(update_fields=fields)
        event = _record(fb, by=by, action=Action.STATUS, from_status=old, note=note, public_note=public_note)
        if public_note:
            _email_filer(fb, "feedback-answer", event)
    return fb


def answer(fb, *, by, text, note=""):
    """Publish an answer to the filer without changing the status; it is e-mailed to them."""
    text = text.strip()
    if not text:
        raise WorkflowError(_("Tanggapan tidak boleh kosong."))
    with transaction.atomic():
        fb = _lock(fb)
        _require_officer(by, fb)
        fb.save(update_fields=["updated", *_answer_fields(fb, text, timezone.now())])
        event = _record(fb, by=by, action=Action.ANSWERED, from_status=fb.status, note=note.strip(), public_note=text)
        _email_filer(fb, "feedback-answer", event)
    return fb


def add_note(fb, *, by, note):
    """An internal note for colleagues; never shown to the filer."""
    note = note.strip()
    if not note:
        raise WorkflowError(_("Catatan tidak boleh kosong."))
    with transaction.atomic():
        fb = _lock(fb)
        _require_officer(by, fb)
        _record(fb, by=by, action=Action.NOTE, from_status=fb.status, note=note)
    return fb


def set_tier(fb, *, tier, by, note=""):
    """Reclassify the item; the resolution deadline is recounted from the day it was received."""
    with transaction.atomic():
        fb = _lock(fb)
        _require_officer(by, fb)
        if not tier.active:
            raise WorkflowError(_("Tingkat pengaduan ini tidak aktif."))
        old = fb.tier
        fb.tier = tier
        fb.resolution_due = deadlines(fb.received_on, tier)[1]
        fb.save(update_fields=["tier", "resolution_due", "updated"])
        text = _("%(old)s menjadi %(new)s") % {"old": old, "new": tier}
        _record(fb, by=by, action=Action.TIER, from_status=fb.status, note=f"{text}. {note.strip()}".strip(" ."))
    return fb


def forward(fb, *, unit, by, note=""):
    """Hand the item to another unit (e.g. from the general intake to the unit that owns the matter)."""
    with transaction.atomic():
        fb = _lock(fb)
        _require_officer(by, fb)
        if unit.pk == fb.unit_id:
            raise WorkflowError(_("Pengaduan/saran ini sudah berada di unit tersebut."))
        old = fb.unit
        fb.unit, fb.assigned_to = unit, None
        fb.save(update_fields=["unit", "assigned_to", "updated"])
        text = _("Dari %(old)s ke %(new)s") % {"old": old, "new": unit}
        _record(fb, by=by, action=Action.FORWARDED, from_status=fb.status, note=f"{text}. {note.strip()}".strip(" ."))
    return fb


def publish(fb, *, by):
    """Show a suggestion on /saran/. Only suggestions whose filer agreed, after a staff check (moderation)."""
    with transaction.atomic():
        fb = _lock(fb)
        _require_officer(by, fb, "publish_feedback")
        if fb.kind != Feedback.Kind.SUGGESTION or not fb.consent_public:
            raise WorkflowError(_("%(code)s tidak dapat ditayangkan: pelapor tidak mengizinkan atau ini bukan saran.") % {"code": fb.code})
        if fb.published:
            raise WorkflowError(_("%(code)s sudah ditayangkan.") % {"code": fb.code})
        fb.published, fb.published_at = True, timezone.now()
        fb.save(update_fields=["published", "published_at", "updated"])
        _record(fb, by=by, action=Action.PUBLISHED, from_status=fb.status)
    return fb


def unpublish(fb, *, by, note=""):
    with transaction.atomic():
        fb = _lock(fb)
        _require_officer(by, fb, "publish_feedback")
        if not fb.published:
            raise WorkflowError(_("%(code)s tidak sedang ditayangkan.") % {"code": fb.code})
        fb.published = False
        fb.save(update_fields=["published", "updated"])
        _record(fb, by=by, action=Action.UNPUBLISHED, from_status=fb.status, note=note.strip())
    return fb


def check_process(fb, *, by, status=None, tier=None, unit=None, public_note="", note=""):
    """Raise WorkflowError if `process` would refuse these changes; writes nothing (used by the admin form)."""
    _require_officer(by, fb)
    if status and status != fb.status:
        _check_status(fb, status, public_note.strip(), note.strip())
    if tier is not None and tier.pk != fb.tier_id and not tier.active:
        raise WorkflowError(_("Tingkat pengaduan ini tidak aktif."))


def process(fb, *, by, status=None, tier=None, unit=None, public_note="", note=""):
    """The officer's "Tindak lanjut" form in one transaction: tier, status and/or public answer, internal
    note, then forwarding (last, because the officer may lose access to the item with it). All or nothing."""
    public_note, note = public_note.strip(), note.strip()
    with transaction.atomic():
        if tier is not None and tier.pk != fb.tier_id:
            fb = set_tier(fb, tier=tier, by=by)
        if status and status != fb.status:
            fb = change_status(fb, to=status, by=by, public_note=public_note, note=note)
            public_note = note = ""
        if public_note:
            fb = answer(fb, by=by, text=public_note, note=note)
            note = ""
        if note:
            fb = add_note(fb, by=by, note=note)
        if unit is not None and unit.pk != fb.unit_id:
            fb = forward(fb, unit=unit, by=by)
    return fb


# --- the public's support for suggestions ------------------------------------------------------


def support(fb, *, user):
    """Add `user`'s support to a published suggestion. Returns False when they already supported it."""
    try:
        fb = Feedback.objects.published_suggestions().get(pk=fb.pk)
    except ObjectDoesNotExist as exc:
        raise WorkflowError(_("Saran ini tidak ditayangkan.")) from exc
    try:
        with transaction.atomic():
            created = SuggestionSupport.objects.get_or_create(feedback=fb, user=user)[1]
    except IntegrityError:  # a double click raced the first insert
        return False
    return created
