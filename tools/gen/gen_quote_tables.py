#!/usr/bin/env python3
"""Generates src/quote_tables.c: the word tables of the quote stage.

Usage (from the repository root):
    python3 tools/gen/gen_quote_tables.py /work/shared/data > src/quote_tables.c

Tables (every one sorted by its lower-case key, byte order, for binary
search in quote_lex.c):

  dl__quote_cues      speech and attribution verbs, every inflection, with
                      the lemma and class flags (hand list below; the verbs
                      are those that head PolNeAR train's Cue spans most
                      often, minus the ones that mostly cue beliefs or
                      evidence rather than speech: think, show, find).
  dl__quote_nouns     nouns that name a speaker: spokesman, official,
                      source, gunman... (hand list).
  dl__quote_names     first names with their sex: the SSA national baby
                      names 1880-2023 (public domain, data/names in the
                      shared folder: ssa-first-names.tsv), names given at
                      least MIN_COUNT times, kept when one sex holds at
                      least 95% of the uses; plus the short hand list
                      EXTRA_NAMES of names frequent in international news
                      and rare in US records.
"""
import collections
import os
import sys

MIN_COUNT = 2000     # births over 1880-2023 for a name to be kept
SEX_SHARE = 0.95     # share of the majority sex

# Flags (mirror quote.h).
Q_SPEECH = 1   # introduces a direct quote and a reported clause
Q_THAT = 2     # reports a clause only with "that" (or a final "X added")
Q_OBJ = 4      # takes a hearer object: "told reporters (that)"
Q_WEAK = 8     # cues a quote next to quote marks, never indirect speech
Q_NOUNOBJ = 16 # ing-form / passive uses need care (not used for indirect)

# lemma: (flags, forms...)
CUES = {
    "say": (Q_SPEECH, "say", "says", "said", "saying"),
    "tell": (Q_SPEECH | Q_OBJ, "tell", "tells", "told", "telling"),
    "add": (Q_THAT, "add", "adds", "added", "adding"),
    "write": (Q_THAT, "write", "writes", "wrote", "writing", "written"),
    "ask": (Q_WEAK | Q_OBJ, "ask", "asks", "asked", "asking"),
    "note": (Q_THAT, "note", "notes", "noted", "noting"),
    "announce": (Q_THAT, "announce", "announces", "announced",
                 "announcing"),
    "suggest": (Q_THAT, "suggest", "suggests", "suggested", "suggesting"),
    "argue": (Q_THAT, "argue", "argues", "argued", "arguing"),
    "tweet": (Q_THAT, "tweet", "tweets", "tweeted", "tweeting"),
    "continue": (Q_WEAK, "continued"),
    "read": (Q_WEAK, "read", "reads"),
    "acknowledge": (Q_THAT, "acknowledge", "acknowledges", "acknowledged",
                    "acknowledging"),
    "declare": (Q_THAT, "declare", "declares", "declared", "declaring"),
    "explain": (Q_THAT, "explain", "explains", "explained", "explaining"),
    "claim": (Q_THAT, "claim", "claims", "claimed", "claiming"),
    "warn": (Q_THAT | Q_OBJ, "warn", "warns", "warned"),
    "promise": (Q_THAT, "promise", "promises", "promised", "promising"),
    "insist": (Q_THAT, "insist", "insists", "insisted", "insisting"),
    "deny": (Q_THAT, "deny", "denies", "denied", "denying"),
    "reply": (Q_THAT, "reply", "replies", "replied", "replying"),
    "respond": (Q_WEAK, "responded", "responds"),
    "state": (Q_THAT, "states", "stated", "stating"),
    "recall": (Q_THAT, "recall", "recalls", "recalled", "recalling"),
    "report": (Q_THAT, "reports", "reported", "reporting"),
    "confirm": (Q_THAT, "confirm", "confirms", "confirmed", "confirming"),
    "stress": (Q_THAT, "stressed", "stresses", "stressing"),
    "emphasize": (Q_THAT, "emphasized", "emphasised", "emphasizes",
                  "emphasises", "emphasizing", "emphasising"),
    "admit": (Q_THAT, "admit", "admits", "admitted", "admitting"),
    "concede": (Q_THAT, "concede", "concedes", "conceded", "conceding"),
    "predict": (Q_THAT, "predict", "predicts", "predicted", "predicting"),
    "vow": (Q_THAT, "vow", "vows", "vowed", "vowing"),
    "pledge": (Q_THAT, "pledge", "pledges", "pledged", "pledging"),
    "urge": (Q_WEAK, "urged", "urges", "urging"),
    "shout": (Q_SPEECH, "shout", "shouts", "shouted", "shouting"),
    "yell": (Q_SPEECH, "yell", "yells", "yelled", "yelling"),
    "scream": (Q_SPEECH, "screamed", "screams", "screaming"),
    "chant": (Q_SPEECH, "chanted", "chants", "chanting"),
    "cry": (Q_WEAK, "cried"),
    "exclaim": (Q_SPEECH, "exclaimed", "exclaims"),
    "whisper": (Q_SPEECH, "whispered", "whispers"),
    "joke": (Q_THAT, "joked", "jokes", "joking"),
    "quip": (Q_SPEECH, "quipped", "quips"),
    "muse": (Q_WEAK, "mused", "muses"),
    "boast": (Q_THAT, "boasted", "boasts", "boasting"),
    "lament": (Q_THAT, "lamented", "laments", "lamenting"),
    "complain": (Q_THAT, "complained", "complains", "complaining"),
    "caution": (Q_THAT, "cautioned", "cautions", "cautioning"),
    "counter": (Q_THAT, "countered", "counters"),
    "observe": (Q_THAT, "observed", "observes"),
    "remark": (Q_THAT, "remarked", "remarks"),
    "assert": (Q_THAT, "assert", "asserts", "asserted", "asserting"),
    "maintain": (Q_THAT, "maintained", "maintains"),
    "contend": (Q_THAT, "contend", "contends", "contended"),
    "allege": (Q_THAT, "allege", "alleges", "alleged"),
    "assure": (Q_THAT | Q_OBJ, "assured", "assures"),
    "remind": (Q_THAT | Q_OBJ, "reminded", "reminds"),
    "inform": (Q_THAT | Q_OBJ, "informed", "informs"),
    "reveal": (Q_THAT, "revealed", "reveals", "revealing"),
    "indicate": (Q_THAT, "indicated", "indicates"),
    "estimate": (Q_THAT, "estimated", "estimates"),
    "reiterate": (Q_THAT, "reiterated", "reiterates"),
    "repeat": (Q_WEAK, "repeated"),
    "answer": (Q_WEAK, "answered"),
    "wonder": (Q_WEAK, "wondered", "wonders"),
    "post": (Q_WEAK, "posted"),
    "email": (Q_WEAK, "emailed"),
    "recount": (Q_THAT, "recounted"),
    "conclude": (Q_THAT, "concluded", "concludes"),
    "charge": (Q_THAT, "charged"),
    "agree": (Q_THAT, "agreed"),
    "demand": (Q_THAT, "demanded", "demands"),
    "threaten": (Q_WEAK, "threatened"),
    "mention": (Q_THAT, "mentioned"),
    "hint": (Q_THAT, "hinted"),
    "believe": (Q_THAT, "believe", "believes", "believed"),
    "think": (Q_THAT, "think", "thinks"),
    "fear": (Q_THAT, "fear", "fears", "feared"),
    "hope": (Q_THAT, "hope", "hopes", "hoped"),
    "worry": (Q_THAT, "worry", "worries", "worried"),
    "point": (Q_WEAK, "pointed"),
    "speak": (Q_WEAK, "spoke"),
    "describe": (Q_WEAK, "described"),
    "call": (Q_WEAK, "called"),
    "accuse": (Q_WEAK, "accused"),
}

# Nouns that name a speaker (lower case, singular and plural).
NOUNS = """
activist activists adviser advisers advisor advisors aide aides ambassador
analyst analysts attorney attorneys author bishop boss campaign candidate
captain chairman chairwoman chancellor chief cleric coach commander
commentator commissioner congressman congresswoman correspondent council
councillor councilman councilwoman critic critics daughter delegate
democrat democrats diplomat diplomats director doctor doctors economist
economists editor envoy executive executives expert experts father founder
friend friends general governor gunman head host imam insider insiders
investigator investigators journalist judge king lawmaker lawmakers lawyer
lawyers leader leaders legislator man manager mayor member members minister
ministry mother neighbor neighbors neighbour neighbours nominee observer
observers officer officers official officials organizer organizers owner
pastor patriarch people player pollster pollsters pope premier president
priest professor prosecutor prosecutors protester protesters queen rabbi
rep representative republican republicans researcher researchers resident
residents scientist scientists secretary senator sen sheriff sister son
source sources speaker spokesman spokesmen spokesperson spokeswoman
strategist strategists student students supporter supporters survivor
survivors teacher victim voter voters wife husband witness witnesses woman
women worker workers police statement report poll survey study
percent majority half respondents
""".split()

# First names frequent in international news, rare in US birth records.
EXTRA_NAMES = """
vladimir M sergei M sergey M dmitry M dmitri M kirill M andrei M alexei M
alexey M mikhail M nikolai M yevgeny M mevlut M recep M tayyip M fethullah M
emmanuel M francois M jacques M nicolas M angela F theresa F boris M
shinzo M narendra M bashar M hassan M mohammed M muhammad M mohamed M
ahmed M ali M abdullah M benjamin M yair M ehud M shimon M bibi M
jair M luiz M mauricio M enrique M nicolas M hugo M evo M juan M pedro M
carlos M jose M luis M jorge M manuel M javier M miguel M rafael M
jean-claude M jean-marc M jean-pierre M xavier M olaf M heiko M wolfgang M
gerhard M helmut M ursula F frauke F marine F segolene F hillary F
nicola F arlene F nigel M jeremy M theresa F keir M rishi M liz F
ashraf M hosni M abdel M abdul M ayatollah M hamid M mahmoud M
volodymyr M petro M viktor M alexander M aleksandar M slobodan M
kim M jong-un M moon M xi M li M wang M
""".split()


def load_names(data_dir):
    path = os.path.join(data_dir, "names", "ssa-first-names.tsv")
    counts = collections.defaultdict(lambda: [0, 0])
    with open(path, encoding="utf-8") as f:
        next(f)
        for line in f:
            name, sex, count = line.rstrip("\n").split("\t")[:3]
            counts[name.lower()][0 if sex == "M" else 1] += int(count)
    out = {}
    for name, (m, fe) in counts.items():
        tot = m + fe
        if tot < MIN_COUNT:
            continue
        if m >= SEX_SHARE * tot:
            out[name] = "M"
        elif fe >= SEX_SHARE * tot:
            out[name] = "F"
    # Names that are mostly surnames or words in news text and would give
    # a wrong sex more often than a right one.
    for w in ("will", "may", "june", "april", "august", "king", "rose",
              "grant", "mark", "bill", "price", "young", "white", "brown",
              "long", "major", "early", "deal", "justice", "hope", "trump",
              "clinton", "carson", "sanders", "cruz", "rubio", "bush",
              "kasich", "pence", "kaine", "obama", "jackson", "johnson",
              "lee", "christie", "walker", "paul", "warren"):
        out.pop(w, None)
    it = iter(EXTRA_NAMES)
    for n, s in zip(it, it):
        if n not in out and n not in ("kim", "moon", "xi", "li", "wang"):
            out[n] = s
    return out


def cstr(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def main():
    data_dir = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/data"
    names = load_names(data_dir)
    cues = []
    for lemma, spec in CUES.items():
        flags, forms = spec[0], spec[1:]
        for f in forms:
            cues.append((f, lemma, flags))
    cues.sort(key=lambda x: x[0].encode())
    keys = [c[0] for c in cues]
    assert len(keys) == len(set(keys)), "duplicate cue form"
    nouns = sorted(set(NOUNS), key=lambda s: s.encode())
    w = sys.stdout.write
    w("/*\n** quote_tables.c -- GENERATED by tools/gen/gen_quote_tables.py;"
      " do not edit.\n**\n** Regenerate from the repository root with:\n"
      "**   python3 tools/gen/gen_quote_tables.py /work/shared/data"
      " > src/quote_tables.c\n**\n"
      "** dl__quote_cues: speech verbs (every form), lemma, Q_* flags.\n"
      "** dl__quote_nouns: nouns that name a speaker.\n"
      "** dl__quote_names: first names with sex, from the US Social"
      " Security\n** Administration's national baby names 1880-2023"
      " (public domain):\n** names given at least %d times whose majority"
      " sex holds %d%% of the\n** uses, plus a short hand list of"
      " international names. All sorted by\n** key (byte order)."
      "\n*/\n" % (MIN_COUNT, int(SEX_SHARE * 100)))
    w('#include "quote.h"\n\n')
    w("const struct dl__quote_cue dl__quote_cues[] = {\n")
    for f, lemma, flags in cues:
        w("  {%s, %s, %d},\n" % (cstr(f), cstr(lemma), flags))
    w("};\nconst size_t dl__quote_cue_count = %d;\n\n" % len(cues))
    w("const char *const dl__quote_nouns[] = {\n")
    for n in nouns:
        w("  %s,\n" % cstr(n))
    w("};\nconst size_t dl__quote_noun_count = %d;\n\n" % len(nouns))
    w("const struct dl__quote_name dl__quote_names[] = {\n")
    for n in sorted(names, key=lambda s: s.encode()):
        w("  {%s, '%s'},\n" % (cstr(n), names[n]))
    w("};\nconst size_t dl__quote_name_count = %d;\n" % len(names))


if __name__ == "__main__":
    main()
