/*
** progress.c -- a one-line progress display on stderr (see progress.h).
** Redrawn with "\r" and cleared to the end of the line; never written
** when stderr is not a terminal, so logs and pipes stay clean.
*/
#include "progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

double cli_now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void cli_progress_init(cli_progress *p, uint64_t total_bytes)
{
  const char *env = getenv("DATELINE_PROGRESS");
  memset(p, 0, sizeof *p);
  if (env && *env)
    p->on = strcmp(env, "0") != 0;
  else
    p->on = isatty(STDERR_FILENO) != 0;
  p->total = total_bytes;
  p->t0 = p->last = cli_now();
}

static void human_time(char *buf, size_t cap, double s)
{
  long t = (long)(s + 0.5);
  if (t >= 3600)
    snprintf(buf, cap, "%ldh%02ldm", t / 3600, (t / 60) % 60);
  else if (t >= 60)
    snprintf(buf, cap, "%ldm%02lds", t / 60, t % 60);
  else
    snprintf(buf, cap, "%lds", t);
}

static void draw(cli_progress *p, uint64_t docs, uint64_t bytes, double t)
{
  double el = t - p->t0, mb = (double)bytes / 1e6;
  double rate = el > 0 ? (double)docs / el : 0;
  double mbs = el > 0 ? mb / el : 0;
  char eta[64] = "";
  if (p->total && bytes <= p->total && bytes > 0 && el > 0.5) {
    char tb[24];
    double left = (double)(p->total - bytes) / ((double)bytes / el);
    human_time(tb, sizeof tb, left);
    snprintf(eta, sizeof eta, " %3.0f%% ETA %s",
             100.0 * (double)bytes / (double)p->total, tb);
  }
  fprintf(stderr, "\r%llu docs  %.1f MB  %.0f docs/s  %.2f MB/s%s\033[K",
          (unsigned long long)docs, mb, rate, mbs, eta);
  fflush(stderr);
  p->drawn = true;
}

void cli_progress_update(cli_progress *p, uint64_t docs, uint64_t bytes)
{
  double t;
  if (!p->on || (docs & 15) != 0) return;
  t = cli_now();
  if (t - p->last < 0.2) return;
  p->last = t;
  draw(p, docs, bytes, t);
}

void cli_progress_end(cli_progress *p, uint64_t docs, uint64_t bytes)
{
  if (!p->on) return;
  draw(p, docs, bytes, cli_now());
  fputc('\n', stderr);
  fflush(stderr);
}
