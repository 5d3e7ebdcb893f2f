#!/usr/bin/env bash
# Browser tests of the web app: a fresh SQLite database with the demo data and a synthetic
# archive, `huiqi serve` on a free port serving web/dist, then tests/browser/app.test.mjs drives
# Debian's chromium through playwright-core. Screenshots go to build/screenshots/ so a test run
# leaves the checkout clean; refresh the committed ones with
#   HUIQI_SCREENSHOTS=$PWD/docs/screenshots ctest --test-dir build -R browser
#   tests/browser/run.sh <huiqi binary> [data dir]      (ctest runs it as "browser")
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
HUIQI=${1:-$root/build/huiqi}
export HUIQI_DATA_DIR=${2:-$root/data}
[[ -x "$HUIQI" ]] || { echo "browser: $HUIQI is not built" >&2; exit 1; }
command -v node >/dev/null || { echo "browser: node is not installed (scripts/install-deps)" >&2; exit 1; }
[[ -x ${CHROMIUM:-/usr/bin/chromium} ]] || { echo "browser: chromium is not installed (scripts/install-deps)" >&2; exit 1; }

# The app must be built from the current sources (npm ci when needed, vite build when stale).
"$root/scripts/web-build" || { echo "browser: building web/dist failed" >&2; exit 1; }

tmp=$(mktemp -d)
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]]; then kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; fi
  # A test may have restarted the server (restartServer in app.test.mjs): its pid is in the file.
  if [[ -s "$tmp/server.pid" ]]; then kill "$(cat "$tmp/server.pid")" 2>/dev/null; sleep 0.3; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
db="sqlite:$tmp/h.db"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null \
       || node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
base="http://127.0.0.1:$port"

"$HUIQI" migrate --db "$db" >"$tmp/setup.log" 2>&1 || { cat "$tmp/setup.log"; echo "browser: migrate failed" >&2; exit 1; }
"$HUIQI" seed-demo --db "$db" >>"$tmp/setup.log" 2>&1 || { cat "$tmp/setup.log"; echo "browser: seed-demo failed" >&2; exit 1; }
"$HUIQI" gen enterprises --db "$db" --count 3000 --seed 7 >>"$tmp/setup.log" 2>&1 \
  || { cat "$tmp/setup.log"; echo "browser: gen enterprises failed" >&2; exit 1; }
serve_args=(serve --db "$db" --listen "127.0.0.1:$port" --web-dir "$root/web/dist" --demo-identity)
"$HUIQI" "${serve_args[@]}" >"$tmp/server.log" 2>&1 &
server_pid=$!
echo "$server_pid" >"$tmp/server.pid"
for _ in $(seq 1 150); do curl -sf "$base/api/v1/health" >/dev/null 2>&1 && break; sleep 0.1; done
if ! curl -sf "$base/api/v1/health" >/dev/null; then
  cat "$tmp/server.log"; echo "browser: the server did not start on $base" >&2; exit 1
fi

# What a test needs to restart the server with more flags (--demo-days-ahead: a 公示 ends).
HUIQI_URL=$base HUIQI_SCREENSHOTS=${HUIQI_SCREENSHOTS:-$root/build/screenshots} \
  HUIQI_BIN=$HUIQI HUIQI_SERVE_ARGS="$(printf '%s\n' "${serve_args[@]}")" HUIQI_SERVER_PIDFILE="$tmp/server.pid" \
  HUIQI_SERVER_LOG="$tmp/server.log" HUIQI_SMS_LOG="$tmp/sms-outbox.log" \
  node "$root/tests/browser/app.test.mjs"
rc=$?
if [[ $rc -ne 0 ]]; then
  echo "--- server log (last 40 lines) ---"; tail -n 40 "$tmp/server.log"
fi
exit $rc
