/*
** test_clean.c -- the cleaning stage (src/clean.c): each debris pattern,
** prose that must stay, the date header, and inputs at the edges (CRLF,
** only debris, one 50 MB line).
**
** Each case annotates a text for the clean and date fields and compares
** the clean layer, written as "reason:text|reason:text", with what is
** expected.
*/
#include "internal.h"
#include "t.h"

#include <stdlib.h>

static char got[4096];
static char date[64];

/* Annotates text and writes its clean layer into `got` and the date with
** its source into `date`. Returns false when annotation fails. */
static bool clean_of(const char *text, const char *input_date)
{
  dl_model *m = NULL;
  dl_annotator *a = NULL;
  dl_doc *d = NULL;
  dl_input in;
  size_t n = 0;
  bool ok = false;
  memset(&in, 0, sizeof in);
  in.text = text;
  in.len = strlen(text);
  in.date = input_date;
  got[0] = date[0] = 0;
  if (dl_model_create_empty(NULL, &m, NULL) != DL_OK) goto done;
  if (dl_annotator_create(m, &a, NULL) != DL_OK) goto done;
  if (dl_annotate(a, &in, DL_FIELD_CLEAN | DL_FIELD_DATE, &d, NULL) != DL_OK)
    goto done;
  for (size_t i = 0; i < dl_doc_count(d, DL_KIND_CLEAN); i++) {
    dl_span sp;
    if (dl_doc_span(d, DL_KIND_CLEAN, i, &sp) != DL_OK) goto done;
    n += (size_t)snprintf(got + n, sizeof got - n, "%s%s:%.*s", i ? "|" : "",
                          dl_doc_clean_reason(d, i), (int)(sp.end - sp.start),
                          text + sp.start);
    if (n >= sizeof got) goto done;
  }
  {
    const char *src = NULL, *dt = dl_doc_date(d, &src);
    if (dt) snprintf(date, sizeof date, "%s/%s", dt, src ? src : "?");
  }
  ok = true;
done:
  dl_doc_destroy(d);
  dl_annotator_destroy(a);
  dl_model_destroy(m);
  return ok;
}

#define CLEAN(text, expect)                                                 \
  do {                                                                      \
    T_OK(clean_of(text, NULL));                                             \
    T_EQ_STR(got, expect);                                                  \
  } while (0)

/* ====================================================================
** The date header
** ==================================================================== */

static void t_date_karlov(void)
{
  CLEAN(" date 2016-12-22 Play Facebook\n\nVladimir Putin was there.\n",
        "date-line:date 2016-12-22|widget:Play Facebook");
  T_EQ_STR(date, "2016-12-22/text");
}

static void t_date_colon(void)
{
  CLEAN("Date: 2016-12-22\nPutin spoke.\n", "date-line:Date: 2016-12-22");
  T_EQ_STR(date, "2016-12-22/text");
}

static void t_date_input_wins(void)
{
  T_OK(clean_of("date 2016-12-22 Play Facebook\nPutin spoke.\n",
                "2017-01-05"));
  T_EQ_STR(got, "date-line:date 2016-12-22|widget:Play Facebook");
  T_EQ_STR(date, "2017-01-05/input");
}

static void t_date_not_first_line(void)
{
  CLEAN("Putin spoke.\ndate 2016-12-22\n", "");
  T_EQ_STR(date, "");
}

static void t_date_invalid(void)
{
  CLEAN("date 2016-13-45 Play Facebook\nPutin spoke.\n",
        "widget:Play Facebook");
  T_EQ_STR(date, "");
  CLEAN("date 2016-12-223\nPutin spoke.\n", "");
  CLEAN("dated 2016-12-22\nPutin spoke.\n", "");
  CLEAN("Date 2016-12-22 was set for the vote.\n",
        "date-line:Date 2016-12-22");
}

/* ====================================================================
** Widgets
** ==================================================================== */

static void t_widget_lines(void)
{
  CLEAN("Putin spoke.\nShare this article\nHe left.\n",
        "widget:Share this article");
  CLEAN("Putin spoke.\nFacebook Twitter Email Pinterest WhatsApp\nHe left.\n",
        "widget:Facebook Twitter Email Pinterest WhatsApp");
  CLEAN("Putin spoke.\nShare on Facebook | Share on Twitter | Copy link\n",
        "widget:Share on Facebook | Share on Twitter | Copy link");
  CLEAN("Putin spoke.\n  Advertisement  \nHe left.\n",
        "widget:Advertisement");
  CLEAN("Putin spoke.\nRead more\nSkip Ad\nEmail\n",
        "widget:Read more|widget:Skip Ad|widget:Email");
  CLEAN("Media playback is unsupported on your device\nPutin spoke.\n",
        "widget:Media playback is unsupported on your device");
  CLEAN("Putin spoke.\nFacebook \xE2\x80\xA2 Twitter \xC2\xB7 Email\n",
        "widget:Facebook \xE2\x80\xA2 Twitter \xC2\xB7 Email");
  CLEAN("Putin spoke.\nShare this:\nFacebook\nRelated Articles\n",
        "widget:Share this:|widget:Facebook|widget:Related Articles");
}

static void t_widget_runs(void)
{
  CLEAN("Play Facebook Twitter Embed Putin spoke on Thursday.\n",
        "widget:Play Facebook Twitter Embed");
  CLEAN("Putin spoke on Thursday. Share on Facebook Copy link\n",
        "widget:Share on Facebook Copy link");
}

static void t_widget_prose_kept(void)
{
  CLEAN("He sent an email to the minister.\n", "");
  CLEAN("Email from the minister arrived on Monday.\n", "");
  CLEAN("Share prices fell on Monday.\n", "");
  CLEAN("Advertisement revenue rose 5%.\n", "");
  CLEAN("Read more books, she said.\n", "");
  CLEAN("Facebook Twitter and Google were fined.\n", "");
  CLEAN("He posted the video on Facebook\n", "");
  CLEAN("Man arrested over Twitter\n", "");
  CLEAN("Emailed reports said he left.\n", "");
  CLEAN("She would share this honour with her colleague.\n", "");
}

/* ====================================================================
** Credits and captions
** ==================================================================== */

static void t_credit_caption(void)
{
  CLEAN("Putin spoke.\n\nPutin attends the funeral ceremony for Andrei "
        "Karlov. Alexei Nikolsky / AP\n\nHe left.\n",
        "caption:Putin attends the funeral ceremony for Andrei Karlov."
        "|credit:Alexei Nikolsky / AP");
  CLEAN("Putin spoke.\nAlexei Nikolsky / AP\n",
        "credit:Alexei Nikolsky / AP");
  CLEAN("Mourners in Moscow. Photo: Alexei Nikolsky\n",
        "caption:Mourners in Moscow.|credit:Photo: Alexei Nikolsky");
  CLEAN("Mourners in Moscow (Photo by Kirill Kudryavtsev / AFP)\n",
        "caption:Mourners in Moscow|credit:(Photo by Kirill Kudryavtsev / "
        "AFP)");
  CLEAN("Mourners in Moscow. Image: Reuters\n",
        "caption:Mourners in Moscow.|credit:Image: Reuters");
  CLEAN("Mourners in Moscow. Sean Gallup/Getty Images\n",
        "caption:Mourners in Moscow.|credit:Sean Gallup/Getty Images");
  CLEAN("Mourners in Moscow. REUTERS/Maxim Shemetov\n",
        "caption:Mourners in Moscow.|credit:REUTERS/Maxim Shemetov");
  CLEAN("Mourners in Moscow. AP Photo/Pavel Golovkin\n",
        "caption:Mourners in Moscow.|credit:AP Photo/Pavel Golovkin");
  CLEAN("Mourners in Moscow. AFP/Getty Images\n",
        "caption:Mourners in Moscow.|credit:AFP/Getty Images");
  CLEAN("Putin spoke.\nCopyright \xC2\xA9 2016 The Times\n",
        "credit:Copyright \xC2\xA9 2016 The Times");
  CLEAN("WikiLeaks founder Julian Assange (AFP)\n",
        "caption:WikiLeaks founder Julian Assange|credit:(AFP)");
  CLEAN("Putin spoke.\nREUTERS\nHe left.\n", "credit:REUTERS");
  CLEAN("Putin spoke.\nCopyright 2019 The Paradigm. All Rights Reserved.\n",
        "credit:Copyright 2019 The Paradigm. All Rights Reserved.");
  CLEAN("Mourners. Natalie Naccache | Bloomberg | Getty Images\n",
        "caption:Mourners.|credit:Natalie Naccache | Bloomberg | Getty Images");
  CLEAN("Europa. (Image: \xC2\xA9 NASA/ESA/K. Retherford/SWRI)\n",
        "caption:Europa.|credit:(Image: \xC2\xA9 NASA/ESA/K. Retherford/SWRI)");
  CLEAN("Putin spoke.\nImage copyright\nGetty Images\nImage caption\n",
        "widget:Image copyright|credit:Getty Images|widget:Image caption");
  CLEAN("Mourners in Moscow. Getty Images\n",
        "caption:Mourners in Moscow.|credit:Getty Images");
  CLEAN("The president and the patriarch. J. Scott Applewhite / AP\n",
        "caption:The president and the patriarch."
        "|credit:J. Scott Applewhite / AP");
  CLEAN("Image copyright Getty Images Image caption Putin at the funeral\n",
        "credit:Image copyright Getty Images"
        "|caption:Image caption Putin at the funeral");
}

static void t_credit_long_line(void)
{
  /* A long paragraph ending in a credit keeps its prose. */
  static char buf[2048];
  size_t n = 0;
  while (n < 600) {
    memcpy(buf + n, "Putin spoke at length. ", 23);
    n += 23;
  }
  memcpy(buf + n, "Alexei Nikolsky / AP\n", 22);
  CLEAN(buf, "credit:Alexei Nikolsky / AP");
}

static void t_credit_prose_kept(void)
{
  CLEAN("The vote was split 50/50 in the end\n", "");
  CLEAN("AOL/Time Warner\n", "");
  CLEAN("The report was carried by AP.\n", "");
  CLEAN("He flew Moscow/Ankara on Monday\n", "");
  CLEAN("He spoke. Reuters/Ipsos poll shows a lead\n", "");
  CLEAN("Photo by photo, she rebuilt the archive. Then she left.\n", "");
  CLEAN("Putin spoke. Then he left (and nobody followed)\n", "");
  /* Reuters-21578 wraps lines at 70 columns: a line may end anywhere. */
  CLEAN("products made in violation of U.S.\ncopyright and\ntrademark "
        "laws.\n",
        "");
  CLEAN("The rules are:\n(c) the right to vote\n", "");
  {
    /* A bare "(AFP)" ends a caption only on a short line. */
    static char buf[1024];
    size_t n = 0;
    while (n < 400) {
      memcpy(buf + n, "Putin spoke at length ", 22);
      n += 22;
    }
    memcpy(buf + n, "(AFP)\n", 7);
    CLEAN(buf, "");
  }
}

/* ====================================================================
** Wire sign-offs and control characters
** ==================================================================== */

static void t_reuters_signoff(void)
{
  CLEAN("Showers continued in the Bahia cocoa zone.\n Reuter\n&#3;",
        "signoff:Reuter|control:&#3;");
  CLEAN("Showers continued in the Bahia cocoa zone.\n REUTER\n\x03",
        "signoff:REUTER|control:\x03");
  CLEAN("Showers continued in the zone.\nREUTER...\n",
        "signoff:REUTER...");
  CLEAN("Showers continued in the zone.\n reuter^M\n", "signoff:reuter^M");
  CLEAN("Prices rose a year ago. REUTER\n", "signoff:REUTER");
  CLEAN("Talks will go on.\nMORE\n", "signoff:MORE");
  CLEAN("Talks will go on.\n\n(Reporting by Will Dunham; Editing by Tom "
        "Brown)\n\nMore talks.\n",
        "signoff:(Reporting by Will Dunham; Editing by Tom Brown)");
  CLEAN("Talks will go on, he said. (Additional reporting by Jo Ng)\n",
        "signoff:(Additional reporting by Jo Ng)");
  CLEAN("Talks will go on (reporting by the state news agency)\n", "");
  CLEAN("Talks will go on.\nREUTER...^M\n", "signoff:REUTER...^M");
  /* reut2-001.sgm: "&#3;" without its "&#", as the last line only. */
  CLEAN("Talks will go on.\n Reuter\n3;", "signoff:Reuter|control:3;");
  CLEAN("Talks will go on.\n3;\nMore talks.\n", "");
}

static void t_signoff_prose_kept(void)
{
  CLEAN("He told Reuters\nThe talks went on.\n", "");
  CLEAN("Copyright law was changed, all rights reserved to the state.\n", "");
  CLEAN("The talks went on, he told Reuters\n", "");
  CLEAN("He spoke to Reuter\n", "");
}

/* ====================================================================
** Edges
** ==================================================================== */

static void t_crlf(void)
{
  CLEAN(" date 2016-12-22 Play Facebook\r\n\r\nPutin attends the funeral. "
        "Alexei Nikolsky / AP\r\nShare this article\r\n",
        "date-line:date 2016-12-22|widget:Play Facebook"
        "|caption:Putin attends the funeral.|credit:Alexei Nikolsky / AP"
        "|widget:Share this article");
}

static void t_nbsp(void)
{
  CLEAN("Putin spoke.\n\xC2\xA0Share this article\xC2\xA0\n",
        "widget:Share this article");
}

static void t_only_debris(void)
{
  CLEAN("date 2016-12-22 Play Facebook\nShare this article\nAlexei "
        "Nikolsky / AP\n",
        "date-line:date 2016-12-22|widget:Play Facebook"
        "|widget:Share this article|credit:Alexei Nikolsky / AP");
  CLEAN("\x03\n", "control:\x03");
}

static void t_invalid_utf8(void)
{
  /* The bad byte after the run stays (it is reported as encoding). */
  CLEAN("Putin spoke \xFF\xFE.\nShare this article\xFF\n",
        "widget:Share this article");
  CLEAN("\xC2\nShare this article\n", "widget:Share this article");
}

/* One 50 MB line without a newline: runs (linear; no timing asserted)
** and finds the widget run at its end only. */
static void t_huge_line(void)
{
  size_t n = (size_t)50 << 20, i;
  static const char tail[] = "Share on Facebook";
  char *buf = malloc(n + sizeof tail);
  T_OK(buf != NULL);
  for (i = 0; i < n; i++) buf[i] = "word "[i % 5];
  memcpy(buf + n, tail, sizeof tail);
  T_OK(clean_of(buf, NULL));
  free(buf);
  T_EQ_STR(got, "widget:Share on Facebook");
}

/* Random documents built from debris and prose fragments (a fixed LCG,
** so the run is reproducible): the layer's invariants must hold. Spans lie
** in the text, are sorted and disjoint, never start or end with white
** space, and each has a known reason. */
static void t_random_invariants(void)
{
  static const char *const frag[] = {
      " date 2016-12-22", "Play Facebook", "Twitter Embed", "Email", "\n",
      "\r\n", " ", "\xC2\xA0", "Putin spoke.", "Alexei Nikolsky / AP",
      "(Photo by X / AFP)", "Reuter", "&#3;", "\x03", "3;", "|", "/",
      "Image copyright", "Image caption ", "(", ")", "\xE2\x80\xA2",
      "\xFF", "Share this article", "He sent an email.", "MORE", "^M",
      "...", "J. ", "Photo: ", "\xC2\xA9 2019", "Getty Images", "a",
      "(Reporting by Jo; Editing by Al)", "REUTERS/Name Name", ". ",
  };
  static const char *const reasons[] = {"date-line", "widget", "caption",
                                        "credit", "signoff", "control"};
  unsigned long x = 12345;
  size_t total = 0;
  char buf[512];
  dl_model *m = NULL;
  dl_annotator *a = NULL;
  T_OK(dl_model_create_empty(NULL, &m, NULL) == DL_OK);
  T_OK(dl_annotator_create(m, &a, NULL) == DL_OK);
  for (int iter = 0; iter < 20000; iter++) {
    size_t n = 0, prev_end = 0;
    dl_input in;
    dl_doc *d = NULL;
    int nf;
    x = x * 6364136223846793005UL + 1442695040888963407UL;
    nf = 1 + (int)((x >> 33) % 24);
    for (int k = 0; k < nf; k++) {
      const char *f;
      size_t fl;
      x = x * 6364136223846793005UL + 1442695040888963407UL;
      f = frag[(x >> 33) % DL__COUNTOF(frag)];
      fl = strlen(f);
      if (n + fl >= sizeof buf) break;
      memcpy(buf + n, f, fl);
      n += fl;
    }
    memset(&in, 0, sizeof in);
    in.text = buf;
    in.len = n;
    if (dl_annotate(a, &in, DL_FIELD_CLEAN | DL_FIELD_DATE |
                                DL_FIELD_SENTENCES,
                    &d, NULL) != DL_OK)
      continue; /* white space only: DL_ERR_EMPTY */
    for (size_t i = 0; i < dl_doc_count(d, DL_KIND_CLEAN); i++) {
      dl_span sp;
      const char *r = dl_doc_clean_reason(d, i);
      bool known = false;
      T_OK(dl_doc_span(d, DL_KIND_CLEAN, i, &sp) == DL_OK);
      T_OK(sp.start < sp.end && sp.end <= n);
      T_OK(sp.start >= prev_end);
      T_OK(buf[sp.start] != ' ' && buf[sp.start] != '\n' &&
           buf[sp.end - 1] != ' ' && buf[sp.end - 1] != '\n' &&
           buf[sp.end - 1] != '\r');
      T_OK((buf[sp.start] & 0xC0) != 0x80);
      T_OK(sp.end == n || (buf[sp.end] & 0xC0) != 0x80);
      for (size_t k = 0; k < DL__COUNTOF(reasons); k++)
        known |= strcmp(r, reasons[k]) == 0;
      T_OK(known);
      prev_end = sp.end;
      total++;
    }
    dl_doc_destroy(d);
  }
  dl_annotator_destroy(a);
  dl_model_destroy(m);
  T_OK(total > 5000); /* the fragments do make debris */
}

static const t_case cases[] = {
    {"date_karlov", t_date_karlov},
    {"date_colon", t_date_colon},
    {"date_input_wins", t_date_input_wins},
    {"date_not_first_line", t_date_not_first_line},
    {"date_invalid", t_date_invalid},
    {"widget_lines", t_widget_lines},
    {"widget_runs", t_widget_runs},
    {"widget_prose_kept", t_widget_prose_kept},
    {"credit_caption", t_credit_caption},
    {"credit_long_line", t_credit_long_line},
    {"credit_prose_kept", t_credit_prose_kept},
    {"reuters_signoff", t_reuters_signoff},
    {"signoff_prose_kept", t_signoff_prose_kept},
    {"crlf", t_crlf},
    {"nbsp", t_nbsp},
    {"only_debris", t_only_debris},
    {"invalid_utf8", t_invalid_utf8},
    {"huge_line", t_huge_line},
    {"random_invariants", t_random_invariants},
    {NULL, NULL},
};

T_MAIN(cases)
