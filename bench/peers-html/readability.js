// readability.js -- @mozilla/readability with jsdom over a list of pages,
// for bench/eval_html.py (bench only, never CI).
//   node bench/peers-html/readability.js LIST.txt OUT.jsonl
// LIST.txt: one page path a line (.html or .html.gz). Pages are read (and
// gunzipped) first; the timed loop is the parse (jsdom) plus Readability,
// as a user runs it. Prints pages/s on CPU time to stderr.
"use strict";
const fs = require("fs");
const zlib = require("zlib");
const { JSDOM, VirtualConsole } = require("jsdom");
const { Readability } = require("@mozilla/readability");

const [list, outp] = process.argv.slice(2);
const files = fs.readFileSync(list, "utf8").split("\n").filter(Boolean);
const pages = files.map((f) => {
  let b = fs.readFileSync(f);
  if (f.endsWith(".gz")) b = zlib.gunzipSync(b);
  return b.toString("utf8");
});
const vc = new VirtualConsole(); // silence page scripts' console and CSS errors
const out = [];
const c0 = process.cpuUsage();
const t0 = process.hrtime.bigint();
let failed = 0;
for (let i = 0; i < pages.length; i++) {
  let rec = { file: files[i] };
  try {
    const dom = new JSDOM(pages[i], { virtualConsole: vc });
    const art = new Readability(dom.window.document).parse();
    if (art) {
      rec.text = art.textContent;
      rec.title = art.title;
      rec.byline = art.byline;
      rec.published = art.publishedTime || null;
    }
    dom.window.close();
  } catch (e) {
    failed++;
    rec.error = String(e).slice(0, 200);
  }
  out.push(JSON.stringify(rec));
}
const wall = Number(process.hrtime.bigint() - t0) / 1e9;
const cu = process.cpuUsage(c0);
const cpu = (cu.user + cu.system) / 1e6;
fs.writeFileSync(outp, out.join("\n") + "\n");
process.stderr.write(
  `readability: ${pages.length} pages, ${wall.toFixed(3)} s wall, ${cpu.toFixed(3)} s cpu, ` +
    `${(pages.length / cpu).toFixed(1)} pages/s (cpu), ${failed} failed\n`
);
