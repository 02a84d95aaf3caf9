"""Celery proven once for real: a worker subprocess on the Redis broker and the test database (STYLE.md rule 17)."""

import subprocess
import sys

import pytest
from celery.result import EagerResult
from django.core import mail

from pelayanan.celery import app
from pelayanan.tasks import ping, send_email
from tests.worker import BASE_DIR, CeleryWorker

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_worker_sends_a_queued_email(celery_worker_process):
    payload = {
        "subject": "Permohonan PPI-2026-000123 disetujui",
        "body": "Yth. Ani Lestari,\nsurat Anda sudah terbit.\n",
        "html": "<p>Yth. Ani Lestari,</p><p>surat Anda sudah terbit.</p>",
        "to": ["ani@example.id"],
    }

    result = send_email.delay(payload)

    assert not isinstance(result, EagerResult)
    assert result.get(timeout=15) == 1
    [message] = celery_worker_process.sent_mail()
    assert message["To"] == "ani@example.id"
    assert message["Subject"] == "Permohonan PPI-2026-000123 disetujui"
    assert "surat Anda sudah terbit" in message.get_body(("plain",)).get_content()
    assert "<p>surat Anda sudah terbit.</p>" in message.get_body(("html",)).get_content()
    assert celery_worker_process.wait_for_log(f"Task pelayanan.tasks.send_email[{result.id}] succeeded")
    assert mail.outbox == []  # this process only queued it


def test_worker_answers_ping_task_and_control_ping(celery_worker_process, client):
    result = ping.delay()

    assert result.get(timeout=15) == "pong"
    assert celery_worker_process.wait_for_log(f"Task pelayanan.tasks.ping[{result.id}] succeeded")
    replies = app.control.ping(destination=[celery_worker_process.nodename], timeout=5.0, limit=1)
    assert replies == [{celery_worker_process.nodename: {"ok": "pong"}}]
    # With a worker answering, /healthz reports it instead of "eager".
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["celery"].startswith("ok")


def test_worker_environment_reaches_the_test_database(settings, tmp_path):
    from tests.factories import UserFactory

    UserFactory(email="komit@example.id")  # committed: the test runs outside a transaction
    worker = CeleryWorker.for_current_settings(tmp_path)
    assert settings.DATABASES["default"]["NAME"].startswith("test_")
    code = (
        "from django.db import connection; from pelayanan.models import User; "
        "print(connection.settings_dict['NAME'], User.objects.filter(email='komit@example.id').count())"
    )

    out = subprocess.run([sys.executable, "manage.py", "shell", "-v", "0", "-c", code], cwd=BASE_DIR, env=worker.env,
                         capture_output=True, text=True, timeout=60)

    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == [settings.DATABASES["default"]["NAME"], "1"]


def test_worker_tests_start_with_the_seeded_roles_and_units(celery_worker_process):
    from django.contrib.auth.models import Group

    from pelayanan.models import OrganisationUnit

    assert Group.objects.filter(name="Petugas Layanan").exists()
    assert OrganisationUnit.objects.filter(code="ppi").exists()
