// Runs the same real-editor mocha suite (test/e2e/suite) with @vscode/test-electron, in a desktop VS Code.
// test-electron downloads VS Code from Microsoft unless told where one is, so it needs either internet or an
// installed VS Code:
//
//   node scripts/e2e-electron.mjs                                   # downloads the latest stable VS Code
//   VSCODE_EXECUTABLE=/usr/share/code/code node scripts/e2e-electron.mjs   # uses an installed one
//
// On a machine without a display run it under xvfb-run. Artifacts: test-artifacts/electron/ (no screenshots
// here; the code-server runner takes those).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTests } from '@vscode/test-electron';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ARTIFACTS = join(root, 'test-artifacts', 'electron');

if (!process.argv.includes('--no-build')) {
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--e2e'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(1);
}
rmSync(ARTIFACTS, { recursive: true, force: true });
mkdirSync(ARTIFACTS, { recursive: true });
const tmp = mkdtempSync(join(tmpdir(), 'routeros-electron-'));
const workspace = join(tmp, 'workspace');
cpSync(join(root, 'test', 'e2e', 'fixtures'), workspace, { recursive: true });

let code = 1;
try {
  code = await runTests({
    extensionDevelopmentPath: root,
    extensionTestsPath: join(root, 'dist', 'e2e', 'suite', 'index.js'),
    vscodeExecutablePath: process.env.VSCODE_EXECUTABLE || undefined,
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--user-data-dir', join(tmp, 'user-data'), '--skip-welcome', '--skip-release-notes'],
    extensionTestsEnv: { ROUTEROS_E2E_ARTIFACTS: ARTIFACTS, ROUTEROS_E2E_HOST: 'electron' },
  });
} catch (e) {
  const msg = e instanceof Error ? e.message : String(e);
  console.error(`e2e electron: ${msg}`);
  if (/ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN/.test(msg) && !process.env.VSCODE_EXECUTABLE) {
    console.error('e2e electron: VS Code could not be downloaded; point VSCODE_EXECUTABLE at an installed VS Code, or use npm run test:e2e (code-server)');
  }
  code = 1;
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
const resultsFile = join(ARTIFACTS, 'e2e-results.json');
const results = existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, 'utf8')) : undefined;
const passed = results?.passed ?? 0;
const failed = Math.max(results?.failed ?? 0, code !== 0 && !(results?.failed > 0) ? 1 : 0);
console.log(`${passed} passed, ${failed} failed`);
process.exit(code === 0 && failed === 0 ? 0 : 1);
