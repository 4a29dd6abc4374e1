/*
** corpus.c -- input loop, error records, output and --resume shared by
** `dateline dedup` and `dateline stories` (see corpus.h).
*/
#include "corpus.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

int cli_corpus_flag(cli_corpus *c, int argc, char **argv, int i)
{
  const char *a = argv[i];
  if (strcmp(a, "--resume") == 0) {
    c->resume = true;
    return 1;
  }
  if (strcmp(a, "-o") != 0 && strcmp(a, "--output") != 0) return 0;
  if (i + 1 >= argc) {
    cli_usage("%s needs a value", a);
    return -1;
  }
  c->out_path = argv[i + 1];
  return 2;
}

/* The length of f up to and including its last newline. */
static int whole_lines(FILE *f, off_t *good)
{
  char buf[65536];
  off_t end;
  *good = 0;
  if (fseeko(f, 0, SEEK_END) != 0 || (end = ftello(f)) < 0) return errno;
  while (end > 0) {
    off_t start = end > (off_t)sizeof buf ? end - (off_t)sizeof buf : 0;
    size_t n = (size_t)(end - start);
    if (fseeko(f, start, SEEK_SET) != 0 || fread(buf, 1, n, f) != n)
      return errno ? errno : EIO;
    for (size_t k = n; k > 0; k--)
      if (buf[k - 1] == '\n') {
        *good = start + (off_t)k;
        return 0;
      }
    end = start;
  }
  return 0;
}

/* --resume: FILE cut to its whole lines, kept open for the comparison. */
static int open_resume(cli_corpus *c)
{
  off_t good;
  int e;
  FILE *f = fopen(c->out_path, "r+b");
  if (!f) return errno == ENOENT ? 0 : errno;
  e = whole_lines(f, &good);
  if (!e && fflush(f) == 0 && ftruncate(fileno(f), good) != 0) e = errno;
  if (!e && fseeko(f, 0, SEEK_SET) != 0) e = errno;
  if (e || good == 0) {
    fclose(f);
    return e;
  }
  c->old = f;
  c->old_left = (uint64_t)good;
  return 0;
}

int cli_corpus_open(cli_corpus *c)
{
  signal(SIGXFSZ, SIG_IGN); /* a file-size limit is a write error */
  if (!c->out_path) {
    if (c->resume)
      return cli_usage("--resume needs -o FILE (the output to resume)");
    c->out = stdout;
    cli_output_buffer(c->out);
    return 0;
  }
  if (c->resume) {
    int e = open_resume(c);
    if (e) {
      cli_warn(c->out_path, 0, "cannot resume: %s", strerror(e));
      return CLI_EXIT_DATA;
    }
  }
  c->out = fopen(c->out_path, c->resume ? "ab" : "wb");
  if (!c->out) {
    cli_warn(c->out_path, 0, "%s", strerror(errno));
    if (c->old) fclose(c->old);
    c->old = NULL;
    return CLI_EXIT_DATA;
  }
  cli_output_buffer(c->out);
  return 0;
}

bool cli_corpus_replaying(const cli_corpus *c)
{
  return c->old_left > 0;
}

static void count_lines(cli_corpus *c, const char *s, size_t n)
{
  const char *e = s + n;
  while ((s = memchr(s, '\n', (size_t)(e - s))) != NULL) {
    c->lines++;
    s++;
  }
}

/* Compares the next bytes of the replay with FILE; false on a mismatch. */
static bool replay(cli_corpus *c, const char *s, size_t n)
{
  char buf[4096];
  while (n) {
    size_t k = n < sizeof buf ? n : sizeof buf;
    size_t nl;
    if (fread(buf, 1, k, c->old) != k) {
      cli_warn(c->out_path, 0, "cannot resume: reading it back: %s",
               ferror(c->old) ? strerror(errno) : "file shrank");
      return false;
    }
    if (memcmp(buf, s, k) != 0) {
      for (nl = 0; nl < k && buf[nl] == s[nl]; nl++) {
      }
      count_lines(c, s, nl);
      cli_warn(c->out_path, 0,
               "cannot resume: this run's line %llu differs from the "
               "file's (other inputs or options?); file left as it was",
               (unsigned long long)c->lines + 1);
      return false;
    }
    count_lines(c, s, k);
    s += k;
    n -= k;
  }
  return true;
}

bool cli_corpus_put(cli_corpus *c, const char *s, size_t n)
{
  if (c->write_failed) return false;
  if (c->old_left) {
    size_t k = n < c->old_left ? n : (size_t)c->old_left;
    if (!replay(c, s, k)) {
      c->write_failed = true;
      c->status = CLI_EXIT_DATA;
      return false;
    }
    c->old_left -= k;
    s += k;
    n -= k;
    if (!c->old_left) {
      fclose(c->old);
      c->old = NULL;
      c->old_lines = c->lines;
    }
    if (!n) return true;
  }
  if (cli_output_write(c->out, c->out_path, s, n, &c->write_failed)) {
    count_lines(c, s, n);
    return true;
  }
  c->status = CLI_EXIT_DATA;
  return false;
}

void cli_corpus_error(cli_corpus *c, const char *id, unsigned long line,
                      const char *file, dl_status code, const char *msg)
{
  dl_error e = {code, "", 0, 0};
  char *js;
  size_t n;
  bool said = cli_corpus_replaying(c);
  snprintf(e.msg, sizeof e.msg, "%s", msg);
  if (dl_error_to_json(id, line, &e, &js, &n) == DL_OK) {
    if (cli_corpus_put(c, js, n)) cli_corpus_put(c, "\n", 1);
    dl_free(js);
  }
  if (!said) cli_warn(file, line, "%s", msg);
  c->status = CLI_EXIT_DATA;
}

static void doc_done(cli_corpus *c)
{
  c->docs++;
  cli_progress_update(&c->prog, c->docs,
                      c->base + (c->cur ? cli_stream_pos(c->cur) : 0));
}

static void jsonl_line(cli_corpus *c, const char *line, size_t len,
                       unsigned long lineno, const char *file,
                       cli_corpus_fn fn, void *ctx)
{
  json_error_t je;
  json_t *root, *idv;
  cli_corpus_doc d;
  char idbuf[64];
  while (len && (line[len - 1] == '\n' || line[len - 1] == '\r')) len--;
  root = len ? json_loadb(line, len, JSON_ALLOW_NUL, &je) : NULL;
  if (!json_is_object(root)) {
    char msg[256];
    if (!len)
      snprintf(msg, sizeof msg, "empty line");
    else if (root)
      snprintf(msg, sizeof msg, "line is JSON but not an object");
    else
      snprintf(msg, sizeof msg, "invalid JSON: %s (column %d)", je.text,
               je.column);
    json_decref(root);
    cli_corpus_error(c, NULL, lineno, file, DL_ERR_FORMAT, msg);
    doc_done(c);
    return;
  }
  memset(&d, 0, sizeof d);
  d.line = line;
  d.len = len;
  d.root = root;
  d.lineno = lineno;
  d.file = file;
  idv = json_object_get(root, "id");
  if (json_is_string(idv)) {
    d.id = json_string_value(idv);
  } else if (json_is_integer(idv)) {
    snprintf(idbuf, sizeof idbuf, "%" JSON_INTEGER_FORMAT,
             json_integer_value(idv));
    d.id = idbuf;
  }
  fn(c, ctx, &d);
  json_decref(root);
  doc_done(c);
}

static void run_file(cli_corpus *c, const cli_input *in, cli_corpus_fn fn,
                     void *ctx)
{
  const char *name = in->path ? in->path : "(stdin)";
  cli_stream st;
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  unsigned long lineno = 0;
  const char *msg;
  bool jsonl = false;
  int e = in->err ? in->err : cli_stream_open(in->path, &st);
  if (e) {
    char m[512];
    snprintf(m, sizeof m, "%s: %s", name, strerror(e));
    cli_corpus_error(c, in->path, 0, NULL, DL_ERR_IO, m);
    c->base += in->size;
    return;
  }
  c->cur = &st;
  n = getline(&line, &cap, st.f);
  if (n > 0) {
    size_t i = 0;
    while (i < (size_t)n && (line[i] == ' ' || line[i] == '\t')) i++;
    jsonl = i < (size_t)n && line[i] == '{';
  }
  if (jsonl) {
    do
      jsonl_line(c, line, (size_t)n, ++lineno, name, fn, ctx);
    while (!c->write_failed && (n = getline(&line, &cap, st.f)) != -1);
  } else if (n > 0) {
    size_t len;
    char *buf = cli_stream_read_all(&st, line, (size_t)n, &len);
    if (buf) {
      cli_corpus_doc d;
      memset(&d, 0, sizeof d);
      d.id = in->path;
      d.text = buf;
      d.text_len = len;
      d.file = name;
      fn(c, ctx, &d);
      doc_done(c);
    } else {
      char m[512];
      snprintf(m, sizeof m, "%s: %s", name, strerror(errno ? errno : EIO));
      cli_corpus_error(c, in->path, 0, NULL, DL_ERR_IO, m);
    }
    free(buf);
  }
  free(line);
  if (cli_stream_error(&st, &msg)) {
    cli_warn(name, lineno, "read error: %s", msg);
    c->status = CLI_EXIT_DATA;
  }
  c->base += in->path ? in->size : cli_stream_pos(&st);
  c->cur = NULL;
  cli_stream_close(&st);
}

void cli_corpus_run(cli_corpus *c, const char **files, int n_files,
                    cli_corpus_fn fn, void *ctx)
{
  cli_inputs ins;
  if (cli_inputs_expand(files, n_files, &ins) != 0) {
    cli_warn(NULL, 0, "out of memory");
    c->status = CLI_EXIT_DATA;
    return;
  }
  cli_progress_init(&c->prog, ins.total);
  for (size_t i = 0; i < ins.n && !c->write_failed; i++)
    run_file(c, &ins.v[i], fn, ctx);
  cli_inputs_free(&ins);
  cli_progress_end(&c->prog, c->docs, c->base);
}

int cli_corpus_close(cli_corpus *c)
{
  if (c->old) {
    if (!c->write_failed) {
      cli_warn(c->out_path, 0,
               "cannot resume: the file holds more than this run writes "
               "(%llu lines reproduced; other inputs or options?); left "
               "as it was",
               (unsigned long long)c->lines);
      c->status = CLI_EXIT_DATA;
    }
    fclose(c->old);
    c->old = NULL;
  } else if (c->resume && c->old_lines && !c->write_failed) {
    cli_warn(c->out_path, 0,
             "resumed: %llu lines already done, reproduced; %llu appended",
             (unsigned long long)c->old_lines,
             (unsigned long long)(c->lines - c->old_lines));
  }
  if (c->out && !cli_output_close(c->out, c->out_path, c->write_failed))
    c->status = CLI_EXIT_DATA;
  c->out = NULL;
  return c->status;
}
