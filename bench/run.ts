// Runs every bench/*.ts module that exports `run()` and prints one table per module.
// Usage: npm run bench [-- NAME...]   (names filter the module files, e.g. `parser`)
// A module's run() returns rows { name, value, target?, ok? }; a row with ok === false makes the exit
// status 1, so CI can hold the targets.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

interface Row {
  name: string;
  value: string;
  target?: string;
  ok?: boolean;
}

const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const modules = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts')
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();

async function main(): Promise<void> {
let failed = false;
for (const file of modules) {
  const mod = (await import(pathToFileURL(join(here, file)).href)) as { run?: () => Row[] | Promise<Row[]> };
  if (typeof mod.run !== 'function') continue;
  const rows = await mod.run();
  const w0 = Math.max(...rows.map((r) => r.name.length), 6);
  const w1 = Math.max(...rows.map((r) => r.value.length), 6);
  console.log(`\n## ${file.replace(/\.ts$/, '')}`);
  for (const r of rows) {
    const status = r.ok === undefined ? '' : r.ok ? '  ok' : '  MISSED';
    console.log(`${r.name.padEnd(w0)}  ${r.value.padEnd(w1)}${r.target ? `  target ${r.target}` : ''}${status}`);
    if (r.ok === false) failed = true;
  }
}
process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(2);
});
