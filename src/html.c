/*
** html.c -- HTML pages in: parsing, main-text extraction, metadata.
**
** 1. Encoding. A BOM, else the charset declared in the first 4 KB (meta
**    charset or http-equiv), decides; but a page that is valid UTF-8 with
**    non-ASCII text is read as UTF-8 whatever it declares, and a page
**    declared (or defaulted to) UTF-8 that is not valid UTF-8 is read as
**    windows-1252. Anything else is converted to UTF-8 with iconv.
** 2. Parsing. libxml2's HTML parser (error-recovering, like a browser)
**    drives SAX callbacks that build a compact tree of our own: one
**    array of nodes (elements and text runs) with parent/child/sibling
**    indices, text collapsed into one pool, page offsets per node. Depth
**    is capped (deeper elements are flattened into their ancestor), so
**    every later pass is a loop over the array, never a recursion.
**    Scripts, styles, forms' controls, SVG and the like are skipped while
**    parsing; <title>, <meta>, <link>, <time> and JSON-LD scripts feed the
**    metadata.
** 3. Boilerplate. Navigation, asides, headers, footers, figures and
**    captions, hidden elements, and elements whose class or id names
**    comments, sharing, related stories, cookie banners, newsletters,
**    ads... are dropped, unless one holds most of the page's paragraphs.
** 4. Scoring, in the spirit of Readability: every paragraph-like element
**    with 25+ characters of its own text scores 1 + commas + length/100
**    (at most 3 for length) into its parent, half into its grandparent and
**    less further up; a candidate's score is weighted by its tag and class
**    and scaled by (1 - link density). The best candidate and the siblings
**    that score near it (or are good paragraphs themselves) are the
**    article.
** 5. Output: the article's paragraphs, headings, block quotes, list items
**    and preformatted blocks in reading order, each one block of the
**    main text (blocks separated by a blank line), without link lists,
**    link-dense blocks and one-line debris ("Advertisement"). Each block
**    keeps the page bytes it came from; each link its anchor span.
**
** Memory is proportional to the page (one node per element or text run,
** a few dozen bytes each) and bounded by DL__HTML_MAX_NODES.
*/
#include "html.h"

#include <iconv.h>
#include <errno.h>
#include <libxml/HTMLparser.h>
#include <libxml/parserInternals.h>
#include <stdlib.h>
#include <xxhash.h>

/* ====================================================================
** Tags
** ==================================================================== */

enum { K_INLINE = 0, K_BLOCK, K_SKIP, K_KILL, K_BR };

/* Sorted by name (bsearch). Unknown names are blocks (custom elements
** are mostly containers). */
#define TAGS(X)                                                             \
  X(A, "a", K_INLINE) X(ABBR, "abbr", K_INLINE)                             \
  X(ADDRESS, "address", K_BLOCK) X(APPLET, "applet", K_SKIP)                \
  X(AREA, "area", K_SKIP) X(ARTICLE, "article", K_BLOCK)                    \
  X(ASIDE, "aside", K_KILL) X(AUDIO, "audio", K_SKIP) X(B, "b", K_INLINE)  \
  X(BASE, "base", K_SKIP) X(BDI, "bdi", K_INLINE) X(BDO, "bdo", K_INLINE)   \
  X(BIG, "big", K_INLINE) X(BLOCKQUOTE, "blockquote", K_BLOCK)              \
  X(BODY, "body", K_BLOCK) X(BR, "br", K_BR) X(BUTTON, "button", K_SKIP)    \
  X(CANVAS, "canvas", K_SKIP) X(CAPTION, "caption", K_KILL)                 \
  X(CENTER, "center", K_BLOCK) X(CITE, "cite", K_INLINE)                    \
  X(CODE, "code", K_INLINE) X(DATA, "data", K_INLINE)                       \
  X(DATALIST, "datalist", K_SKIP) X(DD, "dd", K_BLOCK)                      \
  X(DEL, "del", K_INLINE) X(DETAILS, "details", K_BLOCK)                    \
  X(DFN, "dfn", K_INLINE) X(DIALOG, "dialog", K_KILL) X(DIV, "div", K_BLOCK)\
  X(DL, "dl", K_BLOCK) X(DT, "dt", K_BLOCK) X(EM, "em", K_INLINE)           \
  X(EMBED, "embed", K_SKIP) X(FIELDSET, "fieldset", K_BLOCK)                \
  X(FIGCAPTION, "figcaption", K_KILL) X(FIGURE, "figure", K_KILL)           \
  X(FONT, "font", K_INLINE) X(FOOTER, "footer", K_KILL)                     \
  X(FORM, "form", K_BLOCK) X(FRAME, "frame", K_SKIP)                        \
  X(FRAMESET, "frameset", K_BLOCK) X(H1, "h1", K_BLOCK) X(H2, "h2", K_BLOCK)\
  X(H3, "h3", K_BLOCK) X(H4, "h4", K_BLOCK) X(H5, "h5", K_BLOCK)            \
  X(H6, "h6", K_BLOCK) X(HEAD, "head", K_KILL) X(HEADER, "header", K_KILL)  \
  X(HGROUP, "hgroup", K_BLOCK) X(HR, "hr", K_BR) X(HTML, "html", K_BLOCK)   \
  X(I, "i", K_INLINE) X(IFRAME, "iframe", K_SKIP) X(IMG, "img", K_INLINE)   \
  X(INPUT, "input", K_SKIP) X(INS, "ins", K_INLINE) X(KBD, "kbd", K_INLINE) \
  X(LABEL, "label", K_INLINE) X(LEGEND, "legend", K_KILL)                   \
  X(LI, "li", K_BLOCK) X(LINK, "link", K_SKIP) X(MAIN, "main", K_BLOCK)     \
  X(MAP, "map", K_SKIP) X(MARK, "mark", K_INLINE) X(MATH, "math", K_SKIP)   \
  X(MENU, "menu", K_KILL) X(META, "meta", K_SKIP) X(NAV, "nav", K_KILL)     \
  X(NOBR, "nobr", K_INLINE) X(NOFRAMES, "noframes", K_BLOCK)                \
  X(NOSCRIPT, "noscript", K_SKIP) X(OBJECT, "object", K_SKIP)               \
  X(OL, "ol", K_BLOCK) X(OPTION, "option", K_SKIP) X(P, "p", K_BLOCK)       \
  X(PICTURE, "picture", K_INLINE) X(PRE, "pre", K_BLOCK) X(Q, "q", K_INLINE)\
  X(S, "s", K_INLINE) X(SAMP, "samp", K_INLINE) X(SCRIPT, "script", K_SKIP) \
  X(SECTION, "section", K_BLOCK) X(SELECT, "select", K_SKIP)                \
  X(SMALL, "small", K_INLINE) X(SOURCE, "source", K_SKIP)                   \
  X(SPAN, "span", K_INLINE) X(STRIKE, "strike", K_INLINE)                   \
  X(STRONG, "strong", K_INLINE) X(STYLE, "style", K_SKIP)                   \
  X(SUB, "sub", K_INLINE) X(SUMMARY, "summary", K_BLOCK)                    \
  X(SUP, "sup", K_INLINE) X(SVG, "svg", K_SKIP) X(TABLE, "table", K_BLOCK)  \
  X(TBODY, "tbody", K_BLOCK) X(TD, "td", K_BLOCK)                           \
  X(TEMPLATE, "template", K_SKIP) X(TEXTAREA, "textarea", K_SKIP)           \
  X(TFOOT, "tfoot", K_BLOCK) X(TH, "th", K_BLOCK) X(THEAD, "thead", K_BLOCK)\
  X(TIME, "time", K_INLINE) X(TITLE, "title", K_SKIP) X(TR, "tr", K_BLOCK)  \
  X(TT, "tt", K_INLINE) X(U, "u", K_INLINE) X(UL, "ul", K_BLOCK)            \
  X(VAR, "var", K_INLINE) X(VIDEO, "video", K_SKIP) X(WBR, "wbr", K_INLINE)

#define X_ENUM(id, name, kind) T_##id,
enum { T_TEXT = 0, T_UNKNOWN, TAGS(X_ENUM) T__COUNT };
#undef X_ENUM

static const struct tagdef {
  const char *name;
  uint8_t id, kind;
} tagdefs[] = {
#define X_DEF(id, name, kind) {name, T_##id, kind},
    TAGS(X_DEF)
#undef X_DEF
};

#define X_KIND(id, name, kind) [T_##id] = kind,
static const uint8_t tag_kind[T__COUNT] = {
    [T_TEXT] = K_INLINE, [T_UNKNOWN] = K_BLOCK, TAGS(X_KIND)};
#undef X_KIND

static int tag_cmp(const void *k, const void *e)
{
  return strcmp((const char *)k, ((const struct tagdef *)e)->name);
}

static const struct tagdef *tag_find(const char *name)
{
  return bsearch(name, tagdefs, DL__COUNTOF(tagdefs), sizeof tagdefs[0],
                 tag_cmp);
}

static bool is_heading(int t) { return t >= T_H1 && t <= T_H6; }

/* ====================================================================
** The tree
** ==================================================================== */

enum {
  F_NEG = 1,     /* class/id names boilerplate */
  F_POS = 2,     /* class/id names article content */
  F_HIDDEN = 4,  /* hidden, aria-hidden, display:none */
  F_KILL = 8,    /* dropped from the main text */
  F_PARA = 16,   /* paragraph-like: own inline text of 25+ chars */
  F_BYLINE = 32, /* class/id/rel/itemprop names an author or byline */
  F_CAND = 64,   /* scored as a candidate */
  F_HARD = 128,  /* class/id names something never in the article body */
  F_DEAD = 256   /* under a killed ancestor (or killed itself) */
};

typedef struct hnode {
  uint32_t parent, first, last, next; /* indices, 0: none */
  uint32_t text, tlen;   /* text node: its run in the text pool;
                         ** element: class+id in the attribute pool */
  uint32_t href;         /* <a>: href in the attribute pool (0: none) */
  uint32_t pstart, pend; /* bytes into the (UTF-8) page */
  uint32_t chars;        /* non-space bytes of text under it */
  uint32_t lchars;       /* ... of them inside links */
  uint32_t ichars;       /* ... in its own inline content */
  uint32_t commas;
  uint32_t paras;        /* paragraph-like elements under it */
  uint32_t pchars;       /* chars of those paragraphs */
  float score;
  uint16_t flags;
  uint8_t tag;
} hnode;

/* Metadata slots: a value in the meta pool and its priority (lower
** wins; the first seen wins a tie). */
typedef struct slot {
  uint32_t off, len;
  int prio; /* 0: empty */
} slot;

enum {
  M_OG_TITLE, M_TW_TITLE, M_TITLE, M_SITE, M_CANON, M_OG_URL, M_IMAGE,
  M_DESC, M_LANG, M_PUB, M_MOD, M_TIME, M_AUTHOR, M__COUNT
};

#define MAX_AUTH_SLOTS 8
#define MAX_BYLINES 8
#define MAX_DATENODES 24

typedef struct ps {
  const dl_allocator *al;
  htmlParserCtxtPtr ctxt;
  hnode *n;
  size_t nn, cap;
  dl__buf text;  /* collapsed text of the text nodes */
  dl__buf attr;  /* class+id strings, hrefs (NUL-terminated) */
  dl__buf meta;  /* metadata values */
  dl__buf cap_buf; /* <title> or JSON-LD being captured */
  uint32_t stack[DL__HTML_MAX_DEPTH];
  int sp;
  int overflow;   /* elements open beyond the depth cap */
  int skip;       /* >0: inside a skipped element */
  int capture;    /* CAP_* while skip>0 */
  bool in_head_title_done;
  bool oom;
  bool too_many;
  slot m[M__COUNT];
  slot authors[MAX_AUTH_SLOTS];
  size_t n_authors;
  int author_prio;
  uint32_t bylines[MAX_BYLINES];
  size_t n_bylines;
  uint32_t datenodes[MAX_DATENODES]; /* elements named date, time... */
  size_t n_datenodes;
  dl__ldjson ld;
  uint32_t frames; /* <frame> count */
  uint32_t frame_src; /* attr pool offset of the first frame's src */
  uint32_t imgs_in_body;
  uint32_t body; /* node of <body> (0: none) */
  /* class_flags() of recent class+id strings (pages repeat them) */
  uint64_t cf_key[256];
  uint16_t cf_val[256];
} ps;

enum { CAP_NONE, CAP_TITLE, CAP_LDJSON };

static bool buf_add(ps *p, dl__buf *b, const void *s, size_t n)
{
  if (p->oom) return false;
  if (b->len + n >= UINT32_MAX - 1 || !dl__buf_append(b, s, n)) {
    p->oom = true;
    return false;
  }
  return true;
}

/* Page offset of the parser now. */
static uint32_t page_pos(ps *p)
{
  xmlParserInputPtr in = p->ctxt ? p->ctxt->input : NULL;
  size_t off;
  if (!in || !in->cur || !in->base) return 0;
  off = (size_t)in->consumed + (size_t)(in->cur - in->base);
  return off > UINT32_MAX ? UINT32_MAX : (uint32_t)off;
}

static uint32_t new_node(ps *p, int tag)
{
  hnode *x;
  uint32_t parent = p->sp ? p->stack[p->sp - 1] : 0;
  if (p->nn >= DL__HTML_MAX_NODES) {
    p->too_many = true;
    return 0;
  }
  if (p->nn == p->cap) {
    size_t ncap = p->cap ? p->cap * 2 : 1024;
    hnode *nb = dl__realloc(p->al, p->n, p->cap * sizeof *nb,
                            ncap * sizeof *nb);
    if (!nb) {
      p->oom = true;
      return 0;
    }
    p->n = nb;
    p->cap = ncap;
  }
  x = &p->n[p->nn];
  memset(x, 0, sizeof *x);
  x->tag = (uint8_t)tag;
  x->parent = parent;
  if (parent || p->nn > 0) {
    hnode *par = &p->n[parent];
    if (par->last)
      p->n[par->last].next = (uint32_t)p->nn;
    else
      par->first = (uint32_t)p->nn;
    par->last = (uint32_t)p->nn;
  }
  return (uint32_t)p->nn++;
}

/* ---- attributes ----------------------------------------------------- */

static bool ieq(const char *a, const char *b)
{
  return a && strcasecmp(a, b) == 0;
}

static bool icontains(const char *hay, const char *needle)
{
  size_t n = strlen(needle);
  if (!hay) return false;
  for (; *hay; hay++)
    if (strncasecmp(hay, needle, n) == 0) return true;
  return false;
}

/* Words of class/id (split on space, '-', '_') matched whole; longer
** roots matched anywhere. */
static const char *const neg_words[] = {
    "ad", "ads", "nav", "menu", "share", "social", "tags", "tag", "bio",
    "promo", "meta", "byline", "author", "sponsored", "hidden", "hide",
    "print", "skip", "tools", "toolbar", "dateline", "date", "timestamp",
    "caption", "credit", "credits", "rail", "aside", "overlay", "login",
    "teaser", "teasers", "more", "next", "prev", "jump", "sharing",
    "follow", "icons", "icon", "tooltip", "alert", "subnav", "topics",
    "keywords", "disclaimer", "notice", "donate", "donation", "cta",
    "header", "footer", "masthead", "sr", "embed", "video", "player",
    "gallery", "slideshow", "carousel", "kicker", "eyebrow", "headline",
    "title", "breaking", "ticker", "survey", "poll", "rating", "feedback",
    "contact", "copyright", "license", "legal", "references"};
static const char *const neg_roots[] = {
    "comment", "disqus", "cookie", "consent", "gdpr", "newsletter",
    "related", "recommend", "outbrain", "taboola", "advert", "breadcrumb",
    "sidebar", "widget", "popup", "modal", "subscri", "signup", "sign-up",
    "popular", "trending", "mostread", "most-read", "readmore",
    "read-more", "morestories", "more-stories", "pagination", "pager",
    "masthead", "banner", "sponsor", "paywall-prompt", "social",
    "visually-hidden", "screen-reader", "sr-only", "skiplink", "skip-link",
    "share", "bottom-of",
    "recirc", "further-reading", "see-also", "seealso", "you-may",
    "youmay", "also-read", "alsoread", "nextup", "up-next", "upnext",
    "navbar", "navigation", "topnav", "footnote", "jp-relatedposts",
    "sharedaddy", "wp-caption", "photo-credit", "image-credit",
    "inline-ad", "ad-container", "ad-slot", "adslot", "dfp", "googlead",
    "promo", "partner", "affiliate", "infobox", "factbox"};
static const char *const pos_words[] = {
    "article", "body", "content", "entry", "main", "post", "text", "story",
    "blog", "hentry", "prose", "copy", "articlebody", "article-body",
    "story-body", "post-content", "entry-content", "rich-text"};
/* Never the body, whatever else the class says. */
static const char *const hard_roots[] = {
    "comment", "disqus", "cookie", "consent", "gdpr", "newsletter",
    "outbrain", "taboola", "breadcrumb", "share", "social", "related",
    "recommend", "sidebar", "caption", "credit", "byline", "author-bio",
    "subscribe", "advert", "promo", "popular", "trending", "recirc",
    "footer", "masthead", "author-info", "authorinfo", "about-the-author",
    "author-bio", "authorbio", "newscaption", "imagecaption", "image-caption",
    "photo-caption", "embedcredit", "image-credit", "photo-credit"};

static bool word_in(const char *s, size_t n, const char *const *list,
                    size_t count)
{
  for (size_t i = 0; i < count; i++)
    if (strlen(list[i]) == n && memcmp(list[i], s, n) == 0) return true;
  return false;
}

static bool root_in(const char *s, const char *const *list, size_t count)
{
  for (size_t i = 0; i < count; i++)
    if (strstr(s, list[i])) return true;
  return false;
}

/* Classifies a lowercased "class id" string. */
static unsigned class_flags(const char *s)
{
  unsigned f = 0;
  const char *p = s;
  if (!*s) return 0;
  if (root_in(s, neg_roots, DL__COUNTOF(neg_roots))) f |= F_NEG;
  if (root_in(s, hard_roots, DL__COUNTOF(hard_roots))) f |= F_HARD | F_NEG;
  while (*p) {
    const char *e;
    while (*p == ' ' || *p == '-' || *p == '_') p++;
    e = p;
    while (*e && *e != ' ' && *e != '-' && *e != '_') e++;
    if (e > p) {
      size_t n = (size_t)(e - p);
      if (word_in(p, n, neg_words, DL__COUNTOF(neg_words))) f |= F_NEG;
      if (word_in(p, n, pos_words, DL__COUNTOF(pos_words))) f |= F_POS;
    }
    p = e;
  }
  /* Whole-string positives with separators ("article-body"). */
  if (!(f & F_POS) && root_in(s, pos_words + 13, 5)) f |= F_POS;
  if (strstr(s, "byline") || strstr(s, "author") || strstr(s, "autor") ||
      strstr(s, "verfasser") || strstr(s, "writer"))
    f |= F_BYLINE;
  return f;
}

/* A class or id that names a date: "entry-date", "post-meta",
** "datum"... */
static bool class_names_date(const char *s)
{
  static const char *const w[] = {"date", "datum", "time", "publish",
                                  "posted", "meta", "zeit", "byline"};
  if (strstr(s, "update") || strstr(s, "comment")) return false;
  for (size_t i = 0; i < DL__COUNTOF(w); i++)
    if (strstr(s, w[i])) return true;
  return false;
}

/* ---- metadata slots ----------------------------------------------- */

static void slot_set(ps *p, slot *sl, const char *v, int prio)
{
  size_t n;
  if (!v) return;
  while (*v == ' ' || *v == '\t' || *v == '\n' || *v == '\r') v++;
  n = strlen(v);
  while (n && (v[n - 1] == ' ' || v[n - 1] == '\n' || v[n - 1] == '\t' ||
               v[n - 1] == '\r'))
    n--;
  if (!n || n > 4096) return;
  if (sl->prio && sl->prio <= prio) return;
  sl->off = (uint32_t)p->meta.len;
  sl->len = (uint32_t)n;
  sl->prio = prio;
  if (!buf_add(p, &p->meta, v, n) || !buf_add(p, &p->meta, "", 1))
    sl->prio = 0;
}

static void author_add(ps *p, const char *v, int prio)
{
  if (!v || !*v) return;
  if (p->author_prio && prio > p->author_prio) return;
  if (prio < p->author_prio || !p->author_prio) {
    p->n_authors = 0;
    p->author_prio = prio;
  }
  if (p->n_authors < MAX_AUTH_SLOTS) {
    slot *sl = &p->authors[p->n_authors];
    memset(sl, 0, sizeof *sl);
    slot_set(p, sl, v, 1);
    if (sl->prio) p->n_authors++;
  }
}

static const struct {
  const char *key; /* name/property/itemprop, lowercased */
  int slot, prio;
} meta_keys[] = {
    {"og:title", M_OG_TITLE, 1},
    {"twitter:title", M_TW_TITLE, 1},
    {"headline", M_TW_TITLE, 2},
    {"og:site_name", M_SITE, 1},
    {"application-name", M_SITE, 3},
    {"og:url", M_OG_URL, 1},
    {"og:image", M_IMAGE, 1},
    {"og:image:url", M_IMAGE, 1},
    {"og:image:secure_url", M_IMAGE, 2},
    {"twitter:image", M_IMAGE, 3},
    {"twitter:image:src", M_IMAGE, 3},
    {"og:description", M_DESC, 1},
    {"description", M_DESC, 2},
    {"twitter:description", M_DESC, 3},
    {"og:locale", M_LANG, 4},
    {"content-language", M_LANG, 3},
    {"dc.language", M_LANG, 3},
    {"article:published_time", M_PUB, 1},
    {"og:article:published_time", M_PUB, 1},
    {"datepublished", M_PUB, 2},
    {"article.published", M_PUB, 2},
    {"published_time", M_PUB, 2},
    {"publish-date", M_PUB, 3},
    {"publish_date", M_PUB, 3},
    {"publishdate", M_PUB, 3},
    {"pubdate", M_PUB, 3},
    {"parsely-pub-date", M_PUB, 3},
    {"sailthru.date", M_PUB, 4},
    {"dc.date.issued", M_PUB, 4},
    {"dcterms.date", M_PUB, 4},
    {"dcterms.created", M_PUB, 4},
    {"dc.date", M_PUB, 5},
    {"date", M_PUB, 5},
    {"citation_publication_date", M_PUB, 5},
    {"article:modified_time", M_MOD, 1},
    {"og:updated_time", M_MOD, 2},
    {"datemodified", M_MOD, 2},
    {"last-modified", M_MOD, 3},
    {"dcterms.modified", M_MOD, 3},
};

static const struct {
  const char *key;
  int prio;
} author_keys[] = {
    {"author", 2},          {"article:author", 2}, {"byl", 2},
    {"parsely-author", 2},  {"sailthru.author", 3}, {"dc.creator", 3},
    {"dcterms.creator", 3}, {"citation_author", 3},
};

static void on_meta(ps *p, const char *key, const char *content)
{
  char k[64];
  size_t n = strlen(key);
  if (!content || n >= sizeof k) return;
  for (size_t i = 0; i <= n; i++)
    k[i] = (char)(key[i] >= 'A' && key[i] <= 'Z' ? key[i] + 32 : key[i]);
  for (size_t i = 0; i < DL__COUNTOF(meta_keys); i++)
    if (strcmp(k, meta_keys[i].key) == 0)
      slot_set(p, &p->m[meta_keys[i].slot], content, meta_keys[i].prio);
  for (size_t i = 0; i < DL__COUNTOF(author_keys); i++)
    if (strcmp(k, author_keys[i].key) == 0) {
      /* article:author is often the author's page: a URL, no name. */
      if (strncmp(content, "http", 4) == 0 || strchr(content, '/')) continue;
      author_add(p, content, author_keys[i].prio + 2);
    }
}

/* ---- SAX callbacks ------------------------------------------------- */

static const char *attr_get(const xmlChar **atts, const char *name)
{
  if (!atts) return NULL;
  for (size_t i = 0; atts[i]; i += 2)
    if (strcasecmp((const char *)atts[i], name) == 0)
      return atts[i + 1] ? (const char *)atts[i + 1] : "";
  return NULL;
}

/* The attributes every element is asked about, in one pass (libxml2's
** HTML parser lowercases attribute names). */
typedef struct attrs {
  const char *cl, *id, *role, *hidden, *aria_hidden, *style, *rel,
      *itemprop, *href, *content, *datetime;
} attrs;

static void attrs_scan(const xmlChar **atts, attrs *a)
{
  memset(a, 0, sizeof *a);
  if (!atts) return;
  for (size_t i = 0; atts[i]; i += 2) {
    const char *k = (const char *)atts[i];
    const char *v = atts[i + 1] ? (const char *)atts[i + 1] : "";
    switch (k[0]) {
    case 'c':
      if (strcmp(k, "class") == 0) a->cl = v;
      else if (strcmp(k, "content") == 0) a->content = v;
      break;
    case 'i':
      if (strcmp(k, "id") == 0) a->id = v;
      else if (strcmp(k, "itemprop") == 0) a->itemprop = v;
      break;
    case 'r':
      if (strcmp(k, "role") == 0) a->role = v;
      else if (strcmp(k, "rel") == 0) a->rel = v;
      break;
    case 'h':
      if (strcmp(k, "hidden") == 0) a->hidden = v;
      else if (strcmp(k, "href") == 0) a->href = v;
      break;
    case 'a':
      if (strcmp(k, "aria-hidden") == 0) a->aria_hidden = v;
      break;
    case 's':
      if (strcmp(k, "style") == 0) a->style = v;
      break;
    case 'd':
      if (strcmp(k, "datetime") == 0) a->datetime = v;
      break;
    default:
      break;
    }
  }
}

static uint32_t attr_store(ps *p, const char *v, bool lower)
{
  uint32_t off = (uint32_t)p->attr.len;
  size_t n = strlen(v);
  if (n > 2048) n = 2048;
  if (!buf_add(p, &p->attr, v, n) || !buf_add(p, &p->attr, "", 1)) return 0;
  if (lower)
    for (size_t i = 0; i < n; i++) {
      char c = p->attr.p[off + i];
      if (c >= 'A' && c <= 'Z') p->attr.p[off + i] = (char)(c + 32);
    }
  return off;
}

static void on_start(void *ctx, const xmlChar *xname, const xmlChar **atts)
{
  ps *p = ctx;
  const char *name = (const char *)xname;
  const struct tagdef *td;
  int tag, kind;
  uint32_t id;
  const char *v;
  attrs at;
  if (p->oom) return;
  attrs_scan(atts, &at);
  td = tag_find(name);
  tag = td ? td->id : T_UNKNOWN;
  kind = td ? td->kind : K_BLOCK;

  /* Elements that carry metadata wherever they are. */
  switch (tag) {
  case T_META: {
    const char *c = attr_get(atts, "content");
    if ((v = attr_get(atts, "property"))) on_meta(p, v, c);
    if ((v = attr_get(atts, "name"))) on_meta(p, v, c);
    if ((v = attr_get(atts, "itemprop"))) on_meta(p, v, c);
    if ((v = attr_get(atts, "http-equiv"))) on_meta(p, v, c);
    break;
  }
  case T_LINK:
    v = attr_get(atts, "rel");
    if (v && ieq(v, "canonical"))
      slot_set(p, &p->m[M_CANON], attr_get(atts, "href"), 1);
    break;
  case T_HTML:
    slot_set(p, &p->m[M_LANG], attr_get(atts, "lang"), 1);
    slot_set(p, &p->m[M_LANG], attr_get(atts, "xml:lang"), 2);
    break;
  case T_FRAME:
  case T_IFRAME:
    if (tag == T_FRAME && (v = attr_get(atts, "src"))) {
      if (!p->frames) p->frame_src = attr_store(p, v, false);
      p->frames++;
    }
    break;
  case T_TIME:
    if ((v = attr_get(atts, "datetime")) || (v = attr_get(atts, "content"))) {
      const char *ip = attr_get(atts, "itemprop");
      const char *cl = attr_get(atts, "class");
      int prio = 4;
      if (ip && ieq(ip, "datePublished")) prio = 1;
      else if (attr_get(atts, "pubdate")) prio = 1;
      else if (ip && ieq(ip, "dateModified")) prio = 9;
      else if (cl && (icontains(cl, "publish") || icontains(cl, "posted")))
        prio = 2;
      else if (cl && (icontains(cl, "update") || icontains(cl, "modif")))
        prio = 9;
      if (prio < 9) slot_set(p, &p->m[M_TIME], v, prio);
    }
    break;
  default: {
    /* itemprop on any element: <span itemprop="author">, <div
    ** itemprop="datePublished" content="...">. */
    if (at.itemprop && at.content) on_meta(p, at.itemprop, at.content);
    if (at.itemprop && at.datetime) on_meta(p, at.itemprop, at.datetime);
    break;
  }
  }

  if (p->skip) {
    p->skip++;
    return;
  }
  if (kind == K_SKIP) {
    p->skip = 1;
    p->capture = CAP_NONE;
    if (tag == T_TITLE && !p->m[M_TITLE].prio) {
      p->capture = CAP_TITLE;
      p->cap_buf.len = 0;
    } else if (tag == T_SCRIPT && (v = attr_get(atts, "type")) &&
               icontains(v, "ld+json")) {
      p->capture = CAP_LDJSON;
      p->cap_buf.len = 0;
    }
    return;
  }
  if (p->sp >= DL__HTML_MAX_DEPTH || p->too_many) {
    if (kind != K_BR) p->overflow++; /* a <br> has no stack entry */
    return;
  }
  id = new_node(p, tag);
  if (!id) {
    if (!p->oom && kind != K_BR) p->overflow++;
    return;
  }
  p->n[id].pstart = page_pos(p);
  if (tag == T_BODY && !p->body) p->body = id;
  if (kind != K_BR) {
    /* class and id, lowercased */
    const char *cl = at.cl, *ident = at.id, *role = at.role;
    unsigned fl = 0, isdate = 0;
    if (cl || ident) {
      char tmp[512];
      snprintf(tmp, sizeof tmp, "%s %s", cl ? cl : "", ident ? ident : "");
      p->n[id].text = attr_store(p, tmp, true);
      if (p->oom) return;
      {
        const char *cs = p->attr.p + p->n[id].text;
        uint64_t hk = XXH3_64bits(cs, strlen(cs)) | 1;
        unsigned cs_i = (unsigned)(hk & 255);
        if (p->cf_key[cs_i] != hk) {
          p->cf_key[cs_i] = hk;
          p->cf_val[cs_i] = (uint16_t)(class_flags(cs) |
                                       (class_names_date(cs) ? 0x8000u : 0));
        }
        fl = p->cf_val[cs_i] & 0x7FFFu;
        isdate = p->cf_val[cs_i] & 0x8000u;
      }
    }
    if (role && (ieq(role, "navigation") || ieq(role, "complementary") ||
                 ieq(role, "banner") || ieq(role, "contentinfo") ||
                 ieq(role, "dialog") || ieq(role, "alert") ||
                 ieq(role, "menu") || ieq(role, "search")))
      fl |= F_NEG | F_HARD;
    if (at.hidden || (at.aria_hidden && ieq(at.aria_hidden, "true")) ||
        ((v = at.style) &&
         (icontains(v, "display:none") || icontains(v, "display: none") ||
          icontains(v, "visibility:hidden"))))
      fl |= F_HIDDEN;
    if ((at.rel && icontains(at.rel, "author")) ||
        ((v = at.itemprop) && (ieq(v, "author") || ieq(v, "creator"))))
      fl |= F_BYLINE;
    if ((v = at.itemprop) && ieq(v, "articleBody"))
      fl = (fl & ~(unsigned)(F_NEG | F_HARD)) | F_POS;
    if ((fl & F_BYLINE) && p->n_bylines < MAX_BYLINES)
      p->bylines[p->n_bylines++] = id;
    if (p->n_datenodes < MAX_DATENODES &&
        (tag == T_TIME || isdate))
      p->datenodes[p->n_datenodes++] = id;
    p->n[id].flags = (uint16_t)fl;
    if (tag == T_A && (v = at.href))
      p->n[id].href = attr_store(p, v, false);
  }
  if (kind == K_BR) return; /* empty element: no stack entry */
  p->stack[p->sp++] = id;
}

static void on_end(void *ctx, const xmlChar *xname)
{
  ps *p = ctx;
  const struct tagdef *td;
  if (p->oom) return;
  if (p->skip) {
    if (--p->skip == 0) {
      if (p->capture == CAP_TITLE && p->cap_buf.len) {
        buf_add(p, &p->cap_buf, "", 1);
        if (!p->oom) slot_set(p, &p->m[M_TITLE], p->cap_buf.p, 1);
      } else if (p->capture == CAP_LDJSON && p->cap_buf.len) {
        dl__html_ldjson(p->cap_buf.p, p->cap_buf.len, &p->ld);
      }
      p->capture = CAP_NONE;
    }
    return;
  }
  td = tag_find((const char *)xname);
  if (td && td->kind == K_BR) return;
  if (p->overflow) {
    p->overflow--;
    return;
  }
  if (p->sp) {
    uint32_t id = p->stack[--p->sp];
    p->n[id].pend = page_pos(p);
  }
}

/* Appends text with white space collapsed; NBSP counts as space. */
static void add_text(ps *p, const char *s, size_t len)
{
  uint32_t parent, id;
  hnode *last;
  size_t start;
  bool space;
  if (!len) return;
  parent = p->sp ? p->stack[p->sp - 1] : 0;
  if (!p->nn) return;
  last = p->n[parent].last ? &p->n[p->n[parent].last] : NULL;
  start = p->text.len;
  if (!dl__buf_reserve(&p->text, len + 1) || p->text.len + len >= UINT32_MAX) {
    p->oom = true;
    return;
  }
  space = p->text.len && p->text.p[p->text.len - 1] == ' ';
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' ||
        (c == 0xC2 && i + 1 < len && (unsigned char)s[i + 1] == 0xA0)) {
      if (c == 0xC2) i++;
      if (!space) p->text.p[p->text.len++] = ' ';
      space = true;
    } else if (c < 0x20 || c == 0x7F) {
      continue; /* control characters never reach the text */
    } else {
      p->text.p[p->text.len++] = (char)c;
      space = false;
    }
  }
  if (p->text.len == start) return;
  if (last && last->tag == T_TEXT && last->text + last->tlen == start) {
    last->tlen += (uint32_t)(p->text.len - start);
    last->pend = page_pos(p);
    return;
  }
  id = new_node(p, T_TEXT);
  if (!id) {
    p->text.len = start;
    return;
  }
  p->n[id].text = (uint32_t)start;
  p->n[id].tlen = (uint32_t)(p->text.len - start);
  p->n[id].pend = page_pos(p);
  p->n[id].pstart = p->n[id].pend > len ? p->n[id].pend - (uint32_t)len : 0;
}

static void on_chars(void *ctx, const xmlChar *s, int len)
{
  ps *p = ctx;
  if (p->oom || len <= 0) return;
  if (p->skip) {
    if (p->capture != CAP_NONE && p->cap_buf.len < (1u << 22))
      buf_add(p, &p->cap_buf, s, (size_t)len);
    return;
  }
  add_text(p, (const char *)s, (size_t)len);
}

/* ====================================================================
** Encoding
** ==================================================================== */

static bool utf8_valid(const unsigned char *u, size_t len, bool *nonascii)
{
  size_t i = 0;
  *nonascii = false;
  while (i < len) {
    int32_t cp;
    size_t k;
    if (u[i] < 0x80) {
      i++;
      continue;
    }
    *nonascii = true;
    k = dl__utf8_decode(u, len, i, &cp);
    if (!k) return false;
    i += k;
  }
  return true;
}

/* The charset declared in the first 4 KB: <meta charset=X> or
** content="text/html; charset=X". */
static bool declared_charset(const char *s, size_t len, char *out,
                             size_t cap)
{
  size_t n = DL__MIN(len, (size_t)4096);
  for (size_t i = 0; i + 7 < n; i++) {
    size_t j, k = 0;
    if (strncasecmp(s + i, "charset", 7) != 0) continue;
    j = i + 7;
    while (j < n && (s[j] == ' ' || s[j] == '\t')) j++;
    if (j >= n || s[j] != '=') continue;
    j++;
    while (j < n && (s[j] == ' ' || s[j] == '"' || s[j] == '\'')) j++;
    while (j < n && k + 1 < cap &&
           (s[j] == '-' || s[j] == '_' || s[j] == ':' || s[j] == '.' ||
            (s[j] >= '0' && s[j] <= '9') || (s[j] >= 'a' && s[j] <= 'z') ||
            (s[j] >= 'A' && s[j] <= 'Z')))
      out[k++] = s[j++];
    out[k] = 0;
    if (k) return true;
  }
  return false;
}

/* Converts with iconv into a new buffer (al); invalid input bytes
** become U+FFFD. NULL on failure (unknown charset or no memory). */
static char *convert(const dl_allocator *al, const char *from,
                     const char *s, size_t len, size_t *outlen)
{
  iconv_t cd = iconv_open("UTF-8", from);
  size_t cap, used = 0;
  char *out;
  char *in = (char *)(uintptr_t)s;
  size_t inleft = len;
  if (cd == (iconv_t)-1) return NULL;
  if (len > (SIZE_MAX - 16) / 3) {
    iconv_close(cd);
    return NULL;
  }
  cap = len * 3 + 16; /* UTF-16 and single-byte charsets fit in 3x */
  out = dl__malloc(al, cap);
  if (!out) {
    iconv_close(cd);
    return NULL;
  }
  while (inleft) {
    char *o = out + used;
    size_t oleft = cap - used - 4;
    size_t r = iconv(cd, &in, &inleft, &o, &oleft);
    used = (size_t)(o - out);
    if (r != (size_t)-1) break;
    if (errno == EILSEQ || errno == EINVAL) {
      /* one bad byte: U+FFFD and go on */
      memcpy(out + used, "\xEF\xBF\xBD", 3);
      used += 3;
      in++;
      inleft--;
      if (cap - used < 8) break;
    } else {
      break; /* E2BIG cannot happen with 3x room */
    }
  }
  iconv_close(cd);
  out[used] = 0;
  *outlen = used;
  return out;
}

static const char *canonical_charset(const char *name, bool *single)
{
  static const struct {
    const char *alias, *name;
  } map[] = {
      {"utf-8", "UTF-8"},           {"utf8", "UTF-8"},
      {"iso-8859-1", "WINDOWS-1252"}, {"iso8859-1", "WINDOWS-1252"},
      {"latin1", "WINDOWS-1252"},   {"latin-1", "WINDOWS-1252"},
      {"us-ascii", "WINDOWS-1252"}, {"ascii", "WINDOWS-1252"},
      {"windows-1252", "WINDOWS-1252"}, {"cp1252", "WINDOWS-1252"},
      {"iso-8859-15", "ISO-8859-15"}, {"windows-1251", "WINDOWS-1251"},
      {"windows-1250", "WINDOWS-1250"}, {"iso-8859-2", "ISO-8859-2"},
      {"koi8-r", "KOI8-R"},         {"shift_jis", "SHIFT_JIS"},
      {"euc-jp", "EUC-JP"},         {"gb2312", "GBK"},
      {"gbk", "GBK"},               {"big5", "BIG5"},
      {"euc-kr", "EUC-KR"},         {"windows-1256", "WINDOWS-1256"},
      {"iso-8859-9", "WINDOWS-1254"}, {"windows-1254", "WINDOWS-1254"},
  };
  *single = false;
  for (size_t i = 0; i < DL__COUNTOF(map); i++)
    if (strcasecmp(name, map[i].alias) == 0) {
      *single = strncmp(map[i].name, "WINDOWS", 7) == 0 ||
                strncmp(map[i].name, "ISO", 3) == 0 ||
                strcmp(map[i].name, "KOI8-R") == 0;
      return map[i].name;
    }
  return NULL;
}

/* Binary data served as HTML: magic numbers, or many control bytes. */
static const char *binary_kind(const unsigned char *u, size_t len)
{
  static const struct {
    const char *magic;
    size_t n;
    const char *name;
  } mg[] = {
      {"%PDF", 4, "a PDF file"},         {"PK\x03\x04", 4, "a ZIP archive"},
      {"\x89PNG", 4, "a PNG image"},      {"GIF8", 4, "a GIF image"},
      {"\xFF\xD8\xFF", 3, "a JPEG image"}, {"\x1F\x8B", 2, "gzip data"},
      {"\x7F" "ELF", 4, "an executable"}, {"RIFF", 4, "a RIFF file"},
      {"\x28\xB5\x2F\xFD", 4, "zstd data"},
  };
  size_t n = DL__MIN(len, (size_t)65536), bad = 0;
  for (size_t i = 0; i < DL__COUNTOF(mg); i++)
    if (len >= mg[i].n && memcmp(u, mg[i].magic, mg[i].n) == 0)
      return mg[i].name;
  for (size_t i = 0; i < n; i++)
    if (u[i] < 0x09 || (u[i] > 0x0D && u[i] < 0x20 && u[i] != 0x1B)) bad++;
  if (n && bad * 20 > n) return "binary data";
  return NULL;
}

/* ====================================================================
** Scoring and extraction
** ==================================================================== */

static bool is_para_tag(int t)
{
  return t == T_P || t == T_PRE || t == T_TD || t == T_BLOCKQUOTE ||
         t == T_DIV || t == T_SECTION || t == T_ARTICLE || t == T_LI ||
         t == T_DD || t == T_UNKNOWN || t == T_MAIN || t == T_CENTER ||
         t == T_FONT;
}

/* One bottom-up pass: text counts, link counts, paragraphs. Killed
** nodes add nothing to their ancestors. */
static void aggregate(ps *p)
{
  hnode *n = p->n;
  for (size_t i = 1; i < p->nn; i++) {
    hnode *x = &n[i];
    x->chars = x->lchars = x->ichars = x->commas = 0;
    x->paras = x->pchars = 0;
    x->score = 0;
    x->flags &= (uint16_t)~(F_PARA | F_CAND | F_DEAD);
    if ((x->flags & F_KILL) || (n[x->parent].flags & F_DEAD))
      x->flags |= F_DEAD; /* parents come before children */
  }
  n[0].chars = n[0].lchars = n[0].ichars = n[0].commas = 0;
  n[0].paras = n[0].pchars = 0;
  for (size_t i = p->nn; i-- > 1;) {
    hnode *x = &n[i], *par = &n[x->parent];
    if (x->tag == T_TEXT) {
      const char *t = p->text.p + x->text;
      uint32_t c = 0, cm = 0;
      for (uint32_t k = 0; k < x->tlen; k++) {
        c += t[k] != ' ';
        cm += t[k] == ',';
      }
      x->chars = x->ichars = c;
      x->commas = cm;
    } else {
      if (is_para_tag(x->tag) && x->ichars >= 25 &&
          x->ichars * 2 >= x->chars) {
        x->flags |= F_PARA;
        x->paras++;
        x->pchars += x->ichars;
      }
    }
    if (x->flags & F_KILL) continue;
    par->chars += x->chars;
    par->commas += x->commas;
    par->lchars += x->tag == T_A ? x->chars : x->lchars;
    par->paras += x->paras;
    par->pchars += x->pchars;
    if (x->tag == T_TEXT || tag_kind[x->tag] == K_INLINE)
      par->ichars += x->chars;
  }
}

static float link_density(const hnode *x)
{
  return x->chars ? (float)x->lchars / (float)x->chars : 0.f;
}

static float class_weight(const hnode *x)
{
  float w = 0;
  if (x->flags & F_NEG) w -= 25;
  if (x->flags & F_POS) w += 25;
  return w;
}

static float tag_weight(int t)
{
  switch (t) {
  case T_DIV: case T_ARTICLE: case T_MAIN: case T_SECTION: return 5;
  case T_PRE: case T_TD: case T_BLOCKQUOTE: return 3;
  case T_ADDRESS: case T_OL: case T_UL: case T_DL: case T_DD: case T_DT:
  case T_LI: case T_FORM: return -3;
  case T_H1: case T_H2: case T_H3: case T_H4: case T_H5: case T_H6:
  case T_TH: return -5;
  default: return 0;
  }
}

/* Readability's scoring: returns the best candidate (0: none). */
static uint32_t score(ps *p)
{
  hnode *n = p->n;
  uint32_t best = 0;
  float bests = 0;
  for (size_t i = 1; i < p->nn; i++) {
    hnode *x = &n[i];
    float s;
    uint32_t a;
    if (x->tag == T_TEXT || !(x->flags & F_PARA) || (x->flags & F_DEAD))
      continue;
    s = 1.f + (float)x->commas + DL__MIN((float)x->ichars / 100.f, 3.f);
    a = x->parent;
    for (int level = 0; a && level < 5; level++, a = n[a].parent) {
      hnode *y = &n[a];
      if (!(y->flags & F_CAND)) {
        y->flags |= F_CAND;
        y->score = tag_weight(y->tag) + class_weight(y);
      }
      y->score += s / (level == 0 ? 1.f : level == 1 ? 2.f : (float)level * 3.f);
    }
  }
  for (size_t i = 1; i < p->nn; i++) {
    hnode *x = &n[i];
    float s;
    if (!(x->flags & F_CAND)) continue;
    /* an ancestor killed: not counted */
    s = x->score * (1.f - link_density(x));
    x->score = s;
    if (s > bests) {
      bests = s;
      best = (uint32_t)i;
    }
  }
  return best;
}

/* ---- output --------------------------------------------------------- */

typedef struct out {
  ps *p;
  dl__buf text;
  dl__hblock *blocks;
  size_t n_blocks, cap_blocks;
  dl__hlink *links;
  size_t n_links, cap_links;
  size_t block_start; /* start of the open block in text */
  uint32_t pstart, pend;
  int kind;
  const char *title; /* for dropping the headline */
  size_t title_len;
} out;

static const char *const debris[] = {
    "advertisement", "advertisements", "ad", "sponsored", "share",
    "share this", "share this article", "share this story", "tweet",
    "email", "print", "comments", "related", "related articles",
    "related stories", "read more", "continue reading", "more",
    "story continues below advertisement", "article continues below",
    "continue reading below", "scroll to continue with content",
    "skip to content", "skip to main content", "loading", "loading...",
    "click to enlarge", "close", "menu", "search", "subscribe",
    "sign up", "log in", "sign in", "back to top", "top",
    "listen to this article", "view comments", "see more", "next",
    "previous", "image", "photo", "video", "play video", "watch",
    "facebook", "twitter", "linkedin", "whatsapp", "pinterest", "reddit",
    "copy link", "link copied", "open in app", "don't miss", "don’t miss",
    "must read", "read next", "recommended", "see also", "watch",
    "more on this story", "related content", "advertising", "anzeige",
    "werbung", "publicité", "trending", "most read", "most popular"};

static const char *const debris_starts[] = {
    "posted", "updated", "published", "last updated", "last modified",
    "veröffentlicht", "aktualisiert", "stand:", "erstellt", "publié",
    "mis à jour", "zuletzt"};
static const char *const credit_marks[] = {
    "getty images", "shutterstock", "(image:", "photo:", "image:",
    "credit:", "photograph:", "foto:", "bild:", "(photo", "picture:",
    "associated press", "reuters/", "afp via", "/ap photo", "ap photo",
    "imago", "dpa"};

static bool is_debris(const char *s, size_t n)
{
  char low[160];
  size_t k = 0;
  if (n < sizeof low) {
    bool digit = false;
    for (size_t i = 0; i < n; i++) {
      char c = s[i];
      if (c >= 'A' && c <= 'Z') c = (char)(c + 32);
      if (c >= '0' && c <= '9') digit = true;
      low[i] = c;
    }
    low[n] = 0;
    /* "Posted: Fri 6:45 PM, Feb 16, 2018 |" */
    for (size_t i = 0; digit && n < 120 && i < DL__COUNTOF(debris_starts);
         i++)
      if (strncmp(low, debris_starts[i], strlen(debris_starts[i])) == 0)
        return true;
    /* "Natalie Naccache | Bloomberg | Getty Images" */
    for (size_t i = 0; n < 100 && i < DL__COUNTOF(credit_marks); i++)
      if (strstr(low, credit_marks[i])) return true;
  }
  if (n >= 48) return false;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = (char)(c + 32);
    low[k++] = c;
  }
  while (k && (low[k - 1] == ':' || low[k - 1] == ' ' || low[k - 1] == '.'))
    k--;
  low[k] = 0;
  for (size_t i = 0; i < DL__COUNTOF(debris); i++)
    if (strcmp(low, debris[i]) == 0) return true;
  return false;
}

static bool out_add(out *o, const char *s, size_t n)
{
  if (!dl__buf_append(&o->text, s, n)) {
    o->p->oom = true;
    return false;
  }
  return true;
}

/* Closes the open block: trims it, drops debris, records it. */
static void flush(out *o)
{
  size_t s = o->block_start, e = o->text.len;
  char *t = o->text.p;
  while (s < e && t[s] == ' ') s++;
  while (e > s && t[e - 1] == ' ') e--;
  if (e == s || is_debris(t + s, e - s) ||
      (o->kind == DL__HB_HEADING && o->title && e - s == o->title_len &&
       memcmp(t + s, o->title, e - s) == 0)) {
    /* drop the block and the links inside it */
    while (o->n_links && o->links[o->n_links - 1].start >= o->block_start)
      o->n_links--;
    o->text.len = o->block_start;
    goto done;
  }
  if (s > o->block_start) {
    size_t shift = s - o->block_start;
    memmove(t + o->block_start, t + s, e - s);
    for (size_t i = o->n_links; i-- > 0;) {
      dl__hlink *l = &o->links[i];
      if (l->start < o->block_start) break;
      l->start = l->start >= s ? l->start - (uint32_t)shift
                               : (uint32_t)o->block_start;
      l->end = l->end >= s ? l->end - (uint32_t)shift
                           : (uint32_t)o->block_start;
    }
    e -= shift;
    s = o->block_start;
  }
  o->text.len = e;
  for (size_t i = o->n_links; i-- > 0;) {
    dl__hlink *l = &o->links[i];
    if (l->start < s) break;
    if (l->end > e) l->end = (uint32_t)e;
  }
  if (!DL__PUSH(o->p->al, o->blocks, o->n_blocks, o->cap_blocks)) {
    o->p->oom = true;
    return;
  }
  o->blocks[o->n_blocks].start = (uint32_t)s;
  o->blocks[o->n_blocks].end = (uint32_t)e;
  o->blocks[o->n_blocks].page_start = o->pstart;
  o->blocks[o->n_blocks].page_end = o->pend;
  o->blocks[o->n_blocks].kind = (uint8_t)o->kind;
  o->n_blocks++;
  out_add(o, "\n\n", 2);
done:
  o->block_start = o->text.len;
  o->kind = DL__HB_PARA;
  o->pstart = o->pend = 0;
}

static int block_kind(int t)
{
  if (is_heading(t)) return DL__HB_HEADING;
  if (t == T_BLOCKQUOTE) return DL__HB_QUOTE;
  if (t == T_LI || t == T_DD || t == T_DT) return DL__HB_ITEM;
  if (t == T_PRE) return DL__HB_PRE;
  if (t == T_TD || t == T_TH) return DL__HB_CELL;
  return DL__HB_PARA;
}

/* Should the subtree at x be left out of the main text? */
/* lenient: 0 the article, 1 the fallback (no headline rule), 2 the last
** resort (nothing dropped but killed nodes: a page of links gives its
** links' text). */
static bool drop_subtree(const ps *p, const hnode *x, int lenient)
{
  int t = x->tag;
  float ld;
  if (x->flags & F_KILL) return true;
  if (lenient >= 2) return false;
  if (t == T_TEXT || tag_kind[t] != K_BLOCK) return false;
  if (t == T_H1 && !lenient) return true; /* the headline */
  ld = link_density(x);
  if (x->chars == 0) return false;
  if (is_heading(t)) return ld > 0.5f && x->chars < 200 && !lenient &&
                            x->lchars == x->chars;
  if (t == T_P) return ld > 0.7f && x->chars < 300;
  if (t == T_UL || t == T_OL || t == T_DL || t == T_DIV || t == T_SECTION ||
      t == T_TABLE || t == T_UNKNOWN || t == T_LI || t == T_FORM ||
      t == T_CENTER) {
    (void)p;
    if (ld > 0.5f) return true;
    if (ld > 0.3f && x->chars < 400 && x->commas < 2) return true;
  }
  return false;
}

/* Writes the text of the subtree at root, in document order, into o. */
static void emit(out *o, uint32_t root, int lenient)
{
  ps *p = o->p;
  hnode *n = p->n;
  uint32_t i = root;
  uint32_t link_node = 0;
  size_t link_start = 0;
  if (drop_subtree(p, &n[root], lenient) && root != p->body) return;
  for (;;) {
    hnode *x = &n[i];
    bool descend = true;
    if (x->tag == T_TEXT) {
      const char *t = p->text.p + x->text;
      size_t len = x->tlen;
      if (o->text.len > o->block_start &&
          o->text.p[o->text.len - 1] == ' ' && len && t[0] == ' ') {
        t++;
        len--;
      }
      if (len) {
        if (o->text.len == o->block_start) {
          o->pstart = x->pstart;
          o->kind = DL__HB_PARA;
          int lv = 0;
          for (uint32_t a = x->parent; a && lv < 4; a = n[a].parent) {
            if (tag_kind[n[a].tag] != K_BLOCK) continue;
            if (!lv) o->kind = block_kind(n[a].tag);
            /* a paragraph inside a block quote is a quote */
            if (n[a].tag == T_BLOCKQUOTE) o->kind = DL__HB_QUOTE;
            if (n[a].tag == T_BLOCKQUOTE || a == root) break;
            lv++;
          }
        }
        o->pend = x->pend;
        out_add(o, t, len);
      }
      descend = false;
    } else if (i != root && drop_subtree(p, x, lenient)) {
      descend = false;
    } else if (tag_kind[x->tag] == K_BR) {
      flush(o);
      descend = false;
    } else if (tag_kind[x->tag] == K_BLOCK && i != root) {
      flush(o);
    }
    if (x->tag == T_A && descend && x->href && !link_node) {
      link_node = i;
      link_start = o->text.len;
    }
    if (descend && x->first) {
      i = x->first;
      continue;
    }
    /* leave x and its finished ancestors */
    for (;;) {
      hnode *y = &n[i];
      if (i == link_node) {
        size_t s = link_start, e = o->text.len;
        while (s < e && o->text.p[s] == ' ') s++;
        while (e > s && o->text.p[e - 1] == ' ') e--;
        if (e > s && DL__PUSH(p->al, o->links, o->n_links, o->cap_links)) {
          o->links[o->n_links].start = (uint32_t)s;
          o->links[o->n_links].end = (uint32_t)e;
          o->links[o->n_links].href = p->attr.p + y->href;
          o->n_links++;
        }
        link_node = 0;
      }
      if (y->tag != T_TEXT && tag_kind[y->tag] == K_BLOCK &&
          y != &n[root] && o->text.len > o->block_start) {
        /* kind of the block being closed */
        flush(o);
      }
      if (i == root) {
        flush(o);
        return;
      }
      if (y->next) {
        i = y->next;
        break;
      }
      i = y->parent;
    }
  }
}

/* Readability stops at the best candidate and its siblings; articles
** cut into chunks (between ads, or one container per section) have their
** other chunks further up. Climb while what a parent adds is mostly
** paragraph text with few links (or next to nothing). */
static uint32_t expand(const ps *p, uint32_t best)
{
  const hnode *n = p->n;
  uint32_t cur = best;
  for (;;) {
    uint32_t par = n[cur].parent;
    int64_t added, addedp, addedl;
    if (!par || par == p->body || n[par].tag == T_BODY ||
        n[par].tag == T_HTML)
      break;
    added = (int64_t)n[par].chars - n[cur].chars;
    addedp = (int64_t)n[par].pchars - n[cur].pchars;
    addedl = (int64_t)n[par].lchars - n[cur].lchars;
    if (added > 40 && (addedp * 10 < added * 6 || addedl * 4 > added))
      break;
    cur = par;
  }
  return cur;
}

/* The article: the best candidate plus its good siblings (Readability's
** sibling rule). */
static void extract(ps *p, out *o, uint32_t best, int lenient)
{
  hnode *n = p->n;
  uint32_t parent = n[best].parent;
  float thr = DL__MAX(10.f, n[best].score * 0.2f);
  if (!parent || best == p->body || n[best].tag == T_BODY) {
    emit(o, best, lenient);
    return;
  }
  for (uint32_t s = n[parent].first; s; s = n[s].next) {
    hnode *x = &n[s];
    bool keep = s == best;
    if (!keep && x->tag == T_TEXT) continue;
    if (!keep && (x->flags & F_KILL)) continue;
    if (!keep && (x->flags & F_CAND) && x->score >= thr) keep = true;
    if (!keep && (x->tag == T_P || (x->flags & F_PARA))) {
      float ld = link_density(x);
      if (x->chars > 80 && ld < 0.25f) keep = true;
      else if (x->chars > 0 && x->chars <= 80 && x->lchars == 0 &&
               x->tlen == 0) {
        /* short paragraph that ends a sentence */
        keep = false;
      }
    }
    if (keep) emit(o, s, lenient);
  }
}

/* ====================================================================
** Driver
** ==================================================================== */

static char *arena_str(dl__arena *a, const char *s, size_t n, bool *oom)
{
  char *r = dl__arena_strndup(a, s, n);
  if (!r) *oom = true;
  return r;
}

static const char *slot_str(ps *p, dl__arena *a, const slot *sl, bool *oom)
{
  if (!sl->prio) return NULL;
  return arena_str(a, p->meta.p + sl->off, sl->len, oom);
}

/* Decodes the few entities a meta value may still hold and collapses
** white space, in place. */
static void tidy(char *s)
{
  char *w = s;
  bool sp = true;
  for (const char *r = s; *r; r++) {
    char c = *r;
    if (c == '\n' || c == '\t' || c == '\r') c = ' ';
    if (c == ' ' && sp) continue;
    sp = c == ' ';
    *w++ = c;
  }
  while (w > s && w[-1] == ' ') w--;
  *w = 0;
}

typedef struct auth_ctx {
  dl__arena *a;
  const char **list;
  size_t n, cap;
  bool oom;
} auth_ctx;

static void auth_add(void *ctx, const char *s, size_t n)
{
  auth_ctx *c = ctx;
  for (size_t i = 0; i < c->n; i++)
    if (strlen(c->list[i]) == n && strncasecmp(c->list[i], s, n) == 0)
      return;
  if (c->n >= c->cap) return;
  c->list[c->n] = dl__arena_strndup(c->a, s, n);
  if (!c->list[c->n]) {
    c->oom = true;
    return;
  }
  c->n++;
}

/* Title without " | Site" / " - Site" tails. */
static void trim_title(char *t, const char *site)
{
  static const char *const seps[] = {" | ", " - ", " – ", " — ", " :: ",
                                     " « ", " » ", " · "};
  size_t n = strlen(t);
  for (size_t i = 0; i < DL__COUNTOF(seps); i++) {
    const char *last = NULL, *q = t;
    while ((q = strstr(q, seps[i]))) last = q++;
    if (!last) continue;
    {
      const char *tail = last + strlen(seps[i]);
      size_t head = (size_t)(last - t), tl = strlen(tail);
      /* the tail is the site (or short), the head the headline */
      if ((site && strncasecmp(tail, site, strlen(site)) == 0) ||
          (tl < head && tl <= 40 && head >= 15)) {
        t[head] = 0;
        n = head;
        break;
      }
      /* "Site | Headline" */
      if (site && strncasecmp(t, site, strlen(site)) == 0 &&
          head == strlen(site)) {
        memmove(t, tail, tl + 1);
        n = tl;
        break;
      }
    }
  }
  (void)n;
}

/* The text under element id (white space collapsed), at most cap-1
** bytes, NUL-terminated. Descendants follow their ancestor in the array. */
static size_t node_text(const ps *p, uint32_t id, char *buf, size_t cap)
{
  size_t k = 0;
  for (uint32_t j = id + 1; j < p->nn && k + 1 < cap; j++) {
    uint32_t anc = p->n[j].parent;
    while (anc > id) anc = p->n[anc].parent;
    if (anc != id) break;
    if (p->n[j].tag == T_TEXT) {
      size_t m = DL__MIN((size_t)p->n[j].tlen, cap - 1 - k);
      memcpy(buf + k, p->text.p + p->n[j].text, m);
      k += m;
    }
  }
  buf[k] = 0;
  return k;
}

/* Does the short string a appear in b (ASCII case-insensitive)? */
static bool icontains_n(const char *b, const char *a)
{
  size_t n = strlen(a);
  if (!n) return false;
  for (; *b; b++)
    if (strncasecmp(b, a, n) == 0) return true;
  return false;
}

static void resolve_meta(ps *p, dl__arena *a, const char *url, dl__html *h,
                         bool *oom)
{
  char buf[64];
  dl__ldjson *ld = &p->ld;
  const char *site;
  /* site */
  h->site = slot_str(p, a, &p->m[M_SITE], oom);
  if (!h->site && ld->publisher[0])
    h->site = arena_str(a, ld->publisher, strlen(ld->publisher), oom);
  site = h->site;
  /* title */
  if (p->m[M_OG_TITLE].prio)
    h->title = slot_str(p, a, &p->m[M_OG_TITLE], oom);
  else if (ld->headline[0])
    h->title = arena_str(a, ld->headline, strlen(ld->headline), oom);
  else if (p->m[M_TW_TITLE].prio)
    h->title = slot_str(p, a, &p->m[M_TW_TITLE], oom);
  else
    h->title = slot_str(p, a, &p->m[M_TITLE], oom);
  if (h->title) {
    bool from_h1 = false;
    tidy((char *)(uintptr_t)h->title);
    /* The page's first <h1> is the cleanest headline when the title
    ** tags hold it (with a site name or a kicker around it). */
    for (uint32_t i = 1; i < p->nn; i++) {
      char tmp[320];
      size_t k;
      if (p->n[i].tag != T_H1) continue;
      if (p->n[i].chars < 6 || p->n[i].chars > 300) break;
      k = node_text(p, i, tmp, sizeof tmp);
      tidy(tmp);
      k = strlen(tmp);
      if (k >= 6 && icontains_n(h->title, tmp)) {
        h->title = arena_str(a, tmp, k, oom);
        from_h1 = true; /* nothing to trim */
      }
      break;
    }
    if (h->title && !from_h1) trim_title((char *)(uintptr_t)h->title, site);
    if (h->title && !*h->title) h->title = NULL;
  }
  /* canonical URL */
  h->canonical = slot_str(p, a, &p->m[M_CANON], oom);
  if (!h->canonical) h->canonical = slot_str(p, a, &p->m[M_OG_URL], oom);
  if (!h->canonical && ld->url[0])
    h->canonical = arena_str(a, ld->url, strlen(ld->url), oom);
  h->image = slot_str(p, a, &p->m[M_IMAGE], oom);
  if (!h->image && ld->image[0])
    h->image = arena_str(a, ld->image, strlen(ld->image), oom);
  h->description = slot_str(p, a, &p->m[M_DESC], oom);
  if (h->description) tidy((char *)(uintptr_t)h->description);
  /* language: "en-US" -> "en" */
  {
    const char *lg = NULL;
    size_t k = 0;
    if (p->m[M_LANG].prio) lg = p->meta.p + p->m[M_LANG].off;
    else if (ld->lang[0]) lg = ld->lang;
    if (lg) {
      while (lg[k] && k < 3 && ((lg[k] >= 'a' && lg[k] <= 'z') ||
                                (lg[k] >= 'A' && lg[k] <= 'Z')))
        k++;
      if (k >= 2 && k <= 3 && (!lg[k] || lg[k] == '-' || lg[k] == '_')) {
        char *l = arena_str(a, lg, k, oom);
        if (l)
          for (size_t i = 0; i < k; i++)
            if (l[i] >= 'A' && l[i] <= 'Z') l[i] = (char)(l[i] + 32);
        h->lang = l;
      }
    }
  }
  /* dates: JSON-LD, meta, <time>, URL */
  {
    const char *from = NULL;
    if (ld->published[0] &&
        dl__html_norm_date(ld->published, strlen(ld->published), buf,
                           sizeof buf))
      from = "json-ld";
    else if (p->m[M_PUB].prio &&
             dl__html_norm_date(p->meta.p + p->m[M_PUB].off,
                                p->m[M_PUB].len, buf, sizeof buf))
      from = "meta";
    else if (p->m[M_TIME].prio &&
             dl__html_norm_date(p->meta.p + p->m[M_TIME].off,
                                p->m[M_TIME].len, buf, sizeof buf))
      from = "time";
    else if ((url && dl__html_url_date(url, buf, sizeof buf)) ||
             (h->canonical && dl__html_url_date(h->canonical, buf,
                                                sizeof buf)))
      from = "url";
    else {
      /* the text of an element named date, time, meta...: the first
      ** one holding a date (never a copyright line) */
      for (size_t i = 0; !from && i < p->n_datenodes; i++) {
        char tmp[256];
        uint32_t id = p->datenodes[i];
        if (p->n[id].chars == 0 || p->n[id].chars > 200) continue;
        node_text(p, id, tmp, sizeof tmp);
        if (dl__html_find_date(tmp, strlen(tmp), buf, sizeof buf))
          from = "text";
      }
    }
    if (from) {
      h->published = arena_str(a, buf, strlen(buf), oom);
      h->date_from = from;
    }
    if ((ld->modified[0] &&
         dl__html_norm_date(ld->modified, strlen(ld->modified), buf,
                            sizeof buf)) ||
        (p->m[M_MOD].prio &&
         dl__html_norm_date(p->meta.p + p->m[M_MOD].off, p->m[M_MOD].len,
                            buf, sizeof buf)))
      h->modified = arena_str(a, buf, strlen(buf), oom);
  }
  /* authors: JSON-LD, meta, byline elements */
  {
    auth_ctx c;
    memset(&c, 0, sizeof c);
    c.a = a;
    c.cap = 8;
    c.list = dl__arena_alloc(a, c.cap * sizeof *c.list);
    if (!c.list) {
      *oom = true;
      return;
    }
    for (size_t i = 0; i < ld->n_authors; i++)
      dl__html_byline(ld->authors[i], strlen(ld->authors[i]), site, true,
                      auth_add, &c);
    for (size_t i = 0; !c.n && i < p->n_authors; i++)
      dl__html_byline(p->meta.p + p->authors[i].off, p->authors[i].len, site,
                      true, auth_add, &c);
    for (size_t i = 0; !c.n && i < p->n_bylines; i++) {
      /* the byline element's own text, capped */
      hnode *x = &p->n[p->bylines[i]];
      char tmp[256];
      if (x->chars == 0 || x->chars > 120) continue;
      node_text(p, p->bylines[i], tmp, sizeof tmp);
      tidy(tmp);
      /* a one-word name only from a small element of its own */
      dl__html_byline(tmp, strlen(tmp), site, x->chars <= 30, auth_add, &c);
    }
    h->authors = c.list;
    h->n_authors = c.n;
    if (c.oom) *oom = true;
  }
}

static bool page_has_text(const ps *p)
{
  for (size_t i = 0; i < p->text.len; i++)
    if (p->text.p[i] != ' ') return true;
  return false;
}

bool dl__html_sniff(const char *buf, size_t len)
{
  size_t n = DL__MIN(len, (size_t)2048), tags = 0;
  size_t i = 0;
  if (n >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) i = 3;
  while (i < n && (buf[i] == ' ' || buf[i] == '\n' || buf[i] == '\r' ||
                   buf[i] == '\t'))
    i++;
  if (i < n && buf[i] != '<') return false;
  for (size_t k = i; k + 5 < n; k++) {
    if (buf[k] != '<') continue;
    if (strncasecmp(buf + k, "<!doctype html", DL__MIN((size_t)14, n - k)) ==
            0 ||
        strncasecmp(buf + k, "<html", 5) == 0 ||
        strncasecmp(buf + k, "<head", 5) == 0 ||
        strncasecmp(buf + k, "<body", 5) == 0 ||
        strncasecmp(buf + k, "<meta", 5) == 0)
      return true;
    if ((buf[k + 1] >= 'a' && buf[k + 1] <= 'z') ||
        (buf[k + 1] >= 'A' && buf[k + 1] <= 'Z') || buf[k + 1] == '/')
      tags++;
  }
  return tags >= 3;
}

void dl__html_init(void)
{
  xmlInitParser();
}

dl_status dl__html_extract(const dl_allocator *al, dl__arena *arena,
                           const char *page, size_t len, const char *url,
                           dl__html *h, dl_error *err)
{
  ps *p = NULL;
  out o;
  dl_status rc = DL_OK;
  const char *src = page;
  size_t srclen = len;
  char *conv = NULL;
  size_t convlen = 0;
  const char *bin;
  bool oom = false, single = false, nonascii;
  char decl[64] = "";
  htmlSAXHandler sax;
  uint32_t best;

  memset(h, 0, sizeof *h);
  memset(&o, 0, sizeof o);
  if (len > INT32_MAX)
    return dl__fail(err, DL_ERR_TOO_BIG, 0,
                    "HTML page of %zu bytes is over the parser's limit", len);

  /* 1. encoding */
  if (len >= 2 && ((unsigned char)page[0] == 0xFF &&
                   (unsigned char)page[1] == 0xFE)) {
    conv = convert(al, "UTF-16LE", page + 2, len - 2, &convlen);
    h->encoding = "UTF-16LE";
  } else if (len >= 2 && ((unsigned char)page[0] == 0xFE &&
                          (unsigned char)page[1] == 0xFF)) {
    conv = convert(al, "UTF-16BE", page + 2, len - 2, &convlen);
    h->encoding = "UTF-16BE";
  } else {
    const char *cs = NULL;
    bool valid;
    if (len >= 3 && memcmp(page, "\xEF\xBB\xBF", 3) == 0) {
      /* BOM: UTF-8, whatever the page says */
      src = page + 3;
      srclen = len - 3;
      h->encoding = "UTF-8";
    }
    bin = binary_kind((const unsigned char *)src, srclen);
    if (bin)
      return dl__fail(err, DL_ERR_FORMAT, 0,
                      "not an HTML page: the input is %s", bin);
    valid = utf8_valid((const unsigned char *)src, srclen, &nonascii);
    if (!h->encoding && declared_charset(src, srclen, decl, sizeof decl))
      cs = canonical_charset(decl, &single);
    if (h->encoding || valid) {
      /* UTF-8 (BOM, or valid bytes: a wrong declaration of a single-byte
      ** charset is the usual mistake) */
      if (cs && strcmp(cs, "UTF-8") != 0 && nonascii)
        h->encoding_guessed = true;
      if (cs && strcmp(cs, "UTF-8") != 0 && !nonascii) {
        /* pure ASCII: any ASCII-compatible charset reads the same */
      }
      h->encoding = "UTF-8";
    } else {
      if (!cs || strcmp(cs, "UTF-8") == 0) {
        h->encoding_guessed = true;
        cs = "WINDOWS-1252";
      }
      conv = convert(al, cs, src, srclen, &convlen);
      if (!conv) {
        h->encoding_guessed = true;
        cs = "WINDOWS-1252";
        conv = convert(al, cs, src, srclen, &convlen);
      }
      h->encoding = cs;
    }
  }
  if (h->encoding && strncmp(h->encoding, "UTF-16", 6) == 0 && !conv)
    return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
  if (conv) {
    src = conv;
    srclen = convlen;
  } else if (strcmp(h->encoding, "UTF-8") != 0) {
    return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
  }

  /* 2. parse */
  p = dl__calloc(al, 1, sizeof *p);
  if (!p) {
    rc = dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
    goto done;
  }
  p->al = al;
  dl__buf_init(&p->text, al);
  dl__buf_init(&p->attr, al);
  dl__buf_init(&p->meta, al);
  dl__buf_init(&p->cap_buf, al);
  buf_add(p, &p->attr, "", 1); /* offset 0: none */
  buf_add(p, &p->meta, "", 1);
  new_node(p, T_UNKNOWN); /* node 0: the document */
  if (p->nn != 1) {
    rc = dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
    goto done;
  }
  p->n[0].tag = T_BODY;
  p->ctxt = htmlCreateMemoryParserCtxt(srclen ? src : " ",
                                       srclen ? (int)srclen : 1);
  if (!p->ctxt) {
    rc = dl__fail(err, DL_ERR_NOMEM, 0, "out of memory (HTML parser)");
    goto done;
  }
  memset(&sax, 0, sizeof sax);
  sax.startElement = on_start;
  sax.endElement = on_end;
  sax.characters = on_chars;
  sax.ignorableWhitespace = on_chars;
  sax.cdataBlock = on_chars;
  sax.initialized = 1;
  memcpy(p->ctxt->sax, &sax, sizeof sax);
  p->ctxt->userData = p;
  htmlCtxtUseOptions(p->ctxt, HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
                                  HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
                                  HTML_PARSE_IGNORE_ENC);
  xmlSwitchEncoding(p->ctxt, XML_CHAR_ENCODING_UTF8);
  htmlParseDocument(p->ctxt);
  htmlFreeParserCtxt(p->ctxt);
  p->ctxt = NULL;
  if (p->oom) {
    rc = dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
    goto done;
  }

  /* 3. boilerplate */
  o.p = p;
  dl__buf_init(&o.text, al);
  aggregate(p);
  {
    /* Decided on the counts of the whole page. libxml2 2.9 does not know
    ** the HTML5 elements: an unclosed <div> inside a <header> makes it
    ** ignore </header>, and the rest of the page ends up inside. So even
    ** a killing tag keeps its subtree when that holds most of the page's
    ** paragraph text. */
    uint32_t total = p->n[0].pchars;
    for (size_t i = 1; i < p->nn; i++) {
      hnode *x = &p->n[i];
      bool big = total && x->pchars * 2 > total && x->paras >= 3;
      if (x->tag == T_TEXT) continue;
      if (tag_kind[x->tag] == K_KILL || (x->flags & F_HIDDEN))
        if (!(big && link_density(x) < 0.3f)) x->flags |= F_KILL;
    }
  }
  aggregate(p);
  {
    /* Then the class names, on the counts of what is left. */
    uint32_t total = p->n[0].pchars;
    for (size_t i = 1; i < p->nn; i++) {
      hnode *x = &p->n[i];
      bool big = total && x->pchars * 2 > total && x->paras >= 3;
      if (x->tag == T_TEXT || (x->flags & F_KILL)) continue;
      if (x->tag == T_BODY || x->tag == T_HTML) continue;
      if (!(x->flags & F_NEG)) continue;
      if (x->flags & F_HARD) {
        /* comments, sharing, related stories, captions...: gone, unless
        ** the element is nearly the whole page and reads like prose */
        if (total && x->pchars * 10 > total * 8 && link_density(x) < 0.2f &&
            x->paras >= 3)
          continue;
        x->flags |= F_KILL;
        continue;
      }
      if (x->flags & F_POS) continue;
      /* A weaker name (widget, meta, header, ad...): killed when its
      ** content agrees: links, no paragraphs, or little prose. A wrapper
      ** holding most of the page's paragraphs stays. */
      if (big && link_density(x) < 0.3f) continue;
      if (link_density(x) > 0.25f || x->paras == 0 ||
          x->pchars * 2 < x->chars)
        x->flags |= F_KILL;
    }
  }
  aggregate(p);

  /* 4. scoring, 5. output */
  {
    const char *tt = p->m[M_OG_TITLE].prio ? p->meta.p + p->m[M_OG_TITLE].off
                     : p->ld.headline[0]  ? p->ld.headline
                                          : NULL;
    o.title = tt;
    o.title_len = tt ? strlen(tt) : 0;
  }
  best = score(p);
  if (best) extract(p, &o, expand(p, best), 0);
  if (p->oom) {
    rc = dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
    goto done;
  }
  if (o.text.len < 200) {
    /* Nothing that looks like an article: the best text of the page,
    ** without the boilerplate filters that may have eaten it. */
    o.text.len = 0;
    o.n_blocks = o.n_links = 0;
    o.block_start = 0;
    for (size_t i = 1; i < p->nn; i++) p->n[i].flags &= (uint16_t)~F_KILL;
    aggregate(p);
    emit(&o, p->body ? p->body : 0, 1);
    if (!o.text.len) emit(&o, p->body ? p->body : 0, 2);
    h->fallback = true;
  }
  if (p->oom) {
    rc = dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
    goto done;
  }
  while (o.text.len && o.text.p[o.text.len - 1] == '\n') o.text.len--;

  resolve_meta(p, arena, url, h, &oom);
  if (oom) {
    rc = dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
    goto done;
  }
  if (!o.text.len) {
    if (p->frames)
      rc = dl__fail(err, DL_ERR_EMPTY, 0,
                    "HTML page is a frameset without text (%u frames, the "
                    "first is \"%.80s\")",
                    p->frames, p->attr.p + p->frame_src);
    else if (!page_has_text(p))
      rc = dl__fail(err, DL_ERR_EMPTY, 0, "HTML page holds no text");
    else
      rc = dl__fail(err, DL_ERR_EMPTY, 0,
                    "HTML page holds no main text (only navigation and "
                    "boilerplate)");
    goto done;
  }
  h->text = arena_str(arena, o.text.p, o.text.len, &oom);
  h->len = o.text.len;
  h->blocks = o.n_blocks ? dl__arena_dup(arena, o.blocks,
                                         o.n_blocks * sizeof *o.blocks)
                         : NULL;
  h->n_blocks = h->blocks ? o.n_blocks : 0;
  if (o.n_links) {
    h->links = dl__arena_alloc(arena, o.n_links * sizeof *h->links);
    if (h->links) {
      for (size_t i = 0; i < o.n_links; i++) {
        h->links[i] = o.links[i];
        h->links[i].href = arena_str(arena, o.links[i].href,
                                     strlen(o.links[i].href), &oom);
      }
      h->n_links = o.n_links;
    } else {
      oom = true;
    }
  }
  if (oom || (o.n_blocks && !h->blocks))
    rc = dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
done:
  if (p) {
    if (p->ctxt) htmlFreeParserCtxt(p->ctxt);
    dl__free(al, p->n);
    dl__buf_free(&p->text);
    dl__buf_free(&p->attr);
    dl__buf_free(&p->meta);
    dl__buf_free(&p->cap_buf);
    dl__free(al, p);
  }
  dl__buf_free(&o.text);
  dl__free(al, o.blocks);
  dl__free(al, o.links);
  dl__free(al, conv);
  if (rc) memset(h, 0, sizeof *h);
  return rc;
}

DL_API int dl_looks_like_html(const char *buf, size_t len)
{
  return buf && dl__html_sniff(buf, len);
}

/* ====================================================================
** The record's "meta" field (record.c's table)
** ==================================================================== */

static const char *const block_kind_names[DL__HB__COUNT] = {
    "p", "heading", "quote", "item", "pre", "cell"};

static void jw_opt(dl__jw *w, const char *key, const char *v)
{
  if (!v) return;
  dl__jw_key(w, key);
  dl__jw_cstr(w, v);
}

void dl__html_json(const dl_doc *d, dl__jw *w, unsigned flags)
{
  const dl__html *h = d->html;
  if (!h) return;
  dl__jw_key(w, "meta");
  dl__jw_obj_begin(w);
  dl__jw_key(w, "authors");
  dl__jw_arr_begin(w);
  for (size_t i = 0; i < h->n_authors; i++) dl__jw_cstr(w, h->authors[i]);
  dl__jw_arr_end(w);
  jw_opt(w, "published", h->published);
  jw_opt(w, "date_from", h->date_from);
  jw_opt(w, "modified", h->modified);
  jw_opt(w, "title", h->title);
  jw_opt(w, "canonical", h->canonical);
  jw_opt(w, "site", h->site);
  jw_opt(w, "lang", h->lang);
  jw_opt(w, "image", h->image);
  jw_opt(w, "description", h->description);
  jw_opt(w, "encoding", h->encoding);
  if (h->encoding_guessed) {
    dl__jw_key(w, "encoding_guessed");
    dl__jw_bool(w, true);
  }
  if (h->fallback) {
    dl__jw_key(w, "fallback");
    dl__jw_bool(w, true);
  }
  dl__jw_key(w, "blocks");
  dl__jw_arr_begin(w);
  for (size_t i = 0; i < h->n_blocks; i++) {
    const dl__hblock *b = &h->blocks[i];
    bool pretty = w->pretty;
    dl__jw_obj_begin(w);
    w->pretty = false;
    dl__jw_key(w, "span");
    dl__jw_span(d, w, flags, b->start, b->end);
    dl__jw_key(w, "kind");
    dl__jw_cstr(w, b->kind < DL__HB__COUNT ? block_kind_names[b->kind]
                                           : "p");
    /* bytes into the page, not a span of the text */
    dl__jw_key(w, "page_start");
    dl__jw_uint(w, b->page_start);
    dl__jw_key(w, "page_end");
    dl__jw_uint(w, b->page_end);
    dl__jw_obj_end(w);
    w->pretty = pretty;
  }
  dl__jw_arr_end(w);
  dl__jw_key(w, "links");
  dl__jw_arr_begin(w);
  for (size_t i = 0; i < h->n_links; i++) {
    bool pretty = w->pretty;
    dl__jw_obj_begin(w);
    w->pretty = false;
    dl__jw_key(w, "href");
    dl__jw_cstr(w, h->links[i].href);
    dl__jw_key(w, "span");
    dl__jw_span(d, w, flags, h->links[i].start, h->links[i].end);
    dl__jw_obj_end(w);
    w->pretty = pretty;
  }
  dl__jw_arr_end(w);
  dl__jw_obj_end(w);
}
