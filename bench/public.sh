#!/usr/bin/env bash
# Public pages under load, in one run (issue 6):
#   (a) GET /__floor__ -> "ok" through the full middleware stack on gunicorn (2 sync workers): the Django floor
#   (b) /layanan/, a service page and /transparansi/ on the same gunicorn
#   (c) the same pages through nginx with the shipped deploy/nginx.conf (its micro-cache)
#   (d) the same pages saved as static files, served by the same nginx: the physical limit
# wrk -t2 -c32 -d10s --latency per case, on 127.0.0.1; prints req/s, p50, p99 and the ratios (b)/(a), (c)/(d).
# Targets: (b) >= 60 % of (a), (c) >= 50 % of (d), p99 <= 100 ms everywhere; exits 1 when one is missed.
#
#   bench/public.sh                    (make bench runs it after bench/admin_queue.py)
#
# Production settings except TLS (PRODUCTION=true, plain http, non-secure cookies). The database is
# PUBLIC_DATABASE_URL (default the pelayanan_bench database of bench/admin_queue.py, created and migrated here and
# loaded with PUBLIC_ROWS = 100,000 requests when it holds fewer, so /transparansi/ aggregates real volumes);
# the cache is PUBLIC_REDIS_URL (default database 9 of the Redis on 6379: its keys are only replaced, never
# flushed). gunicorn and nginx listen on PUBLIC_GUNICORN_PORT (8310) and PUBLIC_NGINX_PORT (8311) and are
# stopped by PID at the end. Files (wrk output, logs, static files, rendered nginx.conf) are in bench/out/public/.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="$ROOT/bench/out/public"
VENV="$ROOT/.venv/bin"
GUNICORN_PORT="${PUBLIC_GUNICORN_PORT:-8310}"
NGINX_PORT="${PUBLIC_NGINX_PORT:-8311}"
DURATION="${PUBLIC_DURATION:-10s}"
CONNECTIONS="${PUBLIC_CONNECTIONS:-32}"
PAGES=(${PUBLIC_PAGES:-/layanan/ /layanan/surat-keterangan-kerja/ /transparansi/})
export PUBLIC_ROWS="${PUBLIC_ROWS:-100000}"

log() { echo "public: $*" >&2; }
die() { log "$*"; exit 2; }

for tool in wrk nginx curl; do
  command -v "$tool" >/dev/null || die "$tool is missing: apt-get install -y wrk nginx curl"
done
[ -x "$VENV/python" ] || die "no .venv: run make venv first"

mkdir -p "$OUT"
rm -f "$OUT"/wrk-*.txt "$OUT"/nginx/log/access.log
[ -s "$OUT/secret_key" ] || "$VENV/python" -c 'import secrets; print(secrets.token_urlsafe(64))' >"$OUT/secret_key"

export DJANGO_SETTINGS_MODULE=pelayanan.settings
export PRODUCTION=true DEBUG=false
SECRET_KEY="$(cat "$OUT/secret_key")"
export SECRET_KEY
export DATABASE_URL="${PUBLIC_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/pelayanan_bench}"
export REDIS_URL="${PUBLIC_REDIS_URL:-redis://127.0.0.1:6379/9}"
export CELERY_BROKER_URL="$REDIS_URL" CELERY_RESULT_BACKEND="$REDIS_URL" CELERY_TASK_ALWAYS_EAGER=false
export ALLOWED_HOSTS=127.0.0.1,localhost
export SECURE_SSL_REDIRECT=false SESSION_COOKIE_SECURE=false CSRF_COOKIE_SECURE=false
export NUM_PROXIES=1
export STATIC_ROOT="$OUT/static" MEDIA_ROOT="$OUT/media"
export EMAIL_URL=consolemail://
export PYTHONUNBUFFERED=1

GUNICORN_PID=""
NGINX_PID=""
running() {  # running PID: not exited (nginx's daemonised master is left a zombie for init to reap)
  local state
  state="$(awk '/^State:/ {print $2}' "/proc/$1/status" 2>/dev/null)"
  [ -n "$state" ] && [ "$state" != Z ]
}
stop_all() {
  if [ -n "$NGINX_PID" ] && running "$NGINX_PID"; then
    kill -QUIT "$NGINX_PID"  # graceful: writes the buffered access log
    for _ in $(seq 1 50); do running "$NGINX_PID" || break; sleep 0.1; done
  fi
  if [ -n "$GUNICORN_PID" ] && running "$GUNICORN_PID"; then
    kill -TERM -- "-$GUNICORN_PID" 2>/dev/null || kill -TERM "$GUNICORN_PID"
    for _ in $(seq 1 100); do running "$GUNICORN_PID" || break; sleep 0.1; done
  fi
  NGINX_PID=""
  GUNICORN_PID=""
}
trap stop_all EXIT

wait_for() {  # wait_for URL: until it answers 200
  for _ in $(seq 1 100); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$1")" = "200" ] && return 0
    sleep 0.1
  done
  die "$1 does not answer 200; see $OUT/*.log"
}

# --- database, static files, a cold cache -----------------------------------------------------------------
cd "$ROOT"
log "preparing ${DATABASE_URL##*/} (migrations, $PUBLIC_ROWS requests) and the static files"
"$VENV/python" - <<'PY'
import os
import sys

sys.path.insert(0, os.getcwd())
from bench import admin_queue as bench_queue  # the 100,000-request loader of bench/admin_queue.py

bench_queue.ensure_database(os.environ["DATABASE_URL"])
import django

django.setup()
from django.core.management import call_command

from requests_app.models import ServiceRequest
from requests_app.public_cache import bump_public_version

call_command("migrate", verbosity=0)
rows = int(os.environ["PUBLIC_ROWS"])
loaded = ServiceRequest.objects.filter(applicant__email__endswith="@" + bench_queue.BENCH_DOMAIN).count()
if loaded < rows:
    real = ServiceRequest.objects.count() - loaded
    if real > 100:
        sys.exit(f"refusing to load bench rows into a database with {real} real requests: set PUBLIC_DATABASE_URL")
    if loaded:
        bench_queue.reset()
    bench_queue.load(rows)
print(f"public: {ServiceRequest.objects.count()} requests in the database", file=sys.stderr)
# Start cold: every public page and the transparency figures are computed again by the first request.
bump_public_version()
PY
manifest="$STATIC_ROOT/staticfiles.json"
if [ ! -s "$manifest" ] || [ -n "$(find "$ROOT/static" "$ROOT"/*/static "$ROOT/requirements.txt" -newer "$manifest" -print -quit 2>/dev/null)" ]; then
  "$VENV/python" manage.py collectstatic --noinput -v 0
fi

# --- gunicorn ------------------------------------------------------------------------------------------------
# bench/floor_wsgi.py: the project's application plus /__floor__ (only in this process). No access log, as in
# production (the portal writes its own JSON line per request, to gunicorn.log here).
setsid "$VENV/gunicorn" bench.floor_wsgi:application --bind "127.0.0.1:$GUNICORN_PORT" --workers 2 \
  --worker-class sync --backlog 2048 --timeout 30 >"$OUT/gunicorn.log" 2>&1 </dev/null &
GUNICORN_PID=$!
DJANGO="http://127.0.0.1:$GUNICORN_PORT"
wait_for "$DJANGO/__floor__"
log "gunicorn pid $GUNICORN_PID on $DJANGO"

# First (cold) request of each page: renders, and computes the transparency figures over all requests.
: >"$OUT/cold.txt"
for page in "${PAGES[@]}"; do
  curl -s -o /dev/null -w "$page %{http_code} %{time_total}\n" "$DJANGO$page" >>"$OUT/cold.txt"
done

# (d)'s files: each page exactly as Django sends it to a visitor without cookies.
rm -rf "$STATIC_ROOT/__bench__"
mkdir -p "$STATIC_ROOT/__bench__"
declare -A STATIC_COPY
for page in "${PAGES[@]}"; do
  name="$(echo "$page" | tr -c 'a-z0-9\n' '-' | sed 's/^-*//; s/-*$//').html"
  curl -sf -o "$STATIC_ROOT/__bench__/$name" "$DJANGO$page"
  STATIC_COPY[$page]="/static/__bench__/$name"
done

# --- nginx with the shipped configuration ----------------------------------------------------------------------
rm -rf "$OUT/nginx/cache"
"$VENV/python" bench/nginx_conf.py --upstream "127.0.0.1:$GUNICORN_PORT" --listen "127.0.0.1:$NGINX_PORT" \
  --static-root "$STATIC_ROOT" --state-dir "$OUT/nginx" >"$OUT/nginx.conf"
nginx -t -q -c "$OUT/nginx.conf" -e "$OUT/nginx/log/error.log"
nginx -c "$OUT/nginx.conf" -e "$OUT/nginx/log/error.log"
for _ in $(seq 1 50); do [ -s "$OUT/nginx/nginx.pid" ] && break; sleep 0.1; done
NGINX_PID="$(cat "$OUT/nginx/nginx.pid")"
NGINX="http://127.0.0.1:$NGINX_PORT"
wait_for "$NGINX${STATIC_COPY[${PAGES[0]}]}"
log "nginx pid $NGINX_PID on $NGINX"

# --- wrk -----------------------------------------------------------------------------------------------------
cpu_ticks() {  # cpu_ticks PID: user + system clock ticks of the process and its children (gunicorn or nginx workers)
  local total=0 pid ticks
  for pid in "$1" $(pgrep -P "$1"); do
    # The fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    ticks="$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | awk '{print $12 + $13}')" || ticks=0
    total=$((total + ${ticks:-0}))
  done
  echo "$total"
}
run() {  # run CASE LABEL URL SERVER_PID
  curl -s -o /dev/null "$3"  # warm: fills Django's and nginx's caches as any first visitor would
  curl -s -o /dev/null "$3"
  log "$1 $2"
  local before
  before="$(cpu_ticks "$4")"
  { echo "# $1|$2|$3"; wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "$3"
    echo "# server cpu ticks $(($(cpu_ticks "$4") - before)) at $(getconf CLK_TCK)/s"
  } >"$OUT/wrk-$1-$(echo "$2" | tr -c 'a-z0-9\n' '-').txt"
}
cut -d' ' -f1-3 /proc/loadavg >"$OUT/load-start.txt"
run a floor "$DJANGO/__floor__" "$GUNICORN_PID"
for page in "${PAGES[@]}"; do run b "$page" "$DJANGO$page" "$GUNICORN_PID"; done
for page in "${PAGES[@]}"; do
  curl -s -D - -o /dev/null "$NGINX$page" | tr -d '\r' | grep -i '^x-cache-status' | sed "s|^|public: nginx $page |" >&2 || true
  run c "$page" "$NGINX$page" "$NGINX_PID"
done
for page in "${PAGES[@]}"; do run d "$page" "$NGINX${STATIC_COPY[$page]}" "$NGINX_PID"; done
stop_all

# --- report ----------------------------------------------------------------------------------------------------
"$VENV/python" - "$OUT" "$DURATION" "$CONNECTIONS" <<'PY'
import collections
import os
import re
import sys
from pathlib import Path

out, duration, connections = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}
MIN_B, MIN_C, MAX_P99 = 0.60, 0.50, 100.0


def ms(text):
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * UNITS[unit]


results = {}
for path in sorted(out.glob("wrk-*.txt")):
    text = path.read_text()
    case, label, url = text.splitlines()[0][2:].split("|")
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    results[(case, label)] = {
        "url": url,
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)),
        "p50": ms(re.search(r"^\s+50%\s+(\S+)", text, re.M).group(1)),
        "p99": ms(re.search(r"^\s+99%\s+(\S+)", text, re.M).group(1)),
        "requests": int(re.search(r"(\d+) requests in", text).group(1)),
        # Read errors are the connection closes of gunicorn's sync workers, which answer Connection: close.
        "timeouts": int(errors.group(4)) if errors else 0,
        "bad": int(non2xx.group(1)) if non2xx else 0,
    }
    ticks = re.search(r"# server cpu ticks (\d+) at (\d+)/s", text)
    requests = results[(case, label)]["requests"]
    results[(case, label)]["cpu"] = int(ticks.group(1)) * 1000 / int(ticks.group(2)) / requests if requests else 0

floor = results[("a", "floor")]
names = {"a": "(a) gunicorn, Django floor", "b": "(b) gunicorn", "c": "(c) nginx micro-cache", "d": "(d) nginx static file"}
print(f"\nwrk -t2 -c{connections} -d{duration} --latency on 127.0.0.1; {os.cpu_count()} CPUs; load average (1/5/15 min) "
      f"at the start {(out / 'load-start.txt').read_text().strip()}, at the end " + "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
cold = (out / "cold.txt").read_text().split()
print("first request after a cache reset: " + ", ".join(
    f"{cold[i]} {float(cold[i + 2]) * 1000:.0f} ms" for i in range(0, len(cold), 3)))
header = (f"{'case':<28} {'page':<34} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'ratio':>16}  {'errors':>6}"
          f" {'server CPU ms/req':>17}")
print(header)
print("-" * len(header))
missed = []
for (case, label), r in results.items():
    if case == "b":
        ratio, base = r["rps"] / floor["rps"], "of (a)"
    elif case == "c":
        ratio, base = r["rps"] / results[("d", label)]["rps"], "of (d)"
    else:
        ratio, base = None, ""
    flags = []
    if ratio is not None and ratio < (MIN_B if case == "b" else MIN_C):
        flags.append(f"below {MIN_B if case == 'b' else MIN_C:.0%}")
    if r["p99"] > MAX_P99:
        flags.append(f"p99 over {MAX_P99:.0f} ms")
    if r["bad"] or r["timeouts"]:
        flags.append("errors")
    if flags:
        missed.append(f"{names[case]} {label}: " + ", ".join(flags))
    ratio_text = f"{ratio:6.0%} {base}" if ratio is not None else ""
    print(f"{names[case]:<28} {label:<34} {r['rps']:>9.0f} {r['p50']:>8.1f} {r['p99']:>8.1f} {ratio_text:>16}"
          f"  {r['bad'] + r['timeouts']:>6} {r['cpu']:>17.3f}{'  <- ' + ', '.join(flags) if flags else ''}")

log = out / "nginx" / "log" / "access.log"
statuses = collections.Counter(line.split()[3] for line in log.read_text().splitlines() if len(line.split()) > 3) if log.exists() else {}
print("nginx micro-cache answers during (c): " + ", ".join(f"{k} {v}" for k, v in statuses.most_common()))
print("server CPU: user + system time of gunicorn (a, b) or nginx (c, d), master and workers, per request;"
      " less sensitive than req/s to other load on the machine")
print("targets: (b) >= 60 % of (a), (c) >= 50 % of (d), p99 <= 100 ms")
if missed:
    print("missed: " + "; ".join(missed))
    sys.exit(1)
print("all targets met")
PY
