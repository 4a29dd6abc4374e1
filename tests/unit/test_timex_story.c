/*
** test_timex_story.c -- frequency sets, ranges as one interval, the
** story's reference time ("that year", "three days later", "the next
** day") and the tense of possessive weekdays.
*/
#include "internal.h"
#include "t.h"

#include <stdlib.h>

static dl_model *M;
static dl_annotator *A;

static dl_doc *run(const char *text, const char *date)
{
  dl_input in;
  dl_doc *d = NULL;
  if (!M) {
    dl_model_create_empty(NULL, &M, NULL);
    dl_annotator_create(M, &A, NULL);
  }
  memset(&in, 0, sizeof in);
  in.text = text;
  in.len = strlen(text);
  in.date = date;
  if (dl_annotate(A, &in, DL_FIELD_DATES | DL_FIELD_AMOUNTS, &d, NULL) !=
      DL_OK)
    return NULL;
  return d;
}

/* The timex whose text is exactly `what`, or NULL. */
static const dl__timex *find(const dl_doc *d, const char *what)
{
  size_t n = strlen(what);
  for (size_t i = 0; i < d->n_timexes; i++) {
    const dl__timex *x = &d->timexes[i];
    if (x->end - x->start == n && memcmp(d->text + x->start, what, n) == 0)
      return x;
  }
  return NULL;
}

static const char *str(const char *s) { return s ? s : "(null)"; }

static void t_freq(void)
{
  static const struct {
    const char *text, *expr, *value, *freq;
  } c[] = {
      {"They meet three times a week.", "three times a week", "P1W", "3X"},
      {"It runs 5 times per year.", "5 times per year", "P1Y", "5X"},
      {"He calls twice a day.", "twice a day", "P1D", "2X"},
      {"He calls once a month.", "once a month", "P1M", "1X"},
      {"He jogs every week.", "every week", "P1W", NULL},
      {"It is published daily.", "daily", "P1D", NULL},
      {"Reports are filed annually.", "annually", "P1Y", NULL},
  };
  for (size_t k = 0; k < DL__COUNTOF(c); k++) {
    dl_doc *d = run(c[k].text, "2016-12-22");
    const dl__timex *x;
    T_OK(d != NULL);
    x = find(d, c[k].expr);
    T_OK(x != NULL);
    if (x) {
      T_EQ_INT(x->type, DL__TIMEX_SET);
      T_EQ_STR(str(x->value), c[k].value);
      T_EQ_STR(str(x->freq), str(c[k].freq));
    }
    dl_doc_destroy(d);
  }
  /* "three times" alone is no set (and "3 times" no date) */
  {
    dl_doc *d = run("He tried three times to call.", "2016-12-22");
    T_OK(d != NULL);
    T_EQ_INT(d->n_timexes, 0);
    dl_doc_destroy(d);
  }
}

static void t_range(void)
{
  static const struct {
    const char *text, *first, *second, *v1, *v2, *range, *dur;
  } c[] = {
      {"The talks ran from 1990 to 1995.", "1990", "1995", "1990", "1995",
       "from 1990 to 1995", "P5Y"},
      {"Sales rose in 1990-95.", "1990", "95", "1990", "1995", "1990-95",
       "P5Y"},
      {"The summit is Dec. 20-22.", "Dec. 20", "22", "2016-12-20",
       "2016-12-22", "Dec. 20-22", "P3D"},
      {"He will be away between Monday and Wednesday.", "Monday",
       "Wednesday", "2016-12-26", "2016-12-28",
       "between Monday and Wednesday", "P3D"},
      {"It ran from Jan. 5, 2001 through March 3, 2001.", "Jan. 5, 2001",
       "March 3, 2001", "2001-01-05", "2001-03-03",
       "from Jan. 5, 2001 through March 3, 2001", "P58D"},
  };
  for (size_t k = 0; k < DL__COUNTOF(c); k++) {
    dl_doc *d = run(c[k].text, "2016-12-22");
    const dl__timex *a, *b;
    T_OK(d != NULL);
    a = find(d, c[k].first);
    b = find(d, c[k].second);
    T_OK(a != NULL && b != NULL);
    if (!a || !b) {
      fprintf(stderr, "case %zu: %s\n", k, c[k].text);
      dl_doc_destroy(d);
      continue;
    }
    T_EQ_STR(str(a->value), c[k].v1);
    T_EQ_STR(str(b->value), c[k].v2);
    T_EQ_INT(a->rrole, 1);
    T_EQ_INT(b->rrole, 2);
    T_EQ_INT(a->rstart, b->rstart);
    T_EQ_INT(a->rend, b->rend);
    T_EQ_INT(a->rend - a->rstart, strlen(c[k].range));
    T_OK(memcmp(d->text + a->rstart, c[k].range, strlen(c[k].range)) == 0);
    T_EQ_STR(str(a->rdur), c[k].dur);
    dl_doc_destroy(d);
  }
  /* two dates, no range: "on Dec. 20 and 22", "1990 to 1995" without
  ** "from" */
  {
    dl_doc *d = run("He spoke on Dec. 20 and Dec. 22.", "2016-12-22");
    T_OK(d != NULL);
    for (size_t i = 0; i < d->n_timexes; i++) T_EQ_INT(d->timexes[i].rend, 0);
    dl_doc_destroy(d);
  }
}

static void t_story(void)
{
  static const char *text =
      "On May 22, 1995, Farkas was promoted. The next day he left. Three "
      "days later he returned. That year he retired. The following month "
      "he moved.";
  dl_doc *d = run(text, "1998-04-18");
  const dl__timex *x;
  T_OK(d != NULL);
  x = find(d, "The next day");
  T_OK(x && !strcmp(str(x->value), "1995-05-23"));
  T_OK(x && !strcmp(str(x->anchor), "1995-05-22"));
  x = find(d, "Three days later");
  T_OK(x && !strcmp(str(x->value), "1995-05-26"));
  x = find(d, "That year");
  T_OK(x && !strcmp(str(x->value), "1995"));
  x = find(d, "The following month");
  T_OK(x && !strcmp(str(x->value), "1995-06"));
  dl_doc_destroy(d);

  d = run("The attack came on Oct. 23, 1999. Earlier that day he called.",
          "1999-10-24");
  T_OK(d != NULL);
  x = find(d, "Earlier that day");
  T_OK(x && !strcmp(str(x->value), "1999-10-23"));
  dl_doc_destroy(d);

  /* Without a date in the text, "three days later" counts from the
  ** article's date; without any date it stays unresolved. */
  d = run("Three days later he returned.", "2016-12-22");
  T_OK(d != NULL);
  x = find(d, "Three days later");
  T_OK(x && !strcmp(str(x->value), "2016-12-25") && !x->anchor);
  dl_doc_destroy(d);
  d = run("The next day he returned. That year he died.", NULL);
  T_OK(d != NULL);
  x = find(d, "The next day");
  T_OK(x && x->value == NULL && !x->anchored);
  T_OK(find(d, "That year") == NULL);
  /* the record says why */
  T_OK(d->n_notes == 1 &&
       !strcmp(d->notes[0], "dates unanchored: no document date"));
  dl_doc_destroy(d);
  /* "two days ago" stays with the article even after a story date */
  d = run("On May 22, 1995, he left. Two days ago he returned.",
          "2016-12-22");
  T_OK(d != NULL);
  x = find(d, "Two days ago");
  T_OK(x && !strcmp(str(x->value), "2016-12-20"));
  dl_doc_destroy(d);
}

static void t_tense(void)
{
  /* 2000-01-07 is a Friday. */
  dl_doc *d = run("They said they would look for ways to get around "
                  "Wednesday's ruling.",
                  "2000-01-07");
  const dl__timex *x;
  T_OK(d != NULL);
  x = find(d, "Wednesday");
  T_OK(x && !strcmp(str(x->value), "2000-01-05"));
  dl_doc_destroy(d);
  d = run("On Friday, when Albright set aside vacation plans, she flew.",
          "1998-08-17");
  T_OK(d != NULL);
  x = find(d, "Friday");
  T_OK(x && !strcmp(str(x->value), "1998-08-14"));
  dl_doc_destroy(d);
  d = run("They were planning to drive around the airport on Monday.",
          "2000-01-07");
  T_OK(d != NULL);
  x = find(d, "Monday");
  T_OK(x && !strcmp(str(x->value), "2000-01-10"));
  dl_doc_destroy(d);
}

/* Forms found missing on MEANTIME. */
static void t_more(void)
{
  static const struct {
    const char *text, *expr, *value;
  } c[] = {
      {"It rid Detroit of the boxy cars of the 70s and 80s.", "the 70s",
       "197X"},
      {"It rid Detroit of the boxy cars of the 70s and 80s.", "80s",
       "198X"},
      {"The plane landed at 0800 UTC.", "0800 UTC", "2008-09-18T08:00Z"},
      {"For the final quarter of 2009, Ford made a profit.",
       "the final quarter of 2009", "2009-Q4"},
      {"Bids are due by 5 p.m. EST, Sept. 26, it said.",
       "5 p.m. EST, Sept. 26", "2008-09-26T17:00-05:00"},
  };
  dl_doc *d;
  for (size_t k = 0; k < DL__COUNTOF(c); k++) {
    const dl__timex *x;
    d = run(c[k].text, "2008-09-18");
    T_OK(d != NULL);
    x = find(d, c[k].expr);
    T_OK(x != NULL);
    if (x) T_EQ_STR(str(x->value), c[k].value);
    dl_doc_destroy(d);
  }
  /* an age is no decade */
  d = run("He is in his 70s.", "2008-09-18");
  T_OK(d != NULL);
  T_EQ_INT(d->n_timexes, 0);
  dl_doc_destroy(d);
}

static void t_done(void)
{
  dl_annotator_destroy(A);
  dl_model_destroy(M);
  A = NULL;
  M = NULL;
}

static const t_case cases[] = {{"freq", t_freq},   {"range", t_range},
                               {"story", t_story}, {"tense", t_tense},
                               {"more", t_more},
                               {"zz_done", t_done}, {NULL, NULL}};
T_MAIN(cases)
