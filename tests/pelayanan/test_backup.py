"""`manage.py backup` / `restore` (make backup, make restore FILE=...): a wiped portal comes back whole.

pg_dump reads committed data from its own connection, so these tests use a transactional database
(serialized_rollback puts the migrations' catalogue and roles back afterwards).
"""

import hashlib
import io
import json
import tarfile
import uuid
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from pelayanan.management.backups import Database
from pelayanan.models import User
from requests_app import tasks, workflow
from requests_app.models import Letter, RequestDocument, ServiceRequest
from tests.factories import UserFactory, make_approved_request, make_image, make_pdf, make_request
from tests.worker import database_url

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def sha256_file(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@pytest.fixture
def scratch_database():
    """The URL of a database that does not exist yet; dropped after the test."""
    name = f"test_pelayanan_restore_{uuid.uuid4().hex[:8]}"
    db = {**connection.settings_dict, "NAME": name}
    yield database_url(db)
    conn = Database.from_settings(db).connect("postgres")
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    conn.close()


def make_portal_data(signer):
    """Two requests with uploaded documents (one superseded) and an approved request with its rendered letter."""
    applicant = UserFactory(full_name="Ani Lestari, S.E.")
    draft = make_request(applicant, status="draft")
    requirements = list(draft.service.requirements.all())
    workflow.attach_document(draft, by=applicant, requirement=requirements[0],
                             upload=SimpleUploadedFile("ktp.png", make_image(), content_type="image/png"))
    workflow.attach_document(draft, by=applicant, requirement=requirements[0],
                             upload=SimpleUploadedFile("ktp-baru.pdf", make_pdf("KTP"), content_type="application/pdf"))
    other = make_request(UserFactory(), status="draft")
    workflow.attach_document(other, by=other.applicant, requirement=requirements[-1],
                             upload=SimpleUploadedFile("sk.pdf", make_pdf("SK", pages=2), content_type="application/pdf"))
    approved = make_approved_request(applicant, signer)
    tasks.generate_letter(approved.pk)  # the real renderer (WeasyPrint), run in-process
    return approved


def snapshot(cursor, media_root):
    """What must survive: every request, document and letter, with the hash of each file as found on disk.

    Plain SQL, so the same code reads the live test database and the restored one.
    """
    tables = {"r": ServiceRequest._meta.db_table, "d": RequestDocument._meta.db_table, "l": Letter._meta.db_table,
              "u": User._meta.db_table}

    def rows(sql):
        cursor.execute(sql.format(**tables))
        return cursor.fetchall()

    return {
        "requests": sorted(rows("SELECT r.code, r.status, u.email FROM {r} r JOIN {u} u ON u.id = r.applicant_id")),
        "documents": sorted(
            (code, name, superseded, sha, sha256_file(Path(media_root) / file))
            for code, name, superseded, sha, file in rows(
                "SELECT r.code, d.original_name, d.superseded, d.sha256, d.file FROM {d} d JOIN {r} r ON r.id = d.request_id")
        ),
        "letters": sorted(
            (code, number, status, sha, sha256_file(Path(media_root) / file))
            for code, number, status, sha, file in rows(
                "SELECT r.code, l.number, l.status, l.sha256, l.file FROM {l} l JOIN {r} r ON r.id = l.request_id")
        ),
    }


def test_backup_wipe_and_restore_into_a_fresh_database_gives_back_every_row_and_file(signer, settings, tmp_path,
                                                                                     scratch_database):
    approved = make_portal_data(signer)
    with connection.cursor() as cursor:
        before = snapshot(cursor, settings.MEDIA_ROOT)
    assert len(before["requests"]) == 3 and len(before["documents"]) == 3 and len(before["letters"]) == 1
    assert Letter.objects.get(request=approved).status == Letter.Status.ISSUED and all(doc[3] == doc[4] for doc in before["documents"])  # stored hash = file

    call_command("backup", "--output-dir", str(tmp_path / "backups"))
    [backup] = (tmp_path / "backups").glob("pelayanan-*.tar")
    assert backup.stat().st_mode & 0o077 == 0  # personal data: readable by its owner only

    # Wipe: the rows and the files are gone from the live portal.
    Letter.objects.all().delete()
    ServiceRequest.objects.all().delete()
    for path in Path(settings.MEDIA_ROOT).rglob("*"):
        if path.is_file():
            path.unlink()
    assert not ServiceRequest.objects.exists()

    restored_media = tmp_path / "restored-media"
    call_command("restore", str(backup), "--database-url", scratch_database, "--media-root", str(restored_media))

    restored = Database.from_url(scratch_database).connect()
    try:
        with restored.cursor() as cursor:
            assert snapshot(cursor, restored_media) == before
    finally:
        restored.close()


def test_the_manifest_describes_the_backup(signer, tmp_path):
    make_portal_data(signer)

    call_command("backup", "--output-dir", str(tmp_path))
    [backup] = tmp_path.glob("pelayanan-*.tar")

    with tarfile.open(backup) as bundle:
        assert sorted(bundle.getnames()) == ["MANIFEST.json", "database.dump", "media.tar.gz"]
        manifest = json.load(bundle.extractfile("MANIFEST.json"))
        dump = bundle.extractfile("database.dump").read()
    assert dump.startswith(b"PGDMP")  # pg_dump's custom format
    assert manifest["database"]["name"] == connection.settings_dict["NAME"]
    assert manifest["database"]["sha256"] == hashlib.sha256(dump).hexdigest()
    assert manifest["media"]["files"] == 4  # three uploads and one letter
    assert manifest["migrations"]["requests_app"].startswith("00")


def test_restore_refuses_a_database_that_has_tables(tmp_path):
    call_command("backup", "--output-dir", str(tmp_path))
    [backup] = tmp_path.glob("pelayanan-*.tar")

    with pytest.raises(CommandError, match="already has tables"):
        call_command("restore", str(backup), "--media-root", str(tmp_path / "empty"))


def test_restore_refuses_a_damaged_backup_before_touching_anything(tmp_path, scratch_database):
    call_command("backup", "--output-dir", str(tmp_path))
    [backup] = tmp_path.glob("pelayanan-*.tar")
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(backup) as src, tarfile.open(damaged, "w") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()
            if member.name == "database.dump":
                data = data[:-10] + b"0123456789"
            member.size = len(data)
            dst.addfile(member, io.BytesIO(data))

    with pytest.raises(CommandError, match="does not match its checksum"):
        call_command("restore", str(damaged), "--database-url", scratch_database, "--media-root", str(tmp_path / "m"))
    assert not (tmp_path / "m").exists()


def test_restore_says_when_the_file_is_not_a_backup(tmp_path):
    junk = tmp_path / "junk.tar"
    junk.write_bytes(b"not a tar file")

    with pytest.raises(CommandError, match="is not a portal backup"):
        call_command("restore", str(junk))
