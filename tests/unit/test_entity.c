/*
** test_entity.c -- the entity stage on hand-made mentions: clean-up,
** titles and roles, clustering, title-noun links, facilities, salience,
** the JSON record, bad input and an allocation-failure sweep.
**
** Each case annotates a small text for tokens and sentences, sets
** d->mentions by hand (as the NER tagger would) and runs dl__entity_run.
*/
#include "entity.h"
#include "roles.h"
#include "t.h"

#include <jansson.h>
#include <stdlib.h>

/* An allocator that can be told to fail after n more allocations. */
struct failal {
  long left; /* < 0: never fail */
};

static void *fa_malloc(void *ctx, size_t n)
{
  struct failal *f = ctx;
  if (f->left == 0) return NULL;
  if (f->left > 0) f->left--;
  return malloc(n);
}
static void *fa_realloc(void *ctx, void *p, size_t old, size_t n)
{
  struct failal *f = ctx;
  (void)old;
  if (f->left == 0) return NULL;
  if (f->left > 0) f->left--;
  return realloc(p, n);
}
static void fa_free(void *ctx, void *p)
{
  (void)ctx;
  free(p);
}

static struct failal FA = {-1};
static dl_model *M;
static dl_annotator *A;

static void setup(void)
{
  static dl_allocator al = {fa_malloc, fa_realloc, fa_free, &FA};
  dl_options o;
  dl_error err;
  if (A) return;
  memset(&o, 0, sizeof o);
  o.alloc = &al;
  if (dl_model_create_empty(&o, &M, &err) ||
      dl_annotator_create(M, &A, &err)) {
    fprintf(stderr, "setup: %s\n", err.msg);
    exit(1);
  }
}

static dl_doc *doc(const char *text)
{
  dl_input in;
  dl_doc *d = NULL;
  dl_error err;
  setup();
  memset(&in, 0, sizeof in);
  in.text = text;
  in.len = strlen(text);
  if (dl_annotate(A, &in, DL_FIELD_SENTENCES | DL_FIELD_TOKENS, &d, &err))
    return NULL;
  return d;
}

/* Adds a mention over the nth occurrence of needle (tokens it covers). */
static bool men(dl_doc *d, const char *needle, int nth, dl__ent_type type)
{
  const char *p = d->text;
  size_t s, e, ts = 0, te;
  dl__mention *nm;
  for (int k = 0;; k++) {
    p = strstr(p, needle);
    if (!p) return false;
    if (k == nth) break;
    p++;
  }
  s = (size_t)(p - d->text);
  e = s + strlen(needle);
  while (ts < d->n_tokens && d->tokens[ts].end <= s) ts++;
  te = ts;
  while (te < d->n_tokens && d->tokens[te].start < e) te++;
  nm = dl__arena_alloc(&d->arena, (d->n_mentions + 1) * sizeof *nm);
  if (!nm) return false;
  if (d->n_mentions) memcpy(nm, d->mentions, d->n_mentions * sizeof *nm);
  memset(&nm[d->n_mentions], 0, sizeof *nm);
  nm[d->n_mentions].tok_start = (uint32_t)ts;
  nm[d->n_mentions].tok_end = (uint32_t)te;
  nm[d->n_mentions].start = (uint32_t)s;
  nm[d->n_mentions].end = (uint32_t)e;
  nm[d->n_mentions].type = (uint8_t)type;
  nm[d->n_mentions].entity = UINT32_MAX;
  nm[d->n_mentions].score = 0.9f;
  d->mentions = nm;
  d->n_mentions++;
  return true;
}

static dl_status run(dl_doc *d)
{
  dl_error err;
  d->fields_done |= DL_FIELD_ENTITIES;
  return dl__entity_run(A, d, &err);
}

static const dl__entity *ent(const dl_doc *d, const char *name)
{
  for (size_t i = 0; i < d->n_entities; i++)
    if (strcmp(d->entities[i].name, name) == 0) return &d->entities[i];
  return NULL;
}

static int count_named(const dl_doc *d, const char *name)
{
  int n = 0;
  for (size_t i = 0; i < d->n_entities; i++)
    if (strcmp(d->entities[i].name, name) == 0) n++;
  return n;
}

/* The text of mention k of entity e. */
static const char *mtext(const dl_doc *d, const dl__entity *e, uint32_t k,
                         char *buf, size_t cap)
{
  const dl__mention *m = &d->mentions[e->mentions[k]];
  size_t n = m->end - m->start;
  if (n >= cap) n = cap - 1;
  memcpy(buf, d->text + m->start, n);
  buf[n] = 0;
  return buf;
}

static const char *role_span_text(const dl_doc *d, const dl__role *r,
                                  char *buf, size_t cap)
{
  size_t n = r->end - r->start;
  if (n >= cap) n = cap - 1;
  memcpy(buf, d->text + r->start, n);
  buf[n] = 0;
  return buf;
}

static bool has_role(const dl__entity *e, const char *text)
{
  for (uint32_t i = 0; i < e->n_roles; i++)
    if (strcmp(e->roles[i].text, text) == 0) return true;
  return false;
}

/* ====================================================================
** Clean-up and clustering
** ==================================================================== */

static void t_possessive_cluster(void)
{
  char b[64];
  dl_doc *d = doc("Vladimir Putin spoke on Thursday. Putin said no. "
                  "Putin's aide left. Reporters' questions went unanswered.");
  const dl__entity *e;
  T_OK(d);
  T_OK(men(d, "Vladimir Putin", 0, DL__ENT_PER));
  T_OK(men(d, "Putin", 1, DL__ENT_PER));
  T_OK(men(d, "Putin's", 0, DL__ENT_PER)); /* possessive inside */
  T_EQ_INT(run(d), DL_OK);
  T_EQ_INT(d->n_entities, 1);
  e = ent(d, "Vladimir Putin");
  T_OK(e);
  T_EQ_INT(e->type, DL__ENT_PER);
  T_EQ_INT(e->n_mentions, 3);
  T_EQ_STR(mtext(d, e, 2, b, sizeof b), "Putin");
  T_OK(d->mentions[e->mentions[2]].flags & DL__MEN_POSSESSIVE);
  T_OK(!(d->mentions[e->mentions[0]].flags & DL__MEN_POSSESSIVE));
  for (uint32_t k = 0; k < e->n_mentions; k++)
    T_EQ_INT(d->mentions[e->mentions[k]].entity, 0);
  dl_doc_destroy(d);
}

static void t_possessive_after(void)
{
  char b[64];
  /* The tagger left 's outside; the mention is flagged possessive. */
  dl_doc *d = doc("Andrei Karlov's killing shocked Moscow. Karlov was 62. "
                  "Reuters' reporter and the Kremlin\xE2\x80\x99s aide came.");
  const dl__entity *e;
  T_OK(d);
  T_OK(men(d, "Andrei Karlov", 0, DL__ENT_PER));
  T_OK(men(d, "Karlov", 1, DL__ENT_PER));
  T_OK(men(d, "Reuters'", 0, DL__ENT_ORG));
  T_OK(men(d, "the Kremlin\xE2\x80\x99s", 0, DL__ENT_ORG));
  T_EQ_INT(run(d), DL_OK);
  e = ent(d, "Andrei Karlov");
  T_OK(e);
  T_EQ_INT(e->n_mentions, 2);
  T_OK(d->mentions[e->mentions[0]].flags & DL__MEN_POSSESSIVE);
  e = ent(d, "Reuters");
  T_OK(e);
  T_EQ_STR(mtext(d, e, 0, b, sizeof b), "Reuters");
  e = ent(d, "Kremlin");
  T_OK(e);
  T_EQ_STR(mtext(d, e, 0, b, sizeof b), "Kremlin");
  T_OK(d->mentions[e->mentions[0]].flags & DL__MEN_POSSESSIVE);
  dl_doc_destroy(d);
}

static void t_last_first_name(void)
{
  dl_doc *d = doc("Karlov arrived first. Andrei Karlov was a diplomat. "
                  "Turkish authorities named Mevlut Mert Altintas. Altintas "
                  "was 22. Mert Altintas had worked for police. Andrei smiled.");
  const dl__entity *e;
  T_OK(d);
  T_OK(men(d, "Karlov", 0, DL__ENT_PER));
  T_OK(men(d, "Andrei Karlov", 0, DL__ENT_PER));
  T_OK(men(d, "Mevlut Mert Altintas", 0, DL__ENT_PER));
  T_OK(men(d, "Altintas", 1, DL__ENT_PER));
  T_OK(men(d, "Mert Altintas", 1, DL__ENT_PER));
  T_OK(men(d, "Andrei", 1, DL__ENT_PER));
  T_EQ_INT(run(d), DL_OK);
  T_EQ_INT(d->n_entities, 2);
  e = ent(d, "Andrei Karlov");
  T_OK(e);
  T_EQ_INT(e->n_mentions, 3); /* later long form; first name */
  T_OK(d->entities == e);     /* e1: first mention is "Karlov" */
  e = ent(d, "Mevlut Mert Altintas");
  T_OK(e);
  T_EQ_INT(e->n_mentions, 3);
  dl_doc_destroy(d);
}

static void t_acronym_exact(void)
{
  dl_doc *d = doc("The European Union and the United States met. The EU "
                  "said the U.S. agreed. The Foreign Ministry and the foreign "
                  "ministry building. FOREIGN MINISTRY.");
  const dl__entity *e;
  T_OK(d);
  T_OK(men(d, "European Union", 0, DL__ENT_ORG));
  T_OK(men(d, "United States", 0, DL__ENT_LOC));
  T_OK(men(d, "EU", 0, DL__ENT_ORG));
  T_OK(men(d, "U.S.", 0, DL__ENT_LOC));
  T_OK(men(d, "Foreign Ministry", 0, DL__ENT_ORG));
  T_OK(men(d, "foreign ministry", 0, DL__ENT_ORG));
  T_OK(men(d, "FOREIGN MINISTRY", 0, DL__ENT_ORG));
  T_EQ_INT(run(d), DL_OK);
  T_EQ_INT(d->n_entities, 3);
  e = ent(d, "European Union");
  T_OK(e);
  T_EQ_INT(e->n_mentions, 2);
  e = ent(d, "United States");
  T_OK(e);
  T_EQ_INT(e->n_mentions, 2);
  e = ent(d, "Foreign Ministry"); /* mixed case preferred to capitals */
  T_OK(e);
  T_EQ_INT(e->n_mentions, 3);
  dl_doc_destroy(d);
}

static void t_type_majority(void)
{
  dl_doc *d = doc("Gulen denies it. Gulen lives in Pennsylvania. Gulen "
                  "is a cleric. Apple rose. Apple fell. Apple grew.");
  T_OK(d);
  T_OK(men(d, "Gulen", 0, DL__ENT_PER));
  T_OK(men(d, "Gulen", 1, DL__ENT_ORG));
  T_OK(men(d, "Gulen", 2, DL__ENT_PER));
  T_OK(men(d, "Pennsylvania", 0, DL__ENT_LOC));
  T_OK(men(d, "Apple", 0, DL__ENT_ORG));
  T_OK(men(d, "Apple", 1, DL__ENT_ORG));
  T_OK(men(d, "Apple", 2, DL__ENT_PER));
  T_EQ_INT(run(d), DL_OK);
  T_EQ_INT(d->n_entities, 3);
  T_OK(ent(d, "Gulen"));
  T_EQ_INT(ent(d, "Gulen")->type, DL__ENT_PER);
  T_EQ_INT(ent(d, "Gulen")->n_mentions, 3);
  T_EQ_INT(ent(d, "Apple")->type, DL__ENT_ORG);
  dl_doc_destroy(d);
}

static void t_cross_type_surname(void)
{
  /* A PER long form takes a one-word ORG/MISC short form (tagger type
  ** noise) but never a LOC one: Washington the city stays a city. */
  dl_doc *d = doc("Fethullah Gulen spoke. Gulen denies it. George Washington "
                  "was president. Washington is a city.");
  T_OK(d);
  T_OK(men(d, "Fethullah Gulen", 0, DL__ENT_PER));
  T_OK(men(d, "Gulen", 1, DL__ENT_ORG));
  T_OK(men(d, "George Washington", 0, DL__ENT_PER));
  T_OK(men(d, "Washington", 1, DL__ENT_LOC));
  T_EQ_INT(run(d), DL_OK);
  T_EQ_INT(d->n_entities, 3);
  T_EQ_INT(ent(d, "Fethullah Gulen")->n_mentions, 2);
  T_EQ_INT(ent(d, "Fethullah Gulen")->type, DL__ENT_PER);
  T_OK(ent(d, "Washington"));
  T_EQ_INT(ent(d, "Washington")->type, DL__ENT_LOC);
  dl_doc_destroy(d);
}

static void t_two_smiths(void)
{
  char b[64];
  dl_doc *d = doc("John Smith met Mary Smith in Paris. Smith said hello. "
                  "Then John Smith left. Smith laughed. Smith cried.");
  const dl__entity *john, *mary;
  T_OK(d);
  T_OK(men(d, "John Smith", 0, DL__ENT_PER));
  T_OK(men(d, "Mary Smith", 0, DL__ENT_PER));
  T_OK(men(d, "Paris", 0, DL__ENT_LOC));
  T_OK(men(d, "Smith", 2, DL__ENT_PER)); /* "Smith said" */
  T_OK(men(d, "John Smith", 1, DL__ENT_PER));
  T_OK(men(d, "Smith", 4, DL__ENT_PER)); /* "Smith laughed" */
  T_OK(men(d, "Smith", 5, DL__ENT_PER));
  T_EQ_INT(run(d), DL_OK);
  john = ent(d, "John Smith");
  mary = ent(d, "Mary Smith");
  T_OK(john && mary);
  T_EQ_INT(mary->n_mentions, 2); /* "Smith said": most recent is Mary */
  T_OK(d->mentions[mary->mentions[1]].start ==
       (uint32_t)(strstr(d->text, "Smith said") - d->text));
  T_EQ_STR(mtext(d, mary, 1, b, sizeof b), "Smith");
  T_EQ_INT(john->n_mentions, 4); /* after "John Smith left": John */
  dl_doc_destroy(d);
}

/* ====================================================================
** Titles and roles
** ==================================================================== */

static void t_titles_in_mention(void)
{
  char b[96];
  dl_doc *d = doc("Prime Minister Dmitry Medvedev and Foreign Minister Sergei "
                  "Lavrov laid flowers. Patriarch Kirill led. President "
                  "Tayyip Erdogan blamed Mr. Smith and Gen. Jones. "
                  "Martin Luther King spoke. Secretary of State John Kerry "
                  "came. Medvedev left.");
  const dl__entity *e;
  T_OK(d);
  T_OK(men(d, "Prime Minister Dmitry Medvedev", 0, DL__ENT_PER));
  T_OK(men(d, "Foreign Minister Sergei Lavrov", 0, DL__ENT_PER));
  T_OK(men(d, "Patriarch Kirill", 0, DL__ENT_PER));
  T_OK(men(d, "President Tayyip Erdogan", 0, DL__ENT_PER));
  T_OK(men(d, "Mr. Smith", 0, DL__ENT_PER));
  T_OK(men(d, "Gen. Jones", 0, DL__ENT_PER));
  T_OK(men(d, "Martin Luther King", 0, DL__ENT_PER));
  T_OK(men(d, "Secretary of State John Kerry", 0, DL__ENT_PER));
  T_OK(men(d, "Medvedev", 1, DL__ENT_PER));
  T_EQ_INT(run(d), DL_OK);
  T_EQ_INT(d->n_entities, 8);
  e = ent(d, "Dmitry Medvedev");
  T_OK(e);
  T_EQ_INT(e->n_mentions, 2);
  T_EQ_STR(mtext(d, e, 0, b, sizeof b), "Dmitry Medvedev");
  T_EQ_INT(e->n_roles, 1);
  T_EQ_STR(e->roles[0].text, "Prime Minister");
  T_EQ_STR(role_span_text(d, &e->roles[0], b, sizeof b), "Prime Minister");
  e = ent(d, "Sergei Lavrov");
  T_OK(e && has_role(e, "Foreign Minister"));
  e = ent(d, "Kirill");
  T_OK(e && has_role(e, "Patriarch"));
  e = ent(d, "Tayyip Erdogan");
  T_OK(e && has_role(e, "President"));
  e = ent(d, "Smith");
  T_OK(e && has_role(e, "Mr."));
  e = ent(d, "Jones");
  T_OK(e && has_role(e, "Gen."));
  e = ent(d, "Martin Luther King"); /* a name that ends in a title word */
  T_OK(e);
  T_EQ_INT(e->n_roles, 0);
  e = ent(d, "John Kerry");
  T_OK(e && has_role(e, "Secretary of State"));
  dl_doc_destroy(d);
}

static void t_roles_before(void)
{
  char b[96];
  dl_doc *d = doc("Russian President Vladimir Putin met Kremlin spokesman "
                  "Dmitry Peskov. The network of Muslim cleric Fethullah "
                  "Gulen was blamed. Russia's Foreign Minister Sergei Lavrov "
                  "spoke. On Thursday Alexei Nikolsky took photos.");
  const dl__entity *e;
  T_OK(d);
  T_OK(men(d, "Russian", 0, DL__ENT_MISC));
  T_OK(men(d, "Vladimir Putin", 0, DL__ENT_PER));
  T_OK(men(d, "Kremlin", 0, DL__ENT_ORG));
  T_OK(men(d, "Dmitry Peskov", 0, DL__ENT_PER));
  T_OK(men(d, "Muslim", 0, DL__ENT_MISC));
  T_OK(men(d, "Fethullah Gulen", 0, DL__ENT_PER));
  T_OK(men(d, "Russia", 1, DL__ENT_LOC));
  T_OK(men(d, "Sergei Lavrov", 0, DL__ENT_PER));
  T_OK(men(d, "Alexei Nikolsky", 0, DL__ENT_PER));
  T_EQ_INT(run(d), DL_OK);
  e = ent(d, "Vladimir Putin");
  T_OK(e);
  T_EQ_INT(e->n_roles, 1);
  T_EQ_STR(e->roles[0].text, "Russian President");
  T_EQ_STR(role_span_text(d, &e->roles[0], b, sizeof b), "Russian President");
  e = ent(d, "Dmitry Peskov");
  T_OK(e && has_role(e, "Kremlin spokesman"));
  e = ent(d, "Fethullah Gulen");
  T_OK(e && has_role(e, "Muslim cleric"));
  e = ent(d, "Sergei Lavrov");
  T_OK(e && has_role(e, "Russia's Foreign Minister"));
  e = ent(d, "Alexei Nikolsky");
  T_OK(e);
  T_EQ_INT(e->n_roles, 0); /* "On Thursday" is no role */
  dl_doc_destroy(d);
}

static void t_appositives(void)
{
  dl_doc *d = doc("Proceedings moved to the cathedral where the head of the "
                  "Russian Orthodox Church, Patriarch Kirill, led a ceremony. "
                  "Sergei Lavrov, Russia's foreign minister, said it was "
                  "terror. Turkish authorities identified the assassin as "
                  "Mevlut Mert Altintas, 22, who had worked for police.");
  const dl__entity *e;
  T_OK(d);
  T_OK(men(d, "Russian Orthodox Church", 0, DL__ENT_ORG));
  T_OK(men(d, "Kirill", 0, DL__ENT_PER));
  T_OK(men(d, "Sergei Lavrov", 0, DL__ENT_PER));
  T_OK(men(d, "Russia", 1, DL__ENT_LOC));
  T_OK(men(d, "Turkish", 0, DL__ENT_MISC));
  T_OK(men(d, "Mevlut Mert Altintas", 0, DL__ENT_PER));
  T_EQ_INT(run(d), DL_OK);
  e = ent(d, "Kirill");
  T_OK(e);
  T_OK(has_role(e, "Patriarch"));
  T_OK(has_role(e, "head of the Russian Orthodox Church"));
  e = ent(d, "Sergei Lavrov");
  T_OK(e && has_role(e, "Russia's foreign minister"));
  e = ent(d, "Mevlut Mert Altintas");
  T_OK(e);
  T_EQ_INT(e->n_roles, 0);
  dl_doc_destroy(d);
}

static void t_title_noun_link(void)
{
  char b[64];
  dl_doc *d = doc("Russia's president promised retribution. President "
                  "Putin spoke. Erdogan listened. The president said no. "
                  "The president's aides agreed.");
  const dl__entity *e;
  T_OK(d);
  T_OK(men(d, "Russia", 0, DL__ENT_LOC));
  T_OK(men(d, "President Putin", 0, DL__ENT_PER));
  T_OK(men(d, "Erdogan", 0, DL__ENT_PER));
  T_EQ_INT(run(d), DL_OK);
  e = ent(d, "Putin");
  T_OK(e);
  /* Not the first "president" (nobody held the title yet). */
  T_EQ_INT(e->n_mentions, 3);
  T_EQ_STR(mtext(d, e, 1, b, sizeof b), "president");
  T_OK(d->mentions[e->mentions[1]].flags & DL__MEN_NOMINAL);
  T_EQ_STR(mtext(d, e, 2, b, sizeof b), "president");
  T_EQ_INT(ent(d, "Erdogan")->n_mentions, 1);
  dl_doc_destroy(d);
}

static void t_elegant_variation(void)
{
  char b[64];
  dl_doc *d = doc("Vladimir Putin was among the mourners. Russia's president "
                  "promised retribution. Sergei Lavrov, the foreign minister, "
                  "spoke. The president listened.");
  const dl__entity *e;
  T_OK(d);
  T_OK(men(d, "Vladimir Putin", 0, DL__ENT_PER));
  T_OK(men(d, "Russia", 0, DL__ENT_LOC));
  T_OK(men(d, "Sergei Lavrov", 0, DL__ENT_PER));
  T_EQ_INT(run(d), DL_OK);
  e = ent(d, "Vladimir Putin");
  T_OK(e);
  /* The subject of the sentence before, untitled, is Russia's president;
  ** Lavrov, subject before "The president", holds another title. Yet
  ** Putin now holds "president", so the second one is his too. */
  T_EQ_INT(e->n_mentions, 3);
  T_EQ_STR(mtext(d, e, 1, b, sizeof b), "president");
  T_OK(d->mentions[e->mentions[1]].flags & DL__MEN_NOMINAL);
  T_EQ_INT(ent(d, "Sergei Lavrov")->n_mentions, 1);
  dl_doc_destroy(d);
  d = doc("Sergei Lavrov, the foreign minister, spoke. The president "
          "listened.");
  T_OK(d);
  T_OK(men(d, "Sergei Lavrov", 0, DL__ENT_PER));
  T_EQ_INT(run(d), DL_OK);
  T_EQ_INT(d->n_entities, 1);
  T_EQ_INT(d->entities[0].n_mentions, 1); /* not the president */
  dl_doc_destroy(d);
}

static void t_title_only(void)
{
  dl_doc *d = doc("The Pope arrived. Stephen King wrote. King said yes. "
                  "The president said. The Pope left.");
  const dl__entity *e;
  T_OK(d);
  T_OK(men(d, "The Pope", 0, DL__ENT_PER));
  T_OK(men(d, "Stephen King", 0, DL__ENT_PER));
  T_OK(men(d, "King", 1, DL__ENT_PER));
  T_OK(men(d, "president", 0, DL__ENT_PER)); /* nobody holds it: dropped */
  T_OK(men(d, "Pope", 1, DL__ENT_PER));
  T_EQ_INT(run(d), DL_OK);
  T_EQ_INT(d->n_entities, 2);
  e = ent(d, "Pope");
  T_OK(e);
  T_EQ_INT(e->n_mentions, 2);
  e = ent(d, "Stephen King");
  T_OK(e);
  T_EQ_INT(e->n_mentions, 2);
  dl_doc_destroy(d);
}

static void t_only_junk(void)
{
  /* A mention of nothing but a possessive or punctuation is dropped. */
  dl_doc *d = doc("It was Moscow 's day , \" really .");
  T_OK(d);
  T_OK(men(d, "'s", 0, DL__ENT_PER));
  T_OK(men(d, ",", 0, DL__ENT_ORG));
  T_OK(men(d, "\"", 0, DL__ENT_LOC));
  T_EQ_INT(run(d), DL_OK);
  for (size_t i = 0; i < d->n_entities; i++)
    fprintf(stderr, "junk entity: [%s]\n", d->entities[i].name);
  T_EQ_INT(d->n_entities, 0);
  T_EQ_INT(d->n_mentions, 0);
  dl_doc_destroy(d);
}

static void t_edge_dots(void)
{
  char b[64];
  dl_doc *d = doc("Shares of Warner Bros. rose. They run Mac OS X. "
                  "Fans of BYODKM... cheered at the Foreign Ministry. R&D "
                  "rose & fell. Go to Netherlands (aka Holland) now.");
  T_OK(d);
  T_OK(men(d, "Warner Bros.", 0, DL__ENT_ORG));
  T_OK(men(d, "Mac OS X.", 0, DL__ENT_MISC));
  T_OK(men(d, "BYODKM...", 0, DL__ENT_ORG));
  T_OK(men(d, "Foreign Ministry.", 0, DL__ENT_ORG));
  T_OK(men(d, "&", 1, DL__ENT_MISC));
  T_OK(men(d, "Netherlands (aka", 0, DL__ENT_LOC));
  T_EQ_INT(run(d), DL_OK);
  T_EQ_INT(d->n_entities, 5);
  T_OK(ent(d, "Netherlands"));
  T_OK(ent(d, "Warner Bros."));
  T_OK(ent(d, "Mac OS X."));
  T_OK(ent(d, "BYODKM"));
  T_OK(ent(d, "Foreign Ministry"));
  T_EQ_STR(mtext(d, ent(d, "Foreign Ministry"), 0, b, sizeof b),
           "Foreign Ministry");
  dl_doc_destroy(d);
}

static void t_no_mentions_json(void)
{
  char *js = NULL;
  dl_doc *d = doc("Nothing to see here.");
  T_OK(d);
  T_EQ_INT(run(d), DL_OK);
  T_EQ_INT(d->n_entities, 0);
  /* Without a tagger the field is absent, never faked. */
  T_EQ_INT(dl_doc_to_json(d, 0, DL_FIELD_ENTITIES, &js, NULL), DL_OK);
  T_OK(strstr(js, "entities") == NULL);
  dl_free(js);
  dl_doc_destroy(d);
}

/* ====================================================================
** Facilities, ellipsis, scripts
** ==================================================================== */

static void t_facility(void)
{
  dl_doc *d = doc("Proceedings moved to Moscow's gold-domed Christ the "
                  "Saviour Cathedral later. Fans filled Wembley Stadium. "
                  "The Russian Orthodox Church blessed them.");
  const dl__entity *e;
  T_OK(d);
  T_OK(men(d, "Moscow", 0, DL__ENT_LOC));
  T_OK(men(d, "Christ", 0, DL__ENT_PER));
  T_OK(men(d, "Saviour Cathedral", 0, DL__ENT_LOC));
  T_OK(men(d, "Wembley Stadium", 0, DL__ENT_ORG));
  T_OK(men(d, "Russian Orthodox Church", 0, DL__ENT_ORG));
  T_EQ_INT(run(d), DL_OK);
  T_EQ_INT(d->n_entities, 4);
  e = ent(d, "Christ the Saviour Cathedral");
  T_OK(e);
  T_EQ_INT(e->type, DL__ENT_FAC);
  T_EQ_INT(ent(d, "Wembley Stadium")->type, DL__ENT_FAC);
  T_EQ_INT(ent(d, "Russian Orthodox Church")->type, DL__ENT_ORG);
  T_EQ_INT(ent(d, "Moscow")->type, DL__ENT_LOC);
  dl_doc_destroy(d);
}

static void t_facility_right(void)
{
  dl_doc *d = doc("They met at Christ the Saviour Cathedral on Sunday.");
  T_OK(d);
  T_OK(men(d, "Christ the Saviour", 0, DL__ENT_MISC));
  T_EQ_INT(run(d), DL_OK);
  T_EQ_INT(d->n_entities, 1);
  T_OK(ent(d, "Christ the Saviour Cathedral"));
  T_EQ_INT(d->entities[0].type, DL__ENT_FAC);
  dl_doc_destroy(d);
}

static void t_ellipsis(void)
{
  char b[64];
  dl_doc *d = doc("He worked in North and South Korea and was sent to "
                  "Turkey. East and West Germany merged.");
  const dl__entity *e;
  T_OK(d);
  T_OK(men(d, "South Korea", 0, DL__ENT_LOC));
  T_OK(men(d, "Turkey", 0, DL__ENT_LOC));
  T_OK(men(d, "East and West Germany", 0, DL__ENT_LOC));
  T_EQ_INT(run(d), DL_OK);
  T_EQ_INT(d->n_entities, 5);
  e = ent(d, "North Korea");
  T_OK(e);
  T_EQ_INT(e->type, DL__ENT_LOC);
  T_EQ_STR(mtext(d, e, 0, b, sizeof b), "North");
  T_OK(ent(d, "South Korea"));
  T_OK(d->entities[0].name == ent(d, "North Korea")->name);
  e = ent(d, "East Germany");
  T_OK(e);
  T_EQ_STR(mtext(d, e, 0, b, sizeof b), "East");
  e = ent(d, "West Germany");
  T_OK(e);
  T_EQ_STR(mtext(d, e, 0, b, sizeof b), "West Germany");
  dl_doc_destroy(d);
}

static void t_non_latin(void)
{
  dl_doc *d = doc("\xD0\x92\xD0\xBB\xD0\xB0\xD0\xB4\xD0\xB8\xD0\xBC\xD0\xB8"
                  "\xD1\x80 \xD0\x9F\xD1\x83\xD1\x82\xD0\xB8\xD0\xBD spoke. "
                  "\xD0\x9F\xD1\x83\xD1\x82\xD0\xB8\xD0\xBD\xE2\x80\x99s aide "
                  "met \xE7\xBF\x92\xE8\xBF\x91\xE5\xB9\xB3 in "
                  "\xE5\x8C\x97\xE4\xBA\xAC. \xE7\xBF\x92\xE8\xBF\x91"
                  "\xE5\xB9\xB3 left.");
  const dl__entity *e;
  T_OK(d);
  T_OK(men(d, "\xD0\x92\xD0\xBB\xD0\xB0\xD0\xB4\xD0\xB8\xD0\xBC\xD0\xB8\xD1"
              "\x80 \xD0\x9F\xD1\x83\xD1\x82\xD0\xB8\xD0\xBD",
           0, DL__ENT_PER));
  T_OK(men(d, "\xD0\x9F\xD1\x83\xD1\x82\xD0\xB8\xD0\xBD\xE2\x80\x99s", 0,
           DL__ENT_PER));
  T_OK(men(d, "\xE7\xBF\x92\xE8\xBF\x91\xE5\xB9\xB3", 0, DL__ENT_PER));
  T_OK(men(d, "\xE5\x8C\x97\xE4\xBA\xAC", 0, DL__ENT_LOC));
  T_OK(men(d, "\xE7\xBF\x92\xE8\xBF\x91\xE5\xB9\xB3", 1, DL__ENT_PER));
  T_EQ_INT(run(d), DL_OK);
  T_EQ_INT(d->n_entities, 3);
  e = ent(d, "\xD0\x92\xD0\xBB\xD0\xB0\xD0\xB4\xD0\xB8\xD0\xBC\xD0\xB8\xD1"
             "\x80 \xD0\x9F\xD1\x83\xD1\x82\xD0\xB8\xD0\xBD");
  T_OK(e);
  T_EQ_INT(e->n_mentions, 2);
  T_OK(d->mentions[e->mentions[1]].flags & DL__MEN_POSSESSIVE);
  e = ent(d, "\xE7\xBF\x92\xE8\xBF\x91\xE5\xB9\xB3");
  T_OK(e);
  T_EQ_INT(e->n_mentions, 2);
  dl_doc_destroy(d);
}

static void t_display_normalized(void)
{
  dl_doc *d = doc("Vladimir \n  Putin met O\xE2\x80\x99" "Brien. O'Brien left.");
  T_OK(d);
  T_OK(men(d, "Vladimir \n  Putin", 0, DL__ENT_PER));
  T_OK(men(d, "O\xE2\x80\x99" "Brien", 0, DL__ENT_PER));
  T_OK(men(d, "O'Brien", 0, DL__ENT_PER));
  T_EQ_INT(run(d), DL_OK);
  T_OK(ent(d, "Vladimir Putin"));
  T_EQ_INT(count_named(d, "O'Brien"), 1);
  T_EQ_INT(ent(d, "O'Brien")->n_mentions, 2);
  dl_doc_destroy(d);
}

/* ====================================================================
** Repairs of common tagger errors
** ==================================================================== */

static void t_tagger_repairs(void)
{
  char b[64];
  dl_doc *d = doc("Police identified the assassin as Mevlut Mert Altintas. "
                  "Later the Shadow Secretary, Theresa May, spoke. The head of "
                  "the Russian Orthodox Church led prayers. Liam Fox, Tory "
                  "co-chairman, said the Tory co-chairman was busy. In Paris "
                  "Monday Smith spoke.");
  const dl__entity *e;
  T_OK(d);
  T_OK(men(d, "Mert Altintas", 0, DL__ENT_PER)); /* missed "Mevlut" */
  T_OK(men(d, "Theresa", 0, DL__ENT_PER));       /* missed "May" */
  T_OK(men(d, "Russian", 0, DL__ENT_MISC));      /* split ORG */
  T_OK(men(d, "Orthodox Church", 0, DL__ENT_PER));
  T_OK(men(d, "Liam Fox", 0, DL__ENT_PER));
  T_OK(men(d, "Tory co-chairman", 1, DL__ENT_PER)); /* a title as PER */
  T_OK(men(d, "Paris", 0, DL__ENT_LOC));
  T_OK(men(d, "Smith", 0, DL__ENT_PER)); /* "Monday" is not a name */
  T_EQ_INT(run(d), DL_OK);
  T_OK(ent(d, "Mevlut Mert Altintas"));
  e = ent(d, "Theresa May");
  T_OK(e);
  T_OK(has_role(e, "Shadow Secretary"));
  e = ent(d, "Russian Orthodox Church");
  T_OK(e);
  T_EQ_INT(e->type, DL__ENT_ORG);
  T_OK(!ent(d, "Russian"));
  e = ent(d, "Liam Fox");
  T_OK(e);
  T_OK(has_role(e, "Tory co-chairman"));
  T_EQ_INT(e->n_mentions, 2);
  T_EQ_STR(mtext(d, e, 1, b, sizeof b), "Tory co-chairman");
  T_OK(ent(d, "Smith"));
  T_OK(ent(d, "Paris"));
  dl_doc_destroy(d);
}

/* ====================================================================
** Salience and JSON
** ==================================================================== */

static void t_salience(void)
{
  dl_doc *d = doc("Putin mourned the envoy. Putin spoke. Karlov was killed "
                  "in Ankara. Putin vowed revenge. Later, Lavrov said "
                  "something about Syria.");
  const dl__entity *putin, *lavrov, *syria;
  T_OK(d);
  T_OK(men(d, "Putin", 0, DL__ENT_PER));
  T_OK(men(d, "Putin", 1, DL__ENT_PER));
  T_OK(men(d, "Karlov", 0, DL__ENT_PER));
  T_OK(men(d, "Ankara", 0, DL__ENT_LOC));
  T_OK(men(d, "Putin", 2, DL__ENT_PER));
  T_OK(men(d, "Lavrov", 0, DL__ENT_PER));
  T_OK(men(d, "Syria", 0, DL__ENT_LOC));
  T_EQ_INT(run(d), DL_OK);
  putin = ent(d, "Putin");
  lavrov = ent(d, "Lavrov");
  syria = ent(d, "Syria");
  T_OK(putin && lavrov && syria);
  T_OK(putin->salience > 0.999f && putin->salience <= 1.0f);
  for (size_t i = 0; i < d->n_entities; i++) {
    T_OK(d->entities[i].salience > 0.0f);
    T_OK(d->entities[i].salience <= putin->salience);
  }
  T_OK(ent(d, "Karlov")->salience > lavrov->salience); /* subject, earlier */
  T_OK(lavrov->salience > syria->salience);            /* subject */
  dl_doc_destroy(d);
}

static void t_json(void)
{
  char *js = NULL;
  json_t *root, *ents, *e1, *e2;
  json_error_t jerr;
  /* é is two bytes: byte and code-point offsets differ after it. */
  dl_doc *d = doc("Caf\xC3\xA9 owner Jos\xC3\xA9 Diaz met Prime Minister "
                  "Dmitry Medvedev. Medvedev smiled at Diaz.");
  T_OK(d);
  T_OK(men(d, "Jos\xC3\xA9 Diaz", 0, DL__ENT_PER));
  T_OK(men(d, "Prime Minister Dmitry Medvedev", 0, DL__ENT_PER));
  T_OK(men(d, "Medvedev", 1, DL__ENT_PER));
  T_OK(men(d, "Diaz", 1, DL__ENT_PER));
  T_EQ_INT(run(d), DL_OK);
  T_EQ_INT(dl_doc_to_json(d, 0, DL_FIELD_ENTITIES, &js, NULL), DL_OK);
  root = json_loads(js, 0, &jerr);
  dl_free(js);
  T_OK(root);
  ents = json_object_get(root, "entities");
  T_EQ_INT(json_array_size(ents), 2);
  e1 = json_array_get(ents, 0);
  e2 = json_array_get(ents, 1);
  T_EQ_STR(json_string_value(json_object_get(e1, "id")), "e1");
  T_EQ_STR(json_string_value(json_object_get(e1, "type")), "PER");
  T_EQ_STR(json_string_value(json_object_get(e1, "name")), "Jos\xC3\xA9 Diaz");
  T_EQ_STR(json_string_value(json_object_get(e2, "id")), "e2");
  T_EQ_STR(json_string_value(json_object_get(e2, "name")), "Dmitry Medvedev");
  T_EQ_INT(json_array_size(json_object_get(e2, "mentions")), 2);
  {
    json_t *r = json_array_get(json_object_get(e2, "roles"), 0);
    json_t *sp = json_object_get(r, "span");
    T_EQ_STR(json_string_value(json_object_get(r, "text")), "Prime Minister");
    T_EQ_INT(json_integer_value(json_object_get(sp, "start")), 27);
    T_EQ_INT(json_integer_value(json_object_get(sp, "end")), 41);
  }
  {
    json_t *sp = json_array_get(json_object_get(e1, "mentions"), 0);
    T_EQ_INT(json_integer_value(json_object_get(sp, "start")), 12);
    T_EQ_INT(json_integer_value(json_object_get(sp, "end")), 22);
  }
  T_OK(json_real_value(json_object_get(e1, "salience")) > 0 ||
       json_integer_value(json_object_get(e1, "salience")) == 1);
  json_decref(root);
  /* Code points. */
  T_EQ_INT(dl_doc_to_json(d, DL_JSON_CHARS, DL_FIELD_ENTITIES, &js, NULL),
           DL_OK);
  root = json_loads(js, 0, &jerr);
  dl_free(js);
  T_OK(root);
  e1 = json_array_get(json_object_get(root, "entities"), 0);
  {
    json_t *sp = json_array_get(json_object_get(e1, "mentions"), 0);
    T_EQ_INT(json_integer_value(json_object_get(sp, "start")), 11);
    T_EQ_INT(json_integer_value(json_object_get(sp, "end")), 20);
  }
  json_decref(root);
  dl_doc_destroy(d);
}

/* ====================================================================
** Bounds and failure
** ==================================================================== */

static void t_many_mentions(void)
{
  /* 100,000 mentions: distinct full names sharing few surnames, short
  ** forms, acronyms. Must finish (no timing is asserted) and stay sane. */
  size_t n = 100000, cap = n * 24, len = 0;
  char *text = malloc(cap);
  dl_doc *d;
  dl__mention *ms;
  T_OK(text);
  for (size_t i = 0; i < n / 2; i++) {
    char first[8];
    size_t k = i, fl = 0;
    do {
      first[fl++] = (char)('a' + k % 26);
      k /= 26;
    } while (k && fl < 6);
    first[0] = (char)(first[0] - 32);
    len += (size_t)snprintf(text + len, cap - len, "%.*s Smith%zu. Smith%zu. ",
                            (int)fl, first, i % 7, i % 7);
  }
  d = doc(text);
  free(text);
  T_OK(d);
  ms = dl__arena_alloc(&d->arena, n * sizeof *ms);
  T_OK(ms);
  {
    size_t m = 0, t = 0;
    while (t < d->n_tokens && m < n) {
      /* Name tokens: the words before the '.' tokens. */
      const char *p = d->text + d->tokens[t].start;
      if (*p >= 'A' && *p <= 'Z' && t + 1 < d->n_tokens) {
        bool full = d->text[d->tokens[t + 1].start] == 'S' &&
                    !(*p == 'S' && p[1] == 'm');
        memset(&ms[m], 0, sizeof ms[m]);
        ms[m].tok_start = (uint32_t)t;
        ms[m].tok_end = (uint32_t)(t + (full ? 2 : 1));
        ms[m].start = d->tokens[t].start;
        ms[m].end = d->tokens[t + (full ? 1 : 0)].end;
        ms[m].type = DL__ENT_PER;
        m++;
        t += full ? 2 : 1;
      } else {
        t++;
      }
    }
    d->mentions = ms;
    d->n_mentions = m;
    T_EQ_INT(m, n);
  }
  T_EQ_INT(run(d), DL_OK);
  T_OK(d->n_entities > 1000);
  for (size_t i = 0; i < d->n_mentions; i++)
    T_OK(d->mentions[i].entity < d->n_entities);
  dl_doc_destroy(d);
}

static void t_oom_sweep(void)
{
  /* Fail allocation 1, 2, 3... inside the stage: each failure is NOMEM and
  ** leaves a document that can still be destroyed (ASan checks leaks). */
  const char *text = "Russian President Vladimir Putin met Prime Minister "
                     "Dmitry Medvedev. The president said Putin's aide, "
                     "the head of the Russian Orthodox Church, Patriarch "
                     "Kirill, visited North and South Korea and the EU.";
  bool done = false;
  for (long k = 0; k < 2000 && !done; k++) {
    dl_doc *d = doc(text);
    dl_error err;
    dl_status rc;
    T_OK(d);
    T_OK(men(d, "Russian", 0, DL__ENT_MISC));
    T_OK(men(d, "Vladimir Putin", 0, DL__ENT_PER));
    T_OK(men(d, "Prime Minister Dmitry Medvedev", 0, DL__ENT_PER));
    T_OK(men(d, "Putin's", 0, DL__ENT_PER));
    T_OK(men(d, "Russian Orthodox Church", 0, DL__ENT_ORG));
    T_OK(men(d, "Kirill", 0, DL__ENT_PER));
    T_OK(men(d, "South Korea", 0, DL__ENT_LOC));
    T_OK(men(d, "EU", 0, DL__ENT_ORG));
    FA.left = k;
    rc = dl__entity_run(A, d, &err);
    FA.left = -1;
    if (rc == DL_OK) {
      done = true;
      T_OK(ent(d, "Vladimir Putin"));
    } else {
      T_EQ_INT(rc, DL_ERR_NOMEM);
    }
    dl_doc_destroy(d);
  }
  T_OK(done);
}

static void t_roles_table_sorted(void)
{
  size_t n = dl__roles_count();
  T_OK(n > 300);
  for (size_t i = 1; i < n; i++) {
    const char *a = dl__roles_at(i - 1)->text, *b = dl__roles_at(i)->text;
    if (strcmp(a, b) >= 0) {
      fprintf(stderr, "roles table out of order: \"%s\" >= \"%s\"\n", a, b);
      T_OK(strcmp(a, b) < 0);
    }
  }
  T_OK(dl__roles_lookup("prime minister", 14));
  T_OK(dl__roles_flags("mr", 2) & DL__ROLE_ABBR);
  T_OK(!dl__roles_lookup("putin", 5));
}

static void t_teardown(void)
{
  dl_annotator_destroy(A);
  dl_model_destroy(M);
  A = NULL;
  M = NULL;
}

static const t_case cases[] = {
    {"possessive_cluster", t_possessive_cluster},
    {"possessive_after", t_possessive_after},
    {"last_first_name", t_last_first_name},
    {"acronym_exact", t_acronym_exact},
    {"type_majority", t_type_majority},
    {"cross_type_surname", t_cross_type_surname},
    {"two_smiths", t_two_smiths},
    {"titles_in_mention", t_titles_in_mention},
    {"roles_before", t_roles_before},
    {"appositives", t_appositives},
    {"title_noun_link", t_title_noun_link},
    {"elegant_variation", t_elegant_variation},
    {"title_only", t_title_only},
    {"only_junk", t_only_junk},
    {"edge_dots", t_edge_dots},
    {"no_mentions_json", t_no_mentions_json},
    {"facility", t_facility},
    {"facility_right", t_facility_right},
    {"ellipsis", t_ellipsis},
    {"non_latin", t_non_latin},
    {"display_normalized", t_display_normalized},
    {"tagger_repairs", t_tagger_repairs},
    {"salience", t_salience},
    {"json", t_json},
    {"many_mentions", t_many_mentions},
    {"oom_sweep", t_oom_sweep},
    {"roles_table_sorted", t_roles_table_sorted},
    {"zz_teardown", t_teardown},
    {NULL, NULL}};

T_MAIN(cases)
