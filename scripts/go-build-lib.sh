# Shared by the Go builds (build-kubernetes.sh, build-containerd.sh, build-coredns.sh): the cache
# entry per version and its key, Go's presence, a progress line every 50 compiled packages, and
# recording a finished build. Sourced, not run.

# The cache folder of one build: <cache>/<name>/<version>.
build_cache() { echo "${LESSON_HARNESS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/lesson-harness}/$1/$2"; }

# use_cached LABEL CACHE KEY RESULT FILE…: when every FILE is executable and CACHE/key is KEY, says
# so and prints RESULT (the build's answer) and ends the script: nothing to build.
#
# It first takes the entry's lock (flock on CACHE.lock, held until the script ends): a second build of
# the same entry — two cold runs at once, the lanes of npm test — waits for the first and then finds
# it cached, instead of both writing one folder.
use_cached() {
  local label="$1" cache="$2" key="$3" result="$4"; shift 4
  local file
  mkdir -p "$(dirname "$cache")"
  exec 9>"$cache.lock"
  if ! flock -n 9; then
    echo "$label: another build of it is running; waiting for it…" >&2
    flock 9
  fi
  for file in "$@"; do [[ -x "$file" ]] || return 0; done
  [[ "$(cat "$cache/key" 2>/dev/null)" == "$key" ]] || return 0
  echo "$label: cached at $result" >&2
  echo "$result"
  exit 0
}

require_go() {
  command -v go >/dev/null || { echo "error: Go is missing. Install Go ≥ $1 (Debian: golang-go, or https://go.dev/dl) and re-run." >&2; exit 1; }
}

# Reads `go build -v` / `go install -v` output: compiler messages go through, each compiled package
# counts, and every 50th prints "[n/total packages compiled]" (total: $1, when known).
go_progress() {
  awk -v total="${1:-}" '
    /^#|\.go:[0-9]|^go: / { print > "/dev/stderr"; next }
    { n++; if (n % 50 == 0) { printf "  [%d%s packages compiled]\n", n, (total ? "/" total : "") > "/dev/stderr"; fflush("/dev/stderr") } }'
}

# record_build LABEL CACHE KEY STARTED RESULT: the key and the build's seconds in CACHE, a last line, RESULT printed.
record_build() {
  local label="$1" cache="$2" key="$3" started="$4" result="$5"
  echo "$key" > "$cache/key"
  echo "$((SECONDS - started))" > "$cache/build-seconds"
  echo "$label: built in $((SECONDS - started)) s → $result" >&2
  echo "$result"
}
