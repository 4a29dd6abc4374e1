// chrono_run.js -- the chrono-node peer of bench/eval_timex.py.
// Reads JSONL {"id", "text", "date"} on stdin; writes one line per document
// {"id", "dates": [{"start", "end", "type", "value"}]} with code-point
// offsets, each expression normalized to a TIMEX3 value at the granularity
// chrono knows (YYYY, YYYY-MM, YYYY-MM-DD, or THH:MM when a time is known),
// parsed against the document date. On stderr: the parse time of all
// documents (excluding Node start-up and I/O) as {"parse_ms": N, "docs": N}.
"use strict";
const chrono = require("chrono-node");
const readline = require("readline");

function pad(n, w) { return String(n).padStart(w, "0"); }

function value(c) {
  const y = c.get("year"), m = c.get("month"), d = c.get("day");
  if (c.isCertain("hour"))
    return ["TIME", `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}T${pad(c.get("hour"), 2)}:${pad(c.get("minute") || 0, 2)}`];
  if (c.isCertain("day") || c.isCertain("weekday"))
    return ["DATE", `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`];
  if (c.isCertain("month")) return ["DATE", `${pad(y, 4)}-${pad(m, 2)}`];
  return ["DATE", `${pad(y, 4)}`];
}

function cpOffsets(text) {
  // UTF-16 index -> code point index
  const map = new Int32Array(text.length + 1);
  let cp = 0;
  for (let i = 0; i < text.length; i++) {
    map[i] = cp;
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) { map[++i] = cp; }
    cp++;
  }
  map[text.length] = cp;
  return map;
}

const docs = [];
const rl = readline.createInterface({ input: process.stdin });
rl.on("line", (l) => { if (l.trim()) docs.push(JSON.parse(l)); });
rl.on("close", () => {
  const out = [];
  const t0 = process.hrtime.bigint();
  const parsed = docs.map((d) => {
    const ref = d.date ? new Date(d.date.length === 10 ? d.date + "T12:00:00" : d.date) : new Date();
    return chrono.parse(d.text, ref);
  });
  const t1 = process.hrtime.bigint();
  docs.forEach((d, k) => {
    const map = cpOffsets(d.text);
    const dates = parsed[k].map((r) => {
      const [type, v] = value(r.start);
      return { start: map[r.index], end: map[r.index + r.text.length], type, value: v };
    });
    out.push(JSON.stringify({ id: d.id, dates }));
  });
  process.stdout.write(out.join("\n") + "\n");
  process.stderr.write(JSON.stringify({ parse_ms: Number(t1 - t0) / 1e6, docs: docs.length }) + "\n");
});
