/*
** fuzz_main.c -- replays fuzz inputs without libFuzzer (utf8proc's
** pattern), so that `make test` runs every corpus under the normal
** compiler and, in CI, under ASan+UBSan.
**
**   build/fuzz/fuzz_annotate-replay tests/fuzz/corpus/annotate [FILE...]
**
** Each argument is a file or a directory of files (not recursive). Prints
** "run  NAME" before each input (so a crash names it) and, last, the tally
** "N passed, 0 failed". An input that breaks an invariant aborts. An empty
** or missing corpus is a failure: a replay that replays nothing proves
** nothing.
*/
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int cmp(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_file(const char *path)
{
  FILE *f = fopen(path, "rb");
  unsigned char *buf;
  long n;
  if (!f) {
    printf("cannot open %s\n", path);
    return 0;
  }
  if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
      fseek(f, 0, SEEK_SET) != 0) {
    fclose(f);
    printf("cannot read %s\n", path);
    return 0;
  }
  buf = malloc((size_t)n + 1);
  if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
    free(buf);
    fclose(f);
    printf("cannot read %s\n", path);
    return 0;
  }
  fclose(f);
  printf("run  %s (%ld bytes)\n", path, n);
  fflush(stdout);
  /* An exact-size copy, so ASan sees reads past the end. */
  {
    unsigned char *exact = malloc(n ? (size_t)n : 1);
    if (!exact) {
      free(buf);
      return 0;
    }
    memcpy(exact, buf, (size_t)n);
    LLVMFuzzerTestOneInput(exact, (size_t)n);
    free(exact);
  }
  free(buf);
  return 1;
}

int main(int argc, char **argv)
{
  int passed = 0, failed = 0;
  for (int i = 1; i < argc; i++) {
    struct stat st;
    if (stat(argv[i], &st) != 0) {
      printf("missing: %s\n", argv[i]);
      failed++;
      continue;
    }
    if (S_ISDIR(st.st_mode)) {
      DIR *dir = opendir(argv[i]);
      struct dirent *e;
      char **names = NULL;
      size_t n = 0, cap = 0;
      if (!dir) {
        failed++;
        continue;
      }
      while ((e = readdir(dir)) != NULL) {
        if (e->d_name[0] == '.') continue;
        if (n == cap) {
          char **nn = realloc(names, (cap = cap ? cap * 2 : 64) * sizeof *nn);
          if (!nn) break;
          names = nn;
        }
        names[n] = malloc(strlen(argv[i]) + strlen(e->d_name) + 2);
        if (!names[n]) break;
        snprintf(names[n], strlen(argv[i]) + strlen(e->d_name) + 2, "%s/%s",
                 argv[i], e->d_name);
        n++;
      }
      closedir(dir);
      qsort(names, n, sizeof *names, cmp); /* a stable order for the log */
      if (n == 0) {
        printf("empty corpus: %s\n", argv[i]);
        failed++;
      }
      for (size_t k = 0; k < n; k++) {
        if (run_file(names[k]))
          passed++;
        else
          failed++;
        free(names[k]);
      }
      free(names);
    } else if (run_file(argv[i])) {
      passed++;
    } else {
      failed++;
    }
  }
  if (argc < 2) {
    printf("usage: %s CORPUS-DIR|FILE...\n", argv[0]);
    failed++;
  }
  printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
