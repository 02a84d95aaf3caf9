"""Letter figures (issue 5): what one PDF costs, what the whole task adds, throughput and worker memory.

    .venv/bin/python bench/letters.py [--count 500] [--runs 30]

Uses DATABASE_URL (PostgreSQL) and REDIS_URL from the environment (defaults: the local server, Redis db 14).
It creates a fresh, migrated database <name>_bench_letters (dropped at the end), a temporary MEDIA_ROOT
and private Redis queues, so nothing it writes stays behind. Prints figures; asserts nothing.

The CPU speed of a shared 2-core machine drifts (the same render took 49, 105 and 185 ms on different
hours of one day), so every ratio below compares figures taken side by side, never an hour apart.

(a) bare   WeasyPrint alone on a letter's final HTML (shared FontConfiguration, as in the worker).
(b) full   generate_letter in this process: DB claim, QR, HTML, render, storage, issue (request, history,
           the applicant's e-mail queued). Run in pairs with (a) on the same letter, alternating which goes
           first; the ratio is the median of the pairs' ratios (wall and this process's CPU time; PostgreSQL's
           own CPU is not in it). Also the approval before it (number reservation, history, e-mail).
(c) wall   --count approved requests, their letters queued, become --count stored letters with one worker
           of 2 prefork processes on Redis and PostgreSQL: the clock runs from the moment the warmed-up worker
           starts consuming the queue until the last letter is stored. The approvals are committed before
           (their cost is (b)'s approval figure). E-mail tasks (2 per letter) go to a queue of their own, as
           pelayanan/settings.py routes them, that this bench counts but does not send. The ideal rate
           2 / bare takes bare = the mean CPU time of the WeasyPrint renders inside the worker during (c),
           the same calls on the same cores at the same moment; bare renders in this process right before
           and after (c) are printed beside it.
(d) memory VmRSS of the worker's two processes after letter 50 and after the last letter of (c).
(e) ceiling  the same worker then runs --count tasks that only render that letter's final HTML (no database,
           no QR code, no storage): the share of 2 / bare that Celery's prefork pool itself leaves to renders
           on this machine, so (c) can be read as Celery's part and the letter task's part. Then two plain processes
           forked from this one render that HTML --count times between them, with no Celery, database or Redis:
           the share of 2 / bare the machine itself gives two processes rendering side by side.
Targets: full <= 1.15 x bare; (c) >= 85 % of 2 / bare letters per second; memory growth <= +20 %.
"""

import argparse
import multiprocessing
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
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"  # tasks are queued on the broker, in private queues
os.environ["EMAIL_URL"] = "dummymail://"  # approvals notify applicants; nothing must leave the machine
os.environ["LOG_LEVEL"] = "WARNING"
MEDIA = Path(tempfile.mkdtemp(prefix="bench-letters-media-"))
os.environ["MEDIA_ROOT"] = str(MEDIA)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from pelayanan.celery import app, tune_gc  # noqa: E402
from pelayanan.models import OrganisationUnit, User  # noqa: E402
from requests_app import letters, workflow  # noqa: E402
from requests_app.models import Letter, Service, ServiceRequest, random_code  # noqa: E402
from requests_app.tasks import generate_letter  # noqa: E402

DISCARD = f"bench-letters-discard-{os.getpid()}"
MAIL = f"bench-letters-mail-{os.getpid()}"  # never the real "mail" queue: a production worker would send them


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


def paired(officer, signer, applicants, runs):
    """(a) and (b) side by side: the task on a letter, then (or first) the bare render of that letter's HTML."""
    bare, task_only, approval = Timer(), Timer(), Timer()
    pending = verified_requests(runs + 3, officer, applicants)
    # As in a worker: the approval queues the letter and the task queues the e-mail on the broker (private
    # queues here, emptied after), nothing runs eagerly; generate_letter.apply() runs the task in this process.
    app.conf.task_default_queue = DISCARD
    for req in pending:
        with approval:
            workflow.approve_request(req, by=signer)
    wall_ratios, cpu_ratios = [], []
    for i, req in enumerate(pending):
        letter = Letter.objects.select_related("request__service", "request__applicant", "request__leave_policy",
                                               "signer").get(request=req)
        html = letters.render_html(letter)  # the same document the task renders (number, date, QR)

        def run_bare(html=html):
            with bare:
                letters.pdf_from_html(html)

        def run_task(request_id=req.pk):
            with task_only:
                generate_letter.apply(args=[request_id])

        first, second = (run_bare, run_task) if i % 2 else (run_task, run_bare)
        first()
        second()
        if i < 3:  # warm-up: imports, fonts, first layout
            for timer in (bare, task_only):
                timer.wall.pop()
                timer.cpu.pop()
            continue
        wall_ratios.append(task_only.wall[-1] / bare.wall[-1])
        cpu_ratios.append(task_only.cpu[-1] / bare.cpu[-1])
    purge(DISCARD)
    issued = Letter.objects.filter(request__in=pending, status=Letter.Status.ISSUED).count()
    if issued != len(pending):
        print(f"warning: only {issued} of {len(pending)} letters were issued in (b)")
    spread = statistics.quantiles(wall_ratios, n=4)
    return bare, task_only, approval, (statistics.median(wall_ratios), statistics.median(cpu_ratios), spread[0], spread[2])


def bare_renders(officer, signer, applicants, runs):
    """Bare renders of one letter's HTML, for the ideal rate of (c)."""
    letter = Letter.objects.filter(status=Letter.Status.ISSUED).select_related(
        "request__service", "request__applicant", "request__leave_policy", "signer").first()
    html = letters.render_html(letter)
    timer = Timer()
    for _ in range(runs):
        with timer:
            letters.pdf_from_html(html)
    return timer.wall


def redis_client():
    import redis

    return redis.Redis.from_url(settings.CELERY_BROKER_URL)


def purge(queue):
    redis_client().delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")


# --- (c) and (d) -----------------------------------------------------------------------------------


# `celery -A pelayanan worker`, with the worker's e-mails routed to this bench's private mail queue, and
# the CPU time of every WeasyPrint render in its processes pushed to a Redis list: the bare render time
# measured at the same moment and on the same cores as (c).
WORKER_BOOT = """
import os, sys, time
import redis
from celery import signals
from pelayanan.celery import app

app.conf.task_routes = {name: {"queue": os.environ["BENCH_MAIL_QUEUE"]} for name, route in app.conf.task_routes.items()
                        if route["queue"] == "mail"}


@signals.worker_process_init.connect
def time_renders(**kwargs):
    from requests_app import letters

    render, client = letters.pdf_from_html, redis.Redis.from_url(app.conf.broker_url)

    def timed(html):
        start = time.process_time()
        try:
            return render(html)
        finally:
            client.rpush(os.environ["BENCH_RENDER_KEY"], time.process_time() - start)

    letters.pdf_from_html = timed


@app.task(name="bench.render_only", acks_late=True, ignore_result=True)
def render_only(html):
    from requests_app import letters

    letters.pdf_from_html(html)  # timed above, like the renders of generate_letter


app.worker_main(sys.argv[1:])
"""
RENDER_KEY = f"bench-letters-renders-{os.getpid()}"


class Worker:
    """celery worker, 2 prefork processes, on a private queue of the bench database."""

    def __init__(self, queue):
        self.queue = queue
        self.node = f"bench-letters-{uuid.uuid4().hex[:6]}@{socket.gethostname()}"
        self.log = MEDIA.parent / f"{MEDIA.name}-worker.log"
        env = {**os.environ, "DATABASE_URL": database_url(), "CONN_MAX_AGE": "60", "CELERY_TASK_ALWAYS_EAGER": "false"}
        # Children are never recycled here, so (d) sees the real growth; production keeps --max-tasks-per-child=200.
        env["BENCH_MAIL_QUEUE"], env["BENCH_RENDER_KEY"] = MAIL, RENDER_KEY
        cmd = [sys.executable, "-c", WORKER_BOOT, "worker", "--pool=prefork", "--concurrency=2",
               "-Q", queue, "-n", self.node, "--max-tasks-per-child=1000000", "--without-mingle", "--without-gossip",
               "--without-heartbeat", "-l", "INFO"]
        with open(self.log, "wb") as out:
            self.process = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 60
        while " ready." not in self.log.read_text(errors="replace"):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("worker did not start:\n" + self.log.read_text(errors="replace"))
            time.sleep(0.1)

    def consume(self, queue):
        """Start consuming another queue (remote control); returns once the worker has confirmed it."""
        replies = app.control.add_consumer(queue, destination=[self.node], reply=True, timeout=10)
        if not replies:
            raise RuntimeError(f"worker did not confirm consuming {queue}; log: {self.log}")

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

    def cpu_seconds(self, pids=None):
        """CPU time used so far by the worker's main process and its children (utime + stime)."""
        total = 0
        for pid in pids or [self.process.pid, *self.children()]:
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


def machine_ticks():
    """/proc/stat's first line: the whole machine's CPU time so far, by kind (user, nice, system, idle, ...)."""
    names = ("user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal")
    values = Path("/proc/stat").read_text().splitlines()[0].split()[1:1 + len(names)]
    return dict(zip(names, (int(v) / os.sysconf("SC_CLK_TCK") for v in values), strict=True))


def service_cpu(prefix):
    """CPU seconds used so far by the processes whose name starts with prefix (postgres, redis-server)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        name, fields = text[text.index("(") + 1:text.rindex(")")], text.rsplit(")", 1)[1].split()
        if name.startswith(prefix):
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def issued_count():
    return Letter.objects.filter(status=Letter.Status.ISSUED).count()


def wait_issued(target, worker, timeout, on_progress=None):
    deadline = time.monotonic() + timeout
    while (n := issued_count()) < target:
        if on_progress:
            on_progress(n)
        if worker.process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{n}/{target} letters issued; worker log: {worker.log}")
        time.sleep(0.2)  # the count query costs CPU the worker could use; 0.2 s is < 1 % of (c)


def set_routes(routes):
    """Change task_routes at run time (Celery caches the router built from them)."""
    app.conf.task_routes = routes
    app.amqp.flush_routes()
    app.amqp.router = app.amqp.Router()


def queued(queue):
    return redis_client().llen(queue)


def throughput(officer, signer, applicants, count):
    warm_queue, queue = (f"bench-letters-{name}-{os.getpid()}" for name in ("warm", "batch"))
    warm = verified_requests(6, officer, applicants)
    batch = verified_requests(count, officer, applicants)
    purge(MAIL)
    worker = Worker(warm_queue)
    memory = {}
    try:
        app.conf.task_default_queue = warm_queue
        base = issued_count()
        for req in warm:  # both processes import WeasyPrint and load fonts before the clock starts
            workflow.approve_request(req, by=signer)
        wait_issued(base + len(warm), worker, timeout=120)
        base = issued_count()

        app.conf.task_default_queue = queue  # the worker does not consume it yet
        start = time.perf_counter()
        for req in batch:
            workflow.approve_request(req, by=signer)
        approved = time.perf_counter() - start
        backlog = queued(queue)

        def sample(n):
            if n - base >= 50 and "after 50" not in memory:
                memory["after 50"] = worker.rss_mb()

        cpu_start = worker.cpu_seconds()
        purge(RENDER_KEY)
        before = machine_ticks(), service_cpu("postgres"), service_cpu("redis"), time.process_time()
        start = time.perf_counter()
        worker.consume(queue)
        wait_issued(base + count, worker, timeout=60 + count, on_progress=sample)
        wall = time.perf_counter() - start
        worker_cpu = worker.cpu_seconds() - cpu_start
        after = machine_ticks(), service_cpu("postgres"), service_cpu("redis"), time.process_time()
        machine = {kind: after[0][kind] - before[0][kind] for kind in before[0]}
        machine.update(postgres=after[1] - before[1], redis=after[2] - before[2], bench=after[3] - before[3])
        memory.setdefault("after 50", worker.rss_mb())
        memory[f"after {count}"] = worker.rss_mb()
        mails = queued(MAIL)
        renders = [float(x) for x in redis_client().lrange(RENDER_KEY, 0, -1)]
        ceiling = render_only_ceiling(worker, batch[0], count)
    finally:
        worker.stop()
        for name in (warm_queue, queue, ceiling_queue(), RENDER_KEY):
            purge(name)
    return wall, approved, backlog, worker_cpu, memory, mails, renders, machine, ceiling


def ceiling_queue():
    return f"bench-letters-ceiling-{os.getpid()}"


def render_only_ceiling(worker, req, count):
    """(e): the worker renders one letter's final HTML count times as bare Celery tasks. Returns the wall time
    and the CPU time of each render, measured the same way as in (c)."""
    letter = Letter.objects.select_related("request__service", "request__applicant", "request__leave_policy",
                                           "signer").get(request=req)
    html = letters.render_html(letter)
    for _ in range(count):
        app.send_task("bench.render_only", (html,), queue=ceiling_queue())
    client = redis_client()
    client.delete(RENDER_KEY)
    start = time.perf_counter()
    worker.consume(ceiling_queue())
    deadline = time.monotonic() + 60 + count
    while client.llen(RENDER_KEY) < count:
        if worker.process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{client.llen(RENDER_KEY)}/{count} render-only tasks done; worker log: {worker.log}")
        time.sleep(0.05)
    wall = time.perf_counter() - start
    return wall, [float(x) for x in client.lrange(RENDER_KEY, 0, -1)]


def _render_loop(html, count, results):
    letters.pdf_from_html(html)  # warm-up in this process (the fonts are loaded already: forked after them)
    cpu, start = [], time.perf_counter()
    for _ in range(count):
        tick = time.process_time()
        letters.pdf_from_html(html)
        cpu.append(time.process_time() - tick)
    results.put((time.perf_counter() - start, cpu))


def plain_ceiling(count):
    """Two processes forked from this one render the same letter's HTML count times between them, with no
    Celery, database or Redis. Returns the wall time until both are done and the CPU time of each render."""
    letter = Letter.objects.filter(status=Letter.Status.ISSUED).select_related(
        "request__service", "request__applicant", "request__leave_policy", "signer").first()
    html = letters.render_html(letter)
    letters.pdf_from_html(html)
    connection.close()  # the children never touch the database; nothing of this connection is shared with them
    fork = multiprocessing.get_context("fork")
    results = fork.Queue()
    children = [fork.Process(target=_render_loop, args=(html, share, results)) for share in (count // 2, count - count // 2)]
    for child in children:
        child.start()
    done = [results.get(timeout=60 + count) for _ in children]
    for child in children:
        child.join()
    return max(wall for wall, _ in done), [render for _, cpu in done for render in cpu]


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
    set_routes({name: {"queue": MAIL} for name, route in settings.CELERY_TASK_ROUTES.items() if route["queue"] == "mail"})
    try:
        officer, signer, applicants = people()
        tune_gc()  # as each worker process does at start (pelayanan/celery.py)
        bare, task_only, approval, (wall_ratio, cpu_ratio, low, high) = paired(officer, signer, applicants, args.runs)
        before = bare_renders(officer, signer, applicants, 10)
        wall, approved, backlog, worker_cpu, memory, mails, renders, machine, ceiling = throughput(
            officer, signer, applicants, args.count)
        after = bare_renders(officer, signer, applicants, 10)
        plain = plain_ceiling(args.count)
    finally:
        for name in (DISCARD, MAIL):
            purge(name)
        connection.creation.destroy_test_db(original, verbosity=0)
        shutil.rmtree(MEDIA, ignore_errors=True)

    def row(label, timer, extra=""):
        print(f"{label:<48} median {median_ms(timer.wall):7.1f} ms wall, {median_ms(timer.cpu):6.1f} ms CPU{extra}")

    print()
    row("(a) bare WeasyPrint render", bare)
    row("(b) full task (claim, QR, render, store, issue)", task_only,
        f"  = {wall_ratio:.2f} x bare wall, {cpu_ratio:.2f} x bare CPU (median of {len(task_only.wall)} pairs)")
    print(f"{'':<48} half of the pairs' wall ratios lie between {low:.2f} and {high:.2f}")
    print(f"{'':<48} target <= 1.15 x bare")
    row("    the approval before it (number, history)", approval)
    rate = args.count / wall
    print(f"(c) {args.count} approved requests ({backlog} letters queued; approving took {approved:.1f} s) -> "
          f"{args.count} stored letters: {wall:.1f} s wall, {rate:.2f} letters/s")
    inside = statistics.mean(renders)  # throughput is count / total time, so the ideal rate is 2 / the mean render
    print(f"    = {rate / (2 / inside):.0%} of 2 / bare = {2 / inside:.2f}/s, bare = mean CPU time of the {len(renders)} "
          f"renders inside the worker during (c): {inside * 1000:.1f} ms (median {statistics.median(renders) * 1000:.1f})"
          f"  (target >= 85 %)")
    side = statistics.median(before + after)
    print(f"    = {rate / (2 / side):.0%} of 2 / bare = {2 / side:.2f}/s with bare taken in this process right before and "
          f"after (c): median {side * 1000:.1f} ms (before {statistics.median(before) * 1000:.1f}, "
          f"after {statistics.median(after) * 1000:.1f})")
    per_letter = worker_cpu / args.count * 1000
    print(f"    worker CPU per letter {per_letter:.1f} ms (task + Celery, both processes and the parent) = "
          f"{per_letter / (inside * 1000):.2f} x its renders; {mails} e-mails queued for the mail queue, not sent here")
    total = sum(machine[kind] for kind in ("user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal"))
    share = {kind: machine[kind] / total for kind in machine}
    print(f"    the 2 cores during (c): renders {sum(renders) / total:.0%}, rest of the worker "
          f"{(worker_cpu - sum(renders)) / total:.0%}, PostgreSQL {share['postgres']:.0%}, Redis {share['redis']:.0%}, "
          f"this process {share['bench']:.0%}, idle {share['idle'] + share['iowait']:.0%}, stolen by the host {share['steal']:.0%}")
    first, last = memory["after 50"], memory[f"after {args.count}"]
    for label, rss in memory.items():
        print(f"(d) worker processes VmRSS {label:>10}: " + ", ".join(f"{v:.0f} MB" for v in rss.values()))
    growth = (sum(last.values()) - sum(first.values())) / sum(first.values())
    print(f"    growth from letter 50 to letter {args.count}: {growth:+.1%}  (target <= +20 %)")
    ceiling_wall, ceiling_renders = ceiling
    ceiling_bare = statistics.mean(ceiling_renders)
    ceiling_share = args.count / ceiling_wall / (2 / ceiling_bare)
    print(f"(e) the same worker, {args.count} tasks that only render the letter's final HTML: {ceiling_wall:.1f} s wall, "
          f"{args.count / ceiling_wall:.2f}/s = {ceiling_share:.0%} of 2 / bare (bare = mean of these renders, "
          f"{ceiling_bare * 1000:.1f} ms)")
    plain_wall, plain_renders = plain
    plain_share = args.count / plain_wall / (2 / statistics.mean(plain_renders))
    print(f"    without Celery: two plain processes, {args.count} renders between them: {plain_wall:.1f} s wall, "
          f"{args.count / plain_wall:.2f}/s = {plain_share:.0%} of 2 / bare (bare = mean of these renders, "
          f"{statistics.mean(plain_renders) * 1000:.1f} ms)")
    print(f"    so of 2 / bare, two processes rendering side by side get {plain_share:.0%} on this machine, Celery's prefork pool "
          f"leaves {ceiling_share:.0%} to renders, and the letter task's own work (claim, QR, HTML, storage, issue, e-mail) "
          f"takes (c) down to {rate / (2 / inside):.0%}")


if __name__ == "__main__":
    main()
