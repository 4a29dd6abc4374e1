/*
** test_api.c -- the public API's contract (include/dateline.h): NULL
** arguments, outputs set to NULL on failure, dl_fields_parse, the dl_doc
** accessors, error records, limits, versions. Uses only the public header.
*/
#include "dateline.h"
#include "t.h"

#include <stdlib.h>

static dl_model *M;
static dl_annotator *A;

static int setup(void)
{
  dl_error err;
  if (A) return 1;
  if (dl_model_create_empty(NULL, &M, &err) != DL_OK) return 0;
  if (dl_annotator_create(M, &A, &err) != DL_OK) return 0;
  return 1;
}

static dl_doc *annotate(const char *text, uint64_t fields)
{
  dl_input in;
  dl_doc *d = NULL;
  memset(&in, 0, sizeof in);
  in.text = text;
  in.len = strlen(text);
  if (dl_annotate(A, &in, fields, &d, NULL) != DL_OK) return NULL;
  return d;
}

static void t_null_args(void)
{
  dl_model *m = (dl_model *)1;
  dl_annotator *a = (dl_annotator *)1;
  dl_doc *d = (dl_doc *)1;
  dl_input in;
  dl_error err;
  char *js = (char *)1;
  size_t n = 7;
  T_OK(setup());
  memset(&in, 0, sizeof in);

  T_EQ_INT(dl_model_load(NULL, NULL, NULL, &err), DL_ERR_INVALID);
  T_EQ_INT(err.code, DL_ERR_INVALID);
  T_OK(err.msg[0] != 0);
  T_EQ_INT(dl_model_create_empty(NULL, NULL, NULL), DL_ERR_INVALID);
  T_EQ_INT(dl_annotator_create(NULL, &a, &err), DL_ERR_INVALID);
  T_OK(a == NULL);
  T_EQ_INT(dl_annotator_create(M, NULL, NULL), DL_ERR_INVALID);

  T_EQ_INT(dl_annotate(NULL, &in, DL_FIELDS_DEFAULT, &d, &err),
           DL_ERR_INVALID);
  T_OK(d == NULL);
  d = (dl_doc *)1;
  T_EQ_INT(dl_annotate(A, NULL, DL_FIELDS_DEFAULT, &d, NULL), DL_ERR_INVALID);
  T_OK(d == NULL);
  T_EQ_INT(dl_annotate(A, &in, DL_FIELDS_DEFAULT, NULL, NULL),
           DL_ERR_INVALID);
  in.len = 5; /* NULL text with a length */
  T_EQ_INT(dl_annotate(A, &in, DL_FIELDS_DEFAULT, &d, &err), DL_ERR_INVALID);
  T_OK(d == NULL);
  in.len = 0; /* NULL text, no length: empty */
  T_EQ_INT(dl_annotate(A, &in, DL_FIELDS_DEFAULT, &d, &err), DL_ERR_EMPTY);
  T_EQ_INT(err.code, DL_ERR_EMPTY);

  T_EQ_INT(dl_doc_to_json(NULL, 0, DL_FIELDS_ALL, &js, &n), DL_ERR_INVALID);
  T_OK(js == NULL);
  T_EQ_INT(n, 0);
  T_EQ_INT(dl_doc_to_json(NULL, 0, DL_FIELDS_ALL, NULL, NULL), DL_ERR_INVALID);
  T_EQ_INT(dl_error_to_json("x", 1, NULL, &js, &n), DL_ERR_INVALID);
  T_EQ_INT(dl_fields_parse("id", NULL, NULL), DL_ERR_INVALID);

  /* Destructors and readers accept NULL. */
  dl_doc_destroy(NULL);
  dl_annotator_destroy(NULL);
  dl_model_destroy(NULL);
  dl_free(NULL);
  T_EQ_INT(dl_doc_count(NULL, DL_KIND_TOKEN), 0);
  T_OK(dl_doc_text(NULL, &n) == NULL);
  T_OK(dl_doc_date(NULL, NULL) == NULL);
  T_OK(dl_doc_label(NULL, DL_KIND_ENTITY, 0) == NULL);
  T_OK(dl_doc_clean_reason(NULL, 0) == NULL);
  T_EQ_STR(dl_model_resources(NULL), "");
  {
    dl_span s;
    T_EQ_INT(dl_doc_span(NULL, DL_KIND_TOKEN, 0, &s), DL_ERR_INVALID);
  }
  (void)m;
}

static void t_fields_parse(void)
{
  uint64_t f = 1;
  dl_error err;
  T_EQ_INT(dl_fields_parse("id,date", &f, &err), DL_OK);
  T_OK(f == (DL_FIELD_ID | DL_FIELD_DATE));
  T_EQ_INT(dl_fields_parse(" id , sentences ", &f, &err), DL_OK);
  T_OK(f == (DL_FIELD_ID | DL_FIELD_SENTENCES));
  T_EQ_INT(dl_fields_parse("all", &f, &err), DL_OK);
  T_OK(f == DL_FIELDS_ALL);
  T_EQ_INT(dl_fields_parse("default,tokens", &f, &err), DL_OK);
  T_OK(f == (DL_FIELDS_DEFAULT | DL_FIELD_TOKENS));
  T_EQ_INT(dl_fields_parse("", &f, &err), DL_OK);
  T_OK(f == 0);
  T_EQ_INT(dl_fields_parse("id,,text,", &f, &err), DL_OK);
  T_OK(f == (DL_FIELD_ID | DL_FIELD_TEXT));
  f = 1;
  T_EQ_INT(dl_fields_parse("id,nonsense", &f, &err), DL_ERR_INVALID);
  T_OK(f == 0);
  T_EQ_INT(err.code, DL_ERR_INVALID);
  T_EQ_INT(err.offset, 3);
  T_OK(strstr(err.msg, "nonsense") != NULL);
  T_EQ_INT(dl_fields_parse("ID", &f, &err), DL_ERR_INVALID); /* exact */
  T_EQ_INT(dl_fields_parse("idx", &f, &err), DL_ERR_INVALID);
  T_EQ_INT(dl_fields_parse("i", &f, &err), DL_ERR_INVALID);
  T_EQ_INT(dl_fields_parse(NULL, &f, &err), DL_ERR_INVALID);
  /* Every named bit parses back to itself. */
  for (int b = 0; b < 64; b++) {
    uint64_t bit = UINT64_C(1) << b;
    const char *name = dl_field_name(bit);
    if (!name) continue;
    T_EQ_INT(dl_fields_parse(name, &f, &err), DL_OK);
    T_OK(f == bit);
  }
  T_EQ_STR(dl_field_name(DL_FIELD_TOKENS), "tokens");
  T_EQ_STR(dl_field_name(DL_FIELD_ENCODING), "encoding");
  T_OK(dl_field_name(0) == NULL);
  T_OK(dl_field_name(DL_FIELD_ID | DL_FIELD_DATE) == NULL);
}

static void t_status_text(void)
{
  for (int c = DL_OK; c <= DL_ERR_EMPTY; c++) {
    T_OK(dl_strerror((dl_status)c) != NULL);
    T_OK(strcmp(dl_strerror((dl_status)c), "unknown error") != 0);
    T_OK(strcmp(dl_status_name((dl_status)c), "unknown") != 0);
  }
  T_EQ_STR(dl_status_name(DL_ERR_NOMEM), "nomem");
  T_EQ_STR(dl_status_name(DL_ERR_EMPTY), "empty");
  T_EQ_STR(dl_strerror((dl_status)999), "unknown error");
  T_EQ_STR(dl_status_name((dl_status)-1), "unknown");
}

static void t_accessors(void)
{
  const char *text = "Hello world. Bye now.";
  dl_doc *d;
  dl_span s;
  size_t len = 0, nt, ns;
  T_OK(setup());
  d = annotate(text, DL_FIELD_TOKENS | DL_FIELD_SENTENCES);
  T_OK(d != NULL);
  nt = dl_doc_count(d, DL_KIND_TOKEN);
  ns = dl_doc_count(d, DL_KIND_SENTENCE);
  T_OK(nt >= 4);
  T_EQ_INT(ns, 2);
  T_EQ_INT(dl_doc_span(d, DL_KIND_SENTENCE, 0, &s), DL_OK);
  T_EQ_INT(s.start, 0);
  T_EQ_INT(s.end, 12);
  T_EQ_INT(dl_doc_span(d, DL_KIND_SENTENCE, 1, &s), DL_OK);
  T_EQ_INT(s.start, 13);
  T_EQ_INT(s.end, 21);
  T_EQ_INT(dl_doc_span(d, DL_KIND_TOKEN, 0, &s), DL_OK);
  T_EQ_INT(s.start, 0);
  T_EQ_INT(s.end, 5);
  T_EQ_INT(dl_doc_span(d, DL_KIND_SENTENCE, 2, &s), DL_ERR_INVALID);
  T_EQ_INT(dl_doc_span(d, DL_KIND_TOKEN, nt, &s), DL_ERR_INVALID);
  T_EQ_INT(dl_doc_span(d, (dl_kind)99, 0, &s), DL_ERR_INVALID);
  T_EQ_INT(dl_doc_span(d, DL_KIND_TOKEN, 0, NULL), DL_ERR_INVALID);
  T_EQ_INT(dl_doc_count(d, (dl_kind)99), 0);
  T_EQ_INT(dl_doc_count(d, DL_KIND_INVALID_UTF8), 0);
  /* The text is the document's own copy. */
  T_OK(dl_doc_text(d, &len) != text);
  T_EQ_INT(len, strlen(text));
  T_EQ_STR(dl_doc_text(d, NULL), text);
  T_OK(dl_doc_date(d, NULL) == NULL);
  T_OK(dl_doc_label(d, DL_KIND_TOKEN, 0) == NULL);
  T_OK(dl_doc_label(d, DL_KIND_ENTITY, 0) == NULL);
  T_OK(dl_doc_clean_reason(d, 0) == NULL);
  dl_doc_destroy(d);
}

static void t_input_not_terminated(void)
{
  /* Input need not end in NUL and is never modified. */
  char buf[16];
  dl_input in;
  dl_doc *d = NULL;
  dl_span s;
  T_OK(setup());
  memcpy(buf, "Go home.XXXXXXXX", 16);
  memset(&in, 0, sizeof in);
  in.text = buf;
  in.len = 8;
  T_EQ_INT(dl_annotate(A, &in, DL_FIELD_TOKENS, &d, NULL), DL_OK);
  T_OK(memcmp(buf, "Go home.XXXXXXXX", 16) == 0);
  T_EQ_STR(dl_doc_text(d, NULL), "Go home.");
  T_OK(dl_doc_count(d, DL_KIND_TOKEN) >= 2);
  T_EQ_INT(dl_doc_span(d, DL_KIND_TOKEN, dl_doc_count(d, DL_KIND_TOKEN) - 1,
                       &s),
           DL_OK);
  T_EQ_INT(s.end, 8);
  dl_doc_destroy(d);
}

static void t_dates(void)
{
  dl_input in;
  dl_doc *d = NULL;
  dl_error err;
  const char *src = NULL;
  T_OK(setup());
  memset(&in, 0, sizeof in);
  in.text = "Nothing dated here.";
  in.len = strlen(in.text);
  in.default_date = "2016-12-22";
  T_EQ_INT(dl_annotate(A, &in, DL_FIELD_DATE, &d, &err), DL_OK);
  T_EQ_STR(dl_doc_date(d, &src), "2016-12-22");
  T_EQ_STR(src, "flag");
  dl_doc_destroy(d);
  in.date = "2001-09-11T08:46"; /* the input's date wins over --date */
  T_EQ_INT(dl_annotate(A, &in, DL_FIELD_DATE, &d, &err), DL_OK);
  T_EQ_STR(dl_doc_date(d, &src), "2001-09-11T08:46");
  T_EQ_STR(src, "input");
  dl_doc_destroy(d);
  in.date = "2016-02-30";
  d = (dl_doc *)1;
  T_EQ_INT(dl_annotate(A, &in, DL_FIELD_DATE, &d, &err), DL_ERR_INVALID);
  T_OK(d == NULL);
  T_OK(strstr(err.msg, "2016-02-30") != NULL);
  in.date = NULL;
  in.default_date = "2016-12-22T25:00";
  T_EQ_INT(dl_annotate(A, &in, DL_FIELD_DATE, &d, &err), DL_ERR_INVALID);
  in.default_date = "2016-12-2";
  T_EQ_INT(dl_annotate(A, &in, DL_FIELD_DATE, &d, &err), DL_ERR_INVALID);
  in.default_date = "2016-12-22T10:30:00";
  T_EQ_INT(dl_annotate(A, &in, DL_FIELD_DATE, &d, &err), DL_OK);
  T_EQ_STR(dl_doc_date(d, NULL), "2016-12-22T10:30");
  dl_doc_destroy(d);
  in.default_date = "2000-02-29"; /* leap years */
  T_EQ_INT(dl_annotate(A, &in, DL_FIELD_DATE, &d, &err), DL_OK);
  dl_doc_destroy(d);
  in.default_date = "1900-02-29";
  T_EQ_INT(dl_annotate(A, &in, DL_FIELD_DATE, &d, &err), DL_ERR_INVALID);
}

static void t_empty(void)
{
  static const char *const empties[] = {"", " ", "\n\n\t\r\n",
                                        "\xc2\xa0\xe2\x80\x83\xe3\x80\x80"};
  T_OK(setup());
  for (size_t i = 0; i < sizeof empties / sizeof *empties; i++) {
    dl_input in;
    dl_doc *d = (dl_doc *)1;
    dl_error err;
    memset(&in, 0, sizeof in);
    in.text = empties[i];
    in.len = strlen(empties[i]);
    T_EQ_INT(dl_annotate(A, &in, DL_FIELDS_DEFAULT, &d, &err), DL_ERR_EMPTY);
    T_OK(d == NULL);
    T_EQ_INT(err.code, DL_ERR_EMPTY);
  }
  {
    dl_input in;
    dl_doc *d = NULL;
    memset(&in, 0, sizeof in);
    in.text = "\0\0\0"; /* NULs only: white space once replaced */
    in.len = 3;
    T_EQ_INT(dl_annotate(A, &in, DL_FIELDS_DEFAULT, &d, NULL), DL_ERR_EMPTY);
  }
}

static void t_invalid_bytes(void)
{
  const char text[] = "a\xff" "b \xc3 c\0d";
  dl_input in;
  dl_doc *d = NULL;
  dl_span s;
  char *js;
  size_t n;
  T_OK(setup());
  memset(&in, 0, sizeof in);
  in.text = text;
  in.len = sizeof text - 1;
  T_EQ_INT(dl_annotate(A, &in, DL_FIELD_TEXT | DL_FIELD_ENCODING, &d, NULL),
           DL_OK);
  T_EQ_INT(dl_doc_count(d, DL_KIND_INVALID_UTF8), 3);
  T_EQ_INT(dl_doc_span(d, DL_KIND_INVALID_UTF8, 0, &s), DL_OK);
  T_EQ_INT(s.start, 1);
  T_EQ_INT(s.end, 2);
  T_EQ_INT(dl_doc_span(d, DL_KIND_INVALID_UTF8, 1, &s), DL_OK);
  T_EQ_INT(s.start, 4);
  T_EQ_INT(dl_doc_span(d, DL_KIND_INVALID_UTF8, 2, &s), DL_OK);
  T_EQ_INT(s.start, 7);
  /* The document keeps the bytes as given. */
  T_OK(memcmp(dl_doc_text(d, NULL), text, sizeof text) == 0);
  T_EQ_INT(dl_doc_to_json(d, 0, DL_FIELD_TEXT | DL_FIELD_ENCODING, &js, &n),
           DL_OK);
  T_EQ_STR(js, "{\"text\":\"a\xef\xbf\xbd" "b \xef\xbf\xbd c\\u0000d\","
               "\"encoding\":{\"invalid_bytes\":3,\"spans\":["
               "{\"start\":1,\"end\":2},{\"start\":4,\"end\":5},"
               "{\"start\":7,\"end\":8}]}}");
  T_EQ_INT(n, strlen(js));
  dl_free(js);
  dl_doc_destroy(d);
}

static void t_to_json_fields(void)
{
  dl_doc *d;
  char *js;
  size_t n;
  T_OK(setup());
  d = annotate("One two. Three.", DL_FIELD_ID | DL_FIELD_SENTENCES);
  T_OK(d != NULL);
  /* Fields not computed are not written, even when asked for. */
  T_EQ_INT(dl_doc_to_json(d, 0, DL_FIELDS_ALL, &js, &n), DL_OK);
  T_EQ_STR(js, "{\"id\":null,\"sentences\":[{\"start\":0,\"end\":8},"
               "{\"start\":9,\"end\":15}]}");
  dl_free(js);
  T_EQ_INT(dl_doc_to_json(d, 0, DL_FIELD_ID, &js, NULL), DL_OK);
  T_EQ_STR(js, "{\"id\":null}");
  dl_free(js);
  T_EQ_INT(dl_doc_to_json(d, 0, 0, &js, &n), DL_OK);
  T_EQ_STR(js, "{}");
  dl_free(js);
  dl_doc_destroy(d);
  /* A field whose stage does not exist is named, never faked. */
  /* (events: a stage not written yet; pick another field once it is) */
  d = annotate("Quote.", DL_FIELD_EVENTS);
  T_OK(d != NULL);
  T_EQ_INT(dl_doc_to_json(d, 0, DL_FIELD_EVENTS, &js, &n), DL_OK);
  T_OK(strstr(js, "\"unavailable\":[") != NULL);
  T_OK(strstr(js, "\"events\":") == NULL);
  T_OK(strstr(js, "\"notes\"") == NULL);
  dl_free(js);
  dl_doc_destroy(d);
  /* A stage that ran without its model says so under "notes"; the
  ** field itself is produced (empty), so it is not "unavailable". */
  d = annotate("Vladimir Putin spoke.", DL_FIELD_ENTITIES);
  T_OK(d != NULL);
  T_EQ_INT(dl_doc_to_json(d, 0, DL_FIELD_ENTITIES, &js, &n), DL_OK);
  T_OK(strstr(js, "\"notes\":[\"entities: no NER model loaded\"]") != NULL);
  T_OK(strstr(js, "\"unavailable\"") == NULL);
  dl_free(js);
  dl_doc_destroy(d);
}

static void t_error_records(void)
{
  dl_error e;
  char *js = NULL;
  size_t n = 0;
  memset(&e, 0, sizeof e);
  e.code = DL_ERR_FORMAT;
  snprintf(e.msg, sizeof e.msg, "bad \"thing\"\n");
  e.offset = 12;
  T_EQ_INT(dl_error_to_json("doc-1", 3, &e, &js, &n), DL_OK);
  T_EQ_STR(js, "{\"id\":\"doc-1\",\"line\":3,\"error\":{\"code\":\"format\","
               "\"message\":\"bad \\\"thing\\\"\\n\",\"offset\":12}}");
  T_EQ_INT(n, strlen(js));
  dl_free(js);
  e.code = DL_ERR_EMPTY;
  e.msg[0] = 0;
  e.offset = 0;
  T_EQ_INT(dl_error_to_json(NULL, 0, &e, &js, NULL), DL_OK);
  T_EQ_STR(js, "{\"id\":null,\"error\":{\"code\":\"empty\","
               "\"message\":\"no text to analyse\"}}");
  dl_free(js);
  /* An id with invalid UTF-8 still gives valid JSON. */
  e.code = DL_ERR_IO;
  snprintf(e.msg, sizeof e.msg, "caf\xe9");
  T_EQ_INT(dl_error_to_json("x\xff", 1, &e, &js, NULL), DL_OK);
  T_EQ_STR(js, "{\"id\":\"x\xef\xbf\xbd\",\"line\":1,\"error\":{\"code\":"
               "\"io\",\"message\":\"caf\xef\xbf\xbd\"}}");
  dl_free(js);
}

static void t_limits(void)
{
  dl_options opt;
  dl_model *m = NULL;
  dl_annotator *a = NULL;
  dl_input in;
  dl_doc *d = (dl_doc *)1;
  dl_error err;
  memset(&opt, 0, sizeof opt);
  opt.max_doc_bytes = 10;
  T_EQ_INT(dl_model_create_empty(&opt, &m, &err), DL_OK);
  T_EQ_INT(dl_annotator_create(m, &a, &err), DL_OK);
  memset(&in, 0, sizeof in);
  in.text = "0123456789";
  in.len = 10;
  T_EQ_INT(dl_annotate(a, &in, DL_FIELDS_DEFAULT, &d, &err), DL_OK);
  dl_doc_destroy(d);
  in.text = "0123456789A";
  in.len = 11;
  T_EQ_INT(dl_annotate(a, &in, DL_FIELDS_DEFAULT, &d, &err), DL_ERR_TOO_BIG);
  T_OK(d == NULL);
  T_OK(strstr(err.msg, "11") != NULL);
  dl_annotator_destroy(a);
  dl_model_destroy(m);
}

static void t_version(void)
{
  T_EQ_STR(dl_version(), DL_VERSION);
  T_EQ_INT(dl_version_number(), DL_VERSION_NUMBER);
  T_EQ_INT(DL_VERSION_NUMBER, DL_VERSION_MAJOR * 10000 +
                                  DL_VERSION_MINOR * 100 + DL_VERSION_PATCH);
}

static void t_model_load_missing_dir(void)
{
  /* A folder without resources: the model loads, stages say what is
  ** missing in the record rather than failing. */
  dl_model *m = NULL;
  dl_error err;
  T_EQ_INT(dl_model_load("/nonexistent/dateline-models", NULL, &m, &err),
           DL_OK);
  T_OK(m != NULL);
  T_OK(dl_model_resources(m) != NULL);
  dl_model_destroy(m);
}

/* A dl_doc owns its memory: it does not change when the annotator goes on
** to other documents, and it outlives its annotator and its model. */
static void t_doc_lifetime(void)
{
  const char *dir = getenv("DATELINE_MODEL_DIR");
  dl_model *m = NULL;
  dl_annotator *a = NULL;
  dl_doc *d1 = NULL, *d2 = NULL;
  dl_input in;
  size_t len;
  char *text = t_read_file("examples/karlov-funeral.txt", &len);
  char *ref = NULL, *js = NULL, *js2 = NULL;
  T_OK(text != NULL);
  T_EQ_INT(dl_model_load(dir ? dir : "models", NULL, &m, NULL), DL_OK);
  T_EQ_INT(dl_annotator_create(m, &a, NULL), DL_OK);
  memset(&in, 0, sizeof in);
  in.text = text;
  in.len = len;
  T_EQ_INT(dl_annotate(a, &in, DL_FIELDS_ALL, &d1, NULL), DL_OK);
  T_EQ_INT(dl_doc_to_json(d1, DL_JSON_CHARS, DL_FIELDS_ALL, &ref, NULL),
           DL_OK);
  /* The input buffer may change or go away after dl_annotate. */
  memset(text, 'x', len);
  in.text = "Another text. With two sentences, said Mr. Smith in Paris.";
  in.len = strlen(in.text);
  T_EQ_INT(dl_annotate(a, &in, DL_FIELDS_ALL, &d2, NULL), DL_OK);
  dl_annotator_destroy(a);
  dl_model_destroy(m);
  T_EQ_INT(dl_doc_to_json(d1, DL_JSON_CHARS, DL_FIELDS_ALL, &js, NULL),
           DL_OK);
  T_EQ_STR(js, ref);
  T_EQ_INT(dl_doc_to_json(d2, DL_JSON_PRETTY, DL_FIELDS_ALL, &js2, NULL),
           DL_OK);
  T_OK(strstr(js2, "\"sentences\"") != NULL);
  T_OK(dl_doc_count(d1, DL_KIND_SENTENCE) > 10);
  dl_free(js);
  dl_free(js2);
  dl_free(ref);
  dl_doc_destroy(d2);
  dl_doc_destroy(d1);
  free(text);
}

static void t_teardown(void)
{
  dl_annotator_destroy(A);
  dl_model_destroy(M);
  A = NULL;
  M = NULL;
}

static const t_case cases[] = {
    {"null_args", t_null_args},
    {"fields_parse", t_fields_parse},
    {"status_text", t_status_text},
    {"accessors", t_accessors},
    {"input_not_terminated", t_input_not_terminated},
    {"dates", t_dates},
    {"empty", t_empty},
    {"invalid_bytes", t_invalid_bytes},
    {"to_json_fields", t_to_json_fields},
    {"error_records", t_error_records},
    {"limits", t_limits},
    {"version", t_version},
    {"model_load_missing_dir", t_model_load_missing_dir},
    {"doc_lifetime", t_doc_lifetime},
    {"teardown", t_teardown},
    {NULL, NULL},
};
T_MAIN(cases)
