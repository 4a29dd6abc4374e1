/*
** sqlq.c -- the few lines of the sqlite3 shell that tests/cli/store.sh
** needs (CI has libsqlite3 but not the shell): sqlq DB SQL runs SQL and
** prints each row's columns joined by '|', one row a line. Exit 1 on an
** SQLite error, with the message on stderr. sqlq DB SQL --hold FILE then
** keeps the store open (an idle reader) until FILE exists (at most 60 s).
*/
#define _POSIX_C_SOURCE 200809L
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int row(void *ctx, int n, char **v, char **names)
{
  (void)ctx;
  (void)names;
  for (int i = 0; i < n; i++)
    printf("%s%s", i ? "|" : "", v[i] ? v[i] : "");
  putchar('\n');
  return 0;
}

int main(int argc, char **argv)
{
  sqlite3 *db;
  char *err = NULL;
  if (argc != 3 && !(argc == 5 && strcmp(argv[3], "--hold") == 0)) {
    fputs("usage: sqlq DB SQL [--hold FILE]\n", stderr);
    return 2;
  }
  if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READWRITE, NULL) !=
      SQLITE_OK) {
    fprintf(stderr, "sqlq: %s\n", sqlite3_errmsg(db));
    return 1;
  }
  sqlite3_busy_timeout(db, 5000);
  if (sqlite3_exec(db, argv[2], row, NULL, &err) != SQLITE_OK) {
    fprintf(stderr, "sqlq: %s\n", err);
    sqlite3_free(err);
    sqlite3_close(db);
    return 1;
  }
  if (argc == 5) {
    struct timespec ts = {0, 50 * 1000 * 1000};
    fflush(stdout);
    for (int i = 0; i < 1200 && access(argv[4], F_OK) != 0; i++)
      nanosleep(&ts, NULL);
  }
  sqlite3_close(db);
  return 0;
}
