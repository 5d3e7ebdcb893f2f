#!/usr/bin/env bash
# Fails on any clang-tidy warning (.clang-tidy, STYLE.md habit 9) in the project's .cpp files,
# compiled as the build compiles them (BUILD/compile_commands.json). Headers are checked through
# the sources that include them.
#
# Which files: clang-tidy takes 5–20 s of CPU per file here (~150 files: about 15 minutes on the
# 2 shared cores), too slow for every `make test`. So
#   - CI=true, HUIQI_TIDY=all, or no git checkout: every file;
#   - otherwise the files changed since the merge base with the upstream branch (HEAD when there
#     is none), committed, staged, unstaged or untracked; a changed header brings its own .cpp and
#     _test.cpp (same stem) with it;
#   - HUIQI_TIDY_BASE=<commit> compares with that commit instead.
# HUIQI_TIDY_JOBS (default 2) clang-tidy processes run at once, under nice.
#
# Usage: tidy_test.sh BUILD_DIR [FILE…]   (explicit files are checked whatever the mode)
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:?usage: tidy_test.sh BUILD_DIR [FILE…]}" && pwd) || exit 1
shift
cd "$root" || exit 1

tidy=$(command -v clang-tidy-14 || command -v clang-tidy) || {
  echo "tidy: clang-tidy is not installed (scripts/install-deps)"
  exit 1
}
[[ -f $build/compile_commands.json ]] || {
  echo "tidy: $build/compile_commands.json is missing (CMAKE_EXPORT_COMPILE_COMMANDS)"
  exit 1
}

# Every .cpp of ours the build compiles, relative to the root.
mapfile -t all < <(grep -oE '"file": *"[^"]+\.cpp"' "$build/compile_commands.json" |
  sed -E 's/.*"([^"]+)"$/\1/' | sed "s|^$root/||" | grep -E '^(src|tests|bench)/' | sort -u)

changed_files() {
  local base upstream
  if [[ -n ${HUIQI_TIDY_BASE:-} ]]; then
    base=$HUIQI_TIDY_BASE
  elif upstream=$(git rev-parse --abbrev-ref --symbolic-full-name '@{upstream}' 2>/dev/null); then
    base=$(git merge-base HEAD "$upstream")
  else
    base=HEAD
  fi
  echo "tidy: files changed since ${base}" >&2
  { git diff --name-only "$base" -- src tests bench; git ls-files --others --exclude-standard -- src tests bench; } |
    while IFS= read -r f; do
      case $f in
        *.cpp) echo "$f" ;;
        *.h) echo "${f%.h}.cpp"; echo "${f%.h}_test.cpp" ;;
      esac
    done | sort -u
}

if (($# > 0)); then
  mapfile -t wanted < <(printf '%s\n' "$@" | sed "s|^$root/||")
  mode="the files named"
elif [[ ${CI:-} == true || ${HUIQI_TIDY:-} == all ]] || ! git rev-parse --git-dir >/dev/null 2>&1; then
  wanted=("${all[@]}")
  mode="every file"
else
  mapfile -t wanted < <(changed_files)
  mode="changed files"
fi
# Only files the build compiles (and that still exist).
mapfile -t files < <(comm -12 <(printf '%s\n' "${all[@]}") <(printf '%s\n' "${wanted[@]}" | sort -u))
if ((${#files[@]} == 0)); then
  echo "tidy: ok (no C++ file to check: $mode; CI=true checks the whole tree)"
  exit 0
fi

logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
start=$(date +%s)
printf '%s\n' "${files[@]}" |
  xargs -P "${HUIQI_TIDY_JOBS:-2}" -I{} sh -c \
    'nice "$1" -p "$2" --quiet "$3" >"$4/$(echo "$3" | tr / _).log" 2>&1' _ "$tidy" "$build" {} "$logs"
secs=$(($(date +%s) - start))

# clang-tidy reports a header's finding once per file that includes it: print each once.
# Headers reached through the include roots (build/include/public/<m>/<m>/…) are named by src/.
found=$(cat "$logs"/*.log | grep -E ': (warning|error): ' |
  sed -E "s#^$build/include/(public|private)/[a-z_]+/#src/#; s#^$root/##" | sort -u)
if [[ -n $found ]]; then
  echo "$found"
  echo "tidy: $(wc -l <<<"$found") findings in ${#files[@]} files ($mode, ${secs}s)"
  exit 1
fi
echo "tidy: ok (${#files[@]} files, $mode, ${secs}s)"
