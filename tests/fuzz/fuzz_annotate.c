/*
** fuzz_annotate.c -- libFuzzer target for dl_annotate + dl_doc_to_json.
**
** The first byte picks the fields, the JSON flags and the date options;
** the rest is the document. Invariants (fuzz_check.h): every span inside
** the text and on code point boundaries, tokens and sentences increasing,
** sentences on token boundaries, the record valid UTF-8 JSON whose spans
** equal the document's (in bytes, or in code points counted here
** independently of record.c), failures only with the documented codes.
**
**   make fuzz && build/fuzz/fuzz_annotate tests/fuzz/corpus/annotate
**   (replayed under gcc by make test: build/fuzz/fuzz_annotate-replay)
*/
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static dl_model *model;
static dl_annotator *annot;

static void setup(void)
{
  const char *dir = getenv("DATELINE_MODEL_DIR");
  if (model) return;
  /* The real resources when they are there (more code to reach), else an
  ** empty model. */
  if (dl_model_load(dir ? dir : "models", NULL, &model, NULL) != DL_OK)
    FZ_CHECK(dl_model_create_empty(NULL, &model, NULL) == DL_OK, "model");
  FZ_CHECK(dl_annotator_create(model, &annot, NULL) == DL_OK, "annotator");
}

static const uint64_t field_sets[8] = {
    DL_FIELDS_DEFAULT,
    DL_FIELDS_ALL,
    DL_FIELD_TOKENS | DL_FIELD_SENTENCES,
    DL_FIELD_TOKENS,
    DL_FIELD_CLEAN | DL_FIELD_DATE | DL_FIELD_ENCODING,
    DL_FIELD_TEXT | DL_FIELD_ENCODING | DL_FIELD_TOKENS,
    DL_FIELD_ENTITIES | DL_FIELD_TOKENS | DL_FIELD_SENTENCES,
    DL_FIELD_ID,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  dl_input in;
  dl_doc *d = NULL;
  dl_error err;
  dl_status rc;
  unsigned sel, jflags;
  uint64_t fields;
  char *js = NULL;
  size_t n = 0, *cp;
  json_t *root;
  if (size < 1 || size > FUZZ_MAX_LEN) return 0;
  setup();
  sel = data[0];
  fields = field_sets[sel & 7];
  jflags = ((sel >> 3) & 1 ? DL_JSON_CHARS : 0) |
           ((sel >> 4) & 1 ? DL_JSON_PRETTY : 0);
  memset(&in, 0, sizeof in);
  in.text = (const char *)data + 1;
  in.len = size - 1;
  in.id = (sel >> 5) & 1 ? "fuzz" : NULL;
  in.default_date = (sel >> 6) & 1 ? "2016-12-22" : NULL;
  in.date = (sel >> 7) & 1 ? "2001-09-11T08:46" : NULL;

  rc = dl_annotate(annot, &in, fields, &d, &err);
  if (rc != DL_OK) {
    FZ_CHECK(d == NULL, "out set on failure");
    FZ_CHECK(err.code == rc, "err.code %d, rc %d", (int)err.code, (int)rc);
    FZ_CHECK(rc == DL_ERR_EMPTY || rc == DL_ERR_TOO_BIG, "status %s: %s",
             dl_status_name(rc), err.msg);
    FZ_CHECK(dl_error_to_json(in.id, 0, &err, &js, &n) == DL_OK, "error json");
    json_decref(fz_check_json(js, n));
    dl_free(js);
    return 0;
  }
  cp = fz_cp_index(in.text, in.len);
  fz_check_doc(d, cp);
  FZ_CHECK(dl_doc_to_json(d, jflags, fields, &js, &n) == DL_OK, "to_json");
  root = fz_check_json(js, n);
  {
    bool chars = (jflags & DL_JSON_CHARS) != 0;
    json_t *enc = json_object_get(root, "encoding");
    fz_check_json_spans(root, "tokens", d, DL_KIND_TOKEN, cp, chars);
    fz_check_json_spans(root, "sentences", d, DL_KIND_SENTENCE, cp, chars);
    fz_check_json_spans(root, "clean", d, DL_KIND_CLEAN, cp, chars);
    if (enc)
      fz_check_json_spans(enc, "spans", d, DL_KIND_INVALID_UTF8, cp, chars);
    if (in.date)
      FZ_CHECK(strcmp(dl_doc_date(d, NULL), "2001-09-11T08:46") == 0,
               "input date lost");
    if (fields & DL_FIELD_TEXT) {
      /* The text comes back with each invalid byte as U+FFFD: as many
      ** code points as the index counted. */
      json_t *t = json_object_get(root, "text");
      const unsigned char *s = (const unsigned char *)json_string_value(t);
      size_t k = 0, tl = json_string_length(t);
      FZ_CHECK(s != NULL, "text missing");
      for (size_t i = 0; i < tl; i += fz_utf8_len(s, tl, i)) k++;
      FZ_CHECK(k == cp[in.len], "text has %zu code points, input %zu", k,
               cp[in.len]);
    }
  }
  json_decref(root);
  dl_free(js);
  free(cp);
  dl_doc_destroy(d);
  return 0;
}
