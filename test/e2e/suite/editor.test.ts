// Editor features of issue 13 in a real VS Code, each with a screenshot to look at: rule numbers as inlay
// hints (and the hover on a number, and the setting that turns them off), signature help inside a command,
// the Get Started walkthrough, a Markdown file with a ```routeros block.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID, openFile, poll, screenshot } from './support';

const labelOf = (h: vscode.InlayHint) => (typeof h.label === 'string' ? h.label : h.label.map((p) => p.value).join(''));

async function inlayHints(editor: vscode.TextEditor): Promise<string[]> {
  const doc = editor.document;
  const range = new vscode.Range(0, 0, doc.lineCount, 0);
  const hints = (await vscode.commands.executeCommand<vscode.InlayHint[]>('vscode.executeInlayHintProvider', doc.uri, range)) ?? [];
  return hints.map((h) => `${h.position.line + 1}:${labelOf(h)}`);
}

describe('issue 13 editor features in a real VS Code', function () {
  this.timeout(90_000);
  // screenshots without the editors earlier tests left open (the map beside them)
  before(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  it('shows the print number before each rule as an inlay hint; hover on a number names the rule; the setting turns hints off', async () => {
    const editor = await openFile('rule-numbers.rsc');
    const want = ['3:#0', '4:#1', '5:#2', '6:#3', '7:#4'];
    let last: string[] = [];
    await poll(() => `inlay hints ${JSON.stringify(want)}, have ${JSON.stringify(last)}`, async () => {
      last = await inlayHints(editor);
      return JSON.stringify(last) === JSON.stringify(want);
    }, 30_000);
    // hover on `4` of `enable numbers=4`
    const line = editor.document.lineAt(8).text;
    const at = new vscode.Position(8, line.indexOf('=4') + 1);
    const hovers = (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, at)) ?? [];
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(text, /item 4: the rule of line 7 \("blacklist"\)/);
    editor.selection = new vscode.Selection(at, at);
    await vscode.commands.executeCommand('editor.action.showHover');
    await new Promise((r) => setTimeout(r, 800));
    await screenshot('inlay-hints');
    const cfg = vscode.workspace.getConfiguration('routeros');
    await cfg.update('inlayHints.ruleNumbers', false, vscode.ConfigurationTarget.Workspace);
    try {
      await poll('no inlay hints with routeros.inlayHints.ruleNumbers off', async () => (await inlayHints(editor)).length === 0, 20_000);
    } finally {
      await cfg.update('inlayHints.ruleNumbers', undefined, vscode.ConfigurationTarget.Workspace);
    }
    await poll('the hints back', async () => (await inlayHints(editor)).length === want.length, 20_000);
  });

  it('signature help inside a command lists its arguments, the current one active', async () => {
    const editor = await openFile('rule-numbers.rsc');
    const line = editor.document.lineAt(3).text;
    const at = new vscode.Position(3, line.indexOf('address-list-timeout=') + 3);
    let help: vscode.SignatureHelp | undefined;
    await poll('signature help on address-list-timeout', async () => {
      help = await vscode.commands.executeCommand<vscode.SignatureHelp>('vscode.executeSignatureHelpProvider', editor.document.uri, at);
      return !!help && help.signatures.length > 0;
    }, 30_000);
    const sig = help!.signatures[help!.activeSignature ?? 0];
    assert.match(sig.label, /add/);
    const active = sig.parameters[help!.activeParameter ?? sig.activeParameter ?? 0];
    const activeLabel = typeof active.label === 'string' ? active.label : sig.label.slice(active.label[0], active.label[1]);
    assert.match(activeLabel, /address-list-timeout/);
    editor.selection = new vscode.Selection(at, at);
    editor.revealRange(new vscode.Range(at, at));
    await vscode.commands.executeCommand('editor.action.triggerParameterHints');
    await new Promise((r) => setTimeout(r, 800));
    await screenshot('signature-help');
    await vscode.commands.executeCommand('closeParameterHints');
  });

  it('opens the Get Started walkthrough', async () => {
    await vscode.commands.executeCommand('workbench.action.openWalkthrough', `${EXTENSION_ID}#routeros.getStarted`, false);
    await poll('the walkthrough tab', () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).some((t) => /welcome|walkthrough|get started/i.test(t.label)), 20_000);
    // the step's page is a webview: give it time to render before the screenshot
    await new Promise((r) => setTimeout(r, 4000));
    await screenshot('walkthrough');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('a Markdown file with a ```routeros block: highlighted with the RouterOS grammar, diagnostics at the .md lines', async () => {
    const editor = await openFile('guide.md');
    assert.equal(editor.document.languageId, 'markdown');
    let last: string[] = [];
    // `/ip firewall fliter` is on line 8 of the .md (line 3 of the block)
    await poll(() => `unknown-command on line 8 of guide.md, have ${JSON.stringify(last)}`, () => {
      last = vscode.languages.getDiagnostics(editor.document.uri).map((d) => `${typeof d.code === 'object' ? d.code.value : d.code}@${d.range.start.line + 1}:${d.range.start.character + 1}`);
      return last.includes('unknown-command@8:14');
    }, 30_000);
    assert.ok(vscode.languages.getDiagnostics(editor.document.uri).every((d) => d.range.start.line >= 5 && d.range.end.line <= 7), JSON.stringify(last));
    await vscode.commands.executeCommand('workbench.actions.view.problems');
    // tokenization runs in a worker: give it time on a busy machine before the screenshot
    await new Promise((r) => setTimeout(r, 5000));
    await screenshot('markdown');
  });
});
