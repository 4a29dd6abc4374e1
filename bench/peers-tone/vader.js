// vader.js FILE -- vader-sentiment's compound score for every line of FILE,
// one a line on stdout; the time spent scoring goes to stderr.
'use strict';
const fs = require('fs');
const vader = require('vader-sentiment');
const lines = fs.readFileSync(process.argv[2], 'utf8').split('\n');
if (lines.length && lines[lines.length - 1] === '') lines.pop();
const out = new Array(lines.length);
const t0 = process.hrtime.bigint();
for (let i = 0; i < lines.length; i++) {
  out[i] = vader.SentimentIntensityAnalyzer.polarity_scores(lines[i]).compound;
}
const secs = Number(process.hrtime.bigint() - t0) / 1e9;
process.stdout.write(out.map((x) => x.toFixed(4)).join('\n') + '\n');
process.stderr.write(`vader-sentiment: ${lines.length} sentences in ${secs.toFixed(3)} s (${Math.round(lines.length / secs)} sentences/s)\n`);
