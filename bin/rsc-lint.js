#!/usr/bin/env node
// `rsc-lint`: the bundled CLI lives in dist/cli.js (built by `npm run build`, run on `npm install`).
//
// Start-up: Node 20 has no module compile cache (module.enableCompileCache is 22.1+), so the bundle is
// compiled through vm.Script with the V8 code cache scripts/build.mjs writes beside it
// (dist/cli.js.cache, made by one lint run so the functions a lint needs are in it). V8 checks the cache
// against the source and its own version and flags; a rejected or missing cache just means a normal
// compile. RSC_LINT_NO_CODE_CACHE=1 loads the bundle with plain require().
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const entry = path.join(__dirname, '..', 'dist', 'cli.js');
let source;
try {
  source = fs.readFileSync(entry, 'utf8');
} catch {
  process.stderr.write(`rsc-lint: ${entry} is missing: run "npm run build" in ${path.join(__dirname, '..')}\n`);
  process.exit(2);
}

function loadWithCodeCache() {
  const vm = require('node:vm');
  const Module = require('node:module');
  const cacheFile = `${entry}.cache`;
  let cachedData;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    // no cache: compile normally
  }
  const script = new vm.Script(Module.wrap(source), { filename: entry, cachedData });
  if (process.env.RSC_LINT_WRITE_CODE_CACHE === '1') {
    // After the run: the cache then holds every function the lint compiled.
    process.on('exit', () => {
      try {
        fs.writeFileSync(cacheFile, script.createCachedData());
      } catch {
        // a read-only install: no cache
      }
    });
  }
  const mod = { exports: {}, filename: entry, id: entry, loaded: false };
  const fn = script.runInThisContext();
  fn.call(mod.exports, mod.exports, Module.createRequire(entry), mod, entry, path.dirname(entry));
}

if (process.env.RSC_LINT_NO_CODE_CACHE === '1') require(entry);
else loadWithCodeCache();
