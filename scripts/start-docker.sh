#!/usr/bin/env bash
# Makes sure a Docker engine answers (the kind provider needs one). Machines like these have
# Debian's docker.io installed by scripts/setup.sh but no engine running and no systemd to run it:
# start dockerd in the background, on its default unix socket only (no TCP listener).
set -euo pipefail
if docker info >/dev/null 2>&1; then exit 0; fi
command -v dockerd >/dev/null || { echo "start-docker: dockerd is missing; install Debian's docker.io (sudo apt-get install docker.io)" >&2; exit 1; }
[[ $(id -u) -eq 0 ]] || { echo "start-docker: starting dockerd needs root" >&2; exit 1; }
log=/var/log/lesson-harness-dockerd.log
echo "start-docker: starting dockerd (log: $log)…" >&2
nohup dockerd --host unix:///var/run/docker.sock >"$log" 2>&1 &
# Remember that this engine is ours, so scripts/stop-docker.sh stops it and never another one.
mkdir -p /run/lesson-harness && echo $! > /run/lesson-harness/dockerd.pid
for _ in $(seq 1 150); do
  if docker info >/dev/null 2>&1; then echo "start-docker: engine ready" >&2; exit 0; fi
  sleep 0.2
done
echo "start-docker: dockerd did not answer within 30 s; last lines of $log:" >&2
tail -n 15 "$log" >&2
exit 1
