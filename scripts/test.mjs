// Runs every test/**/*.test.ts file with Node's built-in test runner (TypeScript through tsx).
// Usage: node scripts/test.mjs [filter]   (filter: substring of the test file path)
// --conditions=import: chevrotain 13 is ESM-only and tsx's CommonJS resolver otherwise fails on its
// nested @chevrotain/* imports (ERR_PACKAGE_PATH_NOT_EXPORTED).
// Editor end-to-end suites live under test/e2e and run from `npm run test:e2e` instead.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const filter = process.argv[2];

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (name === 'e2e' || name === 'fixtures' || name === 'node_modules') continue;
      walk(p, out);
    } else if (name.endsWith('.test.ts')) out.push(relative(root, p));
  }
  return out;
}

const files = walk(join(root, 'test'), []).filter((f) => !filter || f.includes(filter)).sort();
if (files.length === 0) {
  console.error(`test: no test files${filter ? ` match "${filter}"` : ''}`);
  process.exit(1);
}
const r = spawnSync(process.execPath, ['--conditions=import', '--import', 'tsx', '--test', '--test-reporter=spec', ...files], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
