/*
** stream.c -- plain, gzip and Zstandard inputs behind one FILE *.
**
** A compressed file is wrapped with glibc's fopencookie(): its read
** function pulls compressed bytes from the underlying FILE and inflates
** them (zlib inflate with gzip framing, several members allowed; libzstd
** ZSTD_decompressStream, several frames allowed), so every reader of the
** CLI (getline for JSONL, whole-file reads for text) is unchanged and the
** memory held is the two fixed buffers, however long the stream.
** A decompression error ends the stream early; the reader sees EOF and
** then asks cli_stream_error(), so a corrupt file is reported, never
** silently shortened.
*/
#define _GNU_SOURCE
#include "stream.h"

#include "cli.h"

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#define ZBUF (1 << 17)

/* stdio buffers. glibc ignores setvbuf's size when the buffer is NULL and
** keeps its st_blksize default (4 KiB): annotating the 5 MB BBC JSONL was
** 1,288 read() and 4,346 write() calls. So the buffers are ours, and
** bigger only where nothing waits on them: an input that is a regular file
** (a pipe keeps its default buffer), an output whose inputs are all
** regular files (cli_output_buffer_big). Records read from a pipe that
** stalls (a live feed, the FIFO of tests/cli/corpus_resume.sh) must not sit
** unseen in a buffer. 64 KiB, not more: with 1 MiB buffers (more than the
** 512 KiB-1 MiB of L2) the bytes copied in were out of cache again when
** write() copied them out, and `annotate` of the BBC JSONL x4 (20 MB in,
** 104 MB out) took 0.17-0.20 s of system time against 0.14-0.19 s with
** 4 KiB buffers; with 64 KiB, 0.06-0.08 s. */
#define IN_BUF (1 << 16)
#define OUT_BUF (1 << 16)

/* Buffers of FILEs that live until exit (stdin, stdout, an output file:
** stdio may still flush at exit), kept reachable here for leak checkers.
** The few a run needs; past that a FILE keeps its default buffer. */
static char *process_bufs[8];

/* Gives f a malloc'd buffer of n bytes for the rest of the process,
** unless f has one already (setvbuf must come before any I/O). */
static void process_buffer(FILE *f, size_t n)
{
  size_t i;
  char *b;
  if (__fbufsize(f) != 0) return;
  for (i = 0; i < sizeof process_bufs / sizeof *process_bufs; i++)
    if (!process_bufs[i]) break;
  if (i == sizeof process_bufs / sizeof *process_bufs) return;
  b = malloc(n);
  if (!b) return;
  if (setvbuf(f, b, _IOFBF, n) != 0) {
    free(b);
    return;
  }
  process_bufs[i] = b;
}

typedef struct zcookie {
  cli_zkind z;
  FILE *raw;
  int fd;        /* >= 0: raw is an unbuffered pipe read with read(2) */
  uint64_t pos;  /* compressed bytes consumed */
  int err;       /* errno-style error, 0 if none */
  const char *msg;
  bool eof;      /* raw input exhausted */
  bool done;     /* the decompressor reached the end of its last frame */
  z_stream zs;
  ZSTD_DStream *zd;
  ZSTD_inBuffer zin;
  unsigned char in[ZBUF];
} zcookie;

/* The command's hook for a read about to wait (cli_stream_on_stall). */
static void (*stall_fn)(void *);
static void *stall_arg;

void cli_stream_on_stall(void (*fn)(void *), void *arg)
{
  stall_fn = fn;
  stall_arg = arg;
}

/* A direct pipe with nothing to read now (its writer is slow, or done
** without closing): a decompressor holding output returns it first. */
static bool pipe_dry(const zcookie *c)
{
  struct pollfd pf;
  pf.fd = c->fd;
  pf.events = POLLIN;
  pf.revents = 0;
  return c->fd >= 0 && poll(&pf, 1, 0) == 0;
}

/* Up to n bytes of a pipe read directly (c->fd >= 0): whatever has come,
** as read(2) gives it, rather than fread()'s wait for all n bytes; and if
** nothing has come, the stall hook first. 0 at the end, -1 on an error
** (c->err set). */
static ssize_t pipe_read(zcookie *c, void *buf, size_t n)
{
  ssize_t got;
  if (stall_fn && pipe_dry(c)) stall_fn(stall_arg);
  do
    got = read(c->fd, buf, n);
  while (got < 0 && errno == EINTR);
  if (got < 0) {
    c->err = errno ? errno : EIO;
    c->msg = strerror(c->err);
  }
  return got;
}

static size_t fill(zcookie *c, size_t have)
{
  size_t got;
  if (c->eof) return have;
  if (c->fd >= 0) {
    ssize_t r = pipe_read(c, c->in + have, ZBUF - have);
    if (r <= 0) {
      c->eof = true;
      return have;
    }
    c->pos += (size_t)r;
    return have + (size_t)r;
  }
  got = fread(c->in + have, 1, ZBUF - have, c->raw);
  if (got < ZBUF - have) {
    if (ferror(c->raw)) {
      c->err = errno ? errno : EIO;
      c->msg = strerror(c->err);
    }
    c->eof = true;
  }
  c->pos += got;
  return have + got;
}

static ssize_t gz_read(zcookie *c, char *buf, size_t size)
{
  size_t want = size > (1u << 30) ? (1u << 30) : size;
  c->zs.next_out = (unsigned char *)buf;
  c->zs.avail_out = (uInt)want;
  while (c->zs.avail_out > 0 && !c->err) {
    int rc;
    if (c->zs.avail_in == 0) {
      size_t n;
      if (c->zs.avail_out < want && pipe_dry(c)) break;
      n = fill(c, 0);
      c->zs.next_in = c->in;
      c->zs.avail_in = (uInt)n;
      if (n == 0) {
        if (!c->done && !c->err) {
          c->err = EILSEQ;
          c->msg = "truncated gzip stream";
        }
        break;
      }
    }
    if (c->done) {
      /* Another member after the end of one (cat a.gz b.gz): only if
      ** bytes remain; trailing zeros are tolerated as padding. */
      while (c->zs.avail_in && *c->zs.next_in == 0) {
        c->zs.next_in++;
        c->zs.avail_in--;
      }
      if (c->zs.avail_in == 0) continue;
      inflateReset(&c->zs);
      c->done = false;
    }
    rc = inflate(&c->zs, Z_NO_FLUSH);
    if (rc == Z_STREAM_END) {
      c->done = true;
    } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
      c->err = EILSEQ;
      c->msg = c->zs.msg ? c->zs.msg : "corrupt gzip data";
    } else if (rc == Z_BUF_ERROR && c->zs.avail_in != 0) {
      break;
    }
  }
  if (want - c->zs.avail_out > 0) return (ssize_t)(want - c->zs.avail_out);
  return c->err ? -1 : 0;
}

static ssize_t zst_read(zcookie *c, char *buf, size_t size)
{
  ZSTD_outBuffer out = {buf, size, 0};
  while (out.pos < out.size && !c->err) {
    size_t rc;
    if (c->zin.pos == c->zin.size) {
      size_t n;
      if (out.pos > 0 && pipe_dry(c)) break;
      n = fill(c, 0);
      c->zin.src = c->in;
      c->zin.size = n;
      c->zin.pos = 0;
      if (n == 0) {
        if (!c->done && !c->err) {
          c->err = EILSEQ;
          c->msg = "truncated zstd stream";
        }
        break;
      }
    }
    rc = ZSTD_decompressStream(c->zd, &out, &c->zin);
    if (ZSTD_isError(rc)) {
      c->err = EILSEQ;
      c->msg = ZSTD_getErrorName(rc);
    } else {
      c->done = rc == 0; /* 0: a frame is complete and flushed */
    }
  }
  if (out.pos > 0) return (ssize_t)out.pos;
  return c->err ? -1 : 0;
}

static ssize_t plain_read(zcookie *c, char *buf, size_t size)
{
  size_t n = 0, got;
  if (c->zin.pos < c->zin.size) {
    n = c->zin.size - c->zin.pos;
    if (n > size) n = size;
    memcpy(buf, c->in + c->zin.pos, n);
    c->zin.pos += n;
    return (ssize_t)n;
  }
  if (c->fd >= 0) {
    ssize_t r = pipe_read(c, buf, size);
    if (r > 0) c->pos += (size_t)r;
    return r;
  }
  got = fread(buf, 1, size, c->raw);
  c->pos += got;
  if (got == 0 && ferror(c->raw)) {
    c->err = errno ? errno : EIO;
    c->msg = strerror(c->err);
    return -1;
  }
  return (ssize_t)got;
}

static ssize_t cookie_read(void *cookie, char *buf, size_t size)
{
  zcookie *c = cookie;
  if (c->err) return -1;
  if (c->z == CLI_Z_NONE) return plain_read(c, buf, size);
  return c->z == CLI_Z_GZIP ? gz_read(c, buf, size) : zst_read(c, buf, size);
}

static int cookie_close(void *cookie)
{
  (void)cookie; /* freed by cli_stream_close, which still reads ->err */
  return 0;
}

/* An open that fails after the fopen: close the file and its buffer. */
static void drop_raw(cli_stream *out)
{
  if (!out->is_stdin) fclose(out->raw);
  free(out->iobuf);
  out->iobuf = NULL;
}

int cli_stream_open(const char *path, cli_stream *out)
{
  unsigned char magic[4];
  size_t m;
  long start;
  zcookie *c;
  cookie_io_functions_t io = {cookie_read, NULL, NULL, cookie_close};
  struct stat st;
  bool direct = false;
  memset(out, 0, sizeof *out);
  if (!path || strcmp(path, "-") == 0) {
    out->raw = stdin;
    out->is_stdin = true;
    if (fstat(STDIN_FILENO, &st) != 0) st.st_mode = 0;
    if (S_ISREG(st.st_mode)) process_buffer(stdin, IN_BUF);
  } else {
    out->raw = fopen(path, "rb");
    if (!out->raw) return errno;
    if (fstat(fileno(out->raw), &st) != 0) st.st_mode = 0;
    if (S_ISDIR(st.st_mode)) {
      fclose(out->raw);
      out->raw = NULL;
      return EISDIR;
    }
    /* Freed by cli_stream_close, after the fclose. */
    if (S_ISREG(st.st_mode)) out->iobuf = malloc(IN_BUF);
    if (out->iobuf && setvbuf(out->raw, out->iobuf, _IOFBF, IN_BUF) != 0) {
      free(out->iobuf);
      out->iobuf = NULL;
    }
  }
  /* A pipe, when the command has a stall hook: read(2) it directly, so
  ** that a line is handled when it comes and the hook runs when nothing
  ** has (stdio's fread waits for a whole buffer). Only an unused FILE can
  ** be made unbuffered. */
  if (stall_fn && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)) &&
      __fbufsize(out->raw) == 0 && setvbuf(out->raw, NULL, _IONBF, 0) == 0)
    direct = true;
  /* Sniff the magic, then push it back (ungetc guarantees one byte
  ** only, so the bytes go to the cookie's buffer or a reopened read). */
  start = ftell(out->raw);
  m = fread(magic, 1, sizeof magic, out->raw);
  if (ferror(out->raw)) {
    int e = errno ? errno : EIO;
    drop_raw(out);
    return e;
  }
  if (m >= 2 && magic[0] == 0x1f && magic[1] == 0x8b)
    out->z = CLI_Z_GZIP;
  else if (m == 4 && magic[0] == 0x28 && magic[1] == 0xb5 &&
           magic[2] == 0x2f && magic[3] == 0xfd)
    out->z = CLI_Z_ZSTD;
  if (out->z == CLI_Z_NONE) {
    /* A plain stream: hand out a FILE that first yields the sniffed
    ** bytes. For a seekable file rewinding is enough. */
    if (start >= 0 && fseek(out->raw, start, SEEK_SET) == 0) {
      out->f = out->raw;
      return 0;
    }
    /* A pipe: fall through to a cookie that replays the bytes. */
  }
  c = calloc(1, sizeof *c);
  if (!c) {
    drop_raw(out);
    return ENOMEM;
  }
  c->z = out->z;
  c->raw = out->raw;
  c->fd = direct ? fileno(out->raw) : -1;
  c->pos = m;
  if (c->z == CLI_Z_GZIP) {
    memcpy(c->in, magic, m);
    c->zs.next_in = c->in;
    c->zs.avail_in = (uInt)m;
    if (inflateInit2(&c->zs, 15 + 16) != Z_OK) {
      free(c);
      drop_raw(out);
      return ENOMEM;
    }
  } else if (c->z == CLI_Z_ZSTD) {
    c->zd = ZSTD_createDStream();
    if (!c->zd || ZSTD_isError(ZSTD_initDStream(c->zd))) {
      ZSTD_freeDStream(c->zd);
      free(c);
      drop_raw(out);
      return ENOMEM;
    }
    memcpy(c->in, magic, m);
    c->zin.src = c->in;
    c->zin.size = m;
    c->zin.pos = 0;
  } else {
    /* Unseekable plain input (a pipe) whose first bytes were read:
    ** a cookie that replays them, then reads straight through. */
    memcpy(c->in, magic, m);
    c->zin.src = c->in;
    c->zin.size = m;
    c->zin.pos = 0;
  }
  out->cookie = c;
  out->f = fopencookie(c, "r", io);
  if (!out->f) {
    int e = errno ? errno : ENOMEM;
    if (c->z == CLI_Z_GZIP) inflateEnd(&c->zs);
    ZSTD_freeDStream(c->zd);
    free(c);
    drop_raw(out);
    out->cookie = NULL;
    return e;
  }
  /* The pipe's reads land in this buffer (freed after the fclose). */
  if (direct && !out->iobuf && (out->iobuf = malloc(IN_BUF)) != NULL &&
      setvbuf(out->f, out->iobuf, _IOFBF, IN_BUF) != 0) {
    free(out->iobuf);
    out->iobuf = NULL;
  }
  return 0;
}

int cli_stream_error(const cli_stream *s, const char **msg)
{
  const zcookie *c = s->cookie;
  if (c && c->err) {
    if (msg) *msg = c->msg ? c->msg : strerror(c->err);
    return c->err;
  }
  if (s->f && ferror(s->f)) {
    int e = errno ? errno : EIO;
    if (msg) *msg = strerror(e);
    return e;
  }
  return 0;
}

int cli_stream_close(cli_stream *s)
{
  zcookie *c = s->cookie;
  int e = cli_stream_error(s, NULL);
  if (c) {
    fclose(s->f);
    if (c->z == CLI_Z_GZIP) inflateEnd(&c->zs);
    ZSTD_freeDStream(c->zd);
    free(c);
  }
  if (s->raw && !s->is_stdin) fclose(s->raw);
  free(s->iobuf);
  memset(s, 0, sizeof *s);
  return e;
}

uint64_t cli_stream_pos(const cli_stream *s)
{
  const zcookie *c = s->cookie;
  long p;
  if (c) return c->pos;
  if (!s->f) return 0;
  p = ftell(s->f);
  return p > 0 ? (uint64_t)p : 0;
}

char *cli_stream_read_all(cli_stream *s, const char *pre, size_t npre,
                          size_t *len)
{
  size_t cap = npre + (1 << 16), n = npre;
  char *buf = malloc(cap + 1);
  if (!buf) {
    errno = ENOMEM;
    return NULL;
  }
  if (npre) memcpy(buf, pre, npre);
  for (;;) {
    size_t got;
    if (cap - n < 65536) {
      char *nb;
      if (cap > ((size_t)1 << 40)) {
        free(buf);
        errno = EFBIG;
        return NULL;
      }
      nb = realloc(buf, cap * 2 + 1);
      if (!nb) {
        free(buf);
        errno = ENOMEM;
        return NULL;
      }
      buf = nb;
      cap *= 2;
    }
    got = fread(buf + n, 1, cap - n, s->f);
    n += got;
    if (got == 0) break;
  }
  if (cli_stream_error(s, NULL)) {
    int e = cli_stream_error(s, NULL);
    free(buf);
    errno = e;
    return NULL;
  }
  buf[n] = 0;
  *len = n;
  return buf;
}

bool cli_name_has_ext(const char *name, const char *ext)
{
  size_t a = strlen(name), b = strlen(ext);
  if (a > 3 && strcmp(name + a - 3, ".gz") == 0)
    a -= 3;
  else if (a > 4 && strcmp(name + a - 4, ".zst") == 0)
    a -= 4;
  return a >= b && strncmp(name + a - b, ext, b) == 0;
}

/* --- Directory expansion ------------------------------------------------ */

static int push(cli_inputs *in, const char *path, int err, uint64_t size,
                bool known)
{
  cli_input *it;
  if (in->n == in->cap) {
    size_t nc = in->cap ? in->cap * 2 : 16;
    cli_input *nv = realloc(in->v, nc * sizeof *nv);
    if (!nv) return ENOMEM;
    in->v = nv;
    in->cap = nc;
  }
  it = &in->v[in->n];
  it->path = NULL;
  if (path && !(it->path = strdup(path))) return ENOMEM;
  it->err = err;
  it->size = size;
  in->n++;
  in->total += size;
  if (!known) in->unknown = true;
  return 0;
}

static int skip_dot(const struct dirent *e)
{
  return e->d_name[0] != '.';
}

static int walk(cli_inputs *in, const char *dir, int depth)
{
  struct dirent **ents = NULL;
  int n = scandir(dir, &ents, skip_dot, alphasort);
  int rc = 0;
  if (n < 0) return push(in, dir, errno ? errno : EACCES, 0, true);
  for (int i = 0; i < n; i++) {
    size_t dl = strlen(dir), nl = strlen(ents[i]->d_name);
    char *p = rc ? NULL : malloc(dl + nl + 2);
    struct stat st;
    if (!rc && !p) rc = ENOMEM;
    if (p) {
      memcpy(p, dir, dl);
      p[dl] = '/';
      memcpy(p + dl + 1, ents[i]->d_name, nl + 1);
      if (stat(p, &st) != 0)
        rc = push(in, p, errno, 0, true);
      else if (S_ISDIR(st.st_mode)) {
        if (depth < 64) rc = walk(in, p, depth + 1);
      } else if (S_ISREG(st.st_mode)) {
        rc = push(in, p, 0, (uint64_t)st.st_size, true);
      }
      free(p);
    }
    free(ents[i]);
  }
  free(ents);
  return rc;
}

int cli_inputs_expand(const char **files, int n_files, cli_inputs *out)
{
  int rc = 0;
  memset(out, 0, sizeof *out);
  if (n_files == 0) {
    struct stat st;
    bool reg = fstat(0, &st) == 0 && S_ISREG(st.st_mode);
    rc = push(out, NULL, 0, reg ? (uint64_t)st.st_size : 0, reg);
  }
  for (int i = 0; i < n_files && !rc; i++) {
    const char *p = files[i];
    struct stat st;
    if (strcmp(p, "-") == 0) {
      bool reg = fstat(0, &st) == 0 && S_ISREG(st.st_mode);
      rc = push(out, NULL, 0, reg ? (uint64_t)st.st_size : 0, reg);
    } else if (stat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
      rc = walk(out, p, 0);
    } else {
      bool ok = stat(p, &st) == 0;
      /* A missing file keeps its place; opening it reports the error. */
      rc = push(out, p, 0, ok ? (uint64_t)st.st_size : 0, true);
    }
  }
  if (out->unknown) out->total = 0;
  return rc;
}

void cli_inputs_free(cli_inputs *in)
{
  for (size_t i = 0; i < in->n; i++) free(in->v[i].path);
  free(in->v);
  memset(in, 0, sizeof *in);
}

/* ====================================================================
** Output of the corpus commands
** ==================================================================== */

bool cli_output_write(FILE *out, const char *path, const void *s, size_t n,
                      bool *failed)
{
  if (*failed) return false;
  if (fwrite(s, 1, n, out) != n) {
    cli_warn(path, 0, "writing output: %s", strerror(errno));
    *failed = true;
    return false;
  }
  return true;
}

void cli_output_buffer(FILE *out)
{
  if (out && !isatty(fileno(out))) setvbuf(out, NULL, _IOFBF, (size_t)1 << 20);
}

void cli_output_buffer_big(FILE *out)
{
  if (out && !isatty(fileno(out))) process_buffer(out, OUT_BUF);
}

static bool unstalled(const struct stat *st, bool dir_ok, bool pipes_ok)
{
  return S_ISREG(st->st_mode) || (dir_ok && S_ISDIR(st->st_mode)) ||
         (pipes_ok && (S_ISFIFO(st->st_mode) || S_ISSOCK(st->st_mode)));
}

bool cli_inputs_unstalled(const char **files, int n_files, bool pipes_ok)
{
  struct stat st;
  if (n_files == 0)
    return fstat(STDIN_FILENO, &st) == 0 && unstalled(&st, false, pipes_ok);
  for (int i = 0; i < n_files; i++) {
    bool in = strcmp(files[i], "-") == 0;
    if ((in ? fstat(STDIN_FILENO, &st) : stat(files[i], &st)) != 0 ||
        !unstalled(&st, !in, pipes_ok))
      return false;
  }
  return true;
}

bool cli_output_close(FILE *out, const char *path, bool write_failed)
{
  bool ok = true;
  if (!write_failed && (fflush(out) != 0 || ferror(out))) {
    cli_warn(path, 0, "writing output: %s", strerror(errno));
    ok = false;
  }
  if (out != stdout && fclose(out) != 0 && !write_failed) {
    cli_warn(path, 0, "writing output: %s", strerror(errno));
    ok = false;
  }
  return ok;
}
