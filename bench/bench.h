/*
** bench.h -- helpers shared by the bench_*.c programs: fatal errors,
** clocks, peak RSS, reading a whole file. Static inline, so that a bench
** that does not use one of them does not warn.
*/
#ifndef DL_BENCH_H
#define DL_BENCH_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#if defined(__GNUC__)
__attribute__((format(printf, 1, 2), noreturn))
#endif
static inline void die(const char *fmt, ...)
{
  va_list ap;
  fputs("bench: ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  exit(1);
}

static inline void *xrealloc(void *p, size_t n)
{
  p = realloc(p, n ? n : 1);
  if (!p) die("out of memory");
  return p;
}

/* Wall-clock seconds (monotonic). */
static inline double wall_now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* CPU seconds of the whole process (every thread). On a shared machine
** this is what the work costs, whatever else competes for the cores. */
static inline double cpu_now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Peak resident set size so far, in KB (ru_maxrss is KB on Linux). */
static inline long peak_rss_kb(void)
{
  struct rusage ru;
  if (getrusage(RUSAGE_SELF, &ru) != 0) return -1;
  return ru.ru_maxrss;
}

/* The whole file, NUL-terminated (the NUL not counted in *len). Dies on
** error. Caller frees. */
static inline char *read_file(const char *path, size_t *len)
{
  FILE *f = fopen(path, "rb");
  char *buf = NULL;
  size_t n = 0, cap = 0;
  if (!f) die("cannot open %s", path);
  for (;;) {
    size_t got;
    if (cap - n < 65536) {
      cap = cap ? cap * 2 : 131072;
      buf = xrealloc(buf, cap);
    }
    got = fread(buf + n, 1, cap - n - 1, f);
    n += got;
    if (got == 0) break;
  }
  if (ferror(f)) die("cannot read %s", path);
  fclose(f);
  buf[n] = '\0';
  *len = n;
  return buf;
}

#endif /* DL_BENCH_H */
