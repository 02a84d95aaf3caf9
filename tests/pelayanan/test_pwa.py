"""The installable app (pelayanan/pwa.py): manifest, service worker, offline page, and in Chromium the offline
page shown for a page that cannot load."""

import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from PIL import Image

pytestmark = pytest.mark.django_db


def static_path(url):
    path = finders.find(url.removeprefix("/static/"))
    assert path, f"{url} is not a static file"
    return path


def test_the_manifest_describes_an_installable_app_in_indonesian(client):
    response = client.get(reverse("manifest"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    data = json.loads(response.content)
    assert data["name"] == "Layanan Kepegawaian Kota Medan" and data["lang"] == "id"
    assert data["start_url"] == "/" and data["scope"] == "/" and data["display"] == "standalone"
    assert re.fullmatch(r"#[0-9a-f]{6}", data["theme_color"])
    # Chrome installs an app with a 192 and a 512 px icon; Android masks the "maskable" one into its shape.
    sizes = {(icon["sizes"], icon["purpose"]) for icon in data["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in data["icons"]:
        width, height = map(int, icon["sizes"].split("x"))
        with Image.open(static_path(icon["src"])) as image:
            assert image.size == (width, height) and image.format == "PNG", icon["src"]


def test_the_manifest_follows_the_visitors_language(client):
    data = json.loads(client.get(reverse("manifest"), HTTP_ACCEPT_LANGUAGE="en").content)
    assert data["lang"] == "en" and data["name"] == "Medan City Civil Service Portal"


def test_the_shortcuts_of_the_manifest_lead_to_real_pages(client, citizen):
    client.force_login(citizen)
    for shortcut in json.loads(client.get(reverse("manifest")).content)["shortcuts"]:
        assert client.get(shortcut["url"]).status_code == 200, shortcut


def test_the_service_worker_stores_only_the_offline_page_and_its_files(client):
    response = client.get(reverse("service_worker"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert "no-cache" in response["Cache-Control"]  # a new deployment reaches phones on their next visit
    precache = json.loads(re.search(r"const PRECACHE = (\[.*?\]);", response.text).group(1))
    assert precache[0] == reverse("offline")
    for url in precache[1:]:
        static_path(url)
    assert client.get(precache[0]).status_code == 200


def test_the_service_worker_version_changes_with_the_offline_page(client, settings):
    version = lambda: re.search(r'const CACHE = "luring-(\w+)"', client.get(reverse("service_worker")).text).group(1)  # noqa: E731
    before = version()
    assert version() == before
    settings.AGENCY_PHONE = "(061) 7654321"
    assert version() != before


def test_the_offline_page_is_the_same_for_everyone(client, citizen):
    anonymous = client.get(reverse("offline")).content
    client.force_login(citizen)
    signed_in = client.get(reverse("offline")).content
    assert anonymous == signed_in
    assert b"Rina" not in signed_in and b"csrfmiddlewaretoken" not in signed_in
    text = signed_in.decode()
    assert "Tidak ada koneksi internet" in text and "tetap tersimpan" in text


def test_every_page_links_the_manifest_and_registers_the_worker(client):
    html = client.get(reverse("home")).text
    assert f'<link rel="manifest" href="{reverse("manifest")}">' in html
    assert f'data-sw="{reverse("service_worker")}"' in html


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_phone_without_a_connection_sees_the_offline_page_and_then_the_real_one(live_server, page, context):
    page.goto(live_server.url + "/")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # the worker controls pages loaded after it activated
    assert page.evaluate("navigator.serviceWorker.controller !== null")

    context.set_offline(True)
    page.goto(live_server.url + "/layanan/")
    assert page.get_by_role("heading", name="Tidak ada koneksi internet").is_visible()
    # Its style came from the worker's store too: the header keeps the portal's colours offline.
    assert page.evaluate("getComputedStyle(document.querySelector('.site-header')).borderTopColor") == "rgb(242, 194, 0)"

    context.set_offline(False)
    page.get_by_role("link", name="Coba lagi").click()
    page.goto(live_server.url + "/layanan/")
    assert page.get_by_role("heading", name="Tidak ada koneksi internet").count() == 0
    assert page.get_by_role("link", name="Surat Keterangan Aktif Bekerja", exact=True).is_visible()
