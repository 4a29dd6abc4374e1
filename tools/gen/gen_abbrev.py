#!/usr/bin/env python3
"""gen_abbrev.py -- builds src/abbrev_table.c, the tokenizer's abbreviation
table and the sentence splitter's list of sentence-starter words, from
training data (never from the dev or test splits).

Usage (from the repository root):

    python3 tools/gen/gen_abbrev.py /work/shared/data > src/abbrev_table.c

Sources (each folder has a SOURCE.txt describing its format):
  ner/conll2003/eng.train                 CoNLL-2003 English train (Reuters)
  syntax/ud-english-ewt/en_ewt-ud-train.conllu   UD English EWT train
  quotes/polnear/data/train/text/*.txt    PolNeAR train texts (raw articles)

Abbreviations.  A candidate is a word that ends in a period belonging to it
("Gen.", "U.S.", "Sept.", "e.g.").  In the two tokenized corpora, a token
"X." that is not the last token of its sentence is evidence of an
abbreviation ("internal"); a token "X." that ends a sentence (or is followed
only by a final ".") counts as "final".  In the raw PolNeAR texts, a
whitespace word "X." followed by a word that starts in lower case, a digit
or a comma is internal evidence; "X." at the end of a paragraph is final
evidence; a following capitalised word is ambiguous and not counted.
A candidate is kept when its internal count is at least MIN_INTERNAL and at
least its final count.  Words made of digits only ("7.") are dropped:
numbers are handled by the tokenizer.  The sentence splitter uses the two
counts: an abbreviation seen often at the end of sentences ("Inc.", "U.S.")
may end one when a sentence starter follows.

A short hand list (HAND below) adds months and titles that news text uses
but the training data holds too rarely; each is marked in the output.

Sentence starters.  Words that, in the tokenized corpora, begin sentences
capitalised at least MIN_START times, are written in lower case when they
occur mid-sentence (at least 3 times as often as capitalised), and are
mostly tagged as closed-class words (determiners, pronouns, conjunctions,
prepositions, adverbs, modals: the POS column of CoNLL, UPOS of EWT):
"The", "He", "But", "In"...  After an abbreviation, such a word signals that the
abbreviation ended the sentence ("... in the U.S. The company said").
"""
import collections
import glob
import os
import re
import sys

MIN_INTERNAL = 3
MIN_START = 4
MAX_LEN = 31  # the tokenizer never looks up longer words

HAND = [
    # months (news style)
    "Jan.", "Feb.", "Mar.", "Apr.", "Aug.", "Sep.", "Sept.", "Oct.",
    "Nov.", "Dec.",
    # titles and ranks
    "Mr.", "Mrs.", "Ms.", "Dr.", "Prof.", "Gen.", "Sen.", "Rep.", "Gov.",
    "Lt.", "Col.", "Sgt.", "Capt.", "Adm.", "Maj.", "Cmdr.", "Rev.",
    "Jr.", "Sr.", "St.", "Mt.", "Ft.", "Pres.", "Supt.", "Insp.",
    # company forms and common Latin
    "Inc.", "Corp.", "Co.", "Ltd.", "Bros.", "Jan.", "etc.", "vs.", "e.g.",
    "i.e.", "a.m.", "p.m.", "No.", "Nos.", "approx.",
]

CAND = re.compile(r"^[A-Za-z][A-Za-z.&'-]*\.$")
DIGITS = re.compile(r"^[0-9.]+$")


# Closed-class tags (PTB in CoNLL, UPOS in EWT): a sentence starter must
# mostly carry one of these, so that nouns and titles that often open
# sentences ("Police", "Ambassador") do not count after "U.S." / "U.N.".
CLOSED = {"DT", "PDT", "PRP", "PRP$", "CC", "IN", "RB", "RBR", "RBS", "WDT",
          "WP", "WP$", "WRB", "MD", "EX", "TO", "UH",
          "DET", "PRON", "CCONJ", "SCONJ", "ADP", "ADV", "AUX", "PART",
          "INTJ"}
POS = collections.defaultdict(collections.Counter)


def conll_sentences(path):
    sent = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip():
                if sent:
                    yield sent
                sent = []
                continue
            cols = line.split(" ")
            w = cols[0]
            if w == "-DOCSTART-":
                continue
            if len(cols) > 1:
                POS[w.lower()][cols[1]] += 1
            sent.append(w)
    if sent:
        yield sent


def conllu_sentences(path):
    sent = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                if sent:
                    yield sent
                sent = []
                continue
            if line.startswith("#"):
                continue
            cols = line.split("\t")
            if "-" in cols[0] or "." in cols[0]:
                continue  # multiword ranges and empty nodes
            POS[cols[1].lower()][cols[3]] += 1
            sent.append(cols[1])
    if sent:
        yield sent


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/data"
    internal = collections.Counter()
    final = collections.Counter()
    forms = collections.defaultdict(collections.Counter)
    start_cap = collections.Counter()
    mid_lower = collections.Counter()
    mid_cap = collections.Counter()

    def note(word, is_final):
        key = word.lower()
        forms[key][word] += 1
        if is_final:
            final[key] += 1
        else:
            internal[key] += 1

    tokenized = [
        conll_sentences(os.path.join(root, "ner/conll2003/eng.train")),
        conllu_sentences(os.path.join(
            root, "syntax/ud-english-ewt/en_ewt-ud-train.conllu")),
    ]
    for it in tokenized:
        for sent in it:
            n = len(sent)
            last = n - 1
            if n >= 2 and sent[-1] in (".", "!", "?"):
                last = n - 2
            for i, w in enumerate(sent):
                if CAND.match(w) and not DIGITS.match(w) and len(w) > 1:
                    note(w, i >= last)
                if not w.isalpha():
                    continue
                if i == 0:
                    if w[0].isupper() and (len(w) == 1 or w[1:].islower()):
                        start_cap[w] += 1
                elif w.islower():
                    mid_lower[w] += 1
                elif w[0].isupper():
                    mid_cap[w.lower()] += 1

    for path in sorted(glob.glob(os.path.join(
            root, "quotes/polnear/data/train/text/*.txt"))):
        with open(path, encoding="utf-8") as f:
            for para in f.read().split("\n"):
                words = para.split()
                for i, w in enumerate(words):
                    w = w.lstrip("\"'(\u201c\u2018[")
                    if not CAND.match(w) or DIGITS.match(w) or len(w) < 2:
                        continue
                    if i + 1 == len(words):
                        note(w, True)
                        continue
                    nx = words[i + 1].lstrip("\"'(\u201c\u2018[")
                    if nx and (nx[0].islower() or nx[0].isdigit()
                               or nx[0] == ","):
                        note(w, False)

    out = {}
    for key, cnt in internal.items():
        if cnt < MIN_INTERNAL or cnt < final[key]:
            continue
        form = forms[key].most_common(1)[0][0]
        if len(form) - 1 > MAX_LEN:
            continue
        out[key] = [form, cnt, final[key], False]
    for w in HAND:
        key = w.lower()
        if key not in out:
            out[key] = [w, internal[key], final[key], True]

    starters = []
    for w, c in start_cap.items():
        lw = w.lower()
        if c < MIN_START or mid_lower[lw] < 3 * max(1, mid_cap[lw]):
            continue
        tags = POS[lw]
        closed = sum(n for t, n in tags.items() if t in CLOSED)
        if closed * 2 > sum(tags.values()):
            starters.append(w)
    starters.sort()

    def cstr(s):
        return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'

    w = sys.stdout.write
    w("/*\n** abbrev_table.c -- GENERATED by tools/gen/gen_abbrev.py; do not "
      "edit.\n**\n** Regenerate from the repository root with:\n**   "
      "python3 tools/gen/gen_abbrev.py /work/shared/data > "
      "src/abbrev_table.c\n**\n** Sources (training splits only): "
      "CoNLL-2003 eng.train (Reuters),\n** UD English EWT "
      "en_ewt-ud-train.conllu, PolNeAR data/train/text (all .txt).\n"
      "** Entries marked \"hand\" come from the script's short hand list "
      "of\n** months and titles that the data holds too rarely.\n**\n"
      "** dl__abbrev_table: abbreviations without their final period, "
      "sorted by\n** the lower-case key (byte order); `form` is the usual "
      "spelling; `internal`\n** and `final` count the non-final and "
      "sentence-final uses in the data.\n** dl__starter_table: "
      "capitalised words that start sentences and are\n** otherwise lower "
      "case, sorted (byte order).\n*/\n")
    w('#include "abbrev.h"\n\n')
    w("const struct dl__abbrev_entry dl__abbrev_table[] = {\n")
    keys = sorted(out, key=lambda k: k[:-1].encode())
    for key in keys:
        form, ci, cf, hand = out[key]
        w("  {%s, %s, %d, %d},%s\n" % (cstr(key[:-1]), cstr(form[:-1]),
                                        min(ci, 65535), min(cf, 65535),
                                        " /* hand */" if hand else ""))
    w("};\nconst size_t dl__abbrev_count = %d;\n\n" % len(keys))
    w("const char *const dl__starter_table[] = {\n")
    for s in starters:
        w("  %s,\n" % cstr(s))
    w("};\nconst size_t dl__starter_count = %d;\n" % len(starters))


if __name__ == "__main__":
    main()
