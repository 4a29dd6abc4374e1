/*
** t.h -- the in-house test runner (modelled on Redis testhelp.h and
** libuv's value-printing ASSERT_EQ). No dependencies.
**
** A test file defines its cases and ends with T_MAIN(cases):
**
**   static void t_split(void) { T_EQ_INT(count("a b"), 2); }
**   static const t_case cases[] = {{"split", t_split}, {NULL, NULL}};
**   T_MAIN(cases)
**
** `./test_x [SUBSTRING]` runs the cases whose name contains SUBSTRING.
** A failed check prints file:line: expr -- a != b and ends its case.
** The last line is always "N passed, N failed".
*/
#ifndef T_H
#define T_H

#include <stdio.h>
#include <string.h>

typedef struct t_case {
  const char *name;
  void (*fn)(void);
} t_case;

extern int t_failed_now;
int t_run(const t_case *cases, int argc, char **argv);
void t_fail(const char *file, int line, const char *expr, const char *detail);
/* Reads a whole file into a malloc'd, NUL-terminated buffer (free()), or
** NULL. For tests that load examples/ or tests/golden/ files. */
char *t_read_file(const char *path, size_t *len);

#define T_MAIN(cases)                                                       \
  int main(int argc, char **argv) { return t_run(cases, argc, argv); }

#define T_OK(x)                                                             \
  do {                                                                      \
    if (!(x)) {                                                             \
      t_fail(__FILE__, __LINE__, #x, NULL);                                 \
      return;                                                               \
    }                                                                       \
  } while (0)

#define T_EQ_INT(a, b)                                                      \
  do {                                                                      \
    long long t_a_ = (long long)(a), t_b_ = (long long)(b);                 \
    if (t_a_ != t_b_) {                                                     \
      char t_d_[96];                                                        \
      snprintf(t_d_, sizeof t_d_, "%lld != %lld", t_a_, t_b_);              \
      t_fail(__FILE__, __LINE__, #a " == " #b, t_d_);                       \
      return;                                                               \
    }                                                                       \
  } while (0)

#define T_EQ_STR(a, b)                                                      \
  do {                                                                      \
    const char *t_a_ = (a), *t_b_ = (b);                                    \
    if (!t_a_ || !t_b_ || strcmp(t_a_, t_b_) != 0) {                        \
      char t_d_[512];                                                       \
      snprintf(t_d_, sizeof t_d_, "\"%.200s\" != \"%.200s\"",               \
               t_a_ ? t_a_ : "(null)", t_b_ ? t_b_ : "(null)");             \
      t_fail(__FILE__, __LINE__, #a " == " #b, t_d_);                       \
      return;                                                               \
    }                                                                       \
  } while (0)

/* Compares n bytes at a with the NUL-terminated string b. */
#define T_EQ_MEM(a, n, b)                                                   \
  do {                                                                      \
    const char *t_a_ = (a), *t_b_ = (b);                                    \
    size_t t_n_ = (n);                                                      \
    if (strlen(t_b_) != t_n_ || memcmp(t_a_, t_b_, t_n_) != 0) {            \
      char t_d_[512];                                                       \
      snprintf(t_d_, sizeof t_d_, "\"%.*s\" != \"%.200s\"",                 \
               (int)(t_n_ > 200 ? 200 : t_n_), t_a_, t_b_);                 \
      t_fail(__FILE__, __LINE__, #a " == " #b, t_d_);                       \
      return;                                                               \
    }                                                                       \
  } while (0)

#endif
