#!/usr/bin/env bash
# Fails when a module includes a module above it, another module's detail/, or a test helper
# (STYLE.md habit 1; docs/architecture.md "Modules and the direction of their dependencies").
#
# The order, lowest first. A module may include its own headers and the public headers of
# modules with a LOWER rank; modules of equal rank may not include each other. It was read off the
# includes of the tree (issue 11 item 5) and is drawn in docs/architecture.md:
#   0  core
#   1  secrets, store                  (each uses core only)
#   2  audit, state, schedule          (audit: secrets, store; state, schedule: store, secrets)
#   3  auth, notify                    (audit, secrets, store)
#   4  rules, files                    (rules: core only, but ranked above auth so that nothing of
#                                       the platform below — store, audit, auth — learns the rule
#                                       language; files: auth, secrets, store)
#   5  match                           (rules, store)
#   6  policy, enterprise, seal, calendar   (policy: match, state; enterprise: rules, state;
#                                       seal: audit; calendar: auth — none uses another of rank 6)
#   7  search, workflow, payments, push (search: policy; workflow: policy, enterprise, seal, files,
#                                       notify, state; payments: policy, enterprise, match, notify,
#                                       schedule, state, secrets; push: the same as payments)
#   8  http                            (every module)
#   9  app, bench                      (everything)
# A folder of src/ missing from this list fails the test: give a new module its place here first.
#
# Test files (*_test.cpp and the test helpers *_test_support.h, *_test_fixture.h, test_client.h)
# follow the same order: they may include their own module (detail/ too), lower modules' public
# headers, their test helpers and tests/support/ ("support/…", rank 2: it uses store and core).
# Production code never includes a test helper or support/. No file reaches into another module's
# detail/ or climbs out of the include roots with "../".
#
# Usage: layering_test.sh [ROOT]   (ROOT defaults to the repository; it holds src/, tests/, bench/)
set -euo pipefail
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
[[ -d $root/src ]] || root=$(dirname "$root")  # also accepts ROOT/src, as CTest used to pass

declare -A rank=(
  [core]=0
  [secrets]=1 [store]=1
  [audit]=2 [state]=2 [schedule]=2 [support]=2
  [auth]=3 [notify]=3
  [rules]=4 [files]=4
  [match]=5
  [policy]=6 [enterprise]=6 [seal]=6 [calendar]=6
  [search]=7 [workflow]=7 [payments]=7 [push]=7
  [http]=8
  [app]=9 [bench]=9
)
# A test that needs a higher module's test helper is listed here as "module:header", with why.
declare -A allowed_up=()

is_test() { [[ $1 == *_test.cpp || $1 == *_test_support.h || $1 == *_test_fixture.h || $1 == */test_client.h ]]; }

fail=0
report() {
  echo "layering violation: $1"
  fail=1
}

for dir in "$root"/src/*/; do
  mod=$(basename "$dir")
  [[ -n ${rank[$mod]:-} ]] || report "src/$mod has no rank: add it to the order in tests/layering_test.sh and docs/architecture.md"
done

# check FILE MODULE: every quoted include of FILE against the order.
check() {
  local file=$1 mod=$2 rel=${1#"$root"/} line path inc r ir
  r=${rank[$mod]:-}
  [[ -n $r ]] || return 0
  while IFS= read -r line; do
    path=${line#*\"}
    path=${path%%\"*}
    if [[ $path == ../* || $path == */../* ]]; then
      report "$rel includes \"$path\" (no ../ out of the include roots)"
      continue
    fi
    [[ $path == */* ]] || continue
    inc=${path%%/*}
    if { [[ $inc == support ]] || is_test "$path"; } && ! is_test "$file" && [[ $mod != support ]]; then
      report "$rel includes test helper $path (production code never does)"
      continue
    fi
    [[ $inc == "$mod" ]] && continue
    if [[ -z ${rank[$inc]:-} ]]; then
      # Not a module: a third-party header spelled with quotes, or a module nobody ranked.
      [[ -d $root/src/$inc ]] && report "$rel includes $path of unranked module $inc"
      continue
    fi
    ir=${rank[$inc]}
    if [[ $path == */detail/* ]]; then
      report "$rel includes $path (detail/ is private to $inc)"
    elif [[ $inc == support ]]; then
      continue
    elif is_test "$path" && [[ -n ${allowed_up[$inc:${path#*/}]:-} ]]; then
      continue
    elif ((ir >= r)); then
      report "$rel includes $path: $inc (rank $ir) is not below $mod (rank $r)"
    fi
  done < <(grep -E '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$file" || true)
}

files=0
while IFS= read -r f; do
  rel=${f#"$root"/}
  case $rel in
    src/*) mod=${rel#src/}; mod=${mod%%/*} ;;
    tests/support/*) mod=support ;;
    bench/*) mod=bench ;;
    *) continue ;;
  esac
  check "$f" "$mod"
  files=$((files + 1))
done < <(find "$root/src" "$root/tests/support" "$root/bench" -name '*.h' -o -name '*.cpp' | sort)

((fail == 0)) && echo "layering: ok ($files files)"
exit $fail
