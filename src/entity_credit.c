/*
** entity_credit.c -- the people and agencies named in photo credits.
**
** The cleaning stage keeps credit lines ("Alexei Nikolsky / AP",
** "REUTERS/Maxim Shemetov", "Photo: Jane Doe") out of the token layer so
** that no sentence contains them; but the photographer and the agency are
** still entities of the document. This pass reads each `credit` span of
** d->clean, splits it at '/' and '|', and adds one mention per part: an
** agency (a known wire name, an all-capitals word such as AP or AFP, or a
** name ending in Images/Photo/Press...) as ORG, a run of two to four
** capitalized words as PER. Anything else is left alone: nothing is
** resolved without evidence.
**
** Credit mentions are merged into the mention array in text order, with an
** empty token range at the first token after the credit (tok_start ==
** tok_end), so layers indexed by tokens skip them and the array stays
** sorted by bytes and by tokens; they carry DL__MEN_CREDIT. A credit name equal to an existing entity's name of the
** same type joins that entity ("AP" in a dateline and in a credit);
** otherwise it becomes a new entity with a low salience (a credit is not
** what the story is about). Entities stay ordered by first mention: new
** ones are merged in by position and every mention's entity index is
** remapped.
*/
#include "internal.h"

#define CREDIT_SALIENCE 0.05f
#define MAX_PARTS 4

static bool is_upper_ascii(unsigned char c) { return c >= 'A' && c <= 'Z'; }
static bool is_lower_ascii(unsigned char c) { return c >= 'a' && c <= 'z'; }

static bool word_eq(const char *s, size_t n, const char *w)
{
  return strlen(w) == n && memcmp(s, w, n) == 0;
}

/* Wire services and picture agencies written in mixed case. All-capitals
** names (AP, AFP, EPA, TASS, REUTERS) are recognized by their shape. */
static const char *const agency_words[] = {
    "Reuters", "Getty", "Bloomberg", "Sputnik", "Xinhua", "Anadolu",
    "Shutterstock", "Alamy", "Corbis", "Kyodo", "Yonhap", "Polaris",
    "Invision", "WireImage", "NurPhoto", "Sipa", "Pool",
};
static const char *const agency_tails[] = {
    "Images", "Photo", "Photos", "Pictures", "Press", "Wire", "Agency",
    "News", "Features", "Novosti",
};

/* Trims spaces and credit prefixes ("Photo:", "Photo by", "(", ")"). */
static void trim_part(const char *t, size_t *a, size_t *b)
{
  static const char *const prefixes[] = {"Photo by ", "Photos by ",
                                         "Photograph by ", "Photo: ",
                                         "Image: ", "Picture: ", "Credit: ",
                                         "Photo:", "Image:", "("};
  bool again = true;
  while (again) {
    again = false;
    while (*a < *b && (t[*a] == ' ' || t[*a] == '(')) (*a)++;
    while (*b > *a && (t[*b - 1] == ' ' || t[*b - 1] == ')' ||
                       t[*b - 1] == '.'))
      (*b)--;
    for (size_t k = 0; k < DL__COUNTOF(prefixes); k++) {
      size_t n = strlen(prefixes[k]);
      if (*b - *a > n && memcmp(t + *a, prefixes[k], n) == 0) {
        *a += n;
        again = true;
      }
    }
  }
}

/* ORG, PER or NONE for the credit part t[a, b). */
static dl__ent_type classify(const char *t, size_t a, size_t b)
{
  size_t words = 0, caps_words = 0, i = a;
  bool all_caps_word = false, tail = false, listed = false;
  if (b <= a || b - a > 60) return DL__ENT_NONE;
  while (i < b) {
    size_t s = i, n, up = 0, lo = 0;
    while (i < b && t[i] != ' ') {
      unsigned char c = (unsigned char)t[i];
      if (is_upper_ascii(c)) up++;
      else if (is_lower_ascii(c)) lo++;
      else if (c < 0x80 && c != '-' && c != '.' && c != '\'')
        return DL__ENT_NONE; /* digits, punctuation: not a name */
      i++;
    }
    n = i - s;
    words++;
    if (is_upper_ascii((unsigned char)t[s]) || (unsigned char)t[s] >= 0x80)
      caps_words++;
    if (up >= 2 && lo == 0 && n <= 8) all_caps_word = true;
    for (size_t k = 0; k < DL__COUNTOF(agency_words); k++)
      if (word_eq(t + s, n, agency_words[k])) listed = true;
    if (i == b && words > 1)
      for (size_t k = 0; k < DL__COUNTOF(agency_tails); k++)
        if (word_eq(t + s, n, agency_tails[k])) tail = true;
    while (i < b && t[i] == ' ') i++;
  }
  if (listed || tail || (all_caps_word && words <= 2)) return DL__ENT_ORG;
  if (words >= 2 && words <= 4 && caps_words == words) return DL__ENT_PER;
  return DL__ENT_NONE;
}

struct found {
  uint32_t start, end;
  uint8_t type;
};

static bool same_name(const char *name, const char *t, size_t n)
{
  return name && strlen(name) == n && memcmp(name, t, n) == 0;
}

dl_status dl__entity_credits(dl_annotator *a, dl_doc *d, dl_error *err)
{
  struct found f[64];
  uint32_t newidx[64], *oldmap;
  size_t nf = 0, n_new_ent = 0;
  dl__mention *men;
  dl__entity *ents;
  (void)a;
  for (size_t c = 0; c < d->n_clean && nf < DL__COUNTOF(f); c++) {
    const dl__clean *cl = &d->clean[c];
    size_t i, parts = 0;
    if (strcmp(cl->reason, "credit") != 0) continue;
    i = cl->start;
    while (i < cl->end && parts < MAX_PARTS && nf < DL__COUNTOF(f)) {
      size_t pa = i, pb;
      dl__ent_type ty;
      while (i < cl->end && d->view[i] != '/' && d->view[i] != '|') i++;
      pb = i++;
      parts++;
      trim_part(d->view, &pa, &pb);
      ty = classify(d->view, pa, pb);
      if (ty == DL__ENT_NONE) continue;
      /* "AP Photo" names the agency AP. */
      if (ty == DL__ENT_ORG && pb - pa > 6 &&
          memcmp(d->view + pb - 6, " Photo", 6) == 0)
        pb -= 6;
      f[nf].start = (uint32_t)pa;
      f[nf].end = (uint32_t)pb;
      f[nf].type = (uint8_t)ty;
      nf++;
    }
  }
  if (!nf) return DL_OK;

  /* Merge the credit mentions into the mention array by byte offset (both
  ** are in text order), remapping the entities' mention indices. */
  men = dl__arena_alloc(&d->arena, (d->n_mentions + nf) * sizeof *men);
  ents = dl__arena_alloc(&d->arena, (d->n_entities + nf) * sizeof *ents);
  oldmap = dl__arena_alloc(&d->arena, (d->n_mentions + 1) * sizeof *oldmap);
  if (!men || !ents || !oldmap)
    return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
  {
    size_t o = 0, k = 0, w = 0, tk = 0;
    while (o < d->n_mentions || k < nf) {
      if (k < nf &&
          (o == d->n_mentions || f[k].start < d->mentions[o].start)) {
        dl__mention *m = &men[w];
        /* An empty token range where the credit sits: token-indexed
        ** layers skip it and the array stays in token order too. */
        while (tk < d->n_tokens && d->tokens[tk].start < f[k].end) tk++;
        memset(m, 0, sizeof *m);
        m->tok_start = m->tok_end = (uint32_t)tk;
        m->start = f[k].start;
        m->end = f[k].end;
        m->type = f[k].type;
        m->flags = DL__MEN_CREDIT;
        m->score = 1.0f;
        m->entity = UINT32_MAX;
        newidx[k++] = (uint32_t)w++;
      } else {
        oldmap[o] = (uint32_t)w;
        men[w++] = d->mentions[o++];
      }
    }
  }
  for (size_t i = 0; i < d->n_entities; i++) {
    uint32_t *l = dl__arena_dup(&d->arena, d->entities[i].mentions,
                                d->entities[i].n_mentions * sizeof *l);
    if (!l && d->entities[i].n_mentions)
      return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
    for (uint32_t j = 0; j < d->entities[i].n_mentions; j++)
      l[j] = oldmap[l[j]];
    ents[i] = d->entities[i];
    ents[i].mentions = l;
  }

  for (size_t k = 0; k < nf; k++) {
    const char *t = d->view + f[k].start;
    size_t n = f[k].end - f[k].start, mi = newidx[k], ei;
    uint32_t *list;
    dl__mention *m = &men[mi];
    for (ei = 0; ei < d->n_entities + n_new_ent; ei++)
      if (ents[ei].type == f[k].type && same_name(ents[ei].name, t, n))
        break;
    if (ei == d->n_entities + n_new_ent) {
      dl__entity *e = &ents[ei];
      memset(e, 0, sizeof *e);
      e->type = f[k].type;
      e->name = dl__arena_strndup(&d->arena, t, n);
      e->salience = CREDIT_SALIENCE;
      if (!e->name) return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
      n_new_ent++;
    }
    list = dl__arena_alloc(&d->arena,
                           (ents[ei].n_mentions + 1) * sizeof *list);
    if (!list) return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
    {
      /* Keep the entity's mentions in text order. */
      uint32_t at = ents[ei].n_mentions;
      while (at > 0 && men[ents[ei].mentions[at - 1]].start > m->start) at--;
      if (at) memcpy(list, ents[ei].mentions, at * sizeof *list);
      list[at] = (uint32_t)mi;
      if (ents[ei].n_mentions > at)
        memcpy(list + at + 1, ents[ei].mentions + at,
               (ents[ei].n_mentions - at) * sizeof *list);
      ents[ei].n_mentions++;
    }
    ents[ei].mentions = list;
    m->entity = (uint32_t)ei;
  }
  d->mentions = men;
  d->n_mentions += nf;
  if (n_new_ent) {
    /* Merge the new entities (each with one mention, in text order) into
    ** the old ones (ordered by first mention) by first-mention start. */
    size_t n_old = d->n_entities, total = n_old + n_new_ent, o = 0, w = 0;
    size_t nw = n_old;
    dl__entity *sorted = dl__arena_alloc(&d->arena, total * sizeof *sorted);
    uint32_t *map = dl__arena_alloc(&d->arena, total * sizeof *map);
    if (!sorted || !map)
      return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
    while (w < total) {
      bool take_new;
      if (o == n_old)
        take_new = true;
      else if (nw == total)
        take_new = false;
      else
        take_new = men[ents[nw].mentions[0]].start <
                   men[ents[o].mentions[0]].start;
      if (take_new) {
        map[nw] = (uint32_t)w;
        sorted[w++] = ents[nw++];
      } else {
        map[o] = (uint32_t)w;
        sorted[w++] = ents[o++];
      }
    }
    for (size_t i = 0; i < d->n_mentions; i++)
      if (men[i].entity < total) men[i].entity = map[men[i].entity];
    ents = sorted;
  }
  d->entities = ents;
  d->n_entities += n_new_ent;
  return DL_OK;
}
