"""Letter numbers (DOMAIN.md §3.3): unique, consecutive, gap-free, per classification code and year."""

import datetime as dt
import json
import threading
import uuid

import pytest
import redis
from django.conf import settings as django_settings
from django.db import connection, transaction
from django.utils import timezone

from pelayanan.celery import app
from requests_app import numbering, workflow
from requests_app.models import Letter, LetterCounter, ServiceRequest
from tests.factories import make_leave_request, make_request

S = ServiceRequest.Status


def verified_request(applicant, officer, **fields):
    return make_request(applicant, status=S.IN_REVIEW, assigned_to=officer, verified_by=officer, **fields)


@pytest.mark.django_db
def test_number_format_follows_the_setting(settings):
    issued = timezone.make_aware(dt.datetime(2026, 3, 2, 9, 0))
    assert numbering.format_number("800.1.11.4", 123, 2026, issued_at=issued) == "800.1.11.4/123/BKPSDM/2026"
    settings.LETTER_NUMBER_FORMAT = "{kka}/{seq}/{unit}/{month_roman}/{year}"
    settings.LETTER_UNIT_CODE = "BKPSDM-MDN"
    assert numbering.format_number("800.1.11.4", 7, 2026, issued_at=issued) == "800.1.11.4/7/BKPSDM-MDN/III/2026"


@pytest.mark.django_db
def test_classification_comes_from_the_leave_type_else_the_service(applicant, signer):
    cuti_sakit = make_leave_request(applicant, "sakit", dt.date(2026, 12, 7), dt.date(2026, 12, 9), status=S.IN_REVIEW)
    skk = make_request(applicant)
    legal = make_request(applicant, service="legalisasi-sk")
    assert numbering.classification_for(cuti_sakit) == "800.1.11.2"
    assert numbering.classification_for(skk) == "800.1.11"
    assert numbering.classification_for(legal) == "800.1.13.1"


@pytest.mark.django_db
def test_each_code_and_year_counts_on_its_own(applicant, signer):
    def letter(req, when):
        with transaction.atomic():
            return numbering.create_letter(req, signer=signer, issued_at=when)

    dec = timezone.make_aware(dt.datetime(2026, 12, 31, 16, 0))
    jan = timezone.make_aware(dt.datetime(2027, 1, 2, 9, 0))
    assert letter(make_request(applicant, status=S.APPROVED), dec).number == "800.1.11/1/BKPSDM/2026"
    assert letter(make_request(applicant, status=S.APPROVED), dec).number == "800.1.11/2/BKPSDM/2026"
    assert letter(make_request(applicant, service="legalisasi-sk", status=S.APPROVED), dec).number == "800.1.13.1/1/BKPSDM/2026"
    assert letter(make_request(applicant, status=S.APPROVED), jan).number == "800.1.11/1/BKPSDM/2027"  # new year, new count
    # 17.30 UTC on 31 December is already 1 January in Medan (WIB): the letter belongs to 2027.
    new_year_eve_utc = dt.datetime(2026, 12, 31, 17, 30, tzinfo=dt.UTC)
    assert letter(make_request(applicant, status=S.APPROVED), new_year_eve_utc).number == "800.1.11/2/BKPSDM/2027"


@pytest.mark.django_db
def test_a_rolled_back_approval_gives_its_number_back(applicant, officer, signer):
    first, second = verified_request(applicant, officer), verified_request(applicant, officer)

    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        workflow.approve_request(first, by=signer)
        assert Letter.objects.get(request=first).sequence == 1
        raise Abort  # e.g. the database refused a later write of the same transaction

    assert not Letter.objects.filter(request=first).exists()
    assert ServiceRequest.objects.get(pk=first.pk).status == S.IN_REVIEW
    workflow.approve_request(second, by=signer)
    workflow.approve_request(first, by=signer)
    assert list(Letter.objects.order_by("sequence").values_list("request_id", "sequence")) == [(second.pk, 1), (first.pk, 2)]
    assert LetterCounter.objects.get(classification_code="800.1.11").last_number == 2


@pytest.fixture
def private_queue():
    """Send this test's Celery messages through Redis to a queue nobody consumes, then inspect and drop it.

    Approving fifty requests would otherwise render fifty PDFs eagerly in the test's threads.
    """
    name = f"test-letters-{uuid.uuid4().hex[:8]}"
    eager, queue = app.conf.task_always_eager, app.conf.task_default_queue
    app.conf.task_always_eager, app.conf.task_default_queue = False, name
    client = redis.Redis.from_url(django_settings.CELERY_BROKER_URL)
    # Declare it before the threads publish: kombu marks a queue declared before Redis has its binding,
    # and a message published by another thread in that instant is dropped.
    with app.connection_for_write() as conn:
        app.amqp.queues[name](conn.default_channel).declare()
    try:
        yield lambda: [json.loads(raw) for raw in client.lrange(name, 0, -1)]
    finally:
        app.conf.task_always_eager, app.conf.task_default_queue = eager, queue
        client.delete(name, f"_kombu.binding.{name}", f"_kombu.binding_permanent.{name}")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_fifty_concurrent_approvals_get_fifty_consecutive_numbers(applicant, officer, signer, private_queue):
    requests = [verified_request(applicant, officer) for _ in range(50)]
    start = threading.Barrier(len(requests))
    errors = []

    def approve(pk):
        try:
            req = ServiceRequest.objects.get(pk=pk)
            start.wait(timeout=30)  # all fifty reach the counter together
            workflow.approve_request(req, by=signer)
        except Exception as exc:  # reported below; a thread must not die silently
            errors.append(exc)
        finally:
            connection.close()  # each thread had its own connection

    threads = [threading.Thread(target=approve, args=(req.pk,)) for req in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sorted(Letter.objects.values_list("sequence", flat=True)) == list(range(1, 51))
    year = timezone.localdate().year
    assert set(Letter.objects.values_list("number", flat=True)) == {f"800.1.11/{n}/BKPSDM/{year}" for n in range(1, 51)}
    assert LetterCounter.objects.get(classification_code="800.1.11", year=year).last_number == 50
    assert ServiceRequest.objects.filter(status=S.APPROVED).count() == 50
    # Every approval queued its letter after commit (through Redis; nobody consumes this queue).
    queued = [m["headers"]["argsrepr"] for m in private_queue() if m["headers"]["task"] == "requests_app.tasks.generate_letter"]
    assert sorted(queued) == sorted(f"({req.pk},)" for req in requests)
