#!/usr/bin/env bash
# Key rotation end to end (issue 16 item 6), on SQLite, or on PostgreSQL when HUIQI_DB is a
# postgresql:// URL (tests/with_postgres.sh): seed the demo, add a bank account through the API,
# `huiqi keys rotate`, then check in the database itself (sqlite3 / psql) that no sealed column
# names the old key, that a server on the rotated key file still shows the masked phone and
# account, that every value opens (`keys status --verify`) and none opens with the old key file,
# that the audit chain holds, that a re-run re-seals nothing, and that neither the answers nor
# the server log carry a full phone or account number. Prints the rotation's figures.
# Usage: keys_test.sh HUIQI DATA_DIR
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
has() { grep -qF -- "$2" <<<"$1"; }

export HUIQI_DB=${HUIQI_DB:-"sqlite:$tmp/huiqi.db"}
export HUIQI_STATE_DIR=$tmp/state HUIQI_SEARCH_DIR=$tmp/search
mkdir -p "$HUIQI_STATE_DIR"
kind=sqlite
[[ $HUIQI_DB == postgres* ]] && kind=postgresql
sql() {  # sql <query> — one value
  if [[ $kind == sqlite ]]; then sqlite3 "${HUIQI_DB#sqlite:}" "$1"; else psql -qAt "$HUIQI_DB" -c "$1"; fi
}

"$HUIQI" migrate >/dev/null 2>&1 || { echo "migrate failed"; exit 1; }
"$HUIQI" seed-demo >"$tmp/seed.log" 2>&1 || { echo "seed-demo failed"; tail "$tmp/seed.log"; exit 1; }

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
start_server() {
  "$HUIQI" serve --listen "127.0.0.1:$port" >>"$tmp/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 200); do curl -sf "$base/api/v1/health" >/dev/null && break; sleep 0.1; done
}
stop_server() { kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; server_pid=""; }
login() {  # login → $csrf, cookie jar $tmp/jar
  curl -s -o "$tmp/login" -c "$tmp/jar" -H 'Content-Type: application/json' \
    -d '{"login":"ent_xingchen","password":"Huiqi@2026"}' "$base/api/v1/auth/login"
  csrf=$(sed -n 's/.*"csrf_token":"\([^"]*\)".*/\1/p' "$tmp/login")
}
get() { curl -s -b "$tmp/jar" "$base$1"; }

# --- before: a bank account added through the API, the answers as the old key shows them.
account='6222 0200 0000 5678'
account_digits=${account// /}
start_server
login
check "ent_xingchen logs in" test -n "$csrf"
code=$(curl -s -o "$tmp/added" -w '%{http_code}' -b "$tmp/jar" -H "X-CSRF-Token: $csrf" \
  -H 'Content-Type: application/json' \
  -d "{\"account_name\":\"常州星辰智能装备有限公司\",\"bank_name\":\"中国工商银行常州分行\",\"account_number\":\"$account\"}" \
  "$base/api/v1/me/bank-accounts")
check "a bank account is added ($code)" test "$code" = 201
accounts_before=$(get /api/v1/me/bank-accounts)
members_before=$(get /api/v1/me/enterprise/members)
check "the account is listed masked" has "$accounts_before" '5678'
check "the member's phone is masked" has "$members_before" '139****0001'
stop_server
cp "$HUIQI_STATE_DIR/huiqi.key" "$tmp/old.key"

sealed_under() {  # sealed_under <key id> — sealed values in all four columns naming that key
  local p="enc1:$1:%"
  sql "SELECT (SELECT COUNT(*) FROM users WHERE phone LIKE '$p')
            + (SELECT COUNT(*) FROM bank_accounts WHERE number_sealed LIKE '$p')
            + (SELECT COUNT(*) FROM outbox WHERE address LIKE '$p')
            + (SELECT COUNT(*) FROM push_prefs WHERE webhook_url LIKE '$p')"
}
before_k1=$(sealed_under k1)
check "the demo has sealed values under k1 ($before_k1)" test "$before_k1" -gt 0
check "the bank account is sealed under k1" test "$(sql "SELECT COUNT(*) FROM bank_accounts WHERE number_sealed LIKE 'enc1:k1:%'")" -ge 1

# --- rotate.
"$HUIQI" keys rotate --batch 50 >"$tmp/rotate.out" 2>"$tmp/rotate.err"
check "keys rotate succeeds" test $? -eq 0
rotate=$(cat "$tmp/rotate.out")
check "the key file gained k2" grep -q '^k2 [0-9a-f]\{64\} ' "$HUIQI_STATE_DIR/huiqi.key"
check "k1 stays in the key file" grep -q '^k1 ' "$HUIQI_STATE_DIR/huiqi.key"
check "the key file stays mode 0600" test "$(stat -c %a "$HUIQI_STATE_DIR/huiqi.key")" = 600
check "rotate reports per column" has "$rotate" "bank_accounts.number_sealed: 1 re-sealed under k2"
check "progress is printed" grep -q 're-sealed so far' "$tmp/rotate.err"
check "no sealed column names k1 any more" test "$(sealed_under k1)" = 0
check "every value moved to k2" test "$(sealed_under k2)" = "$before_k1"
total=$(sed -n 's/^keys rotate: \([0-9]*\) values.*/\1/p' <<<"$rotate")
check "the total is the count of moved values ($total)" test "$total" = "$before_k1"
status=$("$HUIQI" keys status --verify)
check "keys status --verify opens every value" test $? -eq 0
check "status lists both keys, never their bytes" \
  bash -c 'grep -q "^  k1 " <<<"$1" && grep -q "^  k2 .*newest" <<<"$1" && ! grep -qE "[0-9a-f]{64}" <<<"$1"' _ "$status"
check "status counts the users' phones under k2" grep -qE '^users.phone \(phone\): k1 0 k2 [1-9]' <<<"$status"
HUIQI_KEY_FILE=$tmp/old.key "$HUIQI" keys status --verify >/dev/null 2>&1
check "the old key file no longer opens the rotated values" test $? -eq 1
"$HUIQI" audit verify >/dev/null
check "audit verify passes after the rotation" test $? -eq 0
check "the rotation is in the audit log" test "$(sql "SELECT COUNT(*) FROM audit_log WHERE action = 'keys.rotate'")" = 1

# --- a server on the rotated key file shows the same masked values.
start_server
login
accounts_after=$(get /api/v1/me/bank-accounts)
members_after=$(get /api/v1/me/enterprise/members)
check "the bank account list is unchanged" test "$accounts_after" = "$accounts_before"
check "the member list (masked phones) is unchanged" test "$members_after" = "$members_before"
check "the member's phone is still masked after rotation" has "$members_after" '139****0001'
stop_server

# --- re-runs: --resume finds nothing left; a second rotation moves everything to k3.
resume=$("$HUIQI" keys rotate --resume 2>/dev/null)
check "rotate --resume re-seals nothing already rotated" has "$resume" "keys rotate: 0 values re-sealed under k2"
check "rotate --resume adds no key" test "$(grep -c '^k' "$HUIQI_STATE_DIR/huiqi.key")" = 2
second=$("$HUIQI" keys rotate 2>/dev/null)
check "a second rotation moves every value to k3" test "$(sealed_under k3)" = "$before_k1"
seconds=$(sed -n 's/^keys rotate: .* in \([0-9.]*\) s$/\1/p' <<<"$rotate")
# A value that cannot be opened is reported and left, and the command fails.
sql "UPDATE users SET phone = 'enc1:k9:AAAA' WHERE login = 'ent_lvyuan'" >/dev/null
bad=$("$HUIQI" keys rotate --resume 2>/dev/null)
check "an unopenable value fails the command" test $? -eq 1
check "and is counted" has "$bad" "users.phone: 0 re-sealed under k3, 1 cannot be opened (left as is)"

# --- masking: no full phone or account number in any answer or in the server's log.
answers="$accounts_before $accounts_after $members_before $members_after $(cat "$tmp/added")"
for secret in "$account_digits" "$account" 13905190001 13905190002 13905190003 13905190004 13905190005 13905190006; do
  check "no answer carries $secret" bash -c '! grep -qF -- "$1" <<<"$2"' _ "$secret" "$answers"
  check "the server log does not carry $secret" bash -c '! grep -qF -- "$1" "$2"' _ "$secret" "$tmp/server.log"
  check "rotate's output does not carry $secret" bash -c '! grep -qF -- "$1" "$2" "$3"' _ "$secret" "$tmp/rotate.out" "$tmp/rotate.err"
done
check "the server log is not empty" test -s "$tmp/server.log"

echo "keys ($kind): $total values re-sealed in $seconds s (demo database); $passed passed, $failed failed"
[[ $failed -eq 0 ]] || { tail -5 "$tmp/rotate.err"; exit 1; }
