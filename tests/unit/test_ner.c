/*
** test_ner.c -- the NER tagger: label scoring, feature extraction, model
** file errors, and a train -> load -> tag round trip on a tiny corpus.
*/
#include "ner.h"
#include "t.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* ====================================================================
** Scoring
** ==================================================================== */

static void t_score_iob1(void)
{
  /* IOB1 gold, IOB2 prediction: same chunks. */
  const char *g[] = {"I-PER", "I-PER", "O", "I-LOC", "B-LOC", "O"};
  const char *p[] = {"B-PER", "I-PER", "O", "B-LOC", "B-LOC", "O"};
  dl_ner_counts c;
  memset(&c, 0, sizeof c);
  dl_ner_score(g, p, 6, &c);
  T_EQ_INT(c.gold[4], 3);
  T_EQ_INT(c.pred[4], 3);
  T_EQ_INT(c.correct[4], 3);
  T_EQ_INT(c.correct[2], 2);
}

static void t_score_errors(void)
{
  const char *g[] = {"B-ORG", "I-ORG", "O", "B-PER"};
  const char *p[] = {"B-ORG", "O", "O", "B-LOC"};
  dl_ner_counts c;
  memset(&c, 0, sizeof c);
  dl_ner_score(g, p, 4, &c);
  T_EQ_INT(c.gold[4], 2);
  T_EQ_INT(c.pred[4], 2);
  T_EQ_INT(c.correct[4], 0); /* wrong boundary, wrong type */
  T_EQ_INT(c.gold[0], 1);
  T_EQ_INT(c.pred[2], 1);
}

/* ====================================================================
** Features and decoding
** ==================================================================== */

static void toks_of(const char **w, size_t n, dl__ner_tok *t)
{
  for (size_t i = 0; i < n; i++) {
    t[i].p = w[i];
    t[i].len = strlen(w[i]);
  }
}

static void t_features(void)
{
  const char *w[] = {"Putin", "met", "Erdogan", "in", "Ankara", "."};
  const char *caps[] = {"PUTIN", "MET", "ERDOGAN", "IN", "ANKARA", "."};
  dl__ner_tok t[6], tc[6];
  struct dl__ner_ws *ws = dl__ner_ws_new(NULL);
  static const struct dl__ner_lex lx = {0};
  uint32_t row_putin[DL__NER_MAXF];
  unsigned nf0;
  T_OK(ws);
  toks_of(w, 6, t);
  toks_of(caps, 6, tc);
  T_OK(dl__ner_ws_reserve(ws, 6));
  dl__ner_sent_feats(ws, &lx, 18, t, 6);
  for (size_t i = 0; i < 6; i++) {
    T_OK(ws->nf[i] > 20 && ws->nf[i] <= DL__NER_MAXF);
    for (unsigned k = 0; k < ws->nf[i]; k++)
      T_OK(ws->rows[i * DL__NER_MAXF + k] < (1u << 18));
  }
  nf0 = ws->nf[0];
  memcpy(row_putin, ws->rows, nf0 * sizeof *row_putin);
  /* Deterministic. */
  dl__ner_sent_feats(ws, &lx, 18, t, 6);
  T_EQ_INT(ws->nf[0], nf0);
  T_OK(memcmp(row_putin, ws->rows, nf0 * sizeof *row_putin) == 0);
  /* A headline in capitals: the lower form is shared with the mixed-case
  ** token, the exact form is not used. */
  dl__ner_sent_feats(ws, &lx, 18, tc, 6);
  {
    int shared = 0;
    for (unsigned k = 0; k < ws->nf[0]; k++)
      for (unsigned j = 0; j < nf0; j++)
        if (ws->rows[k] == row_putin[j]) shared++;
    T_OK(shared >= 4); /* low, prefixes, suffixes, neighbours */
    T_OK(shared < (int)nf0);
  }
  T_EQ_INT(dl__ner_low_hash("PUTIN", 5), dl__ner_low_hash("putin", 5));
  T_OK(dl__ner_word_hash("PUTIN", 5) != dl__ner_word_hash("Putin", 5));
  T_EQ_INT(dl__ner_low_hash("1996", 4), dl__ner_low_hash("2017", 4));
  dl__ner_ws_destroy(ws);
}

static void t_bad_tokens(void)
{
  /* Huge token, invalid UTF-8, no letters, non-Latin: bounded, no crash. */
  size_t big = 100 * 1024;
  char *b = malloc(big);
  dl__ner_tok t[5];
  struct dl__ner_ws *ws = dl__ner_ws_new(NULL);
  static const struct dl__ner_lex lx = {0};
  T_OK(b && ws);
  memset(b, 'A', big);
  t[0].p = b;
  t[0].len = big;
  t[1].p = "\xff\xfe\xc3";
  t[1].len = 3;
  t[2].p = "!!!";
  t[2].len = 3;
  t[3].p = "\xd0\x9c\xd0\xbe\xd1\x81\xd0\xba\xd0\xb2\xd0\xb0"; /* Москва */
  t[3].len = 12;
  t[4].p = "";
  t[4].len = 0;
  T_OK(dl__ner_ws_reserve(ws, 5));
  dl__ner_sent_feats(ws, &lx, 16, t, 5);
  for (size_t i = 0; i < 5; i++) T_OK(ws->nf[i] > 0);
  dl__ner_ws_destroy(ws);
  free(b);
}

static void t_viterbi_wellformed(void)
{
  /* Emissions that favour an ill-formed I-PER after O: decoding must
  ** still give a well-formed BILOU sequence. */
  float em[3 * DL__NER_NT] = {0}, vit[3 * DL__NER_NT], tr[(DL__NER_NT + 1) *
                                                          DL__NER_NT] = {0};
  uint8_t bp[3 * DL__NER_NT], tags[3];
  em[0 * DL__NER_NT + 0] = 5;     /* O */
  em[1 * DL__NER_NT + 2] = 5;     /* I-PER */
  em[2 * DL__NER_NT + 1] = 5;     /* B-PER at the end */
  float tc[(DL__NER_NT + 1) * DL__NER_NT];
  dl__ner_constrain(tr, tc);
  dl__ner_viterbi(em, 3, tc, vit, bp, tags);
  for (int i = 0; i < 3; i++)
    T_OK(dl__ner_allowed(i ? tags[i - 1] : DL__NER_NT, tags[i]));
  T_OK(dl__ner_tag_pos(tags[2]) != 0 && dl__ner_tag_pos(tags[2]) != 1);
}

/* The decoder against a plain 17 x 17 Viterbi over the same constrained
** transitions, on pseudo-random scores. */
static void t_viterbi_matches_naive(void)
{
  enum { NT = DL__NER_NT, N = 7 };
  uint32_t seed = 12345;
  for (int trial = 0; trial < 200; trial++) {
    float em[N * NT], tr[(NT + 1) * NT], tc[(NT + 1) * NT], vit[N * NT];
    float nv[N * NT];
    uint8_t bp[N * NT], nb[N * NT], tags[N], ntags[N];
    for (int i = 0; i < N * NT; i++) {
      seed = seed * 1103515245u + 12345u;
      em[i] = (float)((seed >> 8) % 2000) / 100.0f - 10.0f;
    }
    for (int i = 0; i < (NT + 1) * NT; i++) {
      seed = seed * 1103515245u + 12345u;
      tr[i] = (float)((seed >> 8) % 2000) / 200.0f - 5.0f;
    }
    dl__ner_constrain(tr, tc);
    dl__ner_viterbi(em, N, tc, vit, bp, tags);
    for (int t = 0; t < NT; t++) nv[t] = em[t] + tc[NT * NT + t];
    for (int i = 1; i < N; i++)
      for (int t = 0; t < NT; t++) {
        float best = -3e30f;
        int arg = 0;
        for (int p = 0; p < NT; p++) {
          float sc = nv[(i - 1) * NT + p] + tc[p * NT + t];
          if (sc > best) {
            best = sc;
            arg = p;
          }
        }
        nv[i * NT + t] = best + em[i * NT + t];
        nb[i * NT + t] = (uint8_t)arg;
      }
    {
      int arg = 0;
      float best = -3e30f;
      for (int t = 0; t < NT; t++) {
        int pos = dl__ner_tag_pos(t);
        if (pos == 0 || pos == 1) continue;
        if (nv[(N - 1) * NT + t] > best) {
          best = nv[(N - 1) * NT + t];
          arg = t;
        }
      }
      for (int i = N; i-- > 0;) {
        ntags[i] = (uint8_t)arg;
        arg = nb[i * NT + arg];
      }
    }
    T_OK(memcmp(tags, ntags, N) == 0);
  }
}

/* The decoder as it was before it was vectorized (scalar, predecessor
** lists), kept as the reference: the vectorized one must give the same
** scores, back pointers and tags, ties included. */
static const uint8_t ref_closed[9] = {0, 3, 4, 7, 8, 11, 12, 15, 16};

static void ref_viterbi(const float *em, size_t n, const float *trans,
                     float *vit, uint8_t *bp, uint8_t *tags)
{
  enum { NT = DL__NER_NT };
  const float *tc = trans; /* tc[p * NT + t], forbidden at -1e30 */
  const float NEG = -1e30f;
  if (!n) return;
  for (int t = 0; t < NT; t++) {
    vit[t] = em[t] + tc[NT * NT + t];
    bp[t] = 0;
  }
  for (size_t i = 1; i < n; i++) {
    const float *pv = vit + (i - 1) * NT;
    float *cv = vit + i * NT;
    const float *e = em + i * NT;
    uint8_t *b = bp + i * NT;
    for (int t = 0; t < NT; t++) {
      int pos = dl__ner_tag_pos(t);
      float best;
      int arg;
      if (pos == 1 || pos == 2) {
        int bt = t - pos, it = bt + 1; /* B-x, I-x of the same type */
        float sb = pv[bt] + tc[bt * NT + t], si = pv[it] + tc[it * NT + t];
        best = sb >= si ? sb : si;
        arg = sb >= si ? bt : it;
      } else {
        best = pv[0] + tc[t];
        arg = 0;
        for (int k = 1; k < 9; k++) {
          int p = ref_closed[k];
          float sc = pv[p] + tc[p * NT + t];
          if (sc > best) {
            best = sc;
            arg = p;
          }
        }
      }
      cv[t] = best + e[t];
      b[t] = (uint8_t)arg;
    }
  }
  {
    const float *lv = vit + (n - 1) * NT;
    int arg = 0;
    float best = NEG * 2;
    for (int t = 0; t < NT; t++) {
      int pos = dl__ner_tag_pos(t);
      if (pos == 0 || pos == 1) continue; /* cannot end inside */
      if (lv[t] > best) {
        best = lv[t];
        arg = t;
      }
    }
    for (size_t i = n; i-- > 0;) {
      tags[i] = (uint8_t)arg;
      arg = bp[i * NT + arg];
    }
  }
}


static void t_viterbi_matches_reference(void)
{
  enum { NT = DL__NER_NT, N = 40 };
  uint32_t seed = 777;
  float tr[(NT + 1) * NT], tc[(NT + 1) * NT];
  for (int trial = 0; trial < 300; trial++) {
    float em[N * NT], vit[N * NT], rv[N * NT];
    uint8_t bp[N * NT], rb[N * NT], tags[N], rtags[N];
    size_t n = 1 + (size_t)trial % N;
    /* Few distinct values, so that ties are common. */
    for (int i = 0; i < (NT + 1) * NT; i++) {
      seed = seed * 1103515245u + 12345u;
      tr[i] = trial % 3 ? (float)((seed >> 8) % 5) - 2.0f
                        : (float)((seed >> 8) % 2000) / 200.0f - 5.0f;
    }
    dl__ner_constrain(tr, tc);
    for (size_t i = 0; i < n * NT; i++) {
      seed = seed * 1103515245u + 12345u;
      em[i] = trial % 3 ? (float)((seed >> 8) % 4)
                        : (float)((seed >> 8) % 2000) / 100.0f - 10.0f;
    }
    dl__ner_viterbi(em, n, tc, vit, bp, tags);
    ref_viterbi(em, n, tc, rv, rb, rtags);
    T_OK(memcmp(tags, rtags, n) == 0);
    T_OK(memcmp(vit, rv, n * NT * sizeof *vit) == 0);
    for (size_t i = 1; i < n; i++)
      for (int t = 0; t < NT; t++)
        if (rv[i * NT + t] > -1e29f) T_EQ_INT(bp[i * NT + t], rb[i * NT + t]);
  }
}

/* ====================================================================
** Model files
** ==================================================================== */

static const char corpus[] =
    "-DOCSTART- -X- O O\n\n"
    "Putin NNP I-NP I-PER\nmet VBD I-VP O\nErdogan NNP I-NP I-PER\n"
    "in IN I-PP O\nAnkara NNP I-NP I-LOC\n. . O O\n\n"
    "The DT I-NP O\nForeign NNP I-NP I-ORG\nMinistry NNP I-NP I-ORG\n"
    "said VBD I-VP O\nRussian JJ I-NP I-MISC\ntroops NNS I-NP O\n"
    "left VBD I-VP O\nSyria NNP I-NP I-LOC\n. . O O\n\n"
    "-DOCSTART- -X- O O\n\n"
    "Lavrov NNP I-NP I-PER\nflew VBD I-VP O\nto TO I-PP O\n"
    "Moscow NNP I-NP I-LOC\n. . O O\n";

static char tmpdir[64];

static bool make_model(void)
{
  char path[128], mpath[128];
  FILE *f;
  dl_ner_train_opts o;
  const char *train[1];
  dl_error err;
  snprintf(tmpdir, sizeof tmpdir, "/tmp/dl-test-ner-XXXXXX");
  if (!mkdtemp(tmpdir)) return false;
  snprintf(path, sizeof path, "%s/train.conll", tmpdir);
  snprintf(mpath, sizeof mpath, "%s/ner.dlm", tmpdir);
  f = fopen(path, "wb");
  if (!f) return false;
  fputs(corpus, f);
  fclose(f);
  memset(&o, 0, sizeof o);
  train[0] = path;
  o.train = train;
  o.n_train = 1;
  o.dev = path;
  o.out = mpath;
  o.epochs = 5;
  o.hash_bits = 12;
  return dl_ner_train(&o, &err) == DL_OK;
}

static unsigned char *slurp(const char *path, size_t *len)
{
  FILE *f = fopen(path, "rb");
  unsigned char *b;
  long n;
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  n = ftell(f);
  fseek(f, 0, SEEK_SET);
  b = malloc((size_t)n);
  if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
    free(b);
    b = NULL;
  }
  fclose(f);
  *len = (size_t)n;
  return b;
}

static void t_roundtrip(void)
{
  dl_model *m = NULL;
  dl_annotator *a = NULL;
  dl_error err;
  const char *w[] = {"Putin", "met", "Erdogan", "in", "Ankara", "."};
  size_t lens[6], ends[1] = {6};
  const char *out[6];
  T_OK(make_model());
  T_EQ_INT(dl_model_load(tmpdir, NULL, &m, &err), DL_OK);
  T_OK(strstr(dl_model_resources(m), "ner") != NULL);
  T_EQ_INT(dl_annotator_create(m, &a, &err), DL_OK);
  for (int i = 0; i < 6; i++) lens[i] = strlen(w[i]);
  T_EQ_INT(dl_ner_tag(a, w, lens, 6, ends, 1, out, &err), DL_OK);
  T_EQ_STR(out[0], "B-PER");
  T_EQ_STR(out[1], "O");
  T_EQ_STR(out[4], "B-LOC");
  /* Bad sentence ends are refused. */
  ends[0] = 5;
  T_EQ_INT(dl_ner_tag(a, w, lens, 6, ends, 1, out, &err), DL_ERR_INVALID);
  {
    /* The stage writes mentions without the possessive. */
    static const char text[] = "Putin's envoy met Erdogan in Ankara.";
    dl_input in;
    dl_doc *d = NULL;
    memset(&in, 0, sizeof in);
    in.text = text;
    in.len = sizeof text - 1;
    T_EQ_INT(dl_annotate(a, &in, DL_FIELD_ENTITIES, &d, &err), DL_OK);
    T_OK(d->n_mentions >= 1);
    for (size_t i = 0; i < d->n_mentions; i++) {
      const dl__mention *x = &d->mentions[i];
      T_OK(x->end <= in.len && x->start < x->end);
      T_OK(memchr(text + x->start, '\'', x->end - x->start) == NULL);
    }
    dl_doc_destroy(d);
  }
  dl_annotator_destroy(a);
  dl_model_destroy(m);
}

static void t_load_errors(void)
{
  char mpath[128];
  unsigned char *img;
  size_t len;
  struct dl__ner *n = NULL;
  dl_error err;
  if (!tmpdir[0]) T_OK(make_model());
  snprintf(mpath, sizeof mpath, "%s/ner.dlm", tmpdir);
  img = slurp(mpath, &len);
  T_OK(img && len > 64);
  T_EQ_INT(dl__ner_load_mem(NULL, img, len, "x.dlm", &n, &err), DL_OK);
  dl__ner_destroy(n);
  /* Truncated anywhere: a format error naming the file. */
  for (size_t cut = 0; cut < len; cut += 1 + cut / 3) {
    T_EQ_INT(dl__ner_load_mem(NULL, img, cut, "x.dlm", &n, &err),
             DL_ERR_FORMAT);
    T_OK(n == NULL);
    T_OK(strstr(err.msg, "x.dlm") != NULL);
  }
  /* A flipped payload byte: checksum. */
  img[len / 2] ^= 0x40;
  T_EQ_INT(dl__ner_load_mem(NULL, img, len, "x.dlm", &n, &err),
           DL_ERR_FORMAT);
  T_OK(strstr(err.msg, "checksum") != NULL);
  img[len / 2] ^= 0x40;
  /* Another format version. */
  {
    unsigned char v = img[8];
    img[8] = 99;
    T_EQ_INT(dl__ner_load_mem(NULL, img, len, "x.dlm", &n, &err),
             DL_ERR_VERSION);
    img[8] = v;
  }
  /* Bad magic. */
  img[0] = 'X';
  T_EQ_INT(dl__ner_load_mem(NULL, img, len, "x.dlm", &n, &err),
           DL_ERR_FORMAT);
  img[0] = 'D';
  /* Through dl_model_load: a corrupt file in the folder is an error that
  ** names it. */
  {
    FILE *f = fopen(mpath, "wb");
    dl_model *m = NULL;
    T_OK(f);
    fwrite(img, 1, len / 2, f);
    fclose(f);
    T_EQ_INT(dl_model_load(tmpdir, NULL, &m, &err), DL_ERR_FORMAT);
    T_OK(m == NULL);
    T_OK(strstr(err.msg, "ner.dlm") != NULL);
    unlink(mpath);
    /* Missing: no error, no ner resource. */
    T_EQ_INT(dl_model_load(tmpdir, NULL, &m, &err), DL_OK);
    T_OK(strstr(dl_model_resources(m), "ner") == NULL);
    dl_model_destroy(m);
  }
  free(img);
  {
    char p[128];
    snprintf(p, sizeof p, "%s/train.conll", tmpdir);
    unlink(p);
    rmdir(tmpdir);
  }
}

static const t_case cases[] = {
    {"score_iob1", t_score_iob1},
    {"score_errors", t_score_errors},
    {"features", t_features},
    {"bad_tokens", t_bad_tokens},
    {"viterbi_wellformed", t_viterbi_wellformed},
    {"viterbi_matches_naive", t_viterbi_matches_naive},
    {"viterbi_matches_reference", t_viterbi_matches_reference},
    {"roundtrip", t_roundtrip},
    {"load_errors", t_load_errors},
    {NULL, NULL}};

T_MAIN(cases)
