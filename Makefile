# Two commands for people: `make run` and `make test`. The rest are for operators and CI.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/pelayanan_test
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15

.PHONY: run test venv migrate demo serve lint worker beat bench samples messages clean backup restore stack-up stack-down load chaos

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements-dev.txt
	touch $(STAMP)

venv: $(STAMP)

## make run: a working portal on http://127.0.0.1:8000 (SQLite and eager Celery unless DATABASE_URL/REDIS_URL are set)
run: export DEBUG ?= true
run: $(STAMP)
	$(PY) manage.py migrate --noinput
	-command -v msgfmt >/dev/null && $(PY) manage.py compilemessages --ignore=.venv -v 0
	$(PY) manage.py collectstatic --noinput -v 0
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver 127.0.0.1:8000

## make test: lint, checks and the whole pytest suite on PostgreSQL and Redis
test: export DATABASE_URL = $(TEST_DATABASE_URL)
test: export REDIS_URL = $(TEST_REDIS_URL)
test: export DEBUG = false
test: export SECRET_KEY = test-secret-key-not-for-production-0123456789abcdef
test: export CELERY_TASK_ALWAYS_EAGER = true
test: export DJANGO_ALLOW_ASYNC_UNSAFE = true
test: $(STAMP)
	$(VENV)/bin/ruff check .
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest $(PYTEST_ARGS)

worker: $(STAMP)
	$(VENV)/bin/celery -A pelayanan worker -l info --concurrency=2 --max-tasks-per-child=200

beat: $(STAMP)
	$(VENV)/bin/celery -A pelayanan beat -l info

## make backup: the database (DATABASE_URL, pg_dump custom format) and MEDIA_ROOT in one file under backups/
backup: $(STAMP)
	$(PY) manage.py backup

## make restore FILE=backups/pelayanan-....tar [REPLACE=1]: into DATABASE_URL and MEDIA_ROOT (created if missing)
restore: $(STAMP)
	@test -n "$(FILE)" || { echo "usage: make restore FILE=backups/pelayanan-YYYYMMDD-HHMMSSZ.tar [REPLACE=1]"; exit 2; }
	$(PY) manage.py restore "$(FILE)" $(if $(REPLACE),--replace)

## The production-like stack on 127.0.0.1:8100 and the load/fault benchmarks (bench/README.md)
stack-up: $(STAMP)
	bench/stack.sh up

stack-down:
	bench/stack.sh down

load: $(STAMP)
	$(PY) bench/load.py

chaos: $(STAMP)
	$(PY) bench/chaos.py

## make bench: letter figures (bench/letters.py; PostgreSQL and Redis from DATABASE_URL/REDIS_URL). BENCH_ARGS="--count 100"
## and the staff queue at 100,000 requests (bench/admin_queue.py; its own pelayanan_bench database unless DATABASE_URL is set)
## and the public pages: Django floor, gunicorn, nginx micro-cache, nginx static (bench/public.sh; needs wrk and nginx)
bench: $(STAMP)
	$(PY) bench/letters.py $(BENCH_ARGS)
	$(PY) bench/admin_queue.py --rows 100000
	bench/public.sh

## make samples: sample letters (made-up people, the wording in the database) as PDF + PNG in samples/ (git-ignored)
samples: export DEBUG ?= true
samples: $(STAMP)
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py letter_samples --out samples
	for f in samples/*.pdf; do pdftoppm -png -r 100 -singlefile "$$f" "$${f%.pdf}"; done

messages: $(STAMP)
	$(PY) manage.py makemessages -l en --ignore=.venv --ignore=bench --ignore=tests
	$(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) staticfiles db.sqlite3
