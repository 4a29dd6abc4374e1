/*
** eval_sent.c -- sentence-boundary and token evaluation of the tokenizer
** and splitter against gold data (read at run time; never by the
** library). Run by bench/eval_sent.sh; not part of `make test`.
**
**   eval_sent conll FILE [nl]   CoNLL-2003 (eng.testa): each document's
**        tokens joined by one space, sentences by one space (or by a
**        newline with "nl": the line layout Reuters used for headlines and
**        datelines). Gold boundaries: the starts of sentences 2..n of each
**        document.
**   eval_sent ud FILE           UD English EWT (dev): each document's
**        "# text =" sentences joined by one space; also token agreement
**        with the gold syntactic words (exact span match).
**   eval_sent polnear DIR [N]   PolNeAR dev (DIR/text/ and attributions/):
**        no gold sentences; prints counts of boundaries that fall inside
**        attribution Content spans (split by whether a final mark precedes
**        them), and a reproducible random sample of N boundaries and N
**        rejected candidates (". X", "? X", "! X") for checking by hand.
**
** A boundary is the byte offset where a sentence starts (not the first of
** its document); predicted and gold match when equal.
*/
#include "dateline.h"
#include "internal.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static dl_model *model;
static dl_annotator *annot;

struct counts {
  size_t tp, fp, fn;
  size_t tok_tp, tok_pred, tok_gold;
  size_t docs, sents;
};

static void die(const char *msg)
{
  fprintf(stderr, "eval_sent: %s\n", msg);
  exit(1);
}

static dl_doc *annotate(const char *text, size_t len)
{
  dl_input in;
  dl_doc *d = NULL;
  dl_error err;
  memset(&in, 0, sizeof in);
  in.text = text;
  in.len = len;
  if (dl_annotate(annot, &in, DL_FIELD_SENTENCES | DL_FIELD_TOKENS, &d,
                  &err) != DL_OK)
    return NULL;
  return d;
}

static int cmp_u32(const void *a, const void *b)
{
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

/* Scores predicted sentence starts against gold ones (both sorted). When
** show is set, prints the misses with context. */
static void score(struct counts *c, const char *text, size_t len,
                  const uint32_t *gold, size_t ng, const dl_doc *d, int show)
{
  size_t i = 0, j = 0;
  uint32_t *pred = malloc((d->n_sentences + 1) * sizeof *pred);
  size_t np = 0;
  if (!pred) die("out of memory");
  for (size_t k = 1; k < d->n_sentences; k++)
    pred[np++] = d->sentences[k].start;
  while (i < np || j < ng) {
    if (i < np && j < ng && pred[i] == gold[j]) {
      c->tp++, i++, j++;
    } else if (j >= ng || (i < np && pred[i] < gold[j])) {
      if (show)
        printf("FP  %.*s|%.*s\n", (int)DL__MIN(pred[i], 60u),
               text + pred[i] - DL__MIN(pred[i], 60u),
               (int)DL__MIN(len - pred[i], 40u), text + pred[i]);
      c->fp++, i++;
    } else {
      if (show)
        printf("FN  %.*s|%.*s\n", (int)DL__MIN(gold[j], 60u),
               text + gold[j] - DL__MIN(gold[j], 60u),
               (int)DL__MIN(len - gold[j], 40u), text + gold[j]);
      c->fn++, j++;
    }
  }
  free(pred);
}

static void report(const char *name, const struct counts *c)
{
  double p = c->tp + c->fp ? (double)c->tp / (double)(c->tp + c->fp) : 0;
  double r = c->tp + c->fn ? (double)c->tp / (double)(c->tp + c->fn) : 0;
  double f = p + r > 0 ? 2 * p * r / (p + r) : 0;
  printf("%s: docs %zu, gold sentences %zu, boundaries tp %zu fp %zu fn %zu"
         "  P %.4f R %.4f F1 %.4f\n",
         name, c->docs, c->sents, c->tp, c->fp, c->fn, p, r, f);
  if (c->tok_gold) {
    p = (double)c->tok_tp / (double)c->tok_pred;
    r = (double)c->tok_tp / (double)c->tok_gold;
    printf("%s tokens: gold %zu pred %zu exact-span match %zu  P %.4f R %.4f "
           "F1 %.4f\n",
           name, c->tok_gold, c->tok_pred, c->tok_tp, p, r,
           2 * p * r / (p + r));
  }
}

/* A growable text and boundary list for one document. */
struct doc {
  char *text;
  size_t len, cap;
  uint32_t *gold;
  size_t ng, gcap;
  uint32_t *tok; /* gold token spans: start,end pairs */
  size_t nt, tcap;
};

static void add(struct doc *x, const char *s, size_t n)
{
  if (x->len + n + 1 > x->cap) {
    x->cap = (x->len + n + 1) * 2;
    x->text = realloc(x->text, x->cap);
    if (!x->text) die("out of memory");
  }
  memcpy(x->text + x->len, s, n);
  x->len += n;
  x->text[x->len] = 0;
}

static void add_gold(struct doc *x, size_t off)
{
  if (x->ng == x->gcap) {
    x->gcap = x->gcap ? x->gcap * 2 : 64;
    x->gold = realloc(x->gold, x->gcap * sizeof *x->gold);
    if (!x->gold) die("out of memory");
  }
  x->gold[x->ng++] = (uint32_t)off;
}

static void add_tok(struct doc *x, size_t s, size_t e)
{
  if (x->nt + 2 > x->tcap) {
    x->tcap = x->tcap ? x->tcap * 2 : 256;
    x->tok = realloc(x->tok, x->tcap * sizeof *x->tok);
    if (!x->tok) die("out of memory");
  }
  x->tok[x->nt++] = (uint32_t)s;
  x->tok[x->nt++] = (uint32_t)e;
}

static void flush(struct doc *x, struct counts *c, int show)
{
  dl_doc *d;
  if (x->len == 0) return;
  d = annotate(x->text, x->len);
  if (!d) die("annotate failed");
  c->docs++;
  c->sents += x->ng + 1;
  qsort(x->gold, x->ng, sizeof *x->gold, cmp_u32);
  score(c, x->text, x->len, x->gold, x->ng, d, show);
  if (x->nt) {
    size_t i = 0, j = 0;
    c->tok_pred += d->n_tokens;
    c->tok_gold += x->nt / 2;
    while (i < d->n_tokens && j < x->nt) {
      uint32_t ps = d->tokens[i].start, pe = d->tokens[i].end;
      uint32_t gs = x->tok[j], ge = x->tok[j + 1];
      if (ps == gs && pe == ge) {
        c->tok_tp++, i++, j += 2;
      } else if (pe <= ge) {
        if (show > 1)
          printf("TOK %.*s vs %.*s\n", (int)(pe - ps), x->text + ps,
                 (int)(ge - gs), x->text + gs);
        i++;
      } else {
        j += 2;
      }
    }
  }
  dl_doc_destroy(d);
  x->len = 0;
  x->ng = 0;
  x->nt = 0;
}

static void eval_conll(const char *path, int nl, int show)
{
  FILE *f = fopen(path, "r");
  char line[4096];
  struct doc x;
  struct counts c;
  int in_sent = 0, sent_first_tok = 1;
  if (!f) die("cannot open the CoNLL file");
  memset(&x, 0, sizeof x);
  memset(&c, 0, sizeof c);
  while (fgets(line, sizeof line, f)) {
    char *sp = strchr(line, ' ');
    if (line[0] == '\n' || line[0] == '\r' || !sp) {
      in_sent = 0;
      continue;
    }
    *sp = 0;
    if (strcmp(line, "-DOCSTART-") == 0) {
      flush(&x, &c, show);
      continue;
    }
    if (!in_sent) {
      in_sent = 1;
      if (x.len) {
        add(&x, nl ? "\n" : " ", 1);
        add_gold(&x, x.len);
      }
      sent_first_tok = 1;
    }
    if (!sent_first_tok) add(&x, " ", 1);
    sent_first_tok = 0;
    add(&x, line, strlen(line));
  }
  flush(&x, &c, show);
  fclose(f);
  report(nl ? "conll (sentences joined by newline)"
            : "conll (sentences joined by space)",
         &c);
}

static void eval_ud(const char *path, int show)
{
  FILE *f = fopen(path, "r");
  static char line[1 << 16];
  struct doc x;
  struct counts c;
  size_t sent_start = 0, cursor = 0;
  if (!f) die("cannot open the CoNLL-U file");
  memset(&x, 0, sizeof x);
  memset(&c, 0, sizeof c);
  while (fgets(line, sizeof line, f)) {
    size_t n = strlen(line);
    while (n && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = 0;
    if (strncmp(line, "# newdoc", 8) == 0) {
      flush(&x, &c, show);
      continue;
    }
    if (strncmp(line, "# text = ", 9) == 0) {
      if (x.len) {
        add(&x, " ", 1);
        add_gold(&x, x.len);
      }
      sent_start = x.len;
      cursor = sent_start;
      add(&x, line + 9, n - 9);
      continue;
    }
    if (line[0] == '#' || line[0] == 0) continue;
    {
      /* ID FORM ...: words are located left to right in the text. */
      char *tab = strchr(line, '\t'), *form, *e;
      size_t fl;
      const char *hit;
      if (!tab) continue;
      *tab = 0;
      form = tab + 1;
      e = strchr(form, '\t');
      if (!e) continue;
      *e = 0;
      if (strchr(line, '.')) continue; /* empty node */
      fl = strlen(form);
      if (strchr(line, '-')) continue; /* multiword range: use its words */
      hit = strstr(x.text + cursor, form);
      if (!hit || (size_t)(hit - x.text) > cursor + 8) continue;
      add_tok(&x, (size_t)(hit - x.text), (size_t)(hit - x.text) + fl);
      cursor = (size_t)(hit - x.text) + fl;
    }
  }
  flush(&x, &c, show);
  fclose(f);
  report("ud-ewt dev (sentences joined by space)", &c);
}

/* ---- PolNeAR ---- */

static char *read_file(const char *path, size_t *len)
{
  FILE *f = fopen(path, "rb");
  char *b;
  long n;
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  n = ftell(f);
  fseek(f, 0, SEEK_SET);
  b = malloc((size_t)n + 1);
  if (!b) die("out of memory");
  *len = fread(b, 1, (size_t)n, f);
  b[*len] = 0;
  fclose(f);
  return b;
}

/* Byte offset of code point cp in s. */
static size_t cp_to_byte(const char *s, size_t len, size_t cp)
{
  size_t i = 0, k = 0;
  while (i < len && k < cp) {
    i++;
    while (i < len && ((unsigned char)s[i] & 0xC0) == 0x80) i++;
    k++;
  }
  return i;
}

static unsigned long long rng = 0x9E3779B97F4A7C15ull;
static unsigned long long next_rand(void)
{
  rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
  return rng;
}

static int cmp_str(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static void eval_polnear(const char *dir, int nsample)
{
  char path[4096];
  DIR *dd;
  struct dirent *e;
  char **names = NULL;
  size_t nn = 0, cap = 0;
  size_t n_bound = 0, n_in_content = 0, n_in_content_noterm = 0,
         n_content = 0, n_rejected = 0, n_sents = 0;
  /* reservoir samples */
  char (*samp_b)[200] = calloc((size_t)nsample, 200);
  char (*samp_r)[200] = calloc((size_t)nsample, 200);
  size_t seen_b = 0, seen_r = 0;
  if (!samp_b || !samp_r) die("out of memory");
  snprintf(path, sizeof path, "%s/text", dir);
  dd = opendir(path);
  if (!dd) die("cannot open PolNeAR text dir");
  while ((e = readdir(dd))) {
    if (!strstr(e->d_name, ".txt")) continue;
    if (nn == cap) {
      cap = cap ? cap * 2 : 128;
      names = realloc(names, cap * sizeof *names);
      if (!names) die("out of memory");
    }
    names[nn++] = strdup(e->d_name);
  }
  closedir(dd);
  qsort(names, nn, sizeof *names, cmp_str);
  for (size_t di = 0; di < nn; di++) {
    size_t len, alen = 0;
    char *text, *ann;
    dl_doc *d;
    uint8_t *bound;
    DIR *ad;
    char stem[1024];
    snprintf(path, sizeof path, "%s/text/%s", dir, names[di]);
    text = read_file(path, &len);
    if (!text) continue;
    d = annotate(text, len);
    if (!d) {
      free(text);
      continue;
    }
    n_sents += d->n_sentences;
    bound = calloc(len + 1, 1);
    if (!bound) die("out of memory");
    for (size_t k = 1; k < d->n_sentences; k++) {
      uint32_t s = d->sentences[k].start;
      bound[s] = 1;
      n_bound++;
      seen_b++;
      if ((size_t)nsample > 0) {
        size_t slot = seen_b <= (size_t)nsample ? seen_b - 1
                                                : next_rand() % seen_b;
        if (slot < (size_t)nsample) {
          size_t a0 = s > 80 ? s - 80 : 0, b0 = DL__MIN(len, (size_t)s + 60);
          char tmp[200];
          size_t o = 0;
          for (size_t q = a0; q < b0 && o + 4 < sizeof tmp; q++) {
            if (q == s) tmp[o++] = '|', tmp[o++] = '|';
            tmp[o++] = text[q] == '\n' ? '/' : text[q];
          }
          tmp[o] = 0;
          memcpy(samp_b[slot], tmp, o + 1);
        }
      }
    }
    /* Rejected candidates: [.?!] then space then an upper-case letter or
    ** a quote, with no predicted boundary there. */
    for (size_t q = 0; q + 2 < len; q++) {
      char ch = text[q];
      size_t r = q + 1;
      if (ch != '.' && ch != '?' && ch != '!') continue;
      while (r < len && (text[r] == '"' || text[r] == '\'' ||
                         text[r] == ')' ||
                         ((unsigned char)text[r] == 0xE2 && r + 2 < len &&
                          (unsigned char)text[r + 1] == 0x80 &&
                          ((unsigned char)text[r + 2] == 0x9D ||
                           (unsigned char)text[r + 2] == 0x99))))
        r += (unsigned char)text[r] == 0xE2 ? 3 : 1;
      if (r >= len || text[r] != ' ') continue;
      r++;
      if (r >= len || !((text[r] >= 'A' && text[r] <= 'Z') || text[r] == '"' ||
                        (unsigned char)text[r] == 0xE2))
        continue;
      if (bound[r]) continue;
      n_rejected++;
      seen_r++;
      if (nsample > 0) {
        size_t slot = seen_r <= (size_t)nsample ? seen_r - 1
                                                : next_rand() % seen_r;
        if (slot < (size_t)nsample) {
          size_t a0 = r > 80 ? r - 80 : 0, b0 = DL__MIN(len, r + 60);
          size_t o = 0;
          char tmp[200];
          for (size_t p = a0; p < b0 && o + 4 < sizeof tmp; p++) {
            if (p == r) tmp[o++] = '?', tmp[o++] = '?';
            tmp[o++] = text[p] == '\n' ? '/' : text[p];
          }
          tmp[o] = 0;
          memcpy(samp_r[slot], tmp, o + 1);
        }
      }
    }
    /* Content spans of every annotation file of this text. */
    snprintf(stem, sizeof stem, "%.*s", (int)(strlen(names[di]) - 4),
             names[di]);
    snprintf(path, sizeof path, "%s/attributions", dir);
    ad = opendir(path);
    while (ad && (e = readdir(ad))) {
      char *p;
      if (strncmp(e->d_name, stem, strlen(stem)) != 0 ||
          e->d_name[strlen(stem)] != '_')
        continue;
      snprintf(path, sizeof path, "%s/attributions/%s", dir, e->d_name);
      ann = read_file(path, &alen);
      if (!ann) continue;
      for (p = ann; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : p) {
        unsigned long cs, ce;
        if (*p != 'T') continue;
        if (sscanf(p, "%*s Content %lu %lu", &cs, &ce) != 2) continue;
        {
          size_t bs = cp_to_byte(text, len, cs), be = cp_to_byte(text, len, ce);
          n_content++;
          for (size_t q = bs + 1; q < be && q < len; q++) {
            if (!bound[q]) continue;
            n_in_content++;
            {
              size_t t = q;
              bool term = false;
              /* Back over white space (NBSP too), closing quotes and
              ** brackets (any non-ASCII byte counts: ” ’ and the bytes
              ** of an ellipsis, which is terminal). */
              while (t > bs && (text[t - 1] == ' ' || text[t - 1] == '\n' ||
                                text[t - 1] == '"' || text[t - 1] == ')' ||
                                text[t - 1] == '\'' ||
                                ((unsigned char)text[t - 1] & 0x80))) {
                if ((unsigned char)text[t - 1] == 0xA6) term = true;
                t--;
              }
              if (t > bs && (text[t - 1] == '.' || text[t - 1] == '?' ||
                             text[t - 1] == '!'))
                term = true;
              if (!term) {
                n_in_content_noterm++;
                if (getenv("EVAL_SHOW"))
                  printf("CUT %.*s||%.*s\n", (int)DL__MIN(q - bs, 100u),
                         text + q - DL__MIN(q - bs, 100u),
                         (int)DL__MIN(be - q, 60u), text + q);
              }
            }
          }
        }
      }
      free(ann);
    }
    if (ad) closedir(ad);
    free(bound);
    dl_doc_destroy(d);
    free(text);
    free(names[di]);
  }
  free(names);
  printf("polnear dev: texts %zu, sentences %zu, boundaries %zu\n", nn,
         n_sents, n_bound);
  printf("polnear dev: Content spans %zu; boundaries inside a Content span "
         "%zu, of which %zu not after . ? ! (likely wrong cuts)\n",
         n_content, n_in_content, n_in_content_noterm);
  printf("polnear dev: rejected candidates ([.?!] + space + capital/quote "
         "with no boundary): %zu\n",
         n_rejected);
  for (int k = 0; k < nsample && (size_t)k < seen_b; k++)
    printf("B %2d %s\n", k, samp_b[k]);
  for (int k = 0; k < nsample && (size_t)k < seen_r; k++)
    printf("R %2d %s\n", k, samp_r[k]);
  free(samp_b);
  free(samp_r);
}

int main(int argc, char **argv)
{
  dl_error err;
  int show = getenv("EVAL_SHOW") ? (int)strtol(getenv("EVAL_SHOW"), NULL, 10) : 0;
  if (argc < 3) {
    fprintf(stderr, "usage: eval_sent conll FILE [nl] | ud FILE | "
                    "polnear DIR [N]\n");
    return 2;
  }
  if (dl_model_create_empty(NULL, &model, &err) != DL_OK ||
      dl_annotator_create(model, &annot, &err) != DL_OK)
    die("cannot create the model");
  if (strcmp(argv[1], "conll") == 0)
    eval_conll(argv[2], argc > 3 && strcmp(argv[3], "nl") == 0, show);
  else if (strcmp(argv[1], "ud") == 0)
    eval_ud(argv[2], show);
  else if (strcmp(argv[1], "polnear") == 0)
    eval_polnear(argv[2], argc > 3 ? (int)strtol(argv[3], NULL, 10) : 40);
  else
    die("unknown mode");
  dl_annotator_destroy(annot);
  dl_model_destroy(model);
  return 0;
}
