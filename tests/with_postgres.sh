#!/usr/bin/env bash
# Runs a command against a private PostgreSQL server: initdb in a temp dir, a free loopback
# port, started as the postgres user when run as root (initdb refuses root); the server and its
# files are removed afterwards. The command gets HUIQI_DB=postgresql://…/huiqi.
# Usage: with_postgres.sh COMMAND [ARGS…]
set -euo pipefail
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
dir=$(mktemp -d /tmp/huiqi-pg-XXXXXX)
as=()
if [[ $(id -u) -eq 0 ]]; then chown postgres:postgres "$dir"; as=(runuser -u postgres --); fi
port=$(( 20000 + RANDOM % 30000 ))
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$(( 20000 + RANDOM % 30000 )); done
cleanup() { "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true; rm -rf "$dir"; }
trap cleanup EXIT
"${as[@]}" "$bin/initdb" -D "$dir/data" -A trust -U huiqi -E UTF8 --no-sync >"$dir/initdb.log" 2>&1
"${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
"${as[@]}" "$bin/createdb" -h 127.0.0.1 -p "$port" -U huiqi huiqi
HUIQI_DB="postgresql://huiqi@127.0.0.1:$port/huiqi" "$@"
