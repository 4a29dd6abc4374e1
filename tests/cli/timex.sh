#!/usr/bin/env bash
# timex.sh -- `dateline annotate` with the "when" fields: dates (TIMEX3),
# amounts, the document date from a wire dateline, --date as the anchor,
# and bad input (impossible dates, huge numbers, no anchor) with no crash.
cd "$(dirname "$0")/../.." || exit 2
. tests/cli/lib.sh

# ann NAME ARGS... : stdin from $IN, output in $TMP/NAME.out
ann() {
  local n=$1
  shift
  printf '%s' "$IN" | "$DL" annotate --compact "$@" >"$TMP/$n.out" 2>"$TMP/$n.err"
  RC=$?
}
has() { grep -qF -- "$2" "$TMP/$1.out"; }

IN='She was buried on Thursday. They will meet on Monday.'
ann tense --fields dates --date 2016-12-23
check "past weekday is the one before" has tense \
  '"text":"Thursday","type":"DATE","value":"2016-12-22","anchor":"2016-12-23"'
check "future weekday is the one after" has tense \
  '"text":"Monday","type":"DATE","value":"2016-12-26","anchor":"2016-12-23"'

IN='Karlov served in the 1990s and 2000s, then in 2013 for five years, every week.'
ann abs --fields dates
check "decade" has abs '"text":"the 1990s","type":"DATE","value":"199X","anchor":null'
check "second decade" has abs '"text":"2000s","type":"DATE","value":"200X"'
check "year" has abs '"text":"2013","type":"DATE","value":"2013","anchor":null'
check "duration" has abs '"text":"five years","type":"DURATION","value":"P5Y"'
check "set" has abs '"text":"every week","type":"SET","value":"P1W"'

IN='He left yesterday and returns on Thursday.'
ann noanchor --fields date,dates
check "no document date" has noanchor '"date":null'
check "unanchored relative day has no value" has noanchor \
  '"text":"yesterday","type":"DATE","value":null,"anchor":null'
check "unanchored weekday stays underspecified" has noanchor \
  '"text":"Thursday","type":"DATE","value":"XXXX-WXX-4","anchor":null'

IN='BRUSSELS, Aug 22 (Reuters) - EU ministers met on Monday.'
ann wire --fields date,dates --date 2017-01-05
check "dateline date" has wire '"date":"2016-08-22","date_source":"dateline"'
check "dateline place" has wire '"dateline":{"place":"BRUSSELS","span":{"start":0,"end":8},"agency":"Reuters"}'
check "anchored on the dateline" has wire \
  '"text":"Monday","type":"DATE","value":"2016-08-22","anchor":"2016-08-22"'

IN='About 10,000 people marched and $5 billion was pledged; Altintas, 22, was shot.'
ann amounts --fields amounts
check "people" has amounts '"text":"10,000","value":10000,"object":"people"'
check "money" has amounts '"text":"$5 billion","value":5000000000,"unit":"USD"'
check "age" has amounts '"text":"22","value":22,"unit":"years","object":"age"'

IN='It was signed on February 30, 2016 by 99999 people in 99999 and 123456789012345678901234567890 more.'
ann bad --fields dates,amounts --date 2016-12-22
check "bad input exits 0" test "$RC" -eq 0
check "no February 30" bash -c "! grep -q '02-30' '$TMP/bad.out'"
check "no year 99999" bash -c "! grep -q '\"value\":\"99999' '$TMP/bad.out'"

# Offsets in code points with --offsets chars: "Ürümqi" is 6 chars, 8 bytes.
IN='Ürümqi, 22 December 2016.'
ann chars --fields dates --offsets chars
check "char offsets" has chars '"span":{"start":8,"end":24}'

finish
