#!/usr/bin/env python3
"""fts_replay.py -- replays the FTS worker's job on its own, for tuning.

Reads (id, title, text) from the `articles` of a store written by
`dateline index` and indexes them, in id order, into a new file with the
side file's FTS5 table (the same definition, page size, pragmas, hashsize
and a commit every --every articles), then prints the CPU time (user +
sys of this process: one thread) every 100,000 articles and at the end,
and the segments FTS5 left (levels of its structure record). Options are
FTS5 settings (automerge, crisismerge, hashsize, pgsz) to compare.

  python3 bench/fts_replay.py STORE OUT [--automerge N] [--optimize] ...
  python3 bench/fts_replay.py STORE OUT --query government  # time bm25 top 20

Uses Python's sqlite3 module, so the system's SQLite (the one the CLI
links). Offline, standard library only; never run in CI.
"""
import argparse
import os
import resource
import sqlite3
import time


def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def varint(b, i):
    v = 0
    for _ in range(8):
        c = b[i]
        i += 1
        v = (v << 7) | (c & 0x7F)
        if not c & 0x80:
            return v, i
    return (v << 8) | b[i], i + 1


def segments(db):
    """[(level, segments, leaf pages)] from the structure record (id 10)."""
    b = db.execute("SELECT block FROM articles_fts_data WHERE id = 10").fetchone()[0]
    i = 4
    nlev, i = varint(b, i)
    _, i = varint(b, i)
    _, i = varint(b, i)
    out = []
    for lvl in range(nlev):
        _, i = varint(b, i)
        nseg, i = varint(b, i)
        pages = 0
        for _ in range(nseg):
            _, i = varint(b, i)
            p1, i = varint(b, i)
            p2, i = varint(b, i)
            pages += p2 - p1 + 1
        if nseg:
            out.append((lvl, nseg, pages))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("store")
    ap.add_argument("out")
    ap.add_argument("-n", type=int, default=10**12, help="articles (ids <= n)")
    ap.add_argument("--every", type=int, default=20000)
    ap.add_argument("--hashsize", type=int, default=128 * 1024 * 1024)
    ap.add_argument("--automerge", type=int)
    ap.add_argument("--crisismerge", type=int)
    ap.add_argument("--pgsz", type=int)
    ap.add_argument("--journal-mode", default="WAL")
    ap.add_argument("--pragma", action="append", default=[],
                    help="another PRAGMA for OUT, e.g. secure_delete=OFF")
    ap.add_argument("--no-spill", action="store_true",
                    help="PRAGMA cache_spill=OFF (pages written at COMMIT only)")
    ap.add_argument("--optimize", action="store_true",
                    help="then merge into one segment ('merge', -2000 steps)")
    ap.add_argument("--query", action="append",
                    help="only time these queries on OUT (median of 5)")
    a = ap.parse_args()
    if a.query:
        d = sqlite3.connect(a.out)
        for q in a.query:
            ts = []
            for _ in range(5):
                t0 = cpu()
                d.execute("SELECT rowid FROM articles_fts WHERE articles_fts"
                          " MATCH ? ORDER BY bm25(articles_fts) LIMIT 20",
                          (q,)).fetchall()
                ts.append(cpu() - t0)
            print("%-24s %.1f ms" % (q, sorted(ts)[2] * 1000))
        return
    for sfx in ("", "-wal", "-shm"):
        if os.path.exists(a.out + sfx):
            os.unlink(a.out + sfx)
    d = sqlite3.connect(a.out, isolation_level=None)
    d.executescript("PRAGMA page_size=16384; PRAGMA journal_mode=%s;"
                    " PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536;"
                    " PRAGMA wal_autocheckpoint=16384;%s"
                    % (a.journal_mode,
                       " PRAGMA cache_spill=OFF;" if a.no_spill else ""))
    for p in a.pragma:
        d.execute("PRAGMA " + p)
    d.execute("CREATE VIRTUAL TABLE articles_fts USING fts5(title, text,"
              " content='articles', content_rowid='id',"
              " tokenize='unicode61 remove_diacritics 2')")
    for k in ("hashsize", "automerge", "crisismerge", "pgsz"):
        v = getattr(a, k)
        if v is not None:
            d.execute("INSERT INTO articles_fts(articles_fts, rank)"
                      " VALUES(?, ?)", (k, v))
    src = sqlite3.connect(a.store)
    t0, w0, i = cpu(), time.time(), 0
    d.execute("BEGIN")
    for r in src.execute("SELECT id, title, text FROM articles WHERE id <= ?"
                         " ORDER BY id", (a.n,)):
        d.execute("INSERT INTO articles_fts(rowid, title, text) VALUES(?,?,?)", r)
        i += 1
        if i % a.every == 0:
            d.execute("COMMIT")
            d.execute("BEGIN")
        if i % 100000 == 0:
            print("%7d articles: %.1f s CPU" % (i, cpu() - t0), flush=True)
    d.execute("COMMIT")
    t1 = cpu()
    if a.optimize:
        while True:
            b = d.total_changes
            d.execute("INSERT INTO articles_fts(articles_fts, rank)"
                      " VALUES('merge', -2000)")
            if d.total_changes - b < 2:
                break
    print("indexed %d articles: %.1f s CPU (%.0f s wall)%s; segments"
          " (level, count, leaf pages): %s" % (
              i, t1 - t0, time.time() - w0,
              ", optimize %.1f s CPU" % (cpu() - t1) if a.optimize else "",
              segments(d)))


if __name__ == "__main__":
    main()
