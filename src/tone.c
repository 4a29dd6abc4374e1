/*
** tone.c -- the tone stage: GDELT V2Tone's seven components for the
** document and a VADER-style compound score for every sentence.
**
** Word valences come from the VADER lexicon (tone_lexicon.c, generated
** from npm vader-sentiment). Per sentence the stage follows VADER's rules
** (Hutto & Gilbert 2014) on the sentence's words, as the words layer gives
** them (the tokenizer's "n't" negates the word before it, as VADER's
** "don't" does):
**   - boosters and dampeners ("very", "barely") up to three words before a
**     sentiment word add +-0.293 (x0.95, x0.9 with distance);
**   - a negation up to three words before flips and damps it (x -0.74);
**     "never so/this" intensifies instead; "least" (not "at least") negates;
**   - the first "but" halves what comes before it and weights what follows
**     by 1.5;
**   - "!" and repeated "?" add emphasis; the sum s is normalized to
**     s / sqrt(s^2 + 15) in [-1, 1].
** The document's components are GDELT's, in percent of the word count:
**   positive / negative: the share of words with a positive / negative
**     valence after negation, each weighted by |final| / |lexicon| valence
**     (so a boosted word counts a little more, a word before "but" half,
**     a negated one 0.74 on the other side);
**   tone = positive - negative; polarity = positive + negative;
**   activity: words whose stem is an activity word (tools/gen/
**     tone_activity.txt); self_group: first and second person pronouns;
**   words: word tokens (a clitic "'s" is not a word).
** Linear in the tokens; no per-sentence limit is needed.
*/
#include "tone.h"

#include <math.h>
#include <string.h>

#define N_SCALAR (-0.74)

/* A form's kind for the token loop (bit 3 and 4 are counted by shifts;
** bits 3 to 6 are the form's own flag bits, copied with one mask). */
enum { K_NONE = 1, K_POSS = 2, K_NT = 4, K_SELF = 8, K_ACTIVE = 16,
       K_BUT = 32, K_LEX = 64, K_SHORT = 128 };
_Static_assert((unsigned)K_SELF == (unsigned)DL__W_SELF &&
                   (unsigned)K_ACTIVE == (unsigned)DL__W_ACTIVE &&
                   (unsigned)K_BUT == (unsigned)DL__W_BUT &&
                   (unsigned)K_LEX == (unsigned)DL__W_LEX,
               "tone's kinds copy the form's flag bits");

struct item {
  uint32_t form;
  bool neg; /* carries a following "n't" */
};

static bool is_form(const struct dl__form *f, uint32_t special)
{
  return f->special == special;
}

/* VADER's never_check for the word `k+1` places before item i. */
static double never_check(const struct dl__form *F, const struct item *it,
                          size_t i, int k, double v)
{
  const struct dl__form *p1 = &F[it[i - 1].form];
  bool neg1 = (p1->flags & DL__W_NEG) || it[i - 1].neg;
  if (k == 0) {
    if (neg1) v *= N_SCALAR;
  } else if (k == 1) {
    const struct dl__form *p2 = &F[it[i - 2].form];
    if (is_form(p2, DL__SP_NEVER) && (is_form(p1, DL__SP_SO) || is_form(p1, DL__SP_THIS)))
      v *= 1.5;
    else if ((p2->flags & DL__W_NEG) || it[i - 2].neg)
      v *= N_SCALAR;
  } else {
    const struct dl__form *p2 = &F[it[i - 2].form];
    const struct dl__form *p3 = &F[it[i - 3].form];
    if ((is_form(p3, DL__SP_NEVER) &&
         (is_form(p2, DL__SP_SO) || is_form(p2, DL__SP_THIS))) ||
        is_form(p1, DL__SP_SO) || is_form(p1, DL__SP_THIS))
      v *= 1.25;
    else if ((p3->flags & DL__W_NEG) || it[i - 3].neg)
      v *= N_SCALAR;
  }
  return v;
}

/* Scores the n items of one sentence; adds the document's weighted
** positive and negative word counts. */
static double score_items(const struct dl__form *F, const struct item *it,
                          size_t n, bool has_but, const char *s, size_t slen,
                          double *pos_w, double *neg_w)
{
  double sum = 0;
  size_t but = SIZE_MAX;
  int ep = 0, qm = 0;
  for (size_t i = 0; has_but && i < n; i++)
    if (F[it[i].form].flags & DL__W_BUT) {
      but = i;
      break;
    }
  for (size_t i = 0; i < n; i++) {
    const struct dl__form *f = &F[it[i].form];
    double base = f->valence, v = base;
    if (base == 0 || (f->flags & DL__W_BOOST)) continue;
    if (is_form(f, DL__SP_KIND) && i + 1 < n && is_form(&F[it[i + 1].form], DL__SP_OF))
      continue;
    for (int k = 0; k < 3; k++) {
      const struct dl__form *p;
      if (i <= (size_t)k) break;
      p = &F[it[i - (size_t)k - 1].form];
      if (p->flags & DL__W_LEX) continue;
      if (p->boost != 0) {
        double sc = v < 0 ? -p->boost : p->boost;
        if (k == 1) sc *= 0.95;
        if (k == 2) sc *= 0.9;
        v += sc;
      }
      v = never_check(F, it, i, k, v);
    }
    if (i > 0 && is_form(&F[it[i - 1].form], DL__SP_LEAST)) {
      if (i == 1 || (!is_form(&F[it[i - 2].form], DL__SP_AT) &&
                     !is_form(&F[it[i - 2].form], DL__SP_VERY)))
        v *= N_SCALAR;
    }
    if (but != SIZE_MAX) {
      if (i < but) v *= 0.5;
      else if (i > but) v *= 1.5;
    }
    sum += v;
    {
      double w = fabs(v) / fabs(base);
      if (w > 2) w = 2;
      if (v > 0) *pos_w += w;
      else if (v < 0) *neg_w += w;
    }
  }
  if (sum != 0) {
    /* Only a sentence with a score reads its punctuation: memchr jumps
    ** from mark to mark and stops at four (all the rule counts). */
    const char *q, *e = s + slen;
    double amp;
    for (q = s; ep < 4 && (q = memchr(q, '!', (size_t)(e - q))) != NULL; q++)
      ep++;
    for (q = s; qm < 4 && (q = memchr(q, '?', (size_t)(e - q))) != NULL; q++)
      qm++;
    amp = (ep > 4 ? 4 : ep) * 0.292;
    if (qm > 1) amp += qm <= 3 ? qm * 0.18 : 0.96;
    sum += sum > 0 ? amp : -amp;
  }
  {
    double c = sum / sqrt(sum * sum + 15.0);
    return c < -1 ? -1 : c > 1 ? 1 : c;
  }
}

dl_status dl__tone_run(dl_annotator *a, dl_doc *d, dl_error *err)
{
  struct dl__told *T = d->told;
  struct dl__told_ws *ws = a->told_ws;
  struct dl__tone *tn;
  const struct dl__form *F;
  double pos_w = 0, neg_w = 0;
  size_t words = 0, active = 0, self = 0;
  struct item *it;
  size_t nf;
  uint8_t *fk;
  if (!T || !T->words_ran || !ws) return DL_OK;
  F = T->words.forms;
  nf = T->words.n_forms;
  tn = &T->tone;
  tn->sent = dl__arena_alloc(&d->arena, (d->n_sentences ? d->n_sentences : 1) *
                                            sizeof *tn->sent);
  if (!tn->sent) return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
  {
    /* Each form's kind for the token loop, once per form, at fk[id + 1];
    ** fk[0] is "no form" (tform's UINT32_MAX + 1 wraps to 0, as in
    ** summary.c). */
    dl__buf *b = &ws->tmp[1];
    b->len = 0;
    if (!dl__buf_reserve(b, nf + 1))
      return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
    fk = (uint8_t *)b->p;
    /* special's kind bits by table (special is a uint8_t). */
    static const uint8_t sp_kind[256] = {[DL__SP_POSS] = K_POSS,
                                         [DL__SP_NT] = K_NT};
    for (size_t f = 0; f < nf; f++) {
      const struct dl__form *x = &F[f];
      fk[f + 1] = (uint8_t)(sp_kind[x->special] |
                            (x->flags & (K_SELF | K_ACTIVE | K_BUT | K_LEX)) |
                            (x->len < 2 ? K_SHORT : 0));
    }
    fk[0] = K_NONE;
  }
  for (size_t si = 0; si < d->n_sentences; si++) {
    const dl__sentence *s = &d->sentences[si];
    size_t n = 0, need = s->tok_end - s->tok_start;
    unsigned any = 0; /* the kinds of the sentence's tokens, or'ed */
    dl__buf *b = &ws->tmp[0];
    b->len = 0;
    if (!dl__buf_reserve(b, (need ? need : 1) * sizeof *it))
      return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
    it = (struct item *)(void *)b->p;
    /* Counts and items without a branch on the kind of each token (which
    ** a branch would mispredict): a word (not a clitic 's) counts; n't
    ** negates the item before it; VADER drops one-letter words. */
    for (size_t ti = s->tok_start; ti < s->tok_end; ti++) {
      uint32_t fid = d->told->words.tform[ti];
      unsigned k = fk[(uint32_t)(fid + 1u)], w = !(k & (K_NONE | K_POSS));
      any |= k;
      words += w;
      active += w & (k >> 4);
      self += w & (k >> 3);
      if ((k & K_NT) && w && n > 0) {
        it[n - 1].neg = true;
        continue;
      }
      /* n < need: n grows at most once a token. */
      it[n].form = fid;
      it[n].neg = false;
      n += w & !(k & K_SHORT);
    }
    /* A sentence without a lexicon word has no item with a valence
    ** (a valence is 0 when not in the lexicon): score_items would give
    ** +0 and add nothing. Without a "but" it need not look for one. */
    if (!(any & K_LEX))
      tn->sent[si] = 0.0f;
    else
      tn->sent[si] = (float)score_items(F, it, n, (any & K_BUT) != 0,
                                        d->view + s->start, s->end - s->start,
                                        &pos_w, &neg_w);
  }
  tn->words = words;
  if (words) {
    tn->positive = 100.0 * pos_w / (double)words;
    tn->negative = 100.0 * neg_w / (double)words;
    tn->activity = 100.0 * (double)active / (double)words;
    tn->self_group = 100.0 * (double)self / (double)words;
  }
  tn->tone = tn->positive - tn->negative;
  tn->polarity = tn->positive + tn->negative;
  T->tone_ran = true;
  return DL_OK;
}

/* The fast path's room: 6 numbers of up to 24 bytes and the keys, and
** 24 bytes a sentence (a score is "-0.123,": scores are in -1..1, and a
** larger one that slipped through would still fit). Past TONE_FAST_SENTS
** sentences the key-by-key writer is used (the room asked would be
** three times the bytes written). */
enum { TONE_FAST_SENTS = 1 << 16, TONE_FAST_HEAD = 400, TONE_FAST_SENT = 24 };

void dl__tone_json(const dl_doc *d, dl__jw *w, unsigned flags)
{
  const struct dl__tone *tn;
  (void)flags;
  dl__jw_key(w, "tone");
  if (!d->told || !d->told->tone_ran) {
    dl__jw_null(w);
    return;
  }
  tn = &d->told->tone;
  if (!w->pretty && d->n_sentences <= TONE_FAST_SENTS) {
    /* The whole object written straight into the writer's buffer
    ** (tone_json.c), the sentence scores in one run; when a number has
    ** not the writer's fast form the value is taken back and written
    ** key by key below. */
#define TONE_KEY(s) {s, sizeof s - 1}
    static const struct { const char *s; size_t n; } keys[] = {
        TONE_KEY("{\"tone\":"), TONE_KEY(",\"positive\":"),
        TONE_KEY(",\"negative\":"), TONE_KEY(",\"polarity\":"),
        TONE_KEY(",\"activity\":"), TONE_KEY(",\"self_group\":")};
#undef TONE_KEY
    const double v[] = {tn->tone, tn->positive,
                        tn->negative, tn->polarity, tn->activity,
                        tn->self_group};
    dl__told_json_mark m = dl__told_json_mark_of(w);
    char *p = dl__told_json_begin(
        w, TONE_FAST_HEAD + TONE_FAST_SENT * (size_t)d->n_sentences);
    if (!p) return; /* out of memory: the writer has oom set */
    for (size_t k = 0; p && k < DL__COUNTOF(keys); k++) {
      memcpy(p, keys[k].s, keys[k].n);
      p = dl__told_json_num3(p + keys[k].n, v[k]);
    }
    if (p) {
      memcpy(p, ",\"words\":", 9);
      p = dl__json_uint(p + 9, tn->words);
      memcpy(p, ",\"sentences\":[", 14);
      p += 14;
      for (size_t i = 0; p && i < d->n_sentences; i++) {
        if (i) *p++ = ',';
        p = dl__told_json_float3(p, tn->sent[i]);
      }
    }
    if (p) {
      *p++ = ']';
      *p++ = '}';
      dl__told_json_end(w, p);
      return;
    }
    dl__told_json_undo(w, m);
  }
  dl__jw_obj_begin(w);
  dl__jw_key(w, "tone");
  dl__jw_double(w, tn->tone, 3);
  dl__jw_key(w, "positive");
  dl__jw_double(w, tn->positive, 3);
  dl__jw_key(w, "negative");
  dl__jw_double(w, tn->negative, 3);
  dl__jw_key(w, "polarity");
  dl__jw_double(w, tn->polarity, 3);
  dl__jw_key(w, "activity");
  dl__jw_double(w, tn->activity, 3);
  dl__jw_key(w, "self_group");
  dl__jw_double(w, tn->self_group, 3);
  dl__jw_key(w, "words");
  dl__jw_uint(w, tn->words);
  dl__jw_key(w, "sentences");
  dl__jw_arr_begin(w);
  for (size_t i = 0; i < d->n_sentences; i++)
    dl__jw_double(w, tn->sent[i], 3);
  dl__jw_arr_end(w);
  dl__jw_obj_end(w);
}
