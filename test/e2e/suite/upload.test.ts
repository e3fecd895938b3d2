// "RouterOS: Upload and apply script..." in a real VS Code against a real OpenSSH server on 127.0.0.1 that
// plays a RouterOS router (test/fixtures/router/sshd.ts, started by the code-server runner through
// test/e2e/router-server.ts). Nothing is scripted inside the extension: the password is typed into VS Code's
// masked input box and the modals are clicked by the runner in the browser (support.ts uiSteps), as a user
// would. The suite never knows the password; the runner checks afterwards that it is in no settings.json,
// output channel log or artifact.
//
// Skips (with the reason) when no runner serves UI steps (test-electron) or the fake router could not start
// (no /usr/sbin/sshd, not root). In CI (.ci/run: root, openssh-server installed) it runs.

import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { RouterState } from '../../fixtures/router/fake-router';
import {
  EXTENSION_ID,
  codeOf,
  openFile,
  outputChannelLines,
  poll,
  routerosDiagnostics,
  screenshot,
  skipped,
  uiSteps,
  uiStepsAvailable,
  within,
  workspaceFile,
} from './support';

interface RouterInfo {
  port: number;
  user: string;
  routerDir: string;
  /** SHA-256 fingerprint of the server's host key, computed by ssh-keygen (not by the extension). */
  fingerprint: string;
  /** The router server's process: SIGUSR2 kills every SSH session (test/e2e/router-server.ts). */
  pid?: number;
}

const PROFILE = 'e2e-lab';

function routerInfo(): RouterInfo | string {
  if (!uiStepsAvailable()) {
    return 'needs the code-server runner (npm run test:e2e): only it can type the password into the workbench and click the modals';
  }
  const raw = process.env.ROUTEROS_E2E_ROUTER;
  if (!raw) return 'the runner started no fake router (ROUTEROS_E2E_ROUTER is not set)';
  const j = JSON.parse(raw) as Partial<RouterInfo> & { unavailable?: string };
  if (j.unavailable) return `the fake router could not start: ${j.unavailable}`;
  return j as RouterInfo;
}

function routerState(r: RouterInfo): RouterState {
  const p = join(r.routerDir, '.state.json');
  return existsSync(p)
    ? (JSON.parse(readFileSync(p, 'utf8')) as RouterState)
    : { applied: [], addressList: [], scheduler: [], imports: 0, filterRules: 0, log: [] };
}

/** Files on the router (the fake's own dot files excluded): the upload's temporary file must be gone. */
function routerFiles(r: RouterInfo): string[] {
  return readdirSync(r.routerDir).filter((f) => !f.startsWith('.'));
}

/** Waits for the next `[result] ...` line of the output channel after `seen` result lines. */
async function nextResultLine(seen: number): Promise<string> {
  return poll(
    'the upload outcome line ([result] ...) in the RouterOS output channel',
    () => outputChannelLines().filter((l) => l.includes('[result] '))[seen],
    60_000,
    200,
  );
}

const resultLines = () => outputChannelLines().filter((l) => l.includes('[result] ')).length;

const routerDiagnostics = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'router');

describe('upload to a router: real OpenSSH on 127.0.0.1, credentials through the UI', function () {
  this.timeout(120_000);
  let router: RouterInfo;

  before(async function () {
    const r = routerInfo();
    if (typeof r === 'string') {
      skipped.set(this.test!.parent!, r);
      console.log(`upload tests skipped: ${r}`);
      return this.skip();
    }
    router = r;
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} is not loaded`);
    await ext.activate();
    // The workbench registers the extension's settings asynchronously; writing before that is refused.
    await poll('the routeros.routers setting to be registered', () => vscode.workspace.getConfiguration('routeros').inspect('routers')?.defaultValue !== undefined);
    // The router profile goes into the temporary workspace's settings, as a user would add it.
    await vscode.workspace
      .getConfiguration('routeros')
      .update('routers', [{ name: PROFILE, host: '127.0.0.1', port: router.port, user: router.user, transport: 'ssh' }], vscode.ConfigurationTarget.Workspace);
    await poll('the router profile in the workspace settings', () =>
      vscode.workspace.getConfiguration('routeros').get<Array<{ port?: number }>>('routers')?.[0]?.port === router.port,
    );
    // The tests before the preview test are about the transport and the outcome: no preview question there.
    await vscode.workspace.getConfiguration('routeros.upload').update('preview', false, vscode.ConfigurationTarget.Workspace);
    await poll('the preview turned off', () => vscode.workspace.getConfiguration('routeros.upload').get<boolean>('preview') === false);
  });

  it('applies a clean file: password typed into the masked input box, host key confirmed in the modal, outcome in the output channel', async () => {
    const editor = await openFile('upload-apply.rsc');
    await vscode.commands.executeCommand('notifications.clearAll');
    const results = resultLines();
    const run = vscode.commands.executeCommand('routeros.uploadAndApply');

    // First use: the password (asked before connecting), then the host key seen for the first time.
    const [typed] = await uiSteps('upload-password', [{ secret: 'router-password' }, { press: 'Enter' }]);
    assert.equal(typed.inputBox?.type, 'password', 'the password box is masked');
    assert.equal(typed.inputBox?.title, `Password for ${router.user}@127.0.0.1:${router.port} (ssh)`);
    const [trust] = await uiSteps('upload-trust', [{ click: 'Trust and connect' }]);
    assert.ok(trust.dialogText?.includes(router.fingerprint), `the modal shows the server's key ${router.fingerprint}: ${trust.dialogText}`);
    assert.match(trust.dialogText!, new RegExp(`First connection to ${PROFILE} \\(127\\.0\\.0\\.1:${router.port}\\)`));

    const line = await nextResultLine(results);
    assert.match(line, new RegExp(`\\[result\\] applied: ${PROFILE}: The router ran the whole script successfully\\.`));
    const out = outputChannelLines();
    assert.ok(out.some((l) => l.includes('router> Script file loaded successfully')), 'the dry run ran first');
    assert.ok(out.some((l) => l.includes('router> Script file loaded and executed successfully')), 'the router output is in the channel');
    const state = routerState(router);
    assert.equal(state.imports, 1);
    assert.equal(state.filterRules, 2, 'both filter rules were applied');
    assert.deepEqual(routerFiles(router), [], 'the temporary file was removed from the router');
    assert.deepEqual(routerDiagnostics(editor.document.uri), []);

    await within(run, 'the upload command to return');
    // The user reads the outcome in the notification and opens the output channel with its button. (The
    // notification centre, opened with the status bar bell: the smoke-test driver the runner needs turns off
    // toasts.)
    // The list is opened by its command, not by clicking the bell: the bell's "Hide Notifications" tooltip
    // stays under the pointer and covers the notification's "Show Output" button.
    await vscode.commands.executeCommand('notifications.showList');
    await uiSteps('upload-show-output', [
      { see: `${PROFILE}: The router ran the whole script successfully.` },
      { click: 'Show Output' },
      { see: 'Script file loaded and executed successfully' },
    ]);
    await vscode.commands.executeCommand('notifications.hideList');
    await screenshot('upload-output');

    // Settings hold the profile and nothing secret (the runner also scans them for the password itself).
    const settings = readFileSync(workspaceFile('.vscode/settings.json').fsPath, 'utf8');
    assert.match(settings, /"routeros\.routers"/);
    assert.doesNotMatch(settings, /password|passphrase|secret/i);
  });

  it('shows the router\'s syntax error on the file\'s line (router line 5 = file line 7, after continuation lines); nothing applied', async () => {
    const editor = await openFile('upload-syntax-error.rsc');
    const uri = editor.document.uri;
    // The language server sees the same error first (so the upload's lint gate will too).
    await poll('the parse-error diagnostic', () => routerosDiagnostics(uri).some((d) => codeOf(d) === 'parse-error'));
    const before = routerState(router);
    const results = resultLines();
    const run = vscode.commands.executeCommand('routeros.uploadAndApply');

    // The lint gate warns about a file that does not parse; the user insists. The password and the host
    // key are remembered from the first upload: no prompt for them now.
    const [gate] = await uiSteps('upload-lockout-confirm', [{ click: 'Apply anyway (I have other access)' }]);
    assert.match(gate.dialogText ?? '', /does not parse: line 7: unexpected '\)' with nothing to close \[parse-error\]/);

    const line = await nextResultLine(results);
    assert.match(line, /\[result\] not-applied: .*syntax error \(line 5 column 78\).*nothing was applied/);
    const [d] = await poll('the router diagnostic in the Problems panel', () => {
      const ds = routerDiagnostics(uri);
      return ds.length ? ds : undefined;
    });
    assert.equal(routerDiagnostics(uri).length, 1);
    assert.equal(d.message, 'Router: syntax error (line 5 column 78)');
    assert.equal(codeOf(d), 'router-syntax');
    assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
    assert.deepEqual([d.range.start.line, d.range.start.character], [6, 36], 'on the 7th line, at the stray ")"');
    assert.equal(editor.document.getText(new vscode.Range(d.range.start, d.range.start.translate(0, 1))), ')');
    const lsp = routerosDiagnostics(uri).find((x) => codeOf(x) === 'parse-error');
    assert.equal(lsp?.range.start.line, 6, 'the language server and the router agree on the line');

    const after = routerState(router);
    assert.equal(after.imports, before.imports, 'no import ran (rejected in the dry run)');
    assert.equal(after.filterRules, before.filterRules);
    assert.deepEqual(routerFiles(router), [], 'the temporary file was removed from the router');

    await within(run, 'the upload command to return');
    await vscode.commands.executeCommand('notifications.clearAll');
    await vscode.commands.executeCommand('workbench.actions.view.problems');
    // The Problems panel lists every open file's problems (the suite has opened many by now): maximized, the
    // router's line is on screen whatever came before it in the list.
    await vscode.commands.executeCommand('workbench.action.toggleMaximizedPanel');
    editor.selection = new vscode.Selection(d.range.start, d.range.start);
    editor.revealRange(d.range);
    try {
      await uiSteps('upload-problems-visible', [{ see: 'Router: syntax error (line 5 column 78)' }]);
      await screenshot('upload-problems');
    } finally {
      await vscode.commands.executeCommand('workbench.action.toggleMaximizedPanel');
    }
  });

  it('reports a runtime error as partly applied, on the failing command\'s line', async () => {
    const editor = await openFile('upload-runtime-error.rsc');
    const uri = editor.document.uri;
    const before = routerState(router);
    const results = resultLines();
    const run = vscode.commands.executeCommand('routeros.uploadAndApply');
    const line = await nextResultLine(results);
    assert.match(line, /\[result\] partly-applied: .*stopped at line 4 \(input does not match any value of action\)/);
    const [d] = await poll('the router diagnostic', () => {
      const ds = routerDiagnostics(uri);
      return ds.length ? ds : undefined;
    });
    assert.equal(d.message, 'Router: input does not match any value of action');
    assert.equal(codeOf(d), 'router-runtime');
    assert.deepEqual([d.range.start.line, d.range.end.line], [3, 4], 'the whole failing command, continuation included');
    const after = routerState(router);
    assert.equal(after.imports, before.imports + 1);
    assert.equal(after.filterRules, before.filterRules + 1, 'the rule before the failing one was applied');
    assert.deepEqual(routerFiles(router), []);
    await within(run, 'the upload command to return');
    await vscode.commands.executeCommand('notifications.clearAll');
  });
  it('the connection dies during the import: outcome unknown with the reason, and the next upload starts normally', async function () {
    if (!router.pid) return this.skip();
    const configPath = join(router.routerDir, '.config.json');
    const config = readFileSync(configPath, 'utf8');
    // A slow import on the router, so the session can be killed while it runs.
    writeFileSync(configPath, JSON.stringify({ ...JSON.parse(config), importDelayMs: 6000 }));
    const before = routerState(router);
    let results = resultLines();
    await openFile('upload-fault.rsc');
    await vscode.commands.executeCommand('notifications.clearAll');
    const importing = () => outputChannelLines().filter((l) => l.includes('[apply] Importing ')).length;
    const importsBefore = importing();
    const run = vscode.commands.executeCommand('routeros.uploadAndApply');
    try {
      await poll('this upload\'s import to start ([apply] Importing ...)', () => importing() > importsBefore, 60_000, 100);
      await new Promise((r) => setTimeout(r, 700));
      process.kill(router.pid, 'SIGUSR2'); // the router server (started by the runner) kills every SSH session
      const line = await nextResultLine(results);
      assert.match(line, /\[result\] unknown: e2e-lab: The connection broke during the import: The connection to 127\.0\.0\.1:\d+ was lost/);
      assert.match(line, /Check the router before trying again\. The temporary file rsc-upload-\d{14}-[a-z0-9]{6}\.rsc is still on the router\./);
      await within(run, 'the upload command to return after the connection died');
    } finally {
      writeFileSync(configPath, config);
    }
    await vscode.commands.executeCommand('notifications.showList');
    await uiSteps('upload-fault-notification', [{ see: 'The connection broke during the import' }]);
    await screenshot('upload-fault');
    await vscode.commands.executeCommand('notifications.hideList');
    await vscode.commands.executeCommand('notifications.clearAll');
    assert.equal(routerState(router).imports, before.imports, 'the killed import did not finish on the fake router');
    const left = routerFiles(router);
    assert.equal(left.length, 1, 'the temporary file of the broken upload is still there, as reported');

    // The next upload: not "already running", no prompt, applied.
    results = resultLines();
    await openFile('upload-after-fault.rsc');
    const again = vscode.commands.executeCommand('routeros.uploadAndApply');
    const next = await nextResultLine(results);
    assert.match(next, /\[result\] applied: e2e-lab: The router ran the whole script successfully\./);
    await within(again, 'the next upload to return');
    assert.equal(routerState(router).imports, before.imports + 1);
    assert.deepEqual(routerFiles(router), left, 'the new upload removed its own temporary file');
  });
  it('preview: the router\'s /export and /user active show that the script cuts this session off; the question names the line; Cancel leaves the router as it was', async () => {
    await vscode.workspace.getConfiguration('routeros.upload').update('preview', true, vscode.ConfigurationTarget.Workspace);
    await poll('the preview turned on', () => vscode.workspace.getConfiguration('routeros.upload').get<boolean>('preview') === true);
    const before = routerState(router);
    // (the fault test before this one leaves its temporary file behind, as reported)
    const filesBefore = routerFiles(router);
    await openFile('upload-preview.rsc');
    await vscode.commands.executeCommand('notifications.clearAll');
    const run = vscode.commands.executeCommand('routeros.uploadAndApply');
    // The preview document opens beside the script, then the question (modal) asks.
    const doc = await poll('the preview document', () => vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'routeros-preview'), 60_000, 100);
    const text = doc.getText();
    assert.match(text, /## This upload's session: CUT OFF/);
    assert.match(text, /\| 127\.0\.0\.1 \| lo \| accepted → DROPPED \| accepted → DROPPED \|/);
    assert.match(text, /line 3 of upload-preview\.rsc/);
    await uiSteps('upload-preview-visible', [{ see: 'cuts off this upload' }]);
    await screenshot('upload-preview');
    const [q] = await uiSteps('upload-preview-cancel', [{ click: 'Cancel' }]);
    assert.match(q.dialogText ?? '', /The script cuts off this upload's ssh session from 127\.0\.0\.1 to port \d+: line 3 of upload-preview\.rsc/);
    assert.match(q.dialogText ?? '', /Apply with automatic revert|automatic revert/);
    await within(run, 'the upload command to return');
    const out = outputChannelLines();
    assert.ok(out.some((l) => /preview: session cut/.test(l)), 'the verdict is in the output channel');
    const after = routerState(router);
    assert.equal(after.imports, before.imports, 'nothing was imported');
    assert.deepEqual(routerFiles(router), filesBefore, 'nothing was stored on the router');
    assert.ok(after.log.includes('/export') && after.log.includes('/user active print terse'));
  });
});
