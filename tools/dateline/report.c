/*
** report.c -- `dateline report DB -o report.html`: one self-contained HTML
** page about a store: a timeline of articles and events, a map of places,
** the top people and organizations, who quotes whom (outlets x speakers),
** and the co-occurrence graph of the most named entities.
**
** The numbers come from SQL over the store (docs/STORE.md); they are
** written into the page as one JSON object, next to the d3 modules and
** the world map linked into the binary (report_assets.c), so the page
** opens anywhere without a network. Every figure also has a plain table,
** readable without JavaScript. The co-occurrence graph is counted over the
** latest GRAPH_WINDOW articles, which bounds its cost on large stores (the
** page says so).
*/
#include "cli.h"
#include "report.h"
#include "store.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define GRAPH_WINDOW 100000
#define GRAPH_NODES 40

/* ====================================================================
** JSON out (safe inside <script>: <, >, & and U+2028/9 are escaped)
** ==================================================================== */

static void jstr(FILE *f, const unsigned char *s)
{
  if (!s) {
    fputs("null", f);
    return;
  }
  fputc('"', f);
  for (; *s; s++) {
    unsigned char c = *s;
    if (c == '"' || c == '\\')
      fprintf(f, "\\%c", c);
    else if (c < 0x20 || c == '<' || c == '>' || c == '&')
      fprintf(f, "\\u%04x", c);
    else if (c == 0xE2 && s[1] == 0x80 && (s[2] == 0xA8 || s[2] == 0xA9)) {
      fprintf(f, "\\u%04x", s[2] == 0xA8 ? 0x2028 : 0x2029);
      s += 2;
    } else
      fputc(c, f);
  }
  fputc('"', f);
}

static void jcol(FILE *f, sqlite3_stmt *st, int i)
{
  switch (sqlite3_column_type(st, i)) {
  case SQLITE_NULL:
    fputs("null", f);
    break;
  case SQLITE_INTEGER:
    fprintf(f, "%lld", (long long)sqlite3_column_int64(st, i));
    break;
  case SQLITE_FLOAT:
    fprintf(f, "%.6g", sqlite3_column_double(st, i));
    break;
  default:
    jstr(f, sqlite3_column_text(st, i));
  }
}

/* Writes "key":[[row],[row]...] from a query; returns an SQLite rc. */
static int jrows(FILE *f, sqlite3 *db, const char *key, const char *sql)
{
  sqlite3_stmt *st;
  int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL), n = 0;
  if (rc != SQLITE_OK) return rc;
  fprintf(f, ",\"%s\":[", key);
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    int nc = sqlite3_column_count(st);
    fputs(n++ ? ",[" : "[", f);
    for (int i = 0; i < nc; i++) {
      if (i) fputc(',', f);
      jcol(f, st, i);
    }
    fputc(']', f);
  }
  fputc(']', f);
  sqlite3_finalize(st);
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static int exec(sqlite3 *db, const char *sql)
{
  return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

/* ====================================================================
** The page
** ==================================================================== */

static const char page_head[] =
    "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
    "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\n"
    "<title>dateline report</title>\n<style>\n"
    "body{font:14px/1.4 system-ui,sans-serif;margin:0 auto;max-width:1100px;"
    "padding:0 16px;color:#222}\n"
    "h1{font-size:22px}h2{font-size:17px;margin-top:32px;border-bottom:1px "
    "solid #ddd}\n"
    ".sum span{display:inline-block;margin-right:24px}.sum b{font-size:18px}\n"
    ".cols{display:flex;gap:24px;flex-wrap:wrap}.cols>div{flex:1;"
    "min-width:320px}\n"
    "table{border-collapse:collapse;font-size:12px}td,th{padding:2px 6px;"
    "text-align:left}\n"
    "td.n{text-align:right}details{margin:6px 0}svg{max-width:100%;"
    "height:auto}\n"
    ".axis text{font-size:10px}.note{color:#666;font-size:12px}\n"
    ".hm td{width:26px;height:18px;text-align:center;font-size:10px}\n"
    ".hm th.v{writing-mode:vertical-rl;transform:rotate(180deg);"
    "font-weight:normal}\n"
    "</style></head><body>\n"
    "<h1>dateline report</h1>\n<div id=\"sum\" class=\"sum\"></div>\n"
    "<h2>Timeline: articles and events per day</h2><div id=\"timeline\">"
    "</div>\n"
    "<h2>Places</h2><div id=\"map\"></div>\n"
    "<div class=\"cols\"><div><h2>Top people</h2><div id=\"people\"></div>"
    "</div>\n"
    "<div><h2>Top organizations</h2><div id=\"orgs\"></div></div></div>\n"
    "<h2>Who quotes whom: outlets and the people they quote</h2>"
    "<div id=\"quotes\"></div>\n"
    "<h2>Entity co-occurrence</h2><div id=\"graph\"></div>\n"
    "<div id=\"themes\"></div>\n"
    "<noscript><p>The charts need JavaScript; the tables below each "
    "section do not.</p></noscript>\n";

static int write_data(FILE *f, sqlite3 *db, const char *dbpath)
{
  sqlite3_stmt *st;
  int rc;
  char when[64];
  time_t now = time(NULL);
  struct tm tm;
  gmtime_r(&now, &tm);
  strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", &tm);

  rc = exec(db,
            "CREATE TEMP TABLE ec AS SELECT entity, count(*) AS n FROM "
            "article_entities GROUP BY entity;"
            "CREATE TEMP TABLE qc AS SELECT speaker, count(*) AS n FROM "
            "quotes WHERE speaker IS NOT NULL GROUP BY speaker;");
  if (rc != SQLITE_OK) return rc;

  fputs("var DATA={\"db\":", f);
  jstr(f, (const unsigned char *)dbpath);
  fputs(",\"generated\":", f);
  jstr(f, (const unsigned char *)when);
  fputs(",\"version\":", f);
  jstr(f, (const unsigned char *)dl_version());
  rc = sqlite3_prepare_v2(
      db,
      "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM "
      "entities), (SELECT count(*) FROM quotes), (SELECT count(*) FROM "
      "places), (SELECT count(*) FROM events), (SELECT min(substr(date, 1, "
      "10)) FROM articles), (SELECT max(substr(date, 1, 10)) FROM articles)",
      -1, &st, NULL);
  if (rc != SQLITE_OK) return rc;
  if (sqlite3_step(st) == SQLITE_ROW) {
    static const char *const k[] = {"articles", "entities", "quotes",
                                     "places",   "events",   "first",
                                     "last"};
    fputs(",\"summary\":{", f);
    for (int i = 0; i < 7; i++) {
      fprintf(f, "%s\"%s\":", i ? "," : "", k[i]);
      jcol(f, st, i);
    }
    fputc('}', f);
  }
  sqlite3_finalize(st);

#define Q(key, sql)                                                      \
  do {                                                                   \
    rc = jrows(f, db, key, sql);                                         \
    if (rc != SQLITE_OK) return rc;                                      \
  } while (0)
  Q("timeline", "SELECT substr(date, 1, 10) AS d, count(*) FROM articles "
                "WHERE date IS NOT NULL GROUP BY d ORDER BY d");
  Q("events_timeline",
    "SELECT substr(coalesce(e.date, a.date), 1, 10) AS d, count(*) FROM "
    "events e JOIN articles a ON a.id = e.article WHERE d IS NOT NULL "
    "GROUP BY d ORDER BY d");
  Q("places", "SELECT name, avg(lat), avg(lon), country, count(DISTINCT "
              "article) AS n FROM places WHERE lat IS NOT NULL GROUP BY "
              "name, country ORDER BY n DESC LIMIT 300");
  Q("countries", "SELECT country, count(DISTINCT article) AS n FROM places "
                 "WHERE country IS NOT NULL GROUP BY country ORDER BY n "
                 "DESC LIMIT 60");
  Q("people", "SELECT e.name, ec.n, coalesce(qc.n, 0) FROM ec JOIN "
              "entities e ON e.id = ec.entity LEFT JOIN qc ON qc.speaker = "
              "ec.entity WHERE e.type = 'PER' ORDER BY ec.n DESC LIMIT 25");
  Q("orgs", "SELECT e.name, ec.n FROM ec JOIN entities e ON e.id = "
            "ec.entity WHERE e.type = 'ORG' ORDER BY ec.n DESC LIMIT 25");
  Q("themes", "SELECT theme, max(label), count(*) AS n FROM themes GROUP "
              "BY theme ORDER BY n DESC LIMIT 25");

  /* Who quotes whom: the outlets (source, else the URL's host) x the
  ** most quoted speakers. */
  rc = exec(db,
            "CREATE TEMP TABLE topq AS SELECT qc.speaker, e.name, qc.n, "
            "row_number() OVER (ORDER BY qc.n DESC) - 1 AS i FROM qc JOIN "
            "entities e ON e.id = qc.speaker ORDER BY qc.n DESC LIMIT 20;"
            "CREATE TEMP TABLE qo AS SELECT coalesce(a.source, "
            "substr(a.url, instr(a.url, '//') + 2, instr(substr(a.url, "
            "instr(a.url, '//') + 2) || '/', '/') - 1), '(no source)') AS "
            "outlet, q.speaker, count(*) AS n FROM quotes q JOIN articles a "
            "ON a.id = q.article WHERE q.speaker IN (SELECT speaker FROM "
            "topq) GROUP BY outlet, q.speaker;"
            "CREATE TEMP TABLE topo AS SELECT outlet, row_number() OVER "
            "(ORDER BY sum(n) DESC) - 1 AS i FROM qo GROUP BY outlet ORDER BY "
            "sum(n) DESC LIMIT 15;");
  if (rc != SQLITE_OK) return rc;
  fputs(",\"quotes\":{\"x\":0", f);
  Q("outlets", "SELECT outlet FROM topo ORDER BY i");
  Q("speakers", "SELECT name FROM topq ORDER BY i");
  Q("cells", "SELECT o.i, t.i, qo.n FROM qo JOIN topo o ON o.outlet = "
             "qo.outlet JOIN topq t ON t.speaker = qo.speaker");
  fputc('}', f);

  /* Co-occurrence of the most named entities, over the latest articles. */
  {
    char sql[640];
    snprintf(sql, sizeof sql,
             "CREATE TEMP TABLE gn AS SELECT ec.entity, e.name, e.type, ec.n,"
             " row_number() OVER (ORDER BY ec.n DESC) - 1 AS i FROM ec JOIN "
             "entities e ON e.id = ec.entity WHERE e.type IN ('PER', 'ORG', "
             "'LOC', 'GPE', 'NORP', 'FAC') ORDER BY ec.n DESC LIMIT %d;",
             GRAPH_NODES);
    rc = exec(db, sql);
    if (rc != SQLITE_OK) return rc;
    snprintf(sql, sizeof sql,
             "SELECT ga.i, gb.i, count(*) FROM article_entities a JOIN "
             "article_entities b ON b.article = a.article AND b.entity <> "
             "a.entity JOIN gn ga ON ga.entity = a.entity JOIN gn gb ON "
             "gb.entity = b.entity WHERE ga.i < gb.i AND a.article > "
             "(SELECT coalesce(max(id), 0) - %d FROM articles) GROUP BY "
             "ga.i, gb.i",
             GRAPH_WINDOW);
    fprintf(f, ",\"graph\":{\"window\":%d", GRAPH_WINDOW);
    Q("nodes", "SELECT name, type, n FROM gn ORDER BY i");
    Q("links", sql);
    fputc('}', f);
  }
#undef Q
  fputs("};\n", f);
  return SQLITE_OK;
}

int cmd_report(int argc, char **argv)
{
  cli_opts o;
  const char *out = NULL, *dbpath;
  char err[512], *tmp = NULL;
  store *s;
  FILE *f = stdout;
  int rc, status = CLI_EXIT_OK;
  memset(&o, 0, sizeof o);
  for (int i = 0; i < argc; i++) {
    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
      fputs("usage: dateline report DB [-o FILE.html]\n"
            "Writes a self-contained HTML report of the store (stdout "
            "without -o).\n",
            stdout);
      return 0;
    }
    if (strcmp(argv[i], "-o") == 0 || strcmp(argv[i], "--output") == 0) {
      if (i + 1 >= argc) return cli_usage("%s needs a file name", argv[i]);
      out = argv[i + 1];
      memmove(argv + i, argv + i + 2, (size_t)(argc - i - 2) * sizeof *argv);
      argc -= 2;
      i--;
    }
  }
  if (cli_parse(&o, argc, argv, NULL, NULL) != 0) {
    free(o.files);
    return CLI_EXIT_USAGE;
  }
  if (o.n_files != 1) {
    free(o.files);
    return cli_usage("usage: dateline report DB [-o FILE.html]");
  }
  dbpath = o.files[0];
  free(o.files);
  if (access(dbpath, F_OK) != 0) {
    cli_warn(dbpath, 0, "%s", strerror(errno));
    return CLI_EXIT_DATA;
  }
  s = store_open(dbpath, false, false, err, sizeof err);
  if (!s) {
    cli_warn(dbpath, 0, "%s", err);
    return CLI_EXIT_DATA;
  }
  /* The report reads whole tables once: mapping the file (which helps
  ** the many small reads of `search`) would only count up to 2 GB of
  ** page cache in this process's RSS. */
  sqlite3_exec(store_db(s), "PRAGMA mmap_size=0", NULL, NULL, NULL);
  if (out && strcmp(out, "-") != 0) {
    /* Written beside the target and renamed: never a half page. */
    size_t n = strlen(out) + 8;
    tmp = malloc(n);
    if (!tmp) {
      store_close(s);
      cli_warn(out, 0, "out of memory");
      return CLI_EXIT_DATA;
    }
    snprintf(tmp, n, "%s.tmp", out);
    f = fopen(tmp, "wb");
    if (!f) {
      cli_warn(tmp, 0, "%s", strerror(errno));
      free(tmp);
      store_close(s);
      return CLI_EXIT_DATA;
    }
  }
  fputs(page_head, f);
  fputs("<script>\n", f);
  fwrite(cli_report_js, 1, (size_t)(cli_report_js_end - cli_report_js), f);
  fputs("\n</script>\n<script>\nvar WORLD=", f);
  fwrite(cli_report_world, 1,
         (size_t)(cli_report_world_end - cli_report_world), f);
  fputs(";\n", f);
  rc = write_data(f, store_db(s), dbpath);
  if (rc != SQLITE_OK) {
    cli_warn(dbpath, 0, "report failed: %s", sqlite3_errmsg(store_db(s)));
    status = CLI_EXIT_DATA;
  }
  fwrite(cli_report_page, 1, (size_t)(cli_report_page_end - cli_report_page),
         f);
  fputs("</script>\n<p class=\"note\">Made with dateline; plots by d3 "
        "(ISC licence), map from Natural Earth via world-atlas.</p>\n"
        "</body></html>\n",
        f);
  if (f != stdout) {
    if (fclose(f) != 0) {
      cli_warn(tmp, 0, "%s", strerror(errno));
      status = CLI_EXIT_DATA;
    }
    if (status == CLI_EXIT_OK && rename(tmp, out) != 0) {
      cli_warn(out, 0, "%s", strerror(errno));
      status = CLI_EXIT_DATA;
    }
    if (status != CLI_EXIT_OK) unlink(tmp);
  } else if (fflush(stdout) != 0) {
    status = CLI_EXIT_DATA;
  }
  free(tmp);
  store_close(s);
  return status;
}
