#!/usr/bin/env node
// Dumps place lists of npm packages as TSV on stdout for
// tools/gen/build_geo.py (build time only).
//   node tools/gen/build_geo_dump.js NPM_DIR            node-location-timezone
//       (MIT) locations: city, iso2, lat, lon, province, state
//   node tools/gen/build_geo_dump.js NPM_DIR csc-cities  the cities of
//       countries-states-cities-service (dr5hn's countries-states-cities
//       database, ODbL): city, iso2, lat, lon, state name, ""
//   node tools/gen/build_geo_dump.js NPM_DIR csc-states  its states and
//       regions: name, iso2, lat, lon, state code, is_region (0/1)
'use strict';
const path = require('path');
const dir = process.argv[2];
const what = process.argv[3] || 'nlt';
if (!dir) {
  process.stderr.write('usage: build_geo_dump.js NPM_DIR [nlt|csc-cities|csc-states]\n');
  process.exit(2);
}
const clean = (s) => String(s == null ? '' : s).replace(/[\t\r\n]+/g, ' ').trim();
const out = [];
if (what === 'nlt') {
  const nlt = require(path.resolve(dir, 'node_modules', 'node-location-timezone'));
  for (const l of nlt.getLocations()) {
    out.push([clean(l.city), clean(l.country && l.country.iso2), l.latitude,
      l.longitude, clean(l.province), clean(l.state)].join('\t'));
  }
} else {
  const csc = require(path.resolve(dir, 'node_modules', 'countries-states-cities-service'));
  const states = csc.States.getStates();
  if (what === 'csc-states') {
    for (const s of states) {
      if (s.latitude == null || s.longitude == null) continue;
      out.push([clean(s.name), clean(s.country_code), s.latitude, s.longitude,
        clean(s.state_code), s.is_region ? 1 : 0].join('\t'));
    }
  } else {
    const byId = new Map(states.map((s) => [s.id, s]));
    for (const c of csc.Cities.getCities()) {
      const s = byId.get(c.state_id);
      if (!s || c.latitude == null) continue;
      out.push([clean(c.name), clean(c.country_code), c.latitude, c.longitude,
        clean(s.name), ''].join('\t'));
    }
  }
}
process.stdout.write(out.join('\n') + '\n');
