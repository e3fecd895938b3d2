// "Get started with RouterOS scripts": the walkthrough's own command. "Open the example" opens a copy of the
// bundled examples/knock-broken.rsc as a new, unsaved RouterOS document (the user can edit, fix and save it
// anywhere without touching the extension's files).
import * as vscode from 'vscode';
import type { RegisterFeature } from '../deps';
import { LANGUAGE_ID } from '../lsp';

export const OPEN_EXAMPLE_COMMAND = 'routeros.openExample';

export const registerWalkthrough: RegisterFeature = (context) => {
  context.subscriptions.push(
    vscode.commands.registerCommand(OPEN_EXAMPLE_COMMAND, async (name?: string) => {
      const file = typeof name === 'string' && /^[\w-]+\.rsc$/.test(name) ? name : 'knock-broken.rsc';
      const uri = vscode.Uri.joinPath(context.extensionUri, 'examples', file);
      let text: string;
      try {
        text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      } catch {
        void vscode.window.showErrorMessage(`The example ${file} is missing from this installation of the extension; reinstall it.`);
        return;
      }
      const doc = await vscode.workspace.openTextDocument({ language: LANGUAGE_ID, content: text });
      await vscode.window.showTextDocument(doc);
    }),
  );
};
