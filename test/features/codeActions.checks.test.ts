// Code actions on the real knock checks: the guide's setup written wrong, fixed from the editor's menu.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CodeAction, TextEdit as LspTextEdit } from 'vscode-languageserver-types';
import { applyEdits } from '../../server/src/edits';
import { lint } from '../../server/src/lint';
import { LineIndex } from '../../server/src/parser/lineIndex';
import { FIX_ALL_KIND, codeActions } from '../../server/src/features/codeActions';

const URI = 'file:///router.rsc';

function cursor(src: string): { text: string; offset: number } {
  const i = src.indexOf('<|>');
  assert.ok(i >= 0, 'test text has a <|> marker');
  return { text: src.slice(0, i) + src.slice(i + 3), offset: i };
}

function actionsAt(src: string, only?: string[]): { text: string; actions: CodeAction[] } {
  const { text, offset } = cursor(src);
  const p = new LineIndex(text).positionAt(offset);
  const pos = { line: p.line, character: p.column };
  return { text, actions: codeActions({ uri: URI, text, lint: lint(text), range: { start: pos, end: pos }, only }) };
}

function applyAction(text: string, a: CodeAction): string {
  const edits = a.edit?.changes?.[URI] as LspTextEdit[] | undefined;
  assert.ok(edits, `action "${a.title}" has edits`);
  const idx = new LineIndex(text);
  const off = (p: { line: number; character: number }) => idx.offsetAt({ line: p.line, column: p.character });
  return applyEdits(text, edits!.map((e) => ({ start: off(e.range.start), end: off(e.range.end), newText: e.newText })));
}

function titled(actions: CodeAction[], title: string): CodeAction {
  const a = actions.find((x) => x.title === title);
  assert.ok(a, `"${title}" offered; got ${JSON.stringify(actions.map((x) => x.title))}`);
  return a!;
}

const rules = (text: string): string[] => lint(text).findings.map((f) => `${f.rule}:${f.range.start.line + 1}`);

const BROKEN = `/interface list member add interface=ether1 list=WAN
/ip firewall filter add action=accept chain=input connection-state=established,related comment=est
/ip firewall filter add action=drop chain=input in-interface-list=WAN comment="drop WAN"
# knock stages
/ip firewall filter add action=add-src-to-address-list address-list=knock1 chain=input dst-port=7342 in-interface-list=WAN protocol=tcp
/ip firewall filter add action=add-src-to-address-list address-list=knock2 address-list-timeout=30s chain=input dst-port=4519 in-interface-list=WAN protocol=tcp
/ip firewall filter add action=add-src-to-address-list address-list=secured address-list-timeout=30m chain=input dst-port=9121 in-interface-list=WAN protocol=tcp src-address-list=knock2
/ip firewall filter add action=accept chain=input in-interface-list=WAN src-address-list=secured
/ip firewall filter add action=drop chain=input src-address-list=blacklist
/ip firewall filter add action=add-src-to-address-list address-list=blacklist address-list-timeout=1000m chain=input dst-port=666 in-interface-list=WAN protocol=tcp
/ip firewall filter add action=add-src-to-address-list address-list=blacklist address-list-timeout=1m chain=input dst-port=21,22,23,8291,10000-60000 in-interface-list=WAN protocol=tcp src-address-list=!secured
`;

describe('code actions with the knock checks', () => {
  it('the broken setup has the findings these tests fix', () => {
    // (Other checks, such as the scan simulation, may report more on it; these are the ones fixed here.)
    // One problem, one diagnostic: the drop above the whole knock is one knock-shadowed finding (the
    // other stages and the accept it hides are its related locations).
    const ids = ['knock-shadowed', 'knock-timeout-missing', 'knock-missing-chain', 'knock-no-access', 'knock-blacklist-order', 'knock-blacklist-untested'];
    assert.deepEqual(rules(BROKEN).filter((r) => ids.includes(r.split(':')[0])), [
      'knock-shadowed:5',
      'knock-timeout-missing:5',
      'knock-missing-chain:6',
      'knock-blacklist-order:9',
      'knock-blacklist-untested:10',
      'knock-blacklist-untested:11',
    ]);
  });

  it('source.fixAll.routeros fixes everything in one edit (two rounds: moves, then properties)', () => {
    const { text, actions } = actionsAt(`<|>${BROKEN}`, [FIX_ALL_KIND]);
    assert.equal(actions.length, 1);
    const out = applyAction(text, actions[0]);
    assert.deepEqual(rules(out), []);
    assert.equal(
      out,
      `/interface list member add interface=ether1 list=WAN
/ip firewall filter add action=drop chain=input src-address-list=blacklist
/ip firewall filter add action=accept chain=input connection-state=established,related comment=est
# knock stages
/ip firewall filter add action=add-src-to-address-list address-list=knock1 chain=input dst-port=7342 in-interface-list=WAN protocol=tcp address-list-timeout=30s
/ip firewall filter add action=add-src-to-address-list address-list=knock2 address-list-timeout=30s chain=input dst-port=4519 in-interface-list=WAN protocol=tcp src-address-list=knock1
/ip firewall filter add action=add-src-to-address-list address-list=secured address-list-timeout=30m chain=input dst-port=9121 in-interface-list=WAN protocol=tcp src-address-list=knock2
/ip firewall filter add action=accept chain=input in-interface-list=WAN src-address-list=secured
/ip firewall filter add action=drop chain=input in-interface-list=WAN comment="drop WAN"
/ip firewall filter add action=add-src-to-address-list address-list=blacklist address-list-timeout=1000m chain=input dst-port=666 in-interface-list=WAN protocol=tcp disabled=yes
/ip firewall filter add action=add-src-to-address-list address-list=blacklist address-list-timeout=1m chain=input dst-port=21,22,23,8291,10000-60000 in-interface-list=WAN protocol=tcp src-address-list=!secured disabled=yes
`,
    );
  });

  it('on a shadowed stage: the check\'s move is preferred, and the reorder menu offers "Move above" the drop', () => {
    const { text, actions } = actionsAt(BROKEN.replace('dst-port=7342', '<|>dst-port=7342'));
    const preferred = actions.filter((a) => a.isPreferred).map((a) => a.title);
    assert.deepEqual(preferred, ['Move the knock (stages and accept) above the rule that hides it', 'Set address-list-timeout=30s']);
    const fixed = applyAction(text, titled(actions, 'Move the knock (stages and accept) above the rule that hides it'));
    // one fix clears the problem: no stage and no accept stays hidden
    assert.ok(!rules(fixed).some((r) => r.startsWith('knock-shadowed') || r.startsWith('knock-no-access')), rules(fixed).join(' '));
    const moved = applyAction(text, titled(actions, 'Move above "drop WAN" (line 3)'));
    assert.ok(!rules(moved).includes('knock-shadowed:3'), 'stage 1 now sits above the drop');
    assert.equal(lint(moved).model.tables.get('ip filter')!.rules[1].addressList, 'knock1');
  });

  it('fixes all untested blacklist rules at once', () => {
    const { text, actions } = actionsAt(BROKEN.replace('dst-port=666', '<|>dst-port=666'));
    const out = applyAction(text, titled(actions, 'Fix all knock-blacklist-untested problems'));
    assert.equal((out.match(/disabled=yes/g) ?? []).length, 2);
    assert.ok(!rules(out).some((r) => r.startsWith('knock-blacklist-untested')));
  });

  it('"Disable for this command" silences exactly that finding', () => {
    const { text, actions } = actionsAt(BROKEN.replace('dst-port=4519', '<|>dst-port=4519'));
    const out = applyAction(text, titled(actions, 'Disable knock-missing-chain for this command'));
    assert.ok(out.includes('# rsc-lint disable=knock-missing-chain\n/ip firewall filter add action=add-src-to-address-list address-list=knock2'));
    const after = rules(out);
    assert.ok(!after.some((r) => r.startsWith('knock-missing-chain')));
    assert.ok(after.includes('knock-shadowed:5'), 'the other findings stay');
    assert.ok(after.includes('knock-blacklist-order:10'), 'the other findings stay (shifted by the new line)');
  });
});

describe('code actions: one problem, one short menu', () => {
  const GUIDE_DROP_ABOVE = `/ip firewall filter
add action=drop chain=input in-interface-list=WAN comment="drop all from WAN"
add action=add-src-to-address-list address-list=knock1 address-list-timeout=30s chain=input dst-port=888 in-interface-list=WAN protocol=tcp
add action=add-src-to-address-list address-list=knock2 address-list-timeout=30s chain=input dst-port=555 in-interface-list=WAN protocol=tcp src-address-list=knock1
add action=add-src-to-address-list address-list=secured address-list-timeout=30m chain=input dst-port=222 in-interface-list=WAN protocol=tcp src-address-list=knock2
add action=accept chain=input in-interface-list=WAN src-address-list=secured
`;

  it('the same suggestion from two findings is listed once, for both diagnostics', () => {
    // knock-sequential-ports and knock-weak-port both suggest the same fresh ports on stage 1
    const { actions } = actionsAt(GUIDE_DROP_ABOVE.replace('dst-port=888', '<|>dst-port=888'));
    const titles = actions.map((a) => a.title);
    assert.equal(new Set(titles).size, titles.length, `no title twice: ${JSON.stringify(titles)}`);
    const fresh = actions.filter((a) => a.title.startsWith('Use fresh knock ports'));
    assert.equal(fresh.length, 1);
    assert.deepEqual(fresh[0].diagnostics!.map((d) => d.code).sort(), ['knock-sequential-ports', 'knock-weak-port']);
    // the one error: the hidden knock, its fix preferred and first
    assert.equal(actions[0].title, 'Move the knock (stages and accept) above the rule that hides it');
    assert.equal(actions[0].isPreferred, true);
    const errors = lint(GUIDE_DROP_ABOVE).findings.filter((f) => f.severity === 'error');
    assert.deepEqual(errors.map((f) => `${f.rule}:${f.range.start.line + 1}`), ['knock-shadowed:3']);
  });
});
