// Format on save in a real VS Code: with `editor.formatOnSave` on for RouterOS, saving a messy file gives
// the /export layout (the language server's document formatting, through VS Code's own save participant).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { openFile, poll, screenshot, workspaceFile } from './support';

const TIDY = [
  '/ip firewall filter',
  'add chain=input action=accept connection-state=established,related comment=\\',
  '    "allow established and related"',
  'add chain=input action=drop in-interface-list=WAN',
  '/',
  ':if ($x = 1) do={',
  '    :log info "one"',
  '}',
  '',
].join('\n');

describe('formatting in a real VS Code', function () {
  this.timeout(90_000);

  it('formats a RouterOS file on save', async () => {
    const cfg = vscode.workspace.getConfiguration('editor', { languageId: 'routeros' });
    await cfg.update('formatOnSave', true, vscode.ConfigurationTarget.Workspace, true);
    // VS Code for the Web (code-server) auto-saves after a delay by default, and an auto save is never
    // formatted (VS Code skips format on save for SaveReason.AUTO): the edit below would be saved unformatted
    // a second later and the explicit save would find nothing to do. A desktop VS Code has auto save off.
    const files = vscode.workspace.getConfiguration('files');
    await files.update('autoSave', 'off', vscode.ConfigurationTarget.Workspace);
    try {
      const editor = await openFile('format-on-save.rsc');
      // the server may still be starting: format-on-save needs a registered formatter, so wait for one
      await poll('a document formatter for routeros', async () => {
        const edits = await vscode.commands.executeCommand<vscode.TextEdit[]>('vscode.executeFormatDocumentProvider', editor.document.uri, { tabSize: 4, insertSpaces: true });
        return Array.isArray(edits) && edits.length > 0;
      }, 30_000);
      await editor.edit((b) => b.insert(new vscode.Position(0, 0), '\n'));
      // the server has the edited text (its formatting of it is the tidy file) before the save asks it
      await poll('the formatter answering for the edited text', async () => {
        const edits = (await vscode.commands.executeCommand<vscode.TextEdit[]>('vscode.executeFormatDocumentProvider', editor.document.uri, { tabSize: 4, insertSpaces: true })) ?? [];
        const doc = editor.document;
        let text = doc.getText();
        for (const e of [...edits].sort((x, y) => doc.offsetAt(y.range.start) - doc.offsetAt(x.range.start))) {
          text = text.slice(0, doc.offsetAt(e.range.start)) + e.newText + text.slice(doc.offsetAt(e.range.end));
        }
        return text === TIDY;
      }, 30_000);
      const settings = Buffer.from(await vscode.workspace.fs.readFile(workspaceFile('.vscode/settings.json'))).toString('utf8');
      console.log(`format-on-save: workspace settings ${settings.replace(/\s+/g, ' ')}; formatOnSave for routeros: ${vscode.workspace.getConfiguration('editor', editor.document).get('formatOnSave')}`);
      await vscode.commands.executeCommand('workbench.action.files.save');
      await screenshot('format-on-save-saved');
      try {
        await poll(
          () => `the saved file in /export layout; have (dirty: ${editor.document.isDirty}) ${JSON.stringify(editor.document.getText())}`,
          () => editor.document.getText() === TIDY && !editor.document.isDirty,
          20_000,
        );
      } catch (e) {
        // tell apart "save did not format" from "the workbench's Format Document does not work either"
        await vscode.commands.executeCommand('editor.action.formatDocument');
        await new Promise((r) => setTimeout(r, 3000));
        const viaCommand = editor.document.getText() === TIDY;
        throw new Error(`${(e as Error).message}; Format Document ${viaCommand ? 'does format it' : 'does not format it either'}`);
      }
      const onDisk = Buffer.from(await vscode.workspace.fs.readFile(editor.document.uri)).toString('utf8');
      assert.equal(onDisk, TIDY);
      await screenshot('format-on-save');
    } finally {
      await files.update('autoSave', undefined, vscode.ConfigurationTarget.Workspace);
      await cfg.update('formatOnSave', undefined, vscode.ConfigurationTarget.Workspace, true);
    }
  });
});
