# One image for web (gunicorn), worker and beat (celery); see docker-compose.yml.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint renders letters with Pango and HarfBuzz. fonts-liberation has the metrics of Times New Roman
# and Arial: without it letters fall back to the wider DejaVu and spill onto a second page (STACK.md §2).
# gettext provides msgfmt for compilemessages.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        fonts-liberation libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b gettext \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .

# Settings refuse to load without a secret key; these build steps need none of the real configuration,
# and the dummy key lives only in this RUN step, never in the image's environment.
RUN SECRET_KEY=build-only-not-a-secret STATIC_MANIFEST=true python manage.py collectstatic --noinput -v 0 \
    && SECRET_KEY=build-only-not-a-secret python manage.py compilemessages -v 0

# Uploaded documents and issued letters live on a volume, writable by the unprivileged user only. /srv/static
# is where the compose `static` service copies the collected static files for nginx.
RUN useradd --system --user-group --uid 10001 --home-dir /app --no-create-home --shell /usr/sbin/nologin app \
    && mkdir -p /data/media /srv/static \
    && chown app:app /data/media /srv/static

ENV MEDIA_ROOT=/data/media \
    XDG_CACHE_HOME=/tmp/.cache
USER app
EXPOSE 8000

# WEB_CONCURRENCY (read by gunicorn) sets the number of worker processes. No gunicorn access log: the
# portal writes one JSON line per request itself, without the query strings gunicorn would log.
CMD ["gunicorn", "pelayanan.wsgi:application", "--bind", "0.0.0.0:8000", \
     "--max-requests", "1000", "--max-requests-jitter", "100"]
