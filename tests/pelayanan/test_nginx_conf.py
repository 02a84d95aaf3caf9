"""deploy/nginx.conf (the compose `nginx` service): accepted by nginx, and what it caches and serves.

Checked three ways: the directives themselves, a real nginx (the shipped file rendered by bench/nginx_conf.py)
in front of the live server, and the Django side of the contract (what signed-out public pages send).
"""

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml
from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.test import Client
from django.urls import reverse

from bench.nginx_conf import SHIPPED, render

ROOT = Path(__file__).resolve().parents[2]
CONF = SHIPPED.read_text()
PUBLIC_PAGES = ["/layanan/", "/layanan/izin-cuti/", "/jam-layanan/", "/transparansi/"]


def nginx_binary() -> str:
    path = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(path).exists():
        pytest.fail("nginx is not installed: apt-get install -y nginx (.ci/run installs it)")
    return path


# --- reading the configuration ----------------------------------------------------------------------------

def _without_comments(text):
    return re.sub(r"#[^\n]*", "", text)


def _blocks(text):
    """[(header, body)] of the blocks at the top level of text (braces inside quotes are text)."""
    blocks, depth, start, header_start, quote = [], 0, 0, 0, None
    for i, char in enumerate(text):
        if quote:
            quote = None if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == "{":
            if depth == 0:
                header = text[header_start:i].strip()
                start = i + 1
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                blocks.append((header, text[start:i]))
                header_start = i + 1
        elif char == ";" and depth == 0:
            header_start = i + 1
    return blocks


def _block(text, header):
    [body] = [body for head, body in _blocks(text) if head == header]
    return body


def _directives(body, name):
    """The values of directive `name` at the top level of body (nested blocks left out)."""
    flat, depth, quote = [], 0, None
    for char in body:
        if quote:
            quote = None if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char in "{}":
            depth += 1 if char == "{" else -1
            if depth == 0:
                flat.append(";")  # a closed block ends the statement that opened it
            continue
        if depth == 0:
            flat.append(char)
    return [statement.strip()[len(name):].strip() for statement in "".join(flat).split(";")
            if statement.split(None, 1)[:1] == [name]]


HTTP = _block(_without_comments(CONF), "http")
SERVER = _block(HTTP, "server")
LOCATIONS = {head: body for head, body in _blocks(SERVER) if head.startswith("location")}
[(PUBLIC_HEAD, PUBLIC)] = [(head, body) for head, body in LOCATIONS.items() if _directives(body, "proxy_cache")]


def _is_public_page(path):
    return re.search(PUBLIC_HEAD.split(None, 2)[2], path) is not None


# --- the directives ----------------------------------------------------------------------------------------

def test_nginx_accepts_the_configuration_as_rendered_for_this_machine(tmp_path):
    conf = tmp_path / "nginx.conf"
    conf.write_text(render(upstream="127.0.0.1:8000", listen="127.0.0.1:8080", static_root=tmp_path,
                           state_dir=tmp_path / "nginx"))

    result = subprocess.run([nginx_binary(), "-t", "-c", str(conf), "-e", str(tmp_path / "nginx" / "log" / "error.log")],
                            capture_output=True, text=True, timeout=30)

    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr
    rendered = conf.read_text()
    for deployment_value in ("http://web:8000", "/srv/static/", "/var/cache/nginx", "/var/log/nginx", "listen 80;"):
        assert deployment_value not in rendered


def test_only_the_public_pages_go_through_the_micro_cache():
    public = [reverse("requests_app:service_list"), reverse("requests_app:service_detail", args=["izin-cuti"]),
              reverse("requests_app:hours"), reverse("requests_app:transparency"), reverse("requests_app:transparency_json")]
    private = ["/", reverse("accounts:login"), reverse("requests_app:my_requests"), reverse("requests_app:lookup"),
               reverse("requests_app:detail", args=["SKK-26-ABC123"]), reverse("admin:index"), "/healthz",
               reverse("set_language")]

    assert [path for path in public if not _is_public_page(path)] == []
    assert [path for path in private if _is_public_page(path)] == []
    assert sum(len(_directives(body, "proxy_cache")) for body in LOCATIONS.values()) == 1
    assert _directives(HTTP, "proxy_cache") == _directives(SERVER, "proxy_cache") == []


def test_requests_with_a_session_or_messages_neither_read_nor_fill_the_cache():
    for directive in ("proxy_cache_bypass", "proxy_no_cache"):
        [variables] = _directives(PUBLIC, directive)
        assert f"$cookie_{settings.SESSION_COOKIE_NAME}" in variables.split()
        assert f"$cookie_{CookieStorage.cookie_name}" in variables.split()


def test_only_what_django_marks_cacheable_is_kept():
    everything = _without_comments(CONF)
    # No default lifetime: a response without max-age / s-maxage / Expires is never stored.
    assert "proxy_cache_valid" not in everything
    # Cache-Control (private, no-store, no-cache), Set-Cookie and Vary keep their say.
    assert "proxy_ignore_headers" not in everything
    assert "proxy_hide_header" not in everything
    [key] = _directives(PUBLIC, "proxy_cache_key")
    assert "$host" in key and "$request_uri" in key


def test_static_files_are_served_from_disk_hashed_names_for_a_year():
    static = LOCATIONS["location ^~ /static/"]
    [hashed_head] = [head for head, _body in _blocks(static)]
    hashed = _block(static, hashed_head)

    assert _directives(static, "alias") == ["/srv/static/"]
    assert "proxy_pass" not in static
    assert _directives(static, "expires") == ["60s"]
    assert re.search(hashed_head.split(None, 2)[2].strip('"'), "css/site.3f2a9c1b04de.css")
    assert not re.search(hashed_head.split(None, 2)[2].strip('"'), "css/site.css")
    assert 'Cache-Control "public, max-age=31536000, immutable" always' in _directives(hashed, "add_header")


def test_uploaded_documents_are_never_served_from_disk(services):
    media_root = services["web"]["environment"]["MEDIA_ROOT"]

    assert media_root not in CONF
    assert _directives(LOCATIONS["location ^~ /media/"], "return") == ["404"]
    assert not any(volume.split(":")[0] == "media" for volume in services["nginx"]["volumes"])


# --- the compose service ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def services():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]


def test_compose_runs_nginx_with_this_file_in_front_of_web(services):
    nginx = services["nginx"]

    assert nginx["image"].startswith("nginx:1.27")
    assert "./deploy/nginx.conf:/etc/nginx/nginx.conf:ro" in nginx["volumes"]
    assert "static:/srv/static:ro" in nginx["volumes"]
    assert nginx["ports"] == ["127.0.0.1:${WEB_PORT:-8000}:80"]
    assert _directives(SERVER, "listen") == ["80"]
    assert _directives(SERVER, "set") == ["$django http://web:8000"]  # the web service, its gunicorn port
    assert "ports" not in services["web"]
    assert nginx["healthcheck"]["test"]


def test_compose_fills_the_static_volume_from_the_image(services):
    static = services["static"]
    dockerfile = (ROOT / "Dockerfile").read_text()

    assert static["image"] == services["web"]["image"]
    assert static["command"] == ["cp", "-R", "/app/staticfiles/.", "/srv/static/"]
    assert static["volumes"] == ["static:/srv/static"]
    assert services["nginx"]["depends_on"]["static"]["condition"] == "service_completed_successfully"
    assert "collectstatic" in dockerfile and "chown app:app /data/media /srv/static" in dockerfile


# --- a real nginx with the shipped configuration ------------------------------------------------------------

def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url, **headers):
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read().decode()


@contextlib.contextmanager
def running_nginx(tmp_path, upstream):
    """nginx with the shipped configuration, passing to `upstream`, serving tmp_path/static; its base URL."""
    static = tmp_path / "static"
    (static / "css").mkdir(parents=True)
    (static / "css" / "site.css").write_text("body { margin: 0 }\n")
    (static / "css" / "site.0123456789ab.css").write_text("body { color: black }\n")
    port, state = _free_port(), tmp_path / "nginx"
    conf = tmp_path / "nginx.conf"
    conf.write_text(render(upstream=upstream, listen=f"127.0.0.1:{port}", static_root=static, state_dir=state))
    subprocess.run([nginx_binary(), "-c", str(conf), "-e", str(state / "log" / "error.log")], check=True, timeout=30)
    pid_file = state / "nginx.pid"
    for _ in range(50):
        if pid_file.exists() and pid_file.read_text().strip():
            break
        time.sleep(0.05)
    pid = int(pid_file.read_text())
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        os.kill(pid, signal.SIGTERM)
        for _ in range(100):
            if not _running(pid):
                break
            time.sleep(0.02)


def _running(pid):
    """True until the process has exited (a zombie waiting for its parent to reap it counts as exited)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return re.search(r"^State:\s+Z", status, re.M) is None


@pytest.fixture
def nginx(live_server, tmp_path):
    """nginx in front of the live server."""
    with running_nginx(tmp_path, f"127.0.0.1:{urlparse(live_server.url).port}") as url:
        yield url


def test_nginx_keeps_a_signed_out_visitors_page_once_per_language(nginx):
    for path in ("/layanan/", "/layanan/izin-cuti/"):
        status, first, page = get(nginx + path)
        assert status == 200
        assert first["X-Cache-Status"] == "MISS"
        assert "Set-Cookie" not in first
        assert "public" in first["Cache-Control"] and "s-maxage=10" in first["Cache-Control"]

        status, again, cached_page = get(nginx + path)
        assert status == 200
        assert again["X-Cache-Status"] == "HIT"
        assert cached_page == page

    get(nginx + "/transparansi/", **{"Accept-Language": "en"})
    _status, english_headers, english = get(nginx + "/transparansi/", **{"Accept-Language": "en"})
    get(nginx + "/transparansi/")
    _status, indonesian_headers, indonesian = get(nginx + "/transparansi/")
    assert english_headers["X-Cache-Status"] == indonesian_headers["X-Cache-Status"] == "HIT"
    assert '<html lang="en">' in english and "Service Performance Transparency" in english
    assert '<html lang="id">' in indonesian and "Transparansi Kinerja Layanan" in indonesian


def test_nginx_never_gives_the_shared_page_to_a_visitor_with_a_session_nor_keeps_theirs(nginx, applicant):
    client = Client()
    client.force_login(applicant)
    session = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    get(nginx + "/layanan/")  # a signed-out visitor fills the cache

    for _ in range(2):
        status, headers, page = get(nginx + "/layanan/", Cookie=session)
        assert status == 200
        assert headers["X-Cache-Status"] == "BYPASS"
        assert "private" in headers["Cache-Control"]
        assert applicant.get_short_name() in page and "Keluar" in page

    status, headers, page = get(nginx + "/layanan/")
    assert headers["X-Cache-Status"] == "HIT"
    assert applicant.get_short_name() not in page and "Masuk" in page

    # Messages to show, or a malformed CSRF cookie that Django replaces (Set-Cookie): never stored.
    for cookie in ("csrftoken=malformed", f"{CookieStorage.cookie_name}=anything"):
        for _ in range(2):
            status, headers, _page = get(nginx + "/jam-layanan/", Cookie=cookie)
            assert status == 200
            assert headers["X-Cache-Status"] in ("MISS", "BYPASS")
            assert "private" in headers["Cache-Control"]

    status, headers, _body = get(nginx + reverse("accounts:login"))
    assert status == 200 and "X-Cache-Status" not in headers  # not a public page: never near the cache


def test_nginx_serves_static_files_from_disk_and_no_uploaded_file(tmp_path, settings):
    upload = Path(settings.MEDIA_ROOT) / "documents" / "ktp.pdf"
    upload.parent.mkdir(parents=True)
    upload.write_bytes(b"%PDF-1.4 personal data")

    with running_nginx(tmp_path, upstream=f"127.0.0.1:{_free_port()}") as nginx:  # no Django behind it
        status, headers, body = get(nginx + "/static/css/site.0123456789ab.css")
        assert status == 200 and body == "body { color: black }\n"
        assert headers.get_all("Cache-Control") == ["public, max-age=31536000, immutable"]
        assert headers["X-Content-Type-Options"] == "nosniff"

        status, headers, _body = get(nginx + "/static/css/site.css")
        assert status == 200 and headers["Cache-Control"] == "max-age=60"

        for path in ("/media/documents/ktp.pdf", "/static/../media/documents/ktp.pdf", "/static/../../media/documents/ktp.pdf"):
            status, _headers, body = get(nginx + path)
            assert status in (400, 404) and "personal data" not in body  # 400: above the root


# --- what Django sends: the other half of the contract ------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_a_signed_out_visitors_public_page_holds_nothing_of_theirs(client, path):
    response = client.get(path)

    assert response.status_code == 200
    assert response.cookies == {}  # no CSRF cookie: the language switch needs no token
    assert "csrfmiddlewaretoken" not in response.content.decode()
    assert set(response["Cache-Control"].split(", ")) == {"public", "max-age=60", "s-maxage=10"}
    assert client.get(path).content == response.content  # the whole page comes from the cache, unchanged


@pytest.mark.django_db
def test_signed_in_users_and_visitors_with_messages_get_private_pages(client, applicant):
    client.cookies[CookieStorage.cookie_name] = "anything"
    assert "private" in client.get("/layanan/")["Cache-Control"]

    del client.cookies[CookieStorage.cookie_name]
    client.force_login(applicant)
    response = client.get("/layanan/")
    assert "private" in response["Cache-Control"]
    assert "csrfmiddlewaretoken" in response.content.decode()  # the logout form keeps its token


@pytest.mark.django_db
def test_the_language_switch_works_without_a_csrf_token_and_stays_on_the_site():
    client = Client(enforce_csrf_checks=True)

    response = client.post(reverse("set_language"), {"language": "en", "next": "/layanan/"})
    assert response.status_code == 302 and response["Location"] == "/layanan/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert '<html lang="en">' in client.get("/layanan/").content.decode()

    response = client.post(reverse("set_language"), {"language": "id", "next": "https://example.com/"})
    assert response.status_code == 302 and response["Location"] == "/"


@pytest.mark.django_db
def test_the_benchmark_floor_view_is_not_part_of_the_portal(client):
    assert client.get("/__floor__").status_code == 404
