"""The load mix against the bench stack (run by bench/load.py and bench/chaos.py; locust --headless).

70 % anonymous visitors: home, the service catalogue and one service page, opening hours, transparency,
and the status lookup (/lacak/, the page and a lookup). 25 % signed-in citizens: their list of requests and
one request's page. 5 % citizens submitting a surat keterangan kerja: details, a 1 MB PDF upload, submit.

Citizens come from bench/out/citizens.json (bench/seed.py), each locust user its own. Every submission that
gets the confirmation page is appended to $BENCH_ACCEPTED (JSON lines: code, sha256 of the file, user), for
the reconciliation. Each user sends its own address in X-Forwarded-For (127.x.y.z, the stack runs with
NUM_PROXIES=1 as behind one proxy), so per-address rate limits count per visitor as they would in production.
"""

import hashlib
import io
import itertools
import json
import os
import random
import re
import time
from pathlib import Path

from locust import HttpUser, between, events, task

OUT = Path(__file__).resolve().parent / "out"
CITIZENS = json.loads((OUT / "citizens.json").read_text())
ACCEPTED = Path(os.environ.get("BENCH_ACCEPTED", OUT / "accepted.jsonl"))
FAILURES = os.environ.get("BENCH_FAILURES")  # bench/chaos.py: every failed request, with its time and what it showed
UPLOAD_BYTES = 1024 * 1024
MAX_LOOKUPS = 5  # per simulated visitor
SERVICE_SLUGS = ["surat-keterangan-kerja", "izin-cuti", "kenaikan-gaji-berkala", "kartu-pegawai", "legalisasi-sk"]
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
KEY_RE = re.compile(r'name="idempotency_key" value="([^"]+)"')
FILE_RE = re.compile(r'type="file" name="(doc_\d+)"')
CODE_RE = re.compile(r"/permohonan/([A-Z]+-\d\d-[0-9A-Z]{6})/")

_citizen_numbers = itertools.count()
_addresses = itertools.count(random.randrange(1, 2**23))  # a fresh range per run: limits last 10 minutes


@events.request.add_listener
def record_failure(request_type, name, response, exception, start_time, **kwargs):
    if not (FAILURES and exception):
        return
    text = getattr(response, "text", "") or ""
    status = getattr(response, "status_code", None) or 0
    with open(FAILURES, "a") as f:
        f.write(json.dumps({
            "t": start_time, "name": f"{request_type} {name}", "status": status,
            "outage_page": status == 503 and "Layanan sedang gangguan" in text,
            "stack_trace": "Traceback" in text,  # DEBUG is off: a trace in a page would be a serious leak
            "server_error": status >= 500 and not (status == 503 and "Layanan sedang gangguan" in text),
            "error": str(exception)[:200],
        }) + "\n")


def next_citizen():
    return CITIZENS[next(_citizen_numbers) % len(CITIZENS)]


def next_address():
    n = next(_addresses)
    return f"127.{n // 65536 % 256}.{n // 256 % 256}.{n % 256 or 1}"


def one_megabyte_pdf(label):
    """A valid one-page PDF of about 1 MB (a random attachment), different every time."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": label})
    writer.add_attachment("pindaian.bin", os.urandom(UPLOAD_BYTES - 2048))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


class Visitor(HttpUser):
    abstract = True
    wait_time = between(1, 3)

    def on_start(self):
        self.client.headers["X-Forwarded-For"] = next_address()

    def page(self, path, name=None):
        with self.client.get(path, name=name or path, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            return response


class AnonymousVisitor(Visitor):
    weight = 70

    @task(3)
    def home(self):
        self.page("/")

    @task(3)
    def services(self):
        self.page("/layanan/")

    @task(2)
    def service_page(self):
        self.page(f"/layanan/{random.choice(SERVICE_SLUGS)}/", name="/layanan/[slug]/")

    @task(1)
    def hours(self):
        self.page("/jam-layanan/")

    @task(2)
    def transparency(self):
        self.page("/transparansi/")

    lookups = 0

    @task(2)
    def lookup(self):
        response = self.page("/lacak/")
        token = CSRF_RE.search(response.text or "")
        # A visitor checks a status a few times, not more than the 10 per 10 minutes /lacak/ allows an address.
        if not token or self.lookups >= MAX_LOOKUPS:
            return
        self.lookups += 1
        citizen = random.choice(CITIZENS)
        with self.client.post("/lacak/", name="/lacak/ (POST)", catch_response=True,
                              data={"csrfmiddlewaretoken": token.group(1), "code": citizen["code"],
                                    "nik_last4": citizen["nik_last4"]}) as result:
            if result.status_code != 200 or citizen["code"] not in result.text:
                result.failure(f"HTTP {result.status_code}, status not shown")


class SignedInCitizen(Visitor):
    abstract = True

    def on_start(self):
        super().on_start()
        self.citizen = next_citizen()
        self.client.cookies.set("sessionid", self.citizen["session"])


class CitizenReading(SignedInCitizen):
    weight = 25

    @task
    def my_requests(self):
        response = self.page("/permohonan/")
        if response.status_code == 200 and self.citizen["code"] not in response.text:
            response.failure("own request missing from the list")
        self.page(f"/permohonan/{self.citizen['code']}/", name="/permohonan/[code]/")


class CitizenSubmitting(SignedInCitizen):
    weight = 5

    @task
    def submit_employment_certificate(self):
        """The surat keterangan kerja flow, as the browser does it; any step that fails fails the submission."""
        started = time.monotonic()
        form = self.page("/permohonan/baru/surat-keterangan-kerja/", name="submit 1 form")
        csrf, key = CSRF_RE.search(form.text or ""), KEY_RE.search(form.text or "")
        if not (csrf and key):
            return
        with self.client.post("/permohonan/baru/surat-keterangan-kerja/", name="submit 2 details", catch_response=True,
                              data={"csrfmiddlewaretoken": csrf.group(1), "idempotency_key": key.group(1),
                                    "purpose": "Pengajuan kredit perumahan", "addressee": "PT Bank Sumut Cabang Medan"}) as r:
            code = CODE_RE.search(r.url or "")
            if r.status_code != 200 or not r.url.endswith("/dokumen/") or not code:
                r.failure(f"HTTP {r.status_code} at {r.url}")
                return
        code = code.group(1)
        fields = FILE_RE.findall(r.text)
        csrf = CSRF_RE.search(r.text)
        pdf = one_megabyte_pdf(f"SK {self.citizen['email']} {code}")
        with self.client.post(f"/permohonan/{code}/dokumen/", name="submit 3 upload 1 MB", catch_response=True,
                              data={"csrfmiddlewaretoken": csrf.group(1)},
                              files={name: ("sk-terakhir.pdf", pdf, "application/pdf") for name in fields}) as r:
            if r.status_code != 200 or not r.url.endswith("/periksa/"):
                r.failure(f"HTTP {r.status_code} at {r.url}")
                return
        csrf = CSRF_RE.search(r.text)
        with self.client.post(f"/permohonan/{code}/kirim/", name="submit 4 send", catch_response=True,
                              data={"csrfmiddlewaretoken": csrf.group(1)}) as r:
            if r.status_code != 200 or not r.url.endswith("/terkirim/") or code not in r.text:
                r.failure(f"HTTP {r.status_code} at {r.url}")
                return
        with ACCEPTED.open("a") as f:
            f.write(json.dumps({"t": time.time(), "code": code, "sha256": hashlib.sha256(pdf).hexdigest(), "size": len(pdf),
                                "user_id": self.citizen["user_id"], "fields": len(fields),
                                "seconds": round(time.monotonic() - started, 3)}) + "\n")
