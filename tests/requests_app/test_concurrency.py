"""Two staff members acting on the same request at the same moment, on real PostgreSQL (issue 4, item 9).

Each attempt runs in its own thread, hence its own database connection and transaction; a barrier
releases them together so both reach the row lock (select_for_update) at once. Exactly one wins; the
other waits for the lock, then finds the request already changed and gets a WorkflowError that says so.
"""

import threading

import pytest
from django.db import connection

from requests_app import workflow
from requests_app.models import Letter, LetterCounter, RequestEvent, ServiceRequest
from tests.factories import make_request, staff_user

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
S = ServiceRequest.Status


def race(request_id, attempts):
    """Run each (user, function) at the same moment; returns [(user, "ok" | WorkflowError message)]."""
    barrier = threading.Barrier(len(attempts))
    results = []
    lock = threading.Lock()

    def run(user, call):
        try:
            req = ServiceRequest.objects.get(pk=request_id)
            barrier.wait(timeout=10)
            call(req, user)
            outcome = "ok"
        except workflow.WorkflowError as exc:
            outcome = str(exc)
        finally:
            connection.close()  # this thread's own connection
        with lock:
            results.append((user, outcome))

    threads = [threading.Thread(target=run, args=attempt) for attempt in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return results


def test_two_officers_take_the_same_request(officer, other_officer, applicant):
    req = make_request(applicant)
    take = lambda r, user: workflow.assign_request(r, by=user)  # noqa: E731
    results = race(req.pk, [(officer, take), (other_officer, take)])
    winners = [user for user, outcome in results if outcome == "ok"]
    [(loser, message)] = [(user, outcome) for user, outcome in results if outcome != "ok"]
    assert len(winners) == 1
    req.refresh_from_db()
    assert req.assigned_to == winners[0] and req.status == S.IN_REVIEW
    assert message == f"Permohonan {req.code} sudah ditangani {winners[0]}."
    assert RequestEvent.objects.filter(request=req, action=RequestEvent.Action.ASSIGNED).count() == 1


def test_two_signers_approve_the_same_request(officer, signer, units, applicant):
    second_signer = staff_user("pejabat2@example.id", "Pejabat Penandatangan", unit=units["ppi"], full_name="Ir. Joko Pejabat")
    req = make_request(applicant, status=S.IN_REVIEW, assigned_to=officer, verified_by=officer)
    approve = lambda r, user: workflow.approve_request(r, by=user)  # noqa: E731
    results = race(req.pk, [(signer, approve), (second_signer, approve)])
    winners = [user for user, outcome in results if outcome == "ok"]
    [message] = [outcome for user, outcome in results if outcome != "ok"]
    assert len(winners) == 1
    req.refresh_from_db()
    assert req.decided_by == winners[0]
    assert req.status in (S.APPROVED, S.LETTER_ISSUED)  # the eager letter task may already have run
    assert message == f"Permohonan {req.code} berstatus \u201cDisetujui\u201d; tindakan ini tidak dapat dilakukan." or (
        "Surat Terbit" in message)
    letter = Letter.objects.get(request=req)
    assert Letter.objects.count() == 1
    assert letter.sequence == 1 and LetterCounter.objects.get(classification_code=letter.classification_code).last_number == 1
    assert RequestEvent.objects.filter(request=req, action=RequestEvent.Action.APPROVED).count() == 1
