"""Bench seeding: many demo citizens (ASN, PNS) for the load test, each signed in and with one request.

    .venv/bin/python bench/seed.py [--citizens 300]      (bench/load.py runs it; needs `bench/stack.sh up`)

Writes bench/out/citizens.json: for each citizen the e-mail, a session cookie (citizens stay signed in, as
people do for days; a password login costs ~0.3 s of PBKDF2 and would measure the hasher, not the portal),
the last four NIK digits and the tracking code of a submitted request, for the detail pages and /lacak/.
Idempotent: existing citizens and their requests are reused, sessions are made anew.
"""

import sys
from pathlib import Path

# Import from the project root, so bench/ scripts see the project packages first.
BENCH = Path(__file__).resolve().parent
sys.path[0] = str(BENCH.parent)

import argparse  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import uuid  # noqa: E402

from bench.stackenv import setup_django  # noqa: E402

DOMAIN = "bench.test"  # RFC 2606: never delivered
PASSWORD = "Bench-Warga-2026"


def nik(i):
    """A Medan NIK (1271 08, born 15-06-1990), unique per citizen."""
    return f"127108150690{i + 1:04d}"


def nip(i):
    """An 18-digit NIP: born 1990-06-15, appointed 2015 in month 1 + i // 999, male, sequence 1 + i % 999."""
    return f"19900615" f"2015{1 + i // 999:02d}" f"1{1 + i % 999:03d}"


def small_pdf(text):
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": text})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def seed(count):
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction

    from pelayanan import identity
    from pelayanan.models import User
    from requests_app import workflow
    from requests_app.models import Service, ServiceRequest

    service = Service.objects.get(slug="surat-keterangan-kerja")
    requirement = service.requirements.filter(required=True).first()
    password = make_password(PASSWORD)  # hashed once: PBKDF2 per citizen would take minutes
    citizens = []
    for i in range(count):
        email = f"warga{i + 1:04d}@{DOMAIN}"
        identity.parse_nik(nik(i))
        identity.parse_nip(nip(i))
        user, created = User.objects.get_or_create(email=email, defaults={
            "full_name": f"Warga Uji {i + 1:04d}", "phone": f"0812{i + 1:08d}", "nik": nik(i),
            "asn_type": User.AsnType.PNS, "nip": nip(i), "rank": "Penata Muda (III/a)",
            "position": "Pengelola Layanan", "work_unit": "Dinas Pendidikan Kota Medan",
            "email_verified": True, "password": password,
        })
        req = ServiceRequest.objects.filter(applicant=user).exclude(status=ServiceRequest.Status.DRAFT).first()
        if req is None:
            with transaction.atomic():
                req = workflow.create_draft(service, applicant=user, idempotency_key=uuid.uuid4(),
                                            details={"purpose": "Pengajuan kredit", "addressee": "PT Bank Sumut"})
                upload = SimpleUploadedFile("sk.pdf", small_pdf(f"SK {email}"), content_type="application/pdf")
                upload.detected_type = "application/pdf"
                workflow.attach_document(req, by=user, requirement=requirement, upload=upload)
                req = workflow.submit_request(req, by=user)
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        citizens.append({"email": email, "user_id": user.pk, "session": session.session_key,
                         "nik_last4": nik(i)[-4:], "code": req.code})
    return citizens


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--citizens", type=int, default=300)
    args = parser.parse_args(argv)
    setup_django()
    citizens = seed(args.citizens)
    out = BENCH / "out" / "citizens.json"
    out.write_text(json.dumps(citizens, indent=1))
    print(f"seed: {len(citizens)} citizens signed in, one submitted request each -> {out}")


if __name__ == "__main__":
    main()
