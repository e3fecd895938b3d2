// "RouterOS: Show firewall map" in a real VS Code (issue 14), driven as a user would: the map opens beside the
// guide's setup with the drop above the knocks; the dead stages are marked; the runner clicks a dead stage inside
// the webview and the editor jumps to it; the knock trace lights up the rules each packet meets; screenshots in the
// light and the dark theme.
//
// Skips (with the reason) when no runner serves UI steps.

import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { openFile, poll, screenshot, skipped, uiSteps, uiStepsAvailable } from './support';

interface MapState {
  uri: string;
  version: number;
  trace: string;
  svg: string;
}

describe('firewall map', function () {
  before(function () {
    if (!uiStepsAvailable()) {
      skipped.set(this.test!.parent!, 'no runner serves UI steps (only the code-server runner clicks inside webviews)');
      this.skip();
    }
  });

  it('marks the dead knock, reveals a clicked rule in the editor, traces the knock, in light and dark themes', async () => {
    const editor = await openFile('map-knock-dead.rsc');
    const state = (await vscode.commands.executeCommand('routeros.showFirewallMap')) as MapState | undefined;
    assert.ok(state, 'the map opened');
    // Lines 9-12 (1-based) are the three stages and the grant: all marked as a knock that never fires.
    for (const line of [9, 10, 11, 12]) assert.match(state.svg, new RegExp(`class="rule st-knock-dead" data-uid="\\d+" data-line="${line}"`), `line ${line} marked dead`);
    assert.match(state.svg, /class="rule st-hides-another st-final-drop" data-uid="\d+" data-line="8"/);
    await screenshot('map-light');

    // The user clicks the first stage on the map: the editor selects that rule.
    // (the table may hold the router's own rules: the map shows no print numbers, `?`)
    await uiSteps('map-click-stage', [{ clickInWebview: 'rule ? (line 9)' }]);
    await poll(
      () => `the editor selecting line 9, have ${vscode.window.activeTextEditor?.selection.start.line}`,
      () => {
        const ed = vscode.window.visibleTextEditors.find((e) => e.document === editor.document);
        return ed?.selection.start.line === 8 && ed.selection.end.line === 8;
      },
    );

    // The knock trace: every packet stops at the drop on line 8.
    const traced = (await vscode.commands.executeCommand('routeros.showFirewallMap', { trace: 'knock' })) as MapState;
    assert.equal(traced.trace, 'knock');
    assert.match(traced.svg, /class="rule st-hides-another st-final-drop traced verdict" data-uid="\d+" data-line="8"/);
    await uiSteps('map-trace', [{ seeInWebview: 'fails at stage 1' }]);
    await screenshot('map-trace');

    const config = vscode.workspace.getConfiguration('workbench');
    const before = config.get<string>('colorTheme');
    await config.update('colorTheme', 'Default Dark Modern', vscode.ConfigurationTarget.Global);
    try {
      await new Promise((r) => setTimeout(r, 1500));
      await screenshot('map-dark');
    } finally {
      await config.update('colorTheme', before, vscode.ConfigurationTarget.Global);
    }
  });
});
