#!/usr/bin/env bash
# veraPDF, the PDF/A validator archivists use, for tests, CI and anyone checking the archive.
#
#   scripts/verapdf.sh fetch            fetch it once from Maven Central (org.verapdf.apps:greenfield-apps)
#   scripts/verapdf.sh path             print the launcher's path (fetching first if needed)
#   scripts/verapdf.sh [ARGS...] FILE…  run its command line, e.g. `--flavour 2b --format text a.pdf`
#
# The jars are copied with `mvn dependency:copy-dependencies` from a two-line pom into a cache
# folder outside the repo; a launcher there runs org.verapdf.apps.GreenfieldCliWrapper on that
# classpath with `java` (11 or newer). Overridable from the environment:
#   DAFTAR_VERAPDF_VERSION   veraPDF version (default below)
#   DAFTAR_CACHE             download cache (default ~/.cache/daftar)
#   DAFTAR_VERAPDF_JAVA      the java to run it with (default: java on PATH)
set -euo pipefail

VERSION="${DAFTAR_VERAPDF_VERSION:-1.28.2}"
CACHE="${DAFTAR_CACHE:-$HOME/.cache/daftar}"
HOME_DIR="$CACHE/verapdf-$VERSION"
LAUNCHER="$HOME_DIR/verapdf"

log() { echo "verapdf.sh: $*" >&2; }
die() { log "$*"; exit 1; }

fetch() {
  [[ -x $LAUNCHER ]] && return
  command -v mvn >/dev/null || die "mvn not found: it fetches veraPDF from Maven Central"
  mkdir -p "$CACHE"
  local tmp
  tmp="$(mktemp -d "$CACHE/verapdf-fetch.XXXXXX")"
  cat >"$tmp/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>daftar</groupId><artifactId>verapdf-fetch</artifactId><version>1</version>
  <dependencies>
    <dependency><groupId>org.verapdf.apps</groupId><artifactId>greenfield-apps</artifactId><version>$VERSION</version></dependency>
  </dependencies>
</project>
EOF
  log "fetching org.verapdf.apps:greenfield-apps:$VERSION with Maven"
  mvn -q -B -Dstyle.color=never -f "$tmp/pom.xml" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$tmp/lib" >&2 || { rm -rf "$tmp"; die "could not fetch veraPDF $VERSION"; }
  rm "$tmp/pom.xml"
  cat >"$tmp/verapdf" <<'EOF'
#!/usr/bin/env bash
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec "${DAFTAR_VERAPDF_JAVA:-java}" -Xss8m -cp "$here/lib/*" org.verapdf.apps.GreenfieldCliWrapper "$@"
EOF
  chmod +x "$tmp/verapdf"
  # Moved into place in one step: an interrupted fetch never leaves a launcher without its jars.
  rm -rf "$HOME_DIR"
  mv "$tmp" "$HOME_DIR"
}

case "${1:-}" in
  fetch) fetch ;;
  path) fetch; echo "$LAUNCHER" ;;
  ""|-h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' ;;
  *) fetch; exec "$LAUNCHER" "$@" ;;
esac
