/*
** bench_tok.c -- tokenizer + sentence splitter throughput through the
** public API, over the BBC News corpus and the Reuters-21578 BODY texts.
**
**   bench_tok [--shared DIR] [--repeat N] [--threads N] [--json]
**             [--corpus bbc|reuters|all] [--write-jsonl FILE] [--prep-only]
**
** The corpus is built at run time from ../shared (never committed):
**   BBC       data/news/bbc/<cat>/<nnn>.txt, one document per file, read
**             as is; a file that is not valid UTF-8 (sport/199.txt has a
**             latin-1 pound sign) is converted from latin-1.
**   Reuters   data/news/reuters21578/reut2-*.sgm, the text between <BODY>
**             and </BODY> of each story, latin-1 converted to UTF-8,
**             &lt; &gt; &amp; &quot; and &#N; decoded; decoded C0 control
**             characters other than tab/LF/CR (the &#3; end-of-story mark,
**             &#127;) are dropped: they are SGML framing, not text.
** --write-jsonl writes the same documents as {"id","text"} lines, so the
** peers (bench/peers/tok.js) and the CLI read exactly the same bytes.
**
** Timed (excluding corpus loading and model creation), each pass over the
** whole corpus, best of --repeat passes (default 5, interleaved):
**   clean       dl_annotate(DL_FIELD_CLEAN)            cleaning only
**   +tok        dl_annotate(DL_FIELD_TOKENS)           clean + tokenizer
**   +sent       dl_annotate(TOKENS|SENTENCES)          the headline number
**   +json       the same + dl_doc_to_json(CLEAN|DATE|SENTENCES|TOKENS)
** The stage split is the difference of consecutive passes. MB/s counts
** input bytes (10^6 bytes per MB); tokens/s counts our own tokens. Per-core
** figures divide by the CPU time of the process (all threads), so that a
** busy shared machine does not pass for a slow tokenizer; the wall-clock
** figure is printed beside them. With --threads N the documents are dealt
** round-robin to N threads, each with its own dl_annotator on one shared
** dl_model.
**
** The last line is machine readable for bench/run.sh:
**   RESULT tool=dateline ... key=value ...
*/
#include "bench.h"
#include "internal.h" /* dl__utf8_decode, dl__utf8_encode */

#include <glob.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct text {
  char *id;
  char *s;
  size_t len;
} text;

typedef struct corpus {
  text *v;
  size_t n, cap;
  size_t bytes;
} corpus;

static char *xstrdup(const char *s)
{
  size_t n = strlen(s) + 1;
  char *p = xrealloc(NULL, n);
  memcpy(p, s, n);
  return p;
}

/* ---- UTF-8 helpers ---- */

static int utf8_valid(const unsigned char *s, size_t n)
{
  for (size_t i = 0, k; i < n; i += k) {
    int32_t cp;
    k = dl__utf8_decode(s, n, i, &cp);
    if (!k) return 0;
  }
  return 1;
}

/* latin-1 -> UTF-8 (a new string). */
static char *latin1_to_utf8(const char *s, size_t n, size_t *outlen)
{
  char *o = xrealloc(NULL, 2 * n + 1);
  size_t k = 0;
  for (size_t i = 0; i < n; i++)
    k += dl__utf8_encode((int32_t)(unsigned char)s[i], o + k);
  o[k] = '\0';
  *outlen = k;
  return o;
}

static void corpus_add(corpus *c, char *id, char *s, size_t len)
{
  if (c->n == c->cap) {
    c->cap = c->cap ? 2 * c->cap : 1024;
    c->v = xrealloc(c->v, c->cap * sizeof *c->v);
  }
  c->v[c->n].id = id;
  c->v[c->n].s = s;
  c->v[c->n].len = len;
  c->n++;
  c->bytes += len;
}

/* ---- BBC ---- */

static void load_bbc(corpus *c, const char *shared)
{
  char pat[4096];
  glob_t g;
  if (snprintf(pat, sizeof pat, "%s/data/news/bbc/*/*.txt", shared) >=
      (int)sizeof pat)
    die("path too long: %s", shared);
  if (glob(pat, 0, NULL, &g) != 0) die("no BBC files at %s", pat);
  for (size_t i = 0; i < g.gl_pathc; i++) {
    const char *p = g.gl_pathv[i];
    size_t len, plen = strlen(p);
    char *s = read_file(p, &len), id[64];
    /* id: bbc/<cat>/<nnn> */
    const char *slash2 = p + plen, *slash1;
    int seen = 0;
    while (slash2 > p && seen < 2)
      if (*--slash2 == '/') seen++;
    slash1 = slash2 + 1;
    snprintf(id, sizeof id, "bbc/%.*s", (int)(p + plen - 4 - slash1), slash1);
    if (!utf8_valid((const unsigned char *)s, len)) {
      size_t n2;
      char *u = latin1_to_utf8(s, len, &n2);
      free(s);
      s = u;
      len = n2;
    }
    corpus_add(c, xstrdup(id), s, len);
  }
  globfree(&g);
}

/* ---- Reuters-21578 ---- */

static const char *find(const char *s, const char *end, const char *pat)
{
  size_t m = strlen(pat);
  for (; s + m <= end; s++) {
    s = memchr(s, pat[0], (size_t)(end - s));
    if (!s || s + m > end) return NULL;
    if (memcmp(s, pat, m) == 0) return s;
  }
  return NULL;
}

/* Decodes one BODY (latin-1 with SGML entities) into a new UTF-8 string. */
static char *decode_body(const char *s, size_t n, size_t *outlen)
{
  char *o = xrealloc(NULL, 2 * n + 4);
  size_t k = 0, i = 0;
  while (i < n) {
    unsigned char c = (unsigned char)s[i];
    if (c == '&') {
      static const struct {
        const char *name;
        char ch;
      } ents[] = {{"&lt;", '<'}, {"&gt;", '>'}, {"&amp;", '&'},
                  {"&quot;", '"'}};
      size_t e;
      for (e = 0; e < sizeof ents / sizeof ents[0]; e++) {
        size_t m = strlen(ents[e].name);
        if (i + m <= n && memcmp(s + i, ents[e].name, m) == 0) {
          o[k++] = ents[e].ch;
          i += m;
          break;
        }
      }
      if (e < sizeof ents / sizeof ents[0]) continue;
      if (i + 3 < n && s[i + 1] == '#') {
        unsigned long cp = 0;
        size_t j = i + 2;
        while (j < n && j < i + 10 && s[j] >= '0' && s[j] <= '9')
          cp = cp * 10 + (unsigned long)(s[j++] - '0');
        if (j < n && s[j] == ';' && j > i + 2 && cp <= 0x10FFFF) {
          i = j + 1;
          if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r')
              || cp == 0x7F || (cp >= 0xD800 && cp <= 0xDFFF))
            continue; /* SGML framing control characters */
          k += dl__utf8_encode((int32_t)cp, o + k);
          continue;
        }
      }
    }
    k += dl__utf8_encode((int32_t)c, o + k);
    i++;
  }
  o[k] = '\0';
  *outlen = k;
  return o;
}

static void load_reuters(corpus *c, const char *shared)
{
  char pat[4096];
  glob_t g;
  if (snprintf(pat, sizeof pat, "%s/data/news/reuters21578/reut2-*.sgm",
               shared) >= (int)sizeof pat)
    die("path too long: %s", shared);
  if (glob(pat, 0, NULL, &g) != 0) die("no Reuters files at %s", pat);
  for (size_t i = 0; i < g.gl_pathc; i++) {
    size_t len;
    char *f = read_file(g.gl_pathv[i], &len);
    const char *p = f, *end = f + len;
    for (;;) {
      const char *r = find(p, end, "<REUTERS "), *rend, *b, *be, *nid;
      char id[64];
      long newid = -1;
      size_t n2;
      char *body;
      if (!r) break;
      rend = find(r, end, "</REUTERS>");
      if (!rend) rend = end;
      p = rend;
      nid = find(r, rend, "NEWID=\"");
      if (nid) newid = strtol(nid + 7, NULL, 10);
      b = find(r, rend, "<BODY>");
      if (!b) continue;
      b += 6;
      be = find(b, rend, "</BODY>");
      if (!be) continue;
      body = decode_body(b, (size_t)(be - b), &n2);
      snprintf(id, sizeof id, "reuters/%ld", newid);
      corpus_add(c, xstrdup(id), body, n2);
    }
    free(f);
  }
  globfree(&g);
}

/* ---- JSONL dump for the peers and the CLI ---- */

static void json_str(FILE *f, const char *s, size_t n)
{
  fputc('"', f);
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '"' || c == '\\') {
      fputc('\\', f);
      fputc(c, f);
    } else if (c == '\n') {
      fputs("\\n", f);
    } else if (c == '\t') {
      fputs("\\t", f);
    } else if (c == '\r') {
      fputs("\\r", f);
    } else if (c < 0x20) {
      fprintf(f, "\\u%04x", c);
    } else {
      fputc(c, f);
    }
  }
  fputc('"', f);
}

static void write_jsonl(const corpus *c, const char *path)
{
  FILE *f = fopen(path, "wb");
  if (!f) die("cannot write %s", path);
  for (size_t i = 0; i < c->n; i++) {
    fputs("{\"id\":", f);
    json_str(f, c->v[i].id, strlen(c->v[i].id));
    fputs(",\"text\":", f);
    json_str(f, c->v[i].s, c->v[i].len);
    fputs("}\n", f);
  }
  if (fclose(f) != 0) die("cannot write %s", path);
}

/* ---- the timed passes ---- */

typedef struct pass {
  const char *name;
  uint64_t fields;
  int json;
} pass;

typedef struct job {
  const dl_model *m;
  const corpus *c;
  const pass *ps;
  size_t first, step;
  /* results */
  size_t tokens, sentences, docs, errors, json_bytes;
  double secs;
} job;

static void *run_job(void *arg)
{
  job *j = arg;
  dl_annotator *a;
  dl_error err;
  const uint64_t json_fields =
      DL_FIELD_CLEAN | DL_FIELD_DATE | DL_FIELD_SENTENCES | DL_FIELD_TOKENS;
  double t0;
  if (dl_annotator_create(j->m, &a, &err) != DL_OK) die("%s", err.msg);
  t0 = wall_now();
  for (size_t i = j->first; i < j->c->n; i += j->step) {
    dl_input in;
    dl_doc *d;
    memset(&in, 0, sizeof in);
    in.text = j->c->v[i].s;
    in.len = j->c->v[i].len;
    in.id = j->c->v[i].id;
    if (dl_annotate(a, &in, j->ps->fields, &d, &err) != DL_OK) {
      j->errors++;
      continue;
    }
    j->docs++;
    j->tokens += dl_doc_count(d, DL_KIND_TOKEN);
    j->sentences += dl_doc_count(d, DL_KIND_SENTENCE);
    if (j->ps->json) {
      char *js;
      size_t n;
      if (dl_doc_to_json(d, 0, json_fields, &js, &n) != DL_OK)
        die("dl_doc_to_json failed");
      j->json_bytes += n;
      dl_free(js);
    }
    dl_doc_destroy(d);
  }
  j->secs = wall_now() - t0;
  dl_annotator_destroy(a);
  return NULL;
}

typedef struct result {
  double secs; /* wall time of the pass */
  double cpu;  /* CPU time of the pass, all threads */
  size_t tokens, sentences, docs, errors, json_bytes;
} result;

static result run_pass(const dl_model *m, const corpus *c, const pass *ps,
                       int threads)
{
  job js[64];
  pthread_t th[64];
  result r;
  double t0 = wall_now(), c0 = cpu_now();
  memset(&r, 0, sizeof r);
  for (int t = 0; t < threads; t++) {
    memset(&js[t], 0, sizeof js[t]);
    js[t].m = m;
    js[t].c = c;
    js[t].ps = ps;
    js[t].first = (size_t)t;
    js[t].step = (size_t)threads;
  }
  if (threads == 1) {
    run_job(&js[0]);
  } else {
    for (int t = 0; t < threads; t++)
      if (pthread_create(&th[t], NULL, run_job, &js[t]) != 0)
        die("pthread_create failed");
    for (int t = 0; t < threads; t++) pthread_join(th[t], NULL);
  }
  r.secs = wall_now() - t0;
  r.cpu = cpu_now() - c0;
  for (int t = 0; t < threads; t++) {
    r.tokens += js[t].tokens;
    r.sentences += js[t].sentences;
    r.docs += js[t].docs;
    r.errors += js[t].errors;
    r.json_bytes += js[t].json_bytes;
  }
  return r;
}

static void usage(void)
{
  fputs("usage: bench_tok [--shared DIR] [--repeat N] [--threads N] [--json]\n"
        "                 [--corpus bbc|reuters|all] [--write-jsonl FILE]"
        " [--prep-only]\n",
        stderr);
  exit(2);
}

static const char *default_shared(const char *argv0)
{
  /* DATELINE_SHARED, else ../shared beside the checkout: the binary sits
  ** in <repo>/<build>/bench/, so try <argv0>/../../../../shared, then
  ** ../shared from the working directory (make bench runs in the repo). */
  static char buf[4096];
  const char *e = getenv("DATELINE_SHARED"), *slash;
  if (e && *e) return e;
  slash = strrchr(argv0, '/');
  if (slash) {
    FILE *f;
    snprintf(buf, sizeof buf, "%.*s/../../../shared/README.md",
             (int)(slash - argv0), argv0);
    f = fopen(buf, "rb");
    if (f) {
      fclose(f);
      buf[strlen(buf) - strlen("/README.md")] = '\0';
      return buf;
    }
  }
  return "../shared";
}

int main(int argc, char **argv)
{
  const char *shared = default_shared(argv[0]), *which = "all",
             *jsonl = NULL;
  int repeat = 5, threads = 1, json = 0, prep_only = 0;
  corpus c;
  dl_model *m;
  dl_error err;
  double t_load;
  const pass passes[] = {
      {"clean", DL_FIELD_CLEAN, 0},
      {"+tok", DL_FIELD_TOKENS, 0},
      {"+sent", DL_FIELD_TOKENS | DL_FIELD_SENTENCES, 0},
      {"+json", DL_FIELD_TOKENS | DL_FIELD_SENTENCES, 1},
  };
  result best[4];
  size_t npass;
  long rss_corpus;

  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--shared") == 0 && i + 1 < argc) shared = argv[++i];
    else if (strcmp(a, "--repeat") == 0 && i + 1 < argc)
      repeat = (int)strtol(argv[++i], NULL, 10);
    else if (strcmp(a, "--threads") == 0 && i + 1 < argc)
      threads = (int)strtol(argv[++i], NULL, 10);
    else if (strcmp(a, "--corpus") == 0 && i + 1 < argc) which = argv[++i];
    else if (strcmp(a, "--write-jsonl") == 0 && i + 1 < argc)
      jsonl = argv[++i];
    else if (strcmp(a, "--json") == 0) json = 1;
    else if (strcmp(a, "--prep-only") == 0) prep_only = 1;
    else usage();
  }
  if (repeat < 1 || threads < 1 || threads > 64) usage();
  if (strcmp(which, "all") && strcmp(which, "bbc") && strcmp(which, "reuters"))
    usage();

  memset(&c, 0, sizeof c);
  t_load = wall_now();
  if (strcmp(which, "reuters") != 0) load_bbc(&c, shared);
  if (strcmp(which, "bbc") != 0) load_reuters(&c, shared);
  t_load = wall_now() - t_load;
  if (jsonl) write_jsonl(&c, jsonl);
  printf("corpus: %s (%s), %zu documents, %zu bytes, prepared in %.2f s\n",
         which, shared, c.n, c.bytes, t_load);
  if (prep_only) return 0;
  rss_corpus = peak_rss_kb();

  t_load = wall_now();
  if (dl_model_create_empty(NULL, &m, &err) != DL_OK) die("%s", err.msg);
  t_load = wall_now() - t_load;

  npass = json ? 4 : 3;
  /* Passes interleaved (clean, +tok, +sent, ... then again), so that a
  ** busy machine slows every kind of pass alike; the best of each kept. */
  for (int r = 0; r < repeat; r++) {
    for (size_t p = 0; p < npass; p++) {
      result x = run_pass(m, &c, &passes[p], threads);
      if (r == 0 || x.cpu < best[p].cpu) best[p] = x;
    }
  }

  {
    const result *h = &best[2];
    double mb = (double)c.bytes / 1e6;
    long rss = peak_rss_kb();
    printf("model: empty (tokenizer, sentences, cleaning), created in %.3f ms\n",
           t_load * 1e3);
    printf("threads: %d, best of %d passes (by CPU time)\n", threads, repeat);
    printf("%-8s %8s %8s %12s %11s %14s %11s\n", "pass", "wall s", "CPU s",
           "tokens", "MB/s/core", "tokens/s/core", "wall MB/s");
    for (size_t p = 0; p < npass; p++)
      printf("%-8s %8.3f %8.3f %12zu %11.1f %14.0f %11.1f\n",
             passes[p].name, best[p].secs, best[p].cpu, best[p].tokens,
             mb / best[p].cpu, (double)best[p].tokens / best[p].cpu,
             mb / best[p].secs);
    printf("split (CPU s): clean %.3f, tok %.3f, sent %.3f", best[0].cpu,
           best[1].cpu - best[0].cpu, best[2].cpu - best[1].cpu);
    if (json)
      printf(", json %.3f (%zu bytes of JSON)", best[3].cpu - best[2].cpu,
             best[3].json_bytes);
    printf("\n");
    printf("documents: %zu annotated, %zu refused (empty)\n", h->docs,
           h->errors);
    printf("sentences: %zu, tokens: %zu\n", h->sentences, h->tokens);
    printf("peak RSS: %ld KB (corpus loaded: %ld KB)\n", rss, rss_corpus);
    printf("per core: %.1f MB/s, %.0f tokens/s; wall: %.1f MB/s on %d "
           "thread(s)\n",
           mb / h->cpu, (double)h->tokens / h->cpu, mb / h->secs, threads);
    printf("RESULT tool=dateline threads=%d docs=%zu bytes=%zu tokens=%zu "
           "sentences=%zu secs=%.4f cpu=%.4f mbps=%.2f tps=%.0f "
           "wall_mbps=%.2f rss_kb=%ld clean_cpu=%.4f tok_cpu=%.4f "
           "sent_cpu=%.4f",
           threads, h->docs, c.bytes, h->tokens, h->sentences, h->secs,
           h->cpu, mb / h->cpu, (double)h->tokens / h->cpu, mb / h->secs,
           rss, best[0].cpu, best[1].cpu - best[0].cpu,
           best[2].cpu - best[1].cpu);
    if (json)
      printf(" json_cpu=%.4f json_mbps=%.2f", best[3].cpu, mb / best[3].cpu);
    printf("\n");
  }
  dl_model_destroy(m);
  for (size_t i = 0; i < c.n; i++) {
    free(c.v[i].id);
    free(c.v[i].s);
  }
  free(c.v);
  return 0;
}
