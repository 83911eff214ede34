# The TTXD web image: gunicorn serving Django, static files via WhiteNoise.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=backend.settings

# GeoDjango's C libraries, gettext for the translations, npm for Leaflet & co.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      gdal-bin libgdal32 libgeos-c1v5 libproj25 gettext nodejs npm \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml ./
RUN python - <<'PY' > /tmp/requirements.txt
import tomllib
print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"]))
PY
RUN pip install --no-cache-dir -r /tmp/requirements.txt

COPY frontend/package.json frontend/package-lock.json frontend/
RUN cd frontend && npm ci --omit=dev --no-audit --no-fund

COPY . .
# Build-time only: settings need a database URL to import; nothing connects.
RUN DATABASE_URL=postgis://build@localhost/build DJANGO_SECRET_KEY=build \
      python manage.py compilemessages --ignore=frontend/node_modules -v 0 \
 && DATABASE_URL=postgis://build@localhost/build DJANGO_SECRET_KEY=build \
      python manage.py collectstatic --no-input -v 0 \
 && useradd --system --home /app ttxd && mkdir -p /app/var && chown ttxd /app/var

USER ttxd
EXPOSE 8000
# Threaded workers, bounded requests: see deploy/gunicorn.conf.py.
CMD ["gunicorn", "--config", "deploy/gunicorn.conf.py", "backend.wsgi:application"]
