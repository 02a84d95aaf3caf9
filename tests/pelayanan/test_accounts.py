"""Accounts under /akun/: registration, e-mail verification, login and lockout, password reset
and change, profile. Assertions are on what the person sees, what the database holds and
what lands in the outbox."""

import re
from urllib.parse import urlsplit

import pytest
from axes.models import AccessAttempt
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.core import mail
from django.http import HttpResponse
from django.urls import reverse

from pelayanan.accounts import services
from pelayanan.accounts.decorators import verified_email_required
from pelayanan.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Kopi-Tubruk-Medan-77"
FACTORY_PASSWORD = "rahasia-kuat-123"  # tests/factories.py

REGISTER = reverse("accounts:register")
LOGIN = reverse("accounts:login")
PROFILE = reverse("accounts:profile")


def citizen_form(**changes):
    """A non-ASN woman of Medan born 25 May 1992, as she would type it."""
    data = {
        "email": "Rina.Baru@Example.id", "full_name": "Rina Marpaung", "phone": "+62 812-3456-7890",
        "nik": "1271 0565 0592 0001", "asn_type": "none", "nip": "", "rank": "", "position": "", "work_unit": "",
        "password1": PASSWORD, "password2": PASSWORD, "consent": "on",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def pns_form(**changes):
    """A PNS teacher born 15 July 1990, TMT March 2015."""
    return citizen_form(**{
        "email": "budi.guru@example.id", "full_name": "Budi Hutagalung, S.Pd.", "nik": "1271051507900003",
        "asn_type": "pns", "nip": "19900715 201503 1 004", "rank": "Penata Muda (III/a)",
        "position": "Guru Ahli Pertama", "work_unit": "Dinas Pendidikan Kota Medan", **changes,
    })


def error_summary(html):
    match = re.search(r'<div class="alert alert-danger error-summary".*?</div>', html, re.S)
    assert match, "the page has no error summary"
    return match.group(0)


def assert_field_error(response, field, message):
    html = response.content.decode()
    assert f'<p id="error_1_id_{field}"><strong>{message}</strong></p>' in html, f"no error next to {field}"
    summary = error_summary(html)
    assert f'href="#id_{field}"' in summary
    assert message in summary


def link_in(message, pattern):
    match = re.search(rf"https?://[^\s\"]*{pattern}[^\s\"]*", message.body)
    assert match, f"no {pattern} link in: {message.body}"
    return re.sub(r"^https?://[^/]+", "", match.group(0))


# --- registration ------------------------------------------------------------------------


def test_register_page_shows_the_form_and_the_privacy_notice(client):
    response = client.get(REGISTER)
    assert response.status_code == 200
    html = response.content.decode()
    for field in ("email", "full_name", "phone", "nik", "asn_type", "nip", "password1", "password2", "consent"):
        assert f'id="id_{field}"' in html
    assert "Undang-Undang Nomor 27 Tahun 2022 tentang Pelindungan Data Pribadi" in html
    assert "Pemberitahuan pelindungan data pribadi" in html


def test_register_creates_an_unverified_account_and_mails_the_link(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(REGISTER, citizen_form())
    assert response.status_code == 302
    assert response.url == reverse("accounts:register_done")

    user = User.objects.get()
    assert user.email == "rina.baru@example.id"
    assert user.full_name == "Rina Marpaung"
    assert user.phone == "081234567890"
    assert user.nik == "1271056505920001"
    assert user.asn_type == User.AsnType.NONE and user.nip == ""
    assert user.check_password(PASSWORD)
    assert not user.email_verified and not user.is_staff
    assert user.privacy_consent_at is not None

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["rina.baru@example.id"]
    assert message.subject == "Verifikasi alamat e-mail akun Layanan Kepegawaian Anda"
    assert "Yth. Rina Marpaung," in message.body
    path = link_in(message, "/akun/verifikasi/")
    assert path in message.alternatives[0][0]
    # Nobody is logged in: the same page follows whether or not the address was new.
    assert "_auth_user_id" not in client.session


def test_register_a_pns_with_nip_and_employment_data(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(REGISTER, pns_form(), follow=True)
    user = User.objects.get()
    assert (user.asn_type, user.nip, user.rank, user.work_unit) == (
        "pns", "199007152015031004", "Penata Muda (III/a)", "Dinas Pendidikan Kota Medan",
    )
    assert [m.level_tag for m in response.context["messages"]] == []  # NIK and NIP agree: no warning
    assert len(mail.outbox) == 1


def test_register_a_pppk_with_a_ni_pppk_that_is_not_a_month(client):
    response = client.post(REGISTER, pns_form(
        asn_type="pppk", nik="1271055309900001", nip="199009132025242014", rank="", position="Guru",
    ))
    assert response.status_code == 302
    assert User.objects.get().nip == "199009132025242014"


def test_register_shows_nik_nip_disagreement_as_a_warning_and_still_registers(client):
    response = client.post(REGISTER, pns_form(nip="199007162015031004"), follow=True)  # NIP says 16 July, NIK 15 July
    assert response.redirect_chain == [(reverse("accounts:register_done"), 302)]
    assert User.objects.filter(email="budi.guru@example.id").exists()
    warnings = [str(m) for m in response.context["messages"] if m.level_tag == "warning"]
    assert warnings == ["Tanggal lahir di NIK berbeda dengan di NIP. Ini bisa sah, tetapi mohon periksa kembali."]
    assert warnings[0] in response.content.decode()
    # The account exists by now: the page says where a typing mistake is put right.
    assert "perbaiki di halaman Profil setelah Anda masuk" in response.content.decode()


def test_register_with_an_impossible_nik_shows_the_rule_keeps_the_input_and_creates_nothing(client):
    response = client.post(REGISTER, citizen_form(nik="1271053102880002"))  # 31 February
    assert response.status_code == 200
    assert_field_error(response, "nik", "Tanggal lahir di dalam NIK (angka ke-7 s.d. 12) tidak valid.")
    html = response.content.decode()
    assert 'value="Rina.Baru@Example.id"' in html
    assert 'value="Rina Marpaung"' in html
    assert 'value="1271053102880002"' in html
    assert 'value="+62 812-3456-7890"' in html
    assert PASSWORD not in html  # passwords are never sent back
    assert User.objects.count() == 0
    assert mail.outbox == []


def test_register_requires_the_consent(client):
    response = client.post(REGISTER, citizen_form(consent=None))
    assert response.status_code == 200
    assert_field_error(response, "consent",
                       "Centang persetujuan ini untuk mendaftar; tanpa data tersebut permohonan tidak dapat diproses.")
    assert User.objects.count() == 0


def test_register_requires_a_nip_from_a_pns(client):
    response = client.post(REGISTER, pns_form(nip=""))
    assert_field_error(response, "nip", "NIP / NI PPPK wajib diisi untuk PNS, CPNS dan PPPK.")
    assert User.objects.count() == 0


def test_register_refuses_a_pns_nip_whose_tmt_month_is_13(client):
    response = client.post(REGISTER, pns_form(nip="199007152015131004"))
    assert_field_error(response, "nip", "Bulan TMT di dalam NIP (angka ke-13 s.d. 14) harus 01 s.d. 12.")
    assert User.objects.count() == 0


def test_register_refuses_a_nip_from_someone_who_is_not_an_asn(client):
    response = client.post(REGISTER, citizen_form(nip="199007152015031004"))
    assert_field_error(response, "nip", "Kosongkan NIP / NI PPPK bila Anda bukan ASN, atau pilih status ASN Anda.")
    assert User.objects.count() == 0


def test_register_refuses_a_bad_phone_number(client):
    response = client.post(REGISTER, citizen_form(phone="12345"))
    assert_field_error(response, "phone", "Nomor HP tidak valid. Tulis seperti 0812 3456 7890 atau +62 812 3456 7890.")


def test_register_applies_the_password_validators(client):
    response = client.post(REGISTER, citizen_form(password1="12345678", password2="12345678"))
    assert response.status_code == 200
    summary = error_summary(response.content.decode())
    assert 'href="#id_password2"' in summary
    assert User.objects.count() == 0


def test_register_refuses_two_different_passwords(client):
    response = client.post(REGISTER, citizen_form(password2=PASSWORD + "x"))
    assert 'href="#id_password2"' in error_summary(response.content.decode())
    assert User.objects.count() == 0


@pytest.mark.parametrize(("owner_numbers", "form", "named", "not_named"), [
    ({"nik": "1271056505920001"}, citizen_form(), "- NIK Anda", ["- alamat e-mail ini", "- NIP / NI PPPK Anda"]),
    ({"nip": "199007152015031004"}, pns_form(), "- NIP / NI PPPK Anda", ["- alamat e-mail ini", "- NIK Anda"]),
], ids=["nik", "nip"])
def test_register_with_a_taken_number_looks_the_same_and_tells_the_owner(
        client, django_capture_on_commit_callbacks, owner_numbers, form, named, not_named):
    """An open form must not tell a stranger that a NIK or NIP has an account: the answer is the one a new
    registration gets, nothing is created, and the account's owner is told at the address they registered."""
    owner = UserFactory(email="lama@example.id", **owner_numbers)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(REGISTER, form)
    assert response.status_code == 302
    assert response.url == reverse("accounts:register_done")
    assert list(User.objects.values_list("pk", flat=True)) == [owner.pk]
    assert [message.to for message in mail.outbox] == [["lama@example.id"]]
    body = mail.outbox[0].body
    assert named in body and not any(line in body for line in not_named)
    assert "/akun/verifikasi/" not in body and "/akun/kata-sandi/lupa/" in body
    assert form["email"].lower() not in body  # the address typed by whoever tried is not passed on


def test_register_with_the_address_of_one_account_and_the_nik_of_another_tells_both(
        client, django_capture_on_commit_callbacks):
    UserFactory(email="rina.baru@example.id", nik="1271055309900001")
    UserFactory(email="lama@example.id", nik="1271056505920001")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(REGISTER, citizen_form())
    assert response.url == reverse("accounts:register_done")
    assert User.objects.count() == 2
    sent = {message.to[0]: message.body for message in mail.outbox}
    assert sorted(sent) == ["lama@example.id", "rina.baru@example.id"]
    assert "- alamat e-mail ini" in sent["rina.baru@example.id"] and "- NIK Anda" not in sent["rina.baru@example.id"]
    assert "- NIK Anda" in sent["lama@example.id"] and "- alamat e-mail ini" not in sent["lama@example.id"]


def test_a_registration_that_loses_the_race_for_a_nik_tells_the_owner(client, monkeypatch, django_capture_on_commit_callbacks):
    """The NIK is free when checked and taken when saved (a concurrent registration): same page, owner told."""
    checked = []

    def taken_meanwhile(email, profile):
        if not checked:  # the first look finds nothing; then the other registration commits
            checked.append(UserFactory(email="cepat@example.id", nik=profile["nik"]))
            return False
        return real(email, profile)

    real = services._tell_existing_owners
    monkeypatch.setattr(services, "_tell_existing_owners", taken_meanwhile)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(REGISTER, citizen_form())
    assert response.url == reverse("accounts:register_done")
    assert list(User.objects.values_list("email", flat=True)) == ["cepat@example.id"]
    assert [message.to for message in mail.outbox] == [["cepat@example.id"]]


def test_register_with_a_taken_email_looks_the_same_and_tells_the_owner(client, django_capture_on_commit_callbacks):
    owner = UserFactory(email="ani@example.id", full_name="Ani Lestari, S.E.")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(REGISTER, citizen_form(email="ANI@Example.id"))
    assert response.status_code == 302
    assert response.url == reverse("accounts:register_done")  # exactly where a new registration goes
    assert User.objects.count() == 1
    owner.refresh_from_db()
    assert owner.check_password(FACTORY_PASSWORD) and owner.full_name == "Ani Lestari, S.E."
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ani@example.id"]
    assert message.subject == "Data Anda sudah punya akun Layanan Kepegawaian"
    assert "- alamat e-mail ini" in message.body and "- NIK Anda" not in message.body
    assert "/akun/verifikasi/" not in message.body
    assert "/akun/kata-sandi/lupa/" in message.body


def test_register_done_page_gives_the_same_text_for_new_and_taken_addresses_and_numbers(client):
    UserFactory(email="ani@example.id", nik="1271051507900003", nip="199007152015031004")
    strip = lambda r: re.sub(r'value="[^"]*"', "", r.content.decode())  # noqa: E731  (CSRF tokens differ)
    new = strip(client.post(REGISTER, citizen_form(), follow=True))
    taken_address = strip(client.post(REGISTER, citizen_form(email="ani@example.id", nik="1271055309900001"), follow=True))
    taken_nik = strip(client.post(REGISTER, citizen_form(email="orang.lain@example.id", nik="1271051507900003"), follow=True))
    taken_nip = strip(client.post(REGISTER, pns_form(email="orang.ketiga@example.id", nik="1271051507900004"), follow=True))
    assert new == taken_address == taken_nik == taken_nip


def test_logged_in_people_are_sent_from_register_to_their_profile(client, citizen):
    client.force_login(citizen)
    assert client.get(REGISTER).url == PROFILE


# --- e-mail verification -----------------------------------------------------------------


def verification_path(user):
    return urlsplit(services.verification_url(user)).path


def test_verification_link_asks_first_and_verifies_on_post(client):
    user = UserFactory(email_verified=False, full_name="Rina Marpaung")
    path = verification_path(user)
    page = client.get(path)
    assert page.status_code == 200
    assert "Ya, verifikasi alamat e-mail saya" in page.content.decode()
    assert user.email in page.content.decode()
    user.refresh_from_db()
    assert not user.email_verified  # opening the link (or a mail scanner doing so) does not verify

    response = client.post(path)
    assert response.status_code == 302 and response.url == LOGIN
    user.refresh_from_db()
    assert user.email_verified
    assert client.get(path).status_code == 400  # one use only


def test_the_link_from_the_registration_mail_verifies_the_account(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(REGISTER, citizen_form())
    path = link_in(mail.outbox[0], "/akun/verifikasi/")
    client.post(path)
    assert User.objects.get().email_verified


def test_a_tampered_verification_link_is_refused_with_a_clear_page(client):
    user = UserFactory(email_verified=False)
    path = verification_path(user)
    tampered = path[:-2] + ("0/" if path[-2] != "0" else "1/")
    for response in (client.get(tampered), client.post(tampered)):
        assert response.status_code == 400
        assert "Tautan verifikasi tidak berlaku" in response.content.decode()
    assert client.get("/akun/verifikasi/bm9wZQ/abc-123/").status_code == 400  # a uid that is no account
    user.refresh_from_db()
    assert not user.email_verified


def test_a_verification_link_dies_when_the_address_changes(client):
    user = UserFactory(email_verified=False)
    path = verification_path(user)
    user.email = "baru@example.id"
    user.save()
    assert client.post(path).status_code == 400
    user.refresh_from_db()
    assert not user.email_verified


def test_unverified_people_see_a_banner_and_can_resend(client, django_capture_on_commit_callbacks):
    user = UserFactory(email_verified=False)
    client.force_login(user)
    assert "Alamat e-mail Anda belum terverifikasi." in client.get("/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(reverse("accounts:verify_resend"), {"next": "/"}, follow=True)
    assert first.redirect_chain == [("/", 302)]
    assert f"Tautan verifikasi baru sudah dikirim ke {user.email}." in first.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        second = client.post(reverse("accounts:verify_resend"), follow=True)
    assert "Tunggu satu menit" in second.content.decode()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [user.email]


def test_verified_people_see_no_banner_and_get_no_mail_on_resend(client, citizen):
    client.force_login(citizen)
    assert "belum terverifikasi" not in client.get("/").content.decode()
    client.post(reverse("accounts:verify_resend"))
    assert mail.outbox == []


def test_resend_refuses_get_and_anonymous_people(client, citizen):
    assert client.post(reverse("accounts:verify_resend")).url.startswith(LOGIN)
    client.force_login(citizen)
    assert client.get(reverse("accounts:verify_resend")).status_code == 405


def test_verified_email_required_sends_unverified_people_to_the_verification_page(rf):
    @verified_email_required
    def apply(request):
        return HttpResponse("formulir")

    def call(user):
        request = rf.get("/permohonan/baru/izin-cuti/")
        request.user = user
        SessionMiddleware(lambda r: None).process_request(request)
        MessageMiddleware(lambda r: None).process_request(request)
        return apply(request)

    refused = call(UserFactory(email_verified=False))
    assert refused.status_code == 302
    assert refused.url == reverse("accounts:verify_notice") + "?next=%2Fpermohonan%2Fbaru%2Fizin-cuti%2F"
    assert call(UserFactory(email_verified=True)).content == b"formulir"


# --- login, logout and lockout -----------------------------------------------------------


def test_login_with_email_in_any_case(client):
    user = UserFactory(email="ani@example.id")
    response = client.post(LOGIN, {"username": "ANI@example.id", "password": FACTORY_PASSWORD})
    assert response.status_code == 302 and response.url == "/"
    assert client.session["_auth_user_id"] == str(user.pk)


def test_login_page_uses_the_email_field_axes_watches(client):
    html = client.get(LOGIN).content.decode()
    assert 'type="email" name="username"' in html
    assert 'name="password"' in html


def test_wrong_password_and_unknown_email_get_the_same_message(client):
    UserFactory(email="ani@example.id")
    message = "Alamat e-mail atau kata sandi salah. Periksa kembali, atau pakai “Lupa kata sandi”."
    for username in ("ani@example.id", "siapa@example.id"):
        response = client.post(LOGIN, {"username": username, "password": "salah-sekali-123"})
        assert response.status_code == 200
        assert message in error_summary(response.content.decode())
        assert f'value="{username}"' in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_unverified_people_can_log_in(client):
    UserFactory(email="baru@example.id", email_verified=False)
    response = client.post(LOGIN, {"username": "baru@example.id", "password": FACTORY_PASSWORD}, follow=True)
    assert response.context["user"].is_authenticated
    assert "Alamat e-mail Anda belum terverifikasi." in response.content.decode()


def test_login_redirects_to_next(client, citizen):
    response = client.post(LOGIN + "?next=" + PROFILE, {"username": citizen.email, "password": FACTORY_PASSWORD,
                                                          "next": PROFILE})
    assert response.url == PROFILE


def test_logout_is_post_only(client, citizen):
    client.force_login(citizen)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert "_auth_user_id" in client.session
    response = client.post(reverse("accounts:logout"), follow=True)
    assert response.redirect_chain == [("/", 302)]
    assert "Anda sudah keluar." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_five_wrong_passwords_lock_the_login_with_a_429_page(client):
    UserFactory(email="ani@example.id")
    statuses = []
    for attempt in range(5):
        # Changing the case does not give a fresh counter.
        username = "ani@example.id" if attempt % 2 else "ANI@Example.ID"
        statuses.append(client.post(LOGIN, {"username": username, "password": f"salah-{attempt}-xyz"}).status_code)
    assert statuses[:4] == [200, 200, 200, 200]
    assert statuses[4] == 429

    locked = client.post(LOGIN, {"username": "ani@example.id", "password": FACTORY_PASSWORD})
    assert locked.status_code == 429
    html = locked.content.decode()
    assert "Percobaan masuk dihentikan sementara" in html
    assert "setelah 5 kali kata sandi salah" in html
    assert "Silakan coba lagi dalam 15 menit." in html
    assert "_auth_user_id" not in client.session
    assert AccessAttempt.objects.get().username == "ani@example.id"


def test_a_lockout_of_one_account_does_not_lock_another(client):
    UserFactory(email="ani@example.id")
    other = UserFactory(email="budi@example.id")
    for attempt in range(5):
        client.post(LOGIN, {"username": "ani@example.id", "password": f"salah-{attempt}-xyz"})
    response = client.post(LOGIN, {"username": other.email, "password": FACTORY_PASSWORD})
    assert response.status_code == 302


# --- password reset and change -----------------------------------------------------------


def _without_tokens(response):
    return re.sub(r'value="[^"]*"', "", response.content.decode())


def test_password_reset_does_not_reveal_which_addresses_have_accounts(client, django_capture_on_commit_callbacks):
    UserFactory(email="ani@example.id")
    url = reverse("accounts:password_reset")
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(url, {"email": "ani@example.id"}, follow=True)
    with django_capture_on_commit_callbacks(execute=True):
        unknown = client.post(url, {"email": "tidak.ada@example.id"}, follow=True)
    done = reverse("accounts:password_reset_done")
    assert known.redirect_chain == unknown.redirect_chain == [(done, 302)]
    assert _without_tokens(known) == _without_tokens(unknown)
    assert "Bila alamat tersebut terdaftar" in known.content.decode()
    assert [m.to for m in mail.outbox] == [["ani@example.id"]]


def test_password_reset_link_sets_a_new_password_and_proves_the_address(client, django_capture_on_commit_callbacks):
    user = UserFactory(email="ani@example.id", email_verified=False)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password_reset"), {"email": "ani@example.id"})
    message = mail.outbox[0]
    assert message.subject == "Buat kata sandi baru untuk akun Layanan Kepegawaian Anda"
    path = link_in(message, "/akun/kata-sandi/atur/")
    form_page = client.get(path, follow=True)
    assert "Buat kata sandi baru" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    response = client.post(set_url, {"new_password1": "Bika-Ambon-Medan-88", "new_password2": "Bika-Ambon-Medan-88"})
    assert response.url == reverse("accounts:password_reset_complete")
    user.refresh_from_db()
    assert user.check_password("Bika-Ambon-Medan-88")
    assert user.email_verified
    assert client.get(path, follow=True).context["validlink"] is False  # used links die


def test_repeated_reset_requests_send_one_mail(client, django_capture_on_commit_callbacks):
    UserFactory(email="ani@example.id")
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("accounts:password_reset"), {"email": "ani@example.id"})
    assert len(mail.outbox) == 1


def test_password_change_keeps_the_person_logged_in(client, citizen):
    client.force_login(citizen)
    response = client.post(reverse("accounts:password_change"), {
        "old_password": FACTORY_PASSWORD, "new_password1": "Bika-Ambon-Medan-88", "new_password2": "Bika-Ambon-Medan-88",
    }, follow=True)
    assert response.redirect_chain == [(PROFILE, 302)]
    assert "Kata sandi Anda sudah diganti." in response.content.decode()
    citizen.refresh_from_db()
    assert citizen.check_password("Bika-Ambon-Medan-88")


def test_password_change_with_a_wrong_old_password_changes_nothing(client, citizen):
    client.force_login(citizen)
    response = client.post(reverse("accounts:password_change"), {
        "old_password": "bukan-ini-123", "new_password1": "Bika-Ambon-Medan-88", "new_password2": "Bika-Ambon-Medan-88",
    })
    assert response.status_code == 200
    assert 'href="#id_old_password"' in error_summary(response.content.decode())
    citizen.refresh_from_db()
    assert citizen.check_password(FACTORY_PASSWORD)


# --- profile -----------------------------------------------------------------------------


def test_anonymous_people_are_sent_to_login_from_the_profile(client):
    response = client.get(PROFILE)
    assert response.status_code == 302
    assert response.url == f"{LOGIN}?next={PROFILE}"
    assert client.get(reverse("accounts:password_change")).url.startswith(LOGIN)


def profile_form(user, **changes):
    data = {f: getattr(user, f) for f in ("email", "full_name", "phone", "nik", "asn_type", "nip", "rank", "position", "work_unit")}
    data.update(changes)
    return data


def test_profile_shows_the_stored_data(client, applicant):
    client.force_login(applicant)
    html = client.get(PROFILE).content.decode()
    assert f'value="{applicant.nip}"' in html
    assert 'value="Dinas Pendidikan Kota Medan"' in html


def test_profile_edit_saves_the_changes(client, applicant):
    client.force_login(applicant)
    response = client.post(PROFILE, profile_form(applicant, rank="Penata Tingkat I (III/d)", phone="0813 1111 2222"), follow=True)
    assert response.redirect_chain == [(PROFILE, 302)]
    assert "Profil Anda sudah disimpan." in response.content.decode()
    applicant.refresh_from_db()
    assert (applicant.rank, applicant.phone) == ("Penata Tingkat I (III/d)", "081311112222")
    assert applicant.email_verified
    assert mail.outbox == []


def test_profile_edit_validates_like_registration(client, applicant):
    client.force_login(applicant)
    before = applicant.nik
    response = client.post(PROFILE, profile_form(applicant, nik="1271053102880002", full_name="Nama Baru"))
    assert response.status_code == 200
    assert_field_error(response, "nik", "Tanggal lahir di dalam NIK (angka ke-7 s.d. 12) tidak valid.")
    applicant.refresh_from_db()
    assert (applicant.nik, applicant.full_name) == (before, "Ani Lestari, S.E.")


def test_profile_changing_the_email_needs_the_current_password(client, applicant):
    client.force_login(applicant)
    response = client.post(PROFILE, profile_form(applicant, email="ani.baru@example.id"))
    assert_field_error(response, "current_password",
                       "Kata sandi salah. Untuk mengganti e-mail, masukkan kata sandi Anda saat ini.")
    applicant.refresh_from_db()
    assert applicant.email == "ani@example.id"


def test_profile_email_change_asks_for_verification_again(client, applicant, django_capture_on_commit_callbacks):
    client.force_login(applicant)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(PROFILE, profile_form(applicant, email="Ani.Baru@Example.id", current_password=FACTORY_PASSWORD),
                               follow=True)
    assert "Kami mengirim tautan verifikasi ke ani.baru@example.id" in response.content.decode()
    applicant.refresh_from_db()
    assert applicant.email == "ani.baru@example.id"
    assert not applicant.email_verified
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {"ani.baru@example.id", "ani@example.id"}
    assert "/akun/verifikasi/" in by_address["ani.baru@example.id"].body
    assert "ani.baru@example.id" in by_address["ani@example.id"].body  # the old address is told
    client.post(link_in(by_address["ani.baru@example.id"], "/akun/verifikasi/"))
    applicant.refresh_from_db()
    assert applicant.email_verified


def test_profile_refuses_an_email_of_another_account(client, applicant, other_applicant):
    client.force_login(applicant)
    response = client.post(PROFILE, profile_form(applicant, email=other_applicant.email, current_password=FACTORY_PASSWORD))
    assert_field_error(response, "email", "Alamat e-mail ini sudah dipakai akun lain.")
    applicant.refresh_from_db()
    assert applicant.email == "ani@example.id"


def test_profile_refuses_a_nip_of_another_account(client, applicant, other_applicant):
    client.force_login(applicant)
    response = client.post(PROFILE, profile_form(applicant, nip=other_applicant.nip))
    assert_field_error(response, "nip", "NIP / NI PPPK ini sudah terdaftar pada akun lain. Bila ini nomor Anda, hubungi loket layanan.")


def test_profile_changes_of_nik_or_nip_are_limited_so_an_account_cannot_probe_the_register(client, applicant):
    """A taken NIK is refused with its reason; five changes a day keep that from testing numbers in bulk."""
    client.force_login(applicant)
    probes = [f"12710565059200{n:02d}" for n in range(10, 16)]
    for nik in probes[:5]:
        assert client.post(PROFILE, profile_form(applicant, nik=nik)).status_code in (200, 302)
    response = client.post(PROFILE, profile_form(applicant, nik=probes[5], full_name="Ani Lestari Baru"))
    assert response.status_code == 429
    assert "NIK atau NIP akun ini sudah terlalu sering diubah hari ini" in response.text
    assert f'value="{probes[5]}"' in response.text and 'value="Ani Lestari Baru"' in response.text  # kept as typed
    assert "sudah terdaftar" not in response.text
    applicant.refresh_from_db()
    assert applicant.nik == probes[4] and applicant.full_name == "Ani Lestari, S.E."
    # Other changes of the profile go on as usual.
    response = client.post(PROFILE, profile_form(applicant, full_name="Ani Lestari Baru"))
    assert response.status_code == 302
    applicant.refresh_from_db()
    assert applicant.full_name == "Ani Lestari Baru"


def test_profile_page_for_an_officer_without_nik(client, officer):
    officer.nik = officer.phone = ""
    officer.save()
    client.force_login(officer)
    response = client.post(PROFILE, profile_form(officer, position="Pengelola Layanan"))
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.position == "Pengelola Layanan"


def test_header_names_the_person_without_front_titles(client, signer):
    client.force_login(signer)  # "Dr. Gita Pejabat, M.Si."
    html = client.get("/").content.decode()
    assert f'href="{PROFILE}">Profil (Gita)</a>' in html


def test_verification_page_explains_what_waits_for_verification(client):
    client.force_login(UserFactory(email="baru@example.id", email_verified=False))
    html = client.get(reverse("accounts:verify_notice") + "?next=/permohonan/baru/izin-cuti/").content.decode()
    assert "belum dapat mengajukan permohonan" in html
    assert "tautan berlaku 3 hari" in html
    assert 'name="next" value="/permohonan/baru/izin-cuti/"' in html
    assert html.count("Kirim ulang") == 1  # the page's own button, not the banner's as well
    assert 'value="https://evil.example/"' not in client.get(
        reverse("accounts:verify_notice") + "?next=https://evil.example/").content.decode()
