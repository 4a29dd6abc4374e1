/*
** html.h -- HTML input: parsing, main-text extraction and article
** metadata (html.c, html_meta.c). See docs/INTERNALS-html.md.
*/
#ifndef DL_HTML_H
#define DL_HTML_H

#include "internal.h"

/* Kinds of text block kept in the main text. */
typedef enum {
  DL__HB_PARA = 0,
  DL__HB_HEADING,
  DL__HB_QUOTE,
  DL__HB_ITEM,
  DL__HB_PRE,
  DL__HB_CELL,
  DL__HB__COUNT
} dl__hblock_kind;

/* One block of the extracted text and where it came from in the page.
** page offsets are bytes into the page as given when it was UTF-8, into
** its UTF-8 conversion otherwise (docs/INTERNALS-html.md). */
typedef struct dl__hblock {
  uint32_t start, end;           /* bytes into the extracted text */
  uint32_t page_start, page_end; /* bytes into the page */
  uint8_t kind;                  /* dl__hblock_kind */
} dl__hblock;

typedef struct dl__hlink {
  uint32_t start, end; /* anchor text in the extracted text */
  const char *href;    /* as written in the page (arena) */
} dl__hlink;

/* What dl__html_extract found. Every string and array is in the arena
** given to it; absent strings are NULL. Dates are "YYYY-MM-DD" or
** "YYYY-MM-DDTHH:MM". */
typedef struct dl__html {
  char *text; /* the main text, blocks separated by "\n\n" */
  size_t len;
  dl__hblock *blocks;
  size_t n_blocks;
  dl__hlink *links; /* outbound links of the main text */
  size_t n_links;
  const char *title, *site, *canonical, *lang, *image, *description;
  const char **authors;
  size_t n_authors;
  const char *published, *modified;
  const char *date_from;  /* static: "json-ld", "meta", "time", "url",
                          ** "text" (an element named date, time...) */
  const char *encoding;   /* static: the charset the page was read in */
  bool encoding_guessed;  /* declared charset wrong or absent */
  bool fallback;          /* no article found: the best text of the page */
} dl__html;

/* Limits (bad input stays bounded). */
#define DL__HTML_MAX_DEPTH 256     /* deeper elements are flattened */
#define DL__HTML_MAX_NODES 4000000 /* more elements: the rest is text */

/* Parses page[0..len), extracts the main text and the metadata into *out
** (allocations in `arena`, temporary ones through `al`). url (may be NULL)
** is the page's address, for dates in the URL and the canonical URL.
** Errors: DL_ERR_FORMAT (binary data, not HTML), DL_ERR_EMPTY (a page
** without text, e.g. a frameset: the message says so), DL_ERR_NOMEM. */
dl_status dl__html_extract(const dl_allocator *al, dl__arena *arena,
                           const char *page, size_t len, const char *url,
                           dl__html *out, dl_error *err);

/* Initializes libxml2 once (from the thread that creates a model). */
void dl__html_init(void);

/* Does buf look like an HTML page (a doctype or <html>/<head>/<body>
** or several tags near the start)? For format detection. */
bool dl__html_sniff(const char *buf, size_t len);

/* The record's "meta" field: authors, dates, canonical URL, site, image,
** blocks (spans and page offsets), links. Nothing for text input. */
void dl__html_json(const dl_doc *d, dl__jw *w, unsigned flags);

/* ---- html_meta.c (used by html.c) ---------------------------------- */

/* Normalizes a date written as ISO 8601, "2019/08/02", "20190802",
** "02.08.2019", "August 2, 2019", "2 Aug 2019" ... into buf ("YYYY-MM-DD"
** or with "THH:MM"). false when it is not a plausible date. */
bool dl__html_norm_date(const char *s, size_t n, char *buf, size_t cap);

/* A date in the URL path: /2019/08/02/, /2019-08-02, /20190802/. */
bool dl__html_url_date(const char *url, char *buf, size_t cap);

/* A JSON-LD block: collects the article fields into the sink. */
typedef struct dl__ldjson {
  char headline[512];
  char published[40], modified[40];
  char authors[8][128];
  size_t n_authors;
  char publisher[128];
  char image[1024];
  char url[1024];
  char lang[32];
  size_t body_len; /* length of articleBody when present */
  bool is_article; /* an *Article / BlogPosting / Report type was seen */
} dl__ldjson;

/* Parses one <script type="application/ld+json"> body (any JSON: an
** object, an array, an @graph) into sink, keeping what it already holds
** from an article type. Malformed JSON leaves what was read so far. */
void dl__html_ldjson(const char *s, size_t n, dl__ldjson *sink);

/* Cleans a byline candidate into names: strips "By", dates, "Updated 5
** minutes ago", e-mail, roles after a comma; splits on "and", "&", ",".
** Calls add(ctx, name, len) for each name kept; site (may be NULL) is
** never a name. */
void dl__html_byline(const char *s, size_t n, const char *site,
                     bool single_ok,
                     void (*add)(void *ctx, const char *p, size_t n),
                     void *ctx);

/* The first date written in s[0..n) (a byline or dateline element's
** text: "Posted on 5. November 2021 by admin"), normalized as above;
** never one on a copyright line. */
bool dl__html_find_date(const char *s, size_t n, char *buf, size_t cap);

#endif
