#!/usr/bin/env bash
# Fails when a C++ file differs from what .clang-format makes of it (STYLE.md habit 9).
# Fix with: clang-format -i <file>   (or every file: tests/format_test.sh --fix)
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 1
command -v clang-format >/dev/null || { echo "format: clang-format is not installed (scripts/install-deps)"; exit 1; }
mapfile -t files < <(find src tests bench -name '*.cpp' -o -name '*.h' | sort)
if [[ ${1:-} == --fix ]]; then clang-format -i "${files[@]}"; exit 0; fi
bad=0
for f in "${files[@]}"; do
  if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
    echo "format: $f differs from .clang-format (clang-format -i $f)"
    bad=$((bad + 1))
  fi
done
echo "format: ${#files[@]} files, $bad to reformat"
[[ $bad -eq 0 ]]
