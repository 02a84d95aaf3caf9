"""Faults under load: the stack loses its worker, its Redis and its database connections while people use it.

    .venv/bin/python bench/chaos.py [--users 50] [--down 10] [--settle 25] [--letters-timeout 480]   (make chaos)

Starts the stack if needed (bench/stack.sh up), seeds the bench citizens, runs the locust mix of bench/load.py
for the whole session, and meanwhile approves the submitted requests through the workflow (assign, verify by
the PPI officer, approve by the signing official, as the admin does), one after the other. After a quiet
baseline it injects, one at a time, with --settle seconds between them:

  (a) worker   SIGKILL to the Celery worker's process group; started again --down seconds later
  (b) redis    the stack's own Redis (port 6380, never the shared 6379) stopped; started --down seconds later
  (c) database every connection to pelayanan_stack terminated and new ones refused (ALLOW_CONNECTIONS false)
               for --down seconds; the machine's PostgreSQL cluster itself is never stopped

A probe asks for a public page, a signed-in page and /healthz four times a second. Per fault it prints what
users saw (failed requests; how many were the Indonesian 503 page, how many showed a stack trace), the seconds
from the repair until the pages and /healthz were all fine again, submissions confirmed vs stored (hash
checked), and approvals vs letters. At the end it waits until every approval has its letter (a letter whose
task died with the worker is queued again by the beat sweep after LETTER_RESEND_AFTER_MINUTES, 1 on the bench
stack; the sweep runs every 5 minutes) and checks each has exactly one number and one file.

Targets: no confirmed submission lost; every approval gets exactly one letter and one number; users see the
503 page during an outage, never a stack trace. Exits 1 when one is missed.
"""

import sys
from pathlib import Path

# Import from the project root, not from bench/ (where bench/admin_queue.py would shadow the standard library).
sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import subprocess  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import urllib.error  # noqa: E402
import urllib.request  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402

from bench.load import reconcile  # noqa: E402
from bench.stackenv import OUT, ROOT, stack, stack_env  # noqa: E402

OFFICER, SIGNER = "petugas.ppi@demo.test", "pejabat@demo.test"


@dataclass
class Window:
    name: str
    start: float = 0.0  # fault injected
    repaired: float = 0.0  # component back
    end: float = 0.0  # next window starts
    recovered: float | None = None  # probe all fine again
    notes: list = field(default_factory=list)

    def holds(self, t):
        return self.start <= t < self.end


class Probe(threading.Thread):
    """GET a public page, a signed-in page and /healthz every 0.25 s; keeps (time, ok, detail) per round."""

    def __init__(self, base_url, session_cookie):
        super().__init__(daemon=True)
        self.base_url, self.cookie = base_url, session_cookie
        self.samples = []
        self.stopping = threading.Event()

    def fetch(self, path, cookie=None):
        request = urllib.request.Request(self.base_url + path, headers={"Cookie": cookie} if cookie else {})
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                return response.status, response.read().decode(errors="replace")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode(errors="replace")
        except OSError as exc:
            return 0, str(exc)

    def run(self):
        while not self.stopping.is_set():
            t = time.time()
            results = {path: self.fetch(path, cookie) for path, cookie in (
                ("/layanan/", None), ("/permohonan/", f"sessionid={self.cookie}"), ("/healthz", None))}
            ok = all(status == 200 for status, _ in results.values())
            self.samples.append((t, ok, {path: (status, body) for path, (status, body) in results.items()}))
            self.stopping.wait(0.25)

    def recovered_after(self, t0, streak=4):
        """The time of the first of `streak` consecutive all-fine rounds at or after t0."""
        run = []
        for t, ok, _ in self.samples:
            if t < t0:
                continue
            run = run + [t] if ok else []
            if len(run) >= streak:
                return run[0]
        return None

    def pages_seen(self, window):
        """Counts of what the probe's page requests got while the component was down."""
        seen = {"503 page": 0, "500 error": 0, "stack trace": 0, "other error": 0, "ok": 0}
        for t, _ok, results in self.samples:
            if not (window.start <= t < window.repaired):
                continue
            for path, (status, body) in results.items():
                if path == "/healthz":
                    continue
                if status == 200:
                    seen["ok"] += 1
                elif status == 503 and "Layanan sedang gangguan" in body:
                    seen["503 page"] += 1
                elif "Traceback" in body:
                    seen["stack trace"] += 1
                elif status == 500:
                    seen["500 error"] += 1
                else:
                    seen["other error"] += 1
        return seen


class Approver(threading.Thread):
    """Approves submitted SKK requests of the bench citizens through the workflow, as staff would in the admin."""

    def __init__(self):
        super().__init__(daemon=True)
        self.stopping = threading.Event()
        self.approved = {}  # request id -> time the approval was committed
        self.failures = []  # (time, exception class)
        self.steps = []  # (time, seconds): one workflow call each

    def run(self):
        from django.db import close_old_connections, connection

        from pelayanan.models import User
        from requests_app import workflow
        from requests_app.models import ServiceRequest

        Status = ServiceRequest.Status
        officer = signer = None
        while not self.stopping.is_set():
            try:
                close_old_connections()
                if officer is None:
                    officer, signer = User.objects.get(email=OFFICER), User.objects.get(email=SIGNER)
                # Each step is taken from the state in the database, so a step whose commit went through but
                # whose e-mail hook failed (Redis down) is not repeated, and the next one follows.
                req = (ServiceRequest.objects.filter(status__in=[Status.SUBMITTED, Status.IN_REVIEW],
                                                     applicant__email__endswith="@bench.test")
                       .order_by("submitted_at").first())
                if req is None:
                    self.stopping.wait(0.5)
                    continue
                began = time.time()
                try:
                    if req.status == Status.SUBMITTED:
                        workflow.assign_request(req, by=officer)
                    elif not req.verified_by_id:
                        workflow.verify_request(req, by=officer, note="Berkas lengkap (bench)")
                    else:
                        workflow.approve_request(req, by=signer)
                finally:
                    self.steps.append((began, time.time() - began))
                    # The approval may be committed even when a hook after the commit failed: read the truth.
                    req.refresh_from_db()
                    if req.status in (Status.APPROVED, Status.LETTER_ISSUED):
                        self.approved.setdefault(req.pk, req.decided_at.timestamp())
            except Exception as exc:  # the faults: record, back off, go on
                self.failures.append((time.time(), exc.__class__.__name__))
                try:
                    connection.close()
                except Exception:
                    pass
                self.stopping.wait(0.5)
            else:
                self.stopping.wait(0.3)


def database_connections(allow, env):
    """Refuse (allow=False: and drop every existing connection) or allow connections to the stack database."""
    db = env["STACK_DB"]
    statements = [f'ALTER DATABASE "{db}" ALLOW_CONNECTIONS {"true" if allow else "false"}']
    if not allow:
        statements.append(f"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                          f"WHERE datname = '{db}' AND pid <> pg_backend_pid()")
    for sql in statements:
        subprocess.run(["psql", env["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres", "-qtAX", "-v", "ON_ERROR_STOP=1",
                        "-c", sql], check=True, capture_output=True)


def inject(name, down, env):
    """Break one component; return the function that repairs it."""
    if name == "worker":
        stack("kill", "worker")
        return lambda: stack("start", "worker")
    if name == "redis":
        stack("stop", "redis")
        return lambda: stack("start", "redis")
    if name == "database":
        database_connections(False, env)
        return lambda: database_connections(True, env)
    raise ValueError(name)


def read_jsonl(path):
    return [json.loads(line) for line in Path(path).read_text().splitlines()] if Path(path).exists() else []


def letters_report(approved, media_root):
    """For the approved requests: letters issued, numbers unique, one file each, and orphan letter files."""
    from requests_app.models import Letter

    letters = list(Letter.objects.filter(request_id__in=approved).select_related("request"))
    issued = [le for le in letters if le.status == Letter.Status.ISSUED and le.file]
    numbers = [le.number for le in letters]
    referenced = {le.file.name for le in Letter.objects.exclude(file="")}
    on_disk = {str(p.relative_to(media_root)) for p in (Path(media_root) / "letters").rglob("*.pdf")}
    return {
        "approvals": len(approved), "letters": len(letters), "issued": len(issued),
        "duplicate numbers": len(numbers) - len(set(numbers)),
        "missing files": sum(1 for le in issued if not (Path(media_root) / le.file.name).exists()),
        "orphan files": len(on_disk - referenced),
        "failed": sum(1 for le in letters if le.status == Letter.Status.FAILED),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--down", type=int, default=10, help="seconds each component stays down")
    parser.add_argument("--settle", type=int, default=25, help="seconds of normal load before and after each fault")
    parser.add_argument("--letters-timeout", type=int, default=480)
    parser.add_argument("--faults", nargs="+", default=["worker", "redis", "database"])
    parser.add_argument("--no-seed", action="store_true")
    args = parser.parse_args(argv)

    stack("up")
    env = stack_env()
    if not args.no_seed:
        subprocess.run([sys.executable, str(ROOT / "bench" / "seed.py")], check=True)
    citizens = json.loads((OUT / "citizens.json").read_text())
    os.environ.update(env)
    import django

    django.setup()
    from django.db import close_old_connections

    accepted_path, failures_path = OUT / "accepted-chaos.jsonl", OUT / "failures-chaos.jsonl"
    for path in (accepted_path, failures_path):
        path.unlink(missing_ok=True)
    total = args.settle * (len(args.faults) + 1) + args.down * len(args.faults) + 10
    locust = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
         "--host", env["STACK_URL"], "-u", str(args.users), "-r", str(max(10, args.users // 5)), "-t", f"{total}s",
         "--csv", str(OUT / "chaos"), "--only-summary", "--stop-timeout", "30", "--exit-code-on-error", "0",
         "--loglevel", "WARNING"],
        env={**os.environ, "BENCH_ACCEPTED": str(accepted_path), "BENCH_FAILURES": str(failures_path)},
        stdout=open(OUT / "locust-chaos.log", "w"), stderr=subprocess.STDOUT, cwd=ROOT,
    )
    probe = Probe(env["STACK_URL"], citizens[-1]["session"])
    approver = Approver()
    probe.start()
    approver.start()

    windows = [Window("baseline", start=time.time())]
    time.sleep(args.settle)
    try:
        for name in args.faults:
            window = Window(name, start=time.time())
            windows[-1].end = window.start
            windows.append(window)
            print(f"chaos: {name} down", flush=True)
            repair = inject(name, args.down, env)
            time.sleep(args.down)
            repair()
            window.repaired = time.time()
            print(f"chaos: {name} repaired", flush=True)
            time.sleep(args.settle)
    finally:
        # Never leave the stack broken, whatever happened above.
        database_connections(True, env)
        stack("start", "redis")
        stack("start", "worker")
    windows[-1].end = time.time()
    windows[0].repaired = windows[0].start
    locust.wait(timeout=total + 120)
    approver.stopping.set()
    approver.join(timeout=30)
    time.sleep(2)
    probe.stopping.set()
    probe.join(timeout=10)

    close_old_connections()
    accepted, failures = read_jsonl(accepted_path), read_jsonl(failures_path)
    approved = dict(approver.approved)

    # Wait for every approval's letter (bounded), then report.
    from requests_app.models import Letter

    deadline = time.time() + args.letters_timeout
    waited_from = time.time()
    while time.time() < deadline:
        close_old_connections()
        pending = Letter.objects.filter(request_id__in=approved).exclude(status=Letter.Status.ISSUED).count()
        if not pending and Letter.objects.filter(request_id__in=approved).count() == len(approved):
            break
        time.sleep(2)
    letters_wait = time.time() - waited_from

    misses = []
    print(f"\n=== chaos: {args.users} users, each fault {args.down} s down, {args.settle} s between ===")
    for window in windows:
        window.recovered = probe.recovered_after(window.repaired) if window.name != "baseline" else None
        in_window = [f for f in failures if window.holds(f["t"])]
        seen = probe.pages_seen(window) if window.name != "baseline" else None
        sub = [a for a in accepted if window.holds(a["t"])]
        lost, problems = reconcile(sub, env["MEDIA_ROOT"])
        approvals = [rid for rid, t in approved.items() if window.holds(t)]
        report = letters_report(approvals, env["MEDIA_ROOT"])
        traces = sum(1 for f in in_window if f["stack_trace"])
        outage_pages = sum(1 for f in in_window if f["outage_page"])
        print(f"\n[{window.name}]")
        server_errors = sum(1 for f in in_window if f.get("server_error"))
        print(f"  user errors (locust): {len(in_window)} failed requests; {outage_pages} got the 503 "
              f"'layanan sedang gangguan' page, {server_errors} another 5xx, {traces} a stack trace, "
              f"{sum(1 for f in in_window if f['status'] == 0)} no answer; by status "
              f"{dict(sorted(_count(f['status'] for f in in_window).items()))}")
        if seen is not None:
            recover = f"{window.recovered - window.repaired:.1f} s" if window.recovered else "NOT RECOVERED"
            print(f"  probe while down: {seen}; recovered {recover} after the repair")
            if seen["stack trace"] or seen["500 error"] or seen["other error"]:
                misses.append(f"{window.name}: probe saw {seen}")
            if not window.recovered:
                misses.append(f"{window.name}: not recovered")
        print(f"  submissions: {len(sub)} confirmed, {len(sub) - lost} stored with matching files, {lost} lost")
        for problem in problems[:10]:
            print(f"    ! {problem}")
        print(f"  approvals vs letters: {report}")
        steps = [seconds for began, seconds in approver.steps if window.holds(began)]
        failed_steps = sum(1 for t, _ in approver.failures if window.holds(t))
        print(f"  staff workflow calls: {len(steps)}, slowest {max(steps, default=0):.1f} s, {failed_steps} failed")
        if traces or server_errors:
            misses.append(f"{window.name}: {server_errors} server errors other than the 503 page, {traces} stack traces")
        if lost:
            misses.append(f"{window.name}: {lost} confirmed submissions lost")
        if report["issued"] != report["approvals"] or report["duplicate numbers"] or report["missing files"]:
            misses.append(f"{window.name}: letters {report}")
    overall = letters_report(list(approved), env["MEDIA_ROOT"])
    print(f"\noverall: {len(accepted)} submissions confirmed; approvals vs letters {overall}; all letters issued "
          f"{letters_wait:.0f} s after the load stopped; approver errors during faults: "
          f"{dict(_count(name for _, name in approver.failures))}")
    if overall["orphan files"]:
        misses.append(f"{overall['orphan files']} letter files without a letter")
    print("targets: " + ("met" if not misses else "MISSED: " + "; ".join(misses)))
    return 1 if misses else 0


def _count(values):
    counts = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return counts


if __name__ == "__main__":
    sys.exit(main())
