#!/usr/bin/env bash
# Pushes at scale (issue 15 "Speed"), on SQLite and on PostgreSQL side by side, through a running
# `huiqi serve` as in production: a `make run`-style database (the demo content, P generated
# policies whose items get the demo items' rules so the catalogue has ~10,000 items with rules,
# N generated enterprises each with an enterprise account), then, one after the other:
#   publish   a 人社局 officer withdraws and republishes 稳岗返还 over HTTP; timed from the
#             request to the campaign row 'sent' (the follower, the scheduler tick, choosing the
#             eligible and near-miss enterprises, dedup and caps, writing every push and notice),
#             and the job's own time from its log line
#   republish the same again: everyone was told, nothing new is written
#   archive   20 enterprises' archives change through `huiqi enterprise import` (another
#             process); each push.archive job's time from its log line (the compiled catalogue
#             finds the items each newly qualifies for, then Deliver)
#   digest    one deferred push for every enterprise, the digest job made due: its time
#   storage   bytes per stored push (the dedup state: pushes rows and their indexes)
#
#   bench/push_flow.sh [HUIQI_BINARY]          # default build/huiqi
#   HUIQI_PUSH_ENTERPRISES=1000000 HUIQI_PUSH_POLICIES=10000 HUIQI_PUSH_BACKENDS="sqlite postgresql"
# Figures: docs/benchmarks.md "Pushes".
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
HUIQI=$(realpath "${1:-$here/build/huiqi}")
export HUIQI_DATA_DIR=${HUIQI_DATA_DIR:-$here/data}
enterprises=${HUIQI_PUSH_ENTERPRISES:-1000000}
policies=${HUIQI_PUSH_POLICIES:-10000}
backends=${HUIQI_PUSH_BACKENDS:-sqlite postgresql}

# Under tests/with_postgres.sh (HUIQI_DB set, first argument "--backend"): one backend's run.
if [[ ${2:-} == --backend ]]; then
  backend=$3
else
  for b in $backends; do
    if [[ $b == postgresql ]]; then
      "$here/tests/with_postgres.sh" "$0" "$HUIQI" --backend postgresql
    else
      "$0" "$HUIQI" --backend sqlite
    fi
  done
  exit 0
fi

command -v sqlite3 >/dev/null || { echo "push_flow: sqlite3 is missing (scripts/install-deps)" >&2; exit 1; }
work=$(mktemp -d)
server_pid=""
trap '[[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
export HUIQI_STATE_DIR=$work
if [[ $backend == sqlite ]]; then
  db="sqlite:$work/push.db"
  sql() { sqlite3 "$work/push.db" "$1"; }
else
  db=$HUIQI_DB
  sql() { psql "$HUIQI_DB" -qAt -v ON_ERROR_STOP=1 -c "$1"; }
fi
now() { date +%s.%N; }
since() { echo "$(now) - $1" | bc -l | xargs printf '%.2f'; }

echo "== $backend: $enterprises enterprises, $policies generated policies"
"$HUIQI" migrate --db "$db" >/dev/null 2>&1
"$HUIQI" seed-demo --db "$db" >/dev/null 2>&1
t=$(now)
"$HUIQI" gen policies --db "$db" --count "$policies" --seed 5 >/dev/null 2>&1
# The generated items carry no rules: each gets the rule (and amount) of a demo item, cycling.
sql "CREATE TABLE bench_rules AS SELECT ROW_NUMBER() OVER (ORDER BY id) - 1 AS n, rule_text, amount_json
     FROM items WHERE rule_text <> '' AND source_key IS NOT NULL" >/dev/null
sql "UPDATE items SET
       rule_text = (SELECT b.rule_text FROM bench_rules b WHERE b.n = items.id % (SELECT COUNT(*) FROM bench_rules)),
       amount_json = (SELECT b.amount_json FROM bench_rules b WHERE b.n = items.id % (SELECT COUNT(*) FROM bench_rules))
     WHERE rule_text = '' AND status = 'published'" >/dev/null
sql "DROP TABLE bench_rules" >/dev/null
echo "catalogue: $(sql "SELECT COUNT(*) FROM items WHERE status = 'published' AND rule_text <> ''") published items with rules ($(since "$t") s)"
t=$(now)
"$HUIQI" gen enterprises --db "$db" --count "$enterprises" --seed 11 >/dev/null 2>&1
stamp=$(date -u +%Y-%m-%dT%H:%M:%S+00:00)
sql "INSERT INTO users (login, display_name, kind, uscc, password_hash, created_at, updated_at)
     SELECT 'gen_' || e.id, e.name, 'enterprise', e.uscc, '!', '$stamp', '$stamp' FROM enterprises e
     WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.uscc = e.uscc)" >/dev/null
echo "archive: $(sql "SELECT COUNT(*) FROM enterprises") enterprises, $(sql "SELECT COUNT(*) FROM users WHERE kind = 'enterprise'") enterprise accounts ($(since "$t") s)"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
mkdir -p "$work/web"
t=$(now)
"$HUIQI" serve --db "$db" --listen "127.0.0.1:$port" --web-dir "$work/web" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 1500); do
  curl -sf "$base/api/v1/health" >/dev/null && break
  kill -0 "$server_pid" 2>/dev/null || { tail -20 "$work/server.log" >&2; exit 1; }
  sleep 0.2
done
echo "serve: ready in $(since "$t") s, RSS $(ps -o rss= -p "$server_pid" | awk '{printf "%.0f", $1/1024}') MB"

csrf=$(curl -s -c "$work/jar" -H 'Content-Type: application/json' \
  -d '{"login":"rsj_officer","password":"Huiqi@2026"}' "$base/api/v1/auth/login" |
  sed -n 's/.*"csrf_token":"\([^"]*\)".*/\1/p')
item=$(sql "SELECT id FROM items WHERE source_key = 'cz-2026-wengang-return'")
post() { curl -s -o "$work/out" -w '%{http_code}' -b "$work/jar" -H "X-CSRF-Token: $csrf" \
  -H 'Content-Type: application/json' -d '{}' "$base/api/v1/$1"; }
wait_log() {  # wait_log <pattern> <count> [timeout s]: until the server log has <count> matching lines
  local deadline=$(( $(date +%s) + ${3:-900} ))
  until [[ $(grep -c -- "$1" "$work/server.log" || true) -ge $2 ]]; do
    [[ $(date +%s) -lt $deadline ]] || { echo "timed out waiting for: $1" >&2; tail -20 "$work/server.log" >&2; exit 1; }
    sleep 0.02
  done
}
publish() {  # publish <label> <n-th publication>
  [[ $(post "items/$item/withdraw") == 200 ]] || { cat "$work/out" >&2; exit 1; }
  local a
  a=$(now)
  [[ $(post "items/$item/publish") == 200 ]] || { cat "$work/out" >&2; exit 1; }
  wait_log "push: item $item (push.item" "$2"
  # The log line is written inside the job's transaction: wait for its commit too.
  until [[ $(sql "SELECT COUNT(*) FROM push_campaigns WHERE source_key LIKE 'push.item:$item:%' AND status = 'sent'") -ge $2 ]]; do
    sleep 0.02
  done
  printf '%-9s %6.2f s end to end; job: %s\n' "$1" "$(since "$a")" \
    "$(grep -- "push: item $item (push.item" "$work/server.log" | tail -1 | sed 's/.*) //')"
}
publish publish 1
echo "          pushes $(sql "SELECT COUNT(*) FROM pushes WHERE item_id = $item"), notices $(sql "SELECT COUNT(*) FROM notices WHERE kind = 'push.item'")"
publish republish 2

# 20 archive changes from another process: employees up by 40 % (some now qualify for more).
sql "SELECT e.uscc, e.name, COALESCE(e.employees, 0) FROM enterprises e JOIN users u ON u.uscc = e.uscc
     WHERE u.login LIKE 'gen_%' ORDER BY e.id LIMIT 20" >"$work/picked"
{
  echo "统一社会信用代码,企业名称,employees"
  tr '|' ',' <"$work/picked" | awk -F, '{ printf "%s,%s,%d\n", $1, $2, int($3 * 1.4) + 5 }'
} >"$work/archive.csv"
"$HUIQI" enterprise import --db "$db" "$work/archive.csv" >"$work/import.log" 2>&1 ||
  { cat "$work/import.log" >&2; exit 1; }
wait_log "push: archive" 20 300
grep -- "push: archive" "$work/server.log" | sed 's/.* in \([0-9.]*\) ms$/\1/' | sort -n >"$work/archive_ms"
echo "archive   20 changes: job median $(sed -n 10p "$work/archive_ms") ms, max $(tail -1 "$work/archive_ms") ms; $(grep -- "push: archive" "$work/server.log" | tail -1 | sed 's/.*) //')"

# The digest: one deferred push for every enterprise (an item nobody was told of), then due now.
other=$(sql "SELECT i.id FROM items i WHERE i.status = 'published' AND i.id <> $item AND NOT EXISTS
             (SELECT 1 FROM pushes p WHERE p.item_id = i.id) ORDER BY i.id LIMIT 1")
day=$(TZ=Asia/Shanghai date +%F)
sql "INSERT INTO pushes (recipient, enterprise_id, item_id, reason, reason_text, status, created_day, created_at)
     SELECT 'e:' || e.id, e.id, $other, 'eligible', '符合本事项全部条件：（基准测试）', 'deferred', '$day', '$stamp'
     FROM enterprises e" >/dev/null
echo "digest    $(sql "SELECT COUNT(DISTINCT recipient) FROM pushes WHERE status = 'deferred'") recipients with deferred pushes"
a=$(now)
sql "UPDATE jobs SET due_at = 0 WHERE job_key = 'push.digest' AND status = 'pending'" >/dev/null
wait_log "push: digest" 1 1800
until [[ $(sql "SELECT COUNT(*) FROM pushes WHERE status = 'deferred'") -eq 0 ]]; do sleep 0.1; done
printf '          %.1f s end to end; job: %s\n' "$(since "$a")" "$(grep -- "push: digest" "$work/server.log" | tail -1 | sed 's/.*push: digest //')"
echo "          RSS after: $(ps -o rss= -p "$server_pid" | awk '{printf "%.0f", $1/1024}') MB"

rows=$(sql "SELECT COUNT(*) FROM pushes")
if [[ $backend == sqlite ]]; then
  bytes=$(sql "SELECT SUM(pgsize) FROM dbstat WHERE name = 'pushes' OR name LIKE 'pushes_%' OR name LIKE 'sqlite_autoindex_pushes%'")
else
  bytes=$(sql "SELECT pg_total_relation_size('pushes')")
fi
echo "storage   $rows pushes in $(echo "$bytes / 1048576" | bc) MB: $(echo "$bytes / $rows" | bc) bytes per push (row and indexes)"
