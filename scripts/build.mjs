// Bundles the three entry points with esbuild: the VS Code client, the language server and the CLI.
// Chevrotain ships as ES modules only; esbuild turns everything into the CommonJS that Node and the
// VS Code extension host load. `--production` minifies and drops source maps (for the .vsix).
// `--e2e` also bundles the real-editor mocha suite (test/e2e/suite -> dist/e2e/suite/index.js; mocha and
// vscode stay external: the extension host provides vscode, mocha resolves from node_modules).
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const production = process.argv.includes('--production');
const e2e = process.argv.includes('--e2e');
// `--outdir DIR`: write the bundles there instead of dist/ (scripts/package.mjs stages the .vsix this way).
const outArg = process.argv.indexOf('--outdir');
const outDir = outArg >= 0 ? process.argv[outArg + 1] : join(root, 'dist');

const entries = [
  { in: 'client/src/extension.ts', out: 'client', external: ['vscode'] },
  { in: 'server/src/server.ts', out: 'server', external: [] },
  { in: 'server/src/cli/main.ts', out: 'cli', external: [] },
  // The worker threads of `rsc-lint --jobs N` (dist/cli-worker.js, found beside dist/cli.js).
  { in: 'server/src/cli/worker.ts', out: 'cli-worker', external: [] },
];
if (e2e) entries.push({ in: 'test/e2e/suite/index.ts', out: 'e2e/suite/index', external: ['vscode', 'mocha'] });

for (const e of entries) {
  const entry = join(root, e.in);
  if (!existsSync(entry)) {
    console.error(`build: ${e.in} does not exist yet, skipped`);
    continue;
  }
  await build({
    entryPoints: [entry],
    outfile: join(outDir, `${e.out}.js`),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: [...e.external, 'cpu-features', './crypto/build/Release/sshcrypto.node'],
    sourcemap: !production,
    minify: production,
    logLevel: 'warning',
  });
}

// V8 code cache for bin/rsc-lint.js (Node 20 has no module compile cache): one lint run of a bundled example
// writes dist/cli.js.cache with the functions a lint compiles. Not for --outdir builds (the .vsix has no CLI).
if (outArg < 0 && existsSync(join(outDir, 'cli.js'))) {
  const { spawnSync } = await import('node:child_process');
  const r = spawnSync(process.execPath, [join(root, 'bin', 'rsc-lint.js'), '--no-config', join(root, 'examples', 'knock-good.rsc')], {
    env: { ...process.env, RSC_LINT_WRITE_CODE_CACHE: '1' },
    stdio: 'ignore',
  });
  if (r.status !== 0 && r.status !== 1) console.error('build: could not write dist/cli.js.cache (rsc-lint still works, it starts slower)');
}
