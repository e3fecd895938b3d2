import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID, metrics, openFile, poll, routerosDiagnostics, screenshot, summary } from './support';

describe('RouterOS extension in a real VS Code', () => {
  it('activates and starts the language server', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} is not loaded`);
    await openFile('infra.rsc');
    const api = (await ext.activate()) as { ready: Promise<void>; activationMs?: number };
    await api.ready;
    assert.equal(typeof api.activationMs, 'number');
    metrics.activationMs = api.activationMs!;
  });

  it('shows diagnostics', async () => {
    const editor = await openFile('infra.rsc');
    assert.equal(editor.document.languageId, 'routeros');
    const diags = await poll('diagnostics', () => {
      const d = routerosDiagnostics(editor.document.uri);
      return d.length > 0 ? d : undefined;
    });
    assert.deepEqual(summary(diags), ['parse-error@3']);
    await vscode.commands.executeCommand('workbench.actions.view.problems');
    await screenshot('diagnostics');
  });
});
