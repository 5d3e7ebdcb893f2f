#!/usr/bin/env bash
# Backup and restore round trip (issue 16 item 5), on SQLite, or on PostgreSQL when HUIQI_DB is a
# postgresql:// URL (tests/with_postgres.sh): seed the demo, back up, restore into an empty
# target, then compare every table (a dump ordered by primary key, made here with sqlite3 / psql
# from the restored data, not read from the manifest) and every file; restore refuses a
# non-empty target and a tampered backup; search answers after restore; a scheduled backup of
# `huiqi serve` keeps the newest [backup] keep. Prints the backup's size and time.
# Usage: backup_test.sh HUIQI DATA_DIR
set -uo pipefail
HUIQI=$1
export HUIQI_DATA_DIR=$2
tmp=$(mktemp -d)
server_pid=""
cleanup() { [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
passed=0; failed=0
check() {  # check <description> <condition…>
  local desc=$1; shift
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $desc"; fi
}
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)

src_db=${HUIQI_DB:-"sqlite:$tmp/src/huiqi.db"}
kind=sqlite
if [[ $src_db == postgres* ]]; then
  kind=postgresql
  # The restore target: a second, empty database on the same server.
  hostport=${src_db#*@}; hostport=${hostport%%/*}; host=${hostport%%:*}; port=${hostport##*:}
  "$pgbin/createdb" -h "$host" -p "$port" -U huiqi huiqi_restore || { echo "createdb failed"; exit 1; }
  "$pgbin/createdb" -h "$host" -p "$port" -U huiqi huiqi_other || { echo "createdb failed"; exit 1; }
  "$pgbin/createdb" -h "$host" -p "$port" -U huiqi huiqi_third || { echo "createdb failed"; exit 1; }
  dst_db="postgresql://huiqi@$host:$port/huiqi_restore"
  third_db="postgresql://huiqi@$host:$port/huiqi_third"
  other_db="postgresql://huiqi@$host:$port/huiqi_other"
else
  dst_db="sqlite:$tmp/dst/huiqi.db"
  other_db="sqlite:$tmp/other/huiqi.db"
  third_db="sqlite:$tmp/third/huiqi.db"
fi
mkdir -p "$tmp/src" "$tmp/dst" "$tmp/other" "$tmp/third"
src() { HUIQI_DB=$src_db HUIQI_STATE_DIR=$tmp/src HUIQI_SEARCH_DIR=$tmp/src/search "$HUIQI" "$@"; }
dst() { HUIQI_DB=$dst_db HUIQI_STATE_DIR=$tmp/dst HUIQI_SEARCH_DIR=$tmp/dst/search "$HUIQI" "$@"; }
other() { HUIQI_DB=$other_db HUIQI_STATE_DIR=$tmp/other HUIQI_SEARCH_DIR=$tmp/other/search "$HUIQI" "$@"; }

# --- a populated database: the demo (departments, accounts, policies, seals, applications
# with their uploaded materials) and an enterprise archive.
src migrate >/dev/null 2>&1 || { echo "migrate failed"; exit 1; }
src seed-demo >"$tmp/seed.log" 2>&1 || { echo "seed-demo failed"; cat "$tmp/seed.log"; exit 1; }
src gen enterprises --count 2000 --seed 7 >/dev/null 2>&1 || { echo "gen enterprises failed"; exit 1; }
src audit verify >/dev/null || { echo "source audit chain broken"; exit 1; }
nfiles=$(cd "$tmp/src/files" 2>/dev/null && find . -type f ! -path './tmp/*' | wc -l)
check "the demo stored uploaded files ($nfiles)" test "$nfiles" -gt 0

# --- while `huiqi serve` runs: a scheduled backup with retention ([backup] in its config file)
# and a `huiqi backup` from another process, both online. The server also writes the audit
# checkpoint, which the backups below then carry.
mkdir -p "$tmp/sched"
for old in 20200101-000000 20200102-000000 20200103-000000; do
  mkdir -p "$tmp/sched/huiqi-backup-$old"
  echo '{"created_unix": 1577808000}' >"$tmp/sched/huiqi-backup-$old/manifest.json"
done
printf '[backup]\ndir = "%s"\nevery_hours = 24\nkeep = 2\n' "$tmp/sched" >"$tmp/huiqi.toml"
check "config check accepts [backup]" src config check "$tmp/huiqi.toml" >/dev/null
http_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
src serve --config "$tmp/huiqi.toml" --listen "127.0.0.1:$http_port" >"$tmp/serve.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 600); do
  [[ -n $(ls "$tmp/sched" | grep -v '^huiqi-backup-2020') && $(ls "$tmp/sched" | wc -l) -le 2 ]] && break
  sleep 0.1
done
new=$(ls "$tmp/sched" | grep -v '^huiqi-backup-2020' | head -1)
check "the server wrote a scheduled backup ($new)" test -s "$tmp/sched/$new/manifest.json"
check "retention kept the newest 2" test "$(ls "$tmp/sched" | tr '\n' ' ')" = "huiqi-backup-20200103-000000 $new "
curl -sf "http://127.0.0.1:$http_port/api/v1/health" >/dev/null
check "the server serves while backups are taken" test $? -eq 0
src backup --out "$tmp/online" >"$tmp/online.log" 2>&1
check "huiqi backup beside the running server" test $? -eq 0
kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; server_pid=""
[[ $failed -eq 0 ]] || tail -20 "$tmp/serve.log"
third() { HUIQI_DB=$third_db HUIQI_STATE_DIR=$tmp/third HUIQI_SEARCH_DIR=$tmp/third/search "$HUIQI" "$@"; }
third restore --from "$tmp/online" >"$tmp/online-restore.log" 2>&1
check "the online backup restores: its tables, files and audit chain verify" test $? -eq 0
[[ $failed -eq 0 ]] || cat "$tmp/online-restore.log"

# --- a deterministic dump of every table, ordered by primary key (or every column), one
# "table rows sha256" line each, computed by the database's own client.
dump_tables() {  # dump_tables URL
  local url=$1 t order
  if [[ $url == sqlite:* ]]; then
    local f=${url#sqlite:}
    for t in $(sqlite3 "$f" "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite%' ORDER BY name"); do
      order=$(sqlite3 "$f" "SELECT group_concat('\"'||name||'\"', ',') FROM (SELECT name FROM pragma_table_info('$t') WHERE pk > 0 ORDER BY pk)")
      [[ -z $order ]] && order=$(sqlite3 "$f" "SELECT group_concat(cid + 1, ',') FROM pragma_table_info('$t')")
      echo "$t $(sqlite3 "$f" "SELECT COUNT(*) FROM \"$t\"") $(sqlite3 -batch -quote "$f" "SELECT * FROM \"$t\" ORDER BY $order" | sha256sum | cut -c1-64)"
    done
  else
    for t in $(psql "$url" -At -c "SELECT table_name FROM information_schema.tables WHERE table_schema='public' AND table_type='BASE TABLE' ORDER BY 1"); do
      order=$(psql "$url" -At -c "SELECT string_agg(quote_ident(a.attname), ',' ORDER BY array_position(i.indkey::int2[], a.attnum)) FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) WHERE i.indrelid = '\"$t\"'::regclass AND i.indisprimary")
      [[ -z $order ]] && order=$(psql "$url" -At -c "SELECT string_agg(attnum::text, ',' ORDER BY attnum) FROM pg_attribute WHERE attrelid = '\"$t\"'::regclass AND attnum > 0 AND NOT attisdropped")
      echo "$t $(psql "$url" -At -c "SELECT COUNT(*) FROM \"$t\"") $(psql "$url" -At -c "COPY (SELECT * FROM \"$t\" ORDER BY $order) TO STDOUT" | sha256sum | cut -c1-64)"
    done
  fi
}
dump_files() {  # dump_files STATE_DIR
  (cd "$1/files" && find . -type f ! -path './tmp/*' -exec sha256sum {} + | sort -k2)
}
dump_tables "$src_db" >"$tmp/src.tables"
dump_files "$tmp/src" >"$tmp/src.files"

# --- back up.
t0=$(date +%s.%N)
src backup --out "$tmp/backup" >"$tmp/backup.log" 2>&1
rc=$?
t1=$(date +%s.%N)
check "backup succeeds" test $rc -eq 0
[[ $rc -eq 0 ]] || cat "$tmp/backup.log"
check "backup wrote a manifest" test -s "$tmp/backup/manifest.json"
check "no temp directory left behind" test -z "$(ls -A "$tmp" | grep '^\.backup\.tmp')"
check "the manifest lists every table" test "$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['tables']))" "$tmp/backup/manifest.json")" -eq "$(wc -l <"$tmp/src.tables")"
check "the manifest's created_at is Asia/Shanghai" grep -q '"created_at": "[0-9T:-]*+08:00"' "$tmp/backup/manifest.json"
check "the search index is not in the backup" test ! -e "$tmp/backup/search"
check "the audit checkpoint is in the backup" test -s "$tmp/backup/audit-checkpoint.json"
src backup --out "$tmp/backup" >/dev/null 2>&1
check "backup refuses an existing directory" test $? -ne 0
"$HUIQI" backup --db "sqlite:$tmp/none/huiqi.db" --out "$tmp/none-backup" >/dev/null 2>&1
check "backup refuses a missing SQLite file (rather than back up an empty one)" test $? -ne 0 -a ! -e "$tmp/none"

# --- restore into an empty target, and compare.
t2=$(date +%s.%N)
dst restore --from "$tmp/backup" >"$tmp/restore.log" 2>&1
rc=$?
t3=$(date +%s.%N)
check "restore succeeds" test $rc -eq 0
[[ $rc -eq 0 ]] || cat "$tmp/restore.log"
dump_tables "$dst_db" >"$tmp/dst.tables"
check "every table has the same rows ($(wc -l <"$tmp/src.tables") tables)" diff "$tmp/src.tables" "$tmp/dst.tables"
check "tables were compared" test "$(wc -l <"$tmp/src.tables")" -gt 20
dump_files "$tmp/dst" >"$tmp/dst.files"
check "every uploaded file is the same" diff "$tmp/src.files" "$tmp/dst.files"
check "the key file came along" cmp -s "$tmp/src/huiqi.key" "$tmp/dst/huiqi.key"
check "restore verified the audit chain" grep -q "audit chain intact" "$tmp/restore.log"
check "audit verify passes after restore" dst audit verify
hits=$(dst search query 高新技术企业 2>/dev/null | wc -l)
check "search answers after restore ($hits hits)" test "$hits" -gt 0

# --- refusals.
dst restore --from "$tmp/backup" >"$tmp/refuse.log" 2>&1
check "restore refuses a non-empty target" test $? -ne 0
check "…saying so in Chinese" grep -q "目标不为空" "$tmp/refuse.log"
check "…and in English, naming the database" grep -q "target not empty.*database" "$tmp/refuse.log"
mkdir -p "$tmp/other/files/ab" && echo old >"$tmp/other/files/ab/old"
other restore --from "$tmp/backup" >"$tmp/refuse2.log" 2>&1
check "restore refuses a non-empty files directory" test $? -ne 0
check "…naming it" grep -q "files directory" "$tmp/refuse2.log"
rm -rf "$tmp/other/files"
cp -r "$tmp/backup" "$tmp/tampered"
f=$(find "$tmp/tampered/files" -type f | head -1)
echo x >>"$f"
other restore --from "$tmp/tampered" >"$tmp/refuse3.log" 2>&1
check "restore refuses a backup whose checksums do not match" test $? -ne 0
check "…naming the file" grep -q "checksum mismatch: files/" "$tmp/refuse3.log"
check "…and leaves the target empty" test ! -e "$tmp/other/files"

size=$(du -sb "$tmp/backup" | cut -f1)
printf 'backup figures (%s): %s tables, %s files, %s bytes (%s MiB), backup %.2f s, restore %.2f s (incl. verify and reindex)\n' \
  "$kind" "$(wc -l <"$tmp/src.tables")" "$(find "$tmp/backup" -type f | wc -l)" "$size" \
  "$(awk -v s="$size" 'BEGIN { printf "%.1f", s / 1048576 }')" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" "$(awk -v a="$t2" -v b="$t3" 'BEGIN { print b - a }')"
echo "backup_test ($kind): $passed passed, $failed failed"
[[ $failed -eq 0 ]]
