// Real-editor test of "RouterOS: Upload and apply script" against the local OpenSSH fake router
// (test/fixtures/router/sshd.ts): the password and the host-key confirmation go through the real UI
// prompts, the outcome must show in the RouterOS output channel and the Problems panel.
//
// NOT YET WIRED into index.ts: typing into VS Code's input box and pressing the modal's button cannot be
// done from the extension host; it needs the runner (scripts/e2e-code-server.mjs) to serve a keyboard
// handshake like its screenshot one: the suite writes `<name>.keys-request` (JSON array of steps
// `{ "text": "..." }` / `{ "press": "Enter" }` / `{ "click": "<button label>" }`) into
// $ROUTEROS_E2E_ARTIFACTS, the runner performs them with playwright (page.keyboard.type / press,
// page.getByRole('button', { name }).click()) and writes `<name>.keys-done`. Also needs root + sshd
// (the suite skips otherwise) and `esbuild` kept external in the e2e bundle.

import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { sshdUnavailable, startFakeRouterSshd, type FakeRouterSshd } from '../../fixtures/router/sshd';
import { poll, screenshot, workspaceFile } from './support';

/** Asks the runner to perform keyboard/mouse steps in the workbench and waits until it did. */
async function uiSteps(name: string, steps: Array<{ text: string } | { press: string } | { click: string }>): Promise<void> {
  const dir = process.env.ROUTEROS_E2E_ARTIFACTS;
  if (!dir) throw new Error('ROUTEROS_E2E_ARTIFACTS is not set: the runner must serve keyboard requests');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.keys-request`), JSON.stringify(steps));
  await poll(`runner performing ${name}`, () => existsSync(join(dir, `${name}.keys-done`)), 20_000, 100);
}

const SCRIPT = [
  '/ip firewall filter',
  'add chain=input action=accept connection-state=established,related',
  'add chain=input action=dropp',
  '',
].join('\n');

describe('upload to a router (real sshd on 127.0.0.1)', function () {
  const skip = sshdUnavailable();
  let srv: FakeRouterSshd | undefined;

  before(async function () {
    if (skip) return this.skip();
    srv = await startFakeRouterSshd();
    await vscode.workspace
      .getConfiguration('routeros')
      .update('routers', [{ name: 'e2e-lab', host: '127.0.0.1', port: srv.port, user: srv.user, transport: 'ssh' }], vscode.ConfigurationTarget.Global);
  });
  after(async () => {
    await srv?.stop();
  });

  it('asks for the host key and password in the UI, applies partly, shows the router error in Problems', async () => {
    const uri = workspaceFile('upload-e2e.rsc');
    await vscode.workspace.fs.writeFile(uri, Buffer.from(SCRIPT));
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const run = vscode.commands.executeCommand('routeros.uploadAndApply');
    // 1) the modal with the SHA-256 fingerprint, 2) the password input box.
    await uiSteps('upload-trust', [{ click: 'Trust and connect' }]);
    await uiSteps('upload-password', [{ text: srv!.password }, { press: 'Enter' }]);
    await run;
    const diags = await poll('router diagnostics', () => {
      const d = vscode.languages.getDiagnostics(uri).filter((x) => x.source === 'router');
      return d.length ? d : undefined;
    });
    assert.equal(diags[0].range.start.line, 2);
    assert.match(diags[0].message, /input does not match any value of action/);
    assert.equal(srv!.state().filterRules, 1, 'the first rule was applied');
    assert.deepEqual(srv!.files(), []);
    await vscode.commands.executeCommand('workbench.actions.view.problems');
    await screenshot('upload-problems');
  });
});
