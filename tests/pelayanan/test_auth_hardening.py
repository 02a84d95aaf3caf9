"""Authentication hardening: password rules, throttling per address, no user enumeration, staff sessions that
end after inactivity, and two-factor authentication (TOTP) for staff."""

import datetime as dt
import re
import time

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.password_validation import password_validators_help_texts, validate_password
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from pelayanan.accounts import views as account_views
from pelayanan.models import User
from tests.factories import UserFactory
from tests.pelayanan.test_accounts import citizen_form, error_summary

pytestmark = pytest.mark.django_db

FACTORY_PASSWORD = "rahasia-kuat-123"  # tests/factories.py
LOGIN = reverse("accounts:login")
REGISTER = reverse("accounts:register")
RESET = reverse("accounts:password_reset")
TWO_FACTOR = reverse("accounts:two_factor")
VERIFY = reverse("accounts:otp_verify")
ADMIN = reverse("admin:index")
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))  # a Monday morning in Medan


def without_tokens(response):
    """The page without what legitimately differs between two requests: CSRF tokens and request ids."""
    return re.sub(r'value="[^"]*"', "", response.content.decode())


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


# --- passwords: length over complexity --------------------------------------------------------------------


def test_a_long_lowercase_passphrase_with_spaces_is_accepted():
    user = User(email="rina@example.id", full_name="Rina Marpaung")
    validate_password("kopi susu di kedai pak ucok setiap pagi sebelum apel senin", user)  # no class rules
    validate_password("x7" * 64, user)  # exactly 128 characters


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("kopi-susu", "Kata sandi ini terlalu pendek: paling sedikit 10 karakter."),
        ("x7" * 64 + "z", "Kata sandi paling panjang 128 karakter."),
        ("qwertyuiop", "Kata sandi ini terlalu umum dan mudah ditebak."),
        ("8273645190", "Kata sandi ini hanya berisi angka."),
        ("rina.marpaung", "Kata sandi terlalu mirip dengan alamat e-mail Anda."),
    ],
)
def test_passwords_are_refused_for_length_commonness_digits_only_or_similarity(password, message):
    user = User(email="rina.marpaung@example.id", full_name="Rina Marpaung")
    with pytest.raises(ValidationError) as refused:
        validate_password(password, user)
    assert message in refused.value.messages


def test_the_password_help_text_states_both_bounds():
    texts = password_validators_help_texts()
    assert "Kata sandi paling sedikit 10 karakter." in texts
    assert "Kata sandi paling panjang 128 karakter." in texts


def test_registration_refuses_a_password_longer_than_128_characters(client):
    long_password = "panjang sekali " * 9  # 135 characters
    response = client.post(REGISTER, citizen_form(password1=long_password, password2=long_password))
    assert response.status_code == 200
    assert "Kata sandi paling panjang 128 karakter." in error_summary(response.content.decode())
    assert not User.objects.exists()


# --- throttling per client address -------------------------------------------------------------------------


@pytest.fixture
def low_limits(monkeypatch):
    monkeypatch.setattr(account_views, "RATE_LIMITS", {"register": (3, 3600), "password_reset": (3, 3600), "login": (4, 900)})


def test_registration_is_limited_per_address_and_keeps_what_was_typed(client, low_limits):
    for nik in ("1271053102880002", "1271053102880003", "1271053102880004"):  # impossible dates: re-rendered
        assert client.post(REGISTER, citizen_form(nik=nik), REMOTE_ADDR="10.1.1.1").status_code == 200
    refused = client.post(REGISTER, citizen_form(), REMOTE_ADDR="10.1.1.1")
    assert refused.status_code == 429
    html = refused.content.decode()
    assert "Terlalu banyak percobaan dari perangkat Anda." in html
    assert 'value="Rina.Baru@Example.id"' in html and 'value="Rina Marpaung"' in html
    assert not User.objects.exists() and mail.outbox == []
    # Another address is not affected.
    assert client.post(REGISTER, citizen_form(), REMOTE_ADDR="10.1.1.2").status_code == 302
    assert User.objects.filter(email="rina.baru@example.id").exists()


def test_password_reset_is_limited_per_address_whatever_the_email(client, low_limits, django_capture_on_commit_callbacks):
    UserFactory(email="ani@example.id")
    for n in range(3):
        assert client.post(RESET, {"email": f"orang{n}@example.id"}, REMOTE_ADDR="10.1.1.1").status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post(RESET, {"email": "ani@example.id"}, REMOTE_ADDR="10.1.1.1")
    assert refused.status_code == 429
    assert "Terlalu banyak percobaan dari perangkat Anda." in refused.content.decode()
    assert 'value="ani@example.id"' in refused.content.decode()
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(RESET, {"email": "ani@example.id"}, REMOTE_ADDR="10.1.1.2").status_code == 302
    assert [m.to for m in mail.outbox] == [["ani@example.id"]]


def test_login_is_limited_per_address_across_many_accounts(client, low_limits):
    """django-axes locks one e-mail; this stops one address from trying a password on many e-mails."""
    victim = UserFactory(email="ani@example.id")
    for n in range(4):
        assert client.post(LOGIN, {"username": f"orang{n}@example.id", "password": "tebakan-123"},
                           REMOTE_ADDR="10.1.1.1").status_code == 200
    refused = client.post(LOGIN, {"username": victim.email, "password": FACTORY_PASSWORD}, REMOTE_ADDR="10.1.1.1")
    assert refused.status_code == 429
    assert "Terlalu banyak percobaan dari perangkat Anda." in refused.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.post(LOGIN, {"username": victim.email, "password": FACTORY_PASSWORD},
                       REMOTE_ADDR="10.1.1.2").status_code == 302


def test_successful_logins_do_not_count_towards_the_address_limit(client, low_limits):
    """Colleagues in one office share an address: their morning logins must not lock each other out."""
    for n in range(6):
        user = UserFactory(email=f"pegawai{n}@example.id")
        assert client.post(LOGIN, {"username": user.email, "password": FACTORY_PASSWORD},
                           REMOTE_ADDR="10.1.1.3").status_code == 302
        client.post(reverse("accounts:logout"))


# --- no user enumeration -------------------------------------------------------------------------------------


def test_login_answers_the_same_for_an_unknown_email_a_wrong_password_and_an_inactive_account(client):
    UserFactory(email="ani@example.id")
    UserFactory(email="nonaktif@example.id", is_active=False)
    answers = []
    for username, password in [("ani@example.id", "salah-sekali-123"), ("siapa@example.id", "salah-sekali-123"),
                               ("nonaktif@example.id", FACTORY_PASSWORD)]:
        response = client.post(LOGIN, {"username": username, "password": password})
        answers.append((response.status_code, without_tokens(response).replace(username, "EMAIL")))
    assert answers[0] == answers[1] == answers[2]
    assert answers[0][0] == 200
    assert "Alamat e-mail atau kata sandi salah." in answers[0][1]


def test_registration_answers_the_same_for_a_taken_and_a_new_email(client, django_capture_on_commit_callbacks):
    UserFactory(email="ani@example.id")
    with django_capture_on_commit_callbacks(execute=True):
        taken = client.post(REGISTER, citizen_form(email="ani@example.id"))
    with django_capture_on_commit_callbacks(execute=True):
        new = client.post(REGISTER, citizen_form(email="baru@example.id", nik="1271055309900001"))
    assert (taken.status_code, taken["Location"]) == (new.status_code, new["Location"]) == (302, reverse("accounts:register_done"))
    assert without_tokens(client.get(taken["Location"])) == without_tokens(client.get(new["Location"]))
    # Both addresses got one mail: a verification link, or "you already have an account".
    assert sorted(m.to[0] for m in mail.outbox) == ["ani@example.id", "baru@example.id"]


def test_password_reset_answers_the_same_for_known_unknown_and_inactive_addresses(client, django_capture_on_commit_callbacks):
    UserFactory(email="ani@example.id")
    UserFactory(email="nonaktif@example.id", is_active=False)
    answers = []
    for email in ("ani@example.id", "tidak.ada@example.id", "nonaktif@example.id"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(RESET, {"email": email}, follow=True)
        answers.append((response.redirect_chain, without_tokens(response)))
    assert answers[0] == answers[1] == answers[2]
    assert answers[0][0] == [(reverse("accounts:password_reset_done"), 302)]
    assert [m.to for m in mail.outbox] == [["ani@example.id"]]


# --- sessions ---------------------------------------------------------------------------------------------------


def test_a_staff_session_ends_after_30_minutes_without_a_request(client, officer):
    with time_machine.travel(START, tick=False) as clock:
        client.force_login(officer)
        assert client.get(ADMIN).status_code == 200
        clock.shift(dt.timedelta(minutes=29))
        assert client.get(ADMIN).status_code == 200  # activity restarts the clock
        clock.shift(dt.timedelta(minutes=29))
        assert client.get(ADMIN).status_code == 200
        clock.shift(dt.timedelta(minutes=31))
        response = client.get(ADMIN + "?q=1", follow=True)
    assert response.redirect_chain[0] == (f"{LOGIN}?next=/admin/%3Fq%3D1", 302)
    assert "Sesi Anda berakhir karena tidak aktif selama 30 menit. Silakan masuk lagi." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_staff_idle_limit_is_a_setting(client, officer, settings):
    settings.STAFF_SESSION_IDLE_MINUTES = 5
    with time_machine.travel(START, tick=False) as clock:
        client.force_login(officer)
        client.get("/")
        clock.shift(dt.timedelta(minutes=6))
        response = client.post(reverse("accounts:profile"), {})
    assert response.status_code == 302 and response.url == f"{LOGIN}?next=/akun/profil/"
    assert "_auth_user_id" not in client.session


def test_a_citizen_session_does_not_end_for_inactivity_but_at_its_age(client, citizen):
    assert settings.SESSION_COOKIE_AGE == 12 * 3600
    with time_machine.travel(START, tick=False) as clock:
        response = client.post(LOGIN, {"username": citizen.email, "password": FACTORY_PASSWORD})
        assert response.cookies["sessionid"]["max-age"] == 12 * 3600
        clock.shift(dt.timedelta(hours=3))
        assert client.get(reverse("accounts:profile")).status_code == 200
        clock.shift(dt.timedelta(hours=9, minutes=1))
        assert client.get(reverse("accounts:profile")).url.startswith(LOGIN)


# --- two-factor authentication ----------------------------------------------------------------------------------


def code_for(device, at=None):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = at if at is not None else time.time()
    return f"{totp.token():06d}"


def enrolled(user):
    return TOTPDevice.objects.create(user=user, name="Aplikasi autentikator", confirmed=True)


def test_a_staff_member_turns_on_two_factor_with_the_qr_code_and_a_first_code(client, officer):
    client.force_login(officer)
    with time_machine.travel(START, tick=False) as clock:
        page = client.get(TWO_FACTOR)
        assert page.status_code == 200
        html = page.content.decode()
        assert 'src="data:image/svg+xml' in html and 'alt="Kode QR untuk aplikasi autentikator"' in html
        device = TOTPDevice.objects.get(user=officer)
        assert not device.confirmed
        assert "otpauth://totp/BKPSDM%20Kota%20Medan%3Apetugas%40example.id" in device.config_url
        secret = page.context["enrolment"].secret
        assert client.get(TWO_FACTOR).context["enrolment"].secret == secret  # a reload shows the same code

        wrong = client.post(TWO_FACTOR, {"code": "000000" if code_for(device) != "000000" else "111111"})
        assert wrong.status_code == 200
        assert "Kode tidak cocok." in error_summary(wrong.content.decode())
        device.refresh_from_db()
        assert not device.confirmed

        clock.shift(dt.timedelta(seconds=3))  # past the one-second wait after a wrong code
        done = client.post(TWO_FACTOR, {"code": code_for(device)}, follow=True)
        assert done.redirect_chain == [(reverse("accounts:otp_backup_codes"), 302)]
        assert "Verifikasi dua langkah sudah aktif." in done.content.decode()
        codes = done.context["codes"]
        assert len(codes) == 10 and len(set(codes)) == 10
        assert set(StaticToken.objects.filter(device__user=officer).values_list("token", flat=True)) == set(codes)
        assert done["Cache-Control"] == "no-store"
        assert client.get(reverse("accounts:otp_backup_codes")).url == TWO_FACTOR  # shown once only
        device.refresh_from_db()
        assert device.confirmed
        assert client.get(ADMIN).status_code == 200  # this session is verified already
        manage = client.get(TWO_FACTOR).content.decode()
    assert "Aktif" in manage and "Tersisa 10 kode cadangan." in manage


def test_citizens_cannot_open_the_two_factor_page(client, citizen):
    client.force_login(citizen)
    assert client.get(TWO_FACTOR).status_code == 403
    assert not TOTPDevice.objects.exists()


def test_after_the_password_an_enrolled_officer_must_give_a_code_before_any_page(client, officer):
    device = enrolled(officer)
    with time_machine.travel(START, tick=False) as clock:
        response = client.post(LOGIN, {"username": officer.email, "password": FACTORY_PASSWORD, "next": ADMIN})
        assert response.url == ADMIN
        for path in (ADMIN, reverse("admin:requests_app_servicerequest_changelist"), "/", reverse("accounts:profile")):
            refused = client.get(path)
            assert refused.status_code == 302 and refused.url.startswith(VERIFY + "?next="), path
        page = client.get(VERIFY + "?next=/admin/")
        assert "Masukkan kode verifikasi" in page.content.decode()

        wrong = client.post(VERIFY, {"code": "12345x", "next": ADMIN})
        assert "Ketik 6 angka dari aplikasi autentikator, atau kode cadangan 8 karakter." in wrong.content.decode()
        clock.shift(dt.timedelta(seconds=40))
        verified = client.post(VERIFY, {"code": code_for(device), "next": ADMIN})
        assert verified.status_code == 302 and verified.url == ADMIN
        assert client.get(ADMIN).status_code == 200
        assert client.get("/").status_code == 200


def test_the_admin_login_page_leads_to_the_code_as_well(client, officer):
    enrolled(officer)
    response = client.post(reverse("admin:login"), {"username": officer.email, "password": FACTORY_PASSWORD,
                                                    "next": ADMIN}, follow=True)
    assert response.redirect_chain[-1] == (f"{VERIFY}?next=/admin/", 302)
    assert "Masukkan kode verifikasi" in response.content.decode()


def test_a_wrong_code_is_refused_and_the_wait_doubles(client, officer):
    device = enrolled(officer)
    client.force_login(officer)
    with time_machine.travel(START, tick=False) as clock:
        right = code_for(device)
        wrong = "000000" if right != "000000" else "111111"
        first = client.post(VERIFY, {"code": wrong})
        assert first.status_code == 200
        assert "Kode salah atau sudah kedaluwarsa." in first.content.decode()
        hurried = client.post(VERIFY, {"code": right})  # even the right code waits one second
        assert hurried.status_code == 429
        assert "Terlalu banyak kode salah. Tunggu 1 detik, lalu coba lagi." in hurried.content.decode()
        assert client.get(ADMIN).url.startswith(VERIFY)
        clock.shift(dt.timedelta(seconds=2))
        assert client.post(VERIFY, {"code": wrong}).status_code == 200
        assert "Tunggu 2 detik" in client.post(VERIFY, {"code": right}).content.decode()
        clock.shift(dt.timedelta(seconds=3))
        assert client.post(VERIFY, {"code": right}).status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_a_code_cannot_be_used_twice(client, officer):
    device = enrolled(officer)
    with time_machine.travel(START, tick=False):
        code = code_for(device)
        client.force_login(officer)
        assert client.post(VERIFY, {"code": code}).status_code == 302
        other = type(client)()
        other.force_login(officer)
        replay = other.post(VERIFY, {"code": code})
    assert replay.status_code == 200
    assert "Kode salah atau sudah kedaluwarsa." in replay.content.decode()


def test_a_backup_code_works_once_and_says_how_many_are_left(client, officer):
    enrolled(officer)
    static = StaticDevice.objects.create(user=officer, name="Kode cadangan")
    static.token_set.create(token="abcd2345")
    static.token_set.create(token="efgh6777")
    client.force_login(officer)
    response = client.post(VERIFY, {"code": "ABCD 2345", "next": ADMIN}, follow=True)
    assert response.redirect_chain == [(ADMIN, 302)]
    assert "Anda masuk dengan kode cadangan. Tersisa 1 kode;" in response.content.decode()
    assert list(static.token_set.values_list("token", flat=True)) == ["efgh6777"]
    again = type(client)()
    again.force_login(officer)
    assert "Kode salah" in again.post(VERIFY, {"code": "abcd2345"}).content.decode()


def test_new_backup_codes_replace_the_old_ones(client, officer):
    device = enrolled(officer)
    client.force_login(officer)
    client.post(VERIFY, {"code": code_for(device)})
    first = client.post(reverse("accounts:otp_backup_codes"), follow=True).context["codes"]
    second = client.post(reverse("accounts:otp_backup_codes"), follow=True).context["codes"]
    assert set(StaticToken.objects.values_list("token", flat=True)) == set(second)
    assert not set(first) & set(second)


def test_turning_two_factor_off_needs_the_password(client, officer):
    device = enrolled(officer)
    client.force_login(officer)
    client.post(VERIFY, {"code": code_for(device)})
    refused = client.post(reverse("accounts:otp_disable"), {"password": "bukan-ini-123"})
    assert refused.status_code == 200
    assert "Kata sandi salah." in error_summary(refused.content.decode())
    assert TOTPDevice.objects.filter(user=officer).exists()

    done = client.post(reverse("accounts:otp_disable"), {"password": FACTORY_PASSWORD}, follow=True)
    assert "Verifikasi dua langkah sudah dimatikan" in done.content.decode()
    assert not TOTPDevice.objects.filter(user=officer, confirmed=True).exists()
    assert not StaticDevice.objects.filter(user=officer).exists()
    fresh = type(client)()
    fresh.force_login(officer)
    assert fresh.get(ADMIN).status_code == 200  # the password alone is enough again


def test_turning_two_factor_off_is_limited_to_five_password_tries(client, officer):
    device = enrolled(officer)
    client.force_login(officer)
    client.post(VERIFY, {"code": code_for(device)})
    for _ in range(5):
        client.post(reverse("accounts:otp_disable"), {"password": "bukan-ini-123"})
    refused = client.post(reverse("accounts:otp_disable"), {"password": FACTORY_PASSWORD})
    assert refused.status_code == 429
    assert TOTPDevice.objects.filter(user=officer).exists()


def test_when_required_signers_and_superusers_must_enrol_before_any_page(client, signer, officer, settings):
    settings.OTP_REQUIRED_FOR_PRIVILEGED = True
    superuser = UserFactory(email="root@example.id", is_staff=True, is_superuser=True)
    for user in (signer, superuser):
        client.force_login(user)
        response = client.get(ADMIN, follow=True)
        assert response.redirect_chain == [(f"{TWO_FACTOR}?next=/admin/", 302)]
        html = response.content.decode()
        assert "Akun Anda wajib memakai verifikasi dua langkah." in html
        assert 'src="data:image/svg+xml' in html
        assert client.get(reverse("accounts:profile")).url.startswith(TWO_FACTOR)
        client.post(reverse("accounts:logout"))
    client.force_login(officer)  # not privileged: two-factor stays optional
    assert client.get(ADMIN).status_code == 200


def test_a_required_signer_reaches_the_admin_once_enrolled(client, signer, settings):
    settings.OTP_REQUIRED_FOR_PRIVILEGED = True
    client.force_login(signer)
    client.get(TWO_FACTOR)
    device = TOTPDevice.objects.get(user=signer)
    assert client.post(TWO_FACTOR, {"code": code_for(device)}).url == reverse("accounts:otp_backup_codes")
    assert client.get(ADMIN).status_code == 200


def test_in_tests_two_factor_is_optional_for_privileged_accounts(client, signer):
    assert settings.PRODUCTION is False and settings.OTP_REQUIRED_FOR_PRIVILEGED is False
    client.force_login(signer)
    assert client.get(ADMIN).status_code == 200


def test_a_device_removed_by_an_administrator_no_longer_blocks_its_owner(client, officer):
    """A lost phone: a superuser deletes the officer's TOTP device; the officer's pending session goes through."""
    device = enrolled(officer)
    client.force_login(officer)
    assert client.get(ADMIN).url.startswith(VERIFY)
    device.delete()
    response = client.get(f"{VERIFY}?next=/admin/")
    assert response.status_code == 302 and response.url == ADMIN
    assert client.get(ADMIN).status_code == 200


def test_the_session_key_changes_when_the_code_is_accepted(client, officer):
    device = enrolled(officer)
    client.force_login(officer)
    before = client.session.session_key
    client.post(VERIFY, {"code": code_for(device)})
    assert client.session.session_key != before
    assert client.session["_auth_user_id"] == str(officer.pk)


def test_two_factor_state_is_read_at_login_not_on_every_page(client, officer):
    client.force_login(officer)
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("accounts:verify_notice")).status_code == 200
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert "otp_" not in sql and '"auth_group"."name"' not in sql  # no device or group look-ups per page
