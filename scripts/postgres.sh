#!/usr/bin/env bash
# A local PostgreSQL for tests, CI and a user trying daftar's stores beyond one machine.
#
#   scripts/postgres.sh start    initdb (once), start on 127.0.0.1:<free port>, wait until it answers
#   scripts/postgres.sh status   is it up?
#   scripts/postgres.sh stop     stop the server this script started (its data folder), nothing else
#
# `start` and `status` print the database's URL (postgresql://daftar@127.0.0.1:PORT/daftar) as their
# last line, so
#   export DAFTAR_DATABASE_URL=$(scripts/postgres.sh start | tail -n1)
# is all a caller needs.
#
# Debian's PostgreSQL (`apt install postgresql`), not its packaged cluster: this script makes its
# own, which listens on loopback only and trusts whoever connects there (tests and trials; a
# production server has its own users and passwords, given in the URL).
#
# Where things go (every one can be overridden from the environment):
#   DAFTAR_PG_BIN     the PostgreSQL programs (default: the newest /usr/lib/postgresql/*/bin)
#   DAFTAR_PG_BASE    server state. PostgreSQL refuses to run as root, so as root it runs as the
#                     unprivileged user `daftar-pg`, which cannot read /root: the default is then
#                     /var/lib/daftar-pg, else ${DAFTAR_CACHE:-~/.cache/daftar}/postgres.
#   DAFTAR_PG_RUN     this server's data, socket, log and port (default: one folder per checkout
#                     under $DAFTAR_PG_BASE/run/, so two checkouts never share a server)
#   DAFTAR_PG_USER    the unprivileged user when run as root (default daftar-pg)
#   DAFTAR_PG_TIMEOUT seconds to wait for the server to answer (default 60)
set -euo pipefail
# The folders made here must let the server's user through: a caller's umask may be 077 (daftar's
# own processes make their files owner-only, and tests start servers from inside them).
umask 022

CACHE="${DAFTAR_CACHE:-$HOME/.cache/daftar}"
PG_USER="${DAFTAR_PG_USER:-daftar-pg}"
TIMEOUT="${DAFTAR_PG_TIMEOUT:-60}"
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATABASE=daftar  # the database, and the role daftar connects as

if [[ $(id -u) -eq 0 ]]; then
  BASE="${DAFTAR_PG_BASE:-/var/lib/daftar-pg}"
else
  BASE="${DAFTAR_PG_BASE:-$CACHE/postgres}"
fi
CHECKOUT_KEY="$(printf '%s' "$REPO_ROOT" | sha256sum | cut -c1-12)"
RUN="${DAFTAR_PG_RUN:-$BASE/run/$CHECKOUT_KEY}"
DATA="$RUN/data"
PORT_FILE="$RUN/port"

log() { echo "postgres.sh: $*" >&2; }
die() { log "$*"; exit 1; }

find_bin() {
  if [[ -n ${DAFTAR_PG_BIN:-} ]]; then
    echo "$DAFTAR_PG_BIN"; return
  fi
  local newest
  newest="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)"
  [[ -x $newest/postgres ]] || die "PostgreSQL not found in /usr/lib/postgresql (apt install postgresql), or set DAFTAR_PG_BIN"
  echo "$newest"
}
BIN="$(find_bin)"

# The port named when no one listens on it (the last start's: a restarted server keeps its URL,
# so clients connect again), else a free one. SO_REUSEADDR, as PostgreSQL binds: the old server's
# closed connections do not count.
free_port() {
  python3 -c 'import socket, sys
for port in (int(sys.argv[1] or 0), 0):
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            continue
        print(s.getsockname()[1])
        break' "${1:-}"
}

ensure_user() {
  id "$PG_USER" >/dev/null 2>&1 && return
  log "creating unprivileged user $PG_USER (PostgreSQL refuses to run as root)"
  useradd --system --no-create-home --home-dir "$BASE" --shell /usr/sbin/nologin "$PG_USER"
}

# Runs a command as the user that owns the server: ourselves, or daftar-pg when we are root (from
# a folder that user may enter: PostgreSQL's programs complain about one they cannot).
as_server_user() {
  if [[ $(id -u) -eq 0 ]]; then
    (cd "$BASE" && runuser -u "$PG_USER" -- "$@")
  else
    "$@"
  fi
}

psql_at() {  # psql as daftar's role on the server's port: database, then psql's arguments
  local database="$1"; shift
  "$BIN/psql" -h 127.0.0.1 -p "$(cat "$PORT_FILE")" -U "$DATABASE" -d "$database" -tAq "$@"
}

url() { echo "postgresql://$DATABASE@127.0.0.1:$(cat "$PORT_FILE")/$DATABASE"; }

answers() {  # the server is up and the database is there
  [[ -s $PORT_FILE ]] && psql_at "$DATABASE" -c 'SELECT 1' >/dev/null 2>&1
}

running() { as_server_user "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; }

init_cluster() {
  [[ -s $DATA/PG_VERSION ]] && return
  log "initdb in $DATA"
  mkdir -p "$RUN"
  local tmp="$RUN/data.new"
  rm -rf "$tmp"
  [[ $(id -u) -eq 0 ]] && chown "$PG_USER:" "$RUN"
  # Made beside its final place and moved in one step: an interrupted initdb never leaves a data
  # folder that looks complete. C.UTF-8: text sorts by code point, as SQLite's does.
  as_server_user "$BIN/initdb" -D "$tmp" -U "$DATABASE" --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$RUN/initdb.log" 2>&1 \
    || { tail -n 20 "$RUN/initdb.log" >&2; die "initdb failed"; }
  mv "$tmp" "$DATA"
}

start() {
  if running && answers; then
    url; return
  fi
  [[ $(id -u) -eq 0 ]] && ensure_user
  mkdir -p "$BASE"
  [[ $(id -u) -eq 0 ]] && chown "$PG_USER:" "$BASE"
  init_cluster
  if ! running; then
    local port
    port="$(free_port "$(cat "$PORT_FILE" 2>/dev/null || true)")"
    echo "$port" >"$PORT_FILE"
    log "starting PostgreSQL ($BIN) on 127.0.0.1:$port, data $DATA"
    # Loopback only; the socket in the run folder (the packaged /var/run/postgresql may not be
    # ours to write). synchronous_commit off: a crash may lose the last moments, never corrupt.
    as_server_user "$BIN/pg_ctl" -D "$DATA" -l "$RUN/server.log" -w -t "$TIMEOUT" \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $RUN -c max_connections=200 -c synchronous_commit=off" start >/dev/null \
      || { tail -n 20 "$RUN/server.log" >&2; die "PostgreSQL did not start"; }
  fi
  if [[ -z $(psql_at postgres -c "SELECT 1 FROM pg_database WHERE datname = '$DATABASE'") ]]; then
    psql_at postgres -c "CREATE DATABASE $DATABASE" >/dev/null
  fi
  answers || die "PostgreSQL does not answer on port $(cat "$PORT_FILE"); see $RUN/server.log"
  url
}

status() {
  if running && answers; then
    log "running, data $DATA"
    url
  else
    echo "not running"
    exit 1
  fi
}

stop() {
  if ! running; then
    echo "not running"
    return
  fi
  as_server_user "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null
  echo "stopped"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
