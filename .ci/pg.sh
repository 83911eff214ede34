#!/usr/bin/env bash
# The embedded PostGIS: a project-local PostgreSQL 15 cluster.
# Usage: .ci/pg.sh start|stop|status|url
#
# PostgreSQL refuses to run as root, so as root the cluster belongs to the
# `postgres` system user. Its data lives under var/ when that user can reach
# the checkout, else under /var/tmp (a checkout in a private home is not
# reachable). It listens on 127.0.0.1 only, on a port derived from the
# checkout path so two clones on one machine do not clash, and on no Unix
# socket (socket paths are limited to ~107 bytes).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PGBIN=/usr/lib/postgresql/15/bin
sum=$(printf '%s' "$ROOT" | cksum | cut -d' ' -f1)
PORT=$((15433 + sum % 5000))
mkdir -p var

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if [ "$(id -u)" -eq 0 ] && ! runuser -u postgres -- test -x "$ROOT/var" 2>/dev/null; then
  BASE=/var/tmp/ttxd-$sum
else
  BASE=$ROOT/var/postgres
fi
DATA=$BASE/data
LOG=$BASE/postgres.log
URL="postgis://ttxd@127.0.0.1:$PORT/ttxd"

running() { as_owner "$PGBIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; }

start() {
  if [ ! -s "$DATA/PG_VERSION" ]; then
    echo "==> Initialising the embedded PostGIS cluster in $DATA"
    mkdir -p "$BASE"
    [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$BASE"
    # Trust on loopback only: a development cluster that no other host can reach.
    as_owner "$PGBIN/initdb" -D "$DATA" -U ttxd --auth=trust --encoding=UTF8 \
      --locale=C.UTF-8 >/dev/null
  fi
  if ! running; then
    # A crash leaves postmaster.pid behind; drop it when its process is gone.
    if [ -f "$DATA/postmaster.pid" ]; then
      pid=$(head -1 "$DATA/postmaster.pid")
      if ! kill -0 "$pid" 2>/dev/null || ! grep -q postgres "/proc/$pid/comm" 2>/dev/null; then
        rm -f "$DATA/postmaster.pid"
      fi
    fi
    echo "==> Starting PostGIS on 127.0.0.1:$PORT"
    as_owner "$PGBIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 \
      -o "-p $PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c synchronous_commit=off" \
      start >/dev/null || { tail -20 "$LOG" >&2; exit 1; }
  fi
  psql() { /usr/bin/psql -X -q -h 127.0.0.1 -p "$PORT" -U ttxd "$@"; }
  if [ "$(psql -d postgres -tAc "select 1 from pg_database where datname='ttxd'")" != 1 ]; then
    psql -d postgres -c "create database ttxd"
  fi
  psql -d ttxd -c "create extension if not exists postgis" 2>/dev/null
  echo "$URL" > var/database_url
}

case "${1:-start}" in
  start) start ;;
  stop) if running; then as_owner "$PGBIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null; echo "PostGIS stopped"; fi ;;
  status) running && echo "running on 127.0.0.1:$PORT ($DATA)" || echo "stopped" ;;
  url) echo "$URL" ;;
  *) echo "usage: $0 start|stop|status|url" >&2; exit 2 ;;
esac
