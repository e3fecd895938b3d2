// The subcommand registry: a module dropped in as server/src/cli/<name>.ts (for a name listed in
// SUBCOMMAND_NAMES) is bundled by esbuild and dispatched to; a missing one is simply unavailable.
// Checked on a copy of subcommands.ts bundled in a temporary directory with fake modules, so the test
// does not depend on whether the real simulate/knock modules exist yet.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { build } from 'esbuild';
import { repoRoot, tempTree } from './helpers';

test('subcommand modules are found in the bundle when they exist, and only then', async () => {
  const t = tempTree({
    'cli/subcommands.ts': fs.readFileSync(path.join(repoRoot, 'server', 'src', 'cli', 'subcommands.ts'), 'utf8'),
    'cli/io.ts': 'export interface CliIO { out(t: string): void }\n',
    'cli/simulate.ts':
      "export const command = { name: 'simulate', summary: 'fake', run: (args: string[]) => { console.log('simulate ran with ' + args.join(' ')); return 3; } };\n",
    'cli/entry.ts': [
      "import { loadSubcommand, availableSubcommands } from './subcommands';",
      'void (async () => {',
      "  const names = (await availableSubcommands()).map((s) => s.name).join(',');",
      "  console.log('available: ' + names);",
      '  const sub = await loadSubcommand(process.argv[2]);',
      "  if (!sub) { console.log('unavailable'); return; }",
      '  process.exitCode = await sub.run(process.argv.slice(3), {} as never);',
      '})();',
      '',
    ].join('\n'),
  });
  try {
    const out = path.join(t.dir, 'cli.js');
    await build({ entryPoints: [path.join(t.dir, 'cli', 'entry.ts')], outfile: out, bundle: true, platform: 'node', format: 'cjs', logLevel: 'silent' });
    const sim = spawnSync(process.execPath, [out, 'simulate', 'a.rsc', '--x'], { encoding: 'utf8' });
    assert.equal(sim.stdout, 'available: simulate\nsimulate ran with a.rsc --x\n');
    assert.equal(sim.status, 3);
    const knock = spawnSync(process.execPath, [out, 'knock'], { encoding: 'utf8' });
    assert.equal(knock.stdout, 'available: simulate\nunavailable\n');
    assert.equal(knock.stderr, '');
    // Names outside the list are never loaded, even when a file of that name exists.
    const entry = spawnSync(process.execPath, [out, 'entry'], { encoding: 'utf8' });
    assert.equal(entry.stdout, 'available: simulate\nunavailable\n');
  } finally {
    t.cleanup();
  }
});
