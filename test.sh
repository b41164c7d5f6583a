#!/usr/bin/env bash
# The one test command: format check, build, every test (with a private PostgreSQL on loopback).
# Ends with one line: "N passed, N failed[, N skipped]".
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# --- what the tests need from the machine -------------------------------------------------------
need=()
pg_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
[ -x "$pg_bin/initdb" ] || need+=(postgresql)
command -v espeak-ng > /dev/null || need+=(espeak-ng)
command -v sox > /dev/null || need+=(sox)
[ -x /usr/bin/chromium ] || need+=(chromium fonts-dejavu-core)
if [ ${#need[@]} -gt 0 ]; then
  echo "test.sh: installing ${need[*]}"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" > /dev/null
  pg_bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
fi

# --- s3rver: S3-compatible server for the recording-storage tests (npm, local to .tools/) ---------
# Installed once into .tools/node_modules (ignored by git); each test starts its own on a loopback port.
s3rver_bin="$(pwd)/.tools/node_modules/.bin/s3rver"
if [ ! -x "$s3rver_bin" ]; then
  if ! command -v npm > /dev/null; then
    echo "test.sh: installing npm"
    sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends nodejs npm > /dev/null
  fi
  echo "test.sh: installing s3rver into .tools/"
  mkdir -p .tools
  CI=true npm install --prefix .tools --no-save --no-package-lock --no-audit --no-fund --loglevel=error s3rver@3.7.1 < /dev/null > /dev/null
fi
export SWITCHBOARD_TEST_S3RVER="$s3rver_bin"
# The admin console's browser tests drive Debian's Chromium with Playwright (no browser download).
export SWITCHBOARD_TEST_CHROMIUM=/usr/bin/chromium

# --- format and build ---------------------------------------------------------------------------
dotnet format Switchboard.slnx --verify-no-changes
dotnet build Switchboard.slnx -c Release -nologo -v quiet

# --- a private PostgreSQL on a loopback port, as a non-root user --------------------------------
pg_dir="$(mktemp -d /tmp/switchboard-pg.XXXXXX)"
pg_port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()' 2>/dev/null || echo 55432)"
as_pg=()
if [ "$(id -u)" -eq 0 ]; then
  id postgres > /dev/null 2>&1 || useradd --system --no-create-home postgres
  chown postgres "$pg_dir"
  as_pg=(runuser -u postgres --)
fi
"${as_pg[@]}" "$pg_bin/initdb" -D "$pg_dir/data" -U postgres -A trust > "$pg_dir/initdb.log"
"${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -o "-h 127.0.0.1 -p $pg_port -k $pg_dir -F" -l "$pg_dir/log" -w start > /dev/null
stop_pg() { "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -m fast stop > /dev/null 2>&1 || true; rm -rf "$pg_dir"; }
trap stop_pg EXIT
export SWITCHBOARD_TEST_POSTGRES="Host=127.0.0.1;Port=$pg_port;Username=postgres"

# --- tests --------------------------------------------------------------------------------------
results="$(pwd)/TestResults"
rm -rf "$results"
status=0
dotnet test Switchboard.slnx -c Release --no-build --logger "trx" --results-directory "$results" -- RunConfiguration.TestSessionTimeout=3000000 || status=$?

passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters="$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)"
  get() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  passed=$((passed + $(get passed))); failed=$((failed + $(get failed)))
  skipped=$((skipped + $(get notExecuted)))
done
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; echo "test.sh: the test run itself failed (exit $status)"; fi
summary="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && summary="$summary, $skipped skipped"
echo "$summary"
[ "$failed" -eq 0 ]
