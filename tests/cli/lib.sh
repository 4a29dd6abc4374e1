# Helpers for CLI tests (sourced). Each test script calls check/finish and
# ends with "N passed, N failed".
: "${DATELINE_BIN:=build/dateline}"
DL=$DATELINE_BIN
T_P=0 T_F=0
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
pass() { T_P=$((T_P + 1)); echo "ok   $1"; }
fail() { T_F=$((T_F + 1)); echo "FAIL $1${2:+ -- $2}"; }
# check NAME CONDITION-COMMAND...
check() { local n=$1; shift; if "$@"; then pass "$n"; else fail "$n"; fi; }
finish() { echo "$T_P passed, $T_F failed"; [ "$T_F" -eq 0 ]; }
# need_jsoncheck PATH: builds the strict JSON/UTF-8/span validator
# (tests/cli/jsoncheck.c) at PATH, or records a failure and ends the script.
need_jsoncheck() {
  if ! ${CC:-cc} -std=c11 -D_DEFAULT_SOURCE -O1 -o "$1" tests/cli/jsoncheck.c \
    -ljansson; then
    fail "build jsoncheck"
    finish
    exit 1
  fi
}
