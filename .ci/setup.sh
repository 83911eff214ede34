#!/usr/bin/env bash
# Idempotent setup shared by `make run` and `make test`: system packages,
# the virtualenv, front-end packages, the embedded PostGIS and the schema.
# Usage: .ci/setup.sh run|test
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
MODE=${1:-run}
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# --- Debian packages -------------------------------------------------------
pkgs=(postgresql-15 postgresql-15-postgis-3 postgresql-contrib gdal-bin libgdal32 libgeos-c1v5
      libproj25 gettext ca-certificates)
command -v npm >/dev/null 2>&1 || pkgs+=(nodejs npm)
command -v python3.11 >/dev/null 2>&1 || pkgs+=(python3.11 python3.11-venv)
python3.11 -c 'import ensurepip' >/dev/null 2>&1 || pkgs+=(python3.11-venv)
# LibreOffice (Writer, headless): the documents test opens every generated DOCX in it.
if [ "$MODE" = test ]; then pkgs+=(chromium fonts-dejavu-core libreoffice-writer-nogui); fi
# pyvips (bench extra) loads the system libvips, the reference for photo derivatives.
if [ "$MODE" = bench ]; then pkgs+=(libvips42); fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "Installing Debian packages: ${missing[*]}"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- Python virtualenv -----------------------------------------------------
mkdir -p var
PY=python3.11
if [ ! -x .venv/bin/python ]; then
  say "Creating .venv"
  $PY -m venv .venv
fi
# Optional extras installed beside the pinned dependencies: dev always, bench for `make bench`.
EXTRAS="dev"
if [ "$MODE" = bench ]; then EXTRAS="dev bench"; fi
req_hash=$( (cat pyproject.toml; echo "$EXTRAS") | sha256sum | cut -c1-16)
if [ "$(cat .venv/.deps 2>/dev/null)" != "$req_hash" ]; then
  say "Installing pinned Python packages"
  EXTRAS="$EXTRAS" .venv/bin/python - > var/requirements.txt <<'PYEOF'
import os
import tomllib
data = tomllib.load(open("pyproject.toml", "rb"))
deps = list(data["project"]["dependencies"])
for extra in os.environ["EXTRAS"].split():
    deps += data["project"]["optional-dependencies"][extra]
for dep in deps:
    print(dep)
PYEOF
  .venv/bin/pip install -q --disable-pip-version-check --upgrade pip >/dev/null
  .venv/bin/pip install -q --disable-pip-version-check -r var/requirements.txt
  echo "$req_hash" > .venv/.deps
fi

# --- Front-end packages (served as static files; nothing from a CDN) -------
lock_hash=$(cat frontend/package.json frontend/package-lock.json | sha256sum | cut -c1-16)
if [ "$(cat frontend/node_modules/.deps 2>/dev/null)" != "$lock_hash" ]; then
  say "Installing front-end packages"
  (cd frontend && npm ci --no-audit --no-fund --loglevel=error)
  echo "$lock_hash" > frontend/node_modules/.deps
fi

# --- Database --------------------------------------------------------------
if [ -z "${DATABASE_URL:-}" ]; then
  .ci/pg.sh start
  DATABASE_URL=$(cat var/database_url)
fi
export DATABASE_URL

# --- Translations ----------------------------------------------------------
.venv/bin/python manage.py compilemessages --ignore=.venv --ignore=frontend/node_modules -v 0

if [ "$MODE" = run ]; then
  .venv/bin/python manage.py migrate --no-input -v 0
  .venv/bin/python manage.py load_demo
fi
