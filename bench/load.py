"""Load test of the whole stack: locust (headless) at 50 and 200 concurrent users, then a reconciliation.

    .venv/bin/python bench/load.py [--users 50 200] [--seconds 60] [--citizens 300]     (or: make load)

Starts the stack if it is not up (bench/stack.sh up), seeds the bench citizens (bench/seed.py), then for each
user count runs bench/locustfile.py for --seconds and prints throughput, p50/p95/p99 per endpoint and the
errors, and reconciles: every submission that got the confirmation page must be in the database exactly once,
submitted, with its file on disk (SHA-256 of the bytes sent = the stored hash = the file's hash).

Targets (issue 9): zero errors and zero lost submissions at 200 users; p95 <= 500 ms for pages and
<= 1 s for submission steps at 50 users. Exits 1 when a target is missed. The load generator shares the
machine's two cores with the stack.
"""

import sys
from pathlib import Path

# Import from the project root, not from bench/ (where bench/admin_queue.py would shadow the standard library).
sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse  # noqa: E402
import csv  # noqa: E402
import hashlib  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402

from bench.stackenv import OUT, ROOT, stack, stack_env  # noqa: E402

PAGE_P95_MS = 500
SUBMIT_P95_MS = 1000


def warm_up(env, citizens):
    """One request per page in each gunicorn worker, so the figures are of a running portal, not a cold start
    (template compilation, first connections, public-page cache fill)."""
    import urllib.request

    pages = ["/", "/layanan/", "/layanan/surat-keterangan-kerja/", "/jam-layanan/", "/transparansi/", "/lacak/"]
    signed_in = ["/permohonan/", f"/permohonan/{citizens[0]['code']}/", "/permohonan/baru/surat-keterangan-kerja/"]
    for _ in range(int(env.get("WEB_WORKERS", 2)) * 2):
        for path in pages + signed_in:
            headers = {"Cookie": f"sessionid={citizens[0]['session']}"} if path in signed_in else {}
            urllib.request.urlopen(urllib.request.Request(env["STACK_URL"] + path, headers=headers), timeout=30).read()


def run_locust(users, seconds, tag, env):
    """One headless locust run; returns (stats rows, failures rows, accepted submissions, wall seconds)."""
    prefix = OUT / f"load-{tag}"
    accepted = OUT / f"accepted-{tag}.jsonl"
    accepted.unlink(missing_ok=True)
    spawn_rate = max(10, users // 5)  # everyone is in within ~5 s
    command = [
        str(ROOT / ".venv" / "bin" / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
        "--host", env["STACK_URL"], "-u", str(users), "-r", str(spawn_rate), "-t", f"{seconds}s",
        "--csv", str(prefix), "--only-summary", "--stop-timeout", "30", "--exit-code-on-error", "0",
        "--loglevel", "WARNING",
    ]
    started = time.monotonic()
    with open(OUT / f"locust-{tag}.log", "w") as log:
        subprocess.run(command, env={**os.environ, "BENCH_ACCEPTED": str(accepted)}, stdout=log,
                       stderr=subprocess.STDOUT, check=True, cwd=ROOT)
    wall = time.monotonic() - started
    with open(f"{prefix}_stats.csv") as f:
        stats = list(csv.DictReader(f))
    with open(f"{prefix}_failures.csv") as f:
        failures = list(csv.DictReader(f))
    lines = accepted.read_text().splitlines() if accepted.exists() else []
    return stats, failures, [json.loads(line) for line in lines], wall


def is_submission(name):
    return name.startswith("submit ")


def print_stats(users, stats, failures, wall):
    print(f"\n=== {users} concurrent users ({wall:.0f} s incl. ramp-up and stop) ===")
    header = f"{'endpoint':<34}{'requests':>9}{'errors':>8}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}"
    print(header)
    print("-" * len(header))
    for row in sorted(stats, key=lambda r: (r["Name"] == "Aggregated", r["Name"])):
        name = row["Name"] if row["Name"] == "Aggregated" else f"{row['Type']} {row['Name']}"
        print(f"{name[:33]:<34}{row['Request Count']:>9}{row['Failure Count']:>8}{float(row['Requests/s']):>8.1f}"
              f"{row['50%']:>8}{row['95%']:>8}{row['99%']:>8}")
    if failures:
        print("errors:")
        for row in failures:
            print(f"  {row['Occurrences']:>5} x {row['Method']} {row['Name']}: {row['Error'][:150]}")
    else:
        print("errors: none")


def reconcile(accepted, media_root):
    """Every accepted submission: one submitted request with that code, its current document's stored hash and
    the file on disk equal to the bytes sent. Returns (lost, problems)."""
    from requests_app.models import RequestDocument, ServiceRequest

    problems = []
    codes = Counter(item["code"] for item in accepted)
    problems += [f"{code}: confirmed {n} times" for code, n in codes.items() if n > 1]
    found = {r.code: r for r in ServiceRequest.objects.filter(code__in=codes)}
    documents = {}
    for doc in RequestDocument.objects.filter(request__code__in=codes, superseded=False).select_related("request"):
        documents.setdefault(doc.request.code, []).append(doc)
    lost = 0
    for item in accepted:
        req = found.get(item["code"])
        if req is None:
            lost += 1
            problems.append(f"{item['code']}: confirmed to the user but not in the database")
            continue
        if req.status == ServiceRequest.Status.DRAFT or req.applicant_id != item["user_id"]:
            problems.append(f"{item['code']}: status {req.status}, applicant {req.applicant_id}")
        docs = documents.get(item["code"], [])
        if len(docs) != item["fields"]:
            lost += 1
            problems.append(f"{item['code']}: {len(docs)} current documents, {item['fields']} uploaded")
        for doc in docs:
            path = Path(media_root) / doc.file.name
            on_disk = hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else "missing"
            if not (doc.sha256 == item["sha256"] == on_disk) or doc.size != item["size"]:
                lost += 1
                problems.append(f"{item['code']}: sent {item['sha256'][:12]}, stored {doc.sha256[:12]}, disk {on_disk[:12]}")
    return lost, problems


def check_targets(users, stats, failures, lost, accepted):
    misses = []
    rows = [r for r in stats if r["Name"] != "Aggregated"]
    errors = sum(int(r["Failure Count"]) for r in rows)
    if users >= 200:
        if errors:
            misses.append(f"{errors} errors at {users} users (target 0)")
        if lost:
            misses.append(f"{lost} lost submissions at {users} users (target 0)")
    if users <= 50:
        for r in rows:
            limit = SUBMIT_P95_MS if is_submission(r["Name"]) else PAGE_P95_MS
            if int(r["Request Count"]) and float(r["95%"]) > limit:
                misses.append(f"p95 of {r['Name']} is {r['95%']} ms at {users} users (target <= {limit} ms)")
    if not accepted:
        misses.append(f"no submission was accepted at {users} users")
    return misses


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, nargs="+", default=[50, 200])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--citizens", type=int, default=300)
    parser.add_argument("--no-seed", action="store_true", help="reuse bench/out/citizens.json")
    args = parser.parse_args(argv)

    stack("up")
    env = stack_env()
    if not args.no_seed:
        subprocess.run([sys.executable, str(ROOT / "bench" / "seed.py"), "--citizens", str(args.citizens)], check=True)
    os.environ.update(env)
    import django

    django.setup()
    from django.db import connection

    all_misses = []
    warm_up(env, json.loads((OUT / "citizens.json").read_text()))
    for users in args.users:
        stats, failures, accepted, wall = run_locust(users, args.seconds, f"u{users}", env)
        print_stats(users, stats, failures, wall)
        connection.close()
        lost, problems = reconcile(accepted, env["MEDIA_ROOT"])
        print(f"submissions: {len(accepted)} accepted, {len(accepted) - lost} stored with matching files, {lost} lost")
        for problem in problems[:20]:
            print(f"  ! {problem}")
        misses = check_targets(users, stats, failures, lost, accepted)
        all_misses += misses
        print("targets: " + ("met" if not misses else "MISSED: " + "; ".join(misses)))
    return 1 if all_misses else 0


if __name__ == "__main__":
    sys.exit(main())
