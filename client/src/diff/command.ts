// "RouterOS: Compare firewall with...": what the open RouterOS file changes in the firewall against its git HEAD
// version (through VS Code's built-in git extension) or against another file, as the language server's
// `routeros/firewallDiff` request reports it (server/src/features/firewallDiff.ts over semantics/diff.ts). The
// report opens as a read-only Markdown document beside the file.
//
// Tests may pass `{ baseText, baseName }` to skip the picker; the command resolves to the report's text.
import * as vscode from 'vscode';
import type { RegisterFeature } from '../deps';

export const COMPARE_FIREWALL_COMMAND = 'routeros.compareFirewall';
const REQUEST = 'routeros/firewallDiff';
const SCHEME = 'routeros-diff';

interface DiffResponse {
  version: number;
  markdown: string;
  text: string;
  complete: boolean;
  changes: number;
}

/** The subset of the git extension's API (vscode.git, API version 1) used here. */
interface GitApi {
  getRepository(uri: vscode.Uri): { show(ref: string, path: string): Promise<string> } | null;
}

async function gitHead(uri: vscode.Uri): Promise<{ text: string; name: string } | string> {
  const ext = vscode.extensions.getExtension<{ getAPI(v: 1): GitApi }>('vscode.git');
  if (!ext) return 'the built-in git extension is not available';
  try {
    const api = (ext.isActive ? ext.exports : await ext.activate()).getAPI(1);
    const repo = api.getRepository(uri);
    if (!repo) return 'the file is not in a git repository';
    const text = await repo.show('HEAD', uri.fsPath);
    return { text, name: `${vscode.workspace.asRelativePath(uri)} (HEAD)` };
  } catch (e) {
    return `git has no HEAD version of it (${e instanceof Error ? e.message : String(e)})`;
  }
}

export const registerCompareFirewall: RegisterFeature = (context, deps) => {
  const reports = new Map<string, string>();
  const changed = new vscode.EventEmitter<vscode.Uri>();
  context.subscriptions.push(
    changed,
    vscode.workspace.registerTextDocumentContentProvider(SCHEME, { onDidChange: changed.event, provideTextDocumentContent: (u) => reports.get(u.toString()) ?? '' }),
  );

  context.subscriptions.push(
    vscode.commands.registerCommand(COMPARE_FIREWALL_COMMAND, async (given?: { baseText?: string; baseName?: string }) => {
      const editor = vscode.window.activeTextEditor;
      const doc = editor?.document;
      if (!doc || doc.languageId !== 'routeros') {
        void vscode.window.showErrorMessage('Compare firewall: open a RouterOS (.rsc) file first.');
        return undefined;
      }
      let base: { text: string; name: string } | undefined;
      if (given?.baseText !== undefined) base = { text: given.baseText, name: given.baseName ?? 'base' };
      else {
        const pick = await vscode.window.showQuickPick(
          [
            { label: 'Git HEAD version', description: 'the file as last committed', id: 'git' },
            { label: 'Another file...', description: 'pick a .rsc file to compare with', id: 'file' },
          ],
          { title: 'Compare the firewall of this file with...' },
        );
        if (!pick) return undefined;
        if (pick.id === 'git') {
          const head = await gitHead(doc.uri);
          if (typeof head === 'string') {
            const other = await vscode.window.showWarningMessage(`Compare firewall: ${head}.`, 'Pick a file instead');
            if (other !== 'Pick a file instead') return undefined;
          } else base = head;
        }
        if (!base) {
          const files = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'RouterOS scripts': ['rsc'], 'All files': ['*'] }, title: 'The firewall to compare with' });
          if (!files || files.length === 0) return undefined;
          const bytes = await vscode.workspace.fs.readFile(files[0]);
          base = { text: new TextDecoder('utf-8').decode(bytes), name: vscode.workspace.asRelativePath(files[0]) };
        }
      }
      await deps.clientReady;
      const client = deps.client();
      if (!client) {
        void vscode.window.showErrorMessage('Compare firewall: the RouterOS language server is not running.');
        return undefined;
      }
      let res: DiffResponse;
      try {
        res = await client.sendRequest<DiffResponse>(REQUEST, {
          uri: doc.uri.toString(),
          baseText: base.text,
          baseName: base.name,
          name: vscode.workspace.asRelativePath(doc.uri),
        });
      } catch (e) {
        void vscode.window.showErrorMessage(`Compare firewall: ${e instanceof Error ? e.message : String(e)}`);
        return undefined;
      }
      const uri = vscode.Uri.from({ scheme: SCHEME, path: `/${doc.uri.path.replace(/.*\//, '')} firewall changes.md`, query: doc.uri.toString() });
      reports.set(uri.toString(), res.markdown);
      changed.fire(uri);
      const shown = await vscode.workspace.openTextDocument(uri);
      await vscode.languages.setTextDocumentLanguage(shown, 'markdown');
      await vscode.window.showTextDocument(shown, { viewColumn: vscode.ViewColumn.Beside, preview: true });
      deps.log(`compare firewall: ${res.complete ? `${res.changes} change(s)` : 'not proven (work budget)'} against ${base.name}`);
      return res.text;
    }),
  );
};
