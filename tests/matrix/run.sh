#!/usr/bin/env bash
# The route × role matrix (tests/matrix/matrix.mjs) against a real `huiqi serve`: a fresh
# database with the demo data (SQLite, or PostgreSQL when HUIQI_DB is set, as with_postgres.sh
# does), the server on a free port, then every route × every principal.
#   tests/matrix/run.sh <huiqi binary> [data dir]        (ctest: matrix, matrix_postgresql)
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
HUIQI=${1:-$root/build/huiqi}
export HUIQI_DATA_DIR=${2:-$root/data}
command -v node >/dev/null || { echo "matrix: node is not installed (scripts/install-deps)" >&2; exit 1; }
tmp=$(mktemp -d)
server_pid=""
cleanup() {
  [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
export HUIQI_STATE_DIR=$tmp
db=${HUIQI_DB:-"sqlite:$tmp/h.db"}
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null \
       || node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
base="http://127.0.0.1:$port"
{ "$HUIQI" migrate --db "$db" && "$HUIQI" seed-demo --db "$db"; } >"$tmp/setup.log" 2>&1 \
  || { cat "$tmp/setup.log"; echo "matrix: setting up the demo data failed" >&2; exit 1; }
"$HUIQI" serve --db "$db" --listen "127.0.0.1:$port" --demo-identity >"$tmp/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 150); do curl -sf "$base/api/v1/health" >/dev/null 2>&1 && break; sleep 0.1; done
if ! curl -sf "$base/api/v1/health" >/dev/null; then
  cat "$tmp/server.log"; echo "matrix: the server did not start on $base" >&2; exit 1
fi
HUIQI_URL=$base node "$root/tests/matrix/matrix.mjs"
rc=$?
if [[ $rc -ne 0 ]]; then
  echo "--- server log (errors) ---"; grep -E '\[(error|critical)\]' "$tmp/server.log" | tail -20
fi
exit $rc
