/*
** stories.c -- `dateline stories [FILE...]`: group articles about one event
** into stories, one pass, within a sliding time window (src/stories.c).
**
** Input: JSONL, in (roughly) date order, of either
**   - records of `dateline annotate` (they have "entities"): their
**     entities (name, salience), places (name; "focus" counts double),
**     dates (DATE values of a day), date, title and, when present, text;
**   - raw articles (a "text" and no "entities"): annotated here first
**     (entities, places, dates), one thread -- for speed, pipe
**     `dateline annotate --threads N` into `dateline stories` instead.
** Files, directories, .gz/.zst as for annotate.
**
** Output: each input line with "story": {"id": "s12", "label": "...",
** "score": 0.41} spliced in (score: similarity to the story joined, 0 for
** the first article); --brief writes only id and story. The label is the
** story's state when the article joined it (top entities | place | first
** date). Lines that are not JSON objects, or have neither entities nor
** text, yield error records in place (exit 1). A file that is not JSONL
** is one raw article whose id is its path.
**
** Input loop, error records, output and --resume: corpus.c. A resumed
** run re-reads the inputs from the start and adds every article to fresh
** stories again -- the open stories, the story counter and the IDF counts
** are the state a later line depends on; raw articles are annotated again
** -- comparing instead of writing until the end of the output file.
*/
#include "corpus.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

typedef struct st_run {
  dl_stories_options opt;
  dl_stories *st;
  cli_opts o;
  bool brief;
  cli_corpus c;
  dl_model *m; /* loaded on the first raw article */
  dl_annotator *a;
  bool model_failed;
  dl_story_feature *f;
  size_t nf, capf;
  char *words; /* lowercased word keys of the current article */
  size_t wlen, wcap;
} st_run;

static bool put(st_run *r, const char *s, size_t n)
{
  return cli_corpus_put(&r->c, s, n);
}

static void error_record(st_run *r, const char *id, unsigned long line,
                         const char *file, dl_status code, const char *msg)
{
  cli_corpus_error(&r->c, id, line, file, code, msg);
}

static bool feat(st_run *r, int group, const char *key, size_t len, double w)
{
  if (!key || !len || w <= 0) return true;
  if (r->nf == r->capf) {
    size_t nc = r->capf ? r->capf * 2 : 64;
    dl_story_feature *n = realloc(r->f, nc * sizeof *n);
    if (!n) return false;
    r->f = n;
    r->capf = nc;
  }
  r->f[r->nf].group = group;
  r->f[r->nf].key = key;
  r->f[r->nf].len = len;
  r->f[r->nf].weight = w;
  r->nf++;
  return true;
}

static const char *const stop[] = {
    "about", "after", "again", "also", "been", "before", "being", "between",
    "both", "could", "does", "during", "each", "from", "have", "having",
    "here", "into", "its", "just", "last", "like", "made", "make", "many",
    "more", "most", "much", "must", "next", "only", "other", "over", "said",
    "says", "same", "should", "since", "some", "such", "than", "that",
    "their", "them", "then", "there", "these", "they", "this", "those",
    "through", "told", "under", "until", "very", "were", "what", "when",
    "where", "which", "while", "will", "with", "would", "year", "years",
    "your"};

static bool is_stop(const char *w, size_t n)
{
  for (size_t i = 0; i < sizeof stop / sizeof stop[0]; i++)
    if (strlen(stop[i]) == n && memcmp(stop[i], w, n) == 0) return true;
  return false;
}

/* Content words (4+ letters, not stop words) of s, at most `max`, as WORD
** features of weight w. Keys live in r->words (reserved up front so that
** earlier keys do not move). */
static bool words(st_run *r, const char *s, size_t max, double w)
{
  size_t i = 0, n = 0, len = strlen(s);
  while (i < len && n < max) {
    size_t b, l;
    while (i < len && !((s[i] >= 'a' && s[i] <= 'z') ||
                        (s[i] >= 'A' && s[i] <= 'Z')))
      i++;
    b = i;
    while (i < len && ((s[i] >= 'a' && s[i] <= 'z') ||
                       (s[i] >= 'A' && s[i] <= 'Z')))
      i++;
    l = i - b;
    if (l < 4 || l > 40) continue;
    if (r->wlen + l > r->wcap) return true; /* reserved space is full */
    for (size_t k = 0; k < l; k++) {
      char c = s[b + k];
      r->words[r->wlen + k] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    if (is_stop(r->words + r->wlen, l)) continue;
    /* A crude plural fold: "quotas" and "quota", "talks" and "talk". */
    if (l >= 5 && r->words[r->wlen + l - 1] == 's' &&
        r->words[r->wlen + l - 2] != 's')
      l--;
    if (!feat(r, DL_STORY_WORD, r->words + r->wlen, l, w)) return false;
    r->wlen += l;
    n++;
  }
  return true;
}

/* "YYYY-MM-DD[...]" -> days since 1970-01-01. */
static bool parse_day(const char *s, double *out)
{
  int y, m, d, hh = 0, mm = 0;
  long yy, era, yoe, doy, doe;
  if (!s || strlen(s) < 10 || sscanf(s, "%4d-%2d-%2d", &y, &m, &d) != 3 ||
      m < 1 || m > 12 || d < 1 || d > 31)
    return false;
  if (strlen(s) >= 16 && s[10] == 'T') sscanf(s + 11, "%2d:%2d", &hh, &mm);
  yy = y - (m <= 2);
  era = (yy >= 0 ? yy : yy - 399) / 400;
  yoe = yy - era * 400;
  doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  *out = (double)(era * 146097 + doe - 719468) + (hh * 60 + mm) / 1440.0;
  return true;
}

static const char *jstr(json_t *o, const char *k)
{
  json_t *v = json_object_get(o, k);
  return json_is_string(v) ? json_string_value(v) : NULL;
}

/* The initials of a name of 2-6 capitalised words ("International Coffee
** Organization" -> "ICO"), as a second key for the entity: the acronym
** is how the later paragraphs and other articles name it. */
static bool acronym(st_run *r, const char *name, double w)
{
  char ini[8];
  size_t n = 0;
  const char *p = name;
  while (*p) {
    while (*p == ' ') p++;
    if (!*p) break;
    if (*p >= 'A' && *p <= 'Z') {
      if (n == 6) return true;
      ini[n++] = *p;
    } else if (!(strncmp(p, "of ", 3) == 0 || strncmp(p, "for ", 4) == 0 ||
                 strncmp(p, "and ", 4) == 0 || strncmp(p, "the ", 4) == 0)) {
      return true;
    }
    while (*p && *p != ' ') p++;
  }
  if (n < 2 || r->wlen + n > r->wcap) return true;
  memcpy(r->words + r->wlen, ini, n);
  if (!feat(r, DL_STORY_ENTITY, r->words + r->wlen, n, w)) return false;
  r->wlen += n;
  return true;
}

/* Features of a record (annotate's output shape). */
static bool features(st_run *r, json_t *rec, dl_story_item *it)
{
  json_t *v, *e;
  size_t i;
  const char *s;
  r->nf = 0;
  r->wlen = 0;
  memset(it, 0, sizeof *it);
  it->has_day = parse_day(jstr(rec, "date"), &it->day);
  json_array_foreach(json_object_get(rec, "entities"), i, e)
  {
    const char *name = jstr(e, "name"), *type = jstr(e, "type");
    json_t *sal = json_object_get(e, "salience");
    double w = json_is_number(sal) ? json_number_value(sal) : 0.5;
    /* Places are their own group: a shared country is no evidence of one
    ** event ("Japan" trade figures and "Japan" unemployment). */
    if (type && strcmp(type, "LOC") == 0) continue;
    if (name && !feat(r, DL_STORY_ENTITY, name, strlen(name), w + 0.05))
      return false;
    if (name && type && strcmp(type, "PER") != 0 &&
        !acronym(r, name, (w + 0.05) / 2))
      return false;
  }
  json_array_foreach(json_object_get(rec, "places"), i, e)
  {
    const char *name = jstr(e, "name");
    json_t *c = json_object_get(e, "confidence");
    if (name && !feat(r, DL_STORY_PLACE, name, strlen(name),
                      json_is_number(c) ? json_number_value(c) : 1))
      return false;
  }
  v = json_object_get(json_object_get(rec, "focus"), "place");
  if ((s = jstr(v, "name")) && !feat(r, DL_STORY_PLACE, s, strlen(s), 1))
    return false;
  json_array_foreach(json_object_get(rec, "dates"), i, e)
  {
    const char *val = jstr(e, "value");
    if (val && strlen(val) == 10 && val[4] == '-' && val[7] == '-' &&
        !feat(r, DL_STORY_DATE, val, 10, 1))
      return false;
  }
  if ((s = jstr(rec, "title")) && !words(r, s, 20, 2)) return false;
  if ((s = jstr(rec, "text")) && !words(r, s, 60, 1)) return false;
  it->features = r->f;
  it->n_features = r->nf;
  return true;
}

/* Annotates a raw article (text, and title and date when the line has
** them); the record's JSON, parsed, with the raw text (caller decrefs). */
static json_t *annotate_raw(st_run *r, json_t *text, const char *title,
                            const char *date, const char *id, dl_error *err)
{
  dl_input in;
  dl_doc *d = NULL;
  char *js = NULL;
  size_t n;
  json_t *rec = NULL;
  const uint64_t fields = DL_FIELD_DATE | DL_FIELD_TITLE |
                          DL_FIELD_ENTITIES | DL_FIELD_PLACES |
                          DL_FIELD_DATES;
  if (!r->m && !r->model_failed) {
    r->m = cli_load_model(&r->o);
    if (!r->m || dl_annotator_create(r->m, &r->a, err) != DL_OK)
      r->model_failed = true;
  }
  if (r->model_failed) {
    err->code = DL_ERR_IO;
    snprintf(err->msg, sizeof err->msg, "no model to annotate raw articles");
    return NULL;
  }
  memset(&in, 0, sizeof in);
  in.text = json_string_value(text);
  in.len = json_string_length(text);
  in.id = id;
  in.title = title;
  in.date = date;
  in.default_date = r->o.date;
  if (dl_annotate(r->a, &in, fields, &d, err) != DL_OK) return NULL;
  if (dl_doc_to_json(d, 0, fields, &js, &n) == DL_OK)
    rec = json_loadb(js, n, 0, NULL);
  dl_free(js);
  dl_doc_destroy(d);
  if (!rec) {
    err->code = DL_ERR_NOMEM;
    snprintf(err->msg, sizeof err->msg, "writing the record failed");
    return NULL;
  }
  /* The words come from the raw text. */
  json_object_set(rec, "text", text);
  return rec;
}

/* The record to take features from (new reference), or NULL after an
** error record. */
static json_t *record_of(st_run *r, const cli_corpus_doc *d)
{
  dl_error err;
  json_t *rec = NULL, *t;
  if (!d->root) { /* a text file: one raw article */
    t = json_stringn_nocheck(d->text, d->text_len);
    if (t) rec = annotate_raw(r, t, NULL, NULL, d->id, &err);
    else snprintf(err.msg, sizeof err.msg, "out of memory");
    json_decref(t);
    if (!rec) error_record(r, d->id, 0, d->file, t ? err.code : DL_ERR_NOMEM,
                           err.msg);
    return rec;
  }
  if (json_is_array(json_object_get(d->root, "entities")))
    return json_incref(d->root);
  t = json_object_get(d->root, "text");
  if (json_is_string(t)) {
    rec = annotate_raw(r, t, jstr(d->root, "title"), jstr(d->root, "date"),
                       d->id, &err);
    if (!rec) error_record(r, d->id, d->lineno, d->file, err.code, err.msg);
    return rec;
  }
  error_record(r, d->id, d->lineno, d->file, DL_ERR_FORMAT,
               "line has neither \"entities\" (a record) nor \"text\"");
  return NULL;
}

/* The output line: the input line (or the record, re-serialised when it
** already had a story; only the id for --brief or a text file) with the
** story spliced in before its closing brace. */
static void write_line(st_run *r, const cli_corpus_doc *d,
                       const dl_story_match *m)
{
  char tail[2048], *lab;
  {
    json_t *l = json_string(m->label);
    lab = l ? json_dumps(l, JSON_ENCODE_ANY) : NULL;
    json_decref(l);
  }
  snprintf(tail, sizeof tail,
           "\"story\":{\"id\":\"s%llu\",\"label\":%s,\"score\":%.3f}}\n",
           (unsigned long long)m->story + 1, lab ? lab : "\"\"", m->score);
  free(lab);
  if (r->brief || !d->root) {
    char *ids = NULL;
    json_t *j = d->id ? json_string(d->id) : NULL;
    ids = j ? json_dumps(j, JSON_ENCODE_ANY) : NULL;
    json_decref(j);
    put(r, "{\"id\":", 6);
    put(r, ids ? ids : "null", strlen(ids ? ids : "null"));
    put(r, ",", 1);
    free(ids);
  } else if (json_object_get(d->root, "story")) {
    /* Clustered before: replace the field rather than repeat it. */
    char *s;
    size_t n;
    json_object_del(d->root, "story");
    s = json_dumps(d->root, JSON_COMPACT);
    n = s ? strlen(s) : 0;
    if (n && s[n - 1] == '}') n--;
    put(r, s ? s : "{", s ? n : 1);
    if (n > 1) put(r, ",", 1);
    free(s);
  } else {
    const char *line = d->line;
    size_t n = d->len;
    while (n && (line[n - 1] == ' ' || line[n - 1] == '\t')) n--;
    if (n && line[n - 1] == '}') n--;
    while (n && (line[n - 1] == ' ' || line[n - 1] == '\t')) n--;
    put(r, line, n);
    if (n && line[n - 1] != '{') put(r, ",", 1);
  }
  put(r, tail, strlen(tail));
}

/* One input document (corpus.c has parsed the line and read its id). */
static void on_doc(cli_corpus *c, void *ctx, const cli_corpus_doc *d)
{
  st_run *r = ctx;
  json_t *rec;
  dl_story_item it;
  dl_story_match m;
  dl_error err;
  (void)c;
  if (!(rec = record_of(r, d))) return;
  /* Word keys point into r->words: reserve for the longest case. */
  {
    const char *tx = jstr(rec, "text"), *ti = jstr(rec, "title");
    size_t need = (tx ? strlen(tx) : 0) + (ti ? strlen(ti) : 0) + 1;
    if (need > r->wcap) {
      char *nw = realloc(r->words, need);
      if (!nw) {
        error_record(r, d->id, d->lineno, d->file, DL_ERR_NOMEM,
                     "out of memory");
        json_decref(rec);
        return;
      }
      r->words = nw;
      r->wcap = need;
    }
  }
  if (!features(r, rec, &it) ||
      dl_stories_add(r->st, &it, &m, &err) != DL_OK) {
    error_record(r, d->id, d->lineno, d->file, DL_ERR_NOMEM, "out of memory");
    json_decref(rec);
    return;
  }
  write_line(r, d, &m);
  json_decref(rec);
}

static int extra_flag(void *ctx, int argc, char **argv, int i)
{
  st_run *r = ctx;
  const char *a = argv[i];
  char *end;
  double d;
  int k = cli_corpus_flag(&r->c, argc, argv, i);
  if (k) return k;
  if (strcmp(a, "--brief") == 0) {
    r->brief = true;
    return 1;
  }
  if (strcmp(a, "--threshold") != 0 && strcmp(a, "--window") != 0)
    return 0;
  if (i + 1 >= argc) {
    cli_usage("%s needs a value", a);
    return -1;
  }
  errno = 0;
  d = strtod(argv[i + 1], &end);
  if (errno || *end || d <= 0 || (strcmp(a, "--threshold") == 0 && d > 1) ||
      d > 36500) {
    cli_usage("%s takes a number %s", a,
              strcmp(a, "--threshold") == 0 ? "in (0, 1]" : "of days > 0");
    return -1;
  }
  if (strcmp(a, "--threshold") == 0)
    r->opt.threshold = d;
  else
    r->opt.window_days = d;
  return 2;
}

int cmd_stories(int argc, char **argv)
{
  st_run r;
  dl_error err;
  int rc;
  memset(&r, 0, sizeof r);
  r.o.sub = "stories";
  if (cli_parse(&r.o, argc, argv, extra_flag, &r) != 0) {
    free(r.o.files);
    return CLI_EXIT_USAGE;
  }
  if (dl_stories_create(&r.opt, &r.st, &err) != DL_OK) {
    free(r.o.files);
    return cli_usage("%s", err.msg);
  }
  if ((rc = cli_corpus_open(&r.c)) == 0) {
    cli_corpus_run(&r.c, r.o.files, r.o.n_files, on_doc, &r);
    rc = cli_corpus_close(&r.c);
  }
  dl_stories_destroy(r.st);
  dl_annotator_destroy(r.a);
  dl_model_destroy(r.m);
  free(r.f);
  free(r.words);
  free(r.o.files);
  return rc;
}
