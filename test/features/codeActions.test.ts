// Code actions with findings from small test checks (the real checks are tested with these actions in
// codeActions.checks.test.ts). `<|>` marks the cursor; every action's edit is applied and the whole
// resulting text compared.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CodeAction, TextEdit as LspTextEdit } from 'vscode-languageserver-types';
import { applyEdits } from '../../server/src/edits';
import { lint, type LintOptions } from '../../server/src/lint';
import { LineIndex } from '../../server/src/parser/lineIndex';
import {
  FIX_ALL_KIND,
  SHOW_DOC_COMMAND,
  codeActions,
  combineFixes,
  fixAllText,
  minimalEdit,
} from '../../server/src/features/codeActions';
import type { Check, Fix, TextEdit } from '../../server/src/rules/types';

const URI = 'file:///test.rsc';

/** A check that reports every match of `re` on a rule command, with the fixes `fixes(match)` gives. */
function regexCheck(id: string, re: RegExp, fixes: (m: RegExpExecArray, text: string) => Fix[]): Check {
  return {
    id,
    defaultSeverity: 'warning',
    description: `test check ${id}`,
    examples: { bad: '', good: '' },
    run(ctx) {
      const idx = new LineIndex(ctx.text);
      const out = [];
      const g = new RegExp(re.source, 'g');
      for (let m = g.exec(ctx.text); m; m = g.exec(ctx.text)) {
        out.push({
          rule: id,
          message: `found ${m[0]}`,
          range: { start: idx.positionAt(m.index), end: idx.positionAt(m.index + m[0].length) },
          fixes: fixes(m, ctx.text),
        });
      }
      return out;
    },
  };
}

const replaceFix = (title: string, m: RegExpExecArray, newText: string, safe = true): Fix => ({
  title,
  safe,
  edits: [{ start: m.index, end: m.index + m[0].length, newText }],
});

const fooCheck = regexCheck('no-foo', /comment=foo/, (m) => [
  replaceFix('Rename to bar', m, 'comment=bar'),
  replaceFix('Remove the comment', m, '', false),
]);
// Fires on what no-foo's fix produces: fix-all must run a second round.
const barCheck = regexCheck('no-bar', /comment=bar/, (m) => [replaceFix('Rename to baz', m, 'comment=baz')]);
const checks = [fooCheck, barCheck];
const opts: LintOptions = { checks };

function cursor(src: string): { text: string; offset: number } {
  const i = src.indexOf('<|>');
  assert.ok(i >= 0, 'test text has a <|> marker');
  return { text: src.slice(0, i) + src.slice(i + 3), offset: i };
}

function actionsAt(src: string, only?: string[], lintOptions: LintOptions = opts): { text: string; actions: CodeAction[] } {
  const { text, offset } = cursor(src);
  const idx = new LineIndex(text);
  const p = idx.positionAt(offset);
  const pos = { line: p.line, character: p.column };
  const actions = codeActions({ uri: URI, text, lint: lint(text, lintOptions), range: { start: pos, end: pos }, only, lintOptions });
  return { text, actions };
}

/** Applies an action's LSP edits to the text. */
function applyAction(text: string, a: CodeAction): string {
  const edits = a.edit?.changes?.[URI] as LspTextEdit[] | undefined;
  assert.ok(edits, `action "${a.title}" has edits for the document`);
  const idx = new LineIndex(text);
  const off = (p: { line: number; character: number }) => idx.offsetAt({ line: p.line, column: p.character });
  return applyEdits(
    text,
    edits!.map((e) => ({ start: off(e.range.start), end: off(e.range.end), newText: e.newText })),
  );
}

function titled(actions: CodeAction[], title: string): CodeAction {
  const a = actions.find((x) => x.title === title);
  assert.ok(a, `"${title}" offered; got ${JSON.stringify(actions.map((x) => x.title))}`);
  return a!;
}

const TEXT = `/ip firewall filter
add chain=input action=accept comment=ok
add chain=input action=drop comment=foo
add chain=forward action=drop comment=foo
`;

describe('code actions: a finding\'s fixes and menu', () => {
  it('lists the fixes first, then fix-all, disable and documentation, in this order', () => {
    const { actions } = actionsAt(TEXT.replace('action=drop comment=foo\nadd chain=forward', 'action=drop <|>comment=foo\nadd chain=forward'));
    assert.deepEqual(
      actions.map((a) => [a.title, a.kind, a.isPreferred ?? false]),
      [
        ['Rename to bar', 'quickfix', true],
        ['Remove the comment (no-foo)', 'quickfix', false],
        ['Fix all no-foo problems', 'quickfix', false],
        ['Disable no-foo for this command', 'quickfix', false],
        ['Disable no-foo for this file', 'quickfix', false],
        ['Show documentation for no-foo', 'quickfix', false],
        ['Move rule up', 'refactor.move', false],
      ],
    );
  });

  it('attaches the diagnostic as published (code, source, data with the finding index)', () => {
    const { actions } = actionsAt(TEXT.replace('action=drop comment=foo\nadd chain=forward', 'action=drop comment=fo<|>o\nadd chain=forward'));
    const d = titled(actions, 'Rename to bar').diagnostics![0];
    assert.equal(d.code, 'no-foo');
    assert.deepEqual(d.range, { start: { line: 2, character: 28 }, end: { line: 2, character: 39 } });
    assert.deepEqual((d.data as { index: number }).index, 0);
  });

  it('applies the safe fix and the suggestion', () => {
    const { text, actions } = actionsAt(TEXT.replace('action=drop comment=foo\nadd chain=forward', 'action=drop comment=foo<|>\nadd chain=forward'));
    assert.equal(applyAction(text, titled(actions, 'Rename to bar')), TEXT.replace('comment=foo', 'comment=bar'));
    assert.equal(applyAction(text, titled(actions, 'Remove the comment (no-foo)')), TEXT.replace(' comment=foo', ' '));
  });

  it('offers nothing for findings outside the range', () => {
    const { actions } = actionsAt(TEXT.replace('comment=ok', '<|>comment=ok'));
    assert.deepEqual(actions.map((a) => a.title), ['Move rule down']);
  });

  it('shows documentation through the routeros.showRuleDoc command', () => {
    const { actions } = actionsAt(TEXT.replace('comment=foo', '<|>comment=foo'));
    const a = titled(actions, 'Show documentation for no-foo');
    assert.deepEqual(a.command, { title: 'Show documentation for no-foo', command: SHOW_DOC_COMMAND, arguments: ['no-foo'] });
    assert.equal(a.edit, undefined);
  });

  it('fixes all problems of one rule in one edit, and only offers it for two or more', () => {
    const { text, actions } = actionsAt(TEXT.replace('comment=foo', '<|>comment=foo'));
    assert.equal(applyAction(text, titled(actions, 'Fix all no-foo problems')), TEXT.replace(/comment=foo/g, 'comment=bar'));
    const single = `/ip firewall filter add chain=input comment=<|>foo\n`;
    assert.ok(!actionsAt(single).actions.some((a) => a.title.startsWith('Fix all')));
  });
});

describe('code actions: disable comments', () => {
  it('inserts a directive above the command with its indentation, and the finding goes away', () => {
    const src = `/ip firewall filter add chain=input comment=ok
:if (true) do={
    /ip firewall filter add chain=input comment=<|>foo
}
`;
    const { text, actions } = actionsAt(src);
    const out = applyAction(text, titled(actions, 'Disable no-foo for this command'));
    assert.equal(
      out,
      `/ip firewall filter add chain=input comment=ok
:if (true) do={
    # rsc-lint disable=no-foo
    /ip firewall filter add chain=input comment=foo
}
`,
    );
    assert.deepEqual(lint(out, opts).findings, []);
  });

  it('merges into a directive already above the command', () => {
    const src = `/ip firewall filter add chain=input comment=ok
# rsc-lint disable=knock-weak-port
/ip firewall filter add chain=input comment=<|>foo
`;
    const { text, actions } = actionsAt(src);
    const out = applyAction(text, titled(actions, 'Disable no-foo for this command'));
    assert.equal(out, text.replace('disable=knock-weak-port', 'disable=knock-weak-port,no-foo'));
    assert.deepEqual(lint(out, opts).findings, []);
  });

  it('puts the file directive after the export header, before the first command', () => {
    const src = `# 2024-05-01 12:00:00 by RouterOS 7.14.3
# software id = ABCD-1234
/ip firewall filter
add chain=input comment=<|>foo
add chain=input comment=foo
`;
    const { text, actions } = actionsAt(src);
    const out = applyAction(text, titled(actions, 'Disable no-foo for this file'));
    assert.equal(
      out,
      `# 2024-05-01 12:00:00 by RouterOS 7.14.3
# software id = ABCD-1234
# rsc-lint disable=no-foo
/ip firewall filter
add chain=input comment=foo
add chain=input comment=foo
`,
    );
    assert.deepEqual(lint(out, opts).findings, []);
  });

  it('a blank line ends the header block; a file without header gets the directive on line 1', () => {
    const withBlank = `# header\n\n# about the rules\n/ip firewall filter add chain=input comment=<|>foo\n`;
    const a = actionsAt(withBlank);
    assert.equal(applyAction(a.text, titled(a.actions, 'Disable no-foo for this file')), `# header\n# rsc-lint disable=no-foo\n\n# about the rules\n/ip firewall filter add chain=input comment=foo\n`);
    const bare = actionsAt(`/ip firewall filter add chain=input\n/ip firewall filter add chain=input comment=<|>foo\n`);
    assert.equal(
      applyAction(bare.text, titled(bare.actions, 'Disable no-foo for this file')),
      `# rsc-lint disable=no-foo\n/ip firewall filter add chain=input\n/ip firewall filter add chain=input comment=foo\n`,
    );
  });

  it('merges into the file directive that is already there', () => {
    const src = `# rsc-lint disable=knock-no-interface\n/ip firewall filter add chain=input\n/ip firewall filter add chain=input comment=<|>foo\n`;
    const { text, actions } = actionsAt(src);
    const out = applyAction(text, titled(actions, 'Disable no-foo for this file'));
    assert.equal(out, text.replace('knock-no-interface', 'knock-no-interface,no-foo'));
  });

  it('on the first command only the file directive is offered (a directive there covers the file)', () => {
    const { actions } = actionsAt(`/ip firewall filter add chain=input comment=<|>foo\n/ip firewall filter add chain=input\n`);
    assert.ok(!actions.some((a) => a.title === 'Disable no-foo for this command'));
    assert.ok(actions.some((a) => a.title === 'Disable no-foo for this file'));
  });

  it('offers no disable for syntax errors', () => {
    const text = `/ip firewall filter add chain=input\n:if ( do={\n`;
    const r = lint(text, { checks: [] });
    assert.ok(r.findings.some((f) => f.rule === 'parse-error'));
    const end = new LineIndex(text).positionAt(text.length);
    const actions = codeActions({
      uri: URI,
      text,
      lint: r,
      range: { start: { line: 0, character: 0 }, end: { line: end.line, character: end.column } },
    });
    assert.ok(actions.length > 0, 'a parse-error finding is there');
    assert.ok(!actions.some((a) => a.title.startsWith('Disable')), JSON.stringify(actions.map((a) => a.title)));
  });
});

describe('code actions: source.fixAll.routeros', () => {
  it('is listed only when asked for, and re-lints until the fixes settle', () => {
    assert.ok(!actionsAt(TEXT.replace('comment=ok', '<|>comment=ok')).actions.some((a) => a.kind === FIX_ALL_KIND));
    const { text, actions } = actionsAt(TEXT.replace('comment=ok', '<|>comment=ok'), ['source.fixAll']);
    assert.deepEqual(actions.map((a) => a.kind), [FIX_ALL_KIND]);
    // foo -> bar (no-foo), then bar -> baz (no-bar, found on the re-lint).
    assert.equal(applyAction(text, actions[0]), TEXT.replace(/comment=foo/g, 'comment=baz'));
    assert.equal((actions[0].edit!.changes![URI] as LspTextEdit[]).length, 1, 'one minimal edit');
  });

  it('a kind filter also matches sub-kinds: `source` lists fix-all; `quickfix` lists no moves', () => {
    assert.ok(actionsAt(TEXT.replace('comment=ok', '<|>comment=ok'), ['source']).actions.some((a) => a.kind === FIX_ALL_KIND));
    assert.ok(!actionsAt(TEXT.replace('comment=foo', '<|>comment=foo'), ['quickfix']).actions.some((a) => a.kind === 'refactor.move'));
    assert.deepEqual(
      actionsAt(TEXT.replace('comment=foo', '<|>comment=foo'), ['refactor']).actions.map((a) => a.title),
      ['Move rule up'],
    );
  });

  it('stops on fixes that undo each other', () => {
    const ab = regexCheck('a-to-b', /comment=a\b/, (m) => [replaceFix('to b', m, 'comment=b')]);
    const ba = regexCheck('b-to-a', /comment=b\b/, (m) => [replaceFix('to a', m, 'comment=a')]);
    const o: LintOptions = { checks: [ab, ba] };
    const text = `/ip firewall filter add chain=input comment=a\n`;
    const r = fixAllText(text, lint(text, o), o);
    assert.equal(r.text, `/ip firewall filter add chain=input comment=b\n`);
    assert.equal(r.passes, 1);
  });

  it('skips unsafe fixes and nothing is offered when only unsafe fixes exist', () => {
    const unsafe = regexCheck('u', /comment=foo/, (m) => [replaceFix('maybe', m, 'comment=x', false)]);
    const o: LintOptions = { checks: [unsafe] };
    const { actions } = actionsAt(`/ip firewall filter add chain=input comment=<|>foo\n`, ['source.fixAll'], o);
    assert.deepEqual(actions, []);
  });
});

describe('code actions: helpers', () => {
  it('combineFixes skips a fix touching what an earlier one changed, and same-point insertions', () => {
    const e = (start: number, end: number, newText = 'x'): TextEdit => ({ start, end, newText });
    const f = (...edits: TextEdit[]): Fix => ({ title: 't', safe: true, edits });
    const r = combineFixes([f(e(0, 2)), f(e(1, 3)), f(e(2, 4)), f(e(5, 5)), f(e(5, 5, 'y')), f(e(7, 8), e(9, 9))]);
    assert.deepEqual(r.edits, [e(0, 2), e(2, 4), e(5, 5), e(7, 8), e(9, 9)]);
  });

  it('minimalEdit keeps the common prefix and suffix and never splits CRLF or surrogate pairs', () => {
    assert.deepEqual(minimalEdit('abcdef', 'abXdef'), { start: 2, end: 3, newText: 'X' });
    assert.equal(minimalEdit('same', 'same'), undefined);
    assert.deepEqual(minimalEdit('a\r\nb', 'a\nb'), { start: 1, end: 3, newText: '\n' });
    const e = minimalEdit('x\u{1F600}y', 'x\u{1F601}y')!;
    assert.equal(applyEdits('x\u{1F600}y', [e]), 'x\u{1F601}y');
    assert.equal(e.start, 1);
  });
});
