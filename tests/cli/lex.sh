#!/usr/bin/env bash
# Checks the committed lexical resources: data/clusters.tsv and data/gaz/.
# Plain shell + awk; run from the repository root (tests/run.sh does).
. tests/cli/lib.sh
G=data/gaz
C=data/clusters.tsv

size_ok() { # FILE MIN MAX (bytes)
  local n
  n=$(wc -c < "$1" 2>/dev/null) || return 1
  [ "$n" -ge "$2" ] && [ "$n" -le "$3" ]
}
# FILE NFIELDS: every non-comment line has NFIELDS tab-separated fields, a
# non-empty phrase with no leading/trailing/double spaces, non-empty values.
shape_ok() {
  awk -F'\t' -v n="$2" '
    /^#/ { next }
    NF != n || $1 == "" || $1 ~ /^ | $|  / { bad++; next }
    { for (i = 2; i <= NF; i++) if ($i == "") bad++ }
    END { exit (bad > 0 || NR == 0) }' "$1"
}
# FILE: sorted by phrase in byte order, phrases unique
sorted_ok() {
  grep -v '^#' "$1" | LC_ALL=C sort -t "$(printf '\t')" -k1,1 -c -u 2>/dev/null
}
has() { # FILE REGEX (awk, on the whole line)
  awk -v re="$2" '$0 ~ re { f = 1 } END { exit !f }' "$1"
}

for f in country:2 country_alt:2 demonym:2 capital:2 region:2 \
         city:2 first_name:3 last_name:3 org_suffix:2 org_head:2 \
         person_title:2; do
  name=${f%%:*} nf=${f##*:}
  check "gaz/$name.tsv exists" test -s "$G/$name.tsv"
  check "gaz/$name.tsv has $nf columns, non-empty phrases" shape_ok "$G/$name.tsv" "$nf"
  check "gaz/$name.tsv sorted and unique" sorted_ok "$G/$name.tsv"
done
check "gaz/places.tsv has 9 columns, a name" awk -F'\t' '
  NF != 9 || $1 == "" || $1 ~ /^ | $|  / { bad++ } END { exit (bad > 0) }' "$G/places.tsv"
check "gaz/places.tsv numeric id, population, lat, lon" awk -F'\t' '
  /^#/ { next }
  $3 !~ /^[0-9]+$/ || $7 !~ /^[0-9]+$/ || $8 !~ /^-?[0-9.]+$/ ||
  $9 !~ /^-?[0-9.]+$/ || $8 < -90 || $8 > 90 || $9 < -180 || $9 > 180 ||
  $4 !~ /^[A-Z][A-Z]$/ { bad++ }
  END { exit (bad > 0 || NR < 10000) }' "$G/places.tsv"
check "gaz/places.tsv sorted by name" sh -c "grep -v '^#' '$G/places.tsv' | cut -f1 | LC_ALL=C sort -c"
check "gaz total size within 16 MB" test "$(du -sk "$G" | cut -f1)" -le 16384
check "gaz/city.tsv size 100 KB..3 MB" size_ok "$G/city.tsv" 100000 3000000
check "gaz/places.tsv size 1..12 MB" size_ok "$G/places.tsv" 1000000 12000000
check "city populations are >= 15000" awk -F'\t' '$2 !~ /^[0-9]+$/ || $2 < 15000 { bad++ } END { exit bad > 0 }' "$G/city.tsv"
check "first_name P(female) in [0,1]" awk -F'\t' '$2 !~ /^[0-9]+$/ || $3 < 0 || $3 > 1 { bad++ } END { exit bad > 0 }' "$G/first_name.tsv"

check "country Russia -> RU" has "$G/country.tsv" '^Russia\tRU$'
check "country Turkey -> TR" has "$G/country.tsv" '^Turkey\tTR$'
check "country_code.map RU RUS" has "$G/country_code.map" '^RU\tRUS\t643\tRussia$'
check "no country codes among the *.tsv gazetteers" test ! -e "$G/country_code.tsv"
check "demonym Turkish -> TR" has "$G/demonym.tsv" '^Turkish\tTR$'
check "demonym Russian -> RU" has "$G/demonym.tsv" '^Russian\tRU$'
check "capital Ankara -> TR" has "$G/capital.tsv" '^Ankara\tTR$'
check "capital Moscow -> RU" has "$G/capital.tsv" '^Moscow\tRU$'
check "city Moscow, population > 1e6" awk -F'\t' '$1 == "Moscow" && $2 > 1000000 { f = 1 } END { exit !f }' "$G/city.tsv"
check "city Ankara" has "$G/city.tsv" '^Ankara\t'
check "city folded form Zurich" has "$G/city.tsv" '^Zurich\t'
check "places Moscow RU PPLC" awk -F'\t' '$1 == "Moscow" && $3 == 524901 && $4 == "RU" && $5 == "PPLC" { f = 1 } END { exit !f }' "$G/places.tsv"
check "first name Vladimir, mostly male" awk -F'\t' '$1 == "Vladimir" && $3 < 0.1 { f = 1 } END { exit !f }' "$G/first_name.tsv"
check "first name Mary, mostly female" awk -F'\t' '$1 == "Mary" && $3 > 0.9 { f = 1 } END { exit !f }' "$G/first_name.tsv"
check "last name Smith ranked 1" has "$G/last_name.tsv" '^Smith\t[0-9.]+\t1$'
check "last name McDonald cased" has "$G/last_name.tsv" '^McDonald\t'
if grep -q '^PUTIN ' /work/shared/data/names/us-census-1990-names/dist.all.last 2>/dev/null; then
  check "last name Putin (present in the census)" has "$G/last_name.tsv" '^Putin\t'
fi
check "org_suffix Corp" has "$G/org_suffix.tsv" '^Corp\t'
check "org_head Ministry" has "$G/org_head.tsv" '^Ministry\t'
check "person_title President" has "$G/person_title.tsv" '^President\t'

# word clusters
check "clusters.tsv exists" test -s "$C"
check "clusters.tsv size 200 KB..8 MB" size_ok "$C" 200000 8000000
check "clusters.tsv: word, 0/1 path, count >= 3" awk -F'\t' '
  NF != 3 || $1 == "" || $1 ~ / / || $2 !~ /^[01]+$/ || $3 !~ /^[0-9]+$/ || $3 < 3 { bad++ }
  END { exit (bad > 0 || NR < 10000) }' "$C"
check "clusters.tsv by decreasing count, then word" sh -c "LC_ALL=C sort -t '$(printf '\t')' -k3,3nr -k1,1 -c '$C'"
check "clusters.tsv words unique" test -z "$(cut -f1 "$C" | LC_ALL=C sort | uniq -d | head -1)"
check "clusters.tsv: 'the' is the most frequent word" sh -c "head -1 '$C' | grep -q '^the	'"
check "clusters.tsv has case-distinct words" awk -F'\t' '$1 == "Putin" { a = 1 } $1 == "Moscow" { b = 1 } $1 == "the" { c = 1 } $1 == "The" { d = 1 } END { exit !(a && b && c && d) }' "$C"
# prefix helper: the common prefix length of two words' paths
common() {
  awk -F'\t' -v a="$1" -v b="$2" '
    $1 == a { pa = $2 } $1 == b { pb = $2 }
    END { if (pa == "" || pb == "") { print -1; exit }
          n = 0; while (n < length(pa) && n < length(pb) &&
                        substr(pa, n + 1, 1) == substr(pb, n + 1, 1)) n++
          print n }' "$C"
}
check "Monday and Friday share a 6-bit prefix" test "$(common Monday Friday)" -ge 6
check "Moscow and Paris share a 4-bit prefix" test "$(common Moscow Paris)" -ge 4
check "Monday and Moscow differ within 6 bits" test "$(common Monday Moscow)" -lt 6
finish
