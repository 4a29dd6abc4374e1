/*
** test_html.c -- HTML input (src/html.c, src/html_meta.c): main text
** without boilerplate, reading order, block kinds, page offsets, links,
** metadata (JSON-LD, OpenGraph, meta, time, URL; no date from scripts or
** copyright lines, no "Updated ..." or site name as author), encodings,
** and bad input: 50 MB, 10,000 levels of nesting, no body, framesets,
** binary data, wrong declared encoding, unterminated comments and
** scripts.
*/
#include "html.h"
#include "t.h"

#include <stdlib.h>

static dl__arena arena;
static dl__html h;
static dl_error err;

static dl_status run(const char *page, size_t len, const char *url)
{
  dl__arena_free(&arena);
  dl__arena_init(&arena, NULL);
  dl__html_init();
  return dl__html_extract(NULL, &arena, page, len, url, &h, &err);
}

static dl_status runs(const char *page) { return run(page, strlen(page), NULL); }

static bool has(const char *needle)
{
  return h.text && strstr(h.text, needle) != NULL;
}

static char *article;
static size_t article_len;

static bool load_article(void)
{
  if (!article)
    article = t_read_file("tests/data/html/article.html", &article_len);
  return article != NULL;
}

static void t_main_text(void)
{
  T_OK(load_article());
  T_EQ_INT(run(article, article_len, NULL), DL_OK);
  T_OK(has("The Kelvin Harbour bridge reopened to traffic"));
  T_OK(has("“We are proud of the crews"));  /* &ldquo; decoded */
  T_OK(has("Traffic returns"));             /* subheading kept */
  T_OK(has("one shop owner told reporters")); /* block quote kept */
  T_OK(has("Two replacement suspension cables")); /* list items kept */
  T_OK(has("lane closures cause fewer delays."));
  /* boilerplate dropped */
  T_OK(!has("cookies"));
  T_OK(!has("Home"));
  T_OK(!has("Share on Facebook"));
  T_OK(!has("Photo: Harbour Authority"));
  T_OK(!has("Related stories"));
  T_OK(!has("Storm damage bill"));
  T_OK(!has("took far too long"));
  T_OK(!has("All rights reserved"));
  T_OK(!has("scripted text"));
  T_OK(!has("color: black"));
  /* the headline is metadata, not body */
  T_OK(strncmp(h.text, "The Kelvin", 10) == 0);
  T_OK(!h.fallback);
}

static void t_blocks_and_offsets(void)
{
  const char *p;
  bool heading = false, quote = false, item = false;
  T_OK(load_article());
  T_EQ_INT(run(article, article_len, NULL), DL_OK);
  T_OK(h.n_blocks >= 8);
  for (size_t i = 0; i < h.n_blocks; i++) {
    const dl__hblock *b = &h.blocks[i];
    T_OK(b->end > b->start && b->end <= h.len);
    if (i) T_OK(b->start > h.blocks[i - 1].end); /* reading order */
    T_OK(b->page_end <= article_len && b->page_start < b->page_end);
    if (b->kind == DL__HB_HEADING) heading = true;
    if (b->kind == DL__HB_QUOTE) quote = true;
    if (b->kind == DL__HB_ITEM) item = true;
  }
  T_OK(heading && quote && item);
  /* the first block's page bytes hold its text */
  p = article + h.blocks[0].page_start;
  T_OK(strncmp(p, "The Kelvin Harbour bridge", 25) == 0);
  /* blocks are separated by a blank line */
  T_OK(strncmp(h.text + h.blocks[0].end, "\n\n", 2) == 0);
  /* the link inside the text, with its anchor span */
  T_EQ_INT(h.n_links, 1);
  T_OK(strncmp(h.text + h.links[0].start, "transit agency",
               h.links[0].end - h.links[0].start) == 0);
  T_EQ_INT(h.links[0].end - h.links[0].start, 14);
  T_EQ_STR(h.links[0].href, "https://transit.example.org/notices");
}

static void t_metadata(void)
{
  T_OK(load_article());
  T_EQ_INT(run(article, article_len, NULL), DL_OK);
  T_EQ_STR(h.title, "Harbour bridge reopens after storm repairs");
  T_EQ_STR(h.site, "The Coastal Gazette");
  T_EQ_STR(h.canonical,
           "https://example.org/news/2021/03/14/harbour-bridge-reopens");
  T_EQ_STR(h.lang, "en");
  T_EQ_STR(h.image, "https://example.org/img/bridge.jpg");
  T_EQ_STR(h.published, "2021-03-14T09:30");
  T_EQ_STR(h.modified, "2021-03-15T11:00");
  T_EQ_STR(h.date_from, "json-ld");
  T_EQ_INT(h.n_authors, 2);
  T_EQ_STR(h.authors[0], "Maria Lindqvist");
  T_EQ_STR(h.authors[1], "Tomas Öberg"); /* \u00d6 decoded */
  T_EQ_STR(h.encoding, "UTF-8");
}

static void t_meta_fallbacks(void)
{
  /* No JSON-LD: meta tags, a byline element, <time>, the URL. A script's
  ** date and the copyright year are never the date; "Updated ..." and the
  ** site name are never authors. */
  const char *pg =
      "<html><head><title>Mayor resigns - Valley Post</title>"
      "<meta property=\"og:site_name\" content=\"Valley Post\">"
      "<meta name=\"author\" content=\"Valley Post\">"
      "<script>var d = '2001-02-03';</script></head><body>"
      "<div class=\"byline\">By Jane Q. Doe | Updated 5 minutes ago</div>"
      "<time datetime=\"2020-06-07T08:09:00Z\" itemprop=\"datePublished\">"
      "June 7</time><article>"
      "<p>The mayor of Valley Town resigned on Friday after a long dispute "
      "with the council over the budget, officials said.</p>"
      "<p>Her deputy, a former teacher, will lead the town until a special "
      "election in the autumn, the council announced in a statement.</p>"
      "<p>Residents reacted with surprise, and several said they had "
      "expected the dispute to end quietly before the summer recess.</p>"
      "</article><footer>Copyright 2015 Valley Post</footer></body></html>";
  T_EQ_INT(runs(pg), DL_OK);
  T_EQ_STR(h.title, "Mayor resigns");
  T_EQ_INT(h.n_authors, 1);
  T_EQ_STR(h.authors[0], "Jane Q. Doe");
  T_EQ_STR(h.published, "2020-06-07T08:09");
  T_EQ_STR(h.date_from, "time");
  T_OK(has("The mayor of Valley Town resigned"));
  T_OK(!has("Copyright"));
  /* only the URL has a date */
  T_EQ_INT(run("<p>Some text that is long enough to be kept as the main "
               "text of this page.</p><p>Another paragraph follows here "
               "with more words in it.</p>",
               128, "https://news.example.com/2018/11/05/story.html"),
           DL_OK);
  T_EQ_STR(h.published, "2018-11-05");
  T_EQ_STR(h.date_from, "url");
}

static void t_dates(void)
{
  char b[40];
  T_OK(dl__html_norm_date("2019-08-02", 10, b, sizeof b));
  T_EQ_STR(b, "2019-08-02");
  T_OK(dl__html_norm_date("2019-08-02T10:05:00+02:00", 25, b, sizeof b));
  T_EQ_STR(b, "2019-08-02T10:05");
  T_OK(dl__html_norm_date("20190802", 8, b, sizeof b));
  T_EQ_STR(b, "2019-08-02");
  T_OK(dl__html_norm_date("02.08.2019", 10, b, sizeof b));
  T_EQ_STR(b, "2019-08-02");
  T_OK(dl__html_norm_date("Friday, August 2, 2019", 22, b, sizeof b));
  T_EQ_STR(b, "2019-08-02");
  T_OK(dl__html_norm_date("2. August 2019", 14, b, sizeof b));
  T_EQ_STR(b, "2019-08-02");
  T_OK(!dl__html_norm_date("2019-02-30", 10, b, sizeof b));
  T_OK(!dl__html_norm_date("5 minutes ago", 13, b, sizeof b));
  T_OK(dl__html_url_date("https://x.org/2019/08/02/a", b, sizeof b));
  T_EQ_STR(b, "2019-08-02");
  T_OK(!dl__html_url_date("https://x.org/article/12345678901", b, sizeof b));
}

static void add_name(void *ctx, const char *p, size_t n)
{
  char *acc = ctx;
  size_t k = strlen(acc);
  if (k) acc[k++] = ';';
  memcpy(acc + k, p, n);
  acc[k + n] = 0;
}

static void t_bylines(void)
{
  char acc[256];
  acc[0] = 0;
  dl__html_byline("By John Smith and Ann Lee, Reuters", 34, NULL, false,
                  add_name, acc);
  T_EQ_STR(acc, "John Smith;Ann Lee");
  acc[0] = 0;
  dl__html_byline("Updated 5 minutes ago", 21, NULL, false, add_name, acc);
  T_EQ_STR(acc, "");
  acc[0] = 0;
  dl__html_byline("Daily Planet", 12, "Daily Planet", false, add_name, acc);
  T_EQ_STR(acc, "");
  acc[0] = 0;
  dl__html_byline("Von Hans van der Berg", 21, NULL, false, add_name, acc);
  T_EQ_STR(acc, "Hans van der Berg");
}

static void t_encodings(void)
{
  /* declared latin-1 but written in UTF-8: read as UTF-8 */
  T_EQ_INT(runs("<html><head><meta charset=\"iso-8859-1\"></head><body><p>"
                "Caf\xC3\xA9 owners in M\xC3\xBCnster protested on Monday "
                "against the new rules.</p></body></html>"),
           DL_OK);
  T_OK(has("Café owners in Münster"));
  T_OK(h.encoding_guessed);
  /* declared windows-1252, single bytes */
  T_EQ_INT(runs("<html><head><meta http-equiv=\"Content-Type\" "
                "content=\"text/html; charset=windows-1252\"></head><body>"
                "<p>Caf\xE9 owners in M\xFCnster protested \x93loudly\x94 on "
                "Monday against the new rules.</p></body></html>"),
           DL_OK);
  T_OK(has("Café owners in Münster protested “loudly”"));
  T_EQ_STR(h.encoding, "WINDOWS-1252");
  /* declared UTF-8 but not UTF-8: windows-1252 */
  T_EQ_INT(runs("<meta charset=utf-8><p>Caf\xE9 owners in M\xFCnster "
                "protested on Monday against the new rules.</p>"),
           DL_OK);
  T_OK(has("Café owners"));
  T_OK(h.encoding_guessed);
  /* UTF-8 BOM over a wrong declaration */
  T_EQ_INT(runs("\xEF\xBB\xBF<meta charset=koi8-r><p>Caf\xC3\xA9 owners in "
                "town protested on Monday against the new rules.</p>"),
           DL_OK);
  T_OK(has("Café owners"));
  /* UTF-16LE with BOM */
  {
    const char *s = "<p>Caf\xC3\xA9 owners protested on Monday against the "
                    "new rules in the town.</p>";
    char buf[512];
    size_t n = 2;
    buf[0] = (char)0xFF;
    buf[1] = (char)0xFE;
    for (const char *q = s; *q; q++) {
      if ((unsigned char)*q == 0xC3) {
        buf[n++] = (char)0xE9; /* é */
        buf[n++] = 0;
        q++;
        continue;
      }
      buf[n++] = *q;
      buf[n++] = 0;
    }
    T_EQ_INT(run(buf, n, NULL), DL_OK);
    T_OK(has("Café owners"));
  }
}

static void t_bad_input(void)
{
  /* binary data served as HTML */
  T_EQ_INT(run("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16, NULL), DL_ERR_FORMAT);
  T_OK(strstr(err.msg, "PNG") != NULL);
  {
    char bin[4096];
    for (size_t i = 0; i < sizeof bin; i++)
      bin[i] = (char)((i * 2654435761u) >> 13);
    T_EQ_INT(run(bin, sizeof bin, NULL), DL_ERR_FORMAT);
  }
  /* a frameset: a clear error naming it */
  T_EQ_INT(runs("<html><frameset cols=\"50%,50%\"><frame src=\"a.html\">"
                "<frame src=\"b.html\"></frameset></html>"),
           DL_ERR_EMPTY);
  T_OK(strstr(err.msg, "frameset") && strstr(err.msg, "a.html"));
  /* no body, no tags at all: the best text */
  T_EQ_INT(runs("Just a line of text without any markup at all, still text."),
           DL_OK);
  T_OK(has("Just a line of text"));
  T_EQ_INT(runs("<html><head><title>t</title></head></html>"), DL_ERR_EMPTY);
  T_EQ_INT(runs(""), DL_ERR_EMPTY);
  /* unterminated comment and script: the text before them survives */
  T_EQ_INT(runs("<p>The council met on Tuesday to discuss the harbour and "
                "the roads.</p><!-- never closed <p>hidden</p>"),
           DL_OK);
  T_OK(has("The council met on Tuesday"));
  T_OK(!has("hidden"));
  T_EQ_INT(runs("<p>The council met on Tuesday to discuss the harbour and "
                "the roads.</p><script>var s = \"<p>not text</p>"),
           DL_OK);
  T_OK(has("The council met on Tuesday"));
  T_OK(!has("not text"));
}

static void t_deep_nesting(void)
{
  /* 10,000 levels: flattened past the cap, no recursion, text kept */
  size_t depth = 10000, n = 0;
  char *p = malloc(depth * 11 + 256);
  T_OK(p);
  for (size_t i = 0; i < depth; i++) {
    memcpy(p + n, "<div>", 5);
    n += 5;
  }
  n += (size_t)snprintf(p + n, 200, "<p>Deep inside the page a paragraph "
                                    "of real text still waits.</p>");
  for (size_t i = 0; i < depth; i++) {
    memcpy(p + n, "</div>", 6);
    n += 6;
  }
  T_EQ_INT(run(p, n, NULL), DL_OK);
  T_OK(has("Deep inside the page"));
  free(p);
}

static void t_huge_page(void)
{
  /* 50 MB of paragraphs: bounded work, all of it read */
  const char *para = "<p>Paragraph of a very long page, with commas, words "
                     "and more words to read.</p>\n";
  size_t pl = strlen(para), target = (size_t)50 << 20, n = 0;
  char *p = malloc(target + 256);
  T_OK(p);
  n += (size_t)snprintf(p, 100, "<html><body><div class=\"content\">");
  while (n + pl < target) {
    memcpy(p + n, para, pl);
    n += pl;
  }
  n += (size_t)snprintf(p + n, 100, "<p>The last paragraph.</p></div>"
                                    "</body></html>");
  T_EQ_INT(run(p, n, NULL), DL_OK);
  T_OK(h.len > ((size_t)40 << 20));
  T_OK(strstr(h.text + h.len - 100, "The last paragraph."));
  free(p);
}

static void t_annotate(void)
{
  /* through the public API: spans point into the extracted text, which
  ** the record carries; the page's date ranks after the input's */
  dl_model *m = NULL;
  dl_annotator *a = NULL;
  dl_doc *d = NULL;
  dl_input in;
  char *js = NULL;
  size_t n, tl;
  const char *src, *txt;
  T_OK(load_article());
  T_OK(dl_model_create_empty(NULL, &m, NULL) == DL_OK);
  T_OK(dl_annotator_create(m, &a, NULL) == DL_OK);
  memset(&in, 0, sizeof in);
  in.html = article;
  in.html_len = article_len;
  T_EQ_INT(dl_annotate(a, &in, DL_FIELDS_DEFAULT, &d, NULL), DL_OK);
  txt = dl_doc_text(d, &tl);
  T_OK(strncmp(txt, "The Kelvin Harbour", 18) == 0);
  T_OK(dl_doc_count(d, DL_KIND_SENTENCE) >= 8);
  T_EQ_STR(dl_doc_date(d, &src), "2021-03-14T09:30");
  T_EQ_STR(src, "meta");
  T_EQ_INT(dl_doc_to_json(d, 0, DL_FIELDS_DEFAULT, &js, &n), DL_OK);
  T_OK(strstr(js, "\"text\":\"The Kelvin Harbour"));
  T_OK(strstr(js, "\"title\":\"Harbour bridge reopens after storm repairs\""));
  T_OK(strstr(js, "\"authors\":[\"Maria Lindqvist\""));
  dl_free(js);
  dl_doc_destroy(d);
  in.date = "2021-03-20";
  T_EQ_INT(dl_annotate(a, &in, DL_FIELD_DATE, &d, NULL), DL_OK);
  T_EQ_STR(dl_doc_date(d, &src), "2021-03-20");
  T_EQ_STR(src, "input");
  dl_doc_destroy(d);
  /* text and html together are a usage error */
  in.text = "x";
  in.len = 1;
  T_EQ_INT(dl_annotate(a, &in, DL_FIELD_DATE, &d, NULL), DL_ERR_INVALID);
  T_OK(dl_looks_like_html(article, article_len));
  T_OK(!dl_looks_like_html("Plain text, <b> once.", 21));
  dl_annotator_destroy(a);
  dl_model_destroy(m);
}

static void t_cleanup(void)
{
  dl__arena_free(&arena);
  free(article);
  article = NULL;
}

static const t_case cases[] = {
    {"main_text", t_main_text},
    {"blocks_and_offsets", t_blocks_and_offsets},
    {"metadata", t_metadata},
    {"meta_fallbacks", t_meta_fallbacks},
    {"dates", t_dates},
    {"bylines", t_bylines},
    {"encodings", t_encodings},
    {"bad_input", t_bad_input},
    {"deep_nesting", t_deep_nesting},
    {"huge_page", t_huge_page},
    {"annotate", t_annotate},
    {"cleanup", t_cleanup},
    {NULL, NULL}};
T_MAIN(cases)
