#!/usr/bin/env bash
# checksrc.sh -- banned functions (STYLE.md), in the spirit of curl's
# checksrc. Comments and string literals are stripped first, so prose and
# messages may name a function.
#
#   everywhere (src/ include/ tools/ tests/ bench/ *.c *.h):
#     strcpy strcat sprintf vsprintf gets strtok atoi atol alloca
#   in src/ and include/ also (the library never prints, exits or aborts,
#   and allocates only through the allocator hook in alloc.c):
#     printf fprintf vprintf vfprintf puts fputs putchar perror stdout
#     stderr exit _exit abort malloc calloc realloc free
#
# A line may opt out of one rule with a comment naming it:
#   /* checksrc: allow free */   (say why on the same line)
#
# Usage: tools/checksrc.sh [--format] [FILE...]
#   --format  also report files that clang-format (.clang-format) would
#             change (advisory: does not fail).
# Prints one line per violation (file:line: name: text) and, last,
# "N passed, N failed" counting files.
set -u
cd "$(dirname "$0")/.." || exit 2

FORMAT=0
if [ "${1:-}" = --format ]; then
  FORMAT=1
  shift
fi
if [ $# -gt 0 ]; then
  files=("$@")
else
  mapfile -t files < <(find src include tools tests bench -type f \
    \( -name '*.c' -o -name '*.h' -o -name '*.inc' \) 2>/dev/null | sort)
fi

ALWAYS='strcpy|strcat|sprintf|vsprintf|gets|strtok|atoi|atol|alloca'
LIBRARY='printf|fprintf|vprintf|vfprintf|puts|fputs|putchar|perror|exit|_exit|abort|malloc|calloc|realloc|free'

# Strips /* */ and // comments, string and character literals, keeping
# line numbers (a literal becomes "", a comment a space).
strip() {
  awk '
  BEGIN { inc = 0 }
  {
    line = $0; out = ""; i = 1; n = length(line)
    while (i <= n) {
      c = substr(line, i, 1); d = substr(line, i, 2)
      if (inc) {
        if (d == "*/") { inc = 0; i += 2; out = out " " } else i++
        continue
      }
      if (d == "/*") { inc = 1; i += 2; continue }
      if (d == "//") break
      if (c == "\"" || c == "\047") {
        q = c; i++
        while (i <= n) {
          e = substr(line, i, 1)
          if (e == "\\") { i += 2; continue }
          i++
          if (e == q) break
        }
        out = out q q
        continue
      }
      out = out c; i++
    }
    print out
  }' "$1"
}

P=0 F=0
for f in "${files[@]}"; do
  [ -f "$f" ] || continue
  case $f in
    src/*|include/*) re="$ALWAYS|$LIBRARY" lib=1 ;;
    *) re=$ALWAYS lib=0 ;;
  esac
  # alloc.c is where the library meets libc's allocator.
  [ "$f" = src/alloc.c ] && re="$ALWAYS|${LIBRARY%|malloc|calloc|realloc|free}"
  bad=0
  # Function calls: a banned name followed by "(" (not a member or a
  # longer identifier: my_free( and ->free( are fine).
  hits=$(strip "$f" | grep -nE "(^|[^A-Za-z0-9_.>])($re)[[:space:]]*\(" || true)
  if [ "$lib" = 1 ]; then
    more=$(strip "$f" | grep -nE "(^|[^A-Za-z0-9_.>])(stdout|stderr)([^A-Za-z0-9_]|$)" || true)
    hits=$(printf '%s\n%s\n' "$hits" "$more" | sed '/^$/d')
  fi
  hits=$(printf '%s\n' "$hits" | sort -t: -k1,1n -u)
  while IFS= read -r h; do
    [ -n "$h" ] || continue
    ln=${h%%:*}
    src=$(sed -n "${ln}p" "$f")
    names=$(printf '%s\n' "${h#*:}" |
      grep -oE "(^|[^A-Za-z0-9_.>])($re)[[:space:]]*\(|(^|[^A-Za-z0-9_.>])(stdout|stderr)([^A-Za-z0-9_]|$)" |
      grep -oE "[A-Za-z_]+" | grep -xE "$re|stdout|stderr" | sort -u)
    for name in $names; do
      case $lib:$name in 0:stdout|0:stderr) continue ;; esac
      if printf '%s' "$src" | grep -qE "checksrc: allow ([a-z_, ]*)?\b$name\b"; then
        continue
      fi
      echo "$f:$ln: $name: $(printf '%s' "$src" | sed 's/^[[:space:]]*//' | cut -c1-100)"
      bad=1
    done
  done <<<"$hits"
  if [ "$bad" = 1 ]; then F=$((F + 1)); else P=$((P + 1)); fi
done

if [ "$FORMAT" = 1 ]; then
  if command -v clang-format >/dev/null; then
    nf=0
    for f in "${files[@]}"; do
      case $f in *.c|*.h) ;; *) continue ;; esac
      if ! clang-format --dry-run -Werror "$f" >/dev/null 2>&1; then
        echo "format: $f differs from .clang-format (advisory)"
        nf=$((nf + 1))
      fi
    done
    echo "format: $nf file(s) would be reformatted (advisory)"
  else
    echo "format: clang-format not installed, skipped"
  fi
fi
echo "$P passed, $F failed"
[ "$F" -eq 0 ]
