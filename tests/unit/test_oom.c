/*
** test_oom.c -- the out-of-memory sweep (STYLE.md; Lua's ltests.c, curl's
** torture tests, SQLite's faultsim): for each public entry point that
** allocates, fail allocation 1, then 2, then 3... until the call
** succeeds. Every failure must return DL_ERR_NOMEM (with *out NULL) and
** leak nothing: the test allocator counts live blocks and bytes, and both
** must come back to where they were. After a failure the same annotator
** must still work and give the same record.
*/
#include "dateline.h"
#include "t.h"

#include <stdio.h>
#include <stdlib.h>

/* ---- the counting, failing allocator --------------------------------- */

typedef struct counter {
  long calls;   /* allocations attempted since the last arm() */
  long fail_at; /* the call number that fails (1-based); 0: never */
  long live;    /* blocks not yet freed */
  long long bytes;
  int failed;   /* did an injected failure happen? */
} counter;

/* A header before each block keeps its size, to check `old` and bytes. */
typedef union hdr {
  size_t size;
  max_align_t align;
} hdr;

static int should_fail(counter *c)
{
  c->calls++;
  if (c->fail_at && c->calls == c->fail_at) {
    c->failed = 1;
    return 1;
  }
  return 0;
}

static void *c_malloc(void *ctx, size_t n)
{
  counter *c = ctx;
  hdr *h;
  if (should_fail(c)) return NULL;
  h = malloc(sizeof *h + n);
  if (!h) return NULL;
  h->size = n;
  c->live++;
  c->bytes += (long long)n;
  return h + 1;
}

static int bad_old; /* a realloc whose `old` was not the block's size */

static void *c_realloc(void *ctx, void *p, size_t old, size_t n)
{
  counter *c = ctx;
  hdr *h = (hdr *)p - 1, *nh;
  if (h->size != old) {
    bad_old++;
    if (getenv("OOM_ABORT")) abort(); /* to find the caller in gdb */
  }
  if (should_fail(c)) return NULL;
  nh = realloc(h, sizeof *nh + n);
  if (!nh) return NULL;
  c->bytes += (long long)n - (long long)nh->size;
  nh->size = n;
  return nh + 1;
}

static void c_free(void *ctx, void *p)
{
  counter *c = ctx;
  hdr *h;
  if (!p) return;
  h = (hdr *)p - 1;
  c->live--;
  c->bytes -= (long long)h->size;
  free(h);
}

static counter C;
static const dl_allocator AL = {c_malloc, c_realloc, c_free, &C};

static void arm(long fail_at)
{
  C.calls = 0;
  C.fail_at = fail_at;
  C.failed = 0;
}

/* Sweeps are capped so a pathological entry point cannot hang the run. */
#define MAX_SWEEP 20000

static dl_options opts(void)
{
  dl_options o;
  memset(&o, 0, sizeof o);
  o.alloc = &AL;
  return o;
}

/* ---- sweeps ------------------------------------------------------------ */

static void t_model_create_empty(void)
{
  dl_options o = opts();
  long n;
  long live0 = C.live;
  for (n = 1; n < MAX_SWEEP; n++) {
    dl_model *m = (dl_model *)1;
    dl_error err;
    dl_status rc;
    arm(n);
    rc = dl_model_create_empty(&o, &m, &err);
    arm(0);
    if (rc == DL_OK) {
      T_OK(!C.failed);
      dl_model_destroy(m);
      break;
    }
    T_EQ_INT(rc, DL_ERR_NOMEM);
    T_EQ_INT(err.code, DL_ERR_NOMEM);
    T_OK(m == NULL);
    T_EQ_INT(C.live, live0);
  }
  T_OK(n < MAX_SWEEP);
  T_EQ_INT(C.live, live0);
}

static void t_model_load(void)
{
  /* The models the test run uses ($DATELINE_MODEL_DIR, set by
  ** tests/run.sh), or none: either way every failure must be clean. */
  dl_options o = opts();
  const char *dir = getenv("DATELINE_MODEL_DIR");
  long n, total, step = 1;
  long live0 = C.live;
  dl_model *m = NULL;
  arm(0);
  T_EQ_INT(dl_model_load(dir ? dir : "models", &o, &m, NULL), DL_OK);
  total = C.calls;
  printf("  dl_model_load: %ld allocations\n", total);
  dl_model_destroy(m);
  T_EQ_INT(C.live, live0);
  /* A big model can allocate thousands of times; then test every one of
  ** the first 300 and a stride through the rest. */
  for (n = 1; n <= total + 1 && n < MAX_SWEEP; n += step) {
    dl_error err;
    dl_status rc;
    m = (dl_model *)1;
    arm(n);
    rc = dl_model_load(dir ? dir : "models", &o, &m, &err);
    arm(0);
    if (rc == DL_OK) {
      T_OK(!C.failed);
      dl_model_destroy(m);
      break;
    }
    T_EQ_INT(rc, DL_ERR_NOMEM);
    T_OK(m == NULL);
    T_EQ_INT(C.live, live0);
    if (n >= 300) step = total / 300 + 1;
  }
  T_EQ_INT(C.live, live0);
}

static void t_annotator_create(void)
{
  dl_options o = opts();
  dl_model *m = NULL;
  long n, live0;
  T_EQ_INT(dl_model_create_empty(&o, &m, NULL), DL_OK);
  live0 = C.live;
  for (n = 1; n < MAX_SWEEP; n++) {
    dl_annotator *a = (dl_annotator *)1;
    dl_status rc;
    arm(n);
    rc = dl_annotator_create(m, &a, NULL);
    arm(0);
    if (rc == DL_OK) {
      dl_annotator_destroy(a);
      break;
    }
    T_EQ_INT(rc, DL_ERR_NOMEM);
    T_OK(a == NULL);
    T_EQ_INT(C.live, live0);
  }
  T_EQ_INT(C.live, live0);
  dl_model_destroy(m);
}

/* Sweeps dl_annotate and then dl_doc_to_json on one text. A fresh
** annotator per step, so that buffers an annotator keeps between calls are
** not mistaken for leaks; then the same annotator is reused after the
** failure and must give the reference record. */
static void sweep_annotate(const char *text, size_t len, uint64_t fields,
                           unsigned jflags)
{
  dl_options o = opts();
  dl_model *m = NULL;
  dl_annotator *a = NULL;
  dl_input in;
  dl_doc *d = NULL;
  char *ref = NULL, *js = NULL;
  size_t ref_len = 0, n_js;
  long n, live0, calls_ok;
  const char *dir = getenv("DATELINE_MODEL_DIR");

  if (dl_model_load(dir ? dir : "models", &o, &m, NULL) != DL_OK)
    T_EQ_INT(dl_model_create_empty(&o, &m, NULL), DL_OK);
  memset(&in, 0, sizeof in);
  in.text = text;
  in.len = len;
  in.id = "oom";
  in.default_date = "2016-12-22";

  /* The reference record, with no failure. */
  T_EQ_INT(dl_annotator_create(m, &a, NULL), DL_OK);
  arm(0);
  T_EQ_INT(dl_annotate(a, &in, fields, &d, NULL), DL_OK);
  calls_ok = C.calls;
  printf("  dl_annotate: %ld allocations swept\n", calls_ok + 1);
  T_EQ_INT(dl_doc_to_json(d, jflags, fields, &ref, &ref_len), DL_OK);
  dl_doc_destroy(d);
  dl_annotator_destroy(a);
  live0 = C.live;

  for (n = 1; n < MAX_SWEEP; n++) {
    dl_error err;
    dl_status rc;
    T_EQ_INT(dl_annotator_create(m, &a, NULL), DL_OK);
    d = (dl_doc *)1;
    arm(n);
    rc = dl_annotate(a, &in, fields, &d, &err);
    arm(0);
    if (rc == DL_OK) {
      T_OK(!C.failed);
      T_EQ_INT(n, calls_ok + 1);
      dl_doc_destroy(d);
      dl_annotator_destroy(a);
      break;
    }
    if (rc != DL_ERR_NOMEM) {
      char det[300];
      snprintf(det, sizeof det, "allocation %ld: %s: %s", n,
               dl_status_name(rc), err.msg);
      t_fail(__FILE__, __LINE__, "rc == DL_ERR_NOMEM", det);
      dl_annotator_destroy(a);
      break;
    }
    T_EQ_INT(err.code, DL_ERR_NOMEM);
    T_OK(d == NULL);
    /* The annotator still works after a failure, and gives the same
    ** record. */
    T_EQ_INT(dl_annotate(a, &in, fields, &d, NULL), DL_OK);
    T_EQ_INT(dl_doc_to_json(d, jflags, fields, &js, &n_js), DL_OK);
    T_OK(n_js == ref_len && memcmp(js, ref, ref_len) == 0);
    dl_free(js);
    dl_doc_destroy(d);
    dl_annotator_destroy(a);
    if (C.live != live0) {
      char det[100];
      snprintf(det, sizeof det, "failing allocation %ld leaks %ld blocks", n,
               C.live - live0);
      t_fail(__FILE__, __LINE__, "C.live == live0", det);
      break;
    }
  }
  T_OK(n < MAX_SWEEP);

  /* dl_doc_to_json: its working buffers use the model's allocator. */
  T_EQ_INT(dl_annotator_create(m, &a, NULL), DL_OK);
  T_EQ_INT(dl_annotate(a, &in, fields, &d, NULL), DL_OK);
  live0 = C.live;
  for (n = 1; n < MAX_SWEEP; n++) {
    dl_status rc;
    js = (char *)1;
    arm(n);
    rc = dl_doc_to_json(d, jflags, fields, &js, &n_js);
    arm(0);
    if (rc == DL_OK) {
      T_OK(n_js == ref_len && memcmp(js, ref, ref_len) == 0);
      dl_free(js);
      break;
    }
    T_EQ_INT(rc, DL_ERR_NOMEM);
    T_OK(js == NULL);
    T_EQ_INT(C.live, live0);
  }
  T_OK(n > 1); /* it did allocate through the hook */
  printf("  dl_doc_to_json: %ld allocations swept\n", n);
  dl_doc_destroy(d);
  dl_annotator_destroy(a);
  dl_model_destroy(m);
  free(ref);
  T_EQ_INT(bad_old, 0);
}

static void t_annotate_karlov(void)
{
  size_t len;
  char *text = t_read_file("examples/karlov-funeral.txt", &len);
  long live0 = C.live;
  T_OK(text != NULL);
  sweep_annotate(text, len, DL_FIELDS_ALL, 0);
  sweep_annotate(text, len, DL_FIELDS_DEFAULT, DL_JSON_CHARS | DL_JSON_PRETTY);
  free(text);
  T_EQ_INT(C.live, live0);
}

static void t_annotate_invalid_utf8(void)
{
  static const char text[] = "date 2016-12-22\nBad \xff\xfe bytes\0 and "
                             "caf\xe9. \"Quoted,\" he said. Mr. Smith left.";
  long live0 = C.live;
  sweep_annotate(text, sizeof text - 1, DL_FIELDS_ALL, DL_JSON_CHARS);
  T_EQ_INT(C.live, live0);
}

static void t_annotate_empty(void)
{
  /* DL_ERR_EMPTY, not NOMEM, once memory suffices; no leak either way. */
  dl_options o = opts();
  dl_model *m = NULL;
  dl_annotator *a = NULL;
  dl_input in;
  long n, live0;
  T_EQ_INT(dl_model_create_empty(&o, &m, NULL), DL_OK);
  T_EQ_INT(dl_annotator_create(m, &a, NULL), DL_OK);
  live0 = C.live;
  memset(&in, 0, sizeof in);
  in.text = "   \n ";
  in.len = 5;
  for (n = 1; n < 100; n++) {
    dl_doc *d = NULL;
    dl_status rc;
    arm(n);
    rc = dl_annotate(a, &in, DL_FIELDS_ALL, &d, NULL);
    arm(0);
    T_OK(rc == DL_ERR_NOMEM || rc == DL_ERR_EMPTY);
    T_EQ_INT(C.live, live0);
    if (rc == DL_ERR_EMPTY) break;
  }
  dl_annotator_destroy(a);
  dl_model_destroy(m);
}

static void t_no_leaks_at_end(void)
{
  T_EQ_INT(C.live, 0);
  T_EQ_INT(C.bytes, 0);
}

static const t_case cases[] = {
    {"model_create_empty", t_model_create_empty},
    {"model_load", t_model_load},
    {"annotator_create", t_annotator_create},
    {"annotate_karlov", t_annotate_karlov},
    {"annotate_invalid_utf8", t_annotate_invalid_utf8},
    {"annotate_empty", t_annotate_empty},
    {"no_leaks_at_end", t_no_leaks_at_end},
    {NULL, NULL},
};
T_MAIN(cases)
