/*
** test_geo.c -- the place gazetteer and the geo stage: lookup keys, the
** Karlov article's places and focus, "Paris, Texas", context for an
** ambiguous name, and bad input (one-letter names, 10,000 place names in
** one sentence, coordinates, a damaged gazetteer file).
**
** Runs from the top of the checkout (tests/run.sh does). Without
** models/geo.bin the document cases print a note and pass.
*/
#include "geo.h"
#include "t.h"

#include <stdlib.h>

static dl_model *model;
static dl_annotator *annot;
static bool absent;

static bool setup(void)
{
  dl_error err;
  FILE *f;
  if (model || absent) return true;
  f = fopen("models/geo.bin", "rb");
  if (!f) {
    printf("note: models/geo.bin absent; geo checks skipped\n");
    absent = true;
    return true;
  }
  fclose(f);
  if (dl_model_load("models", NULL, &model, &err) != DL_OK) {
    fprintf(stderr, "models: %s\n", err.msg);
    return false;
  }
  if (dl_annotator_create(model, &annot, &err) != DL_OK) return false;
  return true;
}

static dl_doc *annotate(const char *text, size_t len)
{
  dl_input in;
  dl_doc *d = NULL;
  dl_error err;
  memset(&in, 0, sizeof in);
  in.text = text;
  in.len = len;
  if (dl_annotate(annot, &in, DL_FIELD_PLACES | DL_FIELD_ENTITIES, &d,
                  &err) != DL_OK) {
    fprintf(stderr, "annotate: %s\n", err.msg);
    return NULL;
  }
  return d;
}

static const char *iso2(const struct dl__place *p)
{
  return p->info.iso2 ? p->info.iso2 : "";
}

/* The place one of whose mentions is exactly `text`, or NULL. */
static const struct dl__place *by_text(const dl_doc *d, const char *text)
{
  size_t n = strlen(text);
  for (size_t i = 0; i < d->n_places; i++)
    for (uint32_t k = 0; k < d->places[i].n_spans; k++) {
      uint32_t s = d->places[i].spans[2 * k], e = d->places[i].spans[2 * k + 1];
      if (e - s == n && memcmp(d->text + s, text, n) == 0)
        return &d->places[i];
    }
  return NULL;
}

/* The place of the entity named `name`, or NULL. */
static const struct dl__place *by_entity(const dl_doc *d, const char *name)
{
  for (size_t i = 0; i < d->n_places; i++) {
    uint32_t e = d->places[i].ent;
    if (e != DL__GEO_NONE && strcmp(d->entities[e].name, name) == 0)
      return &d->places[i];
  }
  return NULL;
}

static void t_key(void)
{
  char k[DL__GEO_KEY_MAX];
  T_EQ_INT(dl__geo_key("T\xc3\xbcrkiye", 8, k), 7);
  T_EQ_STR(k, "turkiye");
  dl__geo_key("the U.S.", 8, k);
  T_EQ_STR(k, "the us");
  dl__geo_key("C\xc3\xb4te d\xe2\x80\x99Ivoire", 16, k);
  T_EQ_STR(k, "cote d ivoire");
  dl__geo_key("  New   York--City ", 19, k);
  T_EQ_STR(k, "new york city");
  T_EQ_INT(dl__geo_key("...", 3, k), 0);
}

static void t_karlov(void)
{
  char *text;
  size_t len;
  dl_doc *d;
  const struct dl__place *p;
  T_OK(setup());
  if (absent) return;
  text = t_read_file("examples/karlov-funeral.txt", &len);
  T_OK(text);
  d = annotate(text, len);
  free(text);
  T_OK(d);
  T_OK((p = by_text(d, "Moscow")));
  T_EQ_STR(iso2(p), "RU");
  T_EQ_INT(p->info.geonameid, 524901);
  T_OK((p = by_text(d, "Ankara")));
  T_EQ_STR(iso2(p), "TR");
  T_OK((p = by_text(d, "Turkey")));
  T_EQ_STR(iso2(p), "TR");
  T_EQ_INT(p->info.kind, DL__GEO_COUNTRY);
  T_OK((p = by_text(d, "Aleppo")));
  T_EQ_STR(iso2(p), "SY");
  T_OK((p = by_text(d, "Syria")));
  T_EQ_STR(iso2(p), "SY");
  T_OK((p = by_entity(d, "North Korea")));
  T_EQ_STR(iso2(p), "KP");
  T_OK((p = by_entity(d, "South Korea")));
  T_EQ_STR(iso2(p), "KR");
  T_OK((p = by_text(d, "Turkish")));
  T_EQ_STR(iso2(p), "TR");
  T_OK(p->pflags & DL__GEO_P_DEMONYM);
  T_OK((p = by_text(d, "Russian")));
  T_EQ_STR(iso2(p), "RU");
  T_OK(p->pflags & DL__GEO_P_DEMONYM);
  /* "Orthodox" (tagged LOC) is a common word, not a place. */
  T_OK(!by_text(d, "Orthodox"));
  T_EQ_STR(d->focus_iso2, "RU");
  T_OK(d->focus_place != NULL);
  T_EQ_STR(d->focus_place->name, "Moscow");
  dl_doc_destroy(d);
}

static void t_paris_texas(void)
{
  static const char text[] =
      "The band was formed in Paris, Texas, a small town two hours from "
      "Dallas.";
  dl_doc *d;
  const struct dl__place *p;
  T_OK(setup());
  if (absent) return;
  T_OK((d = annotate(text, sizeof text - 1)));
  T_OK((p = by_text(d, "Paris")));
  T_EQ_STR(iso2(p), "US");
  T_EQ_STR(p->info.admin1, "TX");
  dl_doc_destroy(d);
}

static void t_georgia(void)
{
  static const char us[] =
      "The storm hit Atlanta and Savannah on Monday. Officials in Georgia "
      "said thousands of homes in Atlanta lost power, and Florida braced "
      "for the storm.";
  static const char ge[] =
      "Protesters filled the streets of Tbilisi on Monday. Georgia has "
      "accused Russia of occupying its territory since the war with "
      "Moscow in 2008.";
  dl_doc *d;
  const struct dl__place *p;
  T_OK(setup());
  if (absent) return;
  T_OK((d = annotate(us, sizeof us - 1)));
  T_OK((p = by_text(d, "Georgia")));
  T_EQ_STR(iso2(p), "US");
  T_EQ_INT(p->info.kind, DL__GEO_ADMIN1);
  dl_doc_destroy(d);
  T_OK((d = annotate(ge, sizeof ge - 1)));
  T_OK((p = by_text(d, "Georgia")));
  T_EQ_STR(iso2(p), "GE");
  dl_doc_destroy(d);
}

static void t_capital_region(void)
{
  static const char text[] =
      "Shelling resumed in the Syrian capital on Monday, and talks in the "
      "capital of Iraq stalled. Tensions on the Korean Peninsula rose as "
      "Soviet-era weapons were shown.";
  dl_doc *d;
  const struct dl__place *p;
  T_OK(setup());
  if (absent) return;
  T_OK((d = annotate(text, sizeof text - 1)));
  T_OK((p = by_text(d, "Syrian capital")));
  T_EQ_STR(p->info.name, "Damascus");
  T_EQ_STR(iso2(p), "SY");
  T_OK((p = by_text(d, "capital of Iraq")));
  T_EQ_STR(p->info.name, "Baghdad");
  T_OK((p = by_text(d, "Korean Peninsula")));
  T_EQ_INT(p->info.kind, DL__GEO_REGION);
  T_EQ_STR(p->info.countries, "KP KR");
  dl_doc_destroy(d);
}

static void t_bad_one_letter(void)
{
  static const char text[] =
      "A B C D E F G H I J K L M N O P Q R S T U V W X Y Z. I went to A "
      "and then to B.";
  dl_doc *d;
  T_OK(setup());
  if (absent) return;
  T_OK((d = annotate(text, sizeof text - 1)));
  T_EQ_INT(d->n_places, 0);
  dl_doc_destroy(d);
}

static void t_bad_coordinates(void)
{
  static const char text[] =
      "The ship was found at 40.7128\xc2\xb0 N, 74.0060\xc2\xb0 W, or "
      "(51.5074, -0.1278), at 12:00 UTC.";
  dl_doc *d;
  T_OK(setup());
  if (absent) return;
  T_OK((d = annotate(text, sizeof text - 1)));
  /* Numbers are not places: nothing resolved without a name. */
  T_EQ_INT(d->n_places, 0);
  dl_doc_destroy(d);
}

static void t_bad_many_names(void)
{
  static const char *const names[] = {"Paris", "Moscow", "London",
                                      "Springfield", "Georgia", "Lima"};
  size_t cap = 10000 * 16 + 16, len = 0;
  char *text = malloc(cap);
  dl_doc *d;
  T_OK(text);
  T_OK(setup());
  if (absent) {
    free(text);
    return;
  }
  for (int i = 0; i < 10000; i++)
    len += (size_t)snprintf(text + len, cap - len, "%s, ", names[i % 6]);
  text[len - 2] = '.';
  d = annotate(text, len - 1);
  free(text);
  T_OK(d);
  /* One group per name: at most the six names (plus demonyms). */
  T_OK(d->n_places <= 12);
  dl_doc_destroy(d);
}

static void t_bad_file(void)
{
  char dir[] = "/tmp/dl_geo_testXXXXXX", path[64];
  FILE *in, *out;
  char buf[4096];
  size_t n;
  dl_model *m = NULL;
  dl_error err;
  if (!mkdtemp(dir)) return;
  in = fopen("models/geo.bin", "rb");
  if (!in) return;
  snprintf(path, sizeof path, "%s/geo.bin", dir);
  out = fopen(path, "wb");
  T_OK(out);
  /* The header and a few entries only: the sections point past the end. */
  n = fread(buf, 1, sizeof buf, in);
  fwrite(buf, 1, n, out);
  fclose(in);
  fclose(out);
  T_EQ_INT(dl_model_load(dir, NULL, &m, &err), DL_ERR_FORMAT);
  T_OK(m == NULL);
  remove(path);
  remove(dir);
}

/* Resolves the spans of text given as NUL-separated words (each the first
** occurrence of the word in text) with dl_geocode(). */
static bool geocode(const char *text, const char *const *words, size_t n,
                    dl_place *out)
{
  dl_span sp[8];
  dl_error err;
  for (size_t i = 0; i < n && i < 8; i++) {
    const char *p = strstr(text, words[i]);
    if (!p) return false;
    sp[i].start = (size_t)(p - text);
    sp[i].end = sp[i].start + strlen(words[i]);
  }
  return dl_geocode(annot, text, strlen(text), sp, n, out, &err) == DL_OK;
}

/* "La." is Louisiana's AP abbreviation, never LA (Los Angeles), which is
** an acronym matched only in capitals; "L.A." is. */
static void t_acronym_case(void)
{
  static const char text[] = "Police in La. and in L.A. said.";
  static const char *const w[] = {"La.", "L.A."};
  dl_place out[2];
  T_OK(setup());
  if (absent) return;
  T_OK(geocode(text, w, 2, out));
  T_OK(!out[0].name || strcmp(out[0].name, "Los Angeles") != 0);
  T_OK(out[1].name != NULL);
  if (out[1].name) T_EQ_STR(out[1].name, "Los Angeles");
}

/* "Quebec City" is the town, not the province. */
static void t_x_city(void)
{
  static const char text[] = "The summit opened in Quebec City on Friday.";
  static const char *const w[] = {"Quebec City"};
  dl_place out[1];
  T_OK(setup());
  if (absent) return;
  T_OK(geocode(text, w, 1, out));
  T_OK(out[0].feature && strncmp(out[0].feature, "PPL", 3) == 0);
  T_EQ_STR(out[0].country ? out[0].country : "", "CA");
}

/* "in Russia, U.S. officials said": a country followed by a country is a
** list, not "China, Maine". */
static void t_country_list(void)
{
  static const char text[] =
      "His reports on dealings in Russia, U.S. officials said, were "
      "credible.";
  static const char *const w[] = {"Russia", "U.S."};
  dl_place out[2];
  T_OK(setup());
  if (absent) return;
  T_OK(geocode(text, w, 2, out));
  T_EQ_STR(out[0].country ? out[0].country : "", "RU");
  T_EQ_STR(out[0].feature ? out[0].feature : "", "PCLI");
}

/* A span given as a place whose whole is no name resolves by its best
** part, with a lower confidence; a span with no known part stays
** unresolved. */
static void t_part(void)
{
  static const char text[] =
      "The Dubai World Cup and the Zqxwv Fnord were both mentioned.";
  static const char *const w[] = {"Dubai World Cup", "Zqxwv Fnord"};
  dl_place out[2];
  T_OK(setup());
  if (absent) return;
  T_OK(geocode(text, w, 2, out));
  T_EQ_STR(out[0].country ? out[0].country : "", "AE");
  T_OK(out[0].confidence > 0 && out[0].confidence < 0.6);
  T_OK(out[1].name == NULL);
}

/* "Metcalfe County" is the Kentucky county (not a town named Metcalfe),
** "Cook County" near Chicago is Illinois'. */
static void t_county(void)
{
  static const char text[] =
      "Flooding closed roads in Metcalfe County. In Chicago, Cook County "
      "officials met.";
  static const char *const w[] = {"Metcalfe County", "Chicago",
                                  "Cook County"};
  dl_place out[3];
  T_OK(setup());
  if (absent) return;
  T_OK(geocode(text, w, 3, out));
  T_EQ_STR(out[0].feature ? out[0].feature : "", "ADM2");
  T_EQ_STR(out[0].admin1 ? out[0].admin1 : "", "KY");
  T_EQ_STR(out[2].admin1 ? out[2].admin1 : "", "IL");
}

static void t_teardown(void)
{
  dl_annotator_destroy(annot);
  dl_model_destroy(model);
  annot = NULL;
  model = NULL;
}

static const t_case cases[] = {{"key", t_key},
                               {"karlov", t_karlov},
                               {"paris_texas", t_paris_texas},
                               {"georgia", t_georgia},
                               {"capital_region", t_capital_region},
                               {"acronym_case", t_acronym_case},
                               {"x_city", t_x_city},
                               {"country_list", t_country_list},
                               {"part", t_part},
                               {"county", t_county},
                               {"bad_one_letter", t_bad_one_letter},
                               {"bad_coordinates", t_bad_coordinates},
                               {"bad_many_names", t_bad_many_names},
                               {"bad_file", t_bad_file},
                               {"teardown", t_teardown},
                               {NULL, NULL}};
T_MAIN(cases)
