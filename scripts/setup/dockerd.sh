#!/usr/bin/env bash
# Starts, stops and checks a Docker Engine for the tests on machines where nothing starts
# one (CI, a plain VM without systemd).
#   dockerd.sh start    no-op if an Engine already answers; else run dockerd in the
#                       background and wait (bounded) until /_ping answers
#   dockerd.sh stop     stop the dockerd THIS script started (its pid file), wait until gone;
#                       an Engine started any other way is left alone
#   dockerd.sh restart  stop + start; integration tests use it to simulate a daemon restart
#                       (exits 2 when the running Engine is not ours, since it cannot restart it)
#   dockerd.sh status   print whether the Engine answers and who owns it; exit 0 if it answers
# Log: .cache/dockerd.log, pid file: .cache/dockerd.pid (in the repo).
# Env: DOCKERD_START_TIMEOUT (s, default 30), DOCKERD_STOP_TIMEOUT (s, default 60).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cache="$root/.cache"
log_file="$cache/dockerd.log"
pid_file="$cache/dockerd.pid"
lock_file="$cache/dockerd.lock"
socket=/var/run/docker.sock
start_timeout="${DOCKERD_START_TIMEOUT:-30}"
stop_timeout="${DOCKERD_STOP_TIMEOUT:-60}"

# A DOCKER_HOST that is not the default socket is someone else's Engine: we only check it.
foreign_host=0
case "${DOCKER_HOST:-}" in
  "" | "unix://$socket") ;;
  *) foreign_host=1 ;;
esac

say() { echo "dockerd.sh: $*" >&2; }

engine_answers() {
  if ((foreign_host == 0)) && command -v curl >/dev/null; then
    [[ -S "$socket" ]] && [[ "$(curl -s --max-time 2 --unix-socket "$socket" http://localhost/_ping 2>/dev/null)" == OK ]]
  else
    timeout 5 docker version --format '{{.Server.Version}}' >/dev/null 2>&1
  fi
}

# The pid in our pid file, if that process is still a dockerd (guards against pid reuse).
our_pid() {
  local pid
  [[ -s "$pid_file" ]] || return 1
  pid="$(<"$pid_file")"
  [[ "$pid" =~ ^[0-9]+$ ]] && [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == dockerd ]] || return 1
  echo "$pid"
}

wait_until_answers() {
  local pid="$1" deadline=$((SECONDS + start_timeout))
  until engine_answers; do
    if [[ -n "$pid" ]] && ! kill -0 "$pid" 2>/dev/null; then
      say "dockerd (pid $pid) exited during startup; last lines of $log_file:"
      tail -n 30 "$log_file" >&2 || true
      return 1
    fi
    if ((SECONDS >= deadline)); then
      say "Engine did not answer on $socket within ${start_timeout}s; last lines of $log_file:"
      tail -n 30 "$log_file" >&2 || true
      return 1
    fi
    sleep 0.2
  done
}

do_start() {
  engine_answers && return 0
  if ((foreign_host == 1)); then
    say "DOCKER_HOST=$DOCKER_HOST does not answer; start that Engine, or unset DOCKER_HOST"
    return 1
  fi
  # A dockerd that is already starting up (ours or someone else's): wait for it, a second
  # one would fail on the same pid file and socket.
  local running
  running="$(pgrep -x dockerd | head -n 1 || true)"
  if [[ -n "$running" ]]; then
    wait_until_answers "$running"
    return
  fi
  if ((EUID != 0)); then
    say "no Docker Engine answers on $socket and starting one needs root (try: sudo systemctl start docker)"
    return 1
  fi
  command -v dockerd >/dev/null || { say "dockerd not found: run scripts/setup/install-packages.sh"; return 1; }
  # setsid: its own session, so a Ctrl-C or a test runner killing its process group does
  # not take the daemon down. 9>&-: it must not inherit our lock. Output to the log only,
  # so no caller's pipe stays open.
  echo "--- $(date -u +%FT%TZ) dockerd.sh start" >>"$log_file"
  setsid dockerd >>"$log_file" 2>&1 </dev/null 9>&- &
  local pid=$!
  echo "$pid" >"$pid_file"
  if ! wait_until_answers "$pid"; then
    kill "$pid" 2>/dev/null || true
    rm -f "$pid_file"
    return 1
  fi
  # $! is dockerd itself (setsid only forks when already a group leader, which a job of a
  # non-interactive shell never is); cross-check with dockerd's own pid file anyway.
  if [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" != dockerd ]] && [[ -s /var/run/docker.pid ]]; then
    pid="$(</var/run/docker.pid)"
    echo "$pid" >"$pid_file"
  fi
  say "started dockerd (pid $pid), log $log_file"
}

do_stop() {
  local pid
  if ! pid="$(our_pid)"; then
    rm -f "$pid_file"
    if pgrep -x dockerd >/dev/null; then say "the running dockerd was not started by this script: left alone"; fi
    return 0
  fi
  kill -TERM "$pid"
  # dockerd stops its containers first (each up to its stop timeout), so allow for that.
  local deadline=$((SECONDS + stop_timeout))
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      say "dockerd (pid $pid) still running after ${stop_timeout}s: killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    sleep 0.2
  done
  rm -f "$pid_file"
  say "stopped dockerd (pid $pid)"
}

do_status() {
  local pid owner="not started by dockerd.sh"
  pid="$(our_pid)" && owner="started by dockerd.sh, pid $pid"
  if engine_answers; then
    echo "Engine answers (${DOCKER_HOST:-unix://$socket}); $owner"
  else
    echo "Engine does not answer (${DOCKER_HOST:-unix://$socket}); $owner"
    return 3
  fi
}

cmd="${1:-}"
case "$cmd" in
  start | stop | restart | status) ;;
  *) echo "usage: $0 start|stop|restart|status" >&2; exit 64 ;;
esac
[[ "$cmd" == status ]] && { do_status; exit; }

mkdir -p "$cache"
# One start/stop at a time: parallel test files or setup steps may call this together.
exec 9>>"$lock_file"
flock 9

case "$cmd" in
  start) do_start ;;
  stop) do_stop ;;
  restart)
    if ! our_pid >/dev/null && engine_answers; then
      say "cannot restart: the running Engine was not started by this script"
      exit 2
    fi
    do_stop
    do_start
    ;;
esac
