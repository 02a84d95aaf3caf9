"""A citizen applies for a surat keterangan kerja with the keyboard only (issue 8 item 6): the skip link, Tab and
Shift+Tab, typing, Enter and Space. The one exception is choosing the file: a browser cannot type a path into
a file dialog, so the file input is reached by Tab and then given the file with set_input_files.

Every element that Tab reaches must show a visible focus indicator (a computed outline of at least 2 px).
"""

import re

import pytest
from playwright.sync_api import expect

from requests_app.models import ServiceRequest
from tests.a11y.support import PASSWORD
from tests.factories import make_pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return {
    tag: el.tagName.toLowerCase(), id: el.id, type: el.getAttribute("type") || "",
    text: (el.innerText || el.value || "").trim().replace(/\\s+/g, " "),
    outline: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth) || 0,
    width: box.width, height: box.height,
  };
}"""


def focused(page):
    return page.evaluate(FOCUSED)


def assert_focus_visible(info):
    where = f"{info['tag']}#{info['id']} {info['text'][:40]!r}"
    assert info["outline"] != "none" and info["outlineWidth"] >= 2, f"no visible focus indicator on {where}: {info}"
    assert info["width"] >= 1 and info["height"] >= 1, f"focused element is not on screen: {where}"


def tab_to(page, wanted, *, back=False, limit=80):
    """Press Tab (Shift+Tab with back=True) until wanted(info) holds; every stop must show its focus."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        info = focused(page)
        if info["tag"] == "body":  # focus left the document's last (or first) element: wrap around
            continue
        assert_focus_visible(info)
        if wanted(info):
            return info
        seen.append(f"{info['tag']}#{info['id']} {info['text'][:30]!r}")
    raise AssertionError(f"not reached with {'Shift+' if back else ''}Tab; focus went through: {seen}")


def text_is(text):
    return lambda info: info["text"] == text


def test_apply_for_an_employment_certificate_with_the_keyboard_only(page, live_server, applicant, tmp_path):
    pdf = tmp_path / "SK Pangkat Terakhir.pdf"
    pdf.write_bytes(make_pdf("SK Pangkat Penata III/c"))
    page.goto(live_server.url + "/")

    # The first Tab lands on the skip link, which shows itself; Enter moves focus into <main>.
    page.keyboard.press("Tab")
    info = focused(page)
    assert info["text"] == "Langsung ke isi utama"
    assert_focus_visible(info)
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    assert page.url.endswith("#main")

    # Back up into the header to the "Masuk" link and log in from the form.
    tab_to(page, text_is("Masuk"), back=True)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Masuk", exact=True)).to_be_visible()
    tab_to(page, lambda info: info["id"] == "id_username")
    page.keyboard.type(applicant.email)
    tab_to(page, lambda info: info["id"] == "id_password")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.locator("header nav").get_by_role("button", name="Keluar")).to_be_visible()

    # Ajukan Permohonan -> the surat keterangan kerja.
    tab_to(page, text_is("Ajukan Permohonan"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Ajukan permohonan")).to_be_visible()
    tab_to(page, text_is("Ajukan Surat Keterangan Aktif Bekerja"))
    page.keyboard.press("Enter")

    # Step 1: type the details; Enter in a text box submits the form.
    expect(page.get_by_text("Langkah 1 dari 3")).to_be_visible()
    tab_to(page, lambda info: info["id"] == "id_purpose")
    page.keyboard.type("Pengajuan kredit pemilikan rumah")
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "id_addressee"
    page.keyboard.type("PT Bank Sumut Cabang Medan")
    page.keyboard.press("Enter")

    # Step 2: reach the file input by Tab, give it the file, Tab on to "Lanjut" and press Enter.
    expect(page.get_by_text("Langkah 2 dari 3")).to_be_visible()
    tab_to(page, lambda info: info["tag"] == "input" and info["type"] == "file")
    page.locator(":focus").set_input_files(str(pdf))
    tab_to(page, text_is("Lanjut"))
    page.keyboard.press("Enter")

    # Step 3: check the answers and send with Space.
    expect(page.get_by_role("heading", name="Periksa kembali jawaban Anda")).to_be_visible()
    tab_to(page, text_is("Kirim permohonan"))
    page.keyboard.press("Space")

    code_box = page.locator("#tracking-code")
    expect(code_box).to_be_visible()
    code = code_box.inner_text().strip()
    assert re.fullmatch(r"SKK-\d{2}-[2-9A-HJKMNP-Z]{6}", code)
    req = ServiceRequest.objects.get(code=code)
    assert (req.applicant, req.status, req.details["addressee"]) == (applicant, "submitted", "PT Bank Sumut Cabang Medan")
    assert req.documents.get().original_name == "SK Pangkat Terakhir.pdf"
