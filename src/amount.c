/*
** amount.c -- amounts (GDELT's "Amounts"): numbers in digits or words
** with what they count.
**
**   10,000 people          10000        object "people"
**   $5 billion             5000000000   unit "USD"
**   £3.5m, 20 roubles      3500000 GBP, 20 RUB
**   12 percent, 3.5%       12 %, 3.5 %
**   Altintas, 22,          22           unit "years", object "age"
**   22-year-old            22           unit "years", object "age"
**   the third, 22nd        3, 22        unit "ordinal"
**   thousands of people    1000         object "people"
**
** The scan runs inside timex.c's pass over the lines (the same lexed
** tokens) and skips every number inside a temporal expression ("in 2013"
** is a date, not an amount). The counted object is the next
** content word (after "of" for "thousands of people"); a number with
** neither unit nor object is still an amount, with both null.
*/
#include "timex.h"

typedef struct am {
  const dl_doc *d;
  const tx_lexer *lx;
  const tx_tok *t;
  size_t n;
} am;

static bool a_is(const am *c, size_t i, const char *w)
{
  return i < c->n && c->t[i].kind == TX_WORD && dl__tx_is(c->d, &c->t[i], w);
}

static int a_cat(const am *c, size_t i, int k)
{
  if (i >= c->n || c->t[i].kind != TX_WORD) return -1;
  return dl__tx_cat(&c->t[i], k);
}

static int a_ch(const am *c, size_t i)
{
  return i < c->n ? dl__tx_ch(c->d, &c->t[i]) : 0;
}

static bool a_tight(const am *c, size_t i)
{
  return i < c->n && !c->t[i].space;
}

static bool bytes_is(const am *c, size_t i, const char *s)
{
  size_t n = strlen(s);
  return i < c->n && c->t[i].end - c->t[i].start == n &&
         memcmp(c->d->view + c->t[i].start, s, n) == 0;
}

/* A currency symbol at i (with "US" or "C" glued before "$"): returns
** the code, and *first the first token of it. */
static const char *currency_sym(const am *c, size_t i)
{
  int b = a_ch(c, i);
  if (b != '$' && b != 0xC2 && b != 0xE2) return NULL;
  if (b == '$') {
    if (i > 0 && a_tight(c, i) && c->t[i - 1].kind == TX_WORD) {
      if (a_is(c, i - 1, "us")) return "USD";
      if (a_is(c, i - 1, "c") || a_is(c, i - 1, "ca")) return "CAD";
      if (a_is(c, i - 1, "a") || a_is(c, i - 1, "au")) return "AUD";
      if (a_is(c, i - 1, "hk")) return "HKD";
      if (a_is(c, i - 1, "nz")) return "NZD";
      if (a_is(c, i - 1, "s")) return "SGD";
      if (a_is(c, i - 1, "r")) return "BRL";
    }
    return "USD";
  }
  if (bytes_is(c, i, "\xC2\xA3")) return "GBP";
  if (bytes_is(c, i, "\xE2\x82\xAC")) return "EUR";
  if (bytes_is(c, i, "\xC2\xA5")) return "JPY";
  if (bytes_is(c, i, "\xE2\x82\xB9")) return "INR";
  if (bytes_is(c, i, "\xE2\x82\xBD")) return "RUB";
  if (bytes_is(c, i, "\xE2\x82\xBA")) return "TRY";
  return NULL;
}

/* A multiplier in a number's letter suffix: "5bn", "3m", "10k". */
static double suffix_scale(const am *c, size_t i, bool money,
                           const char **unit)
{
  const tx_tok *t = &c->t[i];
  size_t n = t->end - TX_SFX(t);
  char s[8];
  if (!n) return 1;
  if (n >= sizeof s) return 0;
  for (size_t k = 0; k < n; k++) {
    char x = c->d->view[TX_SFX(t) + k];
    s[k] = (char)((x >= 'A' && x <= 'Z') ? x + 32 : x);
  }
  s[n] = 0;
  if (!strcmp(s, "bn") || !strcmp(s, "b") || !strcmp(s, "bln")) return 1e9;
  if (!strcmp(s, "mn") || !strcmp(s, "mln") || (money && !strcmp(s, "m")))
    return 1e6;
  if (!strcmp(s, "tn") || !strcmp(s, "trn")) return 1e12;
  if (!strcmp(s, "k")) return 1e3;
  {
    static const char *const units[] = {"km", "kg", "mph", "ft", "lb",
                                        "lbs", "mm", "cm", "m", "kph",
                                        "mw", "gw", "kw", "g", "mg", "t"};
    for (size_t k = 0; k < DL__COUNTOF(units); k++)
      if (!strcmp(s, units[k])) {
        *unit = units[k];
        return 1;
      }
  }
  return 0; /* 5pm, 1990s, 22nd: not here */
}

/* A lower-case content word at j (the candidates for an object). */
static bool content(const am *c, size_t j)
{
  if (j >= c->n || c->t[j].kind != TX_WORD) return false;
  return a_cat(c, j, TXC_STOP) < 0 && a_cat(c, j, TXC_PREP) < 0 &&
         a_cat(c, j, TXC_PAST) < 0 && a_cat(c, j, TXC_FUT) < 0 &&
         a_cat(c, j, TXC_SCALE) < 0;
}

static bool ends(const am *c, size_t j, const char *sfx)
{
  size_t n = c->t[j].end - c->t[j].start, k = strlen(sfx);
  return n > k + 2 &&
         memcmp(c->d->view + c->t[j].end - k, sfx, k) == 0;
}

/* The counted object after token j: the head of the next few content
** words ("eight critical security holes": holes; "the first full
** version": version), or of the words after "of [the|those|these]"
** ("thousands of people", "14,000 of those cases"). A cardinal takes the
** first plural of the run ("40,000 pupils back to school"), else its
** first word; an ordinal the last word. A participle alone ("24 issued")
** is no object. Returns its token index or SIZE_MAX. */
static size_t object_at(const am *c, size_t j, bool ordinal)
{
  size_t k, n = 0, first = SIZE_MAX, last = SIZE_MAX;
  if (a_is(c, j, "of") && j + 1 < c->n) {
    j++;
    if (a_is(c, j, "those") || a_is(c, j, "these") || a_is(c, j, "the"))
      j++;
  } else if (a_is(c, j, "the")) {
    return SIZE_MAX;
  }
  for (k = j; k < c->n && n < 3 && content(c, k); k++, n++) {
    if (ends(c, k, "ing") || ends(c, k, "ed")) break;
    if (k > j && !c->t[k].space) break;
    /* Names count only as plurals ("six WorldCom executives", "six
    ** Independent Spirit Awards"): "2 Arsenal" counts nothing. */
    if (!c->t[k].cap) {
      if (first == SIZE_MAX) first = k;
      last = k;
    }
    if (!ordinal && ends(c, k, "s") && !ends(c, k, "ss") &&
        !a_is(c, k, "news"))
      return k;
  }
  return ordinal ? last : first;
}

typedef tx_amounts aw;

static bool push(const dl_allocator *al, aw *w, const am *c, size_t s,
                 size_t e, double v, const char *unit, size_t obj)
{
  dl__amount x;
  if (w->n >= DL__MAX_AMOUNTS) {
    w->truncated = true;
    return true;
  }
  memset(&x, 0, sizeof x);
  x.start = c->t[s].start;
  x.end = c->t[e - 1].end;
  x.value = v;
  x.unit = unit;
  x.object = NULL;
  if (obj != SIZE_MAX) {
    size_t off = w->objs.len, len = c->t[obj].end - c->t[obj].start;
    if (!dl__buf_append(&w->objs, c->d->view + c->t[obj].start, len) ||
        !dl__buf_append(&w->objs, "", 1))
      return false;
    x.object = (const char *)(uintptr_t)(off + 1);
  }
  if (!DL__PUSH(al, w->out, w->n, w->cap)) return false;
  w->out[w->n++] = x;
  return true;
}

/* One line. tx is the first timex that may overlap it. */
static bool scan(const dl_allocator *al, aw *w, const am *c,
                 const dl__timex *txs, size_t ntx, size_t *tx)
{
  const dl_doc *d = c->d;
  for (size_t i = 0; i < c->n; i++) {
    const tx_tok *t = &c->t[i];
    const char *unit = NULL, *cur = NULL;
    size_t s = i, j, obj = SIZE_MAX;
    double v = 0, mul = 1;
    bool ordinal = false, age = false;
    while (*tx < ntx && txs[*tx].end <= t->start) (*tx)++;
    if (*tx < ntx && txs[*tx].start <= t->start) continue;
    /* Dispatch: digits, a currency sign, or a number word. */
    if (t->kind == TX_PUNCT) {
      cur = currency_sym(c, i);
      if (!cur || i + 1 >= c->n || c->t[i + 1].kind != TX_NUM) continue;
      if (cur && i > 0 && a_tight(c, i) && c->t[i - 1].kind == TX_WORD &&
          c->t[i - 1].end - c->t[i - 1].start <= 2)
        s = i - 1;
      i++;
      t = &c->t[i];
    } else if (t->kind == TX_WORD) {
      int ov = dl__tx_cat(t, TXC_ORDW);
      if (ov > 0) {
        j = i + 1;
        obj = object_at(c, j, true);
        if (!push(al, w, c, i, j, ov, "ordinal", obj)) return false;
        continue;
      }
      if (!t->lex) continue;
      if (dl__tx_cat(t, TXC_CURRENCY) >= 0 && t->end - t->start == 3 &&
          i + 1 < c->n && c->t[i + 1].kind == TX_NUM) {
        /* "USD 5 million" */
        int ci = dl__tx_cat(t, TXC_CURRENCY);
        cur = ci >= 0 ? dl__tx_currency[ci] : NULL;
        i++;
        t = &c->t[i];
      } else if (dl__tx_cat(t, TXC_NUMW) <= 0 &&
                 !(dl__tx_cat(t, TXC_SCALE) >= 0 && a_is(c, i + 1, "of"))) {
        continue;
      }
    }
    /* The number itself must not be part of a date ("$ 2016-12-22"). */
    if (s != i || cur) {
      while (*tx < ntx && txs[*tx].end <= t->start) (*tx)++;
      if (*tx < ntx && txs[*tx].start < t->end) continue;
    }
    /* The number. */
    if (t->kind == TX_NUM) {
      char sx[8];
      size_t n = t->end - TX_SFX(t);
      if (t->ndig > 18) continue;
      if (i > 0 && a_tight(c, i) && c->t[i - 1].kind == TX_WORD && !cur)
        continue; /* G20, F-16 are names */
      if (i > 1 && a_tight(c, i) && a_ch(c, i - 1) == '-' &&
          a_tight(c, i - 1) && c->t[i - 2].kind == TX_WORD)
        continue; /* F-16 */
      if (i + 2 < c->n && a_tight(c, i + 1) && a_tight(c, i + 2) &&
          c->t[i + 2].kind == TX_NUM &&
          (a_ch(c, i + 1) == '/' ||
           (a_ch(c, i + 1) == '-' && t->ndig >= 3 &&
            c->t[i + 2].ndig >= 4))) {
        i += 2; /* 3/4, 31/31/2016, 555-1234: not counts */
        continue;
      }
      if (a_ch(c, i + 1) == ':' && a_tight(c, i + 1)) {
        i++;
        continue; /* a time or a score */
      }
      if (n && n < sizeof sx) {
        for (size_t k = 0; k < n; k++) {
          char x = d->view[TX_SFX(t) + k];
          sx[k] = (char)((x >= 'A' && x <= 'Z') ? x + 32 : x);
        }
        sx[n] = 0;
        if (!strcmp(sx, "st") || !strcmp(sx, "nd") || !strcmp(sx, "rd") ||
            !strcmp(sx, "th"))
          ordinal = true;
      }
      v = dl__tx_num(d, t);
      if (!ordinal) {
        mul = suffix_scale(c, i, cur != NULL, &unit);
        if (mul == 0) continue;
      }
      j = i + 1;
    } else if (dl__tx_cat(t, TXC_SCALE) >= 0) {
      /* "thousands of people" */
      v = 1;
      mul = 1;
      j = i;
    } else {
      j = dl__tx_cardinal(d, c->lx, i, &v);
      if (j == i) continue;
      /* "a", "one" alone are rarely amounts: need a scale or a unit */
      if (j == i + 1 && (a_is(c, i, "a") || a_is(c, i, "an") ||
                         a_is(c, i, "one")) &&
          a_cat(c, j, TXC_SCALE) < 0 && a_cat(c, j, TXC_CURRENCY) < 0)
        continue;
    }
    if (ordinal) {
      obj = object_at(c, j, true);
      if (!push(al, w, c, s, j, v, "ordinal", obj)) return false;
      i = j - 1;
      continue;
    }
    /* Scale words: "5 billion", "3.5 million", "hundreds of thousands" */
    while (j < c->n) {
      int sc = a_cat(c, j, TXC_SCALE);
      if (sc < 0) break;
      for (int k = 0; k < sc; k++) mul *= 10;
      j++;
    }
    v *= mul;
    /* Percent. */
    if (a_ch(c, j) == '%') {
      unit = "%";
      j++;
    } else if (a_is(c, j, "percent") || a_is(c, j, "pct")) {
      unit = "%";
      j++;
      if (a_is(c, j, "points")) j++;
    } else if (a_is(c, j, "per") && a_is(c, j + 1, "cent")) {
      unit = "%";
      j += 2;
    } else if (a_is(c, j, "percentage") && a_is(c, j + 1, "points")) {
      unit = "percentage points";
      j += 2;
    } else if (a_cat(c, j, TXC_CURRENCY) >= 0 && !cur &&
               (!(a_is(c, j, "p") || a_is(c, j, "won") ||
                  a_is(c, j, "real")) ||
                (a_is(c, j, "p") && a_tight(c, j)))) {
      int ci = a_cat(c, j, TXC_CURRENCY);
      cur = ci >= 0 ? dl__tx_currency[ci] : NULL;
      if (a_is(c, j, "cents") || a_is(c, j, "cent") || a_is(c, j, "cts") ||
          a_is(c, j, "pence") || a_is(c, j, "p"))
        v /= 100;
      j++;
    } else if (a_ch(c, j) == '-' && a_tight(c, j) && a_is(c, j + 1, "year") &&
               a_ch(c, j + 2) == '-' && a_is(c, j + 3, "old")) {
      age = true;
      j += 4;
    } else if (a_is(c, j, "years") && a_is(c, j + 1, "old")) {
      age = true;
      j += 2;
    }
    if (cur) unit = cur;
    /* "Altintas, 22," / "(22)" after a name / "aged 22" */
    if (!unit && !age && t->kind == TX_NUM && t->plain && v >= 1 &&
        v <= 120 && j == i + 1) {
      if (s > 0 && a_is(c, s - 1, "aged")) age = true;
      if (s > 1 && a_ch(c, s - 1) == ',' && c->t[s - 2].kind == TX_WORD &&
          c->t[s - 2].cap && (a_ch(c, j) == ',' || a_ch(c, j) == '.' ||
                              j >= c->n))
        age = true;
    }
    if (age) {
      if (!push(al, w, c, s, j, v, "years", SIZE_MAX)) return false;
      /* The object "age" is static: a sentinel until the arena copy. */
      w->out[w->n - 1].object = (const char *)(uintptr_t)SIZE_MAX;
      i = j - 1;
      continue;
    }
    if (!unit || unit[0] != '%') obj = object_at(c, j, false);
    if (unit && !cur && unit[0] != '%' && unit[0] != 'p') obj = SIZE_MAX;
    /* "IE 7", "Internet Explorer 7", "Apollo 11": a number right after
    ** a name, counting nothing, is part of the name. */
    if (!unit && obj == SIZE_MAX && t->kind == TX_NUM && t->plain &&
        j == i + 1 && s == i && i > 0 && c->t[i - 1].kind == TX_WORD &&
        c->t[i - 1].cap && !a_is(c, i - 1, "aged"))
      continue;
    /* "half a million": half of it */
    if (s == i && i > 0 && a_is(c, i - 1, "half") &&
        (a_is(c, i, "a") || a_is(c, i, "an")) && j > i + 1) {
      s = i - 1;
      v *= 0.5;
    }
    if (!push(al, w, c, s, j, v, unit, obj)) return false;
    i = j - 1;
  }
  return true;
}

bool dl__amount_line(const dl_allocator *al, tx_amounts *w, const dl_doc *d,
                     const tx_lexer *lx, const dl__timex *tx, size_t ntx,
                     size_t *txi)
{
  am c;
  c.d = d;
  c.lx = lx;
  c.t = lx->t;
  c.n = lx->n;
  return scan(al, w, &c, tx, ntx, txi);
}

void dl__amount_acc_free(const dl_allocator *al, tx_amounts *w)
{
  dl__free(al, w->out);
  w->out = NULL;
  w->n = w->cap = 0;
  dl__buf_free(&w->objs);
}

bool dl__amount_finish(tx_amounts *w, dl_doc *d)
{
  char *objs = NULL;
  if (w->truncated) dl__doc_note(d, "amounts truncated at 100000");
  if (!w->n) return true;
  d->amounts = dl__arena_alloc(&d->arena, w->n * sizeof *d->amounts);
  if (w->objs.len) objs = dl__arena_dup(&d->arena, w->objs.p, w->objs.len);
  if (!d->amounts || (w->objs.len && !objs)) return false;
  for (size_t k = 0; k < w->n; k++) {
    dl__amount x = w->out[k];
    uintptr_t o = (uintptr_t)x.object;
    if (o == (uintptr_t)SIZE_MAX)
      x.object = "age";
    else if (o)
      x.object = objs + (o - 1);
    d->amounts[k] = x;
  }
  d->n_amounts = w->n;
  return true;
}

/* The amounts are found in the timex stage's pass over the lines (one
** lexing for both, and the dates to skip are at hand there): when
** DL_FIELD_AMOUNTS is asked, dl__timex_run calls dl__amount_line on
** every line. This stage, which always runs after it, has nothing left
** to do; its table entry maps the field to the stages it needs. */
dl_status dl__amount_run(dl_annotator *a, dl_doc *d, dl_error *err)
{
  (void)a;
  (void)d;
  (void)err;
  return DL_OK;
}

void dl__amount_json(const dl_doc *d, dl__jw *w, unsigned f)
{
  dl__jw_key(w, "amounts");
  dl__jw_arr_begin(w);
  for (size_t i = 0; i < d->n_amounts; i++) {
    const dl__amount *x = &d->amounts[i];
    dl__jw_obj_begin(w);
    dl__jw_key(w, "span");
    dl__jw_span(d, w, f, x->start, x->end);
    dl__jw_key(w, "text");
    dl__jw_str(w, d->text + x->start, x->end - x->start);
    dl__jw_key(w, "value");
    if (x->value > -1e15 && x->value < 1e15 &&
        x->value == (double)(long long)x->value)
      dl__jw_int(w, (long long)x->value); /* no printf of a double */
    else
      dl__jw_double(w, x->value, 6);
    if (x->unit) {
      dl__jw_key(w, "unit");
      dl__jw_cstr(w, x->unit);
    }
    if (x->object) {
      dl__jw_key(w, "object");
      dl__jw_cstr(w, x->object);
    }
    dl__jw_obj_end(w);
  }
  dl__jw_arr_end(w);
}
