#!/usr/bin/env python3
"""gen_wordclass.py -- the word-class lexicon the keywords stage filters
key phrases with (models/wordclass.tsv, docs/INTERNALS-tone.md).

Reads UD English EWT's training split (CoNLL-U; CC BY-SA 4.0, see
models/NOTICE) and counts, for every lower-cased word form, the universal
part-of-speech tags it is given. Each form gets the set of its word classes
that hold at least MIN_SHARE of its occurrences (its most frequent class
always):

    N  noun (NOUN)          P  proper noun (PROPN)     A  adjective (ADJ)
    V  verb (VERB, AUX)     R  adverb (ADV)            F  function word
                                                           (every other tag)

Forms whose only class is N are left out: a form the lexicon does not list
is read as an open-class noun (most words a news story has and the
treebank lacks are nouns and names). The multi-word token lines (1-2) and
empty nodes (8.1) are skipped; only syntactic words count. The dev split is
not read (it is what the keyword filter is judged on, bench/eval_keywords.py).

    python3 tools/gen/gen_wordclass.py TRAIN.conllu > models/wordclass.tsv
"""
import collections
import sys

MIN_SHARE = 0.25
CLASS = {"NOUN": "N", "PROPN": "P", "ADJ": "A", "VERB": "V", "AUX": "V",
         "ADV": "R"}
ORDER = "NPAVRF"


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    counts = collections.defaultdict(collections.Counter)
    with open(sys.argv[1], encoding="utf-8") as f:
        for line in f:
            if not line.strip() or line.startswith("#"):
                continue
            col = line.rstrip("\n").split("\t")
            if len(col) != 10 or not col[0].isdigit():
                continue  # multi-word token range or empty node
            form = col[1].lower().replace("\u2019", "'")
            if (not form or any(c.isspace() for c in form) or
                    len(form.encode("utf-8")) > 64 or "://" in form):
                continue  # the words layer looks up forms of <= 64 bytes
            if col[3] == "PUNCT" or col[3] == "SYM" or col[3] == "NUM":
                continue
            counts[form][CLASS.get(col[3], "F")] += 1
    out = sys.stdout
    out.write("# word classes of lower-cased English word forms, from UD English"
              " EWT r2.16 train\n")
    out.write("# (CC BY-SA 4.0; models/NOTICE). N noun, P proper noun, A"
              " adjective, V verb/aux,\n")
    out.write("# R adverb, F function word; classes with >= %d%% of the form's"
              " uses.\n" % int(MIN_SHARE * 100))
    out.write("# Forms that are only nouns are not listed. Built by"
              " tools/gen/gen_wordclass.py.\n")
    for form in sorted(counts, key=lambda s: s.encode("utf-8")):
        c = counts[form]
        total = sum(c.values())
        top = c.most_common(1)[0][0]
        keep = {k for k, v in c.items() if v >= MIN_SHARE * total} | {top}
        classes = "".join(k for k in ORDER if k in keep)
        if classes == "N":
            continue
        out.write("%s\t%s\n" % (form, classes))


if __name__ == "__main__":
    main()
