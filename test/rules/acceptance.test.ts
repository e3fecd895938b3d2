// The guide's own complete setup, in the right order, gets no error-severity finding; its /export-style
// and v7 slash-style copies get identical findings (rule, line offset, message) to the one-line form.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lint } from '../../server/src/lint';
import { GUIDE_RULES, script, STYLES, type Style } from './fixtures';

function summary(style: Style) {
  const shift = style === 'export' ? 1 : 0;
  return lint(script(GUIDE_RULES, style)).findings.map((f) => ({
    rule: f.rule,
    severity: f.severity,
    line: f.range.start.line - shift,
    endLine: f.range.end.line - shift,
    message: f.message.replace(/\(line \d+\)/g, '(line N)'),
  }));
}

test("the guide's complete setup has no error", () => {
  for (const s of STYLES) {
    const errors = summary(s).filter((f) => f.severity === 'error');
    assert.deepEqual(errors, [], `style ${s}`);
  }
});

test("the guide's setup gets the expected warnings (weak, descending ports) and nothing else", () => {
  const rules = summary('oneliner').map((f) => `${f.rule}@${f.line + 1}`);
  assert.deepEqual(rules.sort(), ['knock-sequential-ports@2', 'knock-weak-port@2', 'knock-weak-port@3', 'knock-weak-port@4'].sort());
});

test('/export-style and v7 slash-style copies get identical findings', () => {
  const base = summary('oneliner');
  assert.deepEqual(summary('export'), base);
  assert.deepEqual(summary('slash'), base);
});

test('the broken variants of the guide: identical findings in all three styles', () => {
  const broken = [
    'action=drop chain=input in-interface-list=WAN',
    ...GUIDE_RULES.slice(1, 4).map((r) => r.replace(' src-address-list=knock1', '')),
    'action=add-src-to-address-list address-list=blacklist chain=input dst-port=555 protocol=tcp in-interface-list=WAN',
    'action=accept chain=input in-interface-list=WAN src-address-list=secured',
    'action=drop chain=input src-address-list=blacklist in-interface-list=WAN',
  ];
  const run = (style: Style) => {
    const shift = style === 'export' ? 1 : 0;
    return lint(script(broken, style)).findings.map((f) => `${f.rule}@${f.range.start.line - shift}`);
  };
  const base = run('oneliner');
  assert.ok(base.length > 0);
  assert.deepEqual(run('export'), base);
  assert.deepEqual(run('slash'), base);
});
