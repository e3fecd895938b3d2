// "RouterOS: Knock" performs the knock sequence of the open file against a host (client/src/knock/
// sender.ts); "RouterOS: Simulate knock sequence" runs it through the simulator and shows the trace,
// each step linked to its rule (moving through the list reveals the rule in the editor).
//
// Tests and keybindings may pass arguments to skip the questions:
//   executeCommand('routeros.knock', { host: '127.0.0.1', delayMs: 200, sequence: 1 })
//   executeCommand('routeros.simulateKnock', { sequence: 1, pick: false })
// Both resolve to what they did (step results / the simulation view) for tests.
import * as vscode from 'vscode';
import type { ExtensionDeps } from '../deps';
import { parse } from '../../../server/src/parser';
import { buildModel, findKnockSequences } from '../../../server/src/model';
import type { FirewallModel, KnockSequence } from '../../../server/src/model/types';
import { describeKnockSequence } from '../../../server/src/features/knockClients';
import { describeStep, KnockError, sendKnock, type StepResult } from './sender';
import { stepsFromSequence } from './steps';
import { simulateKnockView, type KnockSimulationView, type TraceItem } from './view';

export const KNOCK_COMMAND = 'routeros.knock';
export const SIMULATE_KNOCK_COMMAND = 'routeros.simulateKnock';
const LAST_HOST = 'routeros.knock.lastHost';

interface KnockArgs {
  host?: string;
  delayMs?: number;
  sequence?: number;
}

interface SimulateArgs {
  sequence?: number;
  /** false: do not open the pick list (tests). */
  pick?: boolean;
}

/**
 * The active RouterOS file, its firewall model and the knock sequence to use (asked for when the file
 * has several); undefined, after telling the user why, when there is none. `command` names the command
 * in the message.
 */
async function activeSequence(
  command: string,
  index: number | undefined,
): Promise<{ editor: vscode.TextEditor; doc: vscode.TextDocument; model: FirewallModel; seq: KnockSequence } | undefined> {
  const editor = vscode.window.activeTextEditor;
  const doc = editor?.document;
  if (!editor || !doc || doc.languageId !== 'routeros') {
    void vscode.window.showWarningMessage(`RouterOS: ${command} needs an open RouterOS script (.rsc) with a knock sequence.`);
    return undefined;
  }
  const text = doc.getText();
  const model = buildModel(parse(text), text);
  const knocks = findKnockSequences(model);
  if (knocks.length === 0) {
    void vscode.window.showWarningMessage('No port-knocking sequence found in this file.');
    return undefined;
  }
  const seq = await pickSequence(knocks, index);
  return seq ? { editor, doc, model, seq } : undefined;
}

async function pickSequence(knocks: KnockSequence[], index: number | undefined): Promise<KnockSequence | undefined> {
  if (index !== undefined) return knocks[index - 1];
  if (knocks.length === 1) return knocks[0];
  const pick = await vscode.window.showQuickPick(
    knocks.map((k, i) => ({ label: `Sequence ${i + 1}`, description: describeKnockSequence(k), index: i })),
    { placeHolder: 'Which knock sequence?' },
  );
  return pick ? knocks[pick.index] : undefined;
}

async function knock(context: vscode.ExtensionContext, deps: ExtensionDeps, args: KnockArgs = {}): Promise<StepResult[] | undefined> {
  const picked = await activeSequence('Knock', args.sequence);
  if (!picked) return undefined;
  const { model, seq } = picked;
  let host = args.host;
  if (host === undefined) {
    host = await vscode.window.showInputBox({
      title: 'RouterOS: Knock',
      prompt: `Router address to knock on (${describeKnockSequence(seq)})`,
      value: context.workspaceState.get<string>(LAST_HOST) ?? '',
      validateInput: (v) => (v.trim() === '' ? 'A host name or IP address' : /\s/.test(v.trim()) ? 'No spaces in a host name' : undefined),
    });
    if (host === undefined) return undefined;
  }
  host = host.trim();
  await context.workspaceState.update(LAST_HOST, host);
  const { steps, problems, minTimeout } = stepsFromSequence(seq, model.layer7);
  const configured = vscode.workspace.getConfiguration('routeros.knock').get<number>('delayMs', 500);
  const delayMs = args.delayMs ?? (Number.isFinite(configured) && configured >= 0 ? configured : 500);
  const out = deps.output;
  out.info(`Knock ${host}: ${describeKnockSequence(seq)}`);
  for (const p of problems) out.warn(p);
  if (minTimeout !== undefined && delayMs / 1000 >= minTimeout) out.warn(`delay ${delayMs} ms is not shorter than the ${minTimeout}s stage timeout`);
  if (steps.length === 0) {
    void vscode.window.showErrorMessage('No stage of this knock sequence can be sent over the network (see the RouterOS output).');
    return undefined;
  }
  try {
    const results = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Knocking on ${host}`, cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        return sendKnock(steps, {
          host: host!,
          delayMs,
          signal: abort.signal,
          onStep: (r) => {
            out.info(describeStep(r));
            progress.report({ message: `stage ${r.step.stage} of ${steps.length}`, increment: 100 / steps.length });
          },
        });
      },
    );
    const errors = results.filter((r) => r.outcome === 'error');
    if (errors.length > 0) void vscode.window.showErrorMessage(`Knock on ${host}: ${errors.length} stage(s) could not be sent (see the RouterOS output).`);
    else void vscode.window.showInformationMessage(`Knocked on ${host}: ${results.length} of ${steps.length} stages sent. Connect within the access timeout.`);
    return results;
  } catch (e) {
    const msg = e instanceof KnockError || e instanceof Error ? e.message : String(e);
    out.error(`Knock failed: ${msg}`);
    void vscode.window.showErrorMessage(`Knock failed: ${msg}`);
    return undefined;
  }
}

function toRange(r: NonNullable<TraceItem['range']>): vscode.Range {
  return new vscode.Range(r.startLine, r.startCharacter, r.endLine, r.endCharacter);
}

async function simulate(deps: ExtensionDeps, args: SimulateArgs = {}): Promise<KnockSimulationView | undefined> {
  const picked = await activeSequence('Simulate knock sequence', args.sequence);
  if (!picked) return undefined;
  const { editor, doc, model, seq } = picked;
  const view = simulateKnockView(model, seq, vscode.workspace.asRelativePath(doc.uri));
  deps.output.info(view.text);
  if (args.pick === false) return view;
  const reveal = (item: TraceItem | undefined, focus: boolean) => {
    if (!item?.range) return;
    const range = toRange(item.range);
    void vscode.window.showTextDocument(doc, { selection: range, preserveFocus: !focus, preview: false, viewColumn: editor.viewColumn });
  };
  const qp = vscode.window.createQuickPick<vscode.QuickPickItem & { item: TraceItem }>();
  qp.title = view.title;
  qp.placeholder = view.ok ? 'Access granted: move through the steps to see each rule' : 'The knock fails: move through the steps to see each rule';
  qp.matchOnDescription = true;
  qp.items = view.items.map((item) => ({ label: item.label, description: item.description, detail: item.detail, item }));
  qp.onDidChangeActive((a) => reveal(a[0]?.item, false));
  qp.onDidAccept(() => {
    reveal(qp.activeItems[0]?.item, true);
    qp.hide();
  });
  qp.onDidHide(() => qp.dispose());
  qp.show();
  return view;
}

/** Registers both commands. */
export function registerKnock(context: vscode.ExtensionContext, deps: ExtensionDeps): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(KNOCK_COMMAND, (args?: KnockArgs) => knock(context, deps, args)),
    vscode.commands.registerCommand(SIMULATE_KNOCK_COMMAND, (args?: SimulateArgs) => simulate(deps, args)),
  );
}
