/*
** test_stories.c -- story grouping on constructed records: three events
** interleaved in time are told apart, articles of one event join one
** story whatever their order, an event returning after the window is a
** new story, absent places do not split a story, labels name the top
** entities, place and first date; articles that name no entity (tables
** of results) do not group on their template words.
*/
#include "dateline.h"
#include "t.h"

#include <string.h>

typedef struct art {
  double day;
  const char *ents[4];
  const char *place;
  const char *date;
  const char *words;
} art;

static dl_story_feature feats[64];
static char wbuf[512];

static size_t build(const art *a, dl_story_item *it)
{
  size_t n = 0, at = 0;
  memset(it, 0, sizeof *it);
  it->has_day = a->day >= 0;
  it->day = a->day;
  for (int i = 0; i < 4 && a->ents[i]; i++) {
    feats[n].group = DL_STORY_ENTITY;
    feats[n].key = a->ents[i];
    feats[n].len = strlen(a->ents[i]);
    feats[n++].weight = 1.0 - 0.2 * i;
  }
  if (a->place) {
    feats[n].group = DL_STORY_PLACE;
    feats[n].key = a->place;
    feats[n].len = strlen(a->place);
    feats[n++].weight = 1;
  }
  if (a->date) {
    feats[n].group = DL_STORY_DATE;
    feats[n].key = a->date;
    feats[n].len = strlen(a->date);
    feats[n++].weight = 1;
  }
  /* words: space-separated, keys point into wbuf */
  snprintf(wbuf, sizeof wbuf, "%s", a->words ? a->words : "");
  for (char *p = wbuf; *p;) {
    char *e = strchr(p, ' ');
    size_t l = e ? (size_t)(e - p) : strlen(p);
    feats[n].group = DL_STORY_WORD;
    feats[n].key = p;
    feats[n].len = l;
    feats[n++].weight = 1;
    at += l;
    p += l;
    while (*p == ' ') p++;
  }
  (void)at;
  it->features = feats;
  it->n_features = n;
  return n;
}

/* Day numbers: 17155 is 2016-12-20. */
static const art arts[] = {
    /* A: the Karlov killing, Ankara */
    {17155, {"Andrei Karlov", "Vladimir Putin", "Recep Erdogan", NULL},
     "Ankara", "2016-12-19", "ambassador shot gallery ankara gunman"},
    /* B: a Berlin market attack */
    {17155, {"Anis Amri", "Angela Merkel", NULL, NULL}, "Berlin",
     "2016-12-19", "truck market christmas attack berlin"},
    /* C: a football transfer */
    {17155.5, {"Manchester United", "Jose Mourinho", NULL, NULL},
     "Manchester", NULL, "transfer midfielder club signing fee"},
    {17155.6, {"Andrei Karlov", "Recep Erdogan", NULL, NULL}, NULL,
     "2016-12-19", "ambassador killing investigation ankara police"},
    {17156, {"Anis Amri", "Berlin", NULL, NULL}, "Berlin", NULL,
     "manhunt suspect truck attack police"},
    {17156, {"Jose Mourinho", "Manchester United", NULL, NULL}, NULL, NULL,
     "club midfielder signing transfer window"},
    {17156.2, {"Vladimir Putin", "Andrei Karlov", NULL, NULL}, "Moscow",
     "2016-12-19", "funeral ambassador moscow killing"},
    {17157, {"Angela Merkel", "Anis Amri", NULL, NULL}, "Berlin",
     "2016-12-19", "market attack victims berlin mourn"},
    /* A again, a month later: outside the 3-day window, a new story */
    {17190, {"Andrei Karlov", "Vladimir Putin", NULL, NULL}, "Ankara",
     NULL, "ambassador memorial ankara ceremony"},
};

static void t_grouping(void)
{
  dl_stories *st;
  dl_story_item it;
  dl_story_match m;
  uint64_t story[sizeof arts / sizeof arts[0]];
  size_t n = sizeof arts / sizeof arts[0];
  T_EQ_INT(dl_stories_create(NULL, &st, NULL), DL_OK);
  for (size_t i = 0; i < n; i++) {
    build(&arts[i], &it);
    T_EQ_INT(dl_stories_add(st, &it, &m, NULL), DL_OK);
    story[i] = m.story;
    if (i == 0) {
      T_EQ_INT(m.is_new, 1);
      T_OK(strstr(m.label, "Andrei Karlov") != NULL);
      T_OK(strstr(m.label, "| Ankara |") != NULL);
      T_OK(strstr(m.label, "2016-12-20") != NULL);
    }
  }
  /* Three distinct stories among the first three. */
  T_OK(story[0] != story[1] && story[0] != story[2] && story[1] != story[2]);
  /* Each follow-up joins its own event (one without a place, too). */
  T_EQ_INT(story[3], story[0]);
  T_EQ_INT(story[4], story[1]);
  T_EQ_INT(story[5], story[2]);
  T_EQ_INT(story[6], story[0]);
  T_EQ_INT(story[7], story[1]);
  /* The same people a month later: a new story; the old ones closed. */
  T_OK(story[8] != story[0]);
  T_EQ_INT(dl_stories_active(st), 1);
  dl_stories_destroy(st);
}

static void t_window_and_threshold(void)
{
  dl_stories_options o;
  dl_stories *st;
  dl_story_item it;
  dl_story_match m;
  uint64_t first;
  memset(&o, 0, sizeof o);
  o.window_days = 60; /* a long window: the month-later article joins */
  T_EQ_INT(dl_stories_create(&o, &st, NULL), DL_OK);
  build(&arts[0], &it);
  dl_stories_add(st, &it, &m, NULL);
  first = m.story;
  build(&arts[8], &it);
  dl_stories_add(st, &it, &m, NULL);
  T_EQ_INT(m.story, first);
  T_OK(m.score > 0.35);
  T_EQ_INT(m.size, 2);
  dl_stories_destroy(st);
  /* A threshold of 1: nothing joins anything. */
  o.window_days = 0;
  o.threshold = 1.0;
  T_EQ_INT(dl_stories_create(&o, &st, NULL), DL_OK);
  build(&arts[0], &it);
  dl_stories_add(st, &it, &m, NULL);
  build(&arts[3], &it);
  dl_stories_add(st, &it, &m, NULL);
  T_EQ_INT(m.is_new, 1);
  dl_stories_destroy(st);
  o.threshold = 2;
  T_EQ_INT(dl_stories_create(&o, &st, NULL), DL_ERR_INVALID);
}

static void t_undated_and_empty(void)
{
  dl_stories *st;
  dl_story_item it;
  dl_story_match m;
  art a = arts[3];
  T_EQ_INT(dl_stories_create(NULL, &st, NULL), DL_OK);
  build(&arts[0], &it);
  dl_stories_add(st, &it, &m, NULL);
  a.day = -1; /* no date: takes the latest seen, joins */
  build(&a, &it);
  T_EQ_INT(dl_stories_add(st, &it, &m, NULL), DL_OK);
  T_EQ_INT(m.story, 0);
  memset(&it, 0, sizeof it); /* no features at all: a story of its own */
  T_EQ_INT(dl_stories_add(st, &it, &m, NULL), DL_OK);
  T_EQ_INT(m.is_new, 1);
  T_EQ_INT(dl_stories_add(NULL, &it, &m, NULL), DL_ERR_INVALID);
  dl_stories_destroy(st);
  dl_stories_destroy(NULL);
}

static void t_no_entities(void)
{
  static const art tables[] = {
      {17155, {NULL}, NULL, NULL, "oper shr revs avg stop shop cos jan"},
      {17155, {NULL}, NULL, NULL, "oper shr revs avg warwick insurance mgrs inc"},
      {17155, {NULL}, NULL, NULL, "oper shr revs avg ktron international qtr inc"},
  };
  dl_stories *st;
  dl_story_item it;
  dl_story_match m;
  T_EQ_INT(dl_stories_create(NULL, &st, NULL), DL_OK);
  for (size_t i = 0; i < 3; i++) {
    build(&tables[i], &it);
    T_EQ_INT(dl_stories_add(st, &it, &m, NULL), DL_OK);
    T_EQ_INT(m.is_new, 1); /* half the words shared, but no one named */
  }
  /* The same table again (a repeat): identical words still join. */
  build(&tables[2], &it);
  T_EQ_INT(dl_stories_add(st, &it, &m, NULL), DL_OK);
  T_EQ_INT(m.is_new, 0);
  dl_stories_destroy(st);
}

static const t_case cases[] = {
    {"no_entities", t_no_entities},
    {"grouping", t_grouping},
    {"window_and_threshold", t_window_and_threshold},
    {"undated_and_empty", t_undated_and_empty},
    {NULL, NULL},
};

T_MAIN(cases)
