/*
** stream.h -- input streams of the corpus commands (stream.c): plain
** files, stdin, gzip (.gz, zlib) and Zstandard (.zst, libzstd) files read
** through one FILE * (glibc fopencookie), directories expanded into their
** files, and the byte position a progress bar needs.
*/
#ifndef DL_CLI_STREAM_H
#define DL_CLI_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef enum { CLI_Z_NONE, CLI_Z_GZIP, CLI_Z_ZSTD } cli_zkind;

/* One open input. `f` yields the decompressed bytes; pos() the bytes of
** the underlying file consumed so far (compressed bytes for .gz/.zst). */
typedef struct cli_stream {
  FILE *f;
  cli_zkind z;
  void *cookie; /* decompressor state, NULL for a plain file */
  FILE *raw;    /* the underlying file */
  char *iobuf;  /* raw's stdio buffer (a named file), freed on close */
  bool is_stdin;
} cli_stream;

/* A hook for the reads about to wait: when set (before cli_stream_open),
** a pipe is read with read(2) as its bytes come, not a stdio buffer at a
** time, and fn(arg) runs each time nothing has come yet -- so that a
** command writes out what it has done before it waits (a live feed's
** records come out as its lines come in). NULL: no hook (the default). */
void cli_stream_on_stall(void (*fn)(void *), void *arg);

/* Opens path (NULL or "-": stdin). The compression is read from the
** first bytes (gzip 1f 8b, zstd 28 b5 2f fd), not from the name, so a
** compressed stdin works too. Returns 0, or an errno value. */
int cli_stream_open(const char *path, cli_stream *out);
/* Closes; returns 0 or the errno of a read/decompression error seen. */
int cli_stream_close(cli_stream *s);
/* The first decompression error seen (0 if none): getline() then just
** sees the end of the stream, so callers check this after the loop. */
int cli_stream_error(const cli_stream *s, const char **msg);
uint64_t cli_stream_pos(const cli_stream *s);

/* Reads the rest of the stream into a malloc'd NUL-terminated buffer,
** after the `pre` bytes given (may be NULL/0). NULL with errno set. */
char *cli_stream_read_all(cli_stream *s, const char *pre, size_t npre,
                          size_t *len);

/* Strips .gz / .zst from a name, for format detection by extension. */
bool cli_name_has_ext(const char *name, const char *ext);

/* An input list with directories expanded: every regular file under a
** directory, recursively, in byte order of names, skipping names that
** start with '.'. A directory that cannot be read stays in the list with
** its errno, so that its error record comes in its place. */
typedef struct cli_input {
  char *path;   /* NULL: stdin */
  int err;      /* errno of an unreadable directory, else 0 */
  uint64_t size;/* bytes on disk (0 unknown) */
} cli_input;

typedef struct cli_inputs {
  cli_input *v;
  size_t n, cap;
  uint64_t total; /* sum of sizes; 0 when any is unknown (stdin, pipe) */
  bool unknown;
} cli_inputs;

/* Returns 0 or ENOMEM. n_files == 0 means stdin. */
int cli_inputs_expand(const char **files, int n_files, cli_inputs *out);
void cli_inputs_free(cli_inputs *in);

/* --- Output of the corpus commands --------------------------------------
** One warning ("writing output: ...", naming path) on the first failure,
** then every later write is refused: the commands stop reading input once
** their output is gone (a full disk, a file-size limit). */

/* Writes n bytes unless *failed; false (and *failed set) on failure. */
bool cli_output_write(FILE *out, const char *path, const void *s, size_t n,
                      bool *failed);

/* Full buffering for an output that is not a terminal, before the first
** write, with glibc's default buffer (st_blksize: 4 KiB). */
void cli_output_buffer(FILE *out);
/* The same with a 64 KiB buffer, for an output whose inputs never leave
** records unseen in it (cli_inputs_unstalled): a 26 MB annotate output is
** then 400 write() calls, not 4,346 on the thread that also feeds the
** workers (stream.c says why not more). The buffer lives until exit
** (stdio may flush then). */
void cli_output_buffer_big(FILE *out);
/* True when every input (stdin when n_files is 0, or "-") is a regular
** file or a directory (reading never waits on a writer), or, with
** pipes_ok (the command flushes in a stall hook), a pipe or socket. A
** terminal, or anything else, is false. */
bool cli_inputs_unstalled(const char **files, int n_files, bool pipes_ok);

/* Flushes out and closes it unless it is stdout; false on an error, which
** is warned unless write_failed (already warned). */
bool cli_output_close(FILE *out, const char *path, bool write_failed);

#endif

/* --- Resumable output (stream_resume.c) ---------------------------------
** `--resume -o FILE`: the ids of the records already in FILE. A last line
** without its newline (a run killed while writing) is cut off first, so
** that the file ends on a whole record and appending goes on from there. */
typedef struct cli_idset {
  char **slot;    /* open addressing, NULL = empty */
  size_t cap, n;
} cli_idset;

/* Reads FILE (missing: empty set, not an error), truncates a partial last
** line. Returns 0 or an errno value; *lines gets the count of whole lines. */
int cli_resume_load(const char *path, cli_idset *set, uint64_t *lines);
bool cli_idset_has(const cli_idset *set, const char *id);
int cli_idset_add(cli_idset *set, const char *id, size_t len);
void cli_idset_free(cli_idset *set);
/* The "id" string at the start of a record line ({"id":"..."), or of any
** JSON object line (parsed), as a malloc'd string; NULL if none. */
char *cli_record_id(const char *line, size_t len);
