/*
** test_timex.c -- temporal expressions, the dateline date, bad input.
*/
#include "internal.h"
#include "t.h"

#include <stdlib.h>

static dl_model *M;
static dl_annotator *A;

static dl_doc *run(const char *text, const char *date, const char *flag)
{
  dl_input in;
  dl_doc *d = NULL;
  dl_error err;
  if (!M) {
    dl_model_create_empty(NULL, &M, NULL);
    dl_annotator_create(M, &A, NULL);
  }
  memset(&in, 0, sizeof in);
  in.text = text;
  in.len = strlen(text);
  in.date = date;
  in.default_date = flag;
  if (dl_annotate(A, &in, DL_FIELD_DATE | DL_FIELD_DATES | DL_FIELD_AMOUNTS,
                  &d, &err) != DL_OK)
    return NULL;
  return d;
}

/* The value of the timex whose text is exactly `what` (the n-th one). */
static const char *val_of(const dl_doc *d, const char *what, int nth)
{
  size_t n = strlen(what);
  for (size_t i = 0; i < d->n_timexes; i++) {
    const dl__timex *x = &d->timexes[i];
    if (x->end - x->start == n && memcmp(d->text + x->start, what, n) == 0 &&
        nth-- == 0)
      return x->value ? x->value : "(null)";
  }
  return "(none)";
}

/* One expression in one sentence, against one anchor. */
static const struct form {
  const char *text, *date, *expr, *value;
} forms[] = {
    {"It happened on Dec. 22, 2016, in Berlin.", "2017-01-05",
     "Dec. 22, 2016", "2016-12-22"},
    {"It happened on 22 December 2016 in Berlin.", NULL, "22 December 2016",
     "2016-12-22"},
    {"The deadline is 12/22/2016 for all.", NULL, "12/22/2016", "2016-12-22"},
    {"The deadline is 22/12/2016 for all.", NULL, "22/12/2016", "2016-12-22"},
    {"Filed 2016-12-22 in court.", NULL, "2016-12-22", "2016-12-22"},
    {"He arrived in July 1997 to stay.", NULL, "July 1997", "1997-07"},
    {"He left yesterday.", "2016-12-22", "yesterday", "2016-12-21"},
    {"They met last week.", "2016-12-22", "last week", "2016-W50"},
    {"They will meet next month.", "2016-12-22", "next month", "2017-01"},
    {"He died two days ago.", "2016-12-22", "two days ago", "2016-12-20"},
    {"Sales rose earlier this year.", "2016-12-22", "earlier this year",
     "2016"},
    {"It was common in the 1990s.", NULL, "the 1990s", "199X"},
    {"It was built in the 19th century.", NULL, "the 19th century", "18"},
    {"Prices fell in the summer of 2016.", NULL, "the summer of 2016",
     "2016-SU"},
    {"Profit rose in the third quarter.", "2016-10-20", "the third quarter",
     "2016-Q3"},
    {"He served five years in jail.", NULL, "five years", "P5Y"},
    {"A 10-day strike ended.", NULL, "10-day", "P10D"},
    {"They meet every week.", NULL, "every week", "P1W"},
    {"It is published daily.", NULL, "daily", "P1D"},
    {"The vote is at 10:30 a.m. EST on Monday.", "2016-12-22",
     "10:30 a.m. EST", "2016-12-22T10:30-05:00"},
    {"He spoke this morning.", "2016-12-22", "this morning", "2016-12-22TMO"},
    {"She was buried on Thursday.", "2016-12-23", "Thursday", "2016-12-22"},
    {"They will meet on Monday.", "2016-12-23", "Monday", "2016-12-26"},
    {"He arrived last Friday.", "2016-12-23", "last Friday", "2016-12-16"},
    {"Talks resume next Monday.", "2016-12-23", "next Monday", "2016-12-26"},
    {"Prices are rising now.", "2016-12-23", "now", "PRESENT_REF"},
    {"The war lasted from 1990-95 then.", NULL, "1990", "1990"},
    {"The war lasted from 1990-95 then.", NULL, "95", "1995"},
    {"He left last fall.", "1999-05-07", "last fall", "1998-FA"},
    {"Thursday, Dec. 22 was cold.", "2017-01-05", "Thursday, Dec. 22",
     "2016-12-22"},
    {"Shares fell in Q3 2016.", NULL, "Q3 2016", "2016-Q3"},
    {"It lasted 2000 years.", NULL, "2000 years", "P2000Y"},
    {"Built 4000 years ago.", "2016-12-22", "4000 years ago", "PAST_REF"},
    {"Due 20000 years from now.", "2016-12-22", "20000 years from now",
     "FUTURE_REF"},
    {"Sales for the full year rose 13%.", "1989-10-30", "the full year",
     "1989"},
    {"It lost $8.6 billion for the entire year.", "2006-01-27",
     "the entire year", "2005"},
    {"Net for the year ended Aug. 31 fell.", "1989-10-30", "the year",
     "P1Y"},
    {"Net rose from the year-ago quarter.", "1989-10-30", "the year",
     "(none)"},
    {"He left in 1995 and returned the following year.", "1998-04-18",
     "the following year", "1996"},
    {"On May 22, 1995, he won; the previous year he lost.", "1998-04-18",
     "the previous year", "1994"},
    {"Net fell from the 1988 quarter.", "1989-10-30", "the 1988 quarter",
     "1988-Q3"},
    {"He slept 5 1/2 hours.", NULL, "5 1/2 hours", "PT5H30M"},
    {"It took a minute and a half.", NULL, "a minute and a half", "PT1M30S"},
    {"He served 2 1/2 years.", NULL, "2 1/2 years", "P2Y6M"},
    {"He will leave at 4 in the morning (4 a.m. EDT Thursday), he said.",
     "2000-04-05", "4 a.m. EDT Thursday", "2000-04-06T04:00-04:00"},
    {"The current system works.", "2000-04-05", "current", "PRESENT_REF"},
    {"He swam against the current account of it.", "2000-04-05", "current",
     "(none)"},
    {"It began in February this year.", "1998-10-19", "February this year",
     "1998-02"},
    {"He came in July last year.", "1998-02-19", "July last year",
     "1997-07"},
    {NULL, NULL, NULL, NULL}};

static void t_forms(void)
{
  for (size_t k = 0; forms[k].text; k++) {
    dl_doc *d = run(forms[k].text, forms[k].date, NULL);
    T_OK(d != NULL);
    if (strcmp(val_of(d, forms[k].expr, 0), forms[k].value) != 0)
      fprintf(stderr, "case %zu: %s\n", k, forms[k].text);
    T_EQ_STR(val_of(d, forms[k].expr, 0), forms[k].value);
    dl_doc_destroy(d);
  }
}

static char *slurp(const char *path, size_t *len)
{
  FILE *f = fopen(path, "rb");
  char *p;
  long n;
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  n = ftell(f);
  fseek(f, 0, SEEK_SET);
  p = malloc((size_t)n + 1);
  if (p && fread(p, 1, (size_t)n, f) != (size_t)n) {
    free(p);
    p = NULL;
  }
  if (p) p[n] = 0;
  fclose(f);
  *len = (size_t)n;
  return p;
}

/* The Karlov article, dated 2016-12-22 by its first line. */
static void t_karlov(void)
{
  size_t len, thursdays = 0;
  char *text = slurp("examples/karlov-funeral.txt", &len);
  dl_doc *d;
  const char *age;
  T_OK(text != NULL);
  /* The date comes from the article's first line (clean.c). */
  d = run(text, NULL, NULL);
  T_OK(d != NULL);
  {
    const char *src;
    T_EQ_STR(dl_doc_date(d, &src), "2016-12-22");
    T_EQ_STR(src, "text");
  }
  for (size_t i = 0; i < d->n_timexes; i++) {
    const dl__timex *x = &d->timexes[i];
    if (x->end - x->start == 8 &&
        memcmp(d->text + x->start, "Thursday", 8) == 0) {
      T_EQ_STR(x->value, "2016-12-22");
      thursdays++;
    }
  }
  T_EQ_INT(thursdays, 3);
  T_EQ_STR(val_of(d, "the 1990s", 0), "199X");
  T_EQ_STR(val_of(d, "2000s", 0), "200X");
  T_EQ_STR(val_of(d, "2013", 0), "2013");
  /* "Altintas, 22," is an age, not a date. */
  age = strstr(d->text, "Altintas, 22,");
  T_OK(age != NULL);
  {
    size_t off = (size_t)(age - d->text) + 10;
    bool amount = false;
    for (size_t i = 0; i < d->n_timexes; i++)
      T_OK(!(d->timexes[i].start <= off && d->timexes[i].end > off));
    for (size_t i = 0; i < d->n_amounts; i++)
      if (d->amounts[i].start == off && d->amounts[i].value == 22 &&
          d->amounts[i].object && !strcmp(d->amounts[i].object, "age"))
        amount = true;
    T_OK(amount);
  }
  dl_doc_destroy(d);
  free(text);
}

static void t_no_anchor(void)
{
  dl_doc *d = run("He left yesterday and returns on Thursday.", NULL, NULL);
  T_OK(d != NULL);
  T_EQ_STR(val_of(d, "yesterday", 0), "(null)");
  T_EQ_STR(val_of(d, "Thursday", 0), "XXXX-WXX-4");
  for (size_t i = 0; i < d->n_timexes; i++) T_OK(!d->timexes[i].anchored);
  dl_doc_destroy(d);
  /* --date anchors them all the same */
  d = run("He left yesterday.", NULL, "2016-12-22");
  T_OK(d != NULL);
  T_EQ_STR(val_of(d, "yesterday", 0), "2016-12-21");
  dl_doc_destroy(d);
}

static void t_bad(void)
{
  dl_doc *d = run("It was signed on February 30, 2016 and 99999 people "
                  "came in 99999.", "2016-12-22", NULL);
  char *big;
  size_t n = 1 << 20;
  T_OK(d != NULL);
  for (size_t i = 0; i < d->n_timexes; i++) {
    const char *v = d->timexes[i].value;
    T_OK(!v || !strstr(v, "02-30"));
    T_OK(!v || !strstr(v, "9999"));
  }
  dl_doc_destroy(d);
  /* An amount never overlaps a date, even after a currency sign. */
  d = run("It cost $ 2016-12-22 and \xC2\xA3" "22 week.", "2016-12-22", NULL);
  T_OK(d != NULL);
  for (size_t i = 0; i < d->n_amounts; i++)
    for (size_t k = 0; k < d->n_timexes; k++)
      T_OK(d->amounts[i].end <= d->timexes[k].start ||
           d->timexes[k].end <= d->amounts[i].start);
  dl_doc_destroy(d);
  /* Nothing but numbers. */
  big = malloc(n + 1);
  T_OK(big != NULL);
  for (size_t i = 0; i < n; i++)
    big[i] = (char)(i % 7 == 6 ? ' ' : i % 13 == 12 ? '\n' : '0' + i % 10);
  big[n] = 0;
  d = run(big, "2016-12-22", NULL);
  T_OK(d != NULL);
  for (size_t i = 1; i < d->n_timexes; i++)
    T_OK(d->timexes[i].start >= d->timexes[i - 1].end);
  /* 150,000 numbers: the amounts stop at the limit and the record says
  ** so. */
  T_EQ_INT(d->n_amounts, 100000);
  T_OK(d->n_notes >= 1);
  dl_doc_destroy(d);
  free(big);
}

static void t_dateline(void)
{
  dl_doc *d = run("BRUSSELS, Aug 22 (Reuters) - EU ministers met on "
                  "Monday.", NULL, "2017-01-05");
  const char *src;
  T_OK(d != NULL);
  T_EQ_STR(dl_doc_date(d, &src), "2016-08-22");
  T_EQ_STR(src, "dateline");
  T_EQ_MEM(d->text + d->dl_place_start, d->dl_place_end - d->dl_place_start,
           "BRUSSELS");
  T_EQ_STR(d->dl_agency, "Reuters");
  dl_doc_destroy(d);
  /* A dateline without a date gives the place, no date. */
  d = run("MOSCOW (AP) -- Russia said on Monday it would act.", NULL, NULL);
  T_OK(d != NULL);
  T_OK(dl_doc_date(d, &src) == NULL);
  T_EQ_MEM(d->text + d->dl_place_start, d->dl_place_end - d->dl_place_start,
           "MOSCOW");
  dl_doc_destroy(d);
  /* Reuters-21578: no year; the crawl date (--date) gives it, the text
  ** does not. */
  d = run("    SALVADOR, Feb 26 - Showers continued in 1987 and the 1987 "
          "crop is late.", NULL, "1987-03-15");
  T_OK(d != NULL);
  T_EQ_STR(dl_doc_date(d, &src), "1987-02-26");
  T_EQ_STR(src, "dateline");
  dl_doc_destroy(d);
  d = run("    SALVADOR, Feb 26 - Showers continued in 1987.", NULL, NULL);
  T_OK(d != NULL);
  T_OK(dl_doc_date(d, &src) == NULL);
  dl_doc_destroy(d);
  /* A state after the city, a capitalized place with a date. */
  d = run("    ROCHESTER, N.Y., Feb 26 - Champion said.", NULL, "1987-03-15");
  T_OK(d != NULL);
  T_EQ_STR(dl_doc_date(d, &src), "1987-02-26");
  dl_doc_destroy(d);
  d = run("    Scarborough, Ontario, Feb 26 - Shr 45 cts.", NULL, "1987-03-15");
  T_OK(d != NULL);
  T_EQ_STR(dl_doc_date(d, &src), "1987-02-26");
  T_EQ_MEM(d->text + d->dl_place_start, d->dl_place_end - d->dl_place_start,
           "Scarborough");
  dl_doc_destroy(d);
  /* A Dec. 30 dateline crawled on Jan. 2 is of the year before. */
  d = run("LONDON, Dec 30 - Shares fell.", NULL, "1988-01-02");
  T_OK(d != NULL);
  T_EQ_STR(dl_doc_date(d, &src), "1987-12-30");
  dl_doc_destroy(d);
  /* An ordinary first sentence is no dateline. */
  d = run("Prime Minister Smith said on Monday - quite firmly - no.", NULL,
          NULL);
  T_OK(d != NULL);
  T_OK(d->dl_place_end == 0);
  dl_doc_destroy(d);
  /* The input date wins. */
  d = run("BRUSSELS, Aug 22 (Reuters) - EU.", "2016-08-23", NULL);
  T_OK(d != NULL);
  T_EQ_STR(dl_doc_date(d, &src), "2016-08-23");
  T_EQ_STR(src, "input");
  dl_doc_destroy(d);
  /* A date after the crawl is not the article's. */
  d = run("BRUSSELS, Aug 22, 2030 (Reuters) - EU.", NULL, "2017-01-05");
  T_OK(d != NULL);
  T_EQ_STR(dl_doc_date(d, &src), "2017-01-05");
  T_EQ_STR(src, "flag");
  dl_doc_destroy(d);
  /* No year anywhere: no date. */
  d = run("HOUSTON, Feb 26 - Oil rose.", NULL, NULL);
  T_OK(d != NULL);
  T_OK(dl_doc_date(d, &src) == NULL);
  dl_doc_destroy(d);
}

static void t_amounts(void)
{
  static const struct {
    const char *text, *span;
    double value;
    const char *unit, *object;
  } cases[] = {
      {"About 10,000 people marched.", "10,000", 10000, NULL, "people"},
      {"It costs $5 billion now.", "$5 billion", 5e9, "USD", NULL},
      {"It costs \xC2\xA3" "3m now.", "\xC2\xA3" "3m", 3e6, "GBP", NULL},
      {"It costs 20 roubles now.", "20 roubles", 20, "RUB", NULL},
      {"Prices rose 12 percent.", "12 percent", 12, "%", NULL},
      {"Prices rose 3.5% in all.", "3.5%", 3.5, "%", NULL},
      {"Thousands of people fled.", "Thousands", 1000, NULL, "people"},
      {"The 22-year-old was held.", "22-year-old", 22, "years", "age"},
      {"He came third in the race.", "third", 3, "ordinal", NULL},
      {NULL, NULL, 0, NULL, NULL}};
  for (size_t k = 0; cases[k].text; k++) {
    dl_doc *d = run(cases[k].text, "2016-12-22", NULL);
    bool found = false;
    T_OK(d != NULL);
    for (size_t i = 0; i < d->n_amounts; i++) {
      const dl__amount *x = &d->amounts[i];
      size_t n = strlen(cases[k].span);
      if (x->end - x->start != n ||
          memcmp(d->text + x->start, cases[k].span, n) != 0)
        continue;
      found = true;
      T_OK(x->value == cases[k].value);
      if (cases[k].unit) T_EQ_STR(x->unit, cases[k].unit);
      if (cases[k].object) T_EQ_STR(x->object, cases[k].object);
    }
    if (!found) fprintf(stderr, "amount case %zu: %s\n", k, cases[k].text);
    T_OK(found);
    dl_doc_destroy(d);
  }
}

static void t_dmy(void)
{
  dl_input in;
  dl_doc *d = NULL;
  const char *text = "Filed 03/04/2016 in court.";
  dl_doc_destroy(run("x", NULL, NULL)); /* creates the annotator */
  memset(&in, 0, sizeof in);
  in.text = text;
  in.len = strlen(text);
  T_OK(dl_annotate(A, &in, DL_FIELD_DATES, &d, NULL) == DL_OK);
  T_EQ_STR(val_of(d, "03/04/2016", 0), "2016-03-04"); /* US default */
  dl_doc_destroy(d);
  in.lang = "en-GB";
  T_OK(dl_annotate(A, &in, DL_FIELD_DATES, &d, NULL) == DL_OK);
  T_EQ_STR(val_of(d, "03/04/2016", 0), "2016-04-03");
  dl_doc_destroy(d);
  /* One day-first date in the document decides for the others. */
  text = "Filed 03/04/2016, heard 22/05/2016.";
  in.text = text;
  in.len = strlen(text);
  in.lang = NULL;
  T_OK(dl_annotate(A, &in, DL_FIELD_DATES, &d, NULL) == DL_OK);
  T_EQ_STR(val_of(d, "03/04/2016", 0), "2016-04-03");
  dl_doc_destroy(d);
}

static void t_json(void)
{
  dl_doc *d = run("He left yesterday.", "2016-12-22", NULL);
  char *js;
  size_t n;
  T_OK(d != NULL);
  T_OK(dl_doc_to_json(d, 0, DL_FIELD_DATES | DL_FIELD_AMOUNTS, &js, &n) ==
       DL_OK);
  T_OK(strstr(js, "\"text\":\"yesterday\",\"type\":\"DATE\","
                  "\"value\":\"2016-12-21\",\"anchor\":\"2016-12-22\"") !=
       NULL);
  dl_free(js);
  dl_doc_destroy(d);
}

static void t_done(void)
{
  dl_annotator_destroy(A);
  dl_model_destroy(M);
  A = NULL;
  M = NULL;
}

static const t_case cases[] = {{"forms", t_forms},     {"karlov", t_karlov},
                               {"no_anchor", t_no_anchor}, {"bad", t_bad},
                               {"dateline", t_dateline}, {"amounts", t_amounts},
                               {"json", t_json},       {"dmy", t_dmy},
                               {"zz_done", t_done},
                               {NULL, NULL}};
T_MAIN(cases)
