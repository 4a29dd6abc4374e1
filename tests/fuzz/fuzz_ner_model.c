/*
** fuzz_ner_model.c -- libFuzzer target for the NER model loader
** (dl__ner_load_mem, src/ner.c).
**
** Invariants: a rejected image yields a documented status and a message
** naming the file; an accepted image tags a fixed set of hostile
** sentences (capitals, invalid UTF-8, a long token, no letters) without
** fault, and every tag sequence it produces is well-formed BILOU.
*/
#include "fuzz_check.h"
#include "ner.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const words[] = {
    "Vladimir", "Putin", "met", "Erdogan", "in", "Ankara", ".",
    "PUTIN", "VISITS", "TURKEY", "\xff\xfe", "!!!", "\xd0\x9c\xd0\xbe",
    "U.S.", "1996-08-22", "'s", ""};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct dl__ner *n = NULL;
  struct dl__ner_ws *ws;
  dl_error err;
  dl_status rc;
  enum { NW = sizeof words / sizeof words[0] };
  dl__ner_tok toks[NW + 1];
  size_t ends[3] = {7, 10, NW + 1};
  uint8_t tags[NW + 1];
  float margin[NW + 1];
  char longtok[300];
  if (size > FUZZ_MAX_LEN) return 0;
  rc = dl__ner_load_mem(NULL, data, size, "fuzz.dlm", &n, &err);
  if (rc != DL_OK) {
    FZ_CHECK(n == NULL, "model set on failure");
    FZ_CHECK(rc == DL_ERR_FORMAT || rc == DL_ERR_VERSION ||
                 rc == DL_ERR_NOMEM,
             "status %s", dl_status_name(rc));
    FZ_CHECK(strstr(err.msg, "fuzz.dlm") != NULL || rc == DL_ERR_NOMEM,
             "message does not name the file: %s", err.msg);
    return 0;
  }
  memset(longtok, 'A', sizeof longtok);
  for (size_t i = 0; i < NW; i++) {
    toks[i].p = words[i];
    toks[i].len = strlen(words[i]);
  }
  toks[NW].p = longtok;
  toks[NW].len = sizeof longtok;
  ws = dl__ner_ws_new(NULL);
  FZ_CHECK(ws != NULL, "workspace");
  rc = dl__ner_tag_doc(n, ws, toks, NW + 1, ends, 3, tags, margin, &err);
  FZ_CHECK(rc == DL_OK, "tag: %s", err.msg);
  for (size_t s = 0, b = 0; s < 3; b = ends[s], s++) {
    for (size_t i = b; i < ends[s]; i++) {
      FZ_CHECK(tags[i] < DL__NER_NT, "tag %u", tags[i]);
      FZ_CHECK(dl__ner_allowed(i > b ? tags[i - 1] : DL__NER_NT, tags[i]),
               "ill-formed %u after %u", tags[i], i > b ? tags[i - 1] : 99);
    }
    FZ_CHECK(dl__ner_tag_pos(tags[ends[s] - 1]) != 0 &&
                 dl__ner_tag_pos(tags[ends[s] - 1]) != 1,
             "sentence ends inside an entity");
  }
  dl__ner_ws_destroy(ws);
  dl__ner_destroy(n);
  return 0;
}
