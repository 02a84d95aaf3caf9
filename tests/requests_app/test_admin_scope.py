"""Who sees and does what in the admin queue, including crafted POSTs (issue 4, item 8).

Officers: their own unit only. Signing officials: decide requests verified by someone else.
Supervisors: every unit, read-only. Superusers: everything.
"""

import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from requests_app.models import Letter, RequestEvent, ServiceRequest
from tests.factories import UserFactory, make_request, staff_user

pytestmark = pytest.mark.django_db
S = ServiceRequest.Status
CHANGELIST = reverse("admin:requests_app_servicerequest_changelist")


def change_url(req):
    return reverse("admin:requests_app_servicerequest_change", args=[req.pk])


def transition_url(req, name):
    return reverse("admin:requests_app_servicerequest_transition", args=[req.pk, name])


def row_codes(response):
    return re.findall(r'<th class="field-code"><a href="[^"]+">([^<]+)</a>', response.content.decode())


def snapshot(req):
    """What must not move after a refused attempt: the row's workflow fields and its history."""
    req = ServiceRequest.objects.get(pk=req.pk)
    return (req.status, req.assigned_to_id, req.verified_by_id, req.decided_by_id, req.updated,
            RequestEvent.objects.filter(request=req).count(), Letter.objects.filter(request=req).count())


@pytest.fixture
def ppi_request(applicant):
    return make_request(applicant)  # surat keterangan kerja: unit PPI


@pytest.fixture
def ppi_verified(applicant, officer):
    return make_request(applicant, status=S.IN_REVIEW, assigned_to=officer, verified_by=officer)


@pytest.fixture
def psdm_request(other_applicant, units):
    from requests_app.models import Service

    Service.objects.filter(slug="legalisasi-sk").update(unit=units["psdm"])
    return make_request(other_applicant, service="legalisasi-sk")


ALL_BUTTONS = {
    "assign": {},
    "revision": {"revision-public_note": "Lengkapi berkas.", "revision-note": ""},
    "verify": {"verify-note": ""},
    "approve": {"approve-note": ""},
    "reject": {"reject-reason": "Tidak memenuhi syarat.", "reject-note": ""},
    "regenerate": {},
}


# --- officers: their unit only -------------------------------------------------------------------


def test_officer_sees_only_own_unit(client, officer, foreign_officer, ppi_request, psdm_request):
    client.force_login(officer)
    html = client.get(CHANGELIST).content.decode()
    assert ppi_request.code in html and psdm_request.code not in html
    client.force_login(foreign_officer)
    html = client.get(CHANGELIST).content.decode()
    assert psdm_request.code in html and ppi_request.code not in html
    assert row_codes(client.get(CHANGELIST, {"q": ppi_request.code})) == []


def test_foreign_officer_cannot_open_another_units_request(client, foreign_officer, ppi_request):
    client.force_login(foreign_officer)
    response = client.get(change_url(ppi_request))
    assert response.status_code == 302 and response["Location"] == reverse("admin:index")
    assert ppi_request.applicant.nik not in client.get(response["Location"]).content.decode()
    history = reverse("admin:requests_app_servicerequest_history", args=[ppi_request.pk])
    assert client.get(history).status_code == 302


@pytest.mark.parametrize("name", ALL_BUTTONS)
def test_foreign_officer_crafted_button_posts_are_404(client, foreign_officer, ppi_verified, name):
    before = snapshot(ppi_verified)
    client.force_login(foreign_officer)
    assert client.post(transition_url(ppi_verified, name), ALL_BUTTONS[name]).status_code == 404
    assert snapshot(ppi_verified) == before


@pytest.mark.parametrize("action", ["take_requests", "assign_requests_to", "approve_requests"])
def test_foreign_officer_crafted_changelist_actions_change_nothing(client, foreign_officer, ppi_request, action):
    before = snapshot(ppi_request)
    client.force_login(foreign_officer)
    data = {"action": action, "index": 0, "_selected_action": [ppi_request.pk], "apply": "1", "officer": foreign_officer.pk}
    response = client.post(CHANGELIST, data)
    assert response.status_code in (200, 302)
    assert snapshot(ppi_request) == before
    # "select all" across the queue reaches no further than the officer's own unit either.
    client.post(CHANGELIST, {**data, "select_across": "1", "_selected_action": [0]})
    assert snapshot(ppi_request) == before


def test_officer_cannot_assign_to_an_officer_of_another_unit(client, officer, foreign_officer, ppi_request):
    before = snapshot(ppi_request)
    client.force_login(officer)
    response = client.post(CHANGELIST, {"action": "assign_requests_to", "_selected_action": [ppi_request.pk],
                                        "apply": "1", "officer": foreign_officer.pk})
    assert response.status_code == 200  # the form refuses the choice: not a colleague of the unit
    assert "Pilih" in response.content.decode()
    assert snapshot(ppi_request) == before
    response = client.post(transition_url(ppi_request, "assign"), {"assign-to": foreign_officer.pk})
    assert response.status_code == 302
    assert snapshot(ppi_request) == before


def test_officer_without_unit_sees_an_empty_queue(client, ppi_request):
    loose = staff_user("tanpa.unit@example.id", "Petugas Layanan", unit=None, full_name="Tanpa Unit")
    client.force_login(loose)
    assert ppi_request.code not in client.get(CHANGELIST).content.decode()
    assert client.post(transition_url(ppi_request, "assign"), {}).status_code == 404


def test_officer_cannot_approve(client, officer, ppi_verified):
    before = snapshot(ppi_verified)
    client.force_login(officer)
    client.post(transition_url(ppi_verified, "approve"), {"approve-note": ""})
    client.post(CHANGELIST, {"action": "approve_requests", "index": 0, "_selected_action": [ppi_verified.pk]})
    assert snapshot(ppi_verified) == before


def test_citizens_cannot_reach_the_admin(client, applicant, ppi_request):
    client.force_login(applicant)
    assert client.get(CHANGELIST).status_code == 302
    before = snapshot(ppi_request)
    assert client.post(transition_url(ppi_request, "assign"), {}).status_code == 302  # to the admin login
    assert snapshot(ppi_request) == before


# --- signing officials: four eyes ----------------------------------------------------------------


def test_signer_approves_what_someone_else_verified(client, signer, ppi_verified):
    client.force_login(signer)
    client.post(transition_url(ppi_verified, "approve"), {"approve-note": ""})
    ppi_verified.refresh_from_db()
    assert ppi_verified.status == S.APPROVED and ppi_verified.decided_by == signer


def test_verifier_cannot_approve_or_reject_own_verification(client, units, applicant):
    both = staff_user("dua.peran@example.id", "Petugas Layanan", unit=units["ppi"], full_name="Dua Peran")
    both.groups.add(Group.objects.get(name="Pejabat Penandatangan"))
    req = make_request(applicant, status=S.IN_REVIEW, assigned_to=both, verified_by=both)
    before = snapshot(req)
    client.force_login(both)
    html = client.get(change_url(req)).content.decode()
    assert transition_url(req, "approve") not in html and transition_url(req, "reject") not in html
    response = client.post(transition_url(req, "approve"), {"approve-note": ""})
    assert [str(m) for m in client.get(response["Location"]).context["messages"]] == [
        "Permohonan yang Anda verifikasi sendiri harus diputuskan pejabat lain."]
    client.post(transition_url(req, "reject"), {"reject-reason": "Tidak lengkap.", "reject-note": ""})
    client.post(CHANGELIST, {"action": "approve_requests", "index": 0, "_selected_action": [req.pk]})
    assert snapshot(req) == before


def test_signer_of_another_unit_cannot_decide(client, units, ppi_verified):
    foreign_signer = staff_user("pejabat.psdm@example.id", "Pejabat Penandatangan", unit=units["psdm"], full_name="Pejabat Lain")
    before = snapshot(ppi_verified)
    client.force_login(foreign_signer)
    assert client.post(transition_url(ppi_verified, "approve"), {"approve-note": ""}).status_code == 404
    client.post(CHANGELIST, {"action": "approve_requests", "index": 0, "_selected_action": [ppi_verified.pk]})
    assert snapshot(ppi_verified) == before


# --- supervisors: everything, read-only ----------------------------------------------------------


def test_supervisor_sees_every_unit(client, supervisor, ppi_request, psdm_request):
    client.force_login(supervisor)
    response = client.get(CHANGELIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert ppi_request.code in html and psdm_request.code in html
    response = client.get(change_url(psdm_request))
    assert response.status_code == 200
    assert "Tidak ada tindakan yang dapat Anda lakukan" in response.content.decode()


@pytest.mark.parametrize("name", ALL_BUTTONS)
def test_supervisor_button_posts_are_refused(client, supervisor, ppi_verified, name):
    before = snapshot(ppi_verified)
    client.force_login(supervisor)
    assert client.post(transition_url(ppi_verified, name), ALL_BUTTONS[name]).status_code == 403
    assert snapshot(ppi_verified) == before


def test_supervisor_changelist_actions_and_form_posts_are_refused(client, supervisor, ppi_verified):
    before = snapshot(ppi_verified)
    client.force_login(supervisor)
    for action in ("take_requests", "assign_requests_to", "approve_requests", "delete_selected"):
        response = client.post(CHANGELIST, {"action": action, "index": 0, "_selected_action": [ppi_verified.pk],
                                            "apply": "1", "post": "yes"})
        assert response.status_code == 200  # supervisors have no actions: the POST is only a page view
    assert client.post(change_url(ppi_verified), {"status": S.APPROVED}).status_code == 403
    assert snapshot(ppi_verified) == before


# --- superusers ----------------------------------------------------------------------------------


def test_superuser_sees_and_acts_everywhere(client, admin_user, psdm_request, ppi_request):
    client.force_login(admin_user)
    html = client.get(CHANGELIST).content.decode()
    assert ppi_request.code in html and psdm_request.code in html
    client.post(CHANGELIST, {"action": "take_requests", "index": 0, "_selected_action": [psdm_request.pk, ppi_request.pk]})
    assert set(ServiceRequest.objects.filter(assigned_to=admin_user).values_list("pk", flat=True)) == {
        psdm_request.pk, ppi_request.pk}


def test_user_admin_masks_nik_and_nip_in_the_list(client, admin_user, applicant):
    client.force_login(admin_user)
    url = reverse("admin:pelayanan_user_changelist")
    html = client.get(url).content.decode()
    assert applicant.email in html
    assert applicant.nik not in html and applicant.nip not in html
    assert applicant.nik[-4:] in html
    found = client.get(url, {"q": applicant.nik}).content.decode()
    assert applicant.email in found and UserFactory(email="lain@example.id").email not in found


def test_user_admin_creates_an_email_login_account(client, admin_user):
    client.force_login(admin_user)
    response = client.post(reverse("admin:pelayanan_user_add"), {
        "email": "Petugas.Baru@Example.ID", "full_name": "Petugas Baru", "usable_password": "true",
        "password1": "kata-sandi-panjang-2026", "password2": "kata-sandi-panjang-2026",
    })
    assert response.status_code == 302
    from pelayanan.models import User

    user = User.objects.get(email="petugas.baru@example.id")
    assert user.check_password("kata-sandi-panjang-2026") and user.full_name == "Petugas Baru"
    again = client.post(reverse("admin:pelayanan_user_add"), {
        "email": "petugas.baru@example.id", "full_name": "Ganda", "usable_password": "false",
    })
    assert again.status_code == 200 and "sudah dipakai" in again.content.decode()


def test_user_and_unit_admin_pages_render(client, admin_user, officer, units):
    client.force_login(admin_user)
    html = client.get(reverse("admin:pelayanan_user_change", args=[officer.pk])).content.decode()
    assert officer.nik in html  # editable in full by those who administer accounts
    assert client.get(reverse("admin:pelayanan_organisationunit_changelist")).status_code == 200
    assert client.get(reverse("admin:pelayanan_organisationunit_change", args=[units["ppi"].pk])).status_code == 200
    found = client.get(reverse("admin:pelayanan_user_changelist"), {"q": officer.nip[:8] + " " + officer.nip[8:14] + " "
                                                                    + officer.nip[14] + " " + officer.nip[15:]})
    assert officer.email in found.content.decode()
