"""Demo requests for `manage.py seed_demo`: a few requests of the demo PNS citizen in different states,
made through the workflow exactly as people would make them, so the queue, the citizen's page, the
letters and the transparency page have something to show. Idempotent: nothing is added when the demo
citizen already has requests."""

import datetime as dt
import io
import uuid

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfWriter

from pelayanan.models import User

from . import calendar, workflow
from .models import LeavePolicy, Service, ServiceRequest

CITIZEN, ATASAN = "pns@demo.test", "atasan@demo.test"
OFFICER, SIGNER = "petugas.ppi@demo.test", "pejabat@demo.test"


def _pdf(title):
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": title})
    out = io.BytesIO()
    writer.write(out)
    upload = SimpleUploadedFile(f"{title}.pdf", out.getvalue(), content_type="application/pdf")
    upload.detected_type = "application/pdf"
    return upload


def _certificate(citizen, purpose, addressee):
    service = Service.objects.get(slug="surat-keterangan-kerja")
    req = workflow.create_draft(service, applicant=citizen, idempotency_key=uuid.uuid4(),
                                details={"purpose": purpose, "addressee": addressee})
    for requirement in service.requirements.filter(required=True):
        workflow.attach_document(req, by=citizen, requirement=requirement, upload=_pdf("SK pangkat terakhir"))
    return workflow.submit_request(req, by=citizen)


def _working_days_from(start, count):
    day = calendar.add_working_days(start, 1)
    days = [day]
    while len(days) < count:
        day = calendar.add_working_days(day, 1)
        days.append(day)
    return days


def _annual_leave(citizen, atasan):
    service = Service.objects.get(slug="izin-cuti")
    days = _working_days_from(timezone.localdate() + dt.timedelta(days=14), 3)
    req = workflow.create_draft(
        service, applicant=citizen, idempotency_key=uuid.uuid4(),
        details={"reason": "Menghadiri pernikahan adik di Pematangsiantar", "address": "Jl. Sudirman No. 5, Pematangsiantar",
                 "phone": "081260001001"},
        leave_fields={"leave_policy": LeavePolicy.objects.get(asn_group="pns", code="tahunan"),
                      "start_date": days[0], "end_date": days[-1], "supervisor": atasan},
    )
    return workflow.submit_request(req, by=citizen)


def seed_requests():
    """Returns the requests made (empty when the demo citizen already has some)."""
    citizen = User.objects.get(email=CITIZEN)
    if ServiceRequest.objects.filter(applicant=citizen).exists():
        return []
    officer, signer = User.objects.get(email=OFFICER), User.objects.get(email=SIGNER)
    atasan = User.objects.get(email=ATASAN)

    waiting = _certificate(citizen, "pengajuan kredit pemilikan rumah", "PT Bank Sumut Cabang Medan")

    revision = _certificate(citizen, "pendaftaran sekolah anak", "SMA Negeri 1 Medan")
    workflow.assign_request(revision, by=officer)
    workflow.request_revision(revision, by=officer, public_note="SK yang diunggah tidak terbaca. Mohon unggah hasil pindai yang jelas.")

    issued = _certificate(citizen, "pengurusan visa", "Kedutaan Besar Jepang")
    workflow.assign_request(issued, by=officer)
    workflow.verify_request(issued, by=officer)
    workflow.approve_request(issued, by=signer)  # the letter is rendered after commit

    leave = _annual_leave(citizen, atasan)
    made = [waiting, revision, issued, leave]
    for req in made:
        req.refresh_from_db()
    return made
