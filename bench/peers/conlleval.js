// conlleval.js -- a conlleval-style scorer (the CoNLL-2003 shared task's
// perl script, rewritten): exact-match chunks, precision, recall and F1
// per type and overall.
//
//   node conlleval.js [--types PER,LOC,ORG] [--result NAME] FILE
//
// FILE: CoNLL columns, space separated; the last column is the predicted
// tag, the one before it the gold tag. A blank line ends a sentence;
// -DOCSTART- lines are skipped. IOB1 and IOB2 (and plain XXX) are read the
// way conlleval reads them: a chunk starts at B-X, or at I-X after O or
// after a chunk of another type, and ends before a tag that does not
// continue it.
// --types keeps only chunks of those types (gold and predicted), for
// scoring tools that do not predict every type on the types they do.
// --result NAME prints a last line "RESULT tool=NAME f1=.. p=.. r=..".
'use strict';
const fs = require('fs');

function split(tag) {
  if (tag === 'O' || tag === '' || tag === undefined) return ['O', ''];
  const m = /^([BIES])-(.+)$/.exec(tag);
  if (m) return [m[1], m[2]];
  return ['I', tag];
}

// conlleval's endOfChunk(prevTag, tag, prevType, type)
function endOfChunk(pt, t, ptype, type) {
  if (pt === 'B' && t === 'B') return true;
  if (pt === 'B' && t === 'O') return true;
  if (pt === 'I' && t === 'B') return true;
  if (pt === 'I' && t === 'O') return true;
  if (pt === 'E' || pt === 'S') return true;
  if (pt !== 'O' && pt !== '.' && ptype !== type) return true;
  return false;
}

// conlleval's startOfChunk(prevTag, tag, prevType, type)
function startOfChunk(pt, t, ptype, type) {
  if (pt === 'B' && t === 'B') return true;
  if (pt === 'I' && t === 'B') return true;
  if (pt === 'O' && t === 'B') return true;
  if (pt === 'O' && t === 'I') return true;
  if (pt === 'E' && t === 'E') return true;
  if (pt === 'E' && t === 'I') return true;
  if (pt === 'O' && t === 'E') return true;
  if (pt === 'O' && t === 'I') return true;
  if (t === 'S') return true;
  if (t !== 'O' && t !== '.' && ptype !== type) return true;
  return false;
}

// Chunks of one tag sequence (one sentence): [[type, start, end], ...]
function chunks(tags) {
  const out = [];
  let pt = 'O', ptype = '', start = -1;
  for (let i = 0; i <= tags.length; i++) {
    const [t, type] = i < tags.length ? split(tags[i]) : ['O', ''];
    if (start >= 0 && endOfChunk(pt, t, ptype, type)) {
      out.push([ptype, start, i]);
      start = -1;
    }
    if (startOfChunk(pt, t, ptype, type)) start = i;
    pt = t;
    ptype = type;
  }
  return out;
}

// Scores sentences given as arrays of [gold, pred] pairs.
function score(sentences, keep) {
  const per = {};
  const get = (k) => (per[k] = per[k] || { gold: 0, pred: 0, ok: 0 });
  let tokens = 0;
  for (const s of sentences) {
    tokens += s.length;
    const g = chunks(s.map((x) => x[0])).filter((c) => !keep || keep.has(c[0]));
    const p = chunks(s.map((x) => x[1])).filter((c) => !keep || keep.has(c[0]));
    const gs = new Set(g.map((c) => c.join(' ')));
    for (const c of g) get(c[0]).gold++;
    for (const c of p) {
      get(c[0]).pred++;
      if (gs.has(c.join(' '))) get(c[0]).ok++;
    }
  }
  const all = { gold: 0, pred: 0, ok: 0 };
  for (const k of Object.keys(per)) {
    all.gold += per[k].gold;
    all.pred += per[k].pred;
    all.ok += per[k].ok;
  }
  const prf = (c) => {
    const p = c.pred ? (100 * c.ok) / c.pred : 0;
    const r = c.gold ? (100 * c.ok) / c.gold : 0;
    return { p, r, f1: p + r ? (2 * p * r) / (p + r) : 0, ...c };
  };
  const types = {};
  for (const k of Object.keys(per).sort()) types[k] = prf(per[k]);
  return { tokens, overall: prf(all), types };
}

function readConll(path) {
  const sentences = [];
  let cur = [];
  for (const line of fs.readFileSync(path, 'utf8').split('\n')) {
    const l = line.trim();
    if (!l) {
      if (cur.length) sentences.push(cur);
      cur = [];
      continue;
    }
    if (l.startsWith('-DOCSTART-')) continue;
    const f = l.split(/\s+/);
    if (f.length < 3) throw new Error(`${path}: a line with fewer than 3 columns: ${l}`);
    cur.push([f[f.length - 2], f[f.length - 1]]);
  }
  if (cur.length) sentences.push(cur);
  return sentences;
}

function report(res) {
  const o = res.overall;
  const lines = [];
  lines.push(`processed ${res.tokens} tokens with ${o.gold} phrases; ` +
             `found: ${o.pred} phrases; correct: ${o.ok}.`);
  lines.push(`overall: precision: ${o.p.toFixed(2)}%; ` +
             `recall: ${o.r.toFixed(2)}%; FB1: ${o.f1.toFixed(2)}`);
  for (const [k, c] of Object.entries(res.types))
    lines.push(`${k.padStart(17)}: precision: ${c.p.toFixed(2).padStart(6)}%; ` +
               `recall: ${c.r.toFixed(2).padStart(6)}%; FB1: ${c.f1.toFixed(2).padStart(6)}  ${c.pred}`);
  return lines.join('\n');
}

module.exports = { chunks, score, readConll, report };

if (require.main === module) {
  const args = process.argv.slice(2);
  let keep = null, name = null, file = null;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--types') keep = new Set(args[++i].split(','));
    else if (args[i] === '--result') name = args[++i];
    else file = args[i];
  }
  if (!file) {
    console.error('usage: node conlleval.js [--types PER,LOC,ORG] [--result NAME] FILE');
    process.exit(2);
  }
  const res = score(readConll(file), keep);
  console.log(report(res));
  if (name) {
    const o = res.overall;
    console.log(`RESULT tool=${name} f1=${o.f1.toFixed(2)} p=${o.p.toFixed(2)} ` +
                `r=${o.r.toFixed(2)} types=${keep ? [...keep].join(',') : 'all'}`);
  }
}
