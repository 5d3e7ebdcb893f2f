#!/usr/bin/env bash
# The 免申即享 → 兑付 path at scale, over HTTP as the console pages drive it (issue 14 "Speed"):
# a `make run`-style SQLite database (the demo content and N synthetic enterprises), `huiqi serve`,
# then, timed one after the other:
#   preview  GET  /dept/items/{稳岗返还}/offer-preview        (the bitmap count and breakdown)
#   derive   POST /dept/items/{id}/offer-lists                (every eligible enterprise with its
#                                                              trace and facts, one transaction)
#   approve  POST /dept/offer-lists/{id}/approve              (one offer, inbox notice, SMS and two
#                                                              jobs per enterprise, one transaction)
#   records  POST /dept/subsidy-records/import                (R records, validated, duplicates)
# and, as the peer for the record import, sqlite3's own `.import` of the same CSV into a bare
# table (no validation, no indexes): the floor any importer on this disk sits above.
#
#   bench/payments_flow.sh [HUIQI_BINARY]        # default build/huiqi
#   HUIQI_PAY_ENTERPRISES=300000 HUIQI_PAY_RECORDS=100000 HUIQI_BENCH_DIR=build/bench-data
# Figures: docs/benchmarks.md "Payments".
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
HUIQI=$(realpath "${1:-$here/build/huiqi}")
export HUIQI_DATA_DIR=${HUIQI_DATA_DIR:-$here/data}
bench_dir=$(realpath -m "${HUIQI_BENCH_DIR:-$here/build/bench-data}")
enterprises=${HUIQI_PAY_ENTERPRISES:-300000}
records=${HUIQI_PAY_RECORDS:-100000}
command -v sqlite3 >/dev/null || { echo "payments_flow: sqlite3 is missing (scripts/install-deps)" >&2; exit 1; }
mkdir -p "$bench_dir"
work=$(mktemp -d)
server_pid=""
trap '[[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT

db_file="$work/pay.db"  # fresh each run: the list and offers are written into it
export HUIQI_STATE_DIR=$work
"$HUIQI" migrate --db "sqlite:$db_file" >/dev/null 2>&1
"$HUIQI" seed-demo --db "sqlite:$db_file" >/dev/null 2>&1
t0=$(date +%s.%N)
"$HUIQI" gen enterprises --db "sqlite:$db_file" --count "$enterprises" --seed 11 >/dev/null 2>&1
t1=$(date +%s.%N)
echo "archive: $enterprises generated enterprises in $(echo "$t1 - $t0" | bc -l | xargs printf '%.1f') s"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
mkdir -p "$work/web"
"$HUIQI" serve --db "sqlite:$db_file" --listen "127.0.0.1:$port" --web-dir "$work/web" --body-limit 104857600 \
  >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 600); do
  curl -sf "$base/api/v1/health" >/dev/null && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
  sleep 0.2
done

login() {  # login <user> → jar file; prints the CSRF token
  curl -s -c "$work/$1.jar" -H 'Content-Type: application/json' \
    -d "{\"login\":\"$1\",\"password\":\"Huiqi@2026\"}" "$base/api/v1/auth/login" |
    sed -n 's/.*"csrf_token":"\([^"]*\)".*/\1/p'
}
officer_csrf=$(login rsj_officer)
reviewer_csrf=$(login rsj_reviewer)
timed() {  # timed <label> <curl args…> → prints "label seconds http-status", body in $work/out
  local label=$1; shift
  local a b code
  a=$(date +%s.%N)
  code=$(curl -s -o "$work/out" -w '%{http_code}' "$@")
  b=$(date +%s.%N)
  printf '%-8s %8.2f s  HTTP %s\n' "$label" "$(echo "$b - $a" | bc -l)" "$code"
}
item=$(sqlite3 "$db_file" "SELECT id FROM items WHERE source_key = 'cz-2026-wengang-return'")

timed preview -b "$work/rsj_officer.jar" "$base/api/v1/dept/items/$item/offer-preview"
echo "         eligible: $(sed -n 's/.*"eligible":\([0-9]*\).*/\1/p' "$work/out")"
timed derive -b "$work/rsj_officer.jar" -H "X-CSRF-Token: $officer_csrf" -H 'Content-Type: application/json' \
  -d '{"default_amount_fen":1200000}' "$base/api/v1/dept/items/$item/offer-lists"
list=$(sed -n 's/^{"[^}]*"id":\([0-9]*\),.*/\1/p; s/.*"id":\([0-9]*\),"item_id".*/\1/p' "$work/out" | head -1)
echo "         list $list: $(sed -n 's/.*"entries":\([0-9]*\).*/\1/p' "$work/out") entries"
timed approve -b "$work/rsj_reviewer.jar" -H "X-CSRF-Token: $reviewer_csrf" -H 'Content-Type: application/json' \
  -d '{}' "$base/api/v1/dept/offer-lists/$list/approve"
echo "         offers: $(sqlite3 "$db_file" "SELECT COUNT(*) FROM offers WHERE list_id = $list"), sms: $(sqlite3 "$db_file" "SELECT COUNT(*) FROM outbox WHERE channel = 'sms'"), jobs: $(sqlite3 "$db_file" "SELECT COUNT(*) FROM jobs WHERE kind LIKE 'payments.%'")"

# R subsidy records paid through a department's own system, one per enterprise, the last 5% a
# second payment for the same period (the duplicates the import must list).
sqlite3 -csv "$db_file" "SELECT uscc FROM enterprises ORDER BY id LIMIT $records" >"$work/usccs"
python3 - "$work/usccs" "$work/records.csv" "$records" <<'PY'
import sys
usccs = [l.strip().strip('"') for l in open(sys.argv[1]) if l.strip()]
n = int(sys.argv[3])
with open(sys.argv[2], "w", encoding="utf-8") as f:
    f.write("统一社会信用代码,事项编码,金额(元),拨付日期,资金来源,文件依据,项目,所属期\n")
    for i in range(n):
        u = usccs[i % len(usccs)] if i < n * 95 // 100 else usccs[i - n * 95 // 100]
        f.write(f"{u},cz-2026-wengang-return,{1000 + i % 9000}.00,2026-11-{2 + i % 25:02d},失业保险基金,常人社发〔2026〕1号,稳岗返还,{2026 if i < n * 95 // 100 else 2026}\n")
PY
timed records -b "$work/rsj_officer.jar" -H "X-CSRF-Token: $officer_csrf" -H 'Content-Type: text/csv' \
  "--data-binary" "@$work/records.csv" "$base/api/v1/dept/subsidy-records/import?skip_invalid=1"
head -c 300 "$work/out"; echo
a=$(date +%s.%N)
sqlite3 "$work/peer.db" "PRAGMA synchronous=FULL; PRAGMA journal_mode=WAL;" >/dev/null
sqlite3 "$work/peer.db" ".mode csv" ".import $work/records.csv peer_records"
b=$(date +%s.%N)
printf '%-8s %8.2f s  (sqlite3 .import of the same file into a bare table)\n' peer "$(echo "$b - $a" | bc -l)"
