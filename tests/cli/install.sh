#!/usr/bin/env bash
# install.sh -- `make install` into a staging folder (DESTDIR), then use
# what was installed as a user would: the header and pkg-config file to
# compile and link a small program (shared and static), the SONAME, the
# exported symbols, the CLI with the installed models, the man page; then
# `make uninstall` removes every file.
cd "$(dirname "$0")/../.." || exit 2
. tests/cli/lib.sh
: "${BUILD:=build}"
CC=${CC:-cc}
ROOT=$TMP/root
PREFIX=/usr/local
LIB=$ROOT$PREFIX/lib

# The build is already there (make test builds first): install must not
# rebuild it. MAKEFLAGS from an outer `make test SANITIZE=...` carries the
# same variables through.
if ! make --no-print-directory -s install BUILD="$BUILD" DESTDIR="$ROOT" \
  PREFIX="$PREFIX" >"$TMP/install.log" 2>&1; then
  fail "make install" "$(tail -n 20 "$TMP/install.log")"
  finish
  exit 1
fi
pass "make install DESTDIR=..."

for f in lib/libdateline.a lib/libdateline.so.0.1.0 include/dateline.h \
  bin/dateline lib/pkgconfig/dateline.pc share/man/man1/dateline.1; do
  check "installed $f" test -f "$ROOT$PREFIX/$f"
done
check "symlink libdateline.so.0" test "$(readlink "$LIB/libdateline.so.0")" = \
  libdateline.so.0.1.0
check "symlink libdateline.so" test "$(readlink "$LIB/libdateline.so")" = \
  libdateline.so.0
if [ -f models/ner.dlm ]; then
  check "installed models/ner.dlm" cmp -s models/ner.dlm \
    "$ROOT$PREFIX/share/dateline/models/ner.dlm"
fi

# ---- the shared library ------------------------------------------------
soname=$(readelf -d "$LIB/libdateline.so.0.1.0" 2>/dev/null |
  sed -n 's/.*(SONAME).*\[\(.*\)\].*/\1/p')
check "SONAME is libdateline.so.0 (ABI 0, apart from API 0.1.0)" \
  test "$soname" = libdateline.so.0
needed=$(readelf -d "$LIB/libdateline.so.0.1.0" | grep -c '(NEEDED).*libutf8proc')
check "libdateline.so records its utf8proc dependency" test "$needed" = 1
# -fvisibility=hidden: only the public dl_ API is exported.
nm -D --defined-only "$LIB/libdateline.so.0.1.0" | awk '$2 ~ /^[TDBRW]$/ {print $3}' \
  >"$TMP/exports"
check "exports the public API (dl_annotate, dl_doc_to_json, dl_version)" \
  sh -c "grep -qx dl_annotate $TMP/exports && grep -qx dl_doc_to_json $TMP/exports && grep -qx dl_version $TMP/exports"
bad=$(grep -v '^dl_[a-z]' "$TMP/exports" | grep -v '^_' | head -n 5 | tr '\n' ' ')
check "exports nothing else (${bad:-none})" test -z "$bad"
bad=$(grep '^dl__' "$TMP/exports" | head -n 5 | tr '\n' ' ')
check "no internal dl__ symbol exported (${bad:-none})" test -z "$bad"
# Every DL_API function in the header is exported (none forgotten).
grep -oE '^DL_API [^(]*\b(dl_[a-z0-9_]+)\(' include/dateline.h |
  grep -oE 'dl_[a-z0-9_]+\($' | tr -d '(' | sort -u >"$TMP/declared"
missing=$(comm -23 "$TMP/declared" <(sort -u "$TMP/exports") | tr '\n' ' ')
check "every DL_API function is exported (${missing:-all})" test -z "$missing"

# ---- pkg-config and a program against the installed header -----------
cat >"$TMP/prog.c" <<'PROG'
#include <dateline.h>
#include <stdio.h>
#include <string.h>
int main(int argc, char **argv)
{
  static const char text[] = "Mr. Putin spoke in Moscow on Tuesday. It rained.";
  dl_model *m;
  dl_annotator *a;
  dl_doc *d;
  dl_error err;
  dl_input in;
  char *js;
  size_t n;
  if (dl_version_number() != DL_VERSION_NUMBER) return 3;
  if (dl_model_load(argc > 1 ? argv[1] : NULL, NULL, &m, &err) != DL_OK) {
    fprintf(stderr, "%s\n", err.msg);
    return 1;
  }
  if (dl_annotator_create(m, &a, &err) != DL_OK) return 1;
  memset(&in, 0, sizeof in);
  in.text = text;
  in.len = sizeof text - 1;
  in.id = "prog";
  if (dl_annotate(a, &in, DL_FIELDS_DEFAULT, &d, &err) != DL_OK) return 1;
  if (dl_doc_to_json(d, 0, DL_FIELDS_DEFAULT, &js, &n) != DL_OK) return 1;
  printf("%s %s %zu\n", dl_version(), dl_model_resources(m),
         dl_doc_count(d, DL_KIND_SENTENCE));
  puts(js);
  dl_free(js);
  dl_doc_destroy(d);
  dl_annotator_destroy(a);
  dl_model_destroy(m);
  return 0;
}
PROG
# A sanitizer build's library needs the programs built the same way.
SAN=
readelf -d "$LIB/libdateline.so.0.1.0" | grep -q 'NEEDED.*libasan' && SAN=address
readelf -d "$LIB/libdateline.so.0.1.0" | grep -q 'NEEDED.*libubsan' &&
  SAN=${SAN:+$SAN,}undefined
readelf -d "$LIB/libdateline.so.0.1.0" | grep -q 'NEEDED.*libtsan' && SAN=thread
SANFLAGS=${SAN:+-fsanitize=$SAN}
export PKG_CONFIG_PATH=$LIB/pkgconfig PKG_CONFIG_SYSROOT_DIR=$ROOT
PKG_CONFIG_LIBDIR=$LIB/pkgconfig
export PKG_CONFIG_LIBDIR
check "pkg-config knows dateline" pkg-config --exists dateline
check "pkg-config version" test "$(pkg-config --modversion dateline)" = 0.1.0
check "pkg-config cflags point into the install" \
  test "$(pkg-config --cflags dateline | sed 's/ *$//')" = "-I$ROOT$PREFIX/include"
models=$ROOT$PREFIX/share/dateline/models
# shellcheck disable=SC2046
# shellcheck disable=SC2086
if $CC -std=c11 -Wall -Werror $SANFLAGS -o "$TMP/prog" "$TMP/prog.c" \
  $(pkg-config --cflags --libs dateline) 2>"$TMP/cc.log"; then
  pass "compile + link against the installed shared library"
  if LD_LIBRARY_PATH=$LIB "$TMP/prog" "$models" >"$TMP/prog.out" 2>&1; then
    pass "program runs"
    check "program uses the installed libdateline.so.0" \
      sh -c "LD_LIBRARY_PATH=$LIB ldd $TMP/prog | grep -q '$LIB/libdateline.so.0'"
    check "program: version and two sentences" \
      grep -q '^0.1.0 .* 2$' "$TMP/prog.out"
    check "program: a record" grep -q '"id":"prog"' "$TMP/prog.out"
  else
    fail "program runs" "$(cat "$TMP/prog.out")"
  fi
else
  fail "compile + link against the installed shared library" "$(cat "$TMP/cc.log")"
fi
# Static: the archive plus Libs.private must be enough.
# shellcheck disable=SC2046
# shellcheck disable=SC2086
if $CC -std=c11 $SANFLAGS -o "$TMP/prog_static" "$TMP/prog.c" \
  $(pkg-config --cflags dateline) "$LIB/libdateline.a" \
  $(pkg-config --static --libs-only-l dateline | sed 's/-ldateline//') \
  2>"$TMP/cc2.log"; then
  pass "static link with pkg-config --static (Libs.private complete)"
  check "static program runs" sh -c "'$TMP/prog_static' '$models' >/dev/null"
else
  fail "static link with pkg-config --static" "$(cat "$TMP/cc2.log")"
fi

# ---- the installed CLI and man page ----------------------------------
if DATELINE_MODEL_DIR=$models "$ROOT$PREFIX/bin/dateline" annotate --compact \
  examples/karlov-funeral.txt >"$TMP/karlov.json" 2>"$TMP/karlov.err"; then
  pass "installed dateline annotates the Karlov article"
  check "installed CLI: sentences" grep -q '"sentences":\[{' "$TMP/karlov.json"
  if [ -f models/ner.dlm ]; then
    check "installed CLI: the installed NER model is used" \
      grep -q '"entities":\[{' "$TMP/karlov.json"
  fi
else
  fail "installed dateline annotates the Karlov article" "$(cat "$TMP/karlov.err")"
fi
check "installed CLI: --version" \
  test "$("$ROOT$PREFIX/bin/dateline" --version)" = "dateline 0.1.0"
if command -v man >/dev/null 2>&1; then
  check "installed man page renders" \
    sh -c "MANWIDTH=80 man -l '$ROOT$PREFIX/share/man/man1/dateline.1' 2>/dev/null | grep -q 'dateline annotate'"
fi

# ---- another prefix: the .pc file follows it --------------------------
if make --no-print-directory -s install BUILD="$BUILD" DESTDIR="$TMP/opt" \
  PREFIX=/opt/dl >>"$TMP/install.log" 2>&1; then
  check "PREFIX=/opt/dl: libdir in dateline.pc" \
    grep -qx 'libdir=/opt/dl/lib' "$TMP/opt/opt/dl/lib/pkgconfig/dateline.pc"
  check "PREFIX=/opt/dl: no @...@ left in dateline.pc" \
    sh -c "! grep -q @ '$TMP/opt/opt/dl/lib/pkgconfig/dateline.pc'"
else
  fail "make install PREFIX=/opt/dl"
fi

# ---- uninstall -----------------------------------------------------------
if make --no-print-directory -s uninstall BUILD="$BUILD" DESTDIR="$ROOT" \
  PREFIX="$PREFIX" >>"$TMP/install.log" 2>&1; then
  left=$(find "$ROOT" \( -type f -o -type l \) | sed "s|^$ROOT||" | head -n 5 | tr '\n' ' ')
  check "make uninstall leaves no file (${left:-none})" test -z "$left"
else
  fail "make uninstall"
fi
finish
