// Diagnostics for the ```routeros / ```rsc / ```mikrotik blocks of open Markdown files, at the .md's lines:
// the language server lints the blocks on request (`routeros/lintMarkdown`), this keeps a diagnostic
// collection of its own. The language client stays on RouterOS documents only, so no hover, completion or
// formatter of ours is offered in Markdown. The extension also activates on Markdown (package.json), so a guide opened first is linted.
import * as vscode from 'vscode';
import type { Diagnostic } from 'vscode-languageclient/node';
import type { RegisterFeature } from '../deps';

const REQUEST = 'routeros/lintMarkdown';
const FENCE = /^[ \t>]*(?:```+|~~~+)[ \t]*(?:routeros|rsc|mikrotik)\b/im;
const DELAY_MS = 300;

export const registerMarkdown: RegisterFeature = (context, deps) => {
  const collection = vscode.languages.createDiagnosticCollection('routeros-markdown');
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  const versions = new Map<string, number>();

  async function lintNow(doc: vscode.TextDocument): Promise<void> {
    const key = doc.uri.toString();
    const version = doc.version;
    versions.set(key, version);
    const text = doc.getText();
    if (!FENCE.test(text)) {
      collection.delete(doc.uri);
      return;
    }
    try {
      await deps.clientReady;
      const client = deps.client();
      if (!client) return;
      const found = await client.sendRequest<Diagnostic[]>(REQUEST, { uri: key, text });
      if (versions.get(key) !== version || doc.isClosed) return; // a newer text is on its way
      collection.set(doc.uri, await client.protocol2CodeConverter.asDiagnostics(found));
    } catch (e) {
      deps.log(`Markdown lint of ${doc.uri.fsPath} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  function schedule(doc: vscode.TextDocument, delay = DELAY_MS): void {
    if (doc.languageId !== 'markdown' || doc.uri.scheme === 'output') return;
    const key = doc.uri.toString();
    const t = timers.get(key);
    if (t) clearTimeout(t);
    timers.set(key, setTimeout(() => {
      timers.delete(key);
      void lintNow(doc);
    }, delay));
  }

  context.subscriptions.push(
    collection,
    vscode.workspace.onDidOpenTextDocument((d) => schedule(d, 0)),
    vscode.workspace.onDidChangeTextDocument((e) => schedule(e.document)),
    vscode.workspace.onDidCloseTextDocument((d) => {
      const key = d.uri.toString();
      const t = timers.get(key);
      if (t) clearTimeout(t);
      timers.delete(key);
      versions.delete(key);
      collection.delete(d.uri);
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('routeros')) for (const d of vscode.workspace.textDocuments) schedule(d);
    }),
    { dispose: () => timers.forEach((t) => clearTimeout(t)) },
  );
  for (const d of vscode.workspace.textDocuments) schedule(d, 0);
};
