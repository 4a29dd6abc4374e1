/*
** test_entity_lex.c -- the model's hash tables over the entity and quote
** word lists (src/entity_lex.c) give the answers of the binary searches
** they replace on the hot path: every list word, and words that are not.
*/
#include "entity_lex.h"
#include "quote.h"
#include "roles.h"
#include "t.h"

static struct dl__lex *lex_new(void)
{
  struct dl__lex *x = NULL;
  return dl__lex_build(NULL, &x) ? x : NULL;
}

static void t_roles_all(void)
{
  struct dl__lex *x = lex_new();
  T_OK(x);
  for (size_t i = 0; i < dl__roles_count(); i++) {
    const char *k = dl__roles_at(i)->text;
    uint32_t v = 0;
    T_OK(dl__strtab_find(&x->roles, k, strlen(k), &v));
    T_EQ_INT(DL__LEX_ROLE_INDEX(v), i + 1);
    T_OK(dl__roles_lookup(k, strlen(k)) == dl__roles_at(i));
    /* A prefix of an entry is another key (or none). */
    if (strlen(k) > 1) {
      bool got = dl__strtab_find(&x->roles, k, strlen(k) - 1, &v) &&
                 DL__LEX_ROLE_INDEX(v);
      T_OK(got == (dl__roles_lookup(k, strlen(k) - 1) != NULL));
      if (got)
        T_OK(dl__roles_at(DL__LEX_ROLE_INDEX(v) - 1) ==
             dl__roles_lookup(k, strlen(k) - 1));
    }
  }
  {
    uint32_t v;
    T_OK(!dl__strtab_find(&x->roles, "putin", 5, &v));
    T_OK(!dl__strtab_find(&x->roles, "", 0, &v));
    T_OK(!dl__strtab_find(&x->roles, "prime ministers", 15, &v));
    /* "prime" starts "prime minister": a key with the two-word bit. */
    T_OK(dl__roles_lookup("prime minister", 14));
    T_OK(dl__strtab_find(&x->roles, "prime", 5, &v));
    T_OK(DL__LEX_ROLE_MW(v) & 1u);
    T_OK((DL__LEX_ROLE_INDEX(v) != 0) == (dl__roles_lookup("prime", 5) != 0));
  }
  /* Every multi-word entry's first word carries its length bit. */
  for (size_t i = 0; i < dl__roles_count(); i++) {
    const char *k = dl__roles_at(i)->text, *sp = strchr(k, ' ');
    size_t words = 1;
    uint32_t v = 0;
    if (!sp) continue;
    for (const char *q = k; *q; q++) words += *q == ' ';
    T_OK(dl__strtab_find(&x->roles, k, (size_t)(sp - k), &v));
    T_OK(DL__LEX_ROLE_MW(v) & (1u << (words > 5 ? 3 : words - 2)));
  }
  dl__lex_free(NULL, x);
}

static void t_quote_words(void)
{
  struct dl__lex *x = lex_new();
  uint32_t v = 0;
  T_OK(x);
  for (size_t i = 0; i < dl__quote_cue_count; i++) {
    const char *f = dl__quote_cues[i].form;
    T_OK(dl__strtab_find(&x->qwords, f, strlen(f), &v));
    T_EQ_INT(v >> DL__QW_CUE_SHIFT, i + 1);
    T_OK(dl__quote_cue_find(f, strlen(f)) == &dl__quote_cues[i]);
  }
  for (size_t i = 0; i < dl__quote_noun_count; i++) {
    const char *f = dl__quote_nouns[i];
    T_OK(dl__strtab_find(&x->qwords, f, strlen(f), &v) && (v & DL__QW_NOUN));
  }
  T_OK(dl__strtab_find(&x->qwords, "the", 3, &v));
  T_OK((v & DL__QW_DETS) && (v & DL__QW_NOUN_DETS) && !(v & DL__QW_NOUN));
  T_OK(dl__strtab_find(&x->qwords, "n't", 3, &v));
  T_OK((v & DL__QW_STOPS) && (v & DL__QW_AUX));
  T_OK(dl__strtab_find(&x->qwords, "said", 4, &v));
  T_OK((v & DL__QW_STOPS) && (v >> DL__QW_CUE_SHIFT));
  T_OK(!dl__strtab_find(&x->qwords, "table", 5, &v));
  T_OK(!dl__strtab_find(&x->qwords, "The", 3, &v)); /* keys: lower case */
  T_OK(!dl__strtab_find(&x->qwords, "th", 2, &v));   /* a prefix */
  dl__lex_free(NULL, x);
}

static void t_strtab_or(void)
{
  struct dl__strtab t;
  uint32_t v = 0;
  T_OK(dl__strtab_init(&t, NULL, 4));
  T_OK(dl__strtab_add(&t, "a", 1, 1));
  T_OK(dl__strtab_add(&t, "ab", 2, 2));
  T_OK(dl__strtab_add(&t, "a", 1, 4));
  T_OK(dl__strtab_find(&t, "a", 1, &v));
  T_EQ_INT(v, 5);
  T_OK(dl__strtab_find(&t, "ab", 2, &v));
  T_EQ_INT(v, 2);
  T_OK(!dl__strtab_find(&t, "b", 1, &v));
  T_OK(!dl__strtab_find(&t, "abc", 3, &v));
  dl__strtab_free(&t, NULL);
}

static const t_case cases[] = {
    {"roles_all", t_roles_all},
    {"quote_words", t_quote_words},
    {"strtab_or", t_strtab_or},
    {NULL, NULL},
};
T_MAIN(cases)
