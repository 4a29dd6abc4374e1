/*
** test_amount.c -- what an amount counts (the head of the words after
** it), halves, numbers that are parts of names (BBC News forms).
*/
#include "internal.h"
#include "t.h"

#include <stdlib.h>

static dl_model *M;
static dl_annotator *A;

static dl_doc *run(const char *text)
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
  in.date = "2005-01-15";
  if (dl_annotate(A, &in, DL_FIELD_DATES | DL_FIELD_AMOUNTS, &d, NULL) !=
      DL_OK)
    return NULL;
  return d;
}

static const dl__amount *find(const dl_doc *d, const char *what)
{
  size_t n = strlen(what);
  for (size_t i = 0; i < d->n_amounts; i++) {
    const dl__amount *x = &d->amounts[i];
    if (x->end - x->start == n && memcmp(d->text + x->start, what, n) == 0)
      return x;
  }
  return NULL;
}

static const char *str(const char *s) { return s ? s : "(null)"; }

static void t_objects(void)
{
  static const struct {
    const char *text, *expr;
    double value;
    const char *unit, *object;
  } c[] = {
      {"It patched eight critical security holes.", "eight", 8, NULL,
       "holes"},
      {"It brought 40,000 pupils back to school.", "40,000", 40000, NULL,
       "pupils"},
      {"In almost 14,000 of those cases, parents came.", "14,000", 14000,
       NULL, "cases"},
      {"Nearly half a million children skip school.", "half a million",
       500000, NULL, "children"},
      {"He is one of six WorldCom executives indicted.", "six", 6, NULL,
       "executives"},
      {"The film is up for six Independent Spirit Awards.", "six", 6, NULL,
       "Awards"},
      {"The stance paid off with just 24 issued, he said.", "24", 24, NULL,
       NULL},
      {"Its first full version was released.", "first", 1, "ordinal",
       "version"},
      {"About 10,000 people marched.", "10,000", 10000, NULL, "people"},
      {"Profits jumped 76% to $1.13bn (£600m).", "$1.13bn", 1.13e9, "USD",
       NULL},
      {"Profits jumped 76% to $1.13bn (£600m).", "£600m", 6e8, "GBP", NULL},
      {"Profits jumped 76% to $1.13bn (£600m).", "76%", 76, "%", NULL},
  };
  for (size_t k = 0; k < DL__COUNTOF(c); k++) {
    dl_doc *d = run(c[k].text);
    const dl__amount *x;
    T_OK(d != NULL);
    x = find(d, c[k].expr);
    T_OK(x != NULL);
    if (!x) {
      fprintf(stderr, "case %zu: %s\n", k, c[k].text);
    } else {
      T_OK(x->value == c[k].value);
      T_EQ_STR(str(x->unit), str(c[k].unit));
      T_EQ_STR(str(x->object), str(c[k].object));
    }
    dl_doc_destroy(d);
  }
}

static void t_names(void)
{
  /* version numbers after a name are not counts; an age still is */
  dl_doc *d = run("Mr Gates said IE 7 would include new protections, and "
                  "Internet Explorer 7 is due. Altintas, 22, was shot.");
  T_OK(d != NULL);
  T_OK(find(d, "7") == NULL);
  T_OK(find(d, "22") != NULL);
  dl_doc_destroy(d);
  /* a year after a possessive is a date, not an amount */
  d = run("Profit was up 27% from its 2003 performance.");
  T_OK(d != NULL);
  T_OK(find(d, "2003") == NULL);
  T_OK(d->n_timexes == 1 && d->timexes[0].value &&
       !strcmp(d->timexes[0].value, "2003"));
  dl_doc_destroy(d);
}

static void t_done(void)
{
  dl_annotator_destroy(A);
  dl_model_destroy(M);
  A = NULL;
  M = NULL;
}

static const t_case cases[] = {{"objects", t_objects},
                               {"names", t_names},
                               {"zz_done", t_done},
                               {NULL, NULL}};
T_MAIN(cases)
