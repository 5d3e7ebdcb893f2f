#!/usr/bin/env bash
# Read load on `huiqi serve` (issue 11 item 7): a `make run`-style database (the demo content and
# 100,000 synthetic enterprises), the server on SQLite and then on a private PostgreSQL, and wrk
# on loopback against each endpoint class; prints one table. Figures: docs/benchmarks.md "Reads".
#
#   bench/read_load.sh [HUIQI_BINARY]            # default build/huiqi
#   HUIQI_READ_ENTERPRISES=100000                # archive size
#   HUIQI_READ_DURATION=10s HUIQI_READ_CONNECTIONS=32 HUIQI_READ_THREADS=2
#   HUIQI_READ_BACKENDS="sqlite postgresql"      # or one of them
#   HUIQI_READ_ONLY="health policies"            # a subset of the endpoint classes below
#   HUIQI_BENCH_DIR=build/bench-data             # the SQLite file is kept here and reused
#
# Each class is measured on its own for HUIQI_READ_DURATION after a one-second warm-up. Beside
# each figure: the 1-minute load average as the run began (our own previous run included), and
# "other cores" — the CPU that everything except this server and wrk used during the run, in
# cores (from /proc/stat). wrk and the server share the cores with whatever else runs, so only
# compare figures whose "other cores" is near 0.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
HUIQI=$(realpath "${1:-$here/build/huiqi}")
export HUIQI_DATA_DIR=${HUIQI_DATA_DIR:-$here/data}
bench_dir=$(realpath -m "${HUIQI_BENCH_DIR:-$here/build/bench-data}")
enterprises=${HUIQI_READ_ENTERPRISES:-100000}
duration=${HUIQI_READ_DURATION:-10s}
connections=${HUIQI_READ_CONNECTIONS:-32}
threads=${HUIQI_READ_THREADS:-2}
backends=${HUIQI_READ_BACKENDS:-sqlite postgresql}
command -v wrk >/dev/null || { echo "read_load: wrk is missing (scripts/install-deps)" >&2; exit 1; }
[[ -x $HUIQI ]] || { echo "read_load: no binary at $HUIQI" >&2; exit 1; }
mkdir -p "$bench_dir"

# Endpoint classes: name, path, whether it needs the enterprise session, the wrk Lua script.
# "…, uncached" adds a changing nonce parameter so every request misses the response cache
# (the handler's own cost); the plain ones are what a portal's visitors repeat.
classes=(
  "health|/api/v1/health|-|"
  "policies|/api/v1/policies?page_size=20|-|"
  "policies, uncached|/api/v1/policies?page_size=20|-|nonce"
  "policies, 304|/api/v1/policies?page_size=20|-|etag"
  "item|/api/v1/items/1|-|"
  "item, uncached|/api/v1/items/1|-|nonce"
  "search|/api/v1/search?q=%E9%AB%98%E4%BC%81%E5%A5%96%E5%8A%B1|-|"
  "search, uncached|/api/v1/search?q=%E9%AB%98%E4%BC%81%E5%A5%96%E5%8A%B1|-|nonce"
  "search mix, uncached|/api/v1/search|-|mix"
  "me/matches|/api/v1/me/matches|session|"
)

tmp=$(mktemp -d /tmp/huiqi-read-XXXXXX)
server_pid=""
cleanup() {
  [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT

# Lua for wrk: a nonce per request, an If-None-Match from a first answer, or a mix of queries.
cat >"$tmp/nonce.lua" <<'LUA'
local n = 0
request = function()
  n = n + 1
  local sep = string.find(wrk.path, "?", 1, true) and "&" or "?"
  return wrk.format(nil, wrk.path .. sep .. "_n=" .. n .. "_" .. math.random(1e9))
end
LUA
cat >"$tmp/mix.lua" <<'LUA'
local queries = {"高企奖励", "专精特新", "研发费用加计扣除", "小巨人", "首台套", "人才", "技术改造",
                 "知识产权", "稳岗补贴", "数字化转型", "科技型中小企业", "上市"}
local n = 0
local function enc(s) return (s:gsub("[^%w]", function(c) return string.format("%%%02X", string.byte(c)) end)) end
request = function()
  n = n + 1
  local q = queries[(n % #queries) + 1]
  return wrk.format(nil, wrk.path .. "?q=" .. enc(q) .. "&_n=" .. n .. "_" .. math.random(1e9))
end
LUA

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"

prepare() {  # prepare <db url>: migrate, demo content, synthetic enterprises (each idempotent)
  "$HUIQI" migrate --db "$1" >/dev/null
  "$HUIQI" seed-demo --db "$1" >/dev/null
  "$HUIQI" gen enterprises --up-to "$enterprises" --seed 2026 --db "$1" >/dev/null
}

start_server() {  # start_server <db url>
  "$HUIQI" serve --db "$1" --listen "127.0.0.1:$port" --demo-identity >"$tmp/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 300); do curl -sf "$base/api/v1/health" >/dev/null && return 0; sleep 0.1; done
  echo "read_load: the server did not start" >&2; tail -20 "$tmp/server.log" >&2; exit 1
}

stop_server() {
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
}

# The enterprise logs in as the web does: JSON body, session cookie back (the device cookie is
# scoped to /api/v1/auth/ and not needed for reads; GETs need no CSRF header).
login() {
  curl -s -c "$tmp/jar" -o "$tmp/login" -H 'Content-Type: application/json' \
    -d '{"login":"ent_xingchen","password":"Huiqi@2026"}' "$base/api/v1/auth/login"
  session=$(awk '$6 == "huiqi_session" {print $7}' "$tmp/jar")
  [[ -n $session ]] || { echo "read_load: login failed: $(cat "$tmp/login")" >&2; exit 1; }
  code=$(curl -s -o /dev/null -w '%{http_code}' -b "huiqi_session=$session" "$base/api/v1/me/matches")
  [[ $code == 200 ]] || { echo "read_load: /me/matches answered $code" >&2; exit 1; }
}

# wrk's latency lines ("50%  1.23ms") to milliseconds.
ms() {
  awk -v p="$1" '$1 == p { v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
    f = (u == "us") ? 0.001 : (u == "s") ? 1000 : 1; printf "%.1f", v * f }' "$2"
}

measure() {  # measure <backend> <class line>
  IFS='|' read -r name path auth script <<<"$2"
  local args=(-t "$threads" -c "$connections" --latency)
  [[ $auth == session ]] && args+=(-H "Cookie: huiqi_session=$session")
  if [[ $script == etag ]]; then
    local etag
    etag=$(curl -s -D - -o /dev/null "$base$path" | tr -d '\r' | sed -n 's/^[Ee][Tt]ag: //p')
    [[ -n $etag ]] || { printf '%s\t%s\t-\t-\t-\t(no ETag)\n' "$1" "$name"; return; }
    args+=(-H "If-None-Match: $etag")
  elif [[ -n $script ]]; then
    args+=(-s "$tmp/$script.lua")
  fi
  wrk "${args[@]}" -d 1s "$base$path" >/dev/null 2>&1 || true  # warm-up
  local load busy0 busy1 server0 server1 t0 t1 wrk_cpu
  load=$(cut -d' ' -f1 /proc/loadavg)
  busy0=$(busy_ticks); server0=$(pid_ticks "$server_pid"); t0=$(date +%s.%N)
  { TIMEFORMAT='%U %S'; time wrk "${args[@]}" -d "$duration" "$base$path" >"$tmp/wrk.out" 2>&1; } 2>"$tmp/wrk.time"
  busy1=$(busy_ticks); server1=$(pid_ticks "$server_pid"); t1=$(date +%s.%N)
  wrk_cpu=$(awk '{print $1 + $2}' "$tmp/wrk.time")
  # Cores used by everything but this server and wrk while it ran: the interference.
  local others
  others=$(awk -v b="$((busy1 - busy0))" -v s="$((server1 - server0))" -v w="$wrk_cpu" -v hz="$(getconf CLK_TCK)" \
    -v t="$(awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}')" 'BEGIN { o = ((b - s) / hz - w) / t; printf "%.2f", o < 0 ? 0 : o }')
  local rps non2xx
  rps=$(awk '/^Requests\/sec/ {printf "%d", $2}' "$tmp/wrk.out")
  non2xx=$(awk '/Non-2xx or 3xx/ {print $NF}' "$tmp/wrk.out")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s%s\n' "$1" "$name" "$rps" "$(ms 50% "$tmp/wrk.out")" "$(ms 99% "$tmp/wrk.out")" \
    "$load" "$others" "${non2xx:+  ($non2xx non-2xx)}"
}

busy_ticks() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }
pid_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

run_backend() {  # run_backend <backend> <db url>
  echo "read_load: preparing $1 ($enterprises enterprises)…" >&2
  prepare "$2"
  start_server "$2"
  login
  for c in "${classes[@]}"; do
    IFS='|' read -r name _ <<<"$c"
    if [[ -n ${HUIQI_READ_ONLY:-} ]] && ! grep -qw -- "${name%%,*}" <<<"$HUIQI_READ_ONLY"; then continue; fi
    measure "$1" "$c" | tee -a "$results"
  done
  stop_server
}

results=${HUIQI_READ_RESULTS:-$tmp/results}
if [[ ${HUIQI_READ_INNER:-} == postgresql ]]; then  # re-run by ourselves under with_postgres.sh
  export HUIQI_STATE_DIR=$tmp HUIQI_SEARCH_DIR=$tmp/search
  run_backend postgresql "$HUIQI_DB"
  exit 0
fi
echo "read_load: $("$HUIQI" --version 2>/dev/null || echo huiqi), wrk -t$threads -c$connections -d$duration, $(nproc) cores" >&2
printf 'backend\tendpoint\treq/s\tp50 ms\tp99 ms\tload avg\tother cores\n' >"$results"
for b in $backends; do
  case $b in
    sqlite)
      HUIQI_STATE_DIR=$bench_dir HUIQI_SEARCH_DIR=$bench_dir/read-load-search \
        run_backend sqlite "sqlite:$bench_dir/read-load.db" ;;
    postgresql)
      HUIQI_READ_INNER=postgresql HUIQI_READ_RESULTS=$results "$here/tests/with_postgres.sh" "$here/bench/read_load.sh" "$HUIQI" ;;
    *) echo "read_load: unknown backend $b" >&2; exit 1 ;;
  esac
done
echo
column -t -s $'\t' "$results"
