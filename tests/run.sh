#!/usr/bin/env bash
# Runs the whole suite against a build folder (default: build) and prints,
# as its last line, the sum over every part: "N passed, N failed".
#   unit tests     BUILD/tests/test_*     (each prints its own tally)
#   CLI tests      tests/cli/*.sh         (each prints its own tally)
#   fuzz replays   BUILD/fuzz/*-replay over tests/fuzz/corpus/<target>/
set -u
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
export DATELINE_BIN="$ROOT/$BUILD/dateline"
export DATELINE_MODEL_DIR="$ROOT/models"
export BUILD
P=0 F=0
tally() { # $1 = name, rest = command; adds the command's last-line tally
  local name=$1 out last p f rc
  shift
  out=$("$@" 2>&1)
  rc=$?
  last=$(printf '%s\n' "$out" | tail -n 1)
  if [[ $last =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
    p=${BASH_REMATCH[1]} f=${BASH_REMATCH[2]}
  else
    p=0 f=1
  fi
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  if [ "$f" -ne 0 ]; then
    printf '%s\n' "$out" | grep -v '^ok ' | tail -n 40
    echo "FAIL $name ($p passed, $f failed, exit $rc)"
  else
    echo "ok   $name ($p passed)"
  fi
  P=$((P + p)) F=$((F + f))
}
for t in "$BUILD"/tests/test_*; do
  [ -x "$t" ] || continue
  tally "unit/$(basename "$t")" "$t"
done
for t in tests/cli/*.sh; do
  [ -f "$t" ] || continue
  [ "$(basename "$t")" = lib.sh ] && continue # sourced helpers, not a test
  tally "cli/$(basename "$t" .sh)" bash "$t"
done
for r in "$BUILD"/fuzz/*-replay; do
  [ -x "$r" ] || continue
  n=$(basename "$r" -replay)
  tally "fuzz-replay/$n" "$r" "tests/fuzz/corpus/${n#fuzz_}"
done
tally style/checksrc bash tools/checksrc.sh
echo "$P passed, $F failed"
[ "$F" -eq 0 ]
