// tok.js -- tokenizer + sentence splitter throughput of a peer library over
// the corpus that bench_tok wrote (--write-jsonl), the same bytes ours reads.
//
//   node tok.js wink|compromise CORPUS.jsonl [REPEAT]
//
// wink        wink-nlp with wink-eng-lite-web-model, pipe ['sbd'] only:
//             tokens + sentence boundaries, no POS/NER/negation/sentiment.
//             tokens = doc.tokens().length(), sentences = doc.sentences().length()
//             (wink's instance learns words as it reads, so its second pass
//             over the corpus counts ~0.05% fewer tokens than its first; the
//             counts of the best pass are printed)
// compromise  nlp.tokenize(text): tokens and sentences without the tagger.
//             tokens = doc.termList().length (compromise attaches punctuation
//             to words, so it counts fewer tokens), sentences = doc.length
//
// Timed: each pass over every document, best of REPEAT passes by CPU time
// (the first pass also warms the JIT). Corpus reading and library/model
// loading are not timed (load time is printed). MB/s counts the UTF-8 bytes
// of the input (10^6 bytes per MB); per-core figures divide by the CPU time
// of the process (process.cpuUsage(): the JS thread plus GC/JIT helpers),
// the wall-clock figure is printed beside them, as bench_tok does.
// Peak RSS from process.resourceUsage().maxRSS.
// The last line is machine readable for bench/run.sh:
//   RESULT tool=... key=value ...
'use strict';
const fs = require('fs');

function main() {
  const [tool, path, rep] = process.argv.slice(2);
  const repeat = rep ? parseInt(rep, 10) : 3;
  if (!tool || !path || !(repeat >= 1)) {
    console.error('usage: node tok.js wink|compromise CORPUS.jsonl [REPEAT]');
    process.exit(2);
  }
  const texts = [];
  let bytes = 0;
  for (const line of fs.readFileSync(path, 'utf8').split('\n')) {
    if (!line) continue;
    const t = JSON.parse(line).text;
    texts.push(t);
    bytes += Buffer.byteLength(t, 'utf8');
  }
  const rssCorpus = process.resourceUsage().maxRSS;

  let t0 = process.hrtime.bigint();
  let annotate;
  if (tool === 'wink') {
    const winkNLP = require('wink-nlp');
    const model = require('wink-eng-lite-web-model');
    const nlp = winkNLP(model, ['sbd']);
    annotate = (text) => {
      const doc = nlp.readDoc(text);
      return [doc.tokens().length(), doc.sentences().length()];
    };
  } else if (tool === 'compromise') {
    const nlp = require('compromise');
    annotate = (text) => {
      const doc = nlp.tokenize(text);
      return [doc.termList().length, doc.length];
    };
  } else {
    console.error('tok.js: unknown tool ' + tool);
    process.exit(2);
  }
  const loadMs = Number(process.hrtime.bigint() - t0) / 1e6;

  let best = null;
  for (let r = 0; r < repeat; r++) {
    let tokens = 0, sentences = 0;
    const c0 = process.cpuUsage();
    t0 = process.hrtime.bigint();
    for (const t of texts) {
      const [nt, ns] = annotate(t);
      tokens += nt;
      sentences += ns;
    }
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    const c = process.cpuUsage(c0), cpu = (c.user + c.system) / 1e6;
    if (!best || cpu < best.cpu) best = { secs, cpu, tokens, sentences };
  }
  const rss = process.resourceUsage().maxRSS;
  const mb = bytes / 1e6;
  const mbps = mb / best.cpu, tps = best.tokens / best.cpu;
  const name = tool === 'wink' ? 'wink-nlp' : 'compromise';
  console.log(`corpus: ${path}, ${texts.length} documents, ${bytes} bytes`);
  console.log(`${name}: loaded in ${loadMs.toFixed(1)} ms, best of ${repeat} passes (by CPU time)`);
  console.log(`wall ${best.secs.toFixed(3)} s, CPU ${best.cpu.toFixed(3)} s`);
  console.log(`per core: ${mbps.toFixed(2)} MB/s, ${Math.round(tps)} tokens/s; ` +
              `wall: ${(mb / best.secs).toFixed(2)} MB/s`);
  console.log(`sentences: ${best.sentences}, tokens: ${best.tokens}`);
  console.log(`peak RSS: ${rss} KB (corpus loaded: ${rssCorpus} KB)`);
  console.log(`RESULT tool=${name} threads=1 docs=${texts.length} bytes=${bytes} ` +
              `tokens=${best.tokens} sentences=${best.sentences} ` +
              `secs=${best.secs.toFixed(4)} cpu=${best.cpu.toFixed(4)} ` +
              `mbps=${mbps.toFixed(2)} tps=${Math.round(tps)} ` +
              `wall_mbps=${(mb / best.secs).toFixed(2)} rss_kb=${rss} ` +
              `load_ms=${loadMs.toFixed(1)}`);
}

main();
