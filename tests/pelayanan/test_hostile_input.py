"""Hostile input (issue 8, item 4): every form of the portal, fed random and adversarial values.

FORMS lists each form with its URL, who fills it in and what it needs to exist first (a draft, a letter...).
A hypothesis property posts, for each field, either a valid value or a hostile one (NUL bytes, 100 kB
strings, mixed scripts and RTL marks, emoji, SQL and HTML payloads, impossible dates and numbers, odd
file names and contents) and expects: no 5xx, the raw "<script>alert(1)</script>" never echoed unescaped,
and, whenever the answer is not a redirect (a re-rendered form or a 4xx), not one row written or changed.
Each example runs in a transaction that is rolled back, with a fresh client and an empty cache (the rate
limits would otherwise end the exploration early with 429s). Wrong content types (a JSON body, a file where
text is expected) and a POST without the CSRF token are tried on every form too.
"""

import datetime as dt
import json
import operator
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.contrib.messages import constants as message_levels
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from feedback import ikm
from feedback import workflow as feedback_workflow
from feedback.models import Feedback, FeedbackEvent, SuggestionSupport, SurveyResponse
from pelayanan.models import User
from requests_app import leave
from requests_app.models import Letter, LetterTemplate, RequestDocument, RequestEvent, Service, ServiceRequest
from tests.factories import UserFactory, make_approved_request, make_image, make_leave_request, make_pdf, make_request

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
PAYLOADS = [
    "\x00", "a\x00b", SCRIPT, f'"><img src=x onerror=alert(1)>{SCRIPT}', "' OR 1=1 --", "'; DROP TABLE pelayanan_user; --",
    "0000-00-00", "-1-01-01", "9999-12-31", "2026-02-30", "31/12/2026", "-1", "0", "1e309", "NaN", "-0", "99999999999999999999",
    "😀👩🏽‍💻", "\u202eكلمة\u202c", "مرحبا بالعالم", "Ани Лестари", "漢字かな", "Zalgo Z̷̢̛a̴l̸g̵o̶", "\ufeff", "\r\n\r\n",
    "{{ 7|add:7 }}", "{% debug %}", "%00", "%s%s%n", "../../etc/passwd", "null", "[]", "{}", "true", " ", "",
]
SPICY = ["\x00", "\x01", "\x7f", "\u200b", "\u202e", "\ud7ff", "\U0001F600", "ß", "İ", "<", ">", "&", "'", '"', "\\", "%", "\n"]


def hostile_text():
    """Short and long, random and crafted: what an attacker or a broken client may send."""
    return st.one_of(
        st.sampled_from(PAYLOADS),
        st.text(max_size=40),  # any code point but surrogates, \x00 included
        st.text(alphabet=st.sampled_from(SPICY), min_size=1, max_size=40),
        st.lists(st.sampled_from(PAYLOADS), min_size=2, max_size=4).map("".join),
        st.builds(operator.mul, st.sampled_from(["A", "é", "😀", "\u202eب", "\x00", "9"]), st.integers(300, 100_000)),
        st.builds(operator.mul, st.just(SCRIPT), st.integers(2, 4000)),  # up to 100 kB
    )


def hostile_file():
    """(name, content, content type) of an upload: valid, truncated, renamed programs, hostile names."""
    names = st.one_of(st.sampled_from(["surat.pdf", "foto.jpg", "a\x00b.pdf", "x" * 300 + ".pdf", f"{SCRIPT}.pdf",
                                       "..\\..\\boot.ini", "😀.png", "", ".pdf", "CON"]), st.text(max_size=30))
    contents = st.one_of(
        st.sampled_from([b"", b"%PDF-", b"%PDF-1.7\n" + b"\x00" * 64, b"MZ\x90\x00" + b"\x00" * 60, b"\x7fELF\x02\x01",
                         b"\x89PNG\r\n\x1a\n" + b"\x00" * 32, b"\xff\xd8\xff\xe0" + b"\x00" * 32, SCRIPT.encode()]),
        st.binary(max_size=256),
    )
    types = st.sampled_from(["application/pdf", "image/png", "text/html", "application/x-msdownload", "", "a/b; x=\x01"])
    return st.tuples(names, contents, types)


# --- the world each form needs --------------------------------------------------------------------------------


class World:
    """The personas and objects the forms work on, made when first needed."""

    def __init__(self, units):
        self.units = units

    @cached_property
    def applicant(self):
        return UserFactory(email="ani@example.id", full_name="Ani Lestari, S.E.", phone="081377665544")

    @cached_property
    def other_applicant(self):
        return UserFactory(email="budi@example.id", full_name="Budi Santoso")

    def _staff(self, email, group, unit, name):
        from tests.factories import staff_user

        return staff_user(email, group, unit=self.units.get(unit), full_name=name)

    @cached_property
    def officer(self):
        return self._staff("petugas@example.id", "Petugas Layanan", "ppi", "Dedi Petugas")

    @cached_property
    def other_officer(self):
        return self._staff("petugas2@example.id", "Petugas Layanan", "ppi", "Eka Petugas")

    @cached_property
    def signer(self):
        return self._staff("pejabat@example.id", "Pejabat Penandatangan", "ppi", "Dr. Gita Pejabat, M.Si.")

    @cached_property
    def atasan(self):
        from django.contrib.auth.models import Group

        user = UserFactory(email="atasan@example.id", full_name="Indra Atasan")
        user.groups.add(Group.objects.get(name="Atasan Langsung"))
        return user

    @cached_property
    def superuser(self):
        return UserFactory(email="admin@example.id", full_name="Admin Sistem", is_staff=True, is_superuser=True)

    @cached_property
    def wording(self):
        return LetterTemplate.objects.get(kind="general")

    @cached_property
    def draft(self):
        return make_request(self.applicant, status="draft")

    @cached_property
    def revision(self):
        return make_request(self.applicant, status="revision")

    @cached_property
    def submitted(self):
        return make_request(self.applicant)

    @cached_property
    def in_review(self):
        return make_request(self.applicant, status="in_review", assigned_to=self.officer)

    @cached_property
    def verified(self):
        return make_request(self.applicant, status="in_review", assigned_to=self.officer, verified_by=self.officer)

    @cached_property
    def leave_with_supervisor(self):
        start = next_weekday(40)
        return make_leave_request(self.applicant, "tahunan", start, start + dt.timedelta(days=1), status="with_supervisor",
                                  supervisor=self.atasan)

    @cached_property
    def issued(self):
        req = make_approved_request(self.applicant, self.signer)
        letter = Letter.objects.get(request=req)
        letter.file.save("surat.pdf", ContentFile(make_pdf("Surat uji")), save=False)
        letter.status = Letter.Status.ISSUED
        letter.save()
        ServiceRequest.objects.filter(pk=req.pk).update(status=ServiceRequest.Status.LETTER_ISSUED, finished_at=timezone.now())
        req.refresh_from_db()
        return req

    @cached_property
    def complaint(self):
        return feedback_workflow.file_feedback(
            kind="complaint", category="time", title="Surat belum terbit", related_code=self.submitted.code,
            text="Permohonan saya sudah lewat batas waktu tetapi surat belum terbit juga.",
            name="Ani Lestari", email="ani@example.id", phone="081377665544",
        )

    @cached_property
    def published(self):
        fb = feedback_workflow.file_feedback(kind="suggestion", category="online", title="Notifikasi WhatsApp",
                                             text="Mohon status permohonan juga dikirim lewat WhatsApp.", consent_public=True)
        Feedback.objects.filter(pk=fb.pk).update(published=True, published_at=timezone.now())
        return fb

    def service(self, slug):
        return Service.objects.get(slug=slug)

    def requirement_fields(self, req):
        return {f"doc_{r.pk}": "FILE" for r in req.service.requirements.all()}

    def login(self, persona):
        client = Client()
        if persona:
            client.force_login(getattr(self, persona))
        return client


def next_weekday(days):
    """The first working day (no weekend, holiday or cuti bersama) at least `days` days from today."""
    from requests_app import calendar

    day = timezone.localdate() + dt.timedelta(days=days)
    while not calendar.is_working_day(day):
        day += dt.timedelta(days=1)
    return day


@dataclass
class Form:
    """One form: its URL, the persona who fills it in, and a valid value per field ("FILE": a valid upload)."""

    name: str
    url: Callable[[World], str]
    fields: Callable[[World], dict]
    persona: str | None = None
    method: str = "post"
    classes: tuple = ()  # the Django form classes behind it (see test_every_form_class_of_the_project_is_exercised)
    watch: Callable[[World], object] | None = None  # what a refused submission must leave as it was
    prime: Callable[[World, Client], None] | None = None  # e.g. open the reset link first


def survey_fields(with_service):
    fields = {f: "3" for f in ikm.FIELDS}
    fields.update(age_band="25_34", sex="f", education="bachelor", occupation="pns", suggestion="Pelayanan cepat.", website="")
    if with_service:
        fields["service"] = str(Service.objects.get(slug="surat-keterangan-kerja").pk)
    return fields


def registration_fields(w):
    return {
        "email": "citra@example.id", "full_name": "Citra Baru", "phone": "081299887766", "nik": "1271052609860999",
        "asn_type": "pns", "nip": "198609262015051999", "rank": "Penata (III/c)", "position": "Analis",
        "work_unit": "Dinas Pendidikan", "password1": "kata-sandi-panjang-2026", "password2": "kata-sandi-panjang-2026",
        "consent": "on",
    }


def profile_fields(w):
    user = w.applicant
    return {"full_name": user.full_name, "phone": user.phone, "nik": user.nik, "asn_type": user.asn_type, "nip": user.nip,
            "rank": user.rank, "position": user.position, "work_unit": user.work_unit, "email": user.email,
            "current_password": "rahasia-kuat-123"}


def leave_fields(w):
    start = next_weekday(30)
    policy = leave.policies_for(w.applicant).get(code="tahunan")
    return {"idempotency_key": str(uuid.uuid4()), "leave_policy": str(policy.pk), "start_date": start.isoformat(),
            "end_date": start.isoformat(), "reason": "Keperluan keluarga", "address": "Jl. Gatot Subroto No. 1, Medan",
            "phone": "081234567890", "supervisor": w.atasan.email, "hajj": ""}


def transition(name):
    return lambda req: reverse("admin:requests_app_servicerequest_transition", args=[req.pk, name])


def user_row(w):
    return list(User.objects.filter(pk=w.applicant.pk).values())


def request_row(attr):
    return lambda w: list(ServiceRequest.objects.filter(pk=getattr(w, attr).pk).values())


def reset_prime(w, client):
    """Django's reset link puts the token in the session and redirects to .../set-password/."""
    uid = urlsafe_base64_encode(force_bytes(w.applicant.pk))
    client.get(reverse("accounts:password_reset_confirm", args=[uid, default_token_generator.make_token(w.applicant)]))


CHANGELIST = "/admin/requests_app/servicerequest/"
CERTIFICATE = lambda w: {"idempotency_key": str(uuid.uuid4()), "purpose": "Pengajuan kredit", "addressee": "Bank Sumut"}  # noqa: E731


def wording_fields(w):
    return {"kind": w.wording.kind, "body": w.wording.body, "closing": w.wording.closing, "copies_to": w.wording.copies_to}


FORMS = [
    # Accounts
    Form("register", lambda w: reverse("accounts:register"), registration_fields, classes=("RegistrationForm",)),
    Form("login", lambda w: reverse("accounts:login"), lambda w: {"username": w.applicant.email, "password": "salah-sekali-123"},
         classes=("LoginForm",)),
    Form("admin-login", lambda w: reverse("admin:login"), lambda w: {"username": w.officer.email, "password": "salah-sekali-123"}),
    Form("password-reset", lambda w: reverse("accounts:password_reset"), lambda w: {"email": w.applicant.email},
         classes=("PasswordResetForm",)),
    Form("password-reset-set", lambda w: reverse("accounts:password_reset_confirm",
                                                 args=[urlsafe_base64_encode(force_bytes(w.applicant.pk)), "set-password"]),
         lambda w: {"new_password1": "kata-sandi-baru-2026", "new_password2": "kata-sandi-baru-2026"}, prime=reset_prime,
         watch=user_row, classes=("SetPasswordForm",)),
    Form("profile", lambda w: reverse("accounts:profile"), profile_fields, persona="applicant", watch=user_row,
         classes=("ProfileForm",)),
    Form("password-change", lambda w: reverse("accounts:password_change"),
         lambda w: {"old_password": "rahasia-kuat-123", "new_password1": "kata-sandi-baru-2026", "new_password2": "kata-sandi-baru-2026"},
         persona="applicant", watch=user_row, classes=("PasswordChangeForm",)),
    Form("privacy-delete", lambda w: reverse("accounts:privacy_delete"), lambda w: {"password": "salah-sekali-123"},
         persona="applicant", watch=user_row, classes=("DeleteAccountForm",)),
    Form("two-factor-enrol", lambda w: reverse("accounts:two_factor"), lambda w: {"code": "123456"}, persona="officer",
         classes=("CodeForm",)),
    Form("set-language", lambda w: reverse("set_language"), lambda w: {"language": "en", "next": "/layanan/"}),
    # Applying, one form per kind of service, and the later steps
    Form("apply-certificate", lambda w: reverse("requests_app:apply", args=["surat-keterangan-kerja"]), CERTIFICATE,
         persona="applicant", classes=("EmploymentCertificateForm",)),
    Form("apply-general", lambda w: reverse("requests_app:apply", args=["kenaikan-gaji-berkala"]),
         lambda w: {"idempotency_key": str(uuid.uuid4()), "notes": "SK terakhir tahun 2024."}, persona="applicant",
         classes=("GeneralForm",)),
    Form("apply-leave", lambda w: reverse("requests_app:apply", args=["izin-cuti"]), leave_fields, persona="applicant",
         classes=("LeaveForm",)),
    Form("apply-on-behalf", lambda w: reverse("requests_app:apply", args=["surat-keterangan-kerja"]) + f"?pemohon={w.applicant.email}",
         CERTIFICATE, persona="officer"),
    Form("leave-length", lambda w: reverse("requests_app:leave_length", args=["izin-cuti"]),
         lambda w: {k: v for k, v in leave_fields(w).items() if k in ("leave_policy", "start_date", "end_date")},
         persona="applicant", method="get", classes=("LeaveLengthForm",)),
    Form("on-behalf-picker", lambda w: reverse("requests_app:apply_start"),
         lambda w: {"layanan": "surat-keterangan-kerja", "pemohon": w.applicant.nik}, persona="officer", method="get",
         classes=("OnBehalfForm",)),
    Form("documents", lambda w: reverse("requests_app:apply_documents", args=[w.draft.code]),
         lambda w: w.requirement_fields(w.draft), persona="applicant", classes=("DocumentsForm",)),
    Form("revision-edit", lambda w: reverse("requests_app:edit", args=[w.revision.code]),
         lambda w: {"purpose": "Pengajuan kredit", "addressee": "Bank Sumut"}, persona="applicant", watch=request_row("revision")),
    Form("resubmit", lambda w: reverse("requests_app:resubmit", args=[w.revision.code]), lambda w: {"note": "Sudah diperbaiki."},
         persona="applicant", watch=request_row("revision"), classes=("ResubmitForm",)),
    Form("cancel", lambda w: reverse("requests_app:cancel", args=[w.submitted.code]), lambda w: {"reason": "Salah pilih layanan."},
         persona="applicant", watch=request_row("submitted"), classes=("CancelForm",)),
    Form("consider", lambda w: reverse("requests_app:consider", args=[w.leave_with_supervisor.code]),
         lambda w: {"decision": "deferred", "note": "Tunggu selesai laporan akhir tahun."}, persona="atasan",
         watch=request_row("leave_with_supervisor"), classes=("ConsiderForm",)),
    # Public pages
    Form("lookup", lambda w: reverse("requests_app:lookup"), lambda w: {"code": w.submitted.code, "nik_last4": w.applicant.nik[-4:]},
         classes=("LookupForm",)),
    Form("complaint", lambda w: reverse("feedback:complaint_create"),
         lambda w: {"kind": "complaint", "category": "time", "service": "", "related_code": w.submitted.code,
                    "title": "Surat belum terbit", "text": "Permohonan saya sudah lewat batas waktu tetapi belum terbit.",
                    "name": "Sari", "email": "sari@example.id", "phone": "081234567890", "consent_public": "", "website": "",
                    "attachment": "FILE"}, classes=("FeedbackForm",)),
    Form("track", lambda w: reverse("feedback:track"), lambda w: {"code": w.complaint.code, "verifier": "ani@example.id"},
         classes=("TrackForm",)),
    Form("survey-walk-in", lambda w: reverse("feedback:survey"), lambda w: survey_fields(True), classes=("SurveyForm",)),
    Form("survey-request", lambda w: ikm.survey_url_for(w.issued), lambda w: survey_fields(False)),
    Form("verify-upload", lambda w: reverse("requests_app:verify", args=[w.issued.letter.verification_code]),
         lambda w: {"pdf": "FILE"}, classes=("CompareForm",)),
    Form("suggestion-vote", lambda w: reverse("feedback:support", args=[w.published.public_id]), lambda w: {},
         persona="other_applicant"),
    Form("service-filter", lambda w: reverse("requests_app:service_list"), lambda w: {"q": "cuti", "unit": "ppi"}, method="get",
         classes=("ServiceFilterForm",)),
    Form("transparency", lambda w: reverse("requests_app:transparency"),
         lambda w: {"service": "izin-cuti", "start": "2026-01", "end": "2026-06"}, method="get", classes=("TransparencyFilterForm",)),
    Form("transparency-csv", lambda w: reverse("requests_app:transparency_csv"),
         lambda w: {"service": "izin-cuti", "start": "2026-01", "end": "2026-06"}, method="get"),
    # The staff queue: the buttons of the request page, the changelist actions, search and filters
    Form("queue-revision", lambda w: transition("revision")(w.in_review),
         lambda w: {"revision-public_note": "Lengkapi ijazah.", "revision-note": ""}, persona="officer",
         watch=request_row("in_review"), classes=("RevisionForm",)),
    Form("queue-verify", lambda w: transition("verify")(w.in_review), lambda w: {"verify-note": "Lengkap."}, persona="officer",
         watch=request_row("in_review"), classes=("NoteForm",)),
    Form("queue-assign", lambda w: transition("assign")(w.in_review), lambda w: {"assign-to": str(w.other_officer.pk)},
         persona="officer", watch=request_row("in_review"), classes=("AssignForm",)),
    Form("queue-reject", lambda w: transition("reject")(w.verified),
         lambda w: {"reject-reason": "Tidak memenuhi syarat.", "reject-note": ""}, persona="signer", watch=request_row("verified"),
         classes=("RejectForm",)),
    Form("queue-approve", lambda w: transition("approve")(w.verified), lambda w: {"approve-note": ""}, persona="signer",
         watch=request_row("verified")),
    Form("queue-action-assign-to", lambda w: CHANGELIST,
         lambda w: {"action": "assign_requests_to", "_selected_action": str(w.in_review.pk), "apply": "1",
                    "officer": str(w.other_officer.pk)}, persona="officer", watch=request_row("in_review"),
         classes=("AssignToForm",)),
    Form("queue-action-revoke", lambda w: CHANGELIST,
         lambda w: {"action": "revoke_letter_action", "_selected_action": str(w.issued.pk), "apply": "1",
                    "reason": "Data jabatan keliru."}, persona="signer", watch=request_row("issued"), classes=("RevokeForm",)),
    Form("queue-search", lambda w: CHANGELIST,
         lambda w: {"q": w.in_review.code, "status": "in_review", "batas": "terlambat", "ditangani": "saya", "o": "1", "p": "0"},
         persona="officer", method="get"),
    Form("feedback-process", lambda w: reverse("admin:feedback_feedback_change", args=[w.complaint.pk]),
         lambda w: {"new_status": "reviewing", "public_note": "Sedang kami periksa.", "note": "", "new_tier": "", "forward_to": "",
                    "events-TOTAL_FORMS": "1", "events-INITIAL_FORMS": "1", "events-MIN_NUM_FORMS": "0",
                    "events-MAX_NUM_FORMS": "0", "events-0-id": str(w.complaint.events.first().pk),
                    "events-0-feedback": str(w.complaint.pk)},
         persona="officer", classes=("ProcessForm",)),
    Form("ikm-report", lambda w: reverse("admin:feedback_surveyresponse_report"),
         lambda w: {"start": "2026-01-01", "end": "2026-12-31", "service": "", "unit": "", "group": "unit", "format": "csv"},
         persona="officer", method="get", classes=("IkmReportForm",)),
    # Administration
    Form("letter-wording", lambda w: reverse("admin:requests_app_lettertemplate_change", args=[w.wording.pk]), wording_fields,
         persona="superuser", watch=lambda w: list(LetterTemplate.objects.values()), classes=("LetterTemplateForm",)),
    Form("letter-preview", lambda w: reverse("admin:requests_app_lettertemplate_preview"),
         lambda w: {**wording_fields(w), "body": "Yang bertanda tangan di bawah ini menerangkan bahwa:"}, persona="superuser",
         classes=("PreviewForm",)),
    Form("user-add", lambda w: reverse("admin:pelayanan_user_add"),
         lambda w: {"email": "baru@example.id", "full_name": "Pegawai Baru", "usable_password": "true",
                    "password1": "kata-sandi-panjang-2026", "password2": "kata-sandi-panjang-2026"},
         persona="superuser", classes=("UserCreationForm",)),
]
# POST forms deliberately without a CSRF token, and why.
CSRF_EXEMPT = {
    "set-language": "the header's language switch (pelayanan/urls.py): cached public pages hold no token; a forged "
                    "post only changes the display language",
}
# Form classes of the project no entry above posts to, and why.
NOT_EXERCISED = {
    "RequestDetailsForm": "abstract base of the three details forms, each of which is posted above",
    "DisableForm": "needs an enrolled authenticator app; its one field is a password checked like DeleteAccountForm's",
    "UserChangeForm": "Django's user change form for superusers; its identity fields are the model's, as in ProfileForm",
}
FORM_IDS = [f.name for f in FORMS]


# --- sending one submission and judging the answer --------------------------------------------------------


def to_upload(spec):
    name, content, content_type = spec
    try:
        return SimpleUploadedFile(name, content, content_type=content_type)
    except SuspiciousFileOperation:  # "", "." and "..": the test client cannot send them (browsers' parts are dropped)
        return SimpleUploadedFile(f"{name}_", content, content_type=content_type)


def valid_upload(field_name):
    if field_name == "attachment":
        return SimpleUploadedFile("bukti.png", make_image(), content_type="image/png")
    return SimpleUploadedFile("dokumen.pdf", make_pdf(), content_type="application/pdf")


def materialise(payload):
    """Turn the drawn values into what the test client posts: ("upload", spec) becomes a fresh file."""
    out = {}
    for key, value in payload.items():
        if isinstance(value, tuple) and value[:1] == ("upload",):
            out[key] = to_upload(value[1])
        elif isinstance(value, tuple) and value[:1] == ("valid-upload",):
            out[key] = valid_upload(key)
        else:
            out[key] = value
    return out


def body_of(response):
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


COUNTED = (User, ServiceRequest, RequestEvent, RequestDocument, Letter, Feedback, FeedbackEvent, SurveyResponse, SuggestionSupport)


def table_counts():
    """Rows per table, in one query (it runs twice per example)."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(f"(SELECT count(*) FROM {quote(m._meta.db_table)})" for m in COUNTED))
        return dict(zip((m.__name__ for m in COUNTED), cursor.fetchone(), strict=True))


def check_new_rows_whole(before_ids):
    """Rows written by a successful submission are whole: complaints have their history, documents their file."""
    for fb in Feedback.objects.exclude(pk__in=before_ids["feedback"]):
        assert fb.events.exists(), f"complaint {fb.code} saved without its history"
    for doc in RequestDocument.objects.exclude(pk__in=before_ids["documents"]):
        assert doc.file and default_storage.exists(doc.file.name), f"document {doc.pk} saved without its file"


def prepare(world, form):
    """Make the objects a form needs outside the rolled-back transaction (World caches them), return its URL."""
    if form.persona:
        getattr(world, form.persona)
    form.fields(world)
    if form.watch:
        form.watch(world)
    return form.url(world)


def submit(world, form, payload):
    """Send one submission inside a rolled-back transaction; return (status, body, problems)."""
    cache.clear()
    problems = []
    url = prepare(world, form)
    with transaction.atomic():
        client = world.login(form.persona)
        if form.prime:
            form.prime(world, client)
        before = table_counts()
        watched = form.watch(world) if form.watch else None
        ids = {"feedback": list(Feedback.objects.values_list("pk", flat=True)),
               "documents": list(RequestDocument.objects.values_list("pk", flat=True))}
        try:
            if isinstance(payload, tuple):  # (content type, raw body)
                response = client.post(url, payload[1], content_type=payload[0])
            else:
                response = getattr(client, form.method)(url, materialise(payload))
        except Exception as exc:  # noqa: BLE001 - reported with the payload that caused it
            transaction.set_rollback(True)
            return 500, b"", [f"{form.name}: raised {exc.__class__.__name__}: {str(exc)[:300]}"]
        body = body_of(response)
        status = response.status_code
        if status >= 500:
            problems.append(f"{form.name}: answered {status}")
        if SCRIPT.encode() in body:
            problems.append(f"{form.name}: echoed {SCRIPT} unescaped")
        errors = [m for m in get_messages(response.wsgi_request) if m.level >= message_levels.ERROR]
        if status not in (301, 302, 303) or errors:  # refused: a re-rendered form, a 4xx, or "redirect with an error"
            if table_counts() != before:
                problems.append(f"{form.name}: a refused submission ({status}) wrote rows: {before} -> {table_counts()}")
            if form.watch and form.watch(world) != watched:
                problems.append(f"{form.name}: a refused submission ({status}) changed the object it was about")
        else:
            check_new_rows_whole(ids)
        transaction.set_rollback(True)
    return status, body, problems


@pytest.fixture
def world(units):
    return World(units)


_STRATEGIES = {}


def field_values(world, form):
    """A strategy of {field: value}: each field valid or hostile; files may become text and text files."""
    key = (form.name, id(world))
    if key not in _STRATEGIES:
        _STRATEGIES.clear()
        _STRATEGIES[key] = _field_values(form.fields(world))
    return _STRATEGIES[key]


def _field_values(valid):
    text, upload = hostile_text(), hostile_file().map(lambda f: ("upload", f))
    strategies = {}
    for name, value in valid.items():
        if value == "FILE":
            strategies[name] = st.one_of(st.just(("valid-upload",)), upload, text)
        else:
            strategies[name] = st.one_of(st.just(value), text, upload)
    extra = st.dictionaries(text.filter(lambda k: k not in valid), text, max_size=2)  # fields the form does not have
    return st.tuples(st.fixed_dictionaries(strategies), extra).map(lambda pair: {**pair[1], **pair[0]})


@pytest.mark.parametrize("form", FORMS, ids=FORM_IDS)
@settings(max_examples=12, deadline=None, database=None, derandomize=True, print_blob=True,
          phases=[Phase.explicit, Phase.generate],  # no shrinking: one request per example keeps the file fast
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.large_base_example])
@given(data=st.data())
def test_hostile_values_never_break_a_form(form, world, data):
    payload = data.draw(field_values(world, form), label="payload")
    status, _body, problems = submit(world, form, payload)
    assert not problems, f"{problems} for {payload!r}"[:3000]
    assert status < 500


def test_the_valid_values_of_each_form_are_accepted(world):
    """The property starts from values that work, so each hostile value is tried beside good ones and reaches the
    code behind the form. (Log-in, 2FA and deletion start from a wrong password or code: their errors are the point.)"""
    answers = {}
    for form in FORMS:
        payload = {k: ("valid-upload",) if v == "FILE" else v for k, v in form.fields(world).items()}
        status, _body, problems = submit(world, form, payload)
        assert not problems, problems
        answers[form.name] = status
    refused = {name: status for name, status in answers.items() if status not in (200, 302)}
    assert refused == {"privacy-delete": 400}, refused
    posted = {f.name for f in FORMS if f.method == "post"} - {"login", "admin-login", "two-factor-enrol", "privacy-delete",
                                                               "verify-upload", "letter-preview", "lookup"}
    assert {name for name in posted if answers[name] != 302} == set(), answers


@pytest.mark.parametrize("form", [f for f in FORMS if f.method == "post"], ids=[f.name for f in FORMS if f.method == "post"])
def test_wrong_content_types_and_a_missing_csrf_token_are_refused(form, world):
    valid = {k: v for k, v in form.fields(world).items() if v != "FILE"}
    # A JSON body: Django does not parse it into POST, so the form sees nothing.
    status, _body, problems = submit(world, form, ("application/json", json.dumps({**valid, "x": SCRIPT})))
    assert not problems and status < 500, problems
    # A file where text is expected: the text field is missing, the file goes to request.FILES and is ignored.
    status, _body, problems = submit(world, form, {k: ("upload", (f"{k}.html", SCRIPT.encode(), "text/html")) for k in valid})
    assert not problems and status < 500, problems
    # No CSRF token: 403, nothing written.
    if form.name in CSRF_EXEMPT:
        return
    url = prepare(world, form)
    with transaction.atomic():
        client = Client(enforce_csrf_checks=True)
        if form.persona:
            client.force_login(getattr(world, form.persona))
        if form.prime:
            form.prime(world, client)
        before = table_counts()
        response = client.post(url, valid)
        assert response.status_code == 403, (form.name, response.status_code)
        assert table_counts() == before
        transaction.set_rollback(True)


def project_form_classes():
    """Every Django form class defined in the project's own modules (admin modules included)."""
    from django import forms
    from django.contrib import admin
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports every view module, and with them their forms
    admin.autodiscover()

    def walk(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from walk(sub)

    return {c.__name__ for c in walk(forms.BaseForm) if c.__module__.split(".")[0] in ("pelayanan", "requests_app", "feedback")}


def test_every_form_class_of_the_project_is_exercised():
    """A new form class needs a line in FORMS (or a reason in NOT_EXERCISED), so it is fuzzed like the others."""
    covered = {name for form in FORMS for name in form.classes}
    missing = project_form_classes() - covered - set(NOT_EXERCISED)
    assert not missing, f"add these forms to FORMS in tests/pelayanan/test_hostile_input.py: {sorted(missing)}"
    assert not (covered | set(NOT_EXERCISED)) - project_form_classes(), "FORMS names a form class that no longer exists"
    assert len(set(FORM_IDS)) == len(FORMS)


# --- the server errors this file found, pinned one by one ------------------------------------------------------


@pytest.mark.parametrize("url", ["/permohonan/%00/", "/verifikasi/%00/", "/survei/?layanan=%00", "/layanan/?q=%00",
                                 "/permohonan/baru/surat-keterangan-kerja/?pemohon=a@%00",
                                 "/admin/requests_app/servicerequest/?status=%00", "/admin/feedback/feedback/?kind__exact=%00"])
def test_a_nul_byte_in_the_url_is_a_400_not_a_server_error(client, url, world):
    client.force_login(world.officer)
    response = client.get(url)
    assert response.status_code == 400
    assert "Permintaan tidak dapat diproses" in response.text


@pytest.mark.parametrize("url_name", ["accounts:login", "admin:login"])
def test_a_log_in_with_an_overlong_address_is_a_wrong_login_not_a_server_error(client, url_name):
    from axes.models import AccessAttempt

    response = client.post(reverse(url_name), {"username": "a" * 300 + "@example.id", "password": "salah"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert [len(name) for name in AccessAttempt.objects.values_list("username", flat=True)] == [254]


@pytest.mark.parametrize("selected", ["abc", "\x00", "1e309"])
def test_a_queue_action_with_a_forged_selection_is_refused_with_a_message(client, world, selected):
    req = world.in_review
    client.force_login(world.officer)
    response = client.post(CHANGELIST, {"action": "assign_requests_to", "_selected_action": selected, "index": "0"}, follow=True)
    assert response.status_code == 200
    assert "Pilihan tidak dikenali" in response.text
    assert list(ServiceRequest.objects.filter(pk=req.pk).values_list("assigned_to", flat=True)) == [world.officer.pk]


@pytest.mark.parametrize("params", [{"issued_at__year": "9999"}, {"issued_at__year": "99999999999999999999"},
                                    {"issued_at__year": "9999", "issued_at__month": "12", "issued_at__day": "31"}])
def test_a_date_filter_at_the_end_of_the_calendar_is_an_invalid_lookup(client, world, params):
    client.force_login(world.signer)
    response = client.get(reverse("admin:requests_app_letter_changelist"), params)
    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")


def test_wording_whose_filter_fails_on_the_sample_letter_is_refused_not_a_server_error(client, world):
    client.force_login(world.superuser)
    before = list(LetterTemplate.objects.values())
    data = {**wording_fields(world), "body": "Nomor {{ 1|divisibleby:0 }}"}
    response = client.post(reverse("admin:requests_app_lettertemplate_change", args=[world.wording.pk]), data)
    assert response.status_code == 200
    assert "Templat gagal diterapkan pada data contoh" in response.text
    assert list(LetterTemplate.objects.values()) == before
    response = client.post(reverse("admin:requests_app_lettertemplate_preview"), data)
    assert response.status_code == 400
    assert "Templat gagal diterapkan pada data contoh" in response.text


def test_a_nul_byte_never_reaches_the_json_details(client, world):
    """PostgreSQL's jsonb refuses \\u0000: the details form stops a NUL byte before the workflow stores it,
    while the six characters "\\u0000" typed as text are kept as typed."""
    client.force_login(world.applicant)
    url = reverse("requests_app:apply", args=["surat-keterangan-kerja"])
    before = ServiceRequest.objects.count()
    response = client.post(url, {**CERTIFICATE(world), "purpose": "Kredit\x00rumah"})
    assert response.status_code == 200
    assert response.context["form"].errors["purpose"]
    assert ServiceRequest.objects.count() == before
    response = client.post(url, {**CERTIFICATE(world), "purpose": "Kredit \\u0000 rumah"})
    assert response.status_code == 302
    assert ServiceRequest.objects.get(applicant=world.applicant).details["purpose"] == "Kredit \\u0000 rumah"
