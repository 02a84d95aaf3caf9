"""`manage.py seed_demo`: one account per role, idempotent, logins printed."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from pelayanan import identity
from pelayanan.accounts.demo import DEMO_USERS
from pelayanan.models import OrganisationUnit, User
from requests_app.models import Service

pytestmark = pytest.mark.django_db


def seed():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def snapshot():
    return [
        (u.email, u.password, u.full_name, u.nik, u.nip, u.is_staff, u.is_superuser, u.unit_id, u.email_verified,
         sorted(u.groups.values_list("name", flat=True)))
        for u in User.objects.order_by("email")
    ]


def test_running_it_twice_gives_the_same_accounts():
    seed()
    first = snapshot()
    heads = list(OrganisationUnit.objects.order_by("code").values_list("code", "head_id"))
    seed()
    assert snapshot() == first  # same rows, same password hashes, same groups
    assert list(OrganisationUnit.objects.order_by("code").values_list("code", "head_id")) == heads
    assert User.objects.count() == len(DEMO_USERS) == 8


def test_it_prints_every_login_with_its_password_and_role():
    output = seed()
    for spec in DEMO_USERS:
        line = next(line for line in output.splitlines() if f" {spec.email} " in line)
        assert spec.password in line and spec.role in line


def test_every_printed_password_logs_in(client):
    seed()
    for spec in DEMO_USERS:
        response = client.post(reverse("accounts:login"), {"username": spec.email, "password": spec.password})
        assert response.status_code == 302, spec.email
        client.post(reverse("accounts:logout"))


def test_it_creates_each_role():
    seed()
    users = {u.email: u for u in User.objects.prefetch_related("groups").select_related("unit")}

    def groups(email):
        return {g.name for g in users[email].groups.all()}

    pns = users["pns@demo.test"]
    assert (pns.asn_type, pns.work_unit, pns.is_staff) == ("pns", "Dinas Pendidikan Kota Medan", False)
    assert pns.nip and pns.rank and pns.position
    assert users["warga@demo.test"].asn_type == "none" and not users["warga@demo.test"].nip
    assert groups("atasan@demo.test") == {"Atasan Langsung"} and users["atasan@demo.test"].asn_type == "pns"
    assert not users["atasan@demo.test"].is_staff

    ppi, mutasi = users["petugas.ppi@demo.test"], users["petugas.mutasi@demo.test"]
    assert groups(ppi.email) == groups(mutasi.email) == {"Petugas Layanan"}
    assert ppi.is_staff and mutasi.is_staff
    assert ppi.unit == Service.objects.get(slug="surat-keterangan-kerja").unit
    assert mutasi.unit == Service.objects.get(slug="izin-cuti").unit
    assert (ppi.unit.code, mutasi.unit.code) == ("ppi", "mutasi")

    signer = users["pejabat@demo.test"]
    assert groups(signer.email) == {"Pejabat Penandatangan"} and signer.is_staff and signer.unit.code == "bkpsdm"
    assert signer.position.startswith("Kepala Badan") and signer.rank and signer.nip
    assert OrganisationUnit.objects.get(code="ppi").head == signer

    assert groups("supervisor@demo.test") == {"Supervisor"} and users["supervisor@demo.test"].is_staff
    assert users["admin@demo.test"].is_superuser and users["admin@demo.test"].is_staff
    assert all(u.email_verified and u.is_active for u in users.values())


def test_the_roles_carry_their_permissions():
    seed()
    assert User.objects.get(email="petugas.ppi@demo.test").has_perm("requests_app.verify_servicerequest")
    assert User.objects.get(email="pejabat@demo.test").has_perm("requests_app.approve_servicerequest")
    assert User.objects.get(email="atasan@demo.test").has_perm("requests_app.consider_leave")
    assert User.objects.get(email="supervisor@demo.test").has_perm("requests_app.view_all_units")
    assert not User.objects.get(email="pns@demo.test").get_all_permissions()


def test_identity_numbers_are_valid_and_agree():
    seed()
    for user in User.objects.exclude(nik=""):
        nik = identity.parse_nik(user.nik)
        assert nik.region == "1271", user.email  # Kota Medan
        if user.nip:
            nip = identity.parse_nip(user.nip, pppk=user.asn_type == "pppk")
            assert nip.warnings == [] and identity.cross_check(nik, nip) == [], user.email


def test_it_updates_an_account_someone_changed():
    seed()
    User.objects.filter(email="pejabat@demo.test").update(full_name="Diubah", is_staff=False)
    User.objects.get(email="pejabat@demo.test").groups.clear()
    seed()
    signer = User.objects.get(email="pejabat@demo.test")
    assert signer.full_name == "Dr. Hendra Siregar, S.H., M.Si." and signer.is_staff
    assert signer.in_group("Pejabat Penandatangan")


def test_it_refuses_to_run_in_production(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="PRODUCTION"):
        seed()
    assert not User.objects.exists()


def test_it_makes_demo_requests_once_through_the_workflow(django_capture_on_commit_callbacks):
    from requests_app.models import Letter, ServiceRequest

    with django_capture_on_commit_callbacks(execute=True):
        out = seed()
    statuses = sorted(ServiceRequest.objects.values_list("status", flat=True))
    assert statuses == ["letter_issued", "revision", "submitted", "with_supervisor"]
    assert Letter.objects.get().file  # rendered after commit (Celery eager in tests)
    assert "SKK-" in out and "CUTI-" in out
    seed()
    assert ServiceRequest.objects.count() == 4
