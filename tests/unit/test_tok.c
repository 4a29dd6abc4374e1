/*
** test_tok.c -- the tokenizer: a table of input -> expected tokens (joined
** by one space), flag checks, and invariants on random bytes.
*/
#include "t.h"
#include "tok_util.h"

static const struct {
  const char *in, *want;
} cases[] = {
    /* abbreviations and initials */
    {"Mr. Smith met Dr. Jones.", "Mr. Smith met Dr. Jones ."},
    {"Gen. Lee and Sen. Cruz", "Gen. Lee and Sen. Cruz"},
    {"the U.S. and U.N. said", "the U.S. and U.N. said"},
    {"Jan. 5, Sept. 11 and Nov. 3", "Jan. 5 , Sept. 11 and Nov. 3"},
    {"Apple Inc. and Acme Corp. rose", "Apple Inc. and Acme Corp. rose"},
    {"No. 10 Downing St.", "No. 10 Downing St."},
    {"J. R. R. Tolkien", "J. R. R. Tolkien"},
    {"George W. Bush", "George W. Bush"},
    {"e.g. this, i.e. that", "e.g. this , i.e. that"},
    {"He said no.", "He said no ."},
    {"It ended.", "It ended ."},
    {"GEN. LEE", "GEN. LEE"},
    /* numbers, money, times */
    {"3.5 and 1,000,000 and 12,34", "3.5 and 1,000,000 and 12 , 34"},
    {"$1.13bn and £600m", "$ 1.13bn and £ 600m"},
    {"76% of 2.5%", "76 % of 2.5 %"},
    {"at 10:30 or 5pm or 5 p.m. today", "at 10:30 or 5pm or 5 p.m. today"},
    {"on 1996-08-30 at 08/30/96", "on 1996-08-30 at 08/30/96"},
    {"the 22nd time", "the 22nd time"},
    {"The U.S.-led and U.N.-backed effort", "The U.S.-led and U.N.-backed effort"},
    {"in 2013.", "in 2013 ."},
    /* web */
    {"see http://bbc.co.uk/news?a=1.", "see http://bbc.co.uk/news?a=1 ."},
    {"(https://x.org/a_(b))", "( https://x.org/a_(b) )"},
    {"at www.example.com/x, or bbc.com.", "at www.example.com/x , or bbc.com ."},
    {"mail a.b@x.com.", "mail a.b@x.com ."},
    {"#tag and @user_1!", "#tag and @user_1 !"},
    /* hyphens and dashes */
    {"Stalin-era gold-domed", "Stalin-era gold-domed"},
    {"well--known -- yes", "well -- known -- yes"},
    {"a \xe2\x80\x94 b\xe2\x80\x93" "c", "a \xe2\x80\x94 b \xe2\x80\x93 c"},
    /* clitics and possessives */
    {"Putin's and Russians' votes", "Putin 's and Russians ' votes"},
    {"don't can't won't I'm we're they've he'll she'd",
     "do n't ca n't wo n't I 'm we 're they 've he 'll she 'd"},
    {"Putin\xe2\x80\x99s don\xe2\x80\x99t",
     "Putin \xe2\x80\x99s do n\xe2\x80\x99t"},
    {"O'Brien's rock'n'roll", "O'Brien 's rock'n'roll"},
    {"the '90s and \xe2\x80\x99" "80s and '97 'quoted'",
     "the '90s and \xe2\x80\x99" "80s and '97 ' quoted '"},
    {"DON'T", "DO N'T"},
    /* quotes and brackets */
    {"\"Quote,\" he said.", "\" Quote , \" he said ."},
    {"\xe2\x80\x9c" "curly\xe2\x80\x9d", "\xe2\x80\x9c curly \xe2\x80\x9d"},
    {"'single' word", "' single ' word"},
    {"(a) [b] {c}", "( a ) [ b ] { c }"},
    {"``PTB'' style", "`` PTB '' style"},
    {"said. ''They pay,'' he", "said . '' They pay , '' he"},
    {"49 .542 and .5", "49 .542 and .5"},
    {"x\n2. Smith\n10. Jones", "x 2. Smith 10. Jones"},
    {"in 2. Then", "in 2 . Then"},
    {"==== **** ___ $$$ >>", "==== **** ___ $$$ >>"},
    {"great! :) ok :-( ;) :D", "great ! :) ok :-( ;) :D"},
    {"see report.pdf and API.doc.", "see report.pdf and API.doc ."},
    {"mail Kevin.A.Boone@acme.com now", "mail Kevin.A.Boone@acme.com now"},
    {"at x@breitbart.com.The end", "at x@breitbart.com . The end"},
    {"this year.In W.Va.My", "this year . In W.Va. My"},
    {"b/c w/o and/or 1/2 Reuters/Ipsos", "b/c w/o and/or 1/2 Reuters / Ipsos"},
    {"I cannot, gonna wanna gotta", "I can not , gon na wan na got ta"},
    /* ellipses */
    {"wait... what", "wait ... what"},
    {"wait\xe2\x80\xa6what", "wait \xe2\x80\xa6 what"},
    {"ok!? yes?!", "ok !? yes ?!"},
    /* spaces */
    {"a\xc2\xa0" "b\xe2\x80\x89" "c\xe3\x80\x80" "d", "a b c d"},
    {"a\r\nb\rc\n\nd", "a b c d"},
    {"a\x1a" "b", "a \x1a b"},
    {"caf\xc3\xa9 na\xc3\xafve \xd0\x9c\xd0\xbe\xd1\x81\xd0\xba\xd0\xb2\xd0\xb0",
     "caf\xc3\xa9 na\xc3\xafve \xd0\x9c\xd0\xbe\xd1\x81\xd0\xba\xd0\xb2\xd0\xb0"},
    {"AT&T and R&D", "AT&T and R&D"},
    {"", ""},
};

static void t_table(void)
{
  for (size_t i = 0; i < DL__COUNTOF(cases); i++) {
    const char *got = tu_toks(cases[i].in);
    if (strcmp(got, cases[i].want) != 0) {
      printf("  case %zu: %s\n", i, cases[i].in);
      T_EQ_STR(got, cases[i].want);
    }
  }
}

static void t_flags(void)
{
  const char *s = "\"He said,\" Putin's U.S. 10:30 CEO 3.5 #x @y "
                  "http://a.com x@y.com -- ... Stalin-era n't.\n\nNew";
  T_OK(tu_flags(s, "\"") & DL__TOK_QUOTE);
  T_OK(tu_flags(s, "\"") & DL__TOK_OPEN);
  T_OK(tu_flags(s, "\"") & DL__TOK_PARA_START);
  T_OK(tu_flags(s, "He") & DL__TOK_CAP);
  T_OK(!(tu_flags(s, "He") & DL__TOK_SPACE_BEFORE));
  T_OK(tu_flags(s, "said") & DL__TOK_WORD);
  T_OK(tu_flags(s, "'s") & DL__TOK_CLITIC);
  T_OK(tu_flags(s, "n't") & DL__TOK_CLITIC);
  T_OK(tu_flags(s, "U.S.") & DL__TOK_ABBREV);
  T_OK(tu_flags(s, "U.S.") & DL__TOK_ALLCAPS);
  T_OK(tu_flags(s, "10:30") & DL__TOK_TIME);
  T_OK(tu_flags(s, "10:30") & DL__TOK_NUM);
  T_OK(tu_flags(s, "CEO") & DL__TOK_ALLCAPS);
  T_OK(tu_flags(s, "3.5") & DL__TOK_NUM);
  T_OK(tu_flags(s, "#x") & DL__TOK_HASHTAG);
  T_OK(tu_flags(s, "@y") & DL__TOK_MENTION);
  T_OK(tu_flags(s, "http://a.com") & DL__TOK_URL);
  T_OK(tu_flags(s, "x@y.com") & DL__TOK_EMAIL);
  T_OK(tu_flags(s, "--") & DL__TOK_DASH);
  T_OK(tu_flags(s, "...") & DL__TOK_ELLIPSIS);
  T_OK(tu_flags(s, "Stalin-era") & DL__TOK_HYPHEN);
  T_OK(tu_flags(s, "New") & DL__TOK_PARA_START);
  T_OK(tu_flags(s, "New") & DL__TOK_LINE_START);
  T_OK(!(tu_flags(s, "Putin") & DL__TOK_PARA_START));
  T_OK(tu_flags(s, "Putin") & DL__TOK_SPACE_BEFORE);
  T_OK(tu_flags("\" x\"", "\"") & DL__TOK_OPEN);
  T_OK(tu_flags("x \" y", "\"") & DL__TOK_OPEN);
  T_OK(tu_flags("x.\" y", "\"") & DL__TOK_CLOSE);
  T_OK(tu_flags("a \xe2\x80\x9d", "\xe2\x80\x9d") & DL__TOK_CLOSE);
  T_OK(tu_flags("said. ''They", "''") & DL__TOK_OPEN);
  T_OK(tu_flags("pay,'' he", "''") & DL__TOK_CLOSE);
  T_OK(tu_flags("he said . \"\nNext", "\"") & DL__TOK_CLOSE);
}

/* The context decides straight quotes: "a" "b" alternate. */
static void t_quote_state(void)
{
  const char *s = "He said \" yes \" and left";
  dl_doc *d = tu_run(s, strlen(s), false, 0);
  T_OK(d != NULL);
  T_EQ_INT(d->n_tokens, 7);
  T_OK(d->tokens[2].flags & DL__TOK_OPEN);
  T_OK(d->tokens[4].flags & DL__TOK_CLOSE);
  tu_free(d);
}

/* Clean spans are skipped and separate tokens. */
static void t_clean(void)
{
  const char *s = "Hello ADVERT world.";
  dl__clean c = {6, 12, "test"};
  dl_doc *d = tu_run(s, 0, false, 0); /* empty doc for the annotator */
  dl_annotator *a;
  dl_model *m;
  dl_error err;
  tu_free(d);
  T_EQ_INT(dl_model_create_empty(NULL, &m, &err), DL_OK);
  T_EQ_INT(dl_annotator_create(m, &a, &err), DL_OK);
  d = calloc(1, sizeof *d);
  dl__arena_init(&d->arena, NULL);
  d->text = d->view = s;
  d->len = strlen(s);
  d->clean = &c;
  d->n_clean = 1;
  T_EQ_INT(dl__tok_run(a, d, &err), DL_OK);
  T_EQ_INT(d->n_tokens, 3);
  T_EQ_INT(d->tokens[1].start, 13);
  /* A clean span cutting a word splits it. */
  c.start = 2;
  c.end = 4;
  T_EQ_INT(dl__tok_run(a, d, &err), DL_OK);
  T_EQ_INT(d->tokens[0].end, 2);
  T_EQ_INT(d->tokens[1].start, 4);
  T_OK(d->tokens[1].flags & DL__TOK_SPACE_BEFORE);
  dl__arena_free(&d->arena);
  free(d);
  dl_annotator_destroy(a);
  dl_model_destroy(m);
}

/* Long runs are cut into tokens of at most DL__TOK_MAX bytes. */
static void t_long(void)
{
  size_t n = 100000;
  char *s = malloc(n + 1);
  dl_doc *d;
  T_OK(s != NULL);
  for (size_t i = 0; i < n; i++) s[i] = (char)('a' + i % 26);
  s[n] = 0;
  d = tu_run(s, n, true, 0);
  T_OK(d != NULL);
  T_EQ_INT(d->n_tokens, (n + DL__TOK_MAX - 1) / DL__TOK_MAX);
  for (size_t i = 0; i < d->n_tokens; i++)
    T_OK(d->tokens[i].end - d->tokens[i].start <= DL__TOK_MAX);
  tu_free(d);
  /* Multibyte: cuts fall on code-point boundaries. */
  for (size_t i = 0; i + 2 <= n; i += 2) {
    s[i] = (char)0xC3;
    s[i + 1] = (char)0xA9;
  }
  d = tu_run(s, n, false, 0);
  T_OK(d != NULL);
  for (size_t i = 0; i < d->n_tokens; i++)
    T_OK(((unsigned char)s[d->tokens[i].start] & 0xC0) != 0x80);
  tu_free(d);
  free(s);
}

/* Pathological runs stay linear: each would take seconds if a look-ahead
** rescanned the run at every dot. Counted, not timed: the number of
** tokens shows the input was consumed, and the test budget catches a
** quadratic blow-up without asserting a timing. */
static void t_runs(void)
{
  static const char *const pats[] = {"abc.", "U.S.", "a.b.c", "x.com.",
                                     "a.b@", "http://a)", "1,000,"};
  size_t n = 2000000;
  char *s = malloc(n + 1);
  T_OK(s != NULL);
  for (size_t p = 0; p < DL__COUNTOF(pats); p++) {
    size_t pl = strlen(pats[p]);
    dl_doc *d;
    for (size_t i = 0; i < n; i++) s[i] = pats[p][i % pl];
    s[n] = 0;
    d = tu_run(s, n, true, 0);
    T_OK(d != NULL);
    T_OK(d->n_tokens >= n / DL__TOK_MAX);
    T_EQ_INT(d->tokens[d->n_tokens - 1].end, n);
    tu_free(d);
  }
  free(s);
}

/* Invariants on random bytes through the whole pipeline (view with
** placeholders): offsets increase, stay within len, sentence boundaries
** fall on token boundaries and cover every token. */
static void t_random(void)
{
  dl_model *m;
  dl_annotator *a;
  dl_error err;
  unsigned long long x = 88172645463325252ull;
  static const char alpha[] = "aZ9 .,!?'\"-\n()$%:/@#\xe2\x80\x9c\xc3";
  T_EQ_INT(dl_model_create_empty(NULL, &m, &err), DL_OK);
  T_EQ_INT(dl_annotator_create(m, &a, &err), DL_OK);
  for (int round = 0; round < 2000; round++) {
    char buf[600];
    size_t n;
    dl_input in;
    dl_doc *d = NULL;
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    n = 1 + x % (sizeof buf - 1);
    for (size_t i = 0; i < n; i++) {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;
      buf[i] = round % 2 ? (char)(x & 0xFF)
                         : alpha[(x >> 8) % (sizeof alpha - 1)];
    }
    memset(&in, 0, sizeof in);
    in.text = buf;
    in.len = n;
    if (dl_annotate(a, &in, DL_FIELD_SENTENCES | DL_FIELD_TOKENS, &d,
                    &err) != DL_OK) {
      T_OK(err.code == DL_ERR_EMPTY);
      continue;
    }
    for (size_t i = 0; i < d->n_tokens; i++) {
      const dl__token *t = &d->tokens[i];
      T_OK(t->start < t->end && t->end <= n);
      T_OK(i == 0 || t->start >= d->tokens[i - 1].end);
      T_OK(t->end - t->start <= DL__TOK_MAX);
    }
    if (d->n_tokens) T_EQ_INT(d->sentences[0].tok_start, 0);
    for (size_t i = 0; i < d->n_sentences; i++) {
      const dl__sentence *s = &d->sentences[i];
      T_OK(s->tok_start < s->tok_end && s->tok_end <= d->n_tokens);
      T_EQ_INT(s->start, d->tokens[s->tok_start].start);
      T_EQ_INT(s->end, d->tokens[s->tok_end - 1].end);
      T_OK(i == 0 || s->tok_start == d->sentences[i - 1].tok_end);
      T_OK(d->tokens[s->tok_start].flags & DL__TOK_SENT_START);
      for (size_t k = s->tok_start; k < s->tok_end; k++)
        T_EQ_INT(d->tokens[k].sent, i);
    }
    if (d->n_sentences)
      T_EQ_INT(d->sentences[d->n_sentences - 1].tok_end, d->n_tokens);
    dl_doc_destroy(d);
  }
  dl_annotator_destroy(a);
  dl_model_destroy(m);
}

static void t_abbrev_table(void)
{
  T_OK(dl__abbrev_find("Mr", 2) != NULL);
  T_OK(dl__abbrev_find("U.S", 3) != NULL);
  T_OK(dl__abbrev_find("MR", 2) != NULL);
  T_OK(dl__abbrev_find("mr", 2) == NULL);
  T_OK(dl__abbrev_find("said", 4) == NULL);
  T_OK(dl__is_starter("The", 3));
  T_OK(!dl__is_starter("Putin", 5));
  for (size_t i = 1; i < dl__abbrev_count; i++)
    T_OK(strcmp(dl__abbrev_table[i - 1].key, dl__abbrev_table[i].key) < 0);
  for (size_t i = 1; i < dl__starter_count; i++)
    T_OK(strcmp(dl__starter_table[i - 1], dl__starter_table[i]) < 0);
}

static const t_case tests[] = {{"table", t_table},
                               {"flags", t_flags},
                               {"quote_state", t_quote_state},
                               {"clean", t_clean},
                               {"long", t_long},
                               {"runs", t_runs},
                               {"random", t_random},
                               {"abbrev_table", t_abbrev_table},
                               {NULL, NULL}};
T_MAIN(tests)
