"""Letter figures (issue 5): what one PDF costs, what the whole task adds, throughput and worker memory.

    .venv/bin/python bench/letters.py [--count 500] [--runs 30]

Uses DATABASE_URL (PostgreSQL) and REDIS_URL from the environment (defaults: the local server, Redis db 14).
It creates a fresh, migrated database <name>_bench_letters (dropped at the end), a temporary MEDIA_ROOT
and a private Redis queue, so nothing it writes stays behind. Prints figures; asserts nothing.

(a) bare   WeasyPrint alone on one letter's final HTML (shared FontConfiguration, as in the worker), median.
(b) full   generate_letter in this process: DB claim, QR, render, storage, mark issued with the applicant's
           e-mail; median per letter. Also the approval before it (number reservation, history, e-mail) and
           both together (approve_request with eager Celery).
           (a) and (b) print wall time and this process's CPU time (PostgreSQL's own CPU is not in it).
(c) wall   --count approvals becoming --count stored letters with one worker of 2 prefork processes on
           Redis and PostgreSQL (started here, warmed up first, approvals made one after the other here).
(d) memory VmRSS of the worker's two processes after letter 50 and after the last letter of (c).
Targets: full <= 1.15 x bare; (c) >= 85 % of 2 / bare letters per second; memory growth <= +20 %.
"""

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# bench/ holds a queue.py that would shadow the standard library's `queue`: import from the project root only.
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pelayanan.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/pelayanan")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/14")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("DEBUG", "false")
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"  # (a) and (b) run in this process; (c) switches to the broker
os.environ["EMAIL_URL"] = "dummymail://"  # approvals notify applicants; nothing must leave the machine
os.environ["LOG_LEVEL"] = "WARNING"
MEDIA = Path(tempfile.mkdtemp(prefix="bench-letters-media-"))
os.environ["MEDIA_ROOT"] = str(MEDIA)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from pelayanan.celery import app  # noqa: E402
from pelayanan.models import OrganisationUnit, User  # noqa: E402
from requests_app import letters, numbering, workflow  # noqa: E402
from requests_app.models import Letter, Service, ServiceRequest, random_code  # noqa: E402
from requests_app.tasks import generate_letter  # noqa: E402


def median_ms(samples):
    return statistics.median(samples) * 1000


def database_url():
    db = settings.DATABASES["default"]
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


# --- data ------------------------------------------------------------------------------------------


def people():
    ppi = OrganisationUnit.objects.get(code="ppi")
    officer = User.objects.create_user("petugas@bench.example.id", full_name="Petugas Bench", is_staff=True, unit=ppi)
    officer.groups.add(Group.objects.get(name="Petugas Layanan"))
    signer = User.objects.create_user(
        "pejabat@bench.example.id", full_name="Dr. Gita Pratiwi, S.H., M.Si.", is_staff=True, unit=ppi,
        nip="197503122000032002", rank="Pembina Utama Muda (IV/c)", asn_type="pns",
        position="Kepala Badan Kepegawaian dan Pengembangan Sumber Daya Manusia",
    )
    signer.groups.add(Group.objects.get(name="Pejabat Penandatangan"))
    applicants = [
        User.objects.create_user(
            f"asn{i}@bench.example.id", full_name=f"Ani Lestari {i}, S.E.", asn_type="pns", nip=f"198609262015052{i:03d}",
            rank="Penata (III/c)", position="Analis Sumber Daya Manusia Aparatur", work_unit="Dinas Pendidikan Kota Medan",
        )
        for i in range(1, 21)
    ]
    return officer, signer, applicants


def verified_requests(n, officer, applicants):
    """n requests ready for approval (in review, verified), written in bulk."""
    service = Service.objects.get(slug="surat-keterangan-kerja")
    now = timezone.now()
    rows = [
        ServiceRequest(
            code=f"SKK-26-{random_code(8)}", service=service, applicant=applicants[i % len(applicants)],
            status=ServiceRequest.Status.IN_REVIEW, assigned_to=officer, verified_by=officer, submitted_at=now,
            due_date=timezone.localdate(), details={"purpose": "pengajuan kredit", "addressee": "PT Bank Sumut"},
        )
        for i in range(n)
    ]
    return ServiceRequest.objects.bulk_create(rows)


# --- (a) and (b) -----------------------------------------------------------------------------------


class Timer:
    """Wall time and this process's CPU time of a block; on a busy machine the CPU time is the steadier figure."""

    def __init__(self):
        self.wall, self.cpu = [], []

    def __enter__(self):
        self._wall, self._cpu = time.perf_counter(), time.process_time()

    def __exit__(self, *exc):
        self.wall.append(time.perf_counter() - self._wall)
        self.cpu.append(time.process_time() - self._cpu)


def bare_render(officer, signer, applicants, runs):
    [req] = verified_requests(1, officer, applicants)
    with transaction.atomic():
        letter = numbering.create_letter(req, signer=signer, issued_at=timezone.now())
    html = letters.render_html(letter)
    for _ in range(3):  # warm-up: import, fonts, first layout
        letters.pdf_from_html(html)
    timer = Timer()
    for _ in range(runs):
        with timer:
            letters.pdf_from_html(html)
    return timer


def full_task(officer, signer, applicants, runs):
    """approve + task per letter (eager, in this process), and the task alone on already approved requests."""
    full, task_only, approval = Timer(), Timer(), Timer()
    for req in verified_requests(runs, officer, applicants):
        with full:
            workflow.approve_request(req, by=signer)  # autocommit: on_commit runs the eager task right away
    pending = verified_requests(runs, officer, applicants)
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False  # approve without rendering, then time the task alone
    queue = app.conf.task_default_queue
    app.conf.task_default_queue = f"bench-discard-{os.getpid()}"
    try:
        for req in pending:
            with approval:
                workflow.approve_request(req, by=signer)
    finally:
        app.conf.task_always_eager, app.conf.task_default_queue = eager, queue
        purge(f"bench-discard-{os.getpid()}")
    for req in pending:
        with task_only:
            generate_letter.apply(args=[req.pk])
    issued = Letter.objects.filter(request__in=pending, status=Letter.Status.ISSUED).count()
    if issued != runs:
        print(f"warning: only {issued} of {runs} letters were issued in (b)")
    return full, task_only, approval


def purge(queue):
    import redis

    redis.Redis.from_url(settings.CELERY_BROKER_URL).delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")


# --- (c) and (d) -----------------------------------------------------------------------------------


class Worker:
    """celery worker, 2 prefork processes, on a private queue of the bench database."""

    def __init__(self, queue):
        self.queue = queue
        self.node = f"bench-letters-{uuid.uuid4().hex[:6]}@{socket.gethostname()}"
        self.log = MEDIA.parent / f"{MEDIA.name}-worker.log"
        env = {**os.environ, "DATABASE_URL": database_url(), "CONN_MAX_AGE": "60", "CELERY_TASK_ALWAYS_EAGER": "false"}
        # Children are never recycled here, so (d) sees the real growth; production keeps --max-tasks-per-child=200.
        cmd = [sys.executable, "-m", "celery", "-A", "pelayanan", "worker", "--pool=prefork", "--concurrency=2",
               "-Q", queue, "-n", self.node, "--max-tasks-per-child=1000000", "--without-mingle", "--without-gossip",
               "--without-heartbeat", "-l", "INFO"]
        with open(self.log, "wb") as out:
            self.process = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 60
        while " ready." not in self.log.read_text(errors="replace"):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("worker did not start:\n" + self.log.read_text(errors="replace"))
            time.sleep(0.1)

    def children(self):
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in path.read_text().split()] if path.exists() else []

    def rss_mb(self):
        out = {}
        for pid in self.children():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    out[pid] = int(line.split()[1]) / 1024
        return out

    def cpu_seconds(self):
        """CPU time used so far by the worker's main process and its children (utime + stime)."""
        total = 0
        for pid in [self.process.pid, *self.children()]:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
        return total / os.sysconf("SC_CLK_TCK")

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


def issued_count():
    return Letter.objects.filter(status=Letter.Status.ISSUED).count()


def wait_issued(target, worker, timeout, on_progress=None):
    deadline = time.monotonic() + timeout
    while (n := issued_count()) < target:
        if on_progress:
            on_progress(n)
        if worker.process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{n}/{target} letters issued; worker log: {worker.log}")
        time.sleep(0.05)


def throughput(officer, signer, applicants, count):
    queue = f"bench-letters-{os.getpid()}"
    warm = verified_requests(6, officer, applicants)
    batch = verified_requests(count, officer, applicants)
    app.conf.task_always_eager, app.conf.task_default_queue = False, queue
    worker = Worker(queue)
    memory = {}
    try:
        base = issued_count()
        for req in warm:  # both processes import WeasyPrint and load fonts before the clock starts
            workflow.approve_request(req, by=signer)
        wait_issued(base + len(warm), worker, timeout=120)
        base = issued_count()

        def sample(n):
            if n - base >= 50 and "after 50" not in memory:
                memory["after 50"] = worker.rss_mb()

        start, cpu_start = time.perf_counter(), worker.cpu_seconds()
        for req in batch:
            workflow.approve_request(req, by=signer)
        approved = time.perf_counter() - start
        wait_issued(base + count, worker, timeout=60 + count, on_progress=sample)
        wall = time.perf_counter() - start
        worker_cpu = worker.cpu_seconds() - cpu_start
        memory.setdefault("after 50", worker.rss_mb())
        memory[f"after {count}"] = worker.rss_mb()
    finally:
        worker.stop()
        purge(queue)
    return wall, approved, worker_cpu, memory


# --- main ------------------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=500, help="letters for (c) and (d) (default 500)")
    parser.add_argument("--runs", type=int, default=30, help="letters timed for (a) and (b) (default 30)")
    args = parser.parse_args()

    db = settings.DATABASES["default"]
    if "postgresql" not in db["ENGINE"]:
        sys.exit("bench/letters.py needs PostgreSQL: set DATABASE_URL to a postgres:// URL.")
    db.setdefault("TEST", {})["NAME"] = f"{db['NAME']}_bench_letters"
    original = db["NAME"]
    print(f"database {db['TEST']['NAME']} (created, dropped at the end); broker {settings.CELERY_BROKER_URL}; "
          f"{os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.1f}")
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        officer, signer, applicants = people()
        bare = bare_render(officer, signer, applicants, args.runs)
        full, task_only, approval = full_task(officer, signer, applicants, args.runs)
        wall, approved, worker_cpu, memory = throughput(officer, signer, applicants, args.count)
    finally:
        connection.creation.destroy_test_db(original, verbosity=0)
        shutil.rmtree(MEDIA, ignore_errors=True)

    def row(label, timer):
        w, c = median_ms(timer.wall), median_ms(timer.cpu)
        ratio = f"  = {w / median_ms(bare.wall):.2f} x bare wall, {c / median_ms(bare.cpu):.2f} x bare CPU" if timer is not bare else ""
        print(f"{label:<48} median {w:7.1f} ms wall, {c:6.1f} ms CPU{ratio}")

    print()
    row("(a) bare WeasyPrint render", bare)
    row("(b) full task (claim, QR, render, store, issue)", task_only)
    print(f"{'':<48} target <= 1.15 x bare")
    row("    the approval before it (number, history)", approval)
    row("    approval + task, eager", full)
    rate, ideal = args.count / wall, 2 / (median_ms(bare.wall) / 1000)
    print(f"(c) {args.count} approvals -> {args.count} stored letters: {wall:.1f} s wall ({approved:.1f} s spent approving), "
          f"{rate:.2f} letters/s = {rate / ideal:.0%} of 2 / bare = {ideal:.2f}/s  (target >= 85 %)")
    per_letter = worker_cpu / args.count * 1000
    print(f"    worker CPU per letter {per_letter:.1f} ms (task + both e-mails + Celery): {median_ms(bare.cpu) / per_letter:.0%} "
          f"of what bare rendering alone would allow; on an otherwise idle machine that is the expected share of 2 / bare")
    first, last = memory["after 50"], memory[f"after {args.count}"]
    for label, rss in memory.items():
        print(f"(d) worker processes VmRSS {label:>10}: " + ", ".join(f"{v:.0f} MB" for v in rss.values()))
    growth = (sum(last.values()) - sum(first.values())) / sum(first.values())
    print(f"    growth from letter 50 to letter {args.count}: {growth:+.1%}  (target <= +20 %)")


if __name__ == "__main__":
    main()
