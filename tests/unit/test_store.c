/*
** test_store.c -- the corpus store's pieces on their own: the in-situ
** JSON reader (tools/dateline/sjson.c: strictness, escapes, limits) and
** the store (tools/dateline/store.c: validation of records, keys, the
** entity dictionary across records and rollbacks, rows per table). The
** CLI files are compiled into this test directly (the Makefile links
** unit tests against the library only).
*/
#include "../../tools/dateline/sjson.c"
#include "../../tools/dateline/store.c"
#include "t.h"

#include <stdlib.h>

/* Parses a copy of s (sj_parse writes into its buffer). */
static bool parse(sj_doc *d, const char *s, char **buf)
{
  size_t n = strlen(s);
  *buf = malloc(n + 1);
  memcpy(*buf, s, n + 1);
  return sj_parse(d, *buf, n);
}

static void t_sjson_valid(void)
{
  sj_doc d = {0};
  char *b;
  const sj_val *r, *v;
  T_OK(parse(&d,
             "{\"a\":1,\"b\":-2.5e1,\"c\":\"x\\u00e9\\ud83d\\ude00\\n\","
             "\"d\":[true,false,null,{}],\"e\":{\"f\":[]}}\r\n",
             &b));
  r = &d.v[0];
  T_EQ_INT(r->type, SJ_OBJ);
  T_EQ_INT(r->count, 5);
  v = sj_get(&d, r, "a");
  T_OK(v && v->type == SJ_NUM && v->num == 1);
  v = sj_get(&d, r, "b");
  T_OK(v && v->type == SJ_NUM && v->num == -25);
  v = sj_get(&d, r, "c");
  T_OK(v && v->type == SJ_STR);
  T_EQ_STR(v->str, "x\xc3\xa9\xf0\x9f\x98\x80\n");
  T_EQ_INT(v->count, 8);
  v = sj_get(&d, r, "d");
  T_OK(v && v->type == SJ_ARR && v->count == 4);
  T_EQ_INT(sj_child(&d, v)->type, SJ_TRUE);
  T_EQ_INT(sj_next(&d, sj_next(&d, sj_child(&d, v)))->type, SJ_NULL);
  T_OK(sj_get(&d, sj_get(&d, r, "e"), "f") != NULL);
  T_OK(sj_get(&d, r, "zz") == NULL);
  free(b);
  /* Whitespace wherever the grammar allows it, and a line that is
  ** whitespace after its value up to the end. */
  T_OK(parse(&d,
             " \t{ \"a\" :\r\n[ 1 ,\t2 ] ,\n\"b\"\n: \"x y\" , \"c\":{ } }"
             " \t \r\n",
             &b));
  r = &d.v[0];
  T_EQ_INT(r->count, 3);
  v = sj_get(&d, r, "a");
  T_OK(v && v->type == SJ_ARR && v->count == 2);
  T_OK(sj_next(&d, sj_child(&d, v))->num == 2);
  v = sj_get(&d, r, "b");
  T_OK(v && v->type == SJ_STR);
  T_EQ_STR(v->str, "x y");
  v = sj_get(&d, r, "c");
  T_OK(v && v->type == SJ_OBJ && v->count == 0);
  free(b);
  T_OK(!parse(&d, "{\"a\":1} x", &b));
  free(b);
  T_OK(!parse(&d, "{\"a\" 1}", &b));
  free(b);
  sj_free(&d);
}

/* Numbers: the decimal fast path (digits / exact power of ten) gives
** strtod's double, bit for bit, on random decimals of every length (the
** longer ones take strtod itself). */
static void t_sjson_numbers(void)
{
  sj_doc d = {0};
  char text[64], *b;
  uint64_t x = 88172645463325252ull;
  int bad = 0;
  for (int i = 0; i < 200000; i++) {
    int n = 0, ip, fp;
    double want, got;
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    ip = (int)(x % 19);
    fp = (int)(x >> 8 & 31) % 24 + 1;
    if (x >> 20 & 1) text[n++] = '-';
    text[n++] = ip ? (char)('1' + (x >> 24) % 9) : '0';
    for (int k = 1; k < ip; k++) text[n++] = (char)('0' + (x >> (k + 24)) % 10);
    text[n++] = '.';
    for (int k = 0; k < fp; k++)
      text[n++] = (char)('0' + ((x >> (k % 40)) * 2654435761u >> 7) % 10);
    text[n] = 0;
    want = strtod(text, NULL);
    if (!parse(&d, text, &b) || d.v[0].type != SJ_NUM) {
      bad++;
    } else {
      got = d.v[0].num;
      if (memcmp(&got, &want, sizeof got) != 0) bad++;
    }
    free(b);
  }
  T_EQ_INT(bad, 0);
  /* And the edges: -0.0, exactly 2^49 worth of digits, a long tail. */
  {
    static const char *const edge[] = {
        "-0.0", "0.1", "0.30000000000000004", "562949953421311.9",
        "5629499534213119.9", "1.7976931348623157", "0.000000000000000000001",
        "0.1234567890123456789012345", "-7.25", "1.5e3"};
    for (size_t i = 0; i < sizeof edge / sizeof edge[0]; i++) {
      double want = strtod(edge[i], NULL), got;
      T_OK(parse(&d, edge[i], &b));
      got = d.v[0].num;
      T_OK(memcmp(&got, &want, sizeof got) == 0);
      free(b);
    }
  }
  sj_free(&d);
}

static void t_sjson_invalid(void)
{
  static const char *const bad[] = {
      "", "   ", "{", "{\"a\":1,}", "[1,]", "{\"a\" 1}", "01", "1.", "-",
      "\"\x01\"", "\"\\x\"", "\"\\ud800\"", "\"\\udc00x\"", "\"\xff\"",
      "\"\xc0\xaf\"", "\"\xed\xa0\x80\"", "{} x", "tru", "nul", "[1 2]",
      "{\"a\":1}{", "\"abc",
  };
  sj_doc d = {0};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    char *b;
    bool ok = parse(&d, bad[i], &b);
    free(b);
    if (ok) {
      t_fail(__FILE__, __LINE__, "rejected", bad[i]);
      break;
    }
    T_OK(d.err[0] != 0);
  }
  sj_free(&d);
}

static void t_sjson_depth(void)
{
  char deep[300];
  sj_doc d = {0};
  char *b;
  memset(deep, '[', 200);
  deep[200] = 0;
  T_OK(!parse(&d, deep, &b));
  T_OK(strstr(d.err, "deep") != NULL);
  free(b);
  memset(deep, '[', 60);
  memset(deep + 60, ']', 60);
  deep[120] = 0;
  T_OK(parse(&d, deep, &b));
  free(b);
  sj_free(&d);
}

/* ---- store ------------------------------------------------------------ */

static const char rec1[] =
    "{\"id\":\"a1\",\"date\":\"2016-12-22\",\"title\":\"T\","
    "\"text\":\"Vladimir Putin spoke in Moscow.\","
    "\"entities\":[{\"id\":\"e1\",\"type\":\"PER\",\"name\":\"Vladimir "
    "Putin\",\"mentions\":[{\"start\":0,\"end\":14}],\"roles\":[],"
    "\"salience\":1},{\"id\":\"e2\",\"type\":\"LOC\",\"name\":\"Moscow\","
    "\"mentions\":[{\"start\":24,\"end\":30}],\"roles\":[]}],"
    "\"quotes\":[{\"span\":{\"start\":0,\"end\":5},\"text\":\"x\","
    "\"kind\":\"direct\",\"cue\":{\"verb\":\"spoke\"},\"speaker\":"
    "{\"entity\":\"e1\",\"name\":\"Vladimir Putin\",\"span\":null}}],"
    "\"places\":[{\"entity\":\"e2\",\"name\":\"Moscow\",\"lat\":55.75,"
    "\"lon\":37.6,\"country\":\"RU\",\"admin1\":\"48\"}],"
    "\"focus\":{\"country\":\"RU\",\"place\":{\"name\":\"Moscow\"}},"
    "\"themes\":[{\"theme\":\"LEADER\",\"count\":2}],"
    "\"story\":{\"id\":\"s1\",\"label\":\"Putin\"},\"dup_of\":null}";

static const char rec2[] =
    "{\"id\":7,\"text\":\"Putin again.\",\"entities\":[{\"id\":\"e1\","
    "\"type\":\"PER\",\"name\":\"Vladimir Putin\",\"mentions\":[]}],"
    "\"story\":\"s1\"}";

static int64_t count(store *s, const char *sql)
{
  sqlite3_stmt *st;
  int64_t n = -1;
  if (sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL) != SQLITE_OK)
    return -2;
  if (sqlite3_step(st) == SQLITE_ROW) n = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return n;
}

static int put(store *s, sj_doc *d, const char *json)
{
  char *b, keybuf[64], msg[256];
  const char *key;
  size_t kl;
  int rc;
  if (!parse(d, json, &b)) {
    free(b);
    return -1;
  }
  if (store_check(d, msg, sizeof msg) != REC_ANNOTATED) {
    free(b);
    return -2;
  }
  kl = store_key(d, b, strlen(json), keybuf, sizeof keybuf, &key);
  rc = store_put(s, d, key, kl);
  free(b);
  return rc;
}

static void t_store_rows(void)
{
  char err[256];
  sj_doc d = {0};
  store *s = store_open(":memory:", true, true, err, sizeof err);
  T_OK(s != NULL);
  T_EQ_INT(store_begin(s), SQLITE_OK);
  T_EQ_INT(put(s, &d, rec1), SQLITE_OK);
  T_EQ_INT(put(s, &d, rec2), SQLITE_OK);
  T_EQ_INT(store_commit(s), SQLITE_OK);
  T_EQ_INT(count(s, "select count(*) from articles"), 2);
  T_EQ_INT(count(s, "select count(*) from articles where doc_key = '7'"), 1);
  /* One dictionary row for the person named in both. */
  T_EQ_INT(count(s, "select count(*) from entities"), 2);
  T_EQ_INT(count(s, "select count(distinct entity) from article_entities"
                    " where local_id = 'e1'"),
           1);
  T_EQ_INT(count(s, "select span_end from mentions where local_id = 'e2'"),
           30);
  T_EQ_INT(count(s, "select count(*) from quotes q join entities e on"
                    " e.id = q.speaker where e.name = 'Vladimir Putin'"),
           1);
  T_EQ_INT(count(s, "select count(*) from places p join entities e on"
                    " e.id = p.entity where e.name = 'Moscow' and"
                    " p.country = 'RU'"),
           1);
  T_EQ_INT(count(s, "select count(*) from articles where focus_country ="
                    " 'RU' and focus_place = 'Moscow'"),
           1);
  T_EQ_INT(count(s, "select count from themes where theme = 'LEADER'"), 2);
  T_EQ_INT(count(s, "select articles from stories where id = 's1'"), 2);
  T_EQ_INT(count(s, "select count(*) from articles_fts where articles_fts"
                    " match 'moscow'"),
           1);
  T_EQ_INT(store_finish(s), SQLITE_OK);
  T_EQ_INT(count(s, "select count(*) from sqlite_master where name ="
                    " 'article_entities_entity'"),
           1);
  store_close(s);
  sj_free(&d);
}

/* An article with more rows in a table than one multi-row INSERT takes
** (MR_MAX): every row there, in order, with its own values. */
static void t_store_many_rows(void)
{
  char err[256], *js = malloc(65536);
  size_t n = 0;
  sj_doc d = {0};
  store *s = store_open(":memory:", true, true, err, sizeof err);
  T_OK(s != NULL && js != NULL);
  n += (size_t)snprintf(js + n, 65536 - n, "{\"id\":\"many\",\"text\":\"x\",\"entities\":[");
  for (int i = 1; i <= 40; i++)
    n += (size_t)snprintf(js + n, 65536 - n,
                         "%s{\"id\":\"e%d\",\"type\":\"PER\",\"name\":"
                         "\"Person %d\",\"salience\":0.%d,\"mentions\":"
                         "[{\"start\":%d,\"end\":%d},{\"start\":%d,"
                         "\"end\":%d}],\"roles\":[{\"text\":\"r%d\","
                         "\"span\":{\"start\":%d,\"end\":%d}}]}",
                         i > 1 ? "," : "", i, i, i, i, i + 1, 100 + i,
                         102 + i, i, i, i + 2);
  n += (size_t)snprintf(js + n, 65536 - n, "],\"dates\":[");
  for (int i = 1; i <= 20; i++)
    n += (size_t)snprintf(js + n, 65536 - n,
                         "%s{\"span\":{\"start\":%d,\"end\":%d},\"text\":"
                         "\"d%d\",\"type\":\"DATE\",\"value\":\"2016-01-%02d"
                         "\"}",
                         i > 1 ? "," : "", i, i + 3, i, i);
  n += (size_t)snprintf(js + n, 65536 - n, "],\"quotes\":[");
  for (int i = 1; i <= 18; i++)
    n += (size_t)snprintf(js + n, 65536 - n,
                         "%s{\"text\":\"q%d\",\"kind\":\"direct\","
                         "\"span\":{\"start\":%d,\"end\":%d},\"speaker\":"
                         "{\"entity\":\"e%d\",\"name\":\"Person %d\"}}",
                         i > 1 ? "," : "", i, i, i + 1, i * 2, i * 2);
  snprintf(js + n, 65536 - n, "]}");
  T_EQ_INT(store_begin(s), SQLITE_OK);
  T_EQ_INT(put(s, &d, js), SQLITE_OK);
  T_EQ_INT(store_commit(s), SQLITE_OK);
  T_EQ_INT(count(s, "select count(*) from article_entities"), 40);
  T_EQ_INT(count(s, "select count(*) from mentions"), 80);
  T_EQ_INT(count(s, "select count(*) from roles"), 40);
  T_EQ_INT(count(s, "select count(*) from dates"), 20);
  T_EQ_INT(count(s, "select count(*) from quotes"), 18);
  /* Row by row: each one's own values, numbered in order. */
  T_EQ_INT(count(s, "select count(*) from article_entities ae join"
                    " entities e on e.id = ae.entity where e.name ="
                    " 'Person ' || substr(ae.local_id, 2) and ae.spans ="
                    " '[[' || substr(ae.local_id, 2) || ',' ||"
                    " (substr(ae.local_id, 2) + 1) || '],[' ||"
                    " (100 + substr(ae.local_id, 2)) || ',' ||"
                    " (102 + substr(ae.local_id, 2)) || ']]' and"
                    " ae.mentions = 2"),
           40);
  T_EQ_INT(count(s, "select span_end from mentions m where local_id ="
                    " 'e37' and span_start = 137"),
           139);
  T_EQ_INT(count(s, "select count(*) from roles r join entities e on e.id"
                    " = r.entity where r.role = 'r' || r.role_no and"
                    " e.name = 'Person ' || r.role_no and r.span_end ="
                    " r.role_no + 2"),
           40);
  T_EQ_INT(count(s, "select count(*) from dates where text = 'd' ||"
                    " date_no and span_start = date_no and value ="
                    " printf('2016-01-%02d', date_no)"),
           20);
  T_EQ_INT(count(s, "select count(*) from quotes q join entities e on e.id"
                    " = q.speaker where q.text = 'q' || q.quote_no and"
                    " e.name = 'Person ' || (2 * q.quote_no) and"
                    " q.span_end = q.quote_no + 1"),
           18);
  store_close(s);
  sj_free(&d);
  free(js);
}

/* The entity dictionary past its first growth (16,384 slots, half
** full): names met again, before and after the growth, keep their id. */
static void t_store_dictionary(void)
{
  char err[256], *js = malloc(1 << 20);
  sj_doc d = {0};
  store *s = store_open(":memory:", true, true, err, sizeof err);
  /* The third grows the table at its 8,192nd name; the fourth looks up
  ** every name after that. */
  static const int range[4][2] = {
      {0, 5000}, {2500, 7500}, {0, 10000}, {0, 10000}};
  T_OK(s != NULL && js != NULL);
  T_EQ_INT(store_begin(s), SQLITE_OK);
  for (int a = 0; a < 4; a++) {
    size_t n = (size_t)snprintf(js, 1 << 20,
                                "{\"id\":\"d%d\",\"text\":\"x\","
                                "\"entities\":[",
                                a);
    for (int i = range[a][0]; i < range[a][1]; i++)
      n += (size_t)snprintf(js + n, (1 << 20) - n,
                            "%s{\"id\":\"e%d\",\"type\":\"%s\",\"name\":"
                            "\"Name %d\",\"mentions\":[]}",
                            i > range[a][0] ? "," : "", i,
                            i % 2 ? "PER" : "ORG", i);
    snprintf(js + n, (1 << 20) - n, "]}");
    T_EQ_INT(put(s, &d, js), SQLITE_OK);
  }
  T_EQ_INT(store_commit(s), SQLITE_OK);
  T_EQ_INT(count(s, "select count(*) from entities"), 10000);
  T_EQ_INT(count(s, "select count(distinct name || type) from entities"),
           10000);
  /* Each (name, type) one id in all four articles. */
  T_EQ_INT(count(s, "select count(*) from (select local_id from"
                    " article_entities group by local_id having"
                    " count(distinct entity) > 1)"),
           0);
  T_EQ_INT(count(s, "select count(*) from article_entities ae join"
                    " entities e on e.id = ae.entity where e.name <>"
                    " 'Name ' || substr(ae.local_id, 2)"),
           0);
  T_EQ_INT(count(s, "select count(*) from article_entities"), 30000);
  store_close(s);
  sj_free(&d);
  free(js);
}

static void t_store_rollback(void)
{
  char err[256];
  sj_doc d = {0};
  store *s = store_open(":memory:", true, true, err, sizeof err);
  T_OK(s != NULL);
  T_EQ_INT(store_begin(s), SQLITE_OK);
  T_EQ_INT(put(s, &d, rec1), SQLITE_OK);
  store_rollback(s); /* the entities of the batch are gone too */
  T_EQ_INT(count(s, "select count(*) from entities"), 0);
  T_EQ_INT(store_begin(s), SQLITE_OK);
  T_EQ_INT(put(s, &d, rec2), SQLITE_OK);
  T_EQ_INT(store_commit(s), SQLITE_OK);
  /* The dictionary was reloaded: the entity is inserted afresh, and the
  ** article points at a row that exists. */
  T_EQ_INT(count(s, "select count(*) from article_entities ae join"
                    " entities e on e.id = ae.entity"),
           1);
  store_close(s);
  sj_free(&d);
}

static void t_store_check(void)
{
  static const char *const bad[] = {
      "[1]",
      "{\"title\":\"no text\"}",
      "{\"text\":\"x\",\"entities\":{}}",
      "{\"text\":\"x\",\"entities\":[{\"id\":\"e1\",\"type\":\"PER\"}]}",
      "{\"text\":\"x\",\"entities\":[],\"quotes\":[1]}",
      "{\"text\":\"x\",\"entities\":[],\"dates\":[{\"span\":3}]}",
      "{\"text\":\"x\",\"sentences\":[],\"title\":5}",
      "{\"text\":\"x\",\"entities\":[],\"places\":[{\"lat\":\"north\"}]}",
  };
  sj_doc d = {0};
  char msg[256], *b;
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    T_OK(parse(&d, bad[i], &b));
    msg[0] = 0;
    if (store_check(&d, msg, sizeof msg) != REC_BAD) {
      t_fail(__FILE__, __LINE__, "REC_BAD", bad[i]);
      free(b);
      break;
    }
    T_OK(msg[0] != 0);
    free(b);
  }
  T_OK(parse(&d, "{\"text\":\"raw article\",\"id\":\"r\"}", &b));
  T_EQ_INT(store_check(&d, msg, sizeof msg), REC_RAW);
  free(b);
  T_OK(parse(&d, "{\"id\":\"x\",\"line\":3,\"error\":{\"code\":\"empty\"}}",
             &b));
  T_EQ_INT(store_check(&d, msg, sizeof msg), REC_ERROR);
  free(b);
  sj_free(&d);
}

static void t_store_key(void)
{
  sj_doc d = {0};
  char *b, buf[64], buf2[64];
  const char *k, *k2;
  size_t n, n2;
  T_OK(parse(&d, "{\"id\":\"abc\",\"text\":\"t\"}", &b));
  n = store_key(&d, b, 0, buf, sizeof buf, &k);
  T_EQ_INT(n, 3);
  T_OK(memcmp(k, "abc", 3) == 0);
  free(b);
  T_OK(parse(&d, "{\"text\":\"same text\",\"entities\":[]}", &b));
  n = store_key(&d, b, 0, buf, sizeof buf, &k);
  free(b);
  T_OK(parse(&d, "{\"entities\":[],\"text\":\"same text\"}", &b));
  n2 = store_key(&d, b, 0, buf2, sizeof buf2, &k2);
  free(b);
  /* Keyed by the text's hash: the same text is the same article. */
  T_EQ_INT(n, 37);
  T_EQ_INT(n2, 37);
  T_OK(memcmp(k, k2, n) == 0);
  T_OK(memcmp(k, "xxh3:", 5) == 0);
  sj_free(&d);
}

static const t_case cases[] = {
    {"sjson_valid", t_sjson_valid},   {"sjson_invalid", t_sjson_invalid},
    {"sjson_depth", t_sjson_depth},   {"sjson_numbers", t_sjson_numbers},   {"store_rows", t_store_rows},
    {"store_many_rows", t_store_many_rows},
    {"store_dictionary", t_store_dictionary},
    {"store_rollback", t_store_rollback}, {"store_check", t_store_check},
    {"store_key", t_store_key},       {NULL, NULL}};

T_MAIN(cases)
