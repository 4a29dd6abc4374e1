#!/usr/bin/env node
// Dumps the locations of node-location-timezone (MIT; city, country,
// province/state, point) as TSV on stdout: city, iso2, lat, lon, province,
// state.  tools/gen/build_geo.py reads it to name first-level divisions.
// Usage: node tools/gen/build_geo_dump.js NPM_DIR
'use strict';
const path = require('path');
const dir = process.argv[2];
if (!dir) {
  process.stderr.write('usage: build_geo_dump.js NPM_DIR\n');
  process.exit(2);
}
const nlt = require(path.resolve(dir, 'node_modules', 'node-location-timezone'));
const clean = (s) => String(s == null ? '' : s).replace(/[\t\r\n]+/g, ' ').trim();
const out = [];
for (const l of nlt.getLocations()) {
  out.push([clean(l.city), clean(l.country && l.country.iso2), l.latitude,
    l.longitude, clean(l.province), clean(l.state)].join('\t'));
}
process.stdout.write(out.join('\n') + '\n');
