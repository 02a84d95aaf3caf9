#!/usr/bin/env bash
# The production-like stack on this machine, for the stack tests and the load and fault benchmarks.
#
#   bench/stack.sh up        start everything (idempotent) and wait until /healthz answers 200 with a worker
#   bench/stack.sh down      stop everything, by PID
#   bench/stack.sh status    which parts run, and /healthz
#   bench/stack.sh reset     down, drop the stack database and files, up
#   bench/stack.sh start|stop|kill redis|web|worker|beat    one part (kill = SIGKILL to its process group)
#   bench/stack.sh env       the environment of the stack, as `export` lines
#
# gunicorn (WEB_WORKERS, default 2) with WhiteNoise, a Celery worker (WORKER_CONCURRENCY, default 2) and beat,
# a Redis of its own on STACK_REDIS_PORT (default 6380, never the shared 6379), and the database
# pelayanan_stack on the machine's PostgreSQL. Production settings (PRODUCTION=true) except TLS: plain http
# on 127.0.0.1:STACK_PORT (default 8100). PIDs, logs, uploaded files and static files live under bench/out/.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="$ROOT/bench/out"
VENV="$ROOT/.venv/bin"
STACK_PORT="${STACK_PORT:-8100}"
STACK_REDIS_PORT="${STACK_REDIS_PORT:-6380}"
STACK_DB="${STACK_DB:-pelayanan_stack}"
STACK_PG="${STACK_PG:-postgres://postgres@127.0.0.1:5432}"
WEB_WORKERS="${WEB_WORKERS:-2}"
WORKER_CONCURRENCY="${WORKER_CONCURRENCY:-2}"
UP_TIMEOUT="${UP_TIMEOUT:-90}"
COMPONENTS=(redis worker beat web)

log() { echo "stack: $*" >&2; }

# GET a URL and print the body whatever the status (curl may be missing on a fresh machine).
http_get() {
  "$VENV/python" - "$1" <<'PY' 2>/dev/null || true
import sys, urllib.error, urllib.request
try:
    body = urllib.request.urlopen(sys.argv[1], timeout=5).read()
except urllib.error.HTTPError as exc:
    body = exc.read()
print(body.decode(errors="replace"))
PY
}
die() { log "$*"; exit 1; }

stack_env() {
  [ -s "$OUT/secret_key" ] || { mkdir -p "$OUT"; "$VENV/python" -c 'import secrets; print(secrets.token_urlsafe(64))' >"$OUT/secret_key"; }
  cat <<EOF
export DJANGO_SETTINGS_MODULE=pelayanan.settings
export PRODUCTION=true
export DEBUG=false
export SECRET_KEY='$(cat "$OUT/secret_key")'
export DATABASE_URL='$STACK_PG/$STACK_DB'
export REDIS_URL='redis://127.0.0.1:$STACK_REDIS_PORT/0'
export CELERY_BROKER_URL='redis://127.0.0.1:$STACK_REDIS_PORT/0'
export CELERY_RESULT_BACKEND='redis://127.0.0.1:$STACK_REDIS_PORT/1'
export CELERY_TASK_ALWAYS_EAGER=false
export ALLOWED_HOSTS=127.0.0.1,localhost
export SITE_URL='http://127.0.0.1:$STACK_PORT'
export SECURE_SSL_REDIRECT=false
export SESSION_COOKIE_SECURE=false
export CSRF_COOKIE_SECURE=false
export NUM_PROXIES=1
export MEDIA_ROOT='$OUT/media'
export STATIC_ROOT='$OUT/static'
export EMAIL_URL='filemail:///$OUT/mail'
export LETTER_RESEND_AFTER_MINUTES=1
export PYTHONUNBUFFERED=1
export STACK_PORT=$STACK_PORT
export STACK_URL='http://127.0.0.1:$STACK_PORT'
export STACK_REDIS_PORT=$STACK_REDIS_PORT
export STACK_DB=$STACK_DB
export WEB_WORKERS=$WEB_WORKERS
EOF
}

load_env() { eval "$(stack_env)"; }

pid_of() { local f="$OUT/$1.pid"; [ -s "$f" ] && cat "$f" || true; }
alive() { local pid; pid="$(pid_of "$1")"; [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; }

# Each part runs in its own session (setsid), so its process group holds it and its children only.
launch() {
  local name="$1"; shift
  setsid "$@" >>"$OUT/$name.log" 2>&1 < /dev/null &
  echo $! >"$OUT/$name.pid"
}

start_component() {
  local name="$1"
  if alive "$name"; then return 0; fi
  load_env
  mkdir -p "$OUT/redis" "$OUT/media" "$OUT/mail"
  cd "$ROOT"
  case "$name" in
    redis)
      # Append-only file, as in docker-compose.yml: queued tasks survive a restart.
      launch redis redis-server --bind 127.0.0.1 --port "$STACK_REDIS_PORT" --dir "$OUT/redis" \
        --appendonly yes --appendfsync everysec --save '' --daemonize no --logfile ''
      for _ in $(seq 1 50); do redis-cli -p "$STACK_REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
      redis-cli -p "$STACK_REDIS_PORT" ping >/dev/null 2>&1 || die "redis did not start; see $OUT/redis.log"
      ;;
    web)
      launch web "$VENV/gunicorn" pelayanan.wsgi:application --bind "127.0.0.1:$STACK_PORT" \
        --workers "$WEB_WORKERS" --timeout 30 --graceful-timeout 10 --backlog 2048 \
        --max-requests 1000 --max-requests-jitter 100
      ;;
    worker)
      launch worker "$VENV/celery" -A pelayanan worker --loglevel=INFO --concurrency="$WORKER_CONCURRENCY" \
        --max-tasks-per-child=200 -n "stack@%h"
      ;;
    beat)
      launch beat "$VENV/celery" -A pelayanan beat --loglevel=INFO --schedule="$OUT/celerybeat-schedule"
      ;;
    *) die "unknown part '$name' (one of: ${COMPONENTS[*]})" ;;
  esac
  log "$name started (pid $(pid_of "$name"))"
}

# SIGTERM to the process group, then SIGKILL after `grace` seconds.
stop_component() {
  local name="$1" grace="${2:-15}" pid
  pid="$(pid_of "$name")"
  if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; then rm -f "$OUT/$name.pid"; return 0; fi
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 $((grace * 10))); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then
    log "$name did not stop within ${grace}s; killing it"
    kill -KILL -- "-$pid" 2>/dev/null || true
  fi
  rm -f "$OUT/$name.pid"
  log "$name stopped"
}

kill_component() {
  local name="$1" pid
  pid="$(pid_of "$name")"
  [ -n "$pid" ] || die "$name is not running"
  kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid"
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  rm -f "$OUT/$name.pid"
  log "$name killed (SIGKILL, pid $pid)"
}

psql_admin() { psql "$STACK_PG/postgres" -v ON_ERROR_STOP=1 -qtAX "$@"; }

prepare_database() {
  load_env
  cd "$ROOT"
  if [ "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$STACK_DB'")" != "1" ]; then
    psql_admin -c "CREATE DATABASE \"$STACK_DB\""
    log "database $STACK_DB created"
  fi
  "$VENV/python" manage.py migrate --noinput -v 0
  # collectstatic compresses every file (~20 s): only when a static file or the pinned packages changed.
  local manifest="$OUT/static/staticfiles.json"
  if [ ! -s "$manifest" ] || [ -n "$(find "$ROOT/static" "$ROOT"/*/static "$ROOT/requirements.txt" -newer "$manifest" -print -quit 2>/dev/null)" ]; then
    "$VENV/python" manage.py collectstatic --noinput -v 0
  fi
  # The demo logins are public; --allow-production is right for this throw-away stack only.
  "$VENV/python" manage.py seed_demo --allow-production >"$OUT/seed_demo.txt"
}

wait_healthy() {
  load_env
  local deadline=$((SECONDS + UP_TIMEOUT)) body=""
  while [ $SECONDS -lt $deadline ]; do
    body="$(http_get "$STACK_URL/healthz")"
    if [[ "$body" == *'"status": "ok"'* && "$body" == *'"celery": "ok'* ]]; then
      log "up on $STACK_URL: $body"
      return 0
    fi
    for name in "${COMPONENTS[@]}"; do
      alive "$name" || die "$name exited during start-up; see $OUT/$name.log"
    done
    sleep 0.5
  done
  die "not healthy after ${UP_TIMEOUT}s (last /healthz: ${body:-no answer}); logs in $OUT"
}

up() {
  mkdir -p "$OUT"
  start_component redis
  prepare_database
  start_component worker
  start_component beat
  start_component web
  wait_healthy
}

down() {
  stop_component web
  stop_component beat
  stop_component worker 30
  stop_component redis
}

status() {
  load_env
  for name in "${COMPONENTS[@]}"; do
    if alive "$name"; then echo "$name: running (pid $(pid_of "$name"))"; else echo "$name: stopped"; fi
  done
  echo "healthz: $(http_get "$STACK_URL/healthz")"
}

reset() {
  down
  load_env
  psql_admin -c "DROP DATABASE IF EXISTS \"$STACK_DB\" WITH (FORCE)"
  rm -rf "$OUT/media" "$OUT/mail" "$OUT/redis" "$OUT/celerybeat-schedule"
  up
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  reset) reset ;;
  env) stack_env ;;
  start) start_component "${2:?part}" ;;
  stop) stop_component "${2:?part}" ;;
  kill) kill_component "${2:?part}" ;;
  *) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
