#!/usr/bin/env python3
"""eval_keywords.py -- are dateline's keywords noun phrases and names?

Held-out check of the keywords stage's word-class filter against gold
part-of-speech tags: every document of UD English EWT's dev split (the word
class lexicon, models/wordclass.tsv, is built from the training split only)
is annotated with `dateline annotate --fields keywords --offsets chars`,
and each keyword occurrence (its spans) is mapped to the gold tokens it
covers. Reported, over all keyword occurrences:

  head noun   the last token is NOUN or PROPN (adjective* noun+ and names
              end with one)
  nominal     every token is NOUN, PROPN, ADJ, NUM, or inside a name the
              tokens a name may hold (DET, ADP, CCONJ, PART, PUNCT between
              two PROPN: "Bank of America", "Marsh & McLennan")
  verb/adv    some token is VERB, AUX or ADV

once with the model folder as given and once with the same folder without
wordclass.tsv (no filter: the keywords before the lexicon).

    python3 bench/eval_keywords.py [--build build] [--models models]
        [--conllu ../shared/data/syntax/ud-english-ewt/en_ewt-ud-dev.conllu]

The dev text belongs to its authors (CC BY-SA 4.0 via UD); nothing is
written outside a temporary folder.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

NOMINAL = {"NOUN", "PROPN", "ADJ", "NUM"}
NAME_GLUE = {"DET", "ADP", "CCONJ", "PART", "PUNCT", "SYM"}


def read_docs(path):
    """Documents: (id, text, [(start, end, upos)]) with char offsets."""
    docs, cur = [], None
    sent_text, toks, ranges = None, [], {}

    def flush_sentence():
        nonlocal sent_text, toks, ranges
        if sent_text is None:
            return
        base = len(cur["text"]) + (1 if cur["text"] else 0)
        if cur["text"]:
            cur["text"] += "\n"
        cur["text"] += sent_text
        pos = 0
        skip_to = 0
        for tid, form, upos in toks:
            if tid in ranges:  # a multi-word token: its surface form
                surf, last = ranges[tid]
                i = sent_text.find(surf, pos)
                if i < 0:
                    i = pos
                span = (base + i, base + i + len(surf))
                pos = i + len(surf)
                skip_to = last
                cur["spans"].append((span[0], span[1], upos))
                cur["_mw"] = span
                continue
            if tid <= skip_to:
                s0, s1 = cur["_mw"]
                cur["spans"].append((s0, s1, upos))
                continue
            i = sent_text.find(form, pos)
            if i < 0:
                continue
            cur["spans"].append((base + i, base + i + len(form), upos))
            pos = i + len(form)
        sent_text, toks, ranges = None, [], {}

    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("# newdoc id"):
                flush_sentence()
                cur = {"id": line.split("=", 1)[1].strip(), "text": "",
                       "spans": []}
                docs.append(cur)
            elif line.startswith("# text ="):
                sent_text = line.split("=", 1)[1].strip()
            elif line and not line.startswith("#"):
                col = line.split("\t")
                if "-" in col[0]:
                    a, b = col[0].split("-")
                    ranges[int(a)] = (col[1], int(b))
                elif "." not in col[0]:
                    toks.append((int(col[0]), col[1], col[3]))
            elif not line:
                flush_sentence()
    flush_sentence()
    return docs


def annotate(build, models, docs):
    inp = "".join(json.dumps({"id": d["id"], "text": d["text"]}) + "\n"
                  for d in docs)
    out = subprocess.run(
        [os.path.join(build, "dateline"), "annotate", "--model", models,
         "--fields", "id,keywords", "--offsets", "chars"],
        input=inp.encode(), stdout=subprocess.PIPE, check=True).stdout
    return {r["id"]: r.get("keywords") or []
            for r in map(json.loads, out.decode().splitlines())}


def score(docs, kws):
    n = head = nominal = verbadv = 0
    kinds = {}
    for d in docs:
        spans = d["spans"]
        for kw in kws.get(d["id"], []):
            for sp in kw["spans"]:
                tags = [t for s, e, t in spans
                        if s < sp["end"] and e > sp["start"]]
                if not tags:
                    continue
                n += 1
                head += tags[-1] in ("NOUN", "PROPN")
                ok = True
                for i, t in enumerate(tags):
                    if t in NOMINAL:
                        continue
                    if (t in NAME_GLUE and 0 < i < len(tags) - 1 and
                            "PROPN" in tags[:i] and "PROPN" in tags[i + 1:]):
                        continue
                    ok = False
                nominal += ok
                bad = any(t in ("VERB", "AUX", "ADV") for t in tags)
                verbadv += bad
                if bad:
                    kinds[kw["text"].lower()] = kinds.get(kw["text"].lower(), 0) + 1
    return n, head, nominal, verbadv, kinds


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--models", default="models")
    ap.add_argument("--conllu", default="../shared/data/syntax/ud-english-ewt/"
                    "en_ewt-ud-dev.conllu")
    args = ap.parse_args()
    docs = read_docs(args.conllu)
    tmp = tempfile.mkdtemp(prefix="eval_keywords-")
    try:
        bare = os.path.join(tmp, "models")
        os.mkdir(bare)
        for f in os.listdir(args.models):
            if f != "wordclass.tsv":
                os.symlink(os.path.abspath(os.path.join(args.models, f)),
                           os.path.join(bare, f))
        print("UD English EWT dev: %d documents, %d tokens" %
              (len(docs), sum(len(d["spans"]) for d in docs)))
        for name, mdir in (("without wordclass.tsv", bare),
                           ("with wordclass.tsv", args.models)):
            n, head, nominal, verbadv, kinds = score(
                docs, annotate(args.build, mdir, docs))
            if not n:
                print("%-22s no keywords" % name)
                continue
            print("%-22s keyword occurrences %5d  head noun %5.1f%%  "
                  "nominal %5.1f%%  verb/adv %5.1f%%" %
                  (name, n, 100.0 * head / n, 100.0 * nominal / n,
                   100.0 * verbadv / n))
            top = sorted(kinds.items(), key=lambda kv: -kv[1])[:12]
            print("    most frequent with a verb/adverb: " +
                  ", ".join("%s (%d)" % kv for kv in top))
    finally:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    sys.exit(main())
