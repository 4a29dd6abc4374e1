/*
** modelfile.c -- reading a model folder's file whole through the allocator.
**
** The gazetteer, the word-class lexicon and the IDF table are each one file
** read into one block; this is the one place that opens, sizes, bounds and
** reads them, so the loaders only parse. (The NER model reads its own file
** into a 64-byte aligned block, see ner.c.) Each loader then names what it
** loaded in the model's resource list.
*/
#include "internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

dl_status dl__read_file_blob(const dl_allocator *al, const char *path,
                             size_t max, size_t pad, const char *what,
                             char **blob, size_t *len, dl_error *err)
{
  FILE *f;
  long sz;
  char *b;
  *blob = NULL;
  *len = 0;
  f = fopen(path, "rb");
  if (!f) {
    if (errno == ENOENT) return DL_OK; /* absent: the caller decides */
    return dl__fail(err, DL_ERR_IO, 0, "%s: %s", path, strerror(errno));
  }
  if (fseek(f, 0, SEEK_END) != 0 || (sz = ftell(f)) < 0 ||
      fseek(f, 0, SEEK_SET) != 0) {
    fclose(f);
    return dl__fail(err, DL_ERR_IO, 0, "%s: cannot read", path);
  }
  if ((unsigned long)sz > max) {
    fclose(f);
    return dl__fail(err, DL_ERR_TOO_BIG, 0, "%s: %s too big", path, what);
  }
  b = dl__malloc(al, (size_t)sz + pad);
  if (!b) {
    fclose(f);
    return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
  }
  if (fread(b, 1, (size_t)sz, f) != (size_t)sz) {
    fclose(f);
    dl__free(al, b);
    return dl__fail(err, DL_ERR_IO, 0, "%s: read error", path);
  }
  fclose(f);
  memset(b + sz, 0, pad);
  *blob = b;
  *len = (size_t)sz;
  return DL_OK;
}

void dl__model_add_resource(dl_model *m, const char *name)
{
  size_t l = strlen(m->resources);
  snprintf(m->resources + l, sizeof m->resources - l, "%s%s", l ? "," : "",
           name);
}
