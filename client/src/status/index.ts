// The language status item (the `{}` in the status bar while a RouterOS file is open): server state, the RouterOS
// version the checks target, how many checks run; and the commands "Restart language server" and "Show output".
// What it shows is computed by `statusText` (pure, tested without an editor).
import * as vscode from 'vscode';
import { State } from 'vscode-languageclient/node';
import type { RegisterFeature } from '../deps';
import { LANGUAGE_ID } from '../lsp';

import { statusText, type ServerState } from './text';

/** Rule ids known to this build (package.json's generated `routeros.rules` properties). */
function ruleCount(context: vscode.ExtensionContext): number {
  const props = context.extension.packageJSON?.contributes?.configuration?.properties?.['routeros.rules']?.properties;
  return props ? Object.keys(props).length : 0;
}

export const registerStatus: RegisterFeature = (context, deps) => {
  const item = vscode.languages.createLanguageStatusItem('routeros.status', { language: LANGUAGE_ID });
  item.name = 'RouterOS';
  context.subscriptions.push(item);
  let state: ServerState = 'starting';

  const refresh = () => {
    const cfg = vscode.workspace.getConfiguration('routeros');
    const target = cfg.get<string>('targetVersion') || undefined;
    const rules = cfg.get<Record<string, string>>('rules') ?? {};
    const s = statusText({ state, targetVersion: target, ruleCount: ruleCount(context), rulesOff: Object.values(rules).filter((v) => v === 'off').length });
    item.text = s.text;
    item.detail = s.detail;
    item.busy = s.busy;
    item.severity = s.severity === 'error' ? vscode.LanguageStatusSeverity.Error : s.severity === 'warning' ? vscode.LanguageStatusSeverity.Warning : vscode.LanguageStatusSeverity.Information;
    item.command = state === 'running' ? { title: 'Show output', command: 'routeros.showOutput' } : { title: 'Restart', command: 'routeros.restartServer' };
  };

  deps.clientReady.then(
    () => {
      state = 'running';
      refresh();
      deps.client()?.onDidChangeState((e) => {
        state = e.newState === State.Running ? 'running' : e.newState === State.Starting ? 'starting' : 'stopped';
        refresh();
      });
    },
    () => {
      state = 'failed';
      refresh();
    },
  );
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('routeros')) refresh();
    }),
    vscode.commands.registerCommand('routeros.showOutput', () => deps.output.show(true)),
    vscode.commands.registerCommand('routeros.restartServer', async () => {
      const c = deps.client();
      if (!c) {
        void vscode.window.showErrorMessage('The RouterOS language server is not running; reload the window to start it again.');
        return;
      }
      state = 'starting';
      refresh();
      try {
        await c.restart();
        state = 'running';
        deps.log('RouterOS language server restarted');
      } catch (e) {
        state = 'failed';
        deps.log(`RouterOS language server failed to restart: ${e instanceof Error ? e.message : String(e)}`);
      }
      refresh();
    }),
  );
  refresh();
};
