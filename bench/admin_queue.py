"""Staff queue at scale: load N requests with their history into PostgreSQL, then time the admin.

    .venv/bin/python bench/admin_queue.py --rows 100000

Uses DATABASE_URL (default postgres://postgres@127.0.0.1:5432/pelayanan_bench), creating and migrating the
database when it is missing. The bench rows stay between runs (a run with as many rows already loaded skips the
load; --reload starts over). Through Django's test Client, logged in as an officer (their unit holds about half
the requests) and as a superuser, it measures the changelist (default view, each filter, searches) and the
request page: SQL queries per page (CaptureQueriesContext) and the median and p95 wall time over --repeat
requests. Target (issue 4): <= 15 queries and p95 <= 300 ms per changelist page at 100,000 rows.
"""

import argparse
import datetime as dt
import io
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# This file shares its name with the standard library's `queue` (used by concurrent.futures, asgiref and
# Celery): take its own folder off the import path so those imports find the real module.
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pelayanan.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/pelayanan_bench")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")

MAX_QUERIES = 15
MAX_P95_MS = 300
BENCH_DOMAIN = "bench.example.id"
# Share of requests per status: most of a year's requests are finished, about a fifth are in process.
STATUS_MIX = [
    ("letter_issued", 60), ("rejected", 10), ("cancelled", 8), ("approved", 2),
    ("submitted", 7), ("in_review", 9), ("revision", 2), ("with_supervisor", 1), ("draft", 1),
]


def ensure_database(url):
    """Create the bench database if it does not exist (connecting to the server's `postgres` database)."""
    import environ
    import psycopg2

    cfg = environ.Env.db_url_config(url)
    if "postgresql" not in cfg["ENGINE"]:
        sys.exit("bench/admin_queue.py measures PostgreSQL: set DATABASE_URL to a postgres:// URL.")
    conn = psycopg2.connect(host=cfg["HOST"], port=cfg["PORT"] or 5432, user=cfg["USER"],
                            password=cfg["PASSWORD"] or None, dbname="postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [cfg["NAME"]])
        if cur.fetchone() is None:
            cur.execute(f'CREATE DATABASE "{cfg["NAME"]}"')
            print(f"created database {cfg['NAME']}")
    conn.close()


# --- loading ------------------------------------------------------------------------------------------


def staff(email, group, unit, name, **extra):
    from django.contrib.auth.models import Group

    from pelayanan.models import User

    user, created = User.objects.get_or_create(
        email=email, defaults={"full_name": name, "is_staff": True, "unit": unit, "email_verified": True, **extra},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def make_staff():
    """Five officers and one signing official per unit, and a superuser."""
    from pelayanan.models import OrganisationUnit

    officers = {}
    for unit in OrganisationUnit.objects.all():
        officers[unit.pk] = [
            staff(f"petugas{i}.{unit.code.lower()}@{BENCH_DOMAIN}", "Petugas Layanan", unit, f"Petugas {i} {unit.code}")
            for i in range(1, 6)
        ]
        staff(f"pejabat.{unit.code.lower()}@{BENCH_DOMAIN}", "Pejabat Penandatangan", unit, f"Pejabat {unit.code}")
    admin = staff(f"admin@{BENCH_DOMAIN}", None, None, "Admin Bench", is_superuser=True)
    return officers, admin


def load(rows, seed=2026):
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.utils import timezone

    from pelayanan.models import User
    from requests_app import calendar
    from requests_app.models import CODE_ALPHABET, Service, ServiceRequest

    rng = random.Random(seed)
    started = time.perf_counter()
    officers, _admin = make_staff()
    services = list(Service.objects.all())
    today = timezone.localdate()
    unusable = make_password(None)

    n_applicants = max(rows // 5, 10)
    with transaction.atomic():
        User.objects.bulk_create(
            [User(email=f"pemohon{i}@{BENCH_DOMAIN}", full_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(NAMES)}", password=unusable,
                  nik=f"1271{i:012d}", nip=f"19860926{i:010d}", asn_type="pns", email_verified=True)
             for i in range(n_applicants)],
            batch_size=5000, ignore_conflicts=True,
        )
    applicant_ids = list(User.objects.filter(email__startswith="pemohon", email__endswith=BENCH_DOMAIN).values_list("pk", flat=True))
    print(f"  {len(applicant_ids)} applicants ({time.perf_counter() - started:.1f} s)")

    statuses = [s for s, weight in STATUS_MIX for _ in range(weight)]
    codes = set(ServiceRequest.objects.values_list("code", flat=True))
    due_memo = {}

    def due(day, sla):
        if (day, sla) not in due_memo:
            due_memo[(day, sla)] = calendar.add_working_days(day, sla)
        return due_memo[(day, sla)]

    tz = timezone.get_current_timezone()
    batch, created = [], 0
    for i in range(rows):
        service = rng.choice(services)
        status = rng.choice(statuses)
        if status == "with_supervisor" and not service.is_leave:
            status = "submitted"
        # Finished requests spread over two years; open ones were submitted in the last six weeks.
        finished = status in ("letter_issued", "rejected", "cancelled", "approved")
        age = rng.randint(20, 730) if finished else rng.randint(0, 42)
        submitted = dt.datetime.combine(today - dt.timedelta(days=age), dt.time(rng.randint(8, 15), rng.randint(0, 59)), tz)
        code = None
        while code is None or code in codes:  # real-shaped tracking codes, unique
            code = f"{service.code}-{submitted:%y}-" + "".join(rng.choice(CODE_ALPHABET) for _ in range(6))
        codes.add(code)
        req = ServiceRequest(
            code=code, service=service, applicant_id=rng.choice(applicant_ids), status=status,
            details={"purpose": "Pengajuan kredit", "addressee": "PT Bank Sumut"} if service.kind == "employment_certificate" else {"notes": "-"},
        )
        if status != "draft":
            req.submitted_at = submitted
            req.due_date = due(submitted.date(), service.sla_days)
        if status in ("in_review", "approved", "letter_issued", "revision") or (status == "rejected" and rng.random() < 0.5):
            req.assigned_to = rng.choice(officers[service.unit_id])
        if status in ("approved", "letter_issued"):
            req.verified_by = req.assigned_to
            req.decided_at = submitted + dt.timedelta(days=rng.randint(1, 5))
        if status == "revision":
            req.paused_at = submitted + dt.timedelta(days=1)
        if finished and status != "approved":
            req.finished_at = submitted + dt.timedelta(days=rng.randint(1, 10))
        batch.append(req)
        if len(batch) == 5000 or i == rows - 1:
            with transaction.atomic():
                ServiceRequest.objects.bulk_create(batch)
                _copy_events(connection, batch, rng)
            created += len(batch)
            batch = []
            print(f"\r  {created} requests with history ({time.perf_counter() - started:.1f} s)", end="", flush=True)
    print()
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")  # as autovacuum would: statistics, and the visibility map for index-only scans
    calendar.invalidate()
    print(f"  loaded in {time.perf_counter() - started:.1f} s")


def _copy_events(connection, requests, rng):
    """The history rows of a batch, through COPY (several times faster than bulk_create)."""
    buf = io.StringIO()
    count = 0
    for req in requests:
        if req.status == "draft":
            continue
        steps = [("submitted", "", "submitted", req.applicant_id, req.submitted_at)]
        if req.assigned_to_id:
            steps.append(("assigned", "submitted", "in_review", req.assigned_to_id, req.submitted_at + dt.timedelta(hours=2)))
        if req.verified_by_id:
            steps.append(("verified", "in_review", "in_review", req.verified_by_id, req.submitted_at + dt.timedelta(hours=20)))
        if req.status in ("approved", "letter_issued"):
            steps.append(("approved", "in_review", "approved", None, req.decided_at))
        if req.status == "letter_issued":
            steps.append(("letter_issued", "approved", "letter_issued", None, req.decided_at + dt.timedelta(seconds=5)))
        if req.status in ("rejected", "cancelled", "revision"):
            steps.append((req.status if req.status != "revision" else "revision", "in_review", req.status, req.assigned_to_id,
                          req.submitted_at + dt.timedelta(days=1)))
        for action, from_status, to_status, actor, at in steps:
            actor_value = "\\N" if actor is None else actor
            buf.write(f"{req.pk}\t{actor_value}\t{action}\t{from_status}\t{to_status}\t\t\t{at.isoformat()}\n")
            count += 1
    buf.seek(0)
    with connection.cursor() as cur:
        cur.cursor.copy_expert(
            "COPY requests_app_requestevent (request_id, actor_id, action, from_status, to_status, note, public_note, created) "
            "FROM STDIN", buf,
        )
    return count


def reset():
    from django.db import connection

    from pelayanan.models import User

    bench_requests = "SELECT r.id FROM requests_app_servicerequest r JOIN pelayanan_user u ON u.id = r.applicant_id WHERE u.email LIKE %s"
    with connection.cursor() as cur:
        cur.execute(f"DELETE FROM requests_app_requestevent WHERE request_id IN ({bench_requests})", ["%@" + BENCH_DOMAIN])
        cur.execute(f"DELETE FROM requests_app_servicerequest WHERE id IN ({bench_requests})", ["%@" + BENCH_DOMAIN])
    User.objects.filter(email__endswith=BENCH_DOMAIN).delete()


FIRST_NAMES = ["Siti", "Ahmad", "Rina", "Budi", "Dewi", "Fajar", "Intan", "Joko", "Lestari", "Muhammad", "Nur", "Putri",
               "Rizky", "Sari", "Taufik", "Wahyu", "Yusuf", "Zulkifli", "Agus", "Hendra", "Indah", "Maya", "Rahmat", "Tono"]
NAMES = ["Siregar", "Nasution", "Lubis", "Harahap", "Sitompul", "Simanjuntak", "Ginting", "Tarigan", "Sembiring",
         "Hasibuan", "Pane", "Situmorang", "Manurung", "Pardede", "Sinaga", "Rangkuti", "Batubara", "Daulay"]


# --- measuring ------------------------------------------------------------------------------------------


def measure(client, url, repeat):
    """Queries of one request, then wall time over `repeat` requests, plus the median database time and
    this process's CPU time per request (both far less sensitive than wall time to other load on the machine)."""
    import re

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):  # warm the template and calendar caches
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    captured = list(ctx.captured_queries)  # a view of the connection's log, which the next request clears
    listed = len(re.findall(rb'name="_selected_action"', response.content))
    wall, cpu, db = [], [], []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            start, start_cpu = time.perf_counter(), time.process_time()
            client.get(url)
            wall.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        db.append(sum(float(q["time"]) for q in ctx.captured_queries) * 1000)
    p95 = statistics.quantiles(wall, n=20, method="inclusive")[18]
    return {"queries": len(captured), "median": statistics.median(wall), "p95": p95, "listed": listed,
            "db": statistics.median(db), "cpu": statistics.median(cpu), "captured": captured}


def scenarios(user, service, unit, applicant, code):
    from django.urls import reverse

    base = reverse("admin:requests_app_servicerequest_changelist")
    yield "changelist: default (in process, by due date)", base
    yield "changelist: status = in review", base + "?status=in_review"
    yield "changelist: status = all incl. finished", base + "?status=semua"
    yield "changelist: overdue", base + "?batas=terlambat"
    yield "changelist: due today", base + "?batas=hari-ini"
    yield "changelist: assigned to me", base + "?ditangani=saya"
    yield "changelist: unassigned", base + "?ditangani=belum"
    yield "changelist: service", base + f"?service__id__exact={service.pk}"
    if user.is_superuser:
        yield "changelist: unit", base + f"?service__unit__id__exact={unit.pk}"
    yield "changelist: page 20 of all", base + "?status=semua&p=20"
    yield "changelist: search code", base + f"?q={code}"
    yield "changelist: search part of a code", base + f"?q={code[-6:]}"
    yield "changelist: search surname", base + "?q=nasution"
    yield "changelist: search full name", base + "?q=siti+nasution"
    yield "changelist: search NIK", base + f"?q={applicant.nik}"
    yield "changelist: search NIP", base + f"?q={applicant.nip}"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--reload", action="store_true", help="delete the bench rows and load them again")
    parser.add_argument("--show-queries", action="store_true", help="print the SQL of each page")
    parser.add_argument("--force", action="store_true", help="load even into a database holding other requests")
    args = parser.parse_args()

    ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command
    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse

    from pelayanan.models import OrganisationUnit, User
    from requests_app.models import RequestEvent, ServiceRequest

    call_command("migrate", verbosity=0)
    loaded = ServiceRequest.objects.filter(applicant__email__endswith="@" + BENCH_DOMAIN).count()
    if args.reload or loaded < args.rows:
        real = ServiceRequest.objects.exclude(applicant__email__endswith="@" + BENCH_DOMAIN).count()
        if os.environ.get("PRODUCTION", "").lower() in ("1", "true", "yes") or (real > 100 and not args.force):
            sys.exit(f"refusing to load bench rows into a database with {real} real requests (use a bench database, or --force)")
        if loaded:
            print(f"removing {loaded} bench requests")
            reset()
        print(f"loading {args.rows} requests into {os.environ['DATABASE_URL'].rsplit('/', 1)[-1]}")
        load(args.rows)
    total = ServiceRequest.objects.count()
    print(f"database: {total} requests, {RequestEvent.objects.count()} events")

    unit = OrganisationUnit.objects.annotate(n=Count("services__requests")).order_by("-n").first()
    officer = User.objects.get(email=f"petugas1.{unit.code.lower()}@{BENCH_DOMAIN}")
    admin = User.objects.get(email=f"admin@{BENCH_DOMAIN}")
    service = unit.services.first()
    sample = (ServiceRequest.objects.filter(service__unit=unit, status="in_review", applicant__email__endswith="@" + BENCH_DOMAIN)
              .select_related("applicant").first())
    failures = []
    print(f"\nrepeat={args.repeat}; target: <= {MAX_QUERIES} queries and p95 <= {MAX_P95_MS} ms per changelist page")
    print("machine load average (1/5/15 min) at start: {:.2f} {:.2f} {:.2f} on {} CPUs\n".format(*os.getloadavg(), os.cpu_count()))
    header = (f"{'user':<10} {'page':<48} {'rows':>5} {'queries':>7} {'median ms':>10} {'p95 ms':>8}"
              f" {'db ms':>6} {'cpu ms':>7}")
    print(header)
    print("-" * len(header))
    for label, user in (("officer", officer), ("superuser", admin)):
        client = Client()
        client.force_login(user)
        pages = list(scenarios(user, service, unit, sample.applicant, sample.code))
        pages.append(("request page (change view)", reverse("admin:requests_app_servicerequest_change", args=[sample.pk])))
        for name, url in pages:
            r = measure(client, url, args.repeat)
            over = name.startswith("changelist") and (r["queries"] > MAX_QUERIES or r["p95"] > MAX_P95_MS)
            if over:
                failures.append(f"{label}: {name}")
            flag = "  OVER TARGET" if over else ""
            print(f"{label:<10} {name:<48} {r['listed']:>5} {r['queries']:>7} {r['median']:>10.1f} {r['p95']:>8.1f}"
                  f" {r['db']:>6.1f} {r['cpu']:>7.1f}{flag}")
            if args.show_queries:
                for q in r["captured"]:
                    print(f"      {q['time']}s {q['sql'][:300]}")
    print("\nmachine load average (1/5/15 min) at end: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    if failures:
        print("over target: " + "; ".join(failures))
        return 1
    print("all changelist pages within target")
    return 0


if __name__ == "__main__":
    sys.exit(main())
