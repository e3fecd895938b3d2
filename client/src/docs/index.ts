// "RouterOS: Show rule documentation": opens the bundled docs/rules/<id>.md as a Markdown preview.
// Works offline: the docs ship inside the .vsix. Called with a rule id by the "Show documentation for <id>"
// code action; from the command palette it offers the rules of the diagnostics under the cursor first.
import * as vscode from 'vscode';
import type { ExtensionDeps } from '../deps';

export const SHOW_RULE_DOC_COMMAND = 'routeros.showRuleDocumentation';
/** The id the server's "Show documentation for <id>" code action runs (server/src/features/codeActions.ts). */
export const SHOW_RULE_DOC_ACTION_COMMAND = 'routeros.showRuleDoc';

async function ruleIds(context: vscode.ExtensionContext): Promise<string[]> {
  const dir = vscode.Uri.joinPath(context.extensionUri, 'docs', 'rules');
  try {
    const entries = await vscode.workspace.fs.readDirectory(dir);
    return entries
      .filter(([name, type]) => type === vscode.FileType.File && name.endsWith('.md') && name !== 'README.md')
      .map(([name]) => name.slice(0, -3))
      .sort();
  } catch {
    return [];
  }
}

function rulesAtCursor(): string[] {
  const editor = vscode.window.activeTextEditor;
  if (!editor) return [];
  const pos = editor.selection.active;
  const ids = new Set<string>();
  for (const d of vscode.languages.getDiagnostics(editor.document.uri)) {
    if (d.source !== 'routeros' || !d.range.contains(pos)) continue;
    const code = typeof d.code === 'object' ? d.code.value : d.code;
    if (typeof code === 'string') ids.add(code);
  }
  return [...ids];
}

export async function showRuleDocumentation(context: vscode.ExtensionContext, id?: unknown): Promise<boolean> {
  let rule = typeof id === 'string' ? id : undefined;
  if (!rule) {
    const near = rulesAtCursor();
    const all = await ruleIds(context);
    const items: vscode.QuickPickItem[] = [
      ...near.map((r) => ({ label: r, description: 'at cursor' })),
      ...all.filter((r) => !near.includes(r)).map((r) => ({ label: r })),
    ];
    if (items.length === 0) {
      void vscode.window.showWarningMessage('RouterOS: no rule documentation is bundled with this extension.');
      return false;
    }
    const pick = await vscode.window.showQuickPick(items, { placeHolder: 'Rule to show documentation for' });
    if (!pick) return false;
    rule = pick.label;
  }
  if (!/^[a-z0-9-]+$/.test(rule)) {
    void vscode.window.showErrorMessage(`RouterOS: "${rule}" is not a rule id.`);
    return false;
  }
  const uri = vscode.Uri.joinPath(context.extensionUri, 'docs', 'rules', `${rule}.md`);
  try {
    await vscode.workspace.fs.stat(uri);
  } catch {
    void vscode.window.showWarningMessage(`RouterOS: no documentation for rule ${rule}.`);
    return false;
  }
  try {
    await vscode.commands.executeCommand('markdown.showPreview', uri);
  } catch {
    // No Markdown extension (stripped-down editors): show the source instead.
    await vscode.window.showTextDocument(uri, { preview: true });
  }
  return true;
}

export function registerDocs(context: vscode.ExtensionContext, _deps: ExtensionDeps): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(SHOW_RULE_DOC_COMMAND, (id?: unknown) => showRuleDocumentation(context, id)),
    vscode.commands.registerCommand(SHOW_RULE_DOC_ACTION_COMMAND, (id?: unknown) => showRuleDocumentation(context, id)),
  );
}
