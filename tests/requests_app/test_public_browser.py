import pytest

PHONE = {"width": 390, "height": 844}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_anonymous_phone_visitor_reaches_requirements_time_and_fee_in_two_clicks(live_server, page):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/")

    page.get_by_role("link", name="Layanan & Biaya").first.click()  # click 1: the catalogue
    page.wait_for_url("**/layanan/")
    page.get_by_role("link", name="Surat Keterangan Aktif Bekerja", exact=True).click()  # click 2: the service
    page.wait_for_url("**/layanan/surat-keterangan-kerja/")

    main = page.locator("main")
    assert main.get_by_role("heading", name="1. Persyaratan").is_visible()
    assert main.get_by_text("SK pangkat atau jabatan terakhir").is_visible()
    assert main.get_by_text("3 hari kerja").first.is_visible()
    assert main.get_by_text("Gratis").first.is_visible()
    assert main.get_by_role("link", name="Ajukan sekarang").is_visible()
    # Readable on a phone: nothing forces a public page wider than the screen (wide tables scroll inside).
    for path in ("", "/layanan/", "/jam-layanan/", "/transparansi/"):
        if path:
            page.goto(live_server.url + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], path or page.url
