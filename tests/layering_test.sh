#!/usr/bin/env bash
# Fails when a lower layer includes a higher one (STYLE.md habit 1, ARCHITECTURE.md "Shape"):
#   core ← store ← audit ← auth ← (domain modules) ← http ← app
set -euo pipefail
src=${1:-src}
rank() {
  case $1 in
    core) echo 0 ;; secrets) echo 1 ;; store) echo 1 ;; audit) echo 2 ;; auth) echo 3 ;;
    http) echo 9 ;; app) echo 10 ;; *) echo 5 ;;
  esac
}
fail=0
for dir in "$src"/*/; do
  mod=$(basename "$dir")
  r=$(rank "$mod")
  while IFS= read -r line; do
    file=${line%%:*}
    inc=$(sed -E 's/.*#include "([a-z_]+)\/.*/\1/' <<<"$line")
    [[ "$inc" == "$mod" ]] && continue
    [[ -d "$src/$inc" ]] || continue
    ir=$(rank "$inc")
    # Domain modules (rank 5) may use each other's public headers only, never detail/.
    path=$(sed -E 's/.*#include "([^"]+)".*/\1/' <<<"$line")
    if (( ir > r )) || { (( ir == r )) && [[ "$path" == */detail/* ]]; }; then
      echo "layering violation: $file includes $inc (${line#*:})"
      fail=1
    fi
  done < <(grep -rHE '^#include "[a-z_]+/' "$dir" --include='*.h' --include='*.cpp' | grep -v '_test.cpp:' || true)
done
[[ $fail -eq 0 ]] && echo "layering: ok"
exit $fail
