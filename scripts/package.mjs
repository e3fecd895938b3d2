// `npm run package`: builds the production bundles and packs the .vsix offline, in a staging folder so a
// concurrent dev build into dist/ can never end up in the package. Output: dist/routeros-firewall-tools.vsix.
// What ships is decided by .vscodeignore (applied by vsce in the staging folder).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'routeros-firewall-tools.vsix');
const stage = mkdtempSync(join(tmpdir(), 'routeros-vsix-'));
const t0 = Date.now();

function run(cmd, args, cwd) {
  const r = spawnSync(cmd, args, { cwd, stdio: 'inherit' });
  if (r.status !== 0) {
    rmSync(stage, { recursive: true, force: true });
    console.error(`package: ${[cmd, ...args].join(' ')} failed`);
    process.exit(1);
  }
}

try {
  run(process.execPath, [join(root, 'scripts', 'build.mjs'), '--production', '--outdir', join(stage, 'dist')], root);
  // Everything .vscodeignore may let through; vsce filters it again.
  for (const f of ['package.json', '.vscodeignore', 'LICENSE', 'README.md', 'CHANGELOG.md', 'language-configuration.json', 'syntaxes', 'snippets', 'docs', 'images', 'media', 'examples']) {
    if (existsSync(join(root, f))) cpSync(join(root, f), join(stage, f), { recursive: true });
  }
  rmSync(join(stage, 'dist', 'cli.js'), { force: true }); // the CLI is not part of the extension
  mkdirSync(dirname(out), { recursive: true });
  const vsce = join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
  // The Marketplace page is the extension's own README (what a user sees), not the repository's developer README.
  cpSync(join(root, 'docs', 'extension', 'README.md'), join(stage, 'README.md'));
  run(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--out', out], stage);
} finally {
  rmSync(stage, { recursive: true, force: true });
}
const size = statSync(out).size;
const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
console.log(`package: ${out} (v${version}) ${(size / 1024).toFixed(0)} KiB (${size} bytes) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
if (size > 3 * 1024 * 1024) console.warn('package: WARNING: over the 3 MB target');
