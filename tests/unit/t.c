/*
** t.c -- the test runner's driver. See t.h.
*/
#include "t.h"

#include <stdlib.h>

int t_failed_now;

void t_fail(const char *file, int line, const char *expr, const char *detail)
{
  printf("  %s:%d: %s%s%s\n", file, line, expr, detail ? " -- " : "",
         detail ? detail : "");
  t_failed_now = 1;
}

int t_run(const t_case *cases, int argc, char **argv)
{
  int passed = 0, failed = 0;
  const char *filter = argc > 1 ? argv[1] : NULL;
  for (const t_case *c = cases; c->name; c++) {
    if (filter && !strstr(c->name, filter)) continue;
    t_failed_now = 0;
    c->fn();
    if (t_failed_now) {
      printf("FAIL %s\n", c->name);
      failed++;
    } else {
      printf("ok   %s\n", c->name);
      passed++;
    }
  }
  printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}

char *t_read_file(const char *path, size_t *len)
{
  FILE *f = fopen(path, "rb");
  char *buf;
  long n;
  if (!f) return NULL;
  if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
      fseek(f, 0, SEEK_SET) != 0 || !(buf = malloc((size_t)n + 1))) {
    fclose(f);
    return NULL;
  }
  if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
    free(buf);
    fclose(f);
    return NULL;
  }
  fclose(f);
  buf[n] = 0;
  *len = (size_t)n;
  return buf;
}
