#!/usr/bin/env bash
# Crash safety (issue 16 item 3; docs/reliability.md "Crash safety (kill -9)"): a fresh database
# with the demo data (SQLite, or PostgreSQL when HUIQI_DB is set, as with_postgres.sh does), then
# tests/crash/crash.mjs: concurrent writes through the API, kill -9 of `huiqi serve` at random
# moments, restart on the same database, and checks after each restart; then, on SQLite, the
# I/O-fault pass (tests/crash/iofault.mjs: a full and a read-only data directory).
#   tests/crash_test.sh <huiqi binary> [data dir]      (ctest: crash, crash_postgresql)
#   HUIQI_CRASH_ROUNDS=50 tests/crash_test.sh …        (make soak)
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export HUIQI_BIN=$(realpath "${1:-$root/build/huiqi}")
export HUIQI_DATA_DIR=$(realpath "${2:-$root/data}")
export HUIQI_CRASH_ROUNDS=${HUIQI_CRASH_ROUNDS:-8}
command -v node >/dev/null || { echo "crash: node is not installed (scripts/install-deps)" >&2; exit 1; }
tmp=$(mktemp -d /tmp/huiqi-crash-XXXXXX)
export HUIQI_CRASH_DIR=$tmp
keep=${HUIQI_CRASH_KEEP:-}
cleanup() {
  [[ -d "$tmp/io/state" ]] && chattr -R -i "$tmp/io/state" 2>/dev/null
  mountpoint -q "$tmp/io" 2>/dev/null && umount -l "$tmp/io"
  if [[ -n "$keep" ]]; then echo "crash: kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT

setup() {  # setup DB_URL STATE_DIR
  HUIQI_STATE_DIR=$2 "$HUIQI_BIN" migrate --db "$1" >>"$tmp/setup.log" 2>&1 &&
    HUIQI_STATE_DIR=$2 "$HUIQI_BIN" seed-demo --db "$1" >>"$tmp/setup.log" 2>&1 ||
    { cat "$tmp/setup.log"; echo "crash: setting up the demo data failed" >&2; exit 1; }
}

rc=0
mkdir -p "$tmp/state"
export HUIQI_STATE_DIR=$tmp/state
db=${HUIQI_DB:-"sqlite:$tmp/state/h.db"}
setup "$db" "$HUIQI_STATE_DIR"
HUIQI_DB=$db node "$root/tests/crash/crash.mjs" || rc=1
if [[ $rc -ne 0 ]]; then
  echo "--- server log (errors) ---"; grep -E '\[(error|critical)\]' "$tmp/server.log" | tail -20
fi

# The I/O-fault pass runs on SQLite, whose data directory huiqi owns (PostgreSQL's is the
# database server's). It needs a filesystem of its own to fill up and to make read-only.
if [[ -z "${HUIQI_DB:-}" && $rc -eq 0 ]]; then
  mkdir -p "$tmp/io"
  if truncate -s 48M "$tmp/io.img" && mkfs.ext4 -q -F -m 0 "$tmp/io.img" 2>"$tmp/mount.err" &&
     mount -o loop "$tmp/io.img" "$tmp/io" 2>>"$tmp/mount.err"; then
    export HUIQI_STATE_DIR=$tmp/io/state
    mkdir -p "$HUIQI_STATE_DIR"
    setup "sqlite:$HUIQI_STATE_DIR/h.db" "$HUIQI_STATE_DIR"
    HUIQI_DB="sqlite:$HUIQI_STATE_DIR/h.db" HUIQI_IO_MOUNT=$tmp/io node "$root/tests/crash/iofault.mjs" || rc=1
  else
    echo "crash: I/O-fault pass skipped: cannot loop-mount a small ext4 here ($(cat "$tmp/mount.err"))"
  fi
elif [[ -n "${HUIQI_DB:-}" ]]; then
  echo "crash: the I/O-fault pass runs on SQLite only (PostgreSQL's data directory is its server's)"
fi
exit $rc
