"""feedback/workflow.py: deadlines in working days, status changes, answers, tiers, forwarding, publishing."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import Permission

from feedback import workflow
from feedback.models import ComplaintTier, Feedback, FeedbackEvent
from feedback.workflow import WorkflowError

pytestmark = pytest.mark.django_db
JAKARTA_9AM = dt.timezone(dt.timedelta(hours=7))


def tier(code):
    return ComplaintTier.objects.get(code=code)


def test_tiers_are_seeded_with_5_14_60_days():
    assert list(ComplaintTier.objects.values_list("code", "resolution_days")) == [
        ("ringan", 5), ("tanpa-pemeriksaan-lapangan", 14), ("pemeriksaan-lapangan", 60),
    ]


def test_deadlines_skip_weekends_nyepi_and_idulfitri(file_item):
    # Filed Friday 13 March 2026. Working days after it: Mon 16, Tue 17, then 18-24 March are Nyepi,
    # Idulfitri and their cuti bersama (DOMAIN.md §5.2), so Wed 25 is the 3rd, Thu 26 the 4th, Fri 27 the 5th.
    with time_machine.travel(dt.datetime(2026, 3, 13, 9, 0, tzinfo=JAKARTA_9AM), tick=False):
        fb = file_item()
    assert fb.received_on == dt.date(2026, 3, 13)
    assert fb.tier.code == "ringan"
    assert (fb.response_due, fb.resolution_due) == (dt.date(2026, 3, 25), dt.date(2026, 3, 27))


def test_changing_the_tier_recounts_resolution_from_the_day_received(file_item, officer, units):
    with time_machine.travel(dt.datetime(2026, 3, 13, 9, 0, tzinfo=JAKARTA_9AM), tick=False):
        fb = file_item(service=None, related_code="")
    fb.unit = units["ppi"]
    fb.save(update_fields=["unit"])
    # 14 working days from 13 March: 16, 17, 25, 26, 27, 30, 31 March, 1, 2 April (3 April is Good Friday),
    # 6, 7, 8, 9, 10 April -> Friday 10 April 2026.
    fb = workflow.set_tier(fb, tier=tier("tanpa-pemeriksaan-lapangan"), by=officer)
    fb.refresh_from_db()
    assert fb.resolution_due == dt.date(2026, 4, 10)
    assert fb.response_due == dt.date(2026, 3, 25)
    event = fb.events.get(action="tier")
    assert "Tidak memerlukan pemeriksaan lapangan" in event.note and event.actor == officer


def test_overdue_flags(file_item):
    with time_machine.travel(dt.datetime(2026, 3, 13, 9, 0, tzinfo=JAKARTA_9AM), tick=False):
        fb = file_item()
    assert not fb.is_overdue(dt.date(2026, 3, 25))
    assert fb.response_overdue(dt.date(2026, 3, 26))
    assert fb.resolution_overdue(dt.date(2026, 3, 28)) and not fb.resolution_overdue(dt.date(2026, 3, 27))
    assert list(Feedback.objects.overdue(dt.date(2026, 3, 26))) == [fb]
    assert not Feedback.objects.overdue(dt.date(2026, 3, 25)).exists()


@pytest.fixture
def ppi_item(file_item, services):
    return file_item(service=services["surat-keterangan-kerja"])  # SKK belongs to PPI


def test_answer_is_recorded_and_emailed(ppi_item, officer, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        workflow.answer(ppi_item, by=officer, text="Berkas Anda sedang kami periksa.", note="cek ke bidang")
    fb = Feedback.objects.get(pk=ppi_item.pk)
    assert fb.answer == "Berkas Anda sedang kami periksa." and fb.responded_at is not None
    event = fb.events.get(action="answered")
    assert (event.actor, event.public_note, event.note) == (officer, "Berkas Anda sedang kami periksa.", "cek ke bidang")
    answer_mail = mailoutbox[-1]
    assert answer_mail.to == ["sari@example.id"]
    assert ppi_item.code in answer_mail.subject
    assert "Berkas Anda sedang kami periksa." in answer_mail.body and "cek ke bidang" not in answer_mail.body


def test_closing_requires_a_public_answer_and_writes_nothing_without_it(ppi_item, officer):
    with pytest.raises(WorkflowError, match="Tuliskan tanggapan untuk pelapor"):
        workflow.change_status(ppi_item, to="closed", by=officer)
    ppi_item.refresh_from_db()
    assert ppi_item.status == "received"
    assert list(ppi_item.events.values_list("action", flat=True)) == ["filed"]


def test_closing_with_an_answer(ppi_item, officer, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        workflow.change_status(ppi_item, to="closed", by=officer, public_note="Surat sudah terbit hari ini.")
    fb = Feedback.objects.get(pk=ppi_item.pk)
    assert (fb.status, fb.answer) == ("closed", "Surat sudah terbit hari ini.")
    assert fb.closed_at is not None and not fb.is_open
    event = fb.events.get(action="status")
    assert (event.from_status, event.to_status) == ("received", "closed")
    assert "Selesai" in mailoutbox[-1].subject


def test_status_change_counts_as_first_response_without_email(ppi_item, officer, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        workflow.change_status(ppi_item, to="reviewing", by=officer)
    fb = Feedback.objects.get(pk=ppi_item.pk)
    assert fb.responded_at is not None and fb.answer == ""
    assert [m.subject for m in mailoutbox if "Tanggapan" in m.subject] == []


def test_illegal_transition_is_refused(ppi_item, officer):
    workflow.change_status(ppi_item, to="closed", by=officer, public_note="Selesai.")
    with pytest.raises(WorkflowError, match="tidak dapat diubah"):
        workflow.change_status(ppi_item, to="in_progress", by=officer)
    assert FeedbackEvent.objects.filter(feedback=ppi_item, action="status").count() == 1


def test_reopening_needs_a_reason(ppi_item, officer):
    workflow.change_status(ppi_item, to="declined", by=officer, public_note="Di luar kewenangan kami.")
    with pytest.raises(WorkflowError, match="alasan membuka kembali"):
        workflow.change_status(ppi_item, to="reviewing", by=officer)
    fb = workflow.change_status(ppi_item, to="reviewing", by=officer, note="Pelapor melengkapi bukti.")
    assert fb.status == "reviewing" and fb.closed_at is None


def test_officer_of_another_unit_is_refused(ppi_item, foreign_officer):
    with pytest.raises(WorkflowError, match="bukan wewenang unit Anda"):
        workflow.change_status(ppi_item, to="reviewing", by=foreign_officer)
    with pytest.raises(WorkflowError):
        workflow.assign(ppi_item, to=foreign_officer, by=foreign_officer)
    assert list(ppi_item.events.values_list("action", flat=True)) == ["filed"]


def test_supervisor_reads_but_cannot_act(ppi_item, supervisor):
    with pytest.raises(WorkflowError, match="tidak berwenang"):
        workflow.answer(ppi_item, by=supervisor, text="Halo")
    assert ppi_item.events.count() == 1


def test_citizen_cannot_act_even_with_a_crafted_call(ppi_item, citizen):
    with pytest.raises(WorkflowError):
        workflow.change_status(ppi_item, to="reviewing", by=citizen)


def test_assign_to_me(ppi_item, officer, other_officer):
    workflow.assign(ppi_item, to=officer, by=officer)
    assert Feedback.objects.get(pk=ppi_item.pk).assigned_to == officer
    with pytest.raises(WorkflowError, match="sudah ditangani"):
        workflow.assign(ppi_item, to=officer, by=officer)
    workflow.assign(ppi_item, to=other_officer, by=other_officer)
    assert Feedback.objects.get(pk=ppi_item.pk).assigned_to == other_officer
    assert ppi_item.events.filter(action="assigned").count() == 2


def test_forward_moves_the_item_out_of_the_queue(ppi_item, officer, units):
    workflow.assign(ppi_item, to=officer, by=officer)
    fb = workflow.forward(ppi_item, unit=units["psdm"], by=officer, note="Menyangkut pengembangan kompetensi.")
    assert (fb.unit, fb.assigned_to) == (units["psdm"], None)
    assert not Feedback.objects.for_officer(officer).filter(pk=fb.pk).exists()
    with pytest.raises(WorkflowError):
        workflow.add_note(fb, by=officer, note="masih bisa?")


def test_internal_note_is_never_public(ppi_item, officer):
    workflow.add_note(ppi_item, by=officer, note="Pelapor pernah mengadu hal sama.")
    event = ppi_item.events.get(action="note")
    assert event.public_note == "" and event.note == "Pelapor pernah mengadu hal sama."


def test_process_is_all_or_nothing(ppi_item, officer):
    # The tier change would succeed, but closing without a public answer fails: nothing is kept.
    with pytest.raises(WorkflowError):
        workflow.process(ppi_item, by=officer, tier=tier("pemeriksaan-lapangan"), status="closed")
    ppi_item.refresh_from_db()
    assert ppi_item.tier.code == "ringan" and ppi_item.events.count() == 1


def test_publishing_needs_consent_and_the_permission(file_item, officer, units):
    suggestion = file_item(kind="suggestion", consent_public=True, name="", email="", phone="")
    private = file_item(kind="suggestion", consent_public=False)
    for fb in (suggestion, private):
        fb.unit = units["ppi"]
        fb.save(update_fields=["unit"])
    with pytest.raises(WorkflowError, match="tidak dapat ditayangkan"):
        workflow.publish(private, by=officer)
    officer.groups.first().permissions.remove(Permission.objects.get(codename="publish_feedback"))
    officer = type(officer).objects.get(pk=officer.pk)  # drop the permission cache
    with pytest.raises(WorkflowError, match="tidak berwenang"):
        workflow.publish(suggestion, by=officer)
    assert not Feedback.objects.filter(published=True).exists()
