/*
** progress.h -- the progress line of the corpus commands (progress.c):
** documents, bytes, rate and, when the input size is known, percent and
** ETA, redrawn at most five times a second on stderr -- only when stderr
** is a terminal (DATELINE_PROGRESS=1 forces it on, =0 off).
*/
#ifndef DL_CLI_PROGRESS_H
#define DL_CLI_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

typedef struct cli_progress {
  bool on;
  bool drawn;
  uint64_t total; /* input bytes, 0 unknown */
  double t0, last;
} cli_progress;

void cli_progress_init(cli_progress *p, uint64_t total_bytes);
/* Seconds on the monotonic clock (for rates and timings). */
double cli_now(void);
/* docs done, input bytes consumed so far. Cheap when not redrawing. */
void cli_progress_update(cli_progress *p, uint64_t docs, uint64_t bytes);
/* Final line (when on), then a newline. */
void cli_progress_end(cli_progress *p, uint64_t docs, uint64_t bytes);

#endif
