/*
** test_sent.c -- the sentence splitter: a table of input -> expected
** sentences (joined by " || "), flags, paragraphs, forced splits, and the
** bundled Karlov article.
*/
#include "t.h"
#include "tok_util.h"

#include <stdio.h>

static const struct {
  const char *in, *want;
} cases[] = {
    {"One. Two! Three? Four", "One. || Two! || Three? || Four"},
    {"Mr. Smith met Dr. Jones. They talked.",
     "Mr. Smith met Dr. Jones. || They talked."},
    {"He lives in the U.S. The company said so.",
     "He lives in the U.S. || The company said so."},
    {"The U.S. Treasury said so.", "The U.S. Treasury said so."},
    {"George W. Bush and J. R. R. Tolkien met.",
     "George W. Bush and J. R. R. Tolkien met."},
    {"Gen. The Fox spoke.", "Gen. The Fox spoke."},
    {"It opened on Sept. 11. The end.", "It opened on Sept. 11. || The end."},
    {"\"He will go down in the history of the Fatherland,\" said Kirill. "
     "Next.",
     "\"He will go down in the history of the Fatherland,\" said Kirill. || "
     "Next."},
    {"He said \"no.\" Then left.", "He said \"no.\" || Then left."},
    {"He said \"a terrorist act\". Then left.",
     "He said \"a terrorist act\". || Then left."},
    {"(It rained.) Then it stopped.", "(It rained.) || Then it stopped."},
    {"\"Why?\" he asked.", "\"Why?\" he asked."},
    {"Wait... what? Well... The end.", "Wait... what? || Well... || The end."},
    {"It costs 3.5 dollars. Yes.", "It costs 3.5 dollars. || Yes."},
    {"Visit bbc.co.uk. Now.", "Visit bbc.co.uk. || Now."},
    {"at 5 p.m. Police said so.", "at 5 p.m. || Police said so."},
    {"at 3 p.m. Tuesday and at 5 p.m. EST today.",
     "at 3 p.m. Tuesday and at 5 p.m. EST today."},
    {"Apple Inc. The company said.", "Apple Inc. || The company said."},
    {"Smith & Wesson Inc. shares fell.", "Smith & Wesson Inc. shares fell."},
    {"A headline\n\nBody text here. More.",
     "A headline || Body text here. || More."},
    {"LONDON 1996-08-30\nBritain said on Friday it would act.",
     "LONDON 1996-08-30 || Britain said on Friday it would act."},
    {"no final stop\n\nnext para", "no final stop || next para"},
    {"First line.\nSecond line.\nThird line.",
     "First line. || Second line. || Third line."},
    {"This is a long sentence that was wrapped\nat a line break in the middle. "
     "And this is another one that is also\nwrapped here.\n\nNew para.",
     "This is a long sentence that was wrapped\nat a line break in the "
     "middle. || And this is another one that is also\nwrapped here. || New "
     "para."},
    {"the end.the start", "the end.the start"},
    {"The heads of the Chicago Board of\nTrade, CBT, and the exchange will\n"
     "address a meeting in Chicago, the agency said on Friday\nmorning.",
     "The heads of the Chicago Board of\nTrade, CBT, and the exchange will\n"
     "address a meeting in Chicago, the agency said on Friday\nmorning."},
    {"ok.", "ok."},
    {"Loved it. :) Will come again.", "Loved it. :) || Will come again."},
    {"the region . . . This is", "the region . . . || This is"},
    {"Kansas City, Mo.-based firm", "Kansas City, Mo.-based firm"},
    {"i came. you left. \"ok.\" he said", "i came. || you left. || \"ok.\" he said"},
    {"He said. ''They pay,'' he said.", "He said. || ''They pay,'' he said."},
    {"Results:\n1. Smith (U.S.) 10.2\n2. Jones (Britain) 10.3",
     "Results: || 1. Smith (U.S.) 10.2 || 2. Jones (Britain) 10.3"},
};

static void t_table(void)
{
  for (size_t i = 0; i < DL__COUNTOF(cases); i++) {
    const char *got = tu_sents(cases[i].in);
    if (strcmp(got, cases[i].want) != 0) {
      printf("  case %zu: %s\n", i, cases[i].in);
      T_EQ_STR(got, cases[i].want);
    }
  }
}

static void t_flags(void)
{
  const char *s = "Big Headline Here\n\nIt rained. It poured.\n\nEnd.";
  dl_doc *d = tu_run(s, strlen(s), true, 0);
  T_OK(d != NULL);
  T_EQ_INT(d->n_sentences, 4);
  T_EQ_INT(d->n_paragraphs, 3);
  T_OK(d->sentences[0].flags & DL__SENT_HEADLINE);
  T_OK(!(d->sentences[1].flags & DL__SENT_HEADLINE));
  T_EQ_INT(d->sentences[0].para, 0);
  T_EQ_INT(d->sentences[1].para, 1);
  T_EQ_INT(d->sentences[2].para, 1);
  T_EQ_INT(d->sentences[3].para, 2);
  T_OK(d->tokens[d->sentences[2].tok_start].flags & DL__TOK_SENT_START);
  T_OK(!(d->tokens[1].flags & DL__TOK_SENT_START));
  tu_free(d);
}

/* Line and paragraph breaks in every spelling. */
static void t_breaks(void)
{
  T_EQ_STR(tu_sents("One para\r\n\r\nTwo para"), "One para || Two para");
  T_EQ_STR(tu_sents("One para\xe2\x80\xa9Two para"), "One para || Two para");
  T_EQ_STR(tu_sents("A line.\rB line."), "A line. || B line.");
  T_EQ_STR(tu_sents("Headline Here\nBody text starts here. It goes on."),
           "Headline Here || Body text starts here. || It goes on.");
  {
    const char *s = "Title\r\n\r\nBody one.\r\n\r\nBody two.";
    dl_doc *d = tu_run(s, strlen(s), true, 0);
    T_OK(d != NULL);
    T_EQ_INT(d->n_paragraphs, 3);
    T_EQ_INT(d->sentences[2].para, 2);
    tu_free(d);
  }
}

/* Hard-wrapped wire text: indented lines after a stop are paragraphs. */
static void t_wrapped(void)
{
  const char *s = "NatWest said it has cut its base\nlending rate to 10.5 pct "
                  "today.\n    It said that it was responding to\neasing "
                  "in money market rates.\n    Its move followed a signal "
                  "from\nthe bank.\n REUTER";
  dl_doc *d = tu_run(s, strlen(s), true, 0);
  T_OK(d != NULL);
  T_EQ_INT(d->n_sentences, 4);
  T_EQ_INT(d->n_paragraphs, 3);
  T_EQ_INT(d->sentences[1].para, 1);
  T_OK(d->sentences[3].flags & DL__SENT_HEADLINE);
  tu_free(d);
}

static void t_forced(void)
{
  const char *s = "a b c d e f g h i j k.";
  dl_doc *d = tu_run(s, strlen(s), true, 4);
  T_OK(d != NULL);
  T_EQ_INT(d->n_sentences, 3);
  T_OK(d->sentences[0].flags & DL__SENT_FORCED);
  T_EQ_INT(d->sentences[0].tok_end - d->sentences[0].tok_start, 4);
  tu_free(d);
  T_EQ_STR(tu_sents_max(s, 5), "a b c d e || f g h i j || k.");
  /* Closing marks after the final mark do not overflow the limit (found
  ** by fuzzing: "Jan.]]]]..."). */
  d = tu_run("a b Jan.]]]]]]", 14, true, 4);
  T_OK(d != NULL);
  for (size_t i = 0; i < d->n_sentences; i++)
    T_OK(d->sentences[i].tok_end - d->sentences[i].tok_start <= 4);
  T_EQ_INT(d->sentences[d->n_sentences - 1].tok_end, d->n_tokens);
  tu_free(d);
}

/* The bundled article: about 20 sentences, quotes kept whole. */
static void t_karlov(void)
{
  static char buf[1 << 16];
  FILE *f = fopen("examples/karlov-funeral.txt", "rb");
  size_t n;
  dl_doc *d;
  bool kirill = false, lavrov = false;
  T_OK(f != NULL);
  n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = 0;
  d = tu_run(buf, n, true, 0);
  T_OK(d != NULL);
  T_OK(d->n_sentences >= 18 && d->n_sentences <= 23);
  for (size_t i = 0; i < d->n_sentences; i++) {
    const char *p = buf + d->sentences[i].start;
    size_t len = d->sentences[i].end - d->sentences[i].start;
    const char *k = "\"He will go down in the history of the Fatherland,\" "
                    "said Kirill.";
    const char *l = "Lavrov said Karlov had been the victim of \"a despicable "
                    "terrorist act\".";
    if (len == strlen(k) && memcmp(p, k, len) == 0) kirill = true;
    if (len == strlen(l) && memcmp(p, l, len) == 0) lavrov = true;
  }
  T_OK(kirill);
  T_OK(lavrov);
  tu_free(d);
}

static const t_case tests[] = {{"table", t_table},
                               {"flags", t_flags},
                               {"forced", t_forced},
                               {"wrapped", t_wrapped},
                               {"breaks", t_breaks},
                               {"karlov", t_karlov},
                               {NULL, NULL}};
T_MAIN(tests)
