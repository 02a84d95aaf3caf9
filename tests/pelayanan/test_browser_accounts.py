"""In headless Chromium: switch language, register, verify the e-mail and log in."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from playwright.sync_api import expect

from pelayanan.models import User

# serialized_rollback: the live server needs a transactional database; this puts back the roles
# and catalogue the data migrations seeded, for the tests that run after this one.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # Chromium asks for en-US by default, which Django's LocaleMiddleware would honour.
    return {**browser_context_args, "locale": "id-ID"}


def test_switch_language_register_verify_and_log_in(page, live_server):
    page.goto(live_server.url + "/")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "id")

    page.locator("form.lang-switch button[value=en]").click()
    expect(html).to_have_attribute("lang", "en")
    page.locator("form.lang-switch button[value=id]").click()
    expect(html).to_have_attribute("lang", "id")

    page.get_by_role("link", name="Daftar", exact=True).click()
    expect(page.get_by_role("heading", name="Daftar akun")).to_be_visible()
    page.fill("#id_email", "dewi.sinaga@example.id")
    page.fill("#id_full_name", "Dewi Sinaga")
    page.fill("#id_phone", "0812 7000 1234")
    page.fill("#id_nik", "1271 0661 0893 0002")
    page.select_option("#id_asn_type", "none")
    page.fill("#id_password1", "Bolu-Meranti-Medan-26")
    page.fill("#id_password2", "Bolu-Meranti-Medan-26")
    page.check("#id_consent")
    page.get_by_role("button", name="Daftar", exact=True).click()
    expect(page.get_by_role("heading", name="Periksa e-mail Anda")).to_be_visible()
    assert User.objects.get(email="dewi.sinaga@example.id").email_verified is False

    (message,) = mail.outbox
    assert message.to == ["dewi.sinaga@example.id"]
    link = re.search(r"https?://\S+/akun/verifikasi/\S+", message.body).group(0)
    page.goto(live_server.url + urlsplit(link).path)
    page.get_by_role("button", name="Ya, verifikasi alamat e-mail saya").click()
    expect(page.get_by_text("sudah terverifikasi")).to_be_visible()
    assert User.objects.get(email="dewi.sinaga@example.id").email_verified is True

    page.fill("#id_username", "dewi.sinaga@example.id")
    page.fill("#id_password", "Bolu-Meranti-Medan-26")
    page.get_by_role("button", name="Masuk", exact=True).click()
    header_nav = page.locator("header nav")
    expect(header_nav.get_by_role("link", name="Dewi")).to_be_visible()
    expect(header_nav.get_by_role("button", name="Keluar")).to_be_visible()
    expect(page.get_by_text("belum terverifikasi")).to_have_count(0)
