"""Every transition, from every state, attempted by every role.

For each state one request is built; each (role, transition) attempt runs inside a
savepoint that is rolled back afterwards, so attempts do not disturb each other.
An allowed attempt must change the request and write history; a refused one must raise
WorkflowError and leave the row and its history exactly as they were.
"""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from requests_app import workflow
from requests_app.models import LeavePolicy, Letter, RequestDocument, RequestEvent, ServiceRequest
from requests_app.workflow import WorkflowError
from tests.factories import UserFactory, make_request

pytestmark = pytest.mark.django_db
S = ServiceRequest.Status

ACTIONS = {
    "submit": lambda r, u: workflow.submit_request(r, by=u),
    "resubmit": lambda r, u: workflow.resubmit_request(r, by=u),
    "cancel": lambda r, u: workflow.cancel_request(r, by=u),
    "consider": lambda r, u: workflow.consider_leave(r, by=u, decision="approved"),
    "assign": lambda r, u: workflow.assign_request(r, by=u),
    "revision": lambda r, u: workflow.request_revision(r, by=u, public_note="Unggah SK terbaru."),
    "verify": lambda r, u: workflow.verify_request(r, by=u),
    "approve": lambda r, u: workflow.approve_request(r, by=u),
    "reject": lambda r, u: workflow.reject_request(r, by=u, reason="Bukan ASN Pemko Medan."),
}

# state -> {action: roles allowed}. Anything not listed must be refused.
ALLOWED = {
    "draft": {"submit": {"applicant"}},
    "submitted": {
        "cancel": {"applicant"},
        "assign": {"officer", "other_officer", "superuser"},
        "reject": {"signer", "superuser"},
    },
    "with_supervisor": {"cancel": {"applicant"}, "consider": {"atasan"}},
    "in_review": {
        "assign": {"superuser"},  # already taken: only a superuser may take it over
        "revision": {"officer", "superuser"},
        "verify": {"officer", "superuser"},
        "reject": {"signer", "superuser"},
    },
    "verified": {
        "assign": {"superuser"},
        "revision": {"officer", "superuser"},
        "approve": {"signer", "superuser"},
        "reject": {"signer", "superuser"},
    },
    "revision": {"resubmit": {"applicant"}, "cancel": {"applicant"}},
    "approved": {},
    "letter_issued": {},
    "rejected": {},
    "cancelled": {},
}
ROLES = ["applicant", "other_applicant", "atasan", "officer", "other_officer", "foreign_officer",
         "signer", "supervisor", "superuser"]


@pytest.fixture
def people(applicant, other_applicant, atasan, officer, other_officer, foreign_officer, signer, supervisor):
    superuser = UserFactory(email="root@example.id", full_name="Root", is_staff=True, is_superuser=True)
    return {
        "applicant": applicant, "other_applicant": other_applicant, "atasan": atasan, "officer": officer,
        "other_officer": other_officer, "foreign_officer": foreign_officer, "signer": signer,
        "supervisor": supervisor, "superuser": superuser,
    }


def _with_document(req):
    requirement = req.service.requirements.first()
    doc = RequestDocument(request=req, requirement=requirement, original_name="sk.pdf", content_type="application/pdf",
                          size=9, sha256="0" * 64)
    doc.file.save("sk", ContentFile(b"%PDF-1.4\n"), save=True)
    return req


def _leave_request(people, **fields):
    tahunan = LeavePolicy.objects.get(asn_group="pns", code="tahunan")
    return make_request(
        people["applicant"], service="izin-cuti", leave_policy=tahunan, supervisor=people["atasan"],
        start_date=dt.date(2026, 12, 7), end_date=dt.date(2026, 12, 8), details={"reason": "Keperluan keluarga"},
        **fields,
    )


def build(state, people):
    officer = people["officer"]
    if state == "with_supervisor":
        return _leave_request(people, status=S.WITH_SUPERVISOR)
    fields = {}
    if state in ("in_review", "verified", "revision", "approved", "letter_issued"):
        fields["assigned_to"] = officer
    if state in ("verified", "approved", "letter_issued"):
        fields["verified_by"] = officer
    if state == "revision":
        fields["paused_at"] = timezone.now()
    status = {"verified": S.IN_REVIEW}.get(state, state)
    return _with_document(make_request(people["applicant"], status=status, **fields))


class Rollback(Exception):
    pass


def attempt(req, action, user):
    """Run one transition in a savepoint; report (allowed, error, changed, events_written)."""
    before = ServiceRequest.objects.values().get(pk=req.pk)
    events_before = RequestEvent.objects.filter(request=req).count()
    outcome = {}
    try:
        with transaction.atomic():
            try:
                ACTIONS[action](ServiceRequest.objects.get(pk=req.pk), user)
                outcome["error"] = None
            except WorkflowError as exc:
                outcome["error"] = str(exc)
            outcome["changed"] = ServiceRequest.objects.values().get(pk=req.pk) != before
            outcome["events"] = RequestEvent.objects.filter(request=req).count() - events_before
            raise Rollback
    except Rollback:
        pass
    return outcome


@pytest.mark.parametrize("state", list(ALLOWED))
def test_every_transition_for_every_role(state, people):
    req = build(state, people)
    problems = []
    for action in ACTIONS:
        for role in ROLES:
            expected = role in ALLOWED[state].get(action, set())
            out = attempt(req, action, people[role])
            if expected and (out["error"] or not out["events"]):
                problems.append(f"{role} should {action} from {state}: {out}")
            if not expected and action == "submit" and state != "draft" and role == "applicant":
                # Replayed submit by the owner is a harmless no-op.
                if out["error"] or out["changed"] or out["events"]:
                    problems.append(f"replayed submit changed a {state} request: {out}")
                continue
            if not expected and (out["error"] is None or out["changed"] or out["events"]):
                problems.append(f"{role} must not {action} from {state}: {out}")
    assert problems == []


def test_refusals_explain_themselves_in_indonesian(people):
    req = build("letter_issued", people)
    with pytest.raises(WorkflowError, match="tidak dapat dilakukan"):
        workflow.cancel_request(req, by=people["applicant"])
    req = build("submitted", people)
    with pytest.raises(WorkflowError, match="bukan wewenang unit Anda"):
        workflow.assign_request(req, by=people["foreign_officer"])


def test_submit_sets_due_date_in_working_days_and_records_history(people, django_capture_on_commit_callbacks, mailoutbox):
    req = _with_document(make_request(people["applicant"], status=S.DRAFT))
    # Friday 13 March 2026, SLA 3 working days: 16-17 Mar are working days, 18-24 Mar is the
    # Nyepi/Idulfitri block (holidays and cuti bersama), so day 3 is Wednesday 25 March.
    with django_capture_on_commit_callbacks(execute=True):
        with time_machine.travel(dt.datetime(2026, 3, 13, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))):
            req = workflow.submit_request(req, by=people["applicant"])
    assert req.status == S.SUBMITTED
    assert req.due_date == dt.date(2026, 3, 25)
    event = req.events.get()
    assert (event.action, event.from_status, event.to_status) == ("submitted", "draft", "submitted")
    assert len(mailoutbox) == 1
    assert req.code in mailoutbox[0].subject
    assert "Diajukan" in mailoutbox[0].body


def test_submit_refuses_missing_required_document(people):
    req = make_request(people["applicant"], status=S.DRAFT)
    with pytest.raises(WorkflowError, match="Dokumen wajib belum diunggah"):
        workflow.submit_request(req, by=people["applicant"])
    req.refresh_from_db()
    assert req.status == S.DRAFT
    assert not req.events.exists()


def test_non_asn_cannot_submit_an_asn_only_service(people, citizen):
    req = _with_document(make_request(citizen, status=S.DRAFT))
    with pytest.raises(WorkflowError, match="hanya untuk ASN"):
        workflow.submit_request(req, by=citizen)


def test_create_draft_is_replay_safe(people):
    from uuid import uuid4

    from requests_app.models import Service

    service = Service.objects.get(slug="surat-keterangan-kerja")
    key = uuid4()
    first = workflow.create_draft(service, applicant=people["applicant"], idempotency_key=key)
    again = workflow.create_draft(service, applicant=people["applicant"], idempotency_key=key)
    assert first.pk == again.pk
    assert ServiceRequest.objects.count() == 1
    with pytest.raises(WorkflowError):
        workflow.create_draft(service, applicant=people["other_applicant"], idempotency_key=key)


def test_tracking_code_is_readable_and_unambiguous(people):
    from uuid import uuid4

    from requests_app.models import Service

    service = Service.objects.get(slug="surat-keterangan-kerja")
    codes = {workflow.create_draft(service, applicant=people["applicant"], idempotency_key=uuid4()).code for _ in range(30)}
    assert len(codes) == 30
    for code in codes:
        prefix, year, tail = code.split("-")
        assert prefix == "SKK" and len(year) == 2 and len(tail) == 6
        assert not set(tail) & set("01OIL")


def test_revision_pauses_the_clock_and_resubmission_resumes_it(people):
    req = build("in_review", people)
    req.due_date = dt.date(2026, 11, 30)
    req.save()
    wib = dt.timezone(dt.timedelta(hours=7))
    with time_machine.travel(dt.datetime(2026, 11, 25, 10, 0, tzinfo=wib)):  # Wednesday
        req = workflow.request_revision(req, by=people["officer"], public_note="SK tidak terbaca.")
    assert req.paused_at is not None
    assert not ServiceRequest.objects.overdue(today=dt.date(2026, 12, 10)).filter(pk=req.pk).exists()
    with time_machine.travel(dt.datetime(2026, 11, 27, 10, 0, tzinfo=wib)):  # Friday: Thu + Fri spent
        req = workflow.resubmit_request(req, by=people["applicant"])
    assert req.status == S.IN_REVIEW
    assert req.paused_at is None
    assert req.due_date == dt.date(2026, 12, 2)  # Mon 30 Nov + 2 working days
    assert list(req.events.values_list("action", flat=True)) == ["revision", "resubmitted"]
    assert req.events.first().public_note == "SK tidak terbaca."


def test_revision_requires_a_note_and_rejection_a_reason(people):
    req = build("in_review", people)
    with pytest.raises(WorkflowError, match="perlu diperbaiki"):
        workflow.request_revision(req, by=people["officer"], public_note="  ")
    with pytest.raises(WorkflowError, match="Alasan penolakan"):
        workflow.reject_request(req, by=people["signer"], reason="")
    assert not req.events.exists()


def test_four_eyes_the_verifier_cannot_approve(people):
    superuser = people["superuser"]
    req = build("in_review", people)
    req.assigned_to = superuser
    req.save()
    workflow.verify_request(req, by=superuser)
    with pytest.raises(WorkflowError, match="pejabat lain"):
        workflow.approve_request(req, by=superuser)
    workflow.approve_request(req, by=people["signer"])
    req.refresh_from_db()
    assert req.status == S.APPROVED and req.decided_by == people["signer"]


def test_approval_reserves_the_letter_number(people):
    req = build("verified", people)
    workflow.approve_request(req, by=people["signer"])
    letter = Letter.objects.get(request=req)
    year = timezone.localdate().year
    assert letter.number == f"800.1.11/1/BKPSDM/{year}"
    assert letter.status == Letter.Status.PENDING
    assert letter.signer == people["signer"]
    assert len(letter.verification_code) == 12


def test_leave_chain_goes_through_the_atasan_first(people):
    req = _leave_request(people, status=S.DRAFT)
    req = workflow.submit_request(req, by=people["applicant"])
    assert req.status == S.WITH_SUPERVISOR
    assert req.duration == 2 and req.duration_unit == "working_days"
    actions = list(req.events.values_list("action", flat=True))
    assert actions == ["submitted", "to_supervisor"]
    req = workflow.consider_leave(req, by=people["atasan"], decision="approved")
    assert req.status == S.SUBMITTED and req.supervisor_decision == "approved"


def test_mails_name_what_happened_when_the_status_alone_would_not(people, django_capture_on_commit_callbacks,
                                                                    mailoutbox):
    req = workflow.submit_request(_leave_request(people, status=S.DRAFT), by=people["applicant"])
    with django_capture_on_commit_callbacks(execute=True):
        workflow.consider_leave(req, by=people["atasan"], decision="approved")
    # Back to "Diajukan" for the agency's officers: the mail says the atasan agreed and where it went.
    assert mailoutbox[-1].subject == f"Permohonan {req.code}: Pertimbangan atasan langsung"
    assert "kini berstatus: Diajukan." in mailoutbox[-1].body
    assert "Disetujui atasan langsung; permohonan diteruskan ke petugas BKPSDM." in mailoutbox[-1].body

    other = build("in_review", people)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.verify_request(other, by=other.assigned_to)
    # Verifying keeps "Diverifikasi/Diproses": the subject is not a copy of the "ditangani petugas" one.
    assert mailoutbox[-1].subject == f"Permohonan {other.code}: Berkas diverifikasi"
    assert "menunggu keputusan pejabat" in mailoutbox[-1].body


def test_a_note_ending_with_a_degree_keeps_one_full_stop(people):
    people["atasan"].full_name = "Drs. Bambang Sitorus, M.Pd."
    people["atasan"].save()
    req = workflow.submit_request(_leave_request(people, status=S.DRAFT), by=people["applicant"])
    assert req.events.get(action="to_supervisor").public_note == "Menunggu pertimbangan Drs. Bambang Sitorus, M.Pd."


@pytest.mark.parametrize("decision,status", [("changed", S.REVISION), ("deferred", S.REJECTED), ("refused", S.REJECTED)])
def test_atasan_other_decisions_need_a_reason(people, decision, status):
    req = _leave_request(people, status=S.WITH_SUPERVISOR)
    with pytest.raises(WorkflowError, match="Alasan wajib"):
        workflow.consider_leave(req, by=people["atasan"], decision=decision, note="")
    req = workflow.consider_leave(req, by=people["atasan"], decision=decision, note="Beban kerja akhir tahun.")
    assert req.status == status
    assert "Beban kerja akhir tahun." in req.events.get().public_note


def test_changed_by_atasan_returns_to_atasan_after_resubmission(people):
    req = _leave_request(people, status=S.WITH_SUPERVISOR)
    req = workflow.consider_leave(req, by=people["atasan"], decision="changed", note="Geser ke minggu depan.")
    req = workflow.update_details(req, by=people["applicant"], leave_fields={
        "start_date": dt.date(2026, 12, 14), "end_date": dt.date(2026, 12, 15)})
    req = workflow.resubmit_request(req, by=people["applicant"])
    assert req.status == S.WITH_SUPERVISOR


def test_only_the_chosen_atasan_may_consider(people):
    other_atasan = UserFactory(email="atasan2@example.id", full_name="Atasan Lain")
    other_atasan.groups.add(Group.objects.get(name="Atasan Langsung"))
    req = _leave_request(people, status=S.WITH_SUPERVISOR)
    with pytest.raises(WorkflowError, match="bukan atasan langsung"):
        workflow.consider_leave(req, by=other_atasan, decision="approved")


def test_letter_issued_finishes_the_request_once(people):
    req = build("approved", people)
    req = workflow.mark_letter_issued(req)
    assert req.status == S.LETTER_ISSUED and req.finished_at
    again = workflow.mark_letter_issued(req)
    assert again.events.filter(action="letter_issued").count() == 1


def test_allowed_actions_match_what_the_workflow_accepts(people):
    for state in ("submitted", "in_review", "verified", "revision", "with_supervisor"):
        req = build(state, people)
        for role in ROLES:
            names = set(workflow.allowed_actions(req, people[role]))
            for action in names:
                out = attempt(req, action if action != "consider" else "consider", people[role])
                assert out["error"] is None, f"{role} offered {action} in {state} but refused: {out}"


def test_head_of_the_root_unit_decides_for_every_bidang(people, units):
    from tests.factories import staff_user

    head = staff_user("kepala@example.id", "Pejabat Penandatangan", unit=units["bkpsdm"], full_name="Kepala Badan")
    req = build("verified", people)  # owned by bidang PPI, a child of BKPSDM
    workflow.approve_request(req, by=head)
    req.refresh_from_db()
    assert req.status == S.APPROVED
    assert ServiceRequest.objects.for_officer(head).filter(pk=req.pk).exists()
    # ...but a bidang does not reach its sibling's requests.
    assert not ServiceRequest.objects.for_officer(people["foreign_officer"]).filter(pk=req.pk).exists()


def test_letter_issued_mail_links_the_letter_and_the_survey(people, django_capture_on_commit_callbacks, mailoutbox):
    req = build("approved", people)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.mark_letter_issued(req)
    body = mailoutbox[-1].body
    assert f"/permohonan/{req.code}/surat.pdf" in body
    assert f"/survei/permohonan/{req.code}/" in body


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # real commits, as in `make run`
def test_the_approval_mail_leaves_before_the_letter_is_made(people, mailoutbox):
    """Where Celery runs eagerly the letter task runs inside the approval's on-commit hooks: the applicant must
    not read "Surat Terbit" and then "Disetujui, surat sedang dibuat"."""
    req = build("verified", people)
    workflow.approve_request(req, by=people["signer"])
    assert ServiceRequest.objects.get(pk=req.pk).status == S.LETTER_ISSUED
    subjects = [message.subject for message in mailoutbox]
    assert len(subjects) == 2 and "Disetujui" in subjects[0] and "Surat Terbit" in subjects[1], subjects


def test_a_late_failure_never_undoes_an_issued_letter(people):
    req = build("verified", people)
    workflow.approve_request(req, by=people["signer"])
    Letter.objects.filter(request=req).update(status=Letter.Status.ISSUED)
    workflow.mark_letter_failed(req, error="timeout")
    assert Letter.objects.get(request=req).status == Letter.Status.ISSUED
    assert not req.events.filter(action="letter_failed").exists()
