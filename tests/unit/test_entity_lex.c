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
    const struct dl__strslot *s = dl__strtab_find(&x->roles, k, strlen(k));
    T_OK(s);
    T_EQ_INT(s->val, i);
    T_OK(dl__roles_lookup(k, strlen(k)) == dl__roles_at(s->val));
    /* A prefix and an extension of an entry are other keys. */
    if (strlen(k) > 1)
      T_OK((dl__strtab_find(&x->roles, k, strlen(k) - 1) != NULL) ==
           (dl__roles_lookup(k, strlen(k) - 1) != NULL));
  }
  T_OK(!dl__strtab_find(&x->roles, "putin", 5));
  T_OK(!dl__strtab_find(&x->roles, "", 0));
  T_OK(!dl__strtab_find(&x->roles, "prime ministers", 15));
  dl__lex_free(NULL, x);
}

static void t_quote_words(void)
{
  struct dl__lex *x = lex_new();
  const struct dl__strslot *s;
  T_OK(x);
  for (size_t i = 0; i < dl__quote_cue_count; i++) {
    const char *f = dl__quote_cues[i].form;
    s = dl__strtab_find(&x->qwords, f, strlen(f));
    T_OK(s);
    T_EQ_INT(s->val >> DL__QW_CUE_SHIFT, i + 1);
    T_OK(dl__quote_cue_find(f, strlen(f)) == &dl__quote_cues[i]);
  }
  for (size_t i = 0; i < dl__quote_noun_count; i++) {
    const char *f = dl__quote_nouns[i];
    s = dl__strtab_find(&x->qwords, f, strlen(f));
    T_OK(s && (s->val & DL__QW_NOUN));
  }
  s = dl__strtab_find(&x->qwords, "the", 3);
  T_OK(s && (s->val & DL__QW_DETS) && (s->val & DL__QW_NOUN_DETS));
  T_OK(!(s->val & DL__QW_NOUN));
  s = dl__strtab_find(&x->qwords, "n't", 3);
  T_OK(s && (s->val & DL__QW_STOPS) && (s->val & DL__QW_AUX));
  s = dl__strtab_find(&x->qwords, "said", 4);
  T_OK(s && (s->val & DL__QW_STOPS) && (s->val >> DL__QW_CUE_SHIFT));
  T_OK(!dl__strtab_find(&x->qwords, "table", 5));
  T_OK(!dl__strtab_find(&x->qwords, "The", 3)); /* keys are lower case */
  dl__lex_free(NULL, x);
}

static void t_strtab_or(void)
{
  struct dl__strtab t;
  const struct dl__strslot *s;
  T_OK(dl__strtab_init(&t, NULL, 4));
  T_OK(dl__strtab_add(&t, "a", 1, 1));
  T_OK(dl__strtab_add(&t, "ab", 2, 2));
  T_OK(dl__strtab_add(&t, "a", 1, 4));
  s = dl__strtab_find(&t, "a", 1);
  T_OK(s);
  T_EQ_INT(s->val, 5);
  s = dl__strtab_find(&t, "ab", 2);
  T_OK(s);
  T_EQ_INT(s->val, 2);
  T_OK(!dl__strtab_find(&t, "b", 1));
  dl__strtab_free(&t, NULL);
}

static const t_case cases[] = {
    {"roles_all", t_roles_all},
    {"quote_words", t_quote_words},
    {"strtab_or", t_strtab_or},
    {NULL, NULL},
};
T_MAIN(cases)
