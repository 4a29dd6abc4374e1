#!/usr/bin/env python3
"""Generates src/timex_lexicon.inc: the lexicon of time, number and
currency words used by timex_lex.c (entries of one word contiguous), with
a static open-addressing hash table over it and a "starter" flag per word.
Run: python3 tools/gen/timex_lexicon.py > src/timex_lexicon.inc"""
E = []
def add(cat, val, *words):
    for w in words:
        E.append((w, cat, val))
months = ["january","february","march","april","may","june","july","august",
          "september","october","november","december"]
abbr = [["jan"],["feb"],["mar"],["apr"],[],["jun"],["jul"],["aug"],
        ["sep","sept"],["oct"],["nov"],["dec"]]
for i, m in enumerate(months):
    add("TXC_MONTH", i + 1, m)
    for a in abbr[i]:
        add("TXC_MONTH", i + 101, a)
days = ["monday","tuesday","wednesday","thursday","friday","saturday","sunday"]
dab = ["mon","tue","wed","thu","fri","sat","sun"]
for i, w in enumerate(days):
    add("TXC_WDAY", i + 1, w)
    add("TXC_WDAY", i + 11, w + "s")
for i, w in enumerate(["tues","thur","thurs"]):
    add("TXC_WDAY", [2,4,4][i], w)
nums = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
for i, w in enumerate(nums):
    add("TXC_NUMW", i, w)
for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split()):
    add("TXC_NUMW", (i + 2) * 10, w)
add("TXC_NUMW", 1, "a", "an")
add("TXC_NUMW", 12, "dozen")
add("TXC_NUMW", -2, "several", "few", "many", "some")   # X
ords = "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth".split()
for i, w in enumerate(ords):
    add("TXC_ORDW", i + 1, w)
add("TXC_ORDW", 21, "twenty-first")
units = [("second",1),("sec",1),("secs",101),("minute",2),("min",2),("mins",102),
         ("hour",3),("hr",3),("hrs",103),("day",4),("week",5),("weekend",6),("month",7),
         ("quarter",8),("year",9),("yr",9),("yrs",109),("decade",10),("century",11),("centuries",111)]
for w, v in units:
    add("TXC_UNIT", v, w)
    if v < 100 and w not in ("sec","min","hr","yr","century"):
        add("TXC_UNIT", v + 100, w + "s")
add("TXC_UNIT", 109, "years")
for i, w in enumerate(["spring","summer","fall","autumn","winter"]):
    add("TXC_SEASON", [1,2,3,3,4][i], w)
for w, v in [("morning",1),("afternoon",2),("evening",3),("night",4),("overnight",4)]:
    add("TXC_POD", v, w)
for w, v in [("today",1),("yesterday",2),("tomorrow",3),("tonight",4),("now",5),
             ("recently",6),("lately",6),("currently",7),("presently",7),
             ("future",9),("past",10),("noon",11),("midday",11),("midnight",12),
             ("nowadays",13),("formerly",14),("previously",14)]:
    add("TXC_DEICTIC", v, w)
for w, v in [("last",1),("next",2),("this",3),("past",4),("coming",5),("following",6),
             ("previous",7),("current",8),("recent",9),("latest",10),("same",11),
             ("upcoming",5),("preceding",7),("prior",7)]:
    add("TXC_MOD", v, w)
for w, v in [("daily",4),("weekly",5),("monthly",7),("annually",9),("yearly",9),
             ("hourly",3),("nightly",4)]:
    add("TXC_SETADV", v, w)
for w, v in [("early",1),("late",2),("mid",3),("earlier",4),("later",5)]:
    add("TXC_EDGE", v, w)
tz = {"utc":0,"gmt":0,"z":0,"est":-300,"edt":-240,"cst":-360,"cdt":-300,"mst":-420,
      "mdt":-360,"pst":-480,"pdt":-420,"bst":60,"cet":60,"cest":120,"eet":120,
      "eest":180,"msk":180,"ist":330,"jst":540,"kst":540,"hkt":480,"sgt":480,
      "aest":600,"aedt":660,"wet":0,"et":-9999,"pt":-9999,"ct":-9999}
for w, v in tz.items():
    add("TXC_TZ", v + 10000, w)
for w, v in [("hundred",2),("thousand",3),("million",6),("billion",9),("trillion",12),
             ("mln",6),("bln",9),("bn",9),("mn",6),("trn",12),("thousands",3),
             ("millions",6),("billions",9),("hundreds",2)]:
    add("TXC_SCALE", v, w)
cur = ["USD","GBP","EUR","JPY","CNY","RUB","INR","TRY","CHF","CAD","AUD",
       "SEK","NOK","DKK","BRL","MXN","ZAR","KRW","HKD","DEM","FRF","ITL","PLN","UAH","ILS","NZD","SGD","NGN","EGP","PKR"]
cw = [("dollar",0),("dollars",0),("dlr",0),("dlrs",0),("usd",0),("cent",0),("cents",0),("cts",0),
      ("pound",1),("pounds",1),("sterling",1),("stg",1),("gbp",1),("pence",1),("p",1),
      ("euro",2),("euros",2),("eur",2),
      ("yen",3),("jpy",3),("yuan",4),("renminbi",4),("cny",4),
      ("rouble",5),("roubles",5),("ruble",5),("rubles",5),("rub",5),
      ("rupee",6),("rupees",6),("inr",6),("lira",7),("liras",7),("lire",7),
      ("franc",8),("francs",8),("chf",8),("won",11),("rand",16),("real",14),("reais",14),
      ("marks",19),("deutschemarks",19),("zloty",22),("zlotys",22),("hryvnia",23),
      ("hryvnias",23),("shekel",24),("shekels",24),("naira",27),("rupiah",6)]
for w, v in cw:
    add("TXC_CURRENCY", v, w)
fut = ["will","shall","wo","going","scheduled","expected","planned","planning","plans","plan",
       "due","would","upcoming","intends","hopes","hope","until","could","may","might",
       "should","set","aims","promised","vowed","pledged","tomorrow","next","coming",
       "starting","begins","opens","ll","soon","tonight"]
for w in fut:
    add("TXC_FUT", 1, w)
past = ["was","were","had","did","said","told","met","went","came","took","made",
        "saw","held","left","began","lost","fell","rose","gave","found","got","brought",
        "thought","became","ran","sold","spent","paid","led","shot","struck","won","hit",
        "ago","last","yesterday","earlier","previously","wrote","spoke","sent","put",
        "set","cut","kept","felt","heard","knew","grew","drew","chose","flew","broke",
        "fought","caught","taught","sought","bought","built","laid","lay","stood","sat",
        "woke","wore","tore","swore","shut","quit","slid","bid","rang","sang","sank",
        "hung","fled","fed","bled","dealt","meant","read","became","forgot","froze",
        "stole","spoke","rode","drove","wrote","ate","declined","closed"]
for w in past:
    add("TXC_PAST", 1, w)
preps = ["in","on","at","since","until","till","by","from","to","through","during",
         "before","after","of","for","around","about","between","within","over","early",
         "late","mid","fiscal","until","throughout","beginning","end","middle","start",
         "and","or","as","into"]
for w in preps:
    add("TXC_PREP", 1, w)
stop = ["the","a","an","of","in","on","at","to","for","and","or","but","by","with",
        "from","as","is","are","was","were","be","been","being","have","has","had",
        "will","would","said","says","say","that","this","these","those","than","more",
        "less","about","over","under","after","before","per","percent","pct","which",
        "who","it","its","their","his","her","they","he","she","we","you","i","when",
        "if","so","not","no","up","down","out","off","into","through","between","against",
        "each","every","all","some","any","other","such","also","only","just","then",
        "there","here","while","since","until","during","do","does","did","can","could",
        "may","might","must","should","shall","ago","later","earlier","old","times",
        "point","points","to","vs","versus","against","among","around","per","cent",
        "or","nor","yet","both","either","neither","what","where","how","why","a","s",
        "am","pm","has","mln","billion","million","thousand","hundred","dlrs","dollars",
        "year","years","month","months","week","weeks","day","days","hours","hour",
        "minutes","minute","seconds","second","decade","decades","percentage"]
# Not function words, but words p_word() tests by name: listed so that
# the dispatch looks at them (TXC_TRIG below).
trig = ["q", "once", "twice", "twenties", "thirties", "forties", "fifties",
        "sixties", "seventies", "eighties", "nineties", "aged", "other",
        "christmas", "halloween", "thanksgiving", "valentine", "new", "final",
        # read by name after "the" ("the near future", "the full year"):
        # known to the lexicon so that "the" + unknown word is skipped
        "near", "distant", "immediate", "full", "entire", "whole", "half"]
for w in trig:
    add("TXC_TRIG", 1, w)
for w in stop:
    add("TXC_STOP", 1, w)
E = sorted(set(E), key=lambda e: (e[0].encode(), e[1], e[2]))
# Words that can start an expression (the timex dispatch looks only at
# those); the others (prepositions, tense cues...) are only context.
STARTERS = {"TXC_MONTH", "TXC_WDAY", "TXC_NUMW", "TXC_ORDW", "TXC_UNIT",
            "TXC_SEASON", "TXC_DEICTIC", "TXC_MOD", "TXC_SETADV",
            "TXC_EDGE", "TXC_TRIG"}
start_words = {"the", "every", "each", "fiscal", "that"}
starter = {w for w, c, v in E if c in STARTERS or w in start_words}

def fnv(w):
    h = 2166136261
    for b in w.encode():
        h ^= b
        h = (h * 16777619) & 0xFFFFFFFF
    return h

SIZE = 4096
slots = [0] * SIZE
first = {}
for i, (w, c, v) in enumerate(E):
    first.setdefault(w, i)
for w, i in first.items():
    k = fnv(w) & (SIZE - 1)
    while slots[k]:
        k = (k + 1) & (SIZE - 1)
    slots[k] = i + 1
print("/* GENERATED by tools/gen/timex_lexicon.py -- do not edit. */")
print("#define LEX_HASH_SIZE %d" % SIZE)
print("static const struct lexent lexicon[] = {")
count = {}
for w, c, v in E:
    count[w] = count.get(w, 0) + 1
for w, c, v in E:
    print('  {"%s", %s, %d, %d, %d, %du},' % (w, c, v, 1 if w in starter else 0,
                                          count[w], fnv(w)))
print("};")
print("/* FNV-1a of the lower-case word, linear probing: entry index + 1. */")
print("static const uint16_t lex_hash[LEX_HASH_SIZE] = {")
for k in range(0, SIZE, 16):
    print("  " + ", ".join(str(x) for x in slots[k:k + 16]) + ",")
print("};")
# The lexer's byte classes: the lower-case letter of an ASCII letter, 0
# for any other byte (one load per byte instead of range tests).
print("/* ASCII letters: their lower case; other bytes: 0. */")
print("static const unsigned char lex_lower[256] = {")
row = []
for b in range(256):
    ch = chr(b)
    row.append(str(ord(ch.lower())) if ("a" <= ch.lower() <= "z") and b < 128 else "0")
for k in range(0, 256, 16):
    print("  " + ", ".join(row[k:k + 16]) + ",")
print("};")
