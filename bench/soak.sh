#!/usr/bin/env bash
# The load soak (issue 16 item 4): `huiqi serve` on a fresh database (the demo content and
# HUIQI_SOAK_ENTERPRISES synthetic enterprises) under a mixed workload from several wrk processes
# at once for HUIQI_SOAK_SECONDS (default 600): public reads (policy list and item, uncached),
# search (a mix of queries, uncached), logged-in matches (/me/matches), and writes (an
# individual's keyword subscriptions, each a new row with its audit row). Every 10 s the server's
# resident memory and open file descriptors are sampled. Prints, per class: requests, rate, p50,
# p99, 5xx; then the memory and descriptor curve and the growth after warm-up (the first minute).
#
#   bench/soak.sh [HUIQI_BINARY]                  SQLite
#   tests/with_postgres.sh bench/soak.sh build/huiqi   PostgreSQL (HUIQI_DB is set by it)
#   HUIQI_SOAK_SECONDS=600 HUIQI_SOAK_ENTERPRISES=20000 HUIQI_SOAK_CONNECTIONS=8 (per class)
# Figures: docs/reliability.md "Slow clients and load".
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
HUIQI=$(realpath "${1:-$here/build/huiqi}")
export HUIQI_DATA_DIR=${HUIQI_DATA_DIR:-$here/data}
seconds=${HUIQI_SOAK_SECONDS:-600}
enterprises=${HUIQI_SOAK_ENTERPRISES:-20000}
conns=${HUIQI_SOAK_CONNECTIONS:-8}
command -v wrk >/dev/null || { echo "soak: wrk is missing (scripts/install-deps)" >&2; exit 1; }
tmp=$(mktemp -d /tmp/huiqi-soak-XXXXXX)
server_pid=""
cleanup() {
  [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
export HUIQI_STATE_DIR=$tmp
db=${HUIQI_DB:-"sqlite:$tmp/soak.db"}
kind=${db%%:*}
port=$(( 20000 + RANDOM % 30000 ))
base="http://127.0.0.1:$port"
"$HUIQI" migrate --db "$db" >"$tmp/setup.log" 2>&1
"$HUIQI" seed-demo --db "$db" >>"$tmp/setup.log" 2>&1
"$HUIQI" gen enterprises --db "$db" --up-to "$enterprises" --seed 16 >>"$tmp/setup.log" 2>&1
"$HUIQI" serve --db "$db" --listen "127.0.0.1:$port" >"$tmp/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 300); do curl -sf "$base/api/v1/health" >/dev/null 2>&1 && break; sleep 0.1; done

login() {  # login → "cookie csrf"
  local out
  out=$(curl -s -D "$tmp/h" -H 'Content-Type: application/json' -d "{\"login\":\"$1\",\"password\":\"Huiqi@2026\"}" "$base/api/v1/auth/login")
  local cookie csrf
  cookie=$(sed -n 's/^[Ss]et-[Cc]ookie: huiqi_session=\([^;]*\).*/\1/p' "$tmp/h")
  csrf=$(sed -n 's/.*"csrf_token":"\([^"]*\)".*/\1/p' <<<"$out")
  echo "$cookie $csrf"
}
read -r ent_cookie _ <<<"$(login ent_xingchen)"
read -r person_cookie person_csrf <<<"$(login person_li)"

# wrk Lua: counts 5xx per thread and prints requests, p50, p99 (ms) and 5xx in done().
common_lua='
local threads = {}
function setup(thread) table.insert(threads, thread) end
errors5 = 0
errors4 = 0
function response(status, headers, body)
  if status >= 500 then errors5 = errors5 + 1 elseif status >= 400 then errors4 = errors4 + 1 end
end
function done(summary, latency, requests)
  local e, f = 0, 0
  for _, t in ipairs(threads) do e = e + t:get("errors5"); f = f + t:get("errors4") end
  io.write(string.format("RESULT %d %.1f %.2f %.2f %d %d\n", summary.requests,
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, e, f))
end'
cat >"$tmp/public.lua" <<LUA
$common_lua
local n = 0
local paths = {"/api/v1/policies?page_size=20", "/api/v1/items/1", "/api/v1/items?page_size=20", "/api/v1/publicity"}
request = function()
  n = n + 1
  return wrk.format("GET", paths[(n % #paths) + 1] .. (paths[(n % #paths) + 1]:find("?") and "&" or "?") .. "nonce=" .. n)
end
LUA
cat >"$tmp/search.lua" <<LUA
$common_lua
local n = 0
local qs = {"%E9%AB%98%E6%96%B0%E6%8A%80%E6%9C%AF%E4%BC%81%E4%B8%9A", "%E4%BA%BA%E6%89%8D", "%E7%A8%B3%E5%B2%97", "%E4%B8%93%E5%88%A9", "%E6%95%B0%E5%AD%97%E5%8C%96"}
request = function()
  n = n + 1
  return wrk.format("GET", "/api/v1/search?q=" .. qs[(n % #qs) + 1] .. "&nonce=" .. n)
end
LUA
cat >"$tmp/matches.lua" <<LUA
$common_lua
wrk.headers["Cookie"] = "huiqi_session=$ent_cookie"
request = function() return wrk.format("GET", "/api/v1/me/matches") end
LUA
cat >"$tmp/writes.lua" <<LUA
$common_lua
local n = 0
wrk.headers["Cookie"] = "huiqi_session=$person_cookie"
wrk.headers["X-CSRF-Token"] = "$person_csrf"
wrk.headers["Content-Type"] = "application/json"
function init(args) n = math.random(1, 1000000000) end
request = function()
  n = n + 1
  return wrk.format("POST", "/api/v1/me/subscriptions", nil, '{"kind":"keyword","value":"soak' .. n .. '"}')
end
LUA

: >"$tmp/samples"
sample() {
  local t=0
  while kill -0 "$server_pid" 2>/dev/null; do
    rss=$(awk '/VmRSS/ {print $2}' "/proc/$server_pid/status" 2>/dev/null || echo 0)
    fds=$(ls "/proc/$server_pid/fd" 2>/dev/null | wc -l)
    echo "$t $rss $fds" >>"$tmp/samples"
    sleep 10
    t=$((t + 10))
  done
}
sample &
sampler=$!
pids=()
for class in public search matches writes; do
  wrk -t1 -c"$conns" -d"${seconds}s" --timeout 10s -s "$tmp/$class.lua" "$base" >"$tmp/$class.out" 2>&1 &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || true; done
kill "$sampler" 2>/dev/null || true

echo "soak on $kind: ${seconds}s, ${enterprises} enterprises, ${conns} connections per class, $(nproc) cores"
printf '%-10s %10s %9s %9s %9s %6s %6s\n' class requests "req/s" "p50 ms" "p99 ms" 5xx 4xx
for class in public search matches writes; do
  read -r _ req rate p50 p99 e5 e4 < <(grep '^RESULT' "$tmp/$class.out" || echo "RESULT 0 0 0 0 -1 -1")
  printf '%-10s %10s %9s %9s %9s %6s %6s\n' "$class" "$req" "$rate" "$p50" "$p99" "$e5" "$e4"
done
echo "samples (seconds, RSS KiB, open fds):"
awk '{printf "  %s %s %s\n", $1, $2, $3}' "$tmp/samples" | tr '\n' ';' | sed 's/;  / | /g'
echo
awk 'NR==1{next} $1>=60 && !w {w=$2; wf=$3} {last=$2; lf=$3; if ($2>max) max=$2} END {
  if (w) printf "after warm-up (60 s): RSS %d → %d KiB (%+.1f%%), peak %d KiB; fds %d → %d\n", w, last, (last-w)*100.0/w, max, wf, lf }' "$tmp/samples"
{ grep -c '\[error\]\|\[critical\]' "$tmp/server.log" || true; } | sed 's/^/server log errors: /'
