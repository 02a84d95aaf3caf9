"""Deterministic builders for test data (factory_boy)."""

import factory
from django.contrib.auth.models import Group

from pelayanan.models import User

# Real-shaped identity numbers: NIK of a Medan resident and the NIP of a PNS
# born 26-09-1986, appointed May 2015 (DOMAIN.md §1). Sequences keep them unique.


def _nik(n):
    return f"127105260986{n % 9999 + 1:04d}"


def _nip(n):
    # The last three digits are the sequence (001-999): wrap, so a long session never makes a 19-digit NIP.
    return f"198609262015051{n % 999 + 1:03d}"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"user{n}@example.id")
    full_name = factory.Sequence(lambda n: f"Pengguna {n}")
    phone = "081234567890"
    nik = factory.Sequence(_nik)
    asn_type = User.AsnType.PNS
    nip = factory.Sequence(_nip)
    rank = "Penata (III/c)"
    position = "Analis Sumber Daya Manusia Aparatur"
    work_unit = "Dinas Pendidikan Kota Medan"
    email_verified = True
    password = factory.django.Password("rahasia-kuat-123")


def staff_user(email, group, *, unit, full_name):
    user = UserFactory(email=email, full_name=full_name, is_staff=True, unit=unit)
    user.groups.add(Group.objects.get(name=group))
    return user


def make_request(applicant, *, service="surat-keterangan-kerja", status="submitted", **fields):
    """A ServiceRequest in a given state, written directly (test set-up only; real code uses the workflow)."""
    import datetime as dt

    from django.utils import timezone

    from requests_app.models import Service, ServiceRequest, random_code

    svc = Service.objects.get(slug=service)
    defaults = {
        "code": f"{svc.code}-26-{random_code(6)}",
        "details": {"purpose": "Pengajuan kredit", "addressee": "Bank Sumut"},
    }
    if status != "draft":
        defaults.update(submitted_at=timezone.now(), due_date=timezone.localdate() + dt.timedelta(days=5))
    defaults.update(fields)
    return ServiceRequest.objects.create(service=svc, applicant=applicant, status=status, **defaults)


def make_leave_request(applicant, leave_code, start, end, *, status="approved", **fields):
    """A leave request (izin cuti) of the applicant's ASN group, with its length computed like the workflow does."""
    from requests_app import leave
    from requests_app.models import LeavePolicy

    policy = LeavePolicy.objects.get(asn_group=leave.asn_group(applicant), code=leave_code)
    fields.setdefault("details", {"reason": "Keperluan keluarga", "address": "Jl. Gatot Subroto No. 1, Medan"})
    return make_request(
        applicant, service="izin-cuti", status=status, leave_policy=policy, start_date=start, end_date=end,
        duration=leave.leave_length(policy, start, end), duration_unit=policy.unit, **fields,
    )


def make_pdf(text="Dokumen uji", pages=1):
    """A small, valid PDF (pypdf blank pages with a title), as bytes: what a scanner or a word processor makes."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": text})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def make_image(fmt="PNG", size=(40, 30)):
    """A small, valid PNG or JPEG, as bytes."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (11, 107, 58)).save(out, format=fmt)
    return out.getvalue()


def make_approved_request(applicant, signer, *, service="surat-keterangan-kerja", leave=None, **fields):
    """An approved request with its pending Letter, the number reserved as approve_request does (written directly).

    leave=("tahunan", start, end) makes an izin cuti request instead of `service`.
    """
    from django.db import transaction
    from django.utils import timezone

    from requests_app import numbering

    now = timezone.now()
    fields.update(status="approved", decided_by=signer, decided_at=now)
    req = make_leave_request(applicant, *leave, **fields) if leave else make_request(applicant, service=service, **fields)
    with transaction.atomic():
        numbering.create_letter(req, signer=signer, issued_at=now)
    return req
