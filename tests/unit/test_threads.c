/*
** test_threads.c -- one shared dl_model, several threads each with its own
** dl_annotator, annotating the Karlov article over and over: every record
** must equal the single-threaded reference (include/dateline.h: a model is
** shared read-only; annotators are per thread; no global mutable state).
** Under ThreadSanitizer: make SANITIZE=thread BUILD=build-tsan CC=clang,
** then build-tsan/tests/test_threads.
*/
#include "dateline.h"
#include "t.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define N_THREADS 4
#define N_ROUNDS 25

static dl_model *M;
static char *TEXT;
static size_t LEN;
static char *REF[2];
static size_t REF_LEN[2];

/* Two field sets and JSON flags, alternated, so that threads run
** different stage closures at the same time. */
static const uint64_t FIELDS[2] = {DL_FIELDS_ALL, DL_FIELDS_DEFAULT};
static const unsigned JFLAGS[2] = {0, DL_JSON_CHARS};

static int record(dl_annotator *a, int k, char **out, size_t *n)
{
  dl_input in;
  dl_doc *d = NULL;
  memset(&in, 0, sizeof in);
  in.text = TEXT;
  in.len = LEN;
  in.id = "karlov";
  if (dl_annotate(a, &in, FIELDS[k], &d, NULL) != DL_OK) return 0;
  if (dl_doc_to_json(d, JFLAGS[k], FIELDS[k], out, n) != DL_OK) {
    dl_doc_destroy(d);
    return 0;
  }
  dl_doc_destroy(d);
  return 1;
}

typedef struct job {
  int id;
  int mismatches;
  int failures;
} job;

static void *worker(void *arg)
{
  job *j = arg;
  dl_annotator *a = NULL;
  if (dl_annotator_create(M, &a, NULL) != DL_OK) {
    j->failures++;
    return NULL;
  }
  for (int r = 0; r < N_ROUNDS; r++) {
    int k = (r + j->id) & 1;
    char *js = NULL;
    size_t n = 0;
    if (!record(a, k, &js, &n)) {
      j->failures++;
      continue;
    }
    if (n != REF_LEN[k] || memcmp(js, REF[k], n) != 0) j->mismatches++;
    dl_free(js);
  }
  dl_annotator_destroy(a);
  return NULL;
}

static void t_setup(void)
{
  const char *dir = getenv("DATELINE_MODEL_DIR");
  dl_annotator *a = NULL;
  dl_error err;
  TEXT = t_read_file("examples/karlov-funeral.txt", &LEN);
  T_OK(TEXT != NULL);
  T_EQ_INT(dl_model_load(dir ? dir : "models", NULL, &M, &err), DL_OK);
  printf("  model resources: %s\n", dl_model_resources(M));
  T_EQ_INT(dl_annotator_create(M, &a, NULL), DL_OK);
  for (int k = 0; k < 2; k++) T_OK(record(a, k, &REF[k], &REF_LEN[k]));
  dl_annotator_destroy(a);
  T_OK(strstr(REF[0], "\"sentences\":[{") != NULL);
}

static void t_threads_agree(void)
{
  pthread_t th[N_THREADS];
  job jobs[N_THREADS];
  T_OK(M != NULL);
  for (int i = 0; i < N_THREADS; i++) {
    jobs[i].id = i;
    jobs[i].mismatches = jobs[i].failures = 0;
    T_EQ_INT(pthread_create(&th[i], NULL, worker, &jobs[i]), 0);
  }
  for (int i = 0; i < N_THREADS; i++) T_EQ_INT(pthread_join(th[i], NULL), 0);
  for (int i = 0; i < N_THREADS; i++) {
    T_EQ_INT(jobs[i].failures, 0);
    T_EQ_INT(jobs[i].mismatches, 0);
  }
}

static void t_teardown(void)
{
  dl_model_destroy(M);
  M = NULL;
  for (int k = 0; k < 2; k++) dl_free(REF[k]);
  free(TEXT);
}

static const t_case cases[] = {
    {"setup", t_setup},
    {"threads_agree", t_threads_agree},
    {"teardown", t_teardown},
    {NULL, NULL},
};
T_MAIN(cases)
