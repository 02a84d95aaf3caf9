"""The home page weighs at most 150 KB on a first visit (issue 8 item 6), measured as production delivers it.

In production (`PRODUCTION=true`, the Dockerfile) static files are collected with whitenoise's
CompressedManifestStaticFilesStorage, and WhiteNoiseMiddleware serves the pre-compressed copies with far-future
caching. pytest-django's live_server serves static files from the finders, uncompressed, so it cannot show
this. The test therefore collects the project's static files into a temporary STATIC_ROOT with that storage and
runs its own server thread on the same database in which only WhiteNoise serves /static/. Headless Chromium
(fresh context, empty cache) loads `/`; the bytes counted are Chromium's own wire count per response
(CDP Network.loadingFinished encodedDataLength: headers plus the body as sent). The HTML itself is not
compressed by Django, so it counts at full size.
"""

import pytest
from django.core.management import call_command
from django.test.testcases import LiveServerThread

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

BUDGET = 150_000  # bytes transferred on the first load of the home page


@pytest.fixture
def production_server(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}
    # The admin's files are not used by public pages; leaving them out keeps the compression step short.
    call_command("collectstatic", "--noinput", "--ignore", "admin", verbosity=0)
    # No static handler: WhiteNoiseMiddleware, built now from these settings, answers /static/ itself.
    thread = LiveServerThread("127.0.0.1", static_handler=lambda app: app)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    yield f"http://127.0.0.1:{thread.port}"
    thread.terminate()


def test_home_page_first_load_stays_under_150_kb(browser, production_server):
    context = browser.new_context(locale="id-ID")
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    responses, transferred = {}, {}
    cdp.on("Network.responseReceived", lambda e: responses.__setitem__(e["requestId"], e["response"]))
    cdp.on("Network.loadingFinished", lambda e: transferred.__setitem__(e["requestId"], e["encodedDataLength"]))
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    try:
        page.goto(production_server + "/")
        page.wait_for_load_state("networkidle")
        assert page.locator("h1").count() == 1
    finally:
        context.close()

    rows = []
    for request_id, response in responses.items():
        headers = {k.lower(): v for k, v in response["headers"].items()}
        rows.append((response["url"].removeprefix(production_server), response["status"],
                     headers.get("content-encoding", "-"), transferred.get(request_id, 0)))
    total = sum(size for *_, size in rows)
    print(f"\nhome page, first load: {total} bytes in {len(rows)} responses")
    for url, status, encoding, size in sorted(rows, key=lambda r: -r[3]):
        print(f"  {size:>7}  {status} {encoding:<5} {url}")

    assert {status for _, status, _, _ in rows} == {200}, rows
    assert any(url.endswith(".css") for url, *_ in rows) and any(url.endswith(".js") for url, *_ in rows)
    # What production sends: the stylesheets and scripts come compressed and under hashed names.
    for url, _, encoding, _ in rows:
        if url.endswith((".css", ".js")):
            assert encoding in ("gzip", "br"), f"{url} was sent uncompressed"
            assert url.count(".") >= 2, f"{url} has no content hash in its name"
    assert total <= BUDGET, f"home page transferred {total} bytes on first load (budget {BUDGET})"
