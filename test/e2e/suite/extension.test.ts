// The extension in a real VS Code (code-server's extension host, or a desktop VS Code via test-electron):
// what a network engineer sees after installing it. Every wait is a bounded poll on observable state.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import {
  EXTENSION_ID,
  codeOf,
  metrics,
  openFile,
  poll,
  routerosDiagnostics,
  screenshot,
  summary,
  workspaceFile,
} from './support';

interface Api {
  ready: Promise<void>;
  activationMs?: number;
}

/** Waits until the file's RouterOS diagnostics are exactly `expected` (`rule@line`, 1-based lines). */
async function expectDiagnostics(uri: vscode.Uri, expected: string[], ms = 20_000): Promise<vscode.Diagnostic[]> {
  const want = [...expected].sort();
  let last: string[] = [];
  await poll(
    () => `diagnostics ${JSON.stringify(want)} in ${uri.path.split('/').pop()}, have ${JSON.stringify(last)}`,
    () => {
      last = summary(routerosDiagnostics(uri));
      return JSON.stringify(last) === JSON.stringify(want);
    },
    ms,
  );
  return routerosDiagnostics(uri);
}

async function codeActions(uri: vscode.Uri, range: vscode.Range, kind?: string): Promise<vscode.CodeAction[]> {
  return (
    (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, range, kind)) ??
    []
  );
}

async function readExpected(name: string): Promise<{ diagnostics: string[]; repair: { line: number; text: string } }> {
  const bytes = await vscode.workspace.fs.readFile(workspaceFile(name));
  return JSON.parse(Buffer.from(bytes).toString('utf8'));
}

describe('RouterOS extension in a real VS Code', function () {
  this.timeout(90_000);

  it('activates on a .rsc file and starts the language server', async () => {
    const editor = await openFile('reorder.rsc');
    assert.equal(editor.document.languageId, 'routeros');
    const ext = vscode.extensions.getExtension<Api>(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} is not loaded`);
    const api = await ext.activate();
    await api.ready;
    assert.equal(typeof api.activationMs, 'number');
    metrics.activationMs = api.activationMs!;
    metrics.extensionPath = ext.extensionPath;
  });

  it('recognizes an export without the .rsc extension by its first line', async () => {
    const editor = await openFile('router-export');
    assert.equal(editor.document.languageId, 'routeros');
    // Linted as RouterOS: its input chain ends without a drop, which wan-input-open reports.
    await expectDiagnostics(editor.document.uri, ['wan-input-open@4']);
  });

  it('reports a failed firewall assertion of .rsc-lint.json on the rule that breaks it', async () => {
    const editor = await openFile('assertions.rsc');
    const diags = await expectDiagnostics(editor.document.uri, ['assertion-failed@5', 'service-exposed@5']);
    const d = diags.find((x) => codeOf(x) === 'assertion-failed')!;
    assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
    assert.match(d.message, /^assertion "from WAN, nothing reaches winbox" fails: tcp 203\.0\.113\.1:8291 /);
    const rel = d.relatedInformation ?? [];
    assert.equal(rel.length, 1);
    assert.ok(rel[0].location.uri.path.endsWith('/.rsc-lint.json'), rel[0].location.uri.toString());
    assert.equal(rel[0].location.range.start.line, 2);
    await vscode.commands.executeCommand('workbench.actions.view.problems');
    await screenshot('assertion-failed');
  });

  it('shows the expected diagnostics for a broken file, and clears them when it is repaired', async () => {
    const expected = await readExpected('broken-syntax.expected.json');
    const editor = await openFile('broken-syntax.rsc');
    const diags = await expectDiagnostics(editor.document.uri, expected.diagnostics);
    assert.ok(diags.every((d) => d.source === 'routeros'));
    const err = diags[0];
    assert.equal(err.severity, vscode.DiagnosticSeverity.Error);
    assert.ok(typeof err.code === 'object' && err.code.target.path.endsWith('/docs/rules/parse-error.md'), 'code links to the bundled doc');

    // Show them in the Problems panel for the screenshot artifact.
    await vscode.commands.executeCommand('workbench.actions.view.problems');
    editor.selection = new vscode.Selection(err.range.start, err.range.start);
    await screenshot('diagnostics');

    const line = expected.repair.line - 1;
    await editor.edit((b) => b.replace(editor.document.lineAt(line).range, expected.repair.text));
    await expectDiagnostics(editor.document.uri, []);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('applies a quick fix and the diagnostic goes away', async () => {
    const editor = await openFile('knock-timeout.rsc');
    const uri = editor.document.uri;
    const diags = await expectDiagnostics(uri, ['knock-timeout-missing@6']);
    const target = diags[0];
    await vscode.commands.executeCommand('workbench.actions.view.problems');
    editor.selection = new vscode.Selection(target.range.start, target.range.start);
    editor.revealRange(target.range);
    await screenshot('knock-diagnostics');
    const actions = await codeActions(uri, target.range, vscode.CodeActionKind.QuickFix.value);
    // The check's own fix: preferred when it is safe, otherwise the first action with an edit that is not one
    // of the generic entries (disable, documentation, fix all). (vscode.executeCodeActionProvider does not
    // return the actions' diagnostics, so the request range selects the diagnostic.)
    const own = actions.filter((a) => a.edit && !/^(Disable |Show documentation|Fix all )/.test(a.title));
    const fix = own.find((a) => a.isPreferred) ?? own[0];
    assert.ok(fix, `no quick fix; offered: ${JSON.stringify(actions.map((a) => a.title))}`);
    assert.ok(await vscode.workspace.applyEdit(fix.edit!));
    await expectDiagnostics(uri, []);
    const fixed = editor.document.lineAt(5).text;
    assert.match(fixed, /\baddress-list=knock1\b/);
    assert.match(fixed, /\baddress-list-timeout=30s\b/);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('offers "Show documentation" for a diagnostic and opens the bundled rule page', async () => {
    const editor = await openFile('broken-syntax.rsc');
    const [d] = await expectDiagnostics(editor.document.uri, (await readExpected('broken-syntax.expected.json')).diagnostics);
    const actions = await codeActions(editor.document.uri, d.range, vscode.CodeActionKind.QuickFix.value);
    const doc = actions.find((a) => a.title === 'Show documentation for parse-error');
    assert.ok(doc?.command, JSON.stringify(actions.map((a) => a.title)));
    await vscode.commands.executeCommand(doc.command.command, ...(doc.command.arguments ?? []));
    await poll('the rule documentation to open', () =>
      vscode.window.tabGroups.all.flatMap((g) => g.tabs).some((t) => /parse-error\.md/.test(t.label)),
    );
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('moves a firewall rule up with its comment line, leaving the rule text unchanged', async () => {
    const editor = await openFile('reorder.rsc');
    const before = editor.document.getText();
    const ruleLine = 5; // `add action=accept chain=input protocol=icmp ...`, its comment on line 4
    const pos = new vscode.Position(ruleLine, 5);
    const actions = await poll('reorder actions', async () => {
      const a = await codeActions(editor.document.uri, new vscode.Range(pos, pos), 'refactor.move');
      return a.length > 0 ? a : undefined;
    });
    const up = actions.find((a) => a.title === 'Move rule up');
    assert.ok(up?.edit, JSON.stringify(actions.map((a) => a.title)));
    assert.ok(await vscode.workspace.applyEdit(up.edit));
    const lines = before.split('\n');
    const expected = [lines[0], lines[1], lines[2], lines[4], lines[5], lines[3], ...lines.slice(6)].join('\n');
    await poll('the moved text', () => editor.document.getText() === expected);
    await expectDiagnostics(editor.document.uri, []);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('inserts the knock setup snippet into a file and it lints clean', async () => {
    const doc = await vscode.workspace.openTextDocument({ language: 'routeros', content: ':put (1 + 2\n' });
    const editor = await vscode.window.showTextDocument(doc);
    // First prove the server sees this document (a parse error), so "no diagnostics" below means clean.
    await expectDiagnostics(doc.uri, ['parse-error@1']);
    await editor.edit((b) => b.delete(new vscode.Range(0, 0, doc.lineCount, 0)));
    await vscode.commands.executeCommand('editor.action.insertSnippet', {
      langId: 'routeros',
      name: 'Port knocking: complete setup (3 stages)',
    });
    await poll('the snippet text', () => /knock/.test(doc.getText()) && /add-src-to-address-list/.test(doc.getText()));
    // Leave snippet mode with the defaults, as a user pressing Escape would.
    await vscode.commands.executeCommand('leaveSnippet');
    await expectDiagnostics(doc.uri, []);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('"Insert port-knocking setup..." puts the stages above the WAN drop, lint clean', async () => {
    const editor = await openFile('knock-command.rsc');
    const ok = await vscode.commands.executeCommand<boolean>('routeros.insertKnockSetup', {
      stages: 3,
      protocol: 'tcp',
      stageTimeout: '30s',
      finalTimeout: '30m',
    });
    assert.equal(ok, true);
    const text = editor.document.getText();
    assert.ok(text.indexOf('add-src-to-address-list') > 0, text);
    assert.ok(text.indexOf('add-src-to-address-list') < text.indexOf('drop all from WAN'), text);
    await expectDiagnostics(editor.document.uri, []);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('"Insert port-knocking setup..." asks its questions in the UI; accepting the defaults inserts the guide\'s 3 TCP stages', async () => {
    const editor = await openFile('knock-command.rsc');
    let finished: unknown;
    const run = vscode.commands.executeCommand<boolean>('routeros.insertKnockSetup').then((r) => (finished = r));
    // Five questions (stages, protocol, stage timeout, final timeout, blacklist): accept each default as a
    // user pressing Enter would. Accepting while no picker is open does nothing, so this polls.
    await poll(
      'the five knock setup questions to be answered',
      async () => {
        if (finished !== undefined) return true;
        await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
        return false;
      },
      30_000,
      250,
    );
    await run;
    assert.equal(finished, true);
    const text = editor.document.getText();
    assert.equal(text.match(/action=add-src-to-address-list/g)?.length, 3, text);
    assert.match(text, /address-list-timeout=30s/);
    assert.match(text, /address-list-timeout=30m/);
    await expectDiagnostics(editor.document.uri, []);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('completes a property name', async () => {
    const doc = await vscode.workspace.openTextDocument({
      language: 'routeros',
      content: '/ip firewall filter\nadd chain=input act',
    });
    await vscode.window.showTextDocument(doc);
    const pos = new vscode.Position(1, 'add chain=input act'.length);
    const labels = await poll('completion items', async () => {
      const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, pos);
      const l = (list?.items ?? []).map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
      return l.some((x) => /^action=?$/.test(x)) ? l : undefined;
    });
    assert.ok(labels.some((x) => /^action=?$/.test(x)));
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('hovers a property with its description from the command tree', async () => {
    const editor = await openFile('reorder.rsc');
    const line = editor.document.lineAt(2).text;
    const pos = new vscode.Position(2, line.indexOf('action=') + 2);
    const text = await poll('hover text', async () => {
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, pos);
      const t = (hovers ?? [])
        .flatMap((h) => h.contents)
        .map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))
        .join('\n');
      return t.length > 0 ? t : undefined;
    });
    assert.match(text, /action/i);
  });
});
