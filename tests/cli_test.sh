#!/usr/bin/env bash
# The command line as a user meets it: exit codes and what each command prints.
set -uo pipefail
HUIQI=$1
export HUIQI_DATA_DIR=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export HUIQI_DB="sqlite:$tmp/cli.db"
passed=0; failed=0

expect() {  # expect <description> <expected stdout> <expected exit> -- command…
  local desc=$1 want=$2 want_rc=$3; shift 4
  local out rc
  out=$("$@" 2>"$tmp/stderr"); rc=$?
  if [[ "$out" == "$want" && $rc -eq $want_rc ]]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL: $desc"; echo "  command: $*"; echo "  want [$want] exit $want_rc, got [$out] exit $rc"
    sed 's/^/  stderr: /' "$tmp/stderr"
  fi
}
expect_match() {  # expect_match <description> <regex on stdout+stderr> <expected exit> -- command…
  local desc=$1 re=$2 want_rc=$3; shift 4
  local out rc
  out=$("$@" 2>&1); rc=$?
  if [[ "$out" =~ $re && $rc -eq $want_rc ]]; then passed=$((passed + 1)); else
    failed=$((failed + 1)); echo "FAIL: $desc"; echo "  got [$out] exit $rc"; fi
}

expect "working day after 国庆 2026" "2026-10-08" 0 -- "$HUIQI" calendar add 2026-09-30 1
expect "3 working days before 2026-02-24 across 春节" "2026-02-12" 0 -- "$HUIQI" calendar add 2026-02-24 -3
expect "调休 Saturday is a working day" "yes" 0 -- "$HUIQI" calendar is-workday 2026-02-14
expect "春节 is not" "no" 0 -- "$HUIQI" calendar is-workday 2026-02-17
expect "between across 国庆 2025" "6" 0 -- "$HUIQI" calendar between 2025-09-26 2025-10-11
expect_match "bad date names the field" "date" 1 -- "$HUIQI" calendar is-workday 2026-02-30
expect_match "uncovered year warns" "2027" 0 -- "$HUIQI" calendar add 2026-12-31 1
expect "valid USCC" "valid" 0 -- "$HUIQI" uscc check 91350100M000100Y43
expect_match "check digit reason" "第 18 位校验码应为“3”" 1 -- "$HUIQI" uscc check 91350100M000100Y44
expect_match "length reason" "应为 18 位" 1 -- "$HUIQI" uscc check 123
expect_match "migrate reports the level" "migration level 0 -> [0-9]+" 0 -- "$HUIQI" migrate
expect_match "help is Chinese and English" "工作日" 0 -- "$HUIQI" calendar --help
expect_match "bad db url names the flag" "db" 1 -- "$HUIQI" migrate --db mysql://x

expect_match "seed-demo loads departments and accounts" "13 departments and 49 accounts" 0 -- "$HUIQI" seed-demo
expect_match "seed-demo is idempotent" "0 departments and 0 accounts" 0 -- "$HUIQI" seed-demo
expect_match "seed-demo loaded the demo policies once" "demo policies: 0 added, 30 already there" 0 -- "$HUIQI" seed-demo
expect_match "seed-demo issued a seal to every department once" "CA already there, 0 department seals issued" 0 -- "$HUIQI" seed-demo
expect_match "seed-demo made the demo applications once" "demo applications: 7 already there" 0 -- "$HUIQI" seed-demo
expect_match "a demo opinion's seal verifies" "结论 result: 有效 valid" 0 -- "$HUIQI" seal verify --opinion 1
expect_match "an opinion exports as data and signature" "opinion 1: " 0 -- \
  "$HUIQI" seal export-opinion --opinion 1 --data "$tmp/opinion.txt" --signature "$tmp/opinion.sig"
expect_match "the exported pair verifies" "有效 valid" 0 -- "$HUIQI" seal verify --signature "$tmp/opinion.sig" --data "$tmp/opinion.txt"
sed -i 's/同意/不同意/' "$tmp/opinion.txt" 2>/dev/null || true
printf 'x' >>"$tmp/opinion.txt"
expect_match "one changed byte fails verification" "无效 INVALID" 1 -- "$HUIQI" seal verify --signature "$tmp/opinion.sig" --data "$tmp/opinion.txt"
expect_match "match enterprise explains a near miss with the enterprise's own value" "研发费用占比需达到3%（当前2.9%，还差0.1%）；该数据由税务部门提供" 0 -- \
  "$HUIQI" match enterprise 91320481712346165A
expect_match "enterprise show prints the archive" '"uscc": "91320481712346165A"' 0 -- "$HUIQI" enterprise show 91320481712346165A
csv="$tmp/archive.csv"
printf 'uscc,name,employees,revenue\n91350100M000100Y43,新企业,12,300万\n91350100M000100Y44,坏代码,1,1万\n' > "$csv"
expect_match "import with a bad row imports nothing and names the row" "第 3 行 uscc" 1 -- "$HUIQI" enterprise import "$csv"
expect_match "nothing was written" "not_found|未找到|不存在" 1 -- "$HUIQI" enterprise show 91350100M000100Y43
expect_match "--skip-invalid imports the good rows" "1 created" 0 -- "$HUIQI" enterprise import --skip-invalid "$csv"
expect_match "re-import is idempotent" "0 created, 0 updated, 1 unchanged" 0 -- "$HUIQI" enterprise import --skip-invalid "$csv"
expect_match "user add refuses a duplicate login naming the field" "login" 1 -- "$HUIQI" user add --kind finance --login czj_finance --name x --password Lanting#2026x
expect_match "user add needs a department for staff" "department" 1 -- "$HUIQI" user add --kind department_staff --login staff1 --name x --password Lanting#2026x --roles reviewer
expect_match "audit chain intact after seeding" "^ok: " 0 -- "$HUIQI" audit verify

expect "rule check prints the canonical form" 'revenue >= 2000万 and has "高新技术企业"' 0 -- \
  bash -c "\"$HUIQI\" rule check '营业收入 >= 2000万 且 拥有 \"高新技术企业\"' | head -1"
expect_match "rule check points at an unknown attribute and suggests" "revenue" 1 -- "$HUIQI" rule check 'employees >= 10 and revenu >= 1万'
expect_match "gen enterprises writes the archive" "2000 enterprises in" 0 -- "$HUIQI" gen enterprises --count 2000 --seed 3
expect_match "gen --up-to only tops up" "0 enterprises generated" 0 -- "$HUIQI" gen enterprises --up-to 2000 --seed 3
rule='region under "32" and employees >= 5 and not dishonest and (has "科技型中小企业" or age <= 5)'
row=$("$HUIQI" match count --engine row --rule "$rule" 2>/dev/null)
bitmap=$("$HUIQI" match count --engine bitmap --rule "$rule" 2>/dev/null)
sql=$("$HUIQI" match count --engine sql --rule "$rule" 2>/dev/null)
expect "the three engines agree on the archive (row=$row)" "$row" 0 -- echo "$bitmap"
expect "sql agrees too" "$row" 0 -- echo "$sql"
if [[ "$row" -gt 0 && "$row" -lt 2000 ]]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: count $row is trivial"; fi

# An admin registers an attribute; its values import by label; the three engines use it.
expect_match "attribute add registers a new attribute" "registered" 0 -- \
  "$HUIQI" attribute add --key patents --label 有效发明专利数 --type int --unit 件 --source 市场监管
expect_match "attribute add refuses a taken label naming it" "有效发明专利数" 1 -- \
  "$HUIQI" attribute add --key patents2 --label 有效发明专利数 --type int
expect_match "attribute add refuses a code type" "type" 1 -- "$HUIQI" attribute add --key x1 --label 测试 --type code
printf 'uscc,有效发明专利数\n91350100M000100Y43,12\n913204127123456136,3\n' > "$tmp/patents.csv"
expect_match "import fills the registered attribute" "2 rows: 0 created, 2 updated" 0 -- "$HUIQI" enterprise import "$tmp/patents.csv"
prule='有效发明专利数 >= 5 and employees >= 1'
prow=$("$HUIQI" match count --engine row --rule "$prule" 2>/dev/null)
pbitmap=$("$HUIQI" match count --engine bitmap --rule "$prule" 2>/dev/null)
psql=$("$HUIQI" match count --engine sql --rule "$prule" 2>/dev/null)
expect "a registered attribute counts once (row)" "1" 0 -- echo "$prow"
expect "bitmap agrees on the registered attribute" "1" 0 -- echo "$pbitmap"
expect "sql agrees on the registered attribute" "1" 0 -- echo "$psql"

# The configuration file (issue 11 item 3): defaults round-trip, bad keys and values are named.
"$HUIQI" config defaults >"$tmp/defaults.toml"
expect_match "config defaults lists every section" "\[auth\]" 0 -- cat "$tmp/defaults.toml"
expect_match "config defaults is a valid file" "^ok: " 0 -- "$HUIQI" config check "$tmp/defaults.toml"
printf '[server]\nwokers = 3\n' >"$tmp/typo.toml"
expect_match "an unknown key is named with its line" "server.wokers.*typo.toml:2" 1 -- "$HUIQI" config check "$tmp/typo.toml"
printf '[auth]\nsession_idle_minutes = 1\n' >"$tmp/range.toml"
expect_match "a value out of range is named" "auth.session_idle_minutes" 1 -- "$HUIQI" config check "$tmp/range.toml"
printf '[server]\nworkers = "four"\n' >"$tmp/type.toml"
expect_match "a wrong type is named" "server.workers" 1 -- "$HUIQI" config check "$tmp/type.toml"
expect_match "serve refuses a bad file before starting" "server.wokers" 1 -- "$HUIQI" serve --config "$tmp/typo.toml"
cport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null \
        || shuf -i 20000-60000 -n 1)
printf '[server]\nlisten = "127.0.0.1:1"\nweb_dir = "%s/none"\n' "$tmp" >"$tmp/serve.toml"
"$HUIQI" serve --config "$tmp/serve.toml" --listen "127.0.0.1:$cport" >"$tmp/serve-config.log" 2>&1 &
cpid=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$cport/api/v1/health" >/dev/null 2>&1 && break; sleep 0.1; done
expect_match "serve --config starts, the --listen flag overriding the file" '"status":"ok"' 0 -- \
  curl -s "http://127.0.0.1:$cport/api/v1/health"
kill "$cpid" 2>/dev/null; wait "$cpid" 2>/dev/null

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
