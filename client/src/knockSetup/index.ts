// "RouterOS: Insert port-knocking setup...": asks for the number of stages, the protocol and the timeouts,
// then inserts the guide's knock setup where it belongs (the language server's generator picks random
// non-sequential unprivileged ports that avoid well-known ports and the blacklist ranges, and places the
// block above the WAN drop when the file has one: request routeros/knockSetup).
//
// Tests and keybindings may pass the answers as the command's argument to skip the questions:
//   vscode.commands.executeCommand('routeros.insertKnockSetup', { stages: 3, protocol: 'tcp', ... })
import * as vscode from 'vscode';
import type { ExtensionDeps } from '../deps';

export const INSERT_KNOCK_SETUP_COMMAND = 'routeros.insertKnockSetup';
const REQUEST = 'routeros/knockSetup';

export interface KnockSetupAnswers {
  stages: number;
  protocol: 'tcp' | 'udp';
  stageTimeout: string;
  finalTimeout: string;
  withBlacklist?: boolean;
  finalList?: string;
  wanList?: string;
  layer7Passphrase?: string;
}

interface KnockSetupResponse {
  version: number;
  edits: Array<{ range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }>;
  ports: number[];
  lists: string[];
  clientCommand: string;
}

/** RouterOS time: `30s`, `1m30s`, `2h`, `1d`, `00:30:00`. */
export function isRouterOsTime(s: string): boolean {
  return /^(?:\d+(?:ms|[wdhms]))+$/.test(s) || /^(?:\d+d)?\d{1,2}:\d{2}:\d{2}$/.test(s);
}

/** The number of stages; 3 (the guide's choice: 2 stages fall to a plain port scan) is preselected. */
function pickStages(): Promise<number | undefined> {
  return new Promise((resolve) => {
    const qp = vscode.window.createQuickPick<vscode.QuickPickItem>();
    qp.title = 'Port knocking (1/5)';
    qp.placeholder = 'How many knock stages?';
    qp.items = ['2', '3', '4', '5', '6'].map((n) => ({
      label: n,
      description: n === '3' ? "the guide's choice" : n === '2' ? 'weak: a port scan can complete it' : undefined,
    }));
    qp.activeItems = [qp.items[1]];
    let result: number | undefined;
    qp.onDidAccept(() => {
      const item = qp.selectedItems[0] ?? qp.activeItems[0];
      result = item ? Number(item.label) : undefined;
      qp.hide();
    });
    qp.onDidHide(() => {
      qp.dispose();
      resolve(result);
    });
    qp.show();
  });
}

async function ask(): Promise<KnockSetupAnswers | undefined> {
  const stages = await pickStages();
  if (stages === undefined) return undefined;
  const protocolPick = await vscode.window.showQuickPick(
    [
      { label: 'tcp', description: 'knock with SYN packets (nmap, Test-NetConnection)' },
      { label: 'udp', description: 'knock with datagrams (nc -u); allows a layer7 passphrase' },
    ],
    { title: 'Port knocking (2/5)', placeHolder: 'Protocol of the knock packets' },
  );
  if (!protocolPick) return undefined;
  const validateTime = (v: string) =>
    isRouterOsTime(v.trim()) ? undefined : 'A RouterOS time such as 30s, 1m, 2h30m, 1d or 00:30:00';
  const stageTimeout = await vscode.window.showInputBox({
    title: 'Port knocking (3/5)',
    prompt: 'How long each intermediate stage stays open for the next knock',
    value: '30s',
    validateInput: validateTime,
  });
  if (stageTimeout === undefined) return undefined;
  const finalTimeout = await vscode.window.showInputBox({
    title: 'Port knocking (4/5)',
    prompt: 'How long a completed knock grants access (the final address list timeout)',
    value: '30m',
    validateInput: validateTime,
  });
  if (finalTimeout === undefined) return undefined;
  const blacklistPick = await vscode.window.showQuickPick(
    [
      { label: 'No', description: 'stages and final accept only' },
      { label: 'Yes', description: "add the guide's blacklist block (disabled=yes until the knock works)" },
    ],
    { title: 'Port knocking (5/5)', placeHolder: 'Add the blacklist block?' },
  );
  if (!blacklistPick) return undefined;
  return {
    stages,
    protocol: protocolPick.label as 'tcp' | 'udp',
    stageTimeout: stageTimeout.trim(),
    finalTimeout: finalTimeout.trim(),
    withBlacklist: blacklistPick.label === 'Yes',
  };
}

export async function insertKnockSetup(deps: ExtensionDeps, given?: unknown): Promise<boolean> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== 'routeros') {
    void vscode.window.showWarningMessage('RouterOS: open a RouterOS script (.rsc) to insert a port-knocking setup.');
    return false;
  }
  const answers = given && typeof given === 'object' ? (given as KnockSetupAnswers) : await ask();
  if (!answers) return false;
  try {
    await deps.clientReady;
  } catch {
    void vscode.window.showErrorMessage('RouterOS: the language server is not running (see the RouterOS output channel).');
    return false;
  }
  const client = deps.client();
  if (!client) return false;
  const doc = editor.document;
  let res: KnockSetupResponse;
  try {
    res = await client.sendRequest<KnockSetupResponse>(REQUEST, { uri: doc.uri.toString(), options: answers });
  } catch (e) {
    void vscode.window.showErrorMessage(`RouterOS: cannot generate the knock setup: ${e instanceof Error ? e.message : String(e)}`);
    return false;
  }
  if (res.version !== doc.version) {
    void vscode.window.showWarningMessage('RouterOS: the file changed while the setup was generated; run the command again.');
    return false;
  }
  const edit = new vscode.WorkspaceEdit();
  for (const e of res.edits) {
    edit.insert(doc.uri, new vscode.Position(e.range.start.line, e.range.start.character), e.newText);
  }
  if (!(await vscode.workspace.applyEdit(edit))) return false;
  const first = res.edits[0];
  if (first) editor.revealRange(new vscode.Range(first.range.start.line, 0, first.range.start.line, 0), vscode.TextEditorRevealType.InCenter);
  deps.log(`Inserted a ${answers.stages}-stage ${answers.protocol} knock: ports ${res.ports.join(' -> ')}. Client: ${res.clientCommand}`);
  if (!given) {
    void vscode.window.showInformationMessage(
      `Knock sequence ${answers.protocol} ${res.ports.join(' -> ')} inserted. Client: ${res.clientCommand}`,
    );
  }
  return true;
}

export function registerKnockSetup(context: vscode.ExtensionContext, deps: ExtensionDeps): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(INSERT_KNOCK_SETUP_COMMAND, (arg?: unknown) => insertKnockSetup(deps, arg)),
  );
}
