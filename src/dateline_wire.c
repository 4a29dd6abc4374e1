/*
** dateline_wire.c -- the wire dateline that opens many news stories, and
** the document date it gives:
**
**   BRUSSELS, Aug 22 (Reuters) - ...        place, date, agency
**   MOSCOW (AP) -- ...                      place, agency (no date)
**   SALVADOR, Feb 26 - ...                  Reuters-21578: no year
**   PORTLAND, Ore., Feb 26 - ...            place with a state
**   WASHINGTON — ...                        place only
**
** The place is an upper-case run of words (or a capitalized one directly
** followed by an agency in parentheses), the date a month and day with an
** optional year, and the line must go on with a dash or a colon. Only the
** first lines of the text (after clean spans) are tried.
**
** Precedence of the document date: input `date` > HTML metadata > the
** leading "date YYYY-MM-DD" line (clean.c) > this dateline > --date. So the
** stage sets d->date only when no earlier source did, and only with a full
** date: a dateline without a year takes it from the crawl date (--date:
** the latest such day not after it); without one, no date. A dateline
** date after the crawl date (or after today when there is none) is not
** the article's date. Copyright lines never count.
**
** The dateline's place goes into the record (an extension of SPEC.md):
** "dateline": {"place": "BRUSSELS", "span": {...}, "agency": "Reuters"}.
*/
#include "timex.h"

#include <time.h>

static const char *const agencies[] = {
    "Reuters", "AP",    "AFP",      "UPI",      "Bloomberg", "dpa",
    "DPA",     "Xinhua", "IANS",    "PTI",      "ANI",       "TASS",
    "Interfax", "Sputnik", "CNN",   "BBC",      "Anadolu",   "EFE",
    "ANSA",    "Kyodo", "Yonhap",   "RIA",      "CNA",       "AAP",
    "Bernama", "WAFA",  "KUNA",     "SPA",      "IRNA",      "CP"};

typedef struct dw {
  const dl_doc *d;
  const tx_tok *t;
  size_t n;
} dw;

static int w_ch(const dw *c, size_t i)
{
  return i < c->n ? dl__tx_ch(c->d, &c->t[i]) : 0;
}

static bool allcaps(const dw *c, size_t i)
{
  const tx_tok *t;
  size_t letters = 0;
  if (i >= c->n || c->t[i].kind != TX_WORD) return false;
  t = &c->t[i];
  for (uint32_t k = t->start; k < t->end; k++) {
    unsigned char x = (unsigned char)c->d->view[k];
    if (x >= 'a' && x <= 'z') return false;
    if (x >= 'A' && x <= 'Z') letters++;
  }
  return letters >= 1;
}

/* A dash (-, --, en or em dash) or a colon at i: returns the index after
** it, or 0. */
static size_t dash(const dw *c, size_t i)
{
  const tx_tok *t;
  if (i >= c->n) return 0;
  t = &c->t[i];
  if (t->kind != TX_PUNCT) return 0;
  if (w_ch(c, i) == '-') return w_ch(c, i + 1) == '-' ? i + 2 : i + 1;
  if (w_ch(c, i) == ':') return i + 1;
  if (t->end - t->start == 3 &&
      (memcmp(c->d->view + t->start, "\xE2\x80\x94", 3) == 0 ||
       memcmp(c->d->view + t->start, "\xE2\x80\x93", 3) == 0))
    return i + 1;
  return 0;
}

/* "(Reuters)": returns the index after ")" or 0; *agency the static
** name when known. */
static size_t agency(const dw *c, size_t i, const char **ag)
{
  size_t k = i + 1;
  *ag = NULL;
  if (w_ch(c, i) != '(') return 0;
  while (k < c->n && k < i + 6 && w_ch(c, k) != ')') {
    if (c->t[k].kind == TX_WORD && !c->t[k].cap) return 0;
    k++;
  }
  if (w_ch(c, k) != ')' || k == i + 1) return 0;
  if (k == i + 2) {
    for (size_t a = 0; a < DL__COUNTOF(agencies); a++) {
      size_t n = strlen(agencies[a]);
      if (c->t[i + 1].end - c->t[i + 1].start == n &&
          memcmp(c->d->view + c->t[i + 1].start, agencies[a], n) == 0)
        *ag = agencies[a];
    }
  }
  return k + 1;
}

/* The date of a dateline at i: MONTH[.] DAY [, YEAR] or DAY MONTH
** [YEAR]. Returns the index after it or 0. */
static size_t wire_date(const dw *c, size_t i, int *y, int *m, int *d)
{
  size_t j = i;
  int mv;
  *y = 0;
  if (i >= c->n) return 0;
  mv = dl__tx_cat(&c->t[i], TXC_MONTH);
  if (c->t[i].kind == TX_NUM && c->t[i].ndig <= 2 && i + 1 < c->n &&
      (mv = dl__tx_cat(&c->t[i + 1], TXC_MONTH)) > 0) {
    *d = (int)dl__tx_num(c->d, &c->t[i]);
    *m = mv % 100;
    j = i + 2;
    if (w_ch(c, j) == '.') j++;
  } else if (mv > 0 && c->t[i].kind == TX_WORD) {
    *m = mv % 100;
    j = i + 1;
    if (w_ch(c, j) == '.') j++;
    if (j >= c->n || c->t[j].kind != TX_NUM || !c->t[j].plain ||
        c->t[j].ndig > 2)
      return 0;
    *d = (int)dl__tx_num(c->d, &c->t[j]);
    j++;
  } else {
    return 0;
  }
  if (w_ch(c, j) == ',' && j + 1 < c->n && c->t[j + 1].kind == TX_NUM &&
      c->t[j + 1].plain && c->t[j + 1].ndig == 4) {
    *y = (int)dl__tx_num(c->d, &c->t[j + 1]);
    j += 2;
  } else if (j < c->n && c->t[j].kind == TX_NUM && c->t[j].plain &&
             c->t[j].ndig == 4) {
    *y = (int)dl__tx_num(c->d, &c->t[j]);
    j++;
  }
  return j;
}

static bool copyright_line(const dl_doc *d, size_t from, size_t to)
{
  const char *v = d->view + from;
  size_t n = to - from;
  for (size_t i = 0; i + 3 <= n; i++) {
    if ((v[i] == '(' && (v[i + 1] | 32) == 'c' && v[i + 2] == ')') ||
        ((unsigned char)v[i] == 0xC2 && (unsigned char)v[i + 1] == 0xA9))
      return true;
    if (i + 9 <= n && (v[i] | 32) == 'c' && strncmp(v + i + 1, "opyright", 8) == 0)
      return true;
  }
  return false;
}

/* Tries the dateline pattern at the start of one lexed line. */
static bool try_line(dl_doc *d, const dw *c)
{
  size_t i = 0, j, k, place_end;
  int y = 0, m = 0, dd = 0;
  const char *ag = NULL;
  bool caps = allcaps(c, 0), have_date = false;
  size_t dstart = 0, dend = 0;
  if (!c->n || c->t[0].kind != TX_WORD || !c->t[0].cap) return false;
  /* The place: up to five words (upper case, or capitalized when an
  ** agency follows), with inner dots, hyphens and apostrophes. */
  while (i < c->n && i < 8) {
    if (c->t[i].kind == TX_WORD && c->t[i].cap &&
        (!caps || allcaps(c, i))) {
      i++;
      continue;
    }
    if ((w_ch(c, i) == '.' || w_ch(c, i) == '-' || w_ch(c, i) == '\'') &&
        i > 0 && !c->t[i].space) {
      i++;
      continue;
    }
    break;
  }
  if (!i) return false;
  place_end = i;
  while (place_end > 0 && c->t[place_end - 1].kind == TX_PUNCT &&
         w_ch(c, place_end - 1) != '.')
    place_end--;
  if (!place_end) return false;
  j = place_end;
  if (caps && c->t[0].end - c->t[0].start < 2 && place_end == 1)
    return false;
  /* ", Ore.,", ", N.Y.,", ", British Columbia," : a state or country
  ** after the city (capitalized words and dots, not a month). */
  if (w_ch(c, j) == ',' && j + 1 < c->n && c->t[j + 1].kind == TX_WORD &&
      c->t[j + 1].cap && dl__tx_cat(&c->t[j + 1], TXC_MONTH) < 0) {
    k = j + 1;
    while (k < c->n && k < j + 8 &&
           ((c->t[k].kind == TX_WORD && c->t[k].cap &&
             dl__tx_cat(&c->t[k], TXC_MONTH) < 0) ||
            (w_ch(c, k) == '.' && !c->t[k].space)))
      k++;
    if (w_ch(c, k) == ',' || agency(c, k, &ag) || dash(c, k) ||
        (k < c->n && dl__tx_cat(&c->t[k], TXC_MONTH) > 0))
      j = k;
  }
  if (w_ch(c, j) == ',' ||
      (j < c->n && dl__tx_cat(&c->t[j], TXC_MONTH) > 0 && j > place_end)) {
    size_t at = w_ch(c, j) == ',' ? j + 1 : j;
    k = wire_date(c, at, &y, &m, &dd);
    if (!k) return false;
    have_date = true;
    dstart = c->t[at].start;
    dend = c->t[k - 1].end;
    j = k;
  }
  k = agency(c, j, &ag);
  if (k) j = k;
  if (!dash(c, j)) return false;
  /* A capitalized place ("Toronto, Feb 26 -") needs a date or an agency
  ** after it; an upper-case one ("WASHINGTON -") stands alone. */
  if (!caps && !k && !have_date) return false;
  if (caps && place_end == 1 && !have_date && !k &&
      c->t[0].end - c->t[0].start < 3)
    return false;

  d->dl_place_start = c->t[0].start;
  d->dl_place_end = c->t[place_end - 1].end;
  d->dl_agency = ag;
  if (!have_date || d->date.source != DL__DATE_NONE) return true;

  /* The year: from the crawl date (the latest such day not after it). A
  ** year guessed from the text would be wrong as often as right (on
  ** Reuters-21578 the most frequent year of the story is the year of the
  ** dateline in 46 stories out of 247): without one, no date. */
  if (!y && d->crawl.source != DL__DATE_NONE) {
    y = d->crawl.year;
    if (m * 100 + dd > d->crawl.month * 100 + d->crawl.day) y--;
  }
  if (!y || !dl__date_valid(y, m, dd)) return true;
  {
    /* Not after the crawl (or today). */
    int by, bm, bd;
    if (d->crawl.source != DL__DATE_NONE) {
      by = d->crawl.year;
      bm = d->crawl.month;
      bd = d->crawl.day;
    } else {
      time_t now = time(NULL);
      dl__tx_civil((long)(now / 86400) + 1, &by, &bm, &bd);
    }
    if (dl__tx_days(y, m, dd) > dl__tx_days(by, bm, bd)) return true;
  }
  d->date.year = y;
  d->date.month = m;
  d->date.day = dd;
  d->date.hour = d->date.minute = -1;
  d->date.source = DL__DATE_DATELINE;
  d->date.start = (uint32_t)dstart;
  d->date.end = (uint32_t)dend;
  return true;
}

dl_status dl__dateline_run(dl_annotator *a, dl_doc *d, dl_error *err)
{
  struct tx_ws *w = dl__timex_ws(a);
  tx_lexer *lx;
  size_t pos = 0, lines = 0;
  if (!w) return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
  lx = &w->lx;
  while (pos < d->len && lines < 6 && pos < 4096) {
    size_t end = dl__tx_line_end(d, pos), lend = end;
    dw c;
    /* A dateline is at most a few words: lex the head of the line. */
    if (lend - pos > 160) {
      lend = pos + 160;
      while (lend < end && (d->view[lend] & 0xC0) == 0x80) lend++;
    }
    if (!dl__tx_lex(lx, d, pos, lend))
      return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
    c.d = d;
    c.t = lx->t;
    c.n = lx->n;
    if (!lx->n) {
      pos = end;
      continue;
    }
    lines++;
    if (copyright_line(d, pos, lend)) {
      pos = end;
      continue;
    }
    if (try_line(d, &c)) break;
    pos = end;
  }
  return DL_OK;
}

void dl__dateline_json(const dl_doc *d, dl__jw *w, unsigned f)
{
  if (d->dl_place_end <= d->dl_place_start) return;
  dl__jw_key(w, "dateline");
  dl__jw_obj_begin(w);
  dl__jw_key(w, "place");
  dl__jw_str(w, d->text + d->dl_place_start,
             d->dl_place_end - d->dl_place_start);
  dl__jw_key(w, "span");
  dl__jw_span(d, w, f, d->dl_place_start, d->dl_place_end);
  if (d->dl_agency) {
    dl__jw_key(w, "agency");
    dl__jw_cstr(w, d->dl_agency);
  }
  dl__jw_obj_end(w);
}
