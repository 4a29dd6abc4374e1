#!/usr/bin/env bash
# manpage.sh -- the man page (docs/dateline.1.md -> docs/dateline.1) and
# `dateline --help` agree: the committed page is the generator's output,
# every command and flag --help shows is documented, every flag the page
# documents is accepted by the CLI, every field the page lists is one the
# library knows, and the versions match.
cd "$(dirname "$0")/../.." || exit 2
. tests/cli/lib.sh

MD=docs/dateline.1.md
check "docs/dateline.1 is tools/gen-man.sh's output (run it after editing $MD)" \
  sh -c "tools/gen-man.sh $MD | cmp -s - docs/dateline.1"
if command -v groff >/dev/null 2>&1; then
  check "groff: no warnings" sh -c \
    "[ -z \"\$(groff -man -ww -z docs/dateline.1 2>&1)\" ]"
fi

"$DL" --help >"$TMP/help" 2>&1
check "--help exits 0" sh -c "'$DL' --help >/dev/null"
check "-h exits 0" sh -c "'$DL' -h >/dev/null"
check "annotate --help exits 0" sh -c "'$DL' annotate --help >/dev/null"
for flag in $(grep -oE -- '--[a-z][a-z-]*' "$TMP/help" | sort -u); do
  check "--help flag $flag is in the man page" grep -q -- "\`$flag\`" "$MD"
done
for cmd in $(sed -n '/^Commands:/,/^$/p' "$TMP/help" | awk 'NF {print $1}' |
  grep -v Commands:); do
  check "--help command '$cmd' is in the man page" grep -q "^\`$cmd" "$MD"
done

# Every option the page documents is known to the CLI (a value is given
# where one is needed; a known flag never yields "unknown flag").
printf 'Text.\n' >"$TMP/in.txt"
opts=$(sed -n '/^# OPTIONS/,/^# INPUT/p' "$MD" | grep -oE '^`--[a-z-]+`( \*[A-Z]|`? ?`[a-z]+`)?' |
  grep -oE -- '--[a-z-]+' | sort -u)
for flag in $opts; do
  case $flag in
    --date) args=(--date 2016-12-22) ;;
    --offsets) args=(--offsets chars) ;;
    --fields) args=(--fields id) ;;
    --format) args=(--format text) ;;
    --threads) args=(--threads 2) ;;
    --summary) args=(--summary 2) ;;
    --model) args=(--model models) ;;
    --events-dict) args=(--events-dict "$TMP") ;;
    *) args=("$flag") ;;
  esac
  "$DL" annotate "${args[@]}" "$TMP/in.txt" >/dev/null 2>"$TMP/err"
  check "man page flag $flag is accepted" \
    sh -c "! grep -q 'unknown flag' '$TMP/err'"
done
check "the page documents at least the common flags" \
  test "$(printf '%s\n' $opts | wc -l)" -ge 10

# The fields the page lists under --fields are the library's fields.
fields=$(sed -n '/^`--fields`/,/^$/p' "$MD" | grep -oE '`[a-z]+`' | tr -d '`' |
  grep -vxE 'all|default' | sort -u | tr '\n' ',' | sed 's/,$//')
check "man page --fields list is accepted ($fields)" \
  sh -c "'$DL' annotate --fields '$fields' '$TMP/in.txt' >/dev/null"
n=$(printf '%s\n' "$fields" | awk -F, '{print NF}')
want=$(grep -cE '^ *\{DL_FIELD_[A-Z]+, "[a-z]+",' src/record.c)
check "man page lists every field of src/record.c ($n of $want)" test "$n" -eq "$want"

# Versions.
ver=$("$DL" --version | awk '{print $2}')
check "man page title has version $ver" grep -q "^% DATELINE(1) dateline $ver " "$MD"
check "exit statuses 0, 1, 2 documented" sh -c \
  "sed -n '/^# EXIT STATUS/,/^# ENV/p' $MD | grep -c '^\`[012]\`' | grep -qx 3"
finish
