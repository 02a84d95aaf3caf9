import pytest
from django.contrib.auth.models import Group

pytestmark = pytest.mark.django_db


def test_the_four_roles_exist_after_migrate():
    assert set(Group.objects.values_list("name", flat=True)) >= {
        "Petugas Layanan", "Pejabat Penandatangan", "Atasan Langsung", "Supervisor",
    }


def test_officer_verifies_but_cannot_approve(officer):
    assert officer.has_perm("requests_app.verify_servicerequest")
    assert not officer.has_perm("requests_app.approve_servicerequest")
    assert not officer.has_perm("requests_app.view_all_units")


def test_signing_official_approves_but_does_not_verify(signer):
    assert signer.has_perm("requests_app.approve_servicerequest")
    assert not signer.has_perm("requests_app.verify_servicerequest")


def test_atasan_only_considers_leave(atasan):
    assert atasan.has_perm("requests_app.consider_leave")
    assert not atasan.has_perm("requests_app.verify_servicerequest")
    assert not atasan.has_perm("requests_app.view_servicerequest")
    assert not atasan.is_staff


def test_supervisor_reads_everything_and_changes_nothing(supervisor):
    assert supervisor.has_perm("requests_app.view_all_units")
    assert supervisor.has_perm("requests_app.view_servicerequest")
    assert supervisor.has_perm("pelayanan.view_user")
    changing = [p for p in supervisor.get_all_permissions() if p.split(".")[1].split("_")[0] in ("add", "change", "delete")]
    assert changing == []
    assert not supervisor.has_perm("requests_app.approve_servicerequest")
    assert not supervisor.has_perm("requests_app.verify_servicerequest")
