/*
** stream_resume.c -- what `--resume` needs: the set of ids already in the
** output file, read once before the run (then only read, so worker
** threads may query it without a lock), and the repair of a last line cut
** by a kill or a full disk.
*/
#include "stream.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>
#include <xxhash.h>

static size_t slot_of(const cli_idset *s, const char *id, size_t len)
{
  return (size_t)XXH3_64bits(id, len) & (s->cap - 1);
}

bool cli_idset_has(const cli_idset *s, const char *id)
{
  size_t len, i;
  if (!s->cap || !id) return false;
  len = strlen(id);
  for (i = slot_of(s, id, len); s->slot[i]; i = (i + 1) & (s->cap - 1))
    if (strcmp(s->slot[i], id) == 0) return true;
  return false;
}

static int grow(cli_idset *s)
{
  size_t nc = s->cap ? s->cap * 2 : 1024;
  char **nv = calloc(nc, sizeof *nv);
  cli_idset t = {nv, nc, 0};
  if (!nv) return ENOMEM;
  for (size_t k = 0; k < s->cap; k++) {
    char *id = s->slot[k];
    size_t i;
    if (!id) continue;
    for (i = slot_of(&t, id, strlen(id)); nv[i]; i = (i + 1) & (nc - 1)) {
    }
    nv[i] = id;
  }
  free(s->slot);
  s->slot = nv;
  s->cap = nc;
  return 0;
}

int cli_idset_add(cli_idset *s, const char *id, size_t len)
{
  size_t i;
  char *c;
  if ((s->n + 1) * 2 > s->cap && grow(s)) return ENOMEM;
  for (i = slot_of(s, id, len); s->slot[i]; i = (i + 1) & (s->cap - 1))
    if (strlen(s->slot[i]) == len && memcmp(s->slot[i], id, len) == 0)
      return 0;
  c = malloc(len + 1);
  if (!c) return ENOMEM;
  memcpy(c, id, len);
  c[len] = 0;
  s->slot[i] = c;
  s->n++;
  return 0;
}

void cli_idset_free(cli_idset *s)
{
  for (size_t i = 0; i < s->cap; i++) free(s->slot[i]);
  free(s->slot);
  memset(s, 0, sizeof *s);
}

char *cli_record_id(const char *line, size_t len)
{
  json_t *j = NULL, *v;
  char *res = NULL;
  if (len > 7 && memcmp(line, "{\"id\":\"", 7) == 0) {
    /* Fast path: the library writes "id" first. Find the closing quote
    ** and let jansson decode just the string. */
    size_t e = 7;
    while (e < len && line[e] != '"') e += line[e] == '\\' ? 2 : 1;
    if (e < len) j = json_loadb(line + 6, e - 5, JSON_DECODE_ANY, NULL);
    if (json_is_string(j)) res = strdup(json_string_value(j));
    json_decref(j);
    return res;
  }
  if (len > 12 && memcmp(line, "{\"id\":null,", 11) == 0) return NULL;
  j = json_loadb(line, len, 0, NULL);
  v = json_object_get(j, "id");
  if (json_is_string(v)) res = strdup(json_string_value(v));
  json_decref(j);
  return res;
}

int cli_resume_load(const char *path, cli_idset *set, uint64_t *lines)
{
  FILE *f = fopen(path, "r+b");
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  off_t good = 0;
  int rc = 0;
  memset(set, 0, sizeof *set);
  *lines = 0;
  if (!f) return errno == ENOENT ? 0 : errno;
  while ((n = getline(&line, &cap, f)) != -1) {
    char *id;
    if (line[n - 1] != '\n') break; /* cut by a kill: dropped below */
    good += n;
    (*lines)++;
    id = cli_record_id(line, (size_t)n - 1);
    if (id) {
      rc = cli_idset_add(set, id, strlen(id));
      free(id);
      if (rc) break;
    }
  }
  if (!rc && ferror(f)) rc = errno ? errno : EIO;
  free(line);
  if (!rc) {
    fflush(f);
    if (ftruncate(fileno(f), good) != 0) rc = errno;
  }
  if (fclose(f) != 0 && !rc) rc = errno;
  return rc;
}
