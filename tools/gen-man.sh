#!/bin/sh
# gen-man.sh -- turns docs/dateline.1.md into the man page docs/dateline.1
# (roff, man macros) with plain awk: no pandoc at build or install time.
#
#   tools/gen-man.sh [IN.md] > OUT.1      (defaults: docs/dateline.1.md)
#
# The markdown is a small subset, the one docs/dateline.1.md uses:
#   % NAME(SECTION) SOURCE | MANUAL     title line (first line)
#   # HEADING                           section (.SH); ## HEADING: .SS
#   blank line                          paragraph break (.PP)
#   TERM, then ": text" with 2-space    tagged paragraph (.TP), pandoc's
#     indented continuation lines       definition-list syntax
#   - item                              bullet (.IP)
#   ``` ... ```                         literal block (.nf)
#   `code` **bold** *italic*            \fB \fB \fI
# tests/cli/manpage.sh checks that the committed page is this script's
# output and that it agrees with `dateline --help`.
set -eu
cd "$(dirname "$0")/.."
awk '
function esc(s) {
  gsub(/\\/, "\\e", s)
  gsub(/-/, "\\-", s)
  return s
}
function lead(s) { # a line must not start with . or the roff quote
  if (s ~ /^[.\047]/) s = "\\&" s
  return s
}
function inline(s,    out, m) {
  s = esc(s)
  out = ""
  while (match(s, /`[^`]*`/)) {
    out = out substr(s, 1, RSTART - 1) "\\fB" substr(s, RSTART + 1, RLENGTH - 2) "\\fR"
    s = substr(s, RSTART + RLENGTH)
  }
  s = out s
  out = ""
  while (match(s, /\*\*[^*]+\*\*/)) {
    out = out substr(s, 1, RSTART - 1) "\\fB" substr(s, RSTART + 2, RLENGTH - 4) "\\fR"
    s = substr(s, RSTART + RLENGTH)
  }
  s = out s
  out = ""
  while (match(s, /\*[^*]+\*/)) {
    out = out substr(s, 1, RSTART - 1) "\\fI" substr(s, RSTART + 1, RLENGTH - 2) "\\fR"
    s = substr(s, RSTART + RLENGTH)
  }
  return lead(out s)
}
{ line[NR] = $0 }
END {
  n = NR
  i = 1
  if (line[1] ~ /^% /) {
    t = substr(line[1], 3)
    split(t, parts, / \| /)
    head = parts[1]; manual = parts[2]
    name = head; sub(/\(.*$/, "", name)
    sect = head; sub(/^[^(]*\(/, "", sect); sub(/\).*$/, "", sect)
    src = head; sub(/^[^ ]* /, "", src)
    printf ".\\\" Generated from docs/dateline.1.md by tools/gen-man.sh: edit that.\n"
    printf ".TH \"%s\" \"%s\" \"\" \"%s\" \"%s\"\n", name, sect, src, manual
    i = 2
  }
  para = 0 # 1 when the next text line must open a paragraph
  for (; i <= n; i++) {
    l = line[i]
    if (l ~ /^```/) {
      print ".PP"; print ".RS 4"; print ".nf"
      for (i++; i <= n && line[i] !~ /^```/; i++) print lead(esc(line[i]))
      print ".fi"; print ".RE"
      para = 1
      continue
    }
    if (l ~ /^## /) { print ".SS " esc(substr(l, 4)); para = 0; continue }
    if (l ~ /^# /) { print ".SH " esc(substr(l, 3)); para = 0; continue }
    if (l ~ /^[ \t]*$/) { para = 1; continue }
    if (i < n && line[i + 1] ~ /^: /) {
      print ".TP"
      print inline(l)
      para = 0
      continue
    }
    if (l ~ /^: /) { print inline(substr(l, 3)); continue }
    if (l ~ /^- /) { print ".IP \\(bu 2"; print inline(substr(l, 3)); para = 0; continue }
    if (l ~ /^  /) sub(/^ +/, "", l)
    if (para) { print ".PP"; para = 0 }
    print inline(l)
  }
}' "${1:-docs/dateline.1.md}"
