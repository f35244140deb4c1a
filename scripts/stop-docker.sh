#!/usr/bin/env bash
# Stops the Docker engine scripts/start-docker.sh started (and only that one).
set -euo pipefail
pidfile=/run/lesson-harness/dockerd.pid
[[ -f $pidfile ]] || exit 0
pid=$(cat "$pidfile")
if kill -0 "$pid" 2>/dev/null; then
  kill -TERM "$pid"
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
fi
rm -f "$pidfile"
