"""Personal data (UU 27/2022 Pelindungan Data Pribadi): a copy of one's data, deleting one's account, and the
retention of uploaded files. Plain Python; the views under /akun/ and the purge_documents command call it.

Export (the right of access, Pasal 7): data.json with the account, every request and its public history,
document metadata, letters, and complaints sent with the account's verified address, plus the stored files
themselves, in one ZIP built in a spooled temporary file.

Deletion (Pasal 8 and 43): the account row is anonymised in place, not deleted. Requests that reached the
agency and their letters are records under the law on archives (UU 43/2009 tentang Kearsipan; Peraturan
ANRI 22/2017, the retention schedule of personnel records), and ServiceRequest.applicant and Letter.request
are PROTECT foreign keys: those rows stay, pointing at an account that no longer holds a name, e-mail, NIK,
NIP or telephone number. What goes: the profile, drafts, the applicant's answers in each request, every
uploaded file, the contact details on complaints sent with the account's address and the login records.
What stays: tracking code, service, dates, status history with its notes, leave dates, and the issued
letter (number, date, verification code, PDF). The PDF names the holder; it is the official record and is
kept on that lawful basis (Pasal 20 ayat (2) huruf c). The verification page then says that the holder's
account was deleted and that the name is the one printed on the letter; comparing a PDF still works.
Staff accounts are refused (their names are on decisions); so is any account with a request still in
process, or a leave request waiting for its consideration as atasan langsung.

Retention: purge_expired_files() deletes the uploaded files of requests finished more than
DOCUMENT_RETENTION_DAYS ago, and of complaints closed that long ago. The rows stay with their original
name, size and SHA-256 for the audit trail; an empty `file` marks a purged document. Abandoned drafts
(untouched that long) lose their documents rows as well: they never reached the agency.
"""

import datetime as dt
import json
import logging
import tempfile
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from pelayanan.emails import send_after_commit
from pelayanan.models import User

logger = logging.getLogger(__name__)

ERASED_NAME = "Akun dihapus"
# ".invalid" is reserved (RFC 2606) and an address without a dot in the domain cannot be typed into any form
# of the portal, so no real account can ever look like an erased one.
ERASED_EMAIL = "deleted-{pk}@invalid"
ERASED_DOCUMENT_NAME = "(dihapus)"
EXPORT_SPOOL_BYTES = 8 * 1024 * 1024  # kept in memory up to this size, then on disk
CHUNK = 64 * 1024


class PrivacyError(Exception):
    """A refused deletion; the message is Indonesian and shown to the user as it is."""


def is_erased(user) -> bool:
    """True for an account deleted at its owner's request (anonymised in place)."""
    return bool(user and user.email == ERASED_EMAIL.format(pk=user.pk))


# --- "Unduh data saya" -----------------------------------------------------------------------------------


def _iso(value):
    return value.isoformat() if value else None


def _document_path(req, doc):
    from requests_app import uploads

    return f"dokumen/{req.code}/{doc.pk}-{uploads.download_name(doc.original_name, doc.content_type)}"


def _letter_path(letter):
    from requests_app import letters

    return f"surat/{letters.download_name(letter)}"


def _account(user):
    return {
        "email": user.email,
        "email_verified": user.email_verified,
        "full_name": user.full_name,
        "phone": user.phone,
        "nik": user.nik,
        "asn_type": user.asn_type,
        "asn_type_label": str(user.get_asn_type_display()),
        "nip": user.nip,
        "rank": user.rank,
        "position": user.position,
        "work_unit": user.work_unit,
        "date_joined": _iso(user.date_joined),
        "last_login": _iso(user.last_login),
        "privacy_consent_at": _iso(user.privacy_consent_at),
    }


def _request(req, files):
    """One request as the applicant may see it; `files` collects (zip path, storage name) to add."""
    from requests_app.models import Letter, RequestEvent

    documents = []
    for doc in req.documents.select_related("requirement").order_by("created", "pk"):
        path = None
        if doc.file:
            path = _document_path(req, doc)
            files.append((path, doc.file.name))
        documents.append({
            "requirement": doc.requirement.name if doc.requirement_id else None,
            "original_name": doc.original_name,
            "content_type": doc.content_type,
            "size": doc.size,
            "sha256": doc.sha256,
            "uploaded_at": _iso(doc.created),
            "superseded": doc.superseded,
            "file_in_zip": path,
        })
    history = [
        {"time": _iso(e.created), "action": str(e.get_action_display()), "status": str(e.get_to_status_display()),
         "note": e.public_note}
        for e in req.events.exclude(action=RequestEvent.Action.LETTER_FAILED).order_by("created", "pk")
    ]
    letter = Letter.objects.filter(request=req, status=Letter.Status.ISSUED).first()
    letter_data = None
    if letter is not None:
        path = None
        if letter.file and letter.revoked_at is None:  # a revoked letter is kept for the record, not handed out
            path = _letter_path(letter)
            files.append((path, letter.file.name))
        letter_data = {
            "number": letter.number, "date": _iso(letter.issued_at), "verification_code": letter.verification_code,
            "revoked_at": _iso(letter.revoked_at), "revoked_reason": letter.revoked_reason, "file_in_zip": path,
        }
    data = {
        "code": req.code,
        "service": req.service.name,
        "status": req.status,
        "status_label": str(req.get_status_display()),
        "created": _iso(req.created),
        "submitted_at": _iso(req.submitted_at),
        "due_date": _iso(req.due_date),
        "decided_at": _iso(req.decided_at),
        "finished_at": _iso(req.finished_at),
        "filed_at_counter": req.filed_by_id is not None,
        "details": req.details,
        "rejection_reason": req.rejection_reason,
        "history": history,
        "documents": documents,
        "letter": letter_data,
    }
    if req.service.is_leave:
        data["leave"] = {
            "type": req.leave_policy.name if req.leave_policy_id else None,
            "start_date": _iso(req.start_date),
            "end_date": _iso(req.end_date),
            "duration": req.duration,
            "duration_unit": req.duration_unit,
            "supervisor": req.supervisor.full_name if req.supervisor_id else None,
            "supervisor_decision": req.supervisor_decision,
            "supervisor_note": req.supervisor_note,
        }
    return data


def _feedback_for(user):
    """Complaints and suggestions are not tied to accounts; those sent with this account's verified address are."""
    from feedback.models import Feedback

    if not user.email_verified:
        return Feedback.objects.none()
    return Feedback.objects.filter(email__iexact=user.email)


def _feedback(fb):
    from feedback import workflow

    return {
        "code": fb.code, "kind": str(fb.get_kind_display()), "category": str(fb.get_category_display()),
        "title": fb.title, "text": fb.text, "status": str(fb.get_status_display()),
        "received_on": _iso(fb.received_on), "name": fb.name, "email": fb.email, "phone": fb.phone,
        "answer": fb.answer, "answered_at": _iso(fb.answered_at), "closed_at": _iso(fb.closed_at),
        "attachment_name": fb.attachment_name, "track_url": workflow.track_url(fb),
    }


def export_data(user) -> tuple[dict, list]:
    """The account's data as a JSON-ready dict, and the (zip path, storage name) of every file that goes with it."""
    from feedback.models import SuggestionSupport
    from requests_app.models import ServiceRequest

    files = []
    requests = (ServiceRequest.objects.filter(applicant=user)
                .select_related("service", "leave_policy", "supervisor").order_by("created", "pk"))
    data = {
        "generated_at": _iso(timezone.now()),
        "controller": {"name": settings.AGENCY_NAME, "address": settings.AGENCY_ADDRESS, "email": settings.AGENCY_EMAIL},
        "account": _account(user),
        "requests": [_request(req, files) for req in requests],
        "feedback": [_feedback(fb) for fb in _feedback_for(user).order_by("created")],
        "supported_suggestions": list(
            SuggestionSupport.objects.filter(user=user).order_by("created").values_list("feedback__code", flat=True)
        ),
        "notes": [
            _("Berkas ini berisi data pribadi Anda yang disimpan portal layanan kepegawaian, sesuai hak akses "
              "menurut UU Nomor 27 Tahun 2022 tentang Pelindungan Data Pribadi."),
            _("Dokumen yang Anda unggah dan surat yang terbit ada di folder dokumen/ dan surat/. Dokumen yang "
              "file_in_zip-nya kosong sudah dihapus setelah masa simpan berakhir; yang tersisa hanya nama, ukuran "
              "dan sidik SHA-256-nya."),
            _("Jawaban survei kepuasan masyarakat bersifat anonim dan tidak terhubung dengan akun, sehingga tidak "
              "termasuk di sini."),
            _("Pengaduan dan saran tidak terhubung dengan akun; yang tercantum di sini adalah yang dikirim dengan "
              "alamat e-mail terverifikasi akun ini."),
            _("Catatan internal petugas tidak termasuk. Anda dapat memintanya kepada %(email)s.")
            % {"email": settings.AGENCY_EMAIL},
        ],
    }
    return data, files


def export_archive(user):
    """A ZIP (data.json + dokumen/ + surat/) in a spooled temporary file, rewound, ready to stream."""
    data, files = export_data(user)
    spool = tempfile.SpooledTemporaryFile(max_size=EXPORT_SPOOL_BYTES)
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2))
        for path, name in files:
            try:
                source = default_storage.open(name, "rb")
            except FileNotFoundError:
                logger.warning("export: stored file missing for user %s", user.pk)
                continue
            with source, archive.open(path, "w") as target:
                while chunk := source.read(CHUNK):
                    target.write(chunk)
    spool.seek(0)
    return spool


def export_filename(user) -> str:
    return f"data-saya-{timezone.localdate():%Y%m%d}.zip"


# --- "Hapus akun" ----------------------------------------------------------------------------------------


def deletion_blockers(user) -> list[str]:
    """Why this account cannot be deleted now (Indonesian sentences), or [] when it can."""
    from requests_app.models import ServiceRequest

    if user.is_staff or user.is_superuser:
        return [_("Akun petugas tidak dapat dihapus sendiri: nama petugas tercatat pada keputusan dan riwayat "
                  "permohonan. Hubungi administrator untuk menonaktifkan akun ini.")]
    reasons = []
    open_codes = list(ServiceRequest.objects.filter(applicant=user).open().order_by("created").values_list("code", flat=True))
    if open_codes:
        reasons.append(_("Permohonan berikut masih diproses: %(codes)s. Batalkan dulu permohonan yang masih dapat "
                         "dibatalkan (di halaman permohonannya), atau tunggu sampai selesai.") % {"codes": ", ".join(open_codes)})
    waiting = list(ServiceRequest.objects.filter(supervisor=user, status=ServiceRequest.Status.WITH_SUPERVISOR)
                   .values_list("code", flat=True))
    if waiting:
        reasons.append(_("Permohonan cuti berikut menunggu pertimbangan Anda sebagai atasan langsung: %(codes)s. "
                         "Berikan pertimbangan lebih dulu.") % {"codes": ", ".join(waiting)})
    return reasons


def open_requests(user):
    """The applicant's requests still in process, for the confirmation page (each says whether it can be cancelled)."""
    from requests_app.models import ServiceRequest

    return ServiceRequest.objects.filter(applicant=user).open().select_related("service").order_by("created")


@dataclass
class Deletion:
    user_id: int
    drafts: int = 0
    documents: int = 0
    requests_kept: int = 0
    letters_kept: int = 0
    feedback_anonymised: int = 0
    files: list = field(default_factory=list)


def delete_account(user, *, password: str) -> Deletion:
    """Anonymise the account and delete its files, after checking the password and the blockers.

    Everything happens in one transaction; the files go once it has committed, so a rollback leaves
    every file in place.
    """
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    from feedback.models import Feedback
    from requests_app.models import Letter, RequestDocument, ServiceRequest

    if not user.check_password(password):
        raise PrivacyError(_("Kata sandi salah. Akun tidak dihapus."))
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        reasons = deletion_blockers(user)
        if reasons:
            raise PrivacyError(" ".join(reasons))
        old_email, old_name, was_verified = user.email, user.full_name, user.email_verified
        result = Deletion(user_id=user.pk)

        mine = ServiceRequest.objects.filter(applicant=user)
        docs = RequestDocument.objects.filter(request__applicant=user)
        result.files = [name for name in docs.exclude(file="").values_list("file", flat=True)]
        result.documents = docs.count()
        # Drafts never reached the agency: they go, with their documents and history (CASCADE).
        drafts = mine.filter(status=ServiceRequest.Status.DRAFT)
        result.drafts = drafts.count()
        drafts.delete()
        # Requests that did reach it stay as records, without the applicant's answers or files.
        RequestDocument.objects.filter(request__applicant=user).update(file="", original_name=ERASED_DOCUMENT_NAME)
        result.requests_kept = mine.update(details={})
        result.letters_kept = Letter.objects.filter(request__applicant=user).count()

        if was_verified:
            matched = Feedback.objects.filter(email__iexact=old_email)
            result.feedback_anonymised = matched.update(name="", email="", phone="")
        for model in (AccessAttempt, AccessFailureLog, AccessLog):
            model.objects.filter(username__iexact=old_email).delete()

        user.email = ERASED_EMAIL.format(pk=user.pk)
        user.email_verified = False
        user.full_name = ERASED_NAME
        for name in ("phone", "nik", "nip", "rank", "position", "work_unit"):
            setattr(user, name, "")
        user.asn_type = User.AsnType.NONE
        user.unit = None
        user.is_active = False
        user.last_login = None
        user.set_unusable_password()  # also ends every other session of the account
        user.save()
        user.groups.clear()
        user.user_permissions.clear()

        send_after_commit("account-deleted", old_email, {
            "name": old_name,
            "AGENCY_EMAIL": settings.AGENCY_EMAIL,
            "requests_kept": result.requests_kept,
            "letters_kept": result.letters_kept,
        })
        files = list(result.files)
        transaction.on_commit(lambda: _delete_files(files))
    logger.info("account %s deleted at its owner's request: %d drafts, %d documents, %d requests and %d letters kept",
                result.user_id, result.drafts, result.documents, result.requests_kept, result.letters_kept)
    return result


def _delete_files(names):
    for name in names:
        try:
            default_storage.delete(name)
        except OSError as exc:
            logger.error("could not delete a stored file (%s); delete it by hand", exc.__class__.__name__)


# --- retention of uploaded files ---------------------------------------------------------------------------


@dataclass
class Purge:
    cutoff: dt.datetime
    documents: list = field(default_factory=list)  # RequestDocument of finished requests: file deleted, row kept
    draft_documents: list = field(default_factory=list)  # of abandoned drafts: file and row deleted
    attachments: list = field(default_factory=list)  # Feedback of closed complaints: file deleted, row kept

    @property
    def total(self):
        return len(self.documents) + len(self.draft_documents) + len(self.attachments)


def retention_cutoff(now=None) -> dt.datetime:
    return (now or timezone.now()) - dt.timedelta(days=settings.DOCUMENT_RETENTION_DAYS)


def expired_files(now=None) -> Purge:
    """What the retention rule deletes now (nothing is changed)."""
    from feedback.models import Feedback
    from requests_app.models import RequestDocument, ServiceRequest

    cutoff = retention_cutoff(now)
    finished = Q(request__status__in=ServiceRequest.FINISHED_STATUSES, request__finished_at__lt=cutoff)
    abandoned = Q(request__status=ServiceRequest.Status.DRAFT, request__updated__lt=cutoff)
    docs = RequestDocument.objects.select_related("request", "requirement").order_by("request__code", "pk")
    return Purge(
        cutoff=cutoff,
        documents=list(docs.filter(finished).exclude(file="")),
        draft_documents=list(docs.filter(abandoned)),
        attachments=list(Feedback.objects.filter(status__in=Feedback.FINAL_STATUSES, closed_at__lt=cutoff)
                         .exclude(attachment="").order_by("code")),
    )


def purge_expired_files(now=None) -> Purge:
    """Delete the files the retention rule says must go. Idempotent: the file is deleted before the row is
    marked, so an interrupted run leaves at most a row whose file is already gone, and the next run marks it."""
    from requests_app.models import RequestDocument

    purge = expired_files(now)
    for doc in purge.documents:
        _delete_files([doc.file.name])
        RequestDocument.objects.filter(pk=doc.pk).update(file="")
    for doc in purge.draft_documents:
        if doc.file:
            _delete_files([doc.file.name])
        RequestDocument.objects.filter(pk=doc.pk).delete()
    for fb in purge.attachments:
        _delete_files([fb.attachment.name])
        type(fb).objects.filter(pk=fb.pk).update(attachment="")
    if purge.total:
        logger.info("retention: %d document files, %d draft documents and %d complaint attachments deleted",
                    len(purge.documents), len(purge.draft_documents), len(purge.attachments))
    return purge
