/*
** clean.c -- scraping-debris removal and the document date of a scraped
** header line.
**
** Scraped articles carry text that is not part of the story: share and
** embed widgets ("Play Facebook", "Twitter Embed", "Copy link"), photo
** captions and credits ("Putin attends the funeral ... Alexei Nikolsky /
** AP"), a scraped header line ("date 2016-12-22"), wire sign-offs
** (Reuters' " Reuter" + ^C). This stage finds them and reports them as
** spans in d->clean, each with a static reason; the tokenizer skips those
** spans, so no later stage sees them. The input bytes are never changed.
**
** Reasons: "date-line" (the "date 2016-12-22" header), "widget",
** "caption", "credit", "signoff" (wire sign-off and MORE marker),
** "control" (control characters and SGML control entities such as
** "&#3;" at the edges of a line). docs/INTERNALS-clean.md lists the
** patterns and the corpus survey they come from.
**
** Algorithm: one pass over the lines (split at '\n'; a '\r' before it is
** white space). Each line is trimmed (Unicode white space, NBSP
** included) and only its start and its end are examined, within fixed
** windows (WIN_* below): so the work per line is bounded and the whole
** stage is linear in the input, even for one 50 MB line. Debris is only
** ever a whole line, a run of widget phrases at the start or end of a
** line, or a credit (and its caption) at the end of a line; prose in the
** middle of a line is never touched.
**
** Invariants: spans are added in increasing order and never overlap
** (add_span() clips and drops to guarantee it); every span starts and
** ends on a code-point boundary and covers no leading or trailing white
** space.
*/
#include "internal.h"

/* ====================================================================
** Limits and tables
** ==================================================================== */

enum {
  WIN_WHOLE = 512,   /* longest line that may be all widgets */
  WIN_CAPTION = 300, /* longest line whose text before a credit is a
                     ** caption */
  WIN_CREDIT = 160,  /* longest credit looked for at a line end */
  WIN_STAFF = 400,   /* longest "(Reporting by ...)" line end */
  WIN_COPYRIGHT = 250, /* longest copyright notice line */
  MAX_RUN = 16       /* widget phrases in one run */
};

/* Widget phrases. STRONG ones (several words, never the start or end of
** a sentence of prose) may be removed as a run at the start or end of a
** line that holds prose too; the others only when the whole line (after
** a date header) is made of widget phrases. */
#define STRONG 1u
static const struct phrase {
  const char *s;
  unsigned char len;
  unsigned char flags;
} widgets[] = {
#define W(s, f) {s, (unsigned char)(sizeof(s) - 1), f}
    W("Play Facebook", STRONG),
    W("Twitter Embed", STRONG),
    W("Facebook Embed", STRONG),
    W("Instagram Embed", STRONG),
    W("YouTube Embed", STRONG),
    W("Share this article", STRONG),
    W("Share this story", STRONG),
    W("Share this page", STRONG),
    W("Share this with", STRONG),
    W("Share on Facebook", STRONG),
    W("Share on Twitter", STRONG),
    W("Share on WhatsApp", STRONG),
    W("Share on LinkedIn", STRONG),
    W("Share on Pinterest", STRONG),
    W("Share on Reddit", STRONG),
    W("Share to Facebook", STRONG),
    W("Share to Twitter", STRONG),
    W("Share to LinkedIn", STRONG),
    W("Share to WhatsApp", STRONG),
    W("Share to Pinterest", STRONG),
    W("Share this with Facebook", STRONG),
    W("Share this with Twitter", STRONG),
    W("Share this with Email", STRONG),
    W("Share this with WhatsApp", STRONG),
    W("Share this with Messenger", STRONG),
    W("Share via Email", STRONG),
    W("Share via E-mail", STRONG),
    W("Copy link", STRONG),
    W("Copy this link", STRONG),
    W("Link copied", STRONG),
    W("Skip Ad", STRONG),
    W("Skip Advertisement", STRONG),
    W("Media playback is unsupported on your device", STRONG),
    W("Media playback is not supported on this device", STRONG),
    W("Email this article", STRONG),
    W("E-mail this to a friend", STRONG),
    W("Printable version", STRONG),
    W("Continue reading the main story", STRONG),
    W("Story continues below advertisement", STRONG),
    W("Share this:", 0),
    W("Share this article:", 0),
    W("Share:", 0),
    W("Like it? Share it!", 0),
    W("Related Articles", 0),
    W("Related Stories", 0),
    W("RELATED STORIES", 0),
    W("Related Coverage", 0),
    W("Related Topics", 0),
    W("Related posts", 0),
    W("Leave a Reply", 0),
    W("Leave a Comment", 0),
    W("View Comments", 0),
    W("Read more", 0),
    W("Read More", 0),
    W("Play Video", 0),
    W("Watch Video", 0),
    W("Advertisement", 0),
    W("ADVERTISEMENT", 0),
    W("Share", 0),
    W("Facebook", 0),
    W("Twitter", 0),
    W("Embed", 0),
    W("Tweet", 0),
    W("Email", 0),
    W("E-mail", 0),
    W("Print", 0),
    W("Pinterest", 0),
    W("WhatsApp", 0),
    W("LinkedIn", 0),
    W("Reddit", 0),
    W("Messenger", 0),
    W("Flipboard", 0),
    W("Comments", 0),
    W("Save", 0),
    W("Play", 0),
    W("Image copyright", 0),
    W("Image caption", 0),
    W("Media caption", 0),
    W("Instagram", 0),
    W("YouTube", 0),
    W("Subscribe", 0),
    W("AdChoices", 0),
    W("Skip to main content", STRONG),
    W("Skip to content", STRONG),
#undef W
};

/* A string with its length, so list scans compare lengths and first
** bytes before any memcmp (strlen per entry per line was a third of the
** stage's time on hard-wrapped wire text). */
struct lstr {
  const char *s;
  size_t n;
};
#define L(x) {x, sizeof(x) - 1}

/* Photo agencies and wires, as they appear in credits (case-sensitive:
** "AP" the agency, not "ap"). */
static const struct lstr agencies[] = {
    L("AP"), L("AP Photo"), L("AFP"), L("AFP Photo"), L("Reuters"), L("REUTERS"),
    L("Reuters Photo"), L("Getty Images"), L("Getty"), L("Getty Images News"),
    L("EPA"), L("EPA-EFE"), L("EFE"), L("PA"), L("PA Wire"), L("PA Images"), L("Bloomberg"),
    L("TASS"), L("ITAR-TASS"), L("Sputnik"), L("RIA Novosti"), L("Xinhua"), L("Anadolu"),
    L("Anadolu Agency"), L("AAP"), L("Shutterstock"), L("Alamy"), L("Corbis"),
    L("Rex Features"), L("REX"), L("NurPhoto"), L("SOPA Images"), L("ZUMA Wire"),
    L("Zuma Press"), L("Press Association"), L("UPI"), L("Sipa"), L("Sipa USA"),
    L("WireImage"), L("Polaris"), L("Kremlin Pool"), L("Pool"), L("DPA"), L("dpa"),
    L("Kyodo"), L("Yonhap"), L("ANSA"), L("Reuters TV"), L("BBC"), L("NASA"), L("AP file"),
    L("AP File"), L("Invision"), L("Invision/AP"), L("GETTY"), L("getty"), L("EXPRESS"),
    L("ESA"), L("JPL"), L("AP Images"), L("AFP via Getty Images"),
};

/* Agencies that may stand alone after a caption ("... Karlov. Getty
** Images"): unambiguous names that do not end a sentence of prose. */
static const struct lstr lone_agencies[] = {
    L("Getty Images"), L("Shutterstock"), L("Alamy"), L("Getty Images News"), L("Getty"),
};

/* Lower-case words allowed inside a photographer's name. */
static const struct lstr particles[] = {
    L("de"), L("da"), L("di"), L("du"), L("del"), L("della"), L("der"), L("den"), L("van"), L("von"),
    L("al"), L("el"), L("bin"), L("ibn"), L("la"), L("le"), L("dos"), L("das"), L("y"), L("ter"),
};

/* Credit prefixes at the start of a credit ("Photo: X", "Photo by X"). */
static const struct lstr credit_prefixes[] = {
    L("Photo:"), L("Photo by "), L("Photos:"), L("Photograph:"), L("Photograph by "),
    L("Photography:"), L("Image:"), L("Images:"), L("Picture:"), L("Pictures:"), L("Pic:"),
    L("Credit:"), L("Photo credit:"), L("Photo credits:"), L("Image credit:"),
    L("Photo Credit:"), L("Image Credit:"), L("Photos by "), L("Images by "),
    L("Pictures by "), L("Image copyright "), L("Copyright \xC2\xA9"),
    L("\xC2\xA9"), L("Photo :"), L("PHOTO:"), L("IMAGE:"), L("CREDIT:"),
};

/* Openings of a wire's staff line, "(Reporting by X; Editing by Y)". */
static const struct lstr staff_prefixes[] = {
    L("Reporting by "), L("Additional reporting by "), L("Writing by "),
    L("Editing by "), L("Compiled by "), L("Reporting and writing by "),
};

/* Wire sign-offs ending the last line (Reuters-21578: "Reuter" 13,411,
** "REUTER" 4,383, ...; see docs/INTERNALS-clean.md). */
static const struct lstr signoffs[] = {
    L("Reuter"), L("REUTER"), L("reuter"), L("Reuters"), L("REUTERS"),
};

/* ====================================================================
** Character helpers
** ==================================================================== */

static bool ascii_alnum(unsigned char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9');
}

static inline unsigned char lower(unsigned char c)
{
  return (unsigned char)(c | (((unsigned)(c - 'A') < 26u) << 5));
}

/* Length of a white-space code point starting at i (< e), else 0. */
static size_t space_at(const unsigned char *u, size_t i, size_t e)
{
  int32_t cp;
  size_t k;
  if (u[i] < 0x80)
    return u[i] == ' ' || u[i] == '\t' || u[i] == '\r' || u[i] == '\f' ||
                   u[i] == '\v'
               ? 1
               : 0;
  k = dl__utf8_decode(u, e, i, &cp);
  return k && dl__is_space(cp) ? k : 0;
}

/* Length of a white-space code point ending at i (> s), else 0. */
static size_t space_before(const unsigned char *u, size_t s, size_t i)
{
  size_t j = i - 1;
  int32_t cp;
  if (u[j] < 0x80) return space_at(u, j, i);
  while (j > s && i - j < 4 && (u[j] & 0xC0) == 0x80) j--;
  if (dl__utf8_decode(u, i, j, &cp) == i - j && dl__is_space(cp))
    return i - j;
  return 0;
}

static size_t skip_space(const unsigned char *u, size_t i, size_t e)
{
  size_t k;
  while (i < e && (k = space_at(u, i, e)) > 0) i += k;
  return i;
}

static size_t skip_space_back(const unsigned char *u, size_t s, size_t i)
{
  size_t k;
  while (i > s && (k = space_before(u, s, i)) > 0) i -= k;
  return i;
}

/* A control character (not white space, not DL__BAD_BYTE, which stands
** for an invalid input byte and is reported elsewhere). */
static bool is_ctrl(unsigned char c)
{
  return (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' &&
          c != '\v' && c != DL__BAD_BYTE) ||
         c == 0x7F;
}

/* Length of a control character or an SGML control entity "&#N;" (N <
** 32) at i, else 0. */
static size_t ctrl_at(const unsigned char *u, size_t i, size_t e)
{
  size_t j;
  int v = 0;
  if (is_ctrl(u[i])) return 1;
  if (u[i] != '&' || i + 3 >= e || u[i + 1] != '#') return 0;
  for (j = i + 2; j < e && j < i + 4 && u[j] >= '0' && u[j] <= '9'; j++)
    v = v * 10 + (u[j] - '0');
  if (j == i + 2 || j >= e || u[j] != ';' || v >= 32) return 0;
  return j + 1 - i;
}

static size_t ctrl_before(const unsigned char *u, size_t s, size_t i)
{
  size_t k;
  if (is_ctrl(u[i - 1])) return 1;
  for (k = 4; k <= 5; k++)
    if (i - s >= k && ctrl_at(u, i - k, i) == k) return k;
  return 0;
}

/* Case-insensitive (ASCII) match of p at u[i..e). */
static bool imatch(const unsigned char *u, size_t i, size_t e, const char *p,
                   size_t n)
{
  if (e - i < n) return false;
  for (size_t k = 0; k < n; k++)
    if (lower(u[i + k]) != lower((unsigned char)p[k])) return false;
  return true;
}

static bool match(const unsigned char *u, size_t i, size_t e, const char *p,
                  size_t n)
{
  return e - i >= n && memcmp(u + i, p, n) == 0;
}

/* A word may end at i: the end, or a byte that cannot continue a word. */
static bool word_end(const unsigned char *u, size_t i, size_t e)
{
  return i >= e || (!ascii_alnum(u[i]) && u[i] < 0x80) ||
         space_at(u, i, e) > 0;
}

static bool word_start(const unsigned char *u, size_t s, size_t i)
{
  return i <= s || (!ascii_alnum(u[i - 1]) && u[i - 1] < 0x80) ||
         space_before(u, s, i) > 0;
}

/* Separators between widget phrases: white space, | , and the bullets
** U+2022 and U+00B7. Returns the length at i, else 0. */
static size_t sep_at(const unsigned char *u, size_t i, size_t e)
{
  if (u[i] == '|' || u[i] == ',') return 1;
  if (u[i] == 0xC2 && i + 1 < e && u[i + 1] == 0xB7) return 2;
  if (u[i] == 0xE2 && i + 2 < e && u[i + 1] == 0x80 && u[i + 2] == 0xA2)
    return 3;
  return space_at(u, i, e);
}

static size_t sep_before(const unsigned char *u, size_t s, size_t i)
{
  if (u[i - 1] == '|' || u[i - 1] == ',') return 1;
  if (i - s >= 2 && u[i - 2] == 0xC2 && u[i - 1] == 0xB7) return 2;
  if (i - s >= 3 && u[i - 3] == 0xE2 && u[i - 2] == 0x80 && u[i - 1] == 0xA2)
    return 3;
  return space_before(u, s, i);
}

/* ====================================================================
** The span list
** ==================================================================== */

struct spans {
  const dl_allocator *al;
  dl__clean *v;
  size_t n, cap;
  bool oom;
};

/* Adds [a, b) with a static reason. Keeps the list sorted and without
** overlaps: a span that starts before the previous one ends is clipped
** (or dropped when nothing is left); callers add in text order. */
static void add_span(struct spans *s, size_t a, size_t b, const char *reason)
{
  if (s->n && a < s->v[s->n - 1].end) a = s->v[s->n - 1].end;
  if (b <= a || s->oom) return;
  if (!DL__PUSH(s->al, s->v, s->n, s->cap)) {
    s->oom = true;
    return;
  }
  s->v[s->n].start = (uint32_t)a;
  s->v[s->n].end = (uint32_t)b;
  s->v[s->n].reason = reason;
  s->n++;
}

/* ====================================================================
** Widget runs
** ==================================================================== */

/* Which bytes start and end a widget phrase (lower-cased), computed once
** per document from the table: most lines start and end with a byte that
** no phrase has there, and are rejected before the table is scanned.
** The phrases are also bucketed by their lower-cased first and last byte
** (key: the low five bits, so a bucket may hold a few other bytes too),
** in table order, so a lookup compares only a handful of candidates and
** picks the same phrase as a scan of the whole table (the longest, the
** first in the table among equals). */
#define NWIDGETS DL__COUNTOF(widgets)
struct wmask {
  uint64_t first[4], last[4];
  unsigned char nf[32], nl[32];
  unsigned char bf[32][NWIDGETS], bl[32][NWIDGETS];
  /* Hashes (10 bits) of the lower-cased first four and last four bytes
  ** of every phrase: a four-byte reject before the bucket is scanned
  ** ("said", "She said", "Shell"); off when a phrase is shorter. */
  uint64_t f4[16], l4[16];
  bool short_phrase;
};

/* The 10-bit hash of the lower-cased four bytes at p. */
static unsigned hash4(const unsigned char *p)
{
  uint32_t v = (uint32_t)lower(p[0]) | (uint32_t)lower(p[1]) << 8 |
               (uint32_t)lower(p[2]) << 16 | (uint32_t)lower(p[3]) << 24;
  return (unsigned)((v * UINT32_C(0x9E3779B1)) >> 22);
}

static bool in_set(const uint64_t *set, unsigned h)
{
  return (set[h >> 6] >> (h & 63)) & 1;
}

static void wmask_init(struct wmask *m)
{
  memset(m->first, 0, sizeof m->first);
  memset(m->last, 0, sizeof m->last);
  memset(m->nf, 0, sizeof m->nf);
  memset(m->nl, 0, sizeof m->nl);
  memset(m->f4, 0, sizeof m->f4);
  memset(m->l4, 0, sizeof m->l4);
  m->short_phrase = false;
  for (size_t k = 0; k < NWIDGETS; k++) {
    unsigned f = lower((unsigned char)widgets[k].s[0]);
    unsigned l = lower((unsigned char)widgets[k].s[widgets[k].len - 1]);
    m->first[f >> 6] |= UINT64_C(1) << (f & 63);
    m->last[l >> 6] |= UINT64_C(1) << (l & 63);
    m->bf[f & 31][m->nf[f & 31]++] = (unsigned char)k;
    m->bl[l & 31][m->nl[l & 31]++] = (unsigned char)k;
    if (widgets[k].len < 4) {
      m->short_phrase = true;
    } else {
      const unsigned char *w = (const unsigned char *)widgets[k].s;
      unsigned hf = hash4(w), hl = hash4(w + widgets[k].len - 4);
      m->f4[hf >> 6] |= UINT64_C(1) << (hf & 63);
      m->l4[hl >> 6] |= UINT64_C(1) << (hl & 63);
    }
  }
}

static bool in_mask(const uint64_t *m, unsigned char c)
{
  unsigned l = lower(c);
  return (m[l >> 6] >> (l & 63)) & 1;
}

/* The longest widget phrase at i (whole words), or NULL. */
static const struct phrase *phrase_at(const struct wmask *wm,
                                      const unsigned char *u, size_t i,
                                      size_t e)
{
  const struct phrase *best = NULL;
  unsigned char c;
  if (i >= e || !in_mask(wm->first, u[i])) return NULL;
  if (!wm->short_phrase && (e - i < 4 || !in_set(wm->f4, hash4(u + i))))
    return NULL;
  c = lower(u[i]);
  for (size_t j = 0, n = wm->nf[c & 31]; j < n; j++) {
    const struct phrase *p = &widgets[wm->bf[c & 31][j]];
    if ((best && p->len <= best->len) || c != lower((unsigned char)p->s[0]))
      continue;
    if (imatch(u, i, e, p->s, p->len) && word_end(u, i + p->len, e))
      best = p;
  }
  return best;
}

/* The longest widget phrase ending at i (whole words), or NULL. */
static const struct phrase *phrase_before(const struct wmask *wm,
                                          const unsigned char *u, size_t s,
                                          size_t i)
{
  const struct phrase *best = NULL;
  unsigned char c;
  if (i <= s || !in_mask(wm->last, u[i - 1])) return NULL;
  if (!wm->short_phrase && (i - s < 4 || !in_set(wm->l4, hash4(u + i - 4))))
    return NULL;
  c = lower(u[i - 1]);
  for (size_t j = 0, n = wm->nl[c & 31]; j < n; j++) {
    const struct phrase *p = &widgets[wm->bl[c & 31][j]];
    size_t a;
    if ((best && p->len <= best->len) || i - s < p->len ||
        c != lower((unsigned char)p->s[p->len - 1]))
      continue;
    a = i - p->len;
    if (imatch(u, a, i, p->s, p->len) && word_start(u, s, a)) best = p;
  }
  return best;
}

typedef struct run {
  size_t end;  /* end of the last phrase (forward) or start of the first */
  int count;
  bool strong;
} run;

/* A run of widget phrases starting at i, separated by sep_at(). */
static run run_fwd(const struct wmask *wm, const unsigned char *u, size_t i,
                   size_t e)
{
  run r = {i, 0, false};
  while (i < e && r.count < MAX_RUN) {
    const struct phrase *p = phrase_at(wm, u, i, e);
    size_t k;
    if (!p) break;
    i += p->len;
    r.end = i;
    r.count++;
    r.strong |= (p->flags & STRONG) != 0;
    while (i < e && (k = sep_at(u, i, e)) > 0) i += k;
  }
  return r;
}

/* A run of widget phrases ending at i, scanning back to s. */
static run run_back(const struct wmask *wm, const unsigned char *u, size_t s,
                    size_t i)
{
  run r = {i, 0, false};
  while (i > s && r.count < MAX_RUN) {
    const struct phrase *p = phrase_before(wm, u, s, i);
    size_t k;
    if (!p) break;
    i -= p->len;
    r.end = i;
    r.count++;
    r.strong |= (p->flags & STRONG) != 0;
    while (i > s && (k = sep_before(u, s, i)) > 0) i -= k;
  }
  return r;
}

/* ====================================================================
** Credits and captions
** ==================================================================== */

static bool in_list(const unsigned char *u, size_t a, size_t b,
                    const struct lstr *list, size_t n)
{
  for (size_t k = 0; k < n; k++) {
    if (list[k].n == b - a && u[a] == (unsigned char)list[k].s[0] &&
        memcmp(u + a, list[k].s, list[k].n) == 0)
      return true;
  }
  return false;
}

/* At least the longest name in agencies[] ("AFP via Getty Images", 20
** bytes): longer lines skip the list. */
enum { AGENCY_MAX = 24 };

static bool is_agency(const unsigned char *u, size_t a, size_t b)
{
  return in_list(u, a, b, agencies, DL__COUNTOF(agencies));
}

/* A person's name: 1..5 words, each capitalized (or non-ASCII, or a
** particle such as "van"), of letters, digits, . - ' and non-ASCII. */
static bool is_name(const unsigned char *u, size_t a, size_t b)
{
  int words = 0;
  size_t i = a;
  while (i < b) {
    size_t w = i;
    while (i < b && !space_at(u, i, b)) {
      unsigned char c = u[i];
      if (!(ascii_alnum(c) || c >= 0x80 || c == '.' || c == '-' ||
            c == '\''))
        return false;
      i++;
    }
    if (!((u[w] >= 'A' && u[w] <= 'Z') || u[w] >= 0x80 ||
          in_list(u, w, i, particles, DL__COUNTOF(particles))))
      return false;
    if (++words > 5) return false;
    i = skip_space(u, i, b);
  }
  return words > 0;
}

static void trim(const unsigned char *u, size_t *a, size_t *b)
{
  *a = skip_space(u, *a, *b);
  *b = skip_space_back(u, *a, *b);
}

/* A byte that may occur in a slash credit: in a name (is_name(): letters,
** digits, . - ' and non-ASCII), an agency, the white space between words
** (space_at()), or a separator. */
static bool credit_text_byte(unsigned char c)
{
  return ascii_alnum(c) || c >= 0x80 || c == '.' || c == '-' || c == '\'' ||
         c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v' ||
         c == '/' || c == '|';
}

/* "Name Name / AP", "X/Getty Images", "REUTERS/Name", "AP Photo/Name",
** "AFP/Getty Images", "Name | Bloomberg | Getty Images": two to four parts
** split at '/' or '|', each a name or an agency, at least one an agency.
** One part only for lone_agencies. */
static bool is_slash_credit(const unsigned char *u, size_t a, size_t b)
{
  size_t parts = 0, i = a;
  bool agency = false;
  /* One part (no separator): only a lone agency, which is an agency and
  ** has no white space at its edges, so the loop below would say the
  ** same after a walk over every word of the text. */
  if (!memchr(u + a, '/', b - a) && !memchr(u + a, '|', b - a))
    return in_list(u, a, b, lone_agencies, DL__COUNTOF(lone_agencies));
  /* Names and agencies hold only these bytes (and the separators): any
  ** other ("5-1/2 pct, traders said") makes some part neither, which the
  ** loop would find only after the table lookups. */
  for (i = a; i < b; i++)
    if (!credit_text_byte(u[i])) return false;
  i = a;
  while (i <= b) {
    size_t pa = i, pb;
    while (i < b && u[i] != '/' && u[i] != '|') i++;
    pb = i;
    trim(u, &pa, &pb);
    if (pa == pb || ++parts > 4) return false;
    if (is_agency(u, pa, pb))
      agency = true;
    else if (!is_name(u, pa, pb))
      return false;
    i++;
  }
  if (parts == 1)
    return in_list(u, a, b, lone_agencies, DL__COUNTOF(lone_agencies));
  return agency;
}

/* The period at i ends an initial: "J. Scott", "K. Retherford". */
static bool initial_before(const unsigned char *u, size_t a, size_t i)
{
  return u[i] == '.' && i > a && u[i - 1] >= 'A' && u[i - 1] <= 'Z' &&
         (i - 1 == a || !ascii_alnum(u[i - 2]));
}

/* "Photo: X", "Photo by X / AFP", "Image copyright X": a prefix, then a
** short text without sentence punctuation. */
static bool is_prefix_credit(const unsigned char *u, size_t a, size_t b)
{
  for (size_t k = 0; k < DL__COUNTOF(credit_prefixes); k++) {
    size_t n = credit_prefixes[k].n;
    if (u[a] != (unsigned char)credit_prefixes[k].s[0]) continue;
    if (n < b - a && match(u, a, b, credit_prefixes[k].s, n)) {
      for (size_t i = a + n; i + 1 < b; i++)
        if ((u[i] == '.' || u[i] == '!' || u[i] == '?') && u[i + 1] == ' ' &&
            !initial_before(u, a, i))
          return false;
      return u[b - 1] != '.' || (b - a >= 3 && u[b - 3] == ' ');
    }
  }
  return false;
}

static bool is_credit(const unsigned char *u, size_t a, size_t b)
{
  if (b <= a) return false;
  return is_prefix_credit(u, a, b) || is_slash_credit(u, a, b);
}

static bool contains(const unsigned char *u, size_t a, size_t b,
                     const char *p)
{
  size_t n = strlen(p);
  const unsigned char *q = u + a, *end = u + b;
  while ((size_t)(end - q) >= n &&
         (q = memchr(q, (unsigned char)p[0], (size_t)(end - q) - n + 1))) {
    if (memcmp(q, p, n) == 0) return true;
    q++;
  }
  return false;
}

/* A copyright notice line: short, with a copyright sign, or "Copyright"
** and "All Rights Reserved" ("Copyright 2019 The Paradigm. All Rights
** Reserved."). */
static bool is_copyright(const unsigned char *u, size_t a, size_t b)
{
  if (b - a > WIN_COPYRIGHT) return false;
  if (contains(u, a, b, "\xC2\xA9")) return true;
  if (!(match(u, a, b, "Copyright ", 10) || match(u, a, b, "COPYRIGHT ", 10)))
    return false;
  /* "Copyright 2019", "Copyright (c)": not "Copyright law ...". */
  if (!(b - a > 10 && ((u[a + 10] >= '0' && u[a + 10] <= '9') ||
                       u[a + 10] == '(')))
    return false;
  return (contains(u, a, b, "ights reserved") ||
          contains(u, a, b, "ights Reserved") ||
          contains(u, a, b, "IGHTS RESERVED"));
}

/* Where the last sentence of [a, b) starts, looking back at most
** WIN_CREDIT bytes; b if it starts further back. A period after a lone
** capital ("J. Scott Applewhite") is an initial, not a sentence end. */
static size_t last_segment(const unsigned char *u, size_t a, size_t b)
{
  size_t lim = b - a > WIN_CREDIT ? b - WIN_CREDIT : a;
  for (size_t i = b; i > lim; i--) {
    size_t j = i - 1; /* u[j] is the byte before u[i] */
    unsigned char c = u[j];
    if (u[i] != ' ' || i == b) continue;
    if (c == '"' || c == ')') {
      if (j == a) continue;
      c = u[--j];
    } else if (j >= a + 2 && u[j] == 0x9D && u[j - 1] == 0x80 &&
               u[j - 2] == 0xE2) { /* U+201D */
      if (j < a + 3) continue;
      j -= 3;
      c = u[j];
    }
    if (c != '.' && c != '!' && c != '?') continue;
    if (c == '.' && j >= a + 1 && u[j - 1] >= 'A' && u[j - 1] <= 'Z' &&
        (j == a + 1 || u[j - 2] == ' '))
      continue;
    return i + 1;
  }
  return lim == a ? a : b;
}

/* A staff line in parentheses ending [a, b): "(Reporting by Will
** Dunham; Editing by Tom Brown)". Returns its start, or b. */
static size_t staff_at_end(const unsigned char *u, size_t a, size_t b)
{
  size_t lim = b - a > WIN_STAFF ? b - WIN_STAFF : a;
  if (u[b - 1] != ')') return b;
  for (size_t i = b - 1; i > lim; i--) {
    if (u[i - 1] == ')') break;
    if (u[i - 1] == '(') {
      for (size_t k = 0; k < DL__COUNTOF(staff_prefixes); k++)
        if (match(u, i, b, staff_prefixes[k].s, staff_prefixes[k].n))
          return i - 1;
      break;
    }
  }
  return b;
}

/* Bytes that any credit but a lone agency holds: a separator of a slash
** credit, or the colon, copyright sign (first byte) or capital of a
** prefix credit ("Photo:", "Photo by ", "Image copyright ", "Pictures by
** ", "(c) X"). Static const, so no state. */
static const unsigned char credit_byte[256] = {
    ['/'] = 1, ['|'] = 1, [':'] = 1, [0xC2] = 1, ['P'] = 2, ['I'] = 2,
};

/* Whether the last sentence of [a, b) (the window last_segment() looks
** at) may be a credit: it holds a separator or a prefix, or the line ends
** in a lone agency. A necessary condition for is_credit(), checked in one
** pass over the window before the segment is looked for: most lines of
** prose fail it. */
static bool credit_possible(const unsigned char *u, size_t a, size_t b)
{
  size_t lim = b - a > WIN_CREDIT ? b - WIN_CREDIT : a;
  unsigned acc = 0;
  /* Branch-free first: most windows hold none of these bytes. */
  for (size_t i = lim; i < b; i++) acc |= credit_byte[u[i]];
  if (acc & 1) return true;
  if (acc & 2)
    for (size_t i = lim; i + 2 < b; i++)
      /* "Pho", "Pic", "Ima": the prefixes without a colon or sign. */
      if ((u[i] == 'P' && ((u[i + 1] == 'h' && u[i + 2] == 'o') ||
                           (u[i + 1] == 'i' && u[i + 2] == 'c'))) ||
          (u[i] == 'I' && u[i + 1] == 'm' && u[i + 2] == 'a'))
        return true;
  for (size_t k = 0; k < DL__COUNTOF(lone_agencies); k++) {
    size_t n = lone_agencies[k].n;
    if (b - a >= n && u[b - 1] == (unsigned char)lone_agencies[k].s[n - 1] &&
        memcmp(u + b - n, lone_agencies[k].s, n) == 0)
      return true;
  }
  return false;
}

/* Finds a credit ending the trimmed line [a, b). On success sets
** [*cs, b) to it and returns true. */
static bool credit_at_end(const unsigned char *u, size_t a, size_t b,
                          bool short_line, size_t *cs)
{
  size_t s;
  if (u[b - 1] == ')') {
    /* "(Photo by X / AFP)", "(AP Photo/Name)". */
    size_t lim = b - a > WIN_CREDIT ? b - WIN_CREDIT : a;
    for (size_t i = b - 1; i > lim; i--) {
      if (u[i - 1] == ')') break;
      if (u[i - 1] == '(') {
        size_t ia = i, ib = b - 1;
        trim(u, &ia, &ib);
        /* A bare "(AFP)" is a credit only after a caption: a prose line
        ** may cite its source so. */
        if (is_credit(u, ia, ib) ||
            (short_line && i - 1 > a && is_agency(u, ia, ib))) {
          *cs = i - 1;
          return true;
        }
        break;
      }
    }
    return false;
  }
  if (!credit_possible(u, a, b)) return false;
  s = last_segment(u, a, b);
  if (s >= b) return false;
  s = skip_space(u, s, b);
  if (!is_credit(u, s, b)) return false;
  *cs = s;
  return true;
}

/* ====================================================================
** The date header
** ==================================================================== */

/* "date 2016-12-22" or "Date: 2016-12-22" at i. Returns the end of the
** header and sets the date and its span; 0 when there is none. */
static size_t date_header(const unsigned char *u, size_t i, size_t e,
                          dl__date *dt)
{
  size_t j, k;
  if (!imatch(u, i, e, "date", 4)) return 0;
  j = i + 4;
  if (j < e && u[j] == ':') j++;
  k = skip_space(u, j, e);
  if (k == j || e - k < 10) return 0;
  if (!(k + 10 == e || word_end(u, k + 10, e)) || u[k + 10 - 1] == '-')
    return 0;
  memset(dt, 0, sizeof *dt);
  dt->source = DL__DATE_TEXT;
  if (!dl__date_parse((const char *)u + k, 10, dt)) return 0;
  dt->source = DL__DATE_TEXT;
  dt->start = (uint32_t)k;
  dt->end = (uint32_t)(k + 10);
  return k + 10;
}

/* ====================================================================
** Lines
** ==================================================================== */

/* Strips control characters and "&#3;" entities from both ends of
** [*a, *b), reporting them. Spans at the end are added by the caller
** after the line's other spans (order), so the end is returned in *ce. */
static void strip_ctrl(struct spans *s, const unsigned char *u, size_t *a,
                       size_t *b, size_t *ce)
{
  size_t i = *a, k, j;
  while (i < *b && (k = ctrl_at(u, i, *b)) > 0) i = skip_space(u, i + k, *b);
  if (i > *a) {
    add_span(s, *a, skip_space_back(u, *a, i), "control");
    *a = i;
  }
  *ce = *b;
  j = *b;
  while (j > *a && (k = ctrl_before(u, *a, j)) > 0)
    j = skip_space_back(u, *a, j - k);
  if (j < *b) {
    *ce = skip_space(u, j, *b);
    *b = j;
  }
}

/* A sign-off ending the last line: "Reuter", "REUTER...", "reuter^M",
** alone or after a sentence ("... a year ago. REUTER"). Returns its
** start, or b. */
static size_t signoff_at_end(const unsigned char *u, size_t a, size_t b)
{
  size_t e = b;
  /* "REUTER...", "REUTER^M" (a literal caret and M), "REUTER...^M". */
  if (e - a >= 2 && memcmp(u + e - 2, "^M", 2) == 0) e -= 2;
  if (e - a >= 3 && memcmp(u + e - 3, "...", 3) == 0) e -= 3;
  for (size_t k = 0; k < DL__COUNTOF(signoffs); k++) {
    size_t n = signoffs[k].n, st;
    if (e - a < n || !match(u, e - n, e, signoffs[k].s, n)) continue;
    st = e - n;
    if (st == a) return st;
    if (space_before(u, a, st) > 0) {
      size_t p = skip_space_back(u, a, st);
      if (p > a && (u[p - 1] == '.' || u[p - 1] == '"' || u[p - 1] == ')'))
        return st;
    }
  }
  if ((b - a == 4 && (match(u, a, b, "MORE", 4) || match(u, a, b, "More", 4))))
    return a;
  return b;
}

struct line_ctx {
  dl_doc *d;
  struct spans *s;
  const unsigned char *u;
  bool seen_content; /* a line with text came before */
  size_t last_end;   /* end of the last text of the document */
  const struct wmask *wm;
};

/* The end of a line [a, b) (already trimmed, its start already
** examined): a credit, with the caption before it on a short line, or a
** strong widget run. */
static void line_end(struct line_ctx *c, size_t a, size_t b, size_t ls)
{
  const unsigned char *u = c->u;
  size_t cs;
  run r;
  cs = staff_at_end(u, a, b);
  if (cs < b) {
    add_span(c->s, cs, b, "signoff");
    return;
  }
  /* A line that is only an agency ("REUTERS", "Getty"). */
  if (a == ls && b - a <= AGENCY_MAX && is_agency(u, a, b)) {
    add_span(c->s, a, b, "credit");
    return;
  }
  if (credit_at_end(u, a, b, b - ls <= WIN_CAPTION, &cs)) {
    size_t p = skip_space_back(u, a, cs);
    /* A short line that ends in a credit is a caption (and its credit);
    ** ls is the start of the line, so a caption is judged on the whole
    ** line, date header and widgets included. */
    if (p > a && b - ls <= WIN_CAPTION) add_span(c->s, a, p, "caption");
    add_span(c->s, cs, b, "credit");
    return;
  }
  /* A copyright notice ("(c) 2019 NBC Universal", "Copyright 2019 The
  ** Paradigm. All Rights Reserved."). */
  if (a == ls && is_copyright(u, a, b)) {
    add_span(c->s, a, b, "credit");
    return;
  }
  r = run_back(c->wm, u, a, b);
  if (r.count && r.strong) add_span(c->s, r.end, b, "widget");
}

static void do_line(struct line_ctx *c, size_t ls, size_t le)
{
  const unsigned char *u = c->u;
  struct spans *s = c->s;
  size_t a = ls, b = le, ce, sa = SIZE_MAX;
  bool first = !c->seen_content, last;
  run r;

  trim(u, &a, &b);
  if (a == b) return;
  strip_ctrl(s, u, &a, &b, &ce);
  if (a == b) {
    add_span(s, a, ce, "control");
    return;
  }
  if (a >= c->last_end) {
    /* After the end of the text: only control debris ("3;"). */
    add_span(s, a, ce, "control");
    return;
  }
  c->seen_content = true;
  last = b >= c->last_end;
  ls = a;

  /* The scraped header line: the document date, then widgets. Input
  ** wins over the text (pipeline.c sets it before the stages run). */
  if (first) {
    dl__date dt;
    size_t he = date_header(u, a, b, &dt);
    if (he) {
      if (c->d->date.source == DL__DATE_NONE) c->d->date = dt;
      add_span(s, a, he, "date-line");
      a = skip_space(u, he, b);
      /* "date: 2024-03-05 | Share on Facebook": the separator goes with
      ** the widgets that follow it. */
      if (a < b && u[a] == '|') {
        sa = a;
        a = skip_space(u, a + 1, b);
      }
    }
  }

  /* A line of widgets, or a strong run of them before prose. */
  if (sa > a) sa = a;
  if (a < b) {
    r = run_fwd(c->wm, u, a, b);
    if (r.count && r.end == b && b - a <= WIN_WHOLE) {
      add_span(s, sa, b, "widget");
      a = b;
    } else if (r.count && r.strong) {
      add_span(s, sa, r.end, "widget");
      a = r.end;
      while (a < b && sep_at(u, a, b)) a += sep_at(u, a, b);
    }
  }

  /* BBC-style "Image copyright X Image caption Y", "Media caption Y". */
  if (a < b && imatch(u, a, b, "Image copyright ", 16)) {
    size_t lim = DL__MIN(b, a + WIN_CREDIT), i;
    for (i = a + 16; i < lim; i++)
      if (imatch(u, i, b, " Image caption ", 15)) break;
    if (i < lim) {
      add_span(s, a, i, "credit");
      a = i + 1;
    } else if (b - a <= WIN_CREDIT) {
      add_span(s, a, b, "credit");
      a = b;
    }
  }
  if (a < b && b - a <= WIN_CAPTION &&
      (imatch(u, a, b, "Image caption ", 14) ||
       imatch(u, a, b, "Media caption ", 14))) {
    add_span(s, a, b, "caption");
    a = b;
  }

  /* The wire sign-off on the last line of the document. */
  if (a < b && last) {
    size_t so = signoff_at_end(u, a, b);
    if (so < b) {
      size_t p = skip_space_back(u, a, so);
      if (p > a) line_end(c, a, p, ls);
      add_span(s, so, b, "signoff");
      a = b;
    }
  }
  if (a < b) line_end(c, a, b, ls);
  if (ce > b) add_span(s, skip_space(u, b, ce), ce, "control");
}

/* ====================================================================
** Entry point
** ==================================================================== */

/* Per-annotator workspace: tables derived from the static ones, read-only
** once built. */
struct dl__clean_ws {
  struct wmask wm;
};

void dl__clean_ws_free(dl_annotator *a)
{
  dl__free(a->al, a->clean_ws);
  a->clean_ws = NULL;
}

dl_status dl__clean_run(dl_annotator *a, dl_doc *d, dl_error *err)
{
  const unsigned char *u = (const unsigned char *)d->view;
  struct spans s = {a->al, NULL, 0, 0, false};
  struct line_ctx c;
  size_t i = 0, e = d->len, k;

  /* The end of the document's text: before trailing white space and
  ** control characters ("Reuter\n&#3;"). */
  while (e > 0) {
    k = u[e - 1] == '\n' ? 1 : space_before(u, 0, e);
    if (!k) k = ctrl_before(u, 0, e);
    /* reut2-001.sgm ends 930 bodies with a line "3;": "&#3;" without
    ** its "&#". Only as the last line of the text. */
    if (!k && e >= 2 && u[e - 2] == '3' && u[e - 1] == ';' &&
        (e == 2 || u[e - 3] == '\n'))
      k = 2;
    if (!k) break;
    e -= k;
  }
  c.d = d;
  c.s = &s;
  c.u = u;
  c.seen_content = false;
  c.last_end = e;
  /* The phrase index, built once per annotator (a->clean_ws, freed by
  ** dl__clean_ws_free()). */
  if (!a->clean_ws) {
    a->clean_ws = dl__malloc(a->al, sizeof *a->clean_ws);
    if (!a->clean_ws) goto nomem;
    wmask_init(&a->clean_ws->wm);
  }
  c.wm = &a->clean_ws->wm;

  while (i < d->len) {
    const unsigned char *nl = memchr(u + i, '\n', d->len - i);
    size_t le = nl ? (size_t)(nl - u) : d->len;
    do_line(&c, i, le);
    i = le + 1;
  }
  if (s.oom) goto nomem;
  d->n_clean = 0;
  d->clean = NULL;
  if (s.n) {
    d->clean = dl__arena_dup(&d->arena, s.v, s.n * sizeof *s.v);
    if (!d->clean) goto nomem;
    d->n_clean = s.n;
  }
  dl__free(a->al, s.v);
  return DL_OK;
nomem:
  dl__free(a->al, s.v);
  return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
}
