// ner.js -- the peer side of bench/bench_ner.sh.
//
//   node ner.js sentences CONLL            OpenNLP input: one sentence per
//                                          line, tokens space-separated, a
//                                          blank line between documents
//   node ner.js from-opennlp CONLL TAGGED  TokenNameFinder output (the
//                                          <START:type> ... <END> markup)
//                                          back to CONLL + predicted column
//   node ner.js compromise CONLL OUT [REPEAT]
//                                          compromise tags each document;
//                                          writes CONLL + predicted column
//                                          to OUT and prints tokens/s
//
// CONLL is eng.testa with its -DOCSTART- lines at document starts (bench_ner.sh
// moves the trailing one of these copies to the front). Predicted tags are
// IOB2. compromise: each document becomes one text, tokens joined by a space
// (none before closing punctuation and clitics, none after opening brackets),
// sentences by a newline; the words of people(), places() and organizations()
// matches (term char offsets) become PER, LOC and ORG on the tokens they
// cover (MISC is never predicted). Timed: nlp(text) and the three match lists with their
// offsets, per document, best of REPEAT passes over all documents by CPU
// time (process.cpuUsage()); reading, loading and the token mapping are not
// timed. tokens/s counts CoNLL tokens.
'use strict';
const fs = require('fs');

// Documents: [{lines: [raw line...], sents: [[{tok, line}]...]}]
function readDocs(path) {
  const docs = [];
  let doc = null, sent = [];
  const lines = fs.readFileSync(path, 'utf8').split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  const endSent = () => {
    if (sent.length) {
      if (!doc) docs.push((doc = { sents: [] }));
      doc.sents.push(sent);
    }
    sent = [];
  };
  lines.forEach((l, i) => {
    if (l.startsWith('-DOCSTART-')) {
      endSent();
      docs.push((doc = { sents: [] }));
    } else if (!l.trim()) {
      endSent();
    } else {
      sent.push({ tok: l.split(/\s+/)[0], line: i });
    }
  });
  endSent();
  return { lines, docs: docs.filter((d) => d.sents.length) };
}

// Writes the CoNLL lines with pred[lineIndex] (default O) appended.
function writeTagged(lines, pred, out) {
  const buf = lines.map((l, i) => {
    if (!l.trim() || l.startsWith('-DOCSTART-')) return l;
    return l + ' ' + (pred.get(i) || 'O');
  });
  fs.writeFileSync(out, buf.join('\n') + '\n');
}

function sentences(path) {
  const { docs } = readDocs(path);
  const out = [];
  for (const d of docs) {
    for (const s of d.sents) out.push(s.map((t) => t.tok).join(' '));
    out.push('');
  }
  process.stdout.write(out.join('\n') + '\n');
}

const OPENNLP_TYPES = { person: 'PER', location: 'LOC', organization: 'ORG', misc: 'MISC' };

function fromOpennlp(path, tagged) {
  const { lines, docs } = readDocs(path);
  const outLines = fs.readFileSync(tagged, 'utf8').split('\n').filter((l) => l.trim());
  const sents = [];
  for (const d of docs) for (const s of d.sents) sents.push(s);
  if (outLines.length !== sents.length)
    throw new Error(`${tagged}: ${outLines.length} sentences, ${path} has ${sents.length}`);
  const pred = new Map();
  sents.forEach((s, k) => {
    const f = outLines[k].trim().split(/\s+/);
    let i = 0, type = null, first = false;
    for (const w of f) {
      const m = /^<START:([^>]+)>$/.exec(w);
      if (m) {
        type = OPENNLP_TYPES[m[1]] || m[1].toUpperCase();
        first = true;
      } else if (w === '<END>') {
        type = null;
      } else {
        if (i >= s.length) throw new Error(`${tagged}: sentence ${k + 1} has too many tokens`);
        if (w !== s[i].tok) throw new Error(`${tagged}: sentence ${k + 1}: "${w}" for "${s[i].tok}"`);
        pred.set(s[i].line, type ? (first ? 'B-' : 'I-') + type : 'O');
        first = false;
        i++;
      }
    }
    if (i !== s.length) throw new Error(`${tagged}: sentence ${k + 1} has ${i} tokens, not ${s.length}`);
  });
  writeTagged(lines, pred, process.argv[5] || '/dev/stdout');
}

// A light detokenizer, so that compromise reads news text as it is written
// ("Hussain, Peter Such" rather than "Hussain , Peter Such").
const NO_SPACE_BEFORE = /^([,.;:!?)\]}%]+|'s|'S|n't|'re|'ve|'ll|'d|'m)$/;
const NO_SPACE_AFTER = /^[(\[{$]$/;

function compromise(path, out, repeat) {
  const { lines, docs } = readDocs(path);
  // one text per document, with each token's char offsets
  const texts = docs.map((d) => {
    let text = '';
    const toks = [];
    d.sents.forEach((s, k) => {
      if (k) text += '\n';
      let glue = true;
      s.forEach((t) => {
        if (!glue && !NO_SPACE_BEFORE.test(t.tok)) text += ' ';
        toks.push({ start: text.length, end: text.length + t.tok.length, line: t.line });
        text += t.tok;
        glue = NO_SPACE_AFTER.test(t.tok);
      });
    });
    return { text, toks };
  });
  const ntok = texts.reduce((a, t) => a + t.toks.length, 0);
  let t0 = process.hrtime.bigint();
  const nlp = require('compromise');
  const loadMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const JSON_OPTS = { offset: true, text: false, terms: { offset: true, text: true } };
  let best = null, bestWall = null, found = null;
  for (let r = 0; r < repeat; r++) {
    const res = [];
    const c0 = process.cpuUsage();
    t0 = process.hrtime.bigint();
    for (const t of texts) {
      const doc = nlp(t.text);
      res.push([
        ['PER', doc.people().json(JSON_OPTS)],
        ['LOC', doc.places().json(JSON_OPTS)],
        ['ORG', doc.organizations().json(JSON_OPTS)],
      ]);
    }
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    const c = process.cpuUsage(c0), cpu = (c.user + c.system) / 1e6;
    if (best === null || cpu < best) {
      best = cpu;
      bestWall = secs;
    }
    found = res;
  }
  // map matches onto tokens: the words of a match (its terms, less those
  // that are only punctuation) claim the CoNLL tokens they overlap; a chunk
  // starts at the first claimed token and again after any gap; the first
  // type (PER, then LOC, then ORG) to claim a token wins
  const pred = new Map();
  texts.forEach((t, di) => {
    const lab = new Array(t.toks.length).fill(null);
    for (const [type, matches] of found[di]) {
      for (const m of matches) {
        const claim = new Set();
        for (const term of m.terms) {
          if (!/[\p{L}\p{N}]/u.test(term.text)) continue;
          const s = term.offset.start, e = s + term.offset.length;
          t.toks.forEach((tk, k) => {
            if (tk.end > s && tk.start < e) claim.add(k);
          });
        }
        let prev = -2;
        for (const k of [...claim].sort((x, y) => x - y)) {
          if (!lab[k]) lab[k] = (k === prev + 1 ? 'I-' : 'B-') + type;
          prev = k;
        }
      }
    }
    t.toks.forEach((tk, k) => pred.set(tk.line, lab[k] || 'O'));
  });
  writeTagged(lines, pred, out);
  const rss = process.resourceUsage().maxRSS;
  console.log(`compromise: ${docs.length} documents, ${ntok} tokens, loaded in ` +
              `${loadMs.toFixed(1)} ms, best of ${repeat} passes: CPU ${best.toFixed(3)} s, ` +
              `wall ${bestWall.toFixed(3)} s -> ${Math.round(ntok / best)} tokens/s/core ` +
              `(wall: ${Math.round(ntok / bestWall)}), peak RSS ${rss} KB`);
  console.log(`RESULT tool=compromise tokens=${ntok} cpu=${best.toFixed(4)} ` +
              `secs=${bestWall.toFixed(4)} tps=${Math.round(ntok / best)} rss_kb=${rss} ` +
              `load_ms=${loadMs.toFixed(1)}`);
}

function main() {
  const [cmd, a, b, c] = process.argv.slice(2);
  if (cmd === 'sentences' && a) return sentences(a);
  if (cmd === 'from-opennlp' && a && b) return fromOpennlp(a, b);
  if (cmd === 'compromise' && a && b) return compromise(a, b, c ? parseInt(c, 10) : 3);
  console.error('usage: node ner.js sentences CONLL | from-opennlp CONLL TAGGED [OUT] |' +
                ' compromise CONLL OUT [REPEAT]');
  process.exit(2);
}

main();
