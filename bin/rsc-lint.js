#!/usr/bin/env node
// `rsc-lint`: the bundled CLI lives in dist/cli.js (built by `npm run build`, run on `npm install`).
'use strict';
const path = require('node:path');
const entry = path.join(__dirname, '..', 'dist', 'cli.js');
try {
  require.resolve(entry);
} catch {
  process.stderr.write(`rsc-lint: ${entry} is missing: run "npm run build" in ${path.join(__dirname, '..')}\n`);
  process.exit(2);
}
require(entry);
