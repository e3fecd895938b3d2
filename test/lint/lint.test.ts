// The lint pipeline around the checks: syntax errors as findings, severities, thresholds, ordering,
// and containment of a crashing check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_THRESHOLDS, lint, ruleIds, validateRuleId, isSeveritySetting } from '../../server/src/lint';
import type { Check, Thresholds } from '../../server/src/rules/types';
import { allChecks } from '../../server/src/rules';
import { markerCheck, rangeOf, throwingCheck } from './fake-checks';

test('syntax errors become parse-error findings at error severity', () => {
  const text = '/ip firewall filter add chain=input\n:put (1 + \n:put ok\n';
  const r = lint(text, { checks: [] });
  assert.ok(r.parse.errors.length > 0);
  assert.equal(r.findings.length, r.parse.errors.length);
  for (const [i, f] of r.findings.entries()) {
    assert.equal(f.rule, 'parse-error');
    assert.equal(f.severity, 'error');
    assert.equal(f.message, r.parse.errors[i].message);
    assert.deepEqual(f.range, r.parse.errors[i].range);
  }
});

test('a valid script has no findings from the pipeline itself', () => {
  const text = '/ip firewall filter\nadd chain=input action=accept protocol=icmp\n';
  assert.deepEqual(lint(text, { checks: [] }).findings, []);
});

test('severity: the check default, the finding own severity, user overrides, and off', () => {
  const own: Check = {
    ...markerCheck('fake-own', 'OWN'),
    run: ({ text }) => [{ rule: 'fake-own', message: 'own', severity: 'hint', range: rangeOf(text, text.indexOf('OWN'), text.indexOf('OWN') + 3) }],
  };
  const checks = [markerCheck('fake-a', 'AAA', 'warning'), markerCheck('fake-b', 'BBB', 'info'), own];
  const text = ':put "AAA BBB OWN"\n';
  const sev = (o: Parameters<typeof lint>[1]) => lint(text, o).findings.map((f) => `${f.rule}:${f.severity}`);
  assert.deepEqual(sev({ checks }), ['fake-a:warning', 'fake-b:info', 'fake-own:hint']);
  assert.deepEqual(sev({ checks, severities: { 'fake-a': 'error', 'fake-own': 'warning' } }), ['fake-a:error', 'fake-b:info', 'fake-own:warning']);
  assert.deepEqual(sev({ checks, severities: { 'fake-b': 'off' } }), ['fake-a:warning', 'fake-own:hint']);
  assert.deepEqual(sev({ checks, severities: { 'no-such-rule': 'off' } }), ['fake-a:warning', 'fake-b:info', 'fake-own:hint']);
});

test('parse-error severity can be changed or turned off', () => {
  const text = ':put (1 + \n';
  assert.ok(lint(text, { checks: [], severities: { 'parse-error': 'warning' } }).findings.every((f) => f.severity === 'warning'));
  assert.deepEqual(lint(text, { checks: [], severities: { 'parse-error': 'off' } }).findings, []);
});

test('a throwing check becomes an internal-error finding naming it; the other checks still report', () => {
  const checks = [markerCheck('fake-a', 'AAA'), throwingCheck('fake-crash'), markerCheck('fake-b', 'BBB')];
  const r = lint(':put "AAA BBB"\n', { checks });
  assert.deepEqual(
    r.findings.map((f) => f.rule),
    ['internal-error', 'fake-a', 'fake-b'],
  );
  const ie = r.findings[0];
  assert.equal(ie.severity, 'error');
  assert.match(ie.message, /internal error in check fake-crash: Cannot read properties of undefined \(reading 'chain'\)/);
  assert.deepEqual(ie.range.start, { line: 0, column: 0, offset: 0 });
});

test('a check returning garbage is contained too', () => {
  const bad: Check = { ...markerCheck('fake-bad', 'X'), run: () => [{ rule: 'fake-bad', message: 'no range' } as never] };
  const r = lint(':put 1\n', { checks: [bad] });
  assert.deepEqual(r.findings.map((f) => f.rule), ['internal-error']);
  assert.match(r.findings[0].message, /check fake-bad: a finding without a range/);
});

test('thresholds: defaults 5 / 60 / 86400, partially overridden', () => {
  assert.deepEqual(DEFAULT_THRESHOLDS, { stageTimeoutMin: 5, stageTimeoutMax: 60, finalTimeoutMax: 86400 });
  let seen: Thresholds | undefined;
  const spy: Check = { ...markerCheck('fake-spy', 'X'), run: (ctx) => ((seen = ctx.thresholds), []) };
  lint(':put 1\n', { checks: [spy] });
  assert.deepEqual(seen, { stageTimeoutMin: 5, stageTimeoutMax: 60, finalTimeoutMax: 86400 });
  lint(':put 1\n', { checks: [spy], thresholds: { stageTimeoutMax: 120 } });
  assert.deepEqual(seen, { stageTimeoutMin: 5, stageTimeoutMax: 120, finalTimeoutMax: 86400 });
});

test('the check context carries the text, the tree, the model and the knock sequences', () => {
  const text = [
    '/ip firewall filter',
    'add chain=input action=add-src-to-address-list address-list=knock1 address-list-timeout=30s dst-port=2873 protocol=tcp',
    'add chain=input action=add-src-to-address-list address-list=secured address-list-timeout=30m dst-port=7411 protocol=tcp src-address-list=knock1',
    'add chain=input action=accept src-address-list=secured',
    '',
  ].join('\n');
  let ok = false;
  const spy: Check = {
    ...markerCheck('fake-spy', 'X'),
    run: (ctx) => {
      ok = ctx.text === text && ctx.parse.script.kind === 'script' && ctx.model.tables.has('ip filter');
      return [];
    },
  };
  const r = lint(text, { checks: [spy] });
  assert.ok(ok);
  assert.equal(r.model.tables.get('ip filter')?.rules.length, 3);
  assert.equal(r.knocks.length, 1);
  assert.deepEqual(r.knocks[0].stages.map((s) => s.list), ['knock1', 'secured']);
});

test('findings are sorted by position, then rule id', () => {
  const checks = [markerCheck('fake-z', 'AAA'), markerCheck('fake-b', 'BBB'), markerCheck('fake-a', 'AAA')];
  const r = lint(':put "BBB"\n:put "AAA"\n', { checks });
  assert.deepEqual(r.findings.map((f) => `${f.rule}@${f.range.start.line}`), ['fake-b@0', 'fake-a@1', 'fake-z@1']);
});

test('ruleIds lists parse-error, internal-error and every registered check; validateRuleId suggests', () => {
  const ids = ruleIds();
  assert.equal(ids[0], 'parse-error');
  assert.equal(ids[1], 'internal-error');
  for (const c of allChecks) assert.ok(ids.includes(c.id), c.id);
  assert.equal(new Set(ids).size, ids.length);
  assert.equal(validateRuleId('parse-error'), undefined);
  assert.equal(validateRuleId('parse-eror'), 'unknown rule id "parse-eror" (did you mean "parse-error"?)');
  assert.equal(validateRuleId('zzzzzzzzzzzzzzzzzzzzz'), 'unknown rule id "zzzzzzzzzzzzzzzzzzzzz"');
  assert.ok(isSeveritySetting('off') && isSeveritySetting('hint') && !isSeveritySetting('fatal'));
});

test('the real registry runs without internal errors on the bundled examples', async () => {
  const { readFileSync, readdirSync } = await import('node:fs');
  const { join } = await import('node:path');
  const dir = join(__dirname, '..', '..', 'examples');
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.rsc'))) {
    const r = lint(readFileSync(join(dir, name), 'utf8'));
    assert.deepEqual(r.findings.filter((f) => f.rule === 'internal-error').map((f) => f.message), [], name);
  }
});

test('exact repeats (same rule, range and message) are reported once', () => {
  const twice: Check = {
    ...markerCheck('fake-twice', 'AAA'),
    run: (ctx) => [...markerCheck('fake-twice', 'AAA').run(ctx), ...markerCheck('fake-twice', 'AAA').run(ctx)],
  };
  const r = lint(':put "AAA"\n:put "AAA"\n', { checks: [twice] });
  assert.deepEqual(r.findings.map((f) => `${f.rule}@${f.range.start.line}`), ['fake-twice@0', 'fake-twice@1']);
});
