"""Security headers on every response: every URL pattern of the project (public pages, the account pages, every
admin page), error pages, and in production mode HSTS and Secure cookies. Templates hold no inline script or
style (the CSP forbids them), and in Chromium the main pages and the admin raise no CSP violation."""

import json
import re
import uuid
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, path

from requests_app.models import Service
from tests.factories import UserFactory, make_request
from tests.pelayanan.test_settings import PRODUCTION_ENV, _run

# A view that fails, to see the 500 page (this module doubles as a URLconf for that one test).
handler500 = "pelayanan.middleware.server_error"


def _boom(request):
    raise RuntimeError("kesalahan uji")


urlpatterns = [path("rusak/", _boom), path("ok/", lambda request: HttpResponse("ok"))]


# --- the headers ---------------------------------------------------------------------------------------------


def header_problems(response):
    """What is missing or wrong in the security headers of one response ([] when all is well)."""
    problems = []
    csp = response.get("Content-Security-Policy", "")
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";") if part.strip())
    expected = {
        "default-src": "'self'", "script-src": "'self'", "style-src": "'self'", "object-src": "'none'",
        "base-uri": "'self'", "form-action": "'self'", "frame-ancestors": "'none'",
    }
    problems += [f"CSP {name} is {directives.get(name)!r}" for name, value in expected.items() if directives.get(name) != value]
    if "unsafe-inline" in csp or "unsafe-eval" in csp:
        problems.append(f"CSP allows unsafe code: {csp}")
    for name, value in [("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "same-origin"),
                        ("X-Frame-Options", "DENY"), ("Cross-Origin-Opener-Policy", "same-origin")]:
        if response.get(name) != value:
            problems.append(f"{name} is {response.get(name)!r}")
    permissions = response.get("Permissions-Policy", "")
    problems += [f"Permissions-Policy lacks {f}" for f in ("camera=()", "microphone=()", "geolocation=()") if f not in permissions]
    return problems


def all_routes(resolver=None, prefix=""):
    """(route, URLPattern) for every pattern in the project, admin included, with the routes as written."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from all_routes(pattern, route)
        elif isinstance(pattern, URLPattern):
            yield route, pattern


PARAMETER = re.compile(r"<(?:(\w+):)?(\w+)>")


class Seeds:
    """Values for the URL parameters: real objects, so that pages render rather than 404."""

    def __init__(self, applicant, superuser):
        self.request = make_request(applicant)
        self.values = {
            "slug": "surat-keterangan-kerja", "code": self.request.code, "pk": "1", "public_id": str(uuid.uuid4()),
            "uidb64": "MQ", "token": "tanda-uji", "name": "verify", "id": str(superuser.pk),
            "content_type_id": str(ContentType.objects.get_for_model(superuser).pk), "url": "tidak-ada/",
        }

    def fill(self, route):
        """The concrete path for a route, or None when it cannot be filled (an admin model without rows)."""
        if route.startswith(settings.ADMIN_URL) and "<path:object_id>" in route:
            app_label, model_name = route[len(settings.ADMIN_URL):].split("/")[:2]
            if app_label == "r":  # view_on_site: /admin/r/<content_type_id>/<object_id>/
                return "/" + route.replace("<path:content_type_id>", self.values["content_type_id"]).replace(
                    "<path:object_id>", self.values["id"])
            obj = apps.get_model(app_label, model_name).objects.order_by("pk").first()
            if obj is None:
                return None
            route = route.replace("<path:object_id>", str(obj.pk))
        if "(?P<app_label>" in route:
            return None  # the admin's app index, opened once per app below
        if "(?P<url>" in route:
            return "/" + settings.ADMIN_URL + "tidak-ada/"
        return "/" + PARAMETER.sub(lambda m: self.values[m.group(2)], route).replace("^", "").replace("$", "")


@pytest.fixture
def seeds(applicant):
    superuser = UserFactory(email="root@example.id", is_staff=True, is_superuser=True)
    return Seeds(applicant, superuser), superuser


def test_every_url_pattern_answers_with_the_security_headers(seeds, applicant):
    seed, superuser = seeds
    anonymous, citizen, root = Client(), Client(), Client()
    citizen.force_login(applicant)
    root.force_login(superuser)
    visited, problems, skipped = 0, {}, []
    for route, _pattern in all_routes():
        url = seed.fill(route)
        if url is None:
            skipped.append(route)
            continue
        clients = [root] if route.startswith(settings.ADMIN_URL) else [anonymous, citizen]
        for client in clients:
            response = client.get(url)
            visited += 1
            if found := header_problems(response):
                problems[f"{url} ({response.status_code})"] = found
    for app_label in {model._meta.app_label for model in admin.site._registry}:
        response = root.get(f"/{settings.ADMIN_URL}{app_label}/")
        visited += 1
        assert response.status_code == 200
        if found := header_problems(response):
            problems[f"admin app {app_label}"] = found
    assert problems == {}
    assert visited > 150  # the walk really covered the project and the admin
    # Only admin change pages of models without rows are left out.
    assert all(route.startswith(settings.ADMIN_URL) for route in skipped), skipped


def test_the_service_pages_and_the_admin_pages_really_rendered(seeds):
    """Guards the walk above: it sees pages, not only redirects and 404s."""
    seed, superuser = seeds
    client = Client()
    client.force_login(superuser)
    for url in ("/layanan/surat-keterangan-kerja/", f"/{settings.ADMIN_URL}requests_app/servicerequest/",
                f"/{settings.ADMIN_URL}requests_app/servicerequest/{seed.request.pk}/change/",
                f"/{settings.ADMIN_URL}pelayanan/user/{superuser.pk}/change/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert header_problems(response) == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "url", "status"),
    [
        ("get", "/halaman-yang-tidak-ada/", 404),
        ("get", "/layanan/tidak-ada/", 404),
        ("get", f"/{settings.ADMIN_URL}tidak-ada/", 302),
        ("post", "/akun/masuk/", 403),  # no CSRF token
        ("delete", "/akun/masuk/", 405),
        ("get", "/healthz", 200),
    ],
)
def test_error_pages_and_the_health_check_carry_the_headers(method, url, status):
    response = getattr(Client(enforce_csrf_checks=status == 403), method)(url)
    assert response.status_code == status
    assert header_problems(response) == []


@pytest.mark.django_db
def test_the_500_page_carries_the_headers(settings):
    settings.ROOT_URLCONF = __name__
    response = Client(raise_request_exception=False).get("/rusak/")
    assert response.status_code == 500
    assert header_problems(response) == []


# --- production mode -----------------------------------------------------------------------------------------

DUMP = """
import json, django
django.setup()
from django.conf import settings
from django.urls import reverse, resolve, Resolver404
names = ["SECURE_SSL_REDIRECT", "SECURE_PROXY_SSL_HEADER", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
         "SECURE_HSTS_PRELOAD", "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE",
         "CSRF_COOKIE_SECURE", "CSRF_COOKIE_SAMESITE", "SESSION_COOKIE_AGE", "CONTENT_SECURITY_POLICY",
         "PERMISSIONS_POLICY", "OTP_REQUIRED_FOR_PRIVILEGED", "STAFF_SESSION_IDLE_MINUTES"]
dump = {name: getattr(settings, name) for name in names}
dump["admin_index"] = reverse("admin:index")
try:
    resolve("/admin/")
    dump["default_admin_path_answers"] = True
except Resolver404:
    dump["default_admin_path_answers"] = False
print(json.dumps(dump))
"""


@pytest.fixture(scope="module")
def production_settings():
    """The security settings as a production process computes them (a fresh interpreter with PRODUCTION=true)."""
    out = _run(["-c", DUMP], {**PRODUCTION_ENV, "ADMIN_URL": "/kantor-bkpsdm-7f3a"})
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_production_mode_moves_the_admin_and_requires_two_factor_for_privileged_accounts(production_settings):
    assert production_settings["admin_index"] == "/kantor-bkpsdm-7f3a/"
    assert production_settings["default_admin_path_answers"] is False
    assert production_settings["OTP_REQUIRED_FOR_PRIVILEGED"] is True
    assert production_settings["STAFF_SESSION_IDLE_MINUTES"] == 30
    assert production_settings["SESSION_COOKIE_AGE"] == 12 * 3600


@pytest.fixture
def production(production_settings):
    values = {k: v for k, v in production_settings.items() if k.isupper() and k != "OTP_REQUIRED_FOR_PRIVILEGED"}
    values["SECURE_PROXY_SSL_HEADER"] = tuple(values["SECURE_PROXY_SSL_HEADER"])
    with override_settings(**values):
        yield


@pytest.mark.django_db
def test_in_production_plain_http_is_redirected_to_https(production):
    response = Client().get("/layanan/?urut=nama")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/layanan/?urut=nama"


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/layanan/", "/akun/masuk/", "/halaman-yang-tidak-ada/", f"/{settings.ADMIN_URL}login/"])
def test_in_production_every_response_carries_hsts_and_the_other_headers(production, url):
    response = Client().get(url, secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert header_problems(response) == []


@pytest.mark.django_db
def test_in_production_session_and_csrf_cookies_are_secure_httponly_and_samesite(production, citizen):
    client = Client()
    form = client.get("/akun/masuk/", secure=True)
    csrf = form.cookies["csrftoken"]
    assert csrf["secure"] is True and csrf["samesite"] == "Lax"
    response = client.post("/akun/masuk/", {"username": citizen.email, "password": "rahasia-kuat-123"}, secure=True)
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"] is True and session["httponly"] is True and session["samesite"] == "Lax"
    assert session["max-age"] == 12 * 3600


# --- no inline code in templates -------------------------------------------------------------------------------

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# Rendered to PDF by WeasyPrint or sent as e-mail, never served as a web page: the CSP does not apply to them.
NOT_SERVED = ("emails/", "letters/", "requests_app/public/standard_pdf.html")
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.I)


def inline_code(text):
    found = []
    for attrs in SCRIPT_TAG.findall(text):
        if "src=" not in attrs and 'type="application/json"' not in attrs:
            found.append(f"inline <script{attrs}>")
    if re.search(r"<style\b", text, re.I):
        found.append("<style> block")
    found += [f"style attribute {m.group(0)!r}" for m in re.finditer(r"\sstyle\s*=\s*[\"']", text, re.I)]
    found += [f"event handler {m.group(1)!r}" for m in re.finditer(r"\s(on[a-z]+)\s*=\s*[\"']", text, re.I)]
    found += ["javascript: URL" for _ in re.finditer(r"[\"']javascript:", text, re.I)]
    return found


def test_no_served_template_has_inline_script_style_or_event_handlers():
    problems = {}
    checked = 0
    for template in sorted(TEMPLATES.rglob("*.html")):
        name = template.relative_to(TEMPLATES).as_posix()
        if name.startswith(NOT_SERVED):
            continue
        checked += 1
        if found := inline_code(template.read_text()):
            problems[name] = found
    assert problems == {}
    assert checked > 50


def test_the_inline_code_check_finds_what_the_csp_would_block():
    assert inline_code('<script>alert(1)</script>') == ["inline <script>"]
    assert inline_code('<script src="/static/js/x.js" defer></script>') == []
    assert inline_code('<script type="application/json" id="data">{}</script>') == []
    assert inline_code('<p style="color:red">') == ["style attribute ' style=\"'"]
    assert inline_code('<button onclick="go()">') == ["event handler 'onclick'"]
    assert inline_code("<style>p{}</style>") == ["<style> block"]
    assert inline_code('<a href="javascript:void(0)">') == ["javascript: URL"]


def test_python_code_writes_no_inline_style_or_script_into_pages():
    """format_html() in admin columns and template tags ends up in served pages as well."""
    problems = {}
    for folder in ("pelayanan", "requests_app", "feedback"):
        for source in (Path(settings.BASE_DIR) / folder).rglob("*.py"):
            if found := [f for f in inline_code(source.read_text()) if "event handler" not in f]:
                problems[source.relative_to(settings.BASE_DIR).as_posix()] = found
    assert problems == {}


# --- in Chromium: no CSP violation on the main pages and in the admin ----------------------------------------

VIOLATIONS_SCRIPT = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + (e.sourceFile || "") + ":" + e.lineNumber);
});
"""


def _log_in(context, live_server, user):
    client = Client()
    client.force_login(user)
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                          "url": live_server.url}])


@pytest.mark.browser
def test_pages_and_admin_raise_no_csp_violation_in_chromium(page, live_server, applicant):
    superuser = UserFactory(email="root@example.id", is_staff=True, is_superuser=True)
    request = make_request(applicant)
    service = Service.objects.get(slug="surat-keterangan-kerja")
    console = []
    page.on("console", lambda message: console.append(message.text) if "Content Security Policy" in message.text else None)
    page.add_init_script(VIOLATIONS_SCRIPT)
    found = {}

    def visit(path):
        response = page.goto(live_server.url + path)
        assert response.status < 400, path
        page.wait_for_load_state("load")
        violations = page.evaluate("window.__csp") + console[:]
        console.clear()
        if violations:
            found[path] = violations

    # First, proof that a violation would be seen: a page with inline code under the portal's policy.
    page.route("**/csp-probe/", lambda route: route.fulfill(
        status=200, content_type="text/html", headers={"Content-Security-Policy": settings.CONTENT_SECURITY_POLICY},
        body="<!doctype html><p style='color:red'>x</p><script>window.inline = 1</script>"))
    visit("/csp-probe/")
    probe = found.pop("/csp-probe/", [])
    assert any("style-src" in v for v in probe) and any("script-src" in v for v in probe), probe

    visit("/")
    visit("/layanan/")
    visit(f"/layanan/{service.slug}/")
    _log_in(page.context, live_server, applicant)
    visit(f"/permohonan/baru/{service.slug}/")
    page.context.clear_cookies()
    _log_in(page.context, live_server, superuser)
    visit("/akun/2fa/")  # the QR code is a data: image
    admin = "/" + settings.ADMIN_URL
    visit(admin)
    visit(f"{admin}requests_app/servicerequest/")
    visit(f"{admin}requests_app/servicerequest/{request.pk}/change/")
    visit(f"{admin}pelayanan/user/{superuser.pk}/change/")
    visit(f"{admin}requests_app/service/{service.pk}/change/")  # inlines, their "add another" scripts
    visit(f"{admin}requests_app/holiday/add/")  # the date picker
    page.locator("a[id^=calendarlink]").first.click()
    page.locator(".calendarbox").first.wait_for()
    violations = page.evaluate("window.__csp") + console
    if violations:
        found["holiday calendar"] = violations
    assert found == {}
