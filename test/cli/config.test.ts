// .rsc-lint.json: the pure loader (parse, validate, resolve upwards, ignore globs) and its JSON Schema.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CONFIG_FILE_NAME, ConfigError, ConfigResolver, configLintOptions, globToRegExp, parseConfig } from '../../server/src/lintConfig';
import { DEFAULT_THRESHOLDS, lint } from '../../server/src/lint';
import { repoRoot } from './helpers';

const schema = JSON.parse(fs.readFileSync(path.join(repoRoot, 'schemas', 'rsc-lint.schema.json'), 'utf8'));

test('a full config parses and maps onto LintOptions (rules, thresholds, target, wan/lan)', () => {
  const c = parseConfig(
    JSON.stringify({
      $schema: './schemas/rsc-lint.schema.json',
      rules: { 'knock-weak-port': 'off', 'parse-error': 'warning' },
      thresholds: { stageTimeoutMin: 2 },
      target: '7.16',
      wan: ['WAN', 'ISP'],
      lan: ['LAN'],
      ignore: ['backups/', '*.old.rsc'],
    }),
    'x.json',
  );
  const o = configLintOptions(c);
  assert.deepEqual(o.severities, { 'knock-weak-port': 'off', 'parse-error': 'warning' });
  assert.deepEqual(o.thresholds, { stageTimeoutMin: 2 });
  assert.deepEqual(o.env, { targetVersion: '7.16', wanLists: ['WAN', 'ISP'], lanLists: ['LAN'] });
  // The options really reach the lint: parse-error downgraded.
  const r = lint(':put (1 +\n', o);
  assert.ok(r.findings.length > 0 && r.findings.every((f) => f.rule !== 'parse-error' || f.severity === 'warning'));
});

test('bad configs: one clear message naming the file and what is allowed', () => {
  const cases: Array<[string, RegExp]> = [
    ['{', /^c\.json: not valid JSON/],
    ['[]', /^c\.json: must be a JSON object, not an array$/],
    ['{"rulez": {}}', /^c\.json: unknown key "rulez" \(allowed: \$schema, rules, thresholds, target, wan, lan, ignore, assertions\)$/],
    ['{"rules": {"knock-weak-prot": "off"}}', /unknown rule id "knock-weak-prot" \(did you mean "knock-weak-port"\?\) in "rules"/],
    ['{"rules": {"knock-weak-port": "loud"}}', /"rules"\."knock-weak-port" must be "off", "hint", "info", "warning" or "error", not string "loud"/],
    ['{"rules": {"knock-weak-port": false}}', /not boolean false/],
    ['{"thresholds": {"stageTimeoutMin": -1}}', /"thresholds"\."stageTimeoutMin" must be a number of seconds >= 0/],
    ['{"thresholds": {"stageTimeout": 1}}', /unknown threshold "stageTimeout" \(allowed: stageTimeoutMin, stageTimeoutMax, finalTimeoutMax\)/],
    ['{"target": "7"}', /"target" must be a RouterOS version such as "7\.16"/],
    ['{"target": 7.16}', /"target" must be a RouterOS version/],
    ['{"wan": "WAN"}', /"wan" must be a list of non-empty strings, not string "WAN"/],
    ['{"lan": [""]}', /"lan" must be a list of non-empty strings/],
    ['{"ignore": ["/abs/*.rsc"]}', /"ignore" pattern "\/abs\/\*\.rsc" must be relative/],
  ];
  for (const [text, re] of cases) {
    assert.throws(() => parseConfig(text, 'c.json'), (e: unknown) => e instanceof ConfigError && re.test(e.message), text);
  }
});

test('the JSON Schema describes the same keys, thresholds and levels as the loader', () => {
  assert.deepEqual(Object.keys(schema.properties).sort(), ['$schema', 'assertions', 'ignore', 'lan', 'rules', 'target', 'thresholds', 'wan'].sort());
  assert.equal(schema.additionalProperties, false);
  assert.deepEqual(Object.keys(schema.properties.thresholds.properties).sort(), Object.keys(DEFAULT_THRESHOLDS).sort());
  assert.deepEqual(schema.properties.rules.additionalProperties.enum, ['off', 'hint', 'info', 'warning', 'error']);
  const target = new RegExp(schema.properties.target.pattern);
  for (const v of ['7.16', '7.16.2', '6.49']) {
    assert.ok(target.test(v), v);
    parseConfig(JSON.stringify({ target: v }), 'c');
  }
  for (const v of ['7', 'v7.16', '7.16-rc1']) {
    assert.ok(!target.test(v), v);
    assert.throws(() => parseConfig(JSON.stringify({ target: v }), 'c'));
  }
  // The README's example validates.
  const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
  const m = /```json\n(\{\n  "\$schema": "[^"]*rsc-lint\.schema\.json"[\s\S]*?\n\})\n```/.exec(readme);
  assert.ok(m, 'README shows an example .rsc-lint.json');
  parseConfig(m[1], 'README example');
});

test('the nearest config from the file folder upwards wins; --config and --no-config override', () => {
  const files: Record<string, string> = {
    [path.join('/r', CONFIG_FILE_NAME)]: '{"rules": {"knock-weak-port": "off"}}',
    [path.join('/r', 'site', CONFIG_FILE_NAME)]: '{"target": "7.16"}',
    [path.join('/other.json')]: '{"lan": ["LAN"]}',
    [path.join('/r', 'bad', CONFIG_FILE_NAME)]: '{"x": 1}',
  };
  let reads = 0;
  const host = {
    readFile: (f: string) => {
      reads++;
      return files[f];
    },
  };
  const r = new ConfigResolver(host);
  assert.equal(r.forFile(path.join('/r', 'a.rsc'))?.config.rules?.['knock-weak-port'], 'off');
  assert.equal(r.forFile(path.join('/r', 'site', 'deep', 'b.rsc'))?.config.target, '7.16');
  assert.equal(r.forFile(path.join('/r', 'site', 'deep', 'b.rsc'))?.config.rules, undefined, 'no merging: the nearest file only');
  const before = reads;
  r.forFile(path.join('/r', 'site', 'deep', 'c.rsc'));
  assert.equal(reads, before, 'cached per folder');
  assert.equal(r.forFile(path.join('/elsewhere', 'x.rsc')), undefined);
  assert.throws(() => r.forFile(path.join('/r', 'bad', 'x.rsc')), /unknown key "x"/);
  assert.deepEqual(new ConfigResolver(host, { explicit: '/other.json' }).forFile('/r/site/a.rsc')?.config, { lan: ['LAN'] });
  assert.equal(new ConfigResolver(host, { disabled: true }).forFile('/r/a.rsc'), undefined);
  assert.throws(() => new ConfigResolver(host, { explicit: '/missing.json' }).forFile('/r/a.rsc'), /--config names a missing file/);
});

test('ignore globs: * within a name, ** across folders, bare names at any depth, trailing / for folders', () => {
  const m = (p: string, s: string) => globToRegExp(p).test(s);
  assert.ok(m('*.old.rsc', 'a.old.rsc'));
  assert.ok(m('*.old.rsc', 'x/y/a.old.rsc'), 'no slash: any depth');
  assert.ok(!m('*.old.rsc', 'a.rsc'));
  assert.ok(m('backups/', 'backups/'), 'folder');
  assert.ok(m('backups/', 'site/backups/'));
  assert.ok(!m('backups/', 'backups'), 'a file named backups is not a folder');
  assert.ok(m('site/*.rsc', 'site/a.rsc'));
  assert.ok(!m('site/*.rsc', 'site/x/a.rsc'), '* stays in one segment');
  assert.ok(!m('site/*.rsc', 'other/site/a.rsc'), 'a slash anchors to the config folder');
  assert.ok(m('site/**/*.rsc', 'site/a.rsc'));
  assert.ok(m('site/**/*.rsc', 'site/x/y/a.rsc'));
  assert.ok(m('gen', 'gen/x/a.rsc'), 'a matched folder ignores what is under it');
  assert.ok(m('a?.rsc', 'ab.rsc') && !m('a?.rsc', 'a/b.rsc'));
  const r = new ConfigResolver({ readFile: (f) => (f === path.join('/p', CONFIG_FILE_NAME) ? '{"ignore": ["gen/", "*.bak.rsc"]}' : undefined) });
  const c = r.forFile('/p/x.rsc')!;
  assert.ok(c.ignores('/p/gen', true));
  assert.ok(c.ignores('/p/gen/a.rsc'));
  assert.ok(c.ignores('/p/sub/z.bak.rsc'));
  assert.ok(!c.ignores('/p/sub/z.rsc'));
  assert.ok(!c.ignores('/elsewhere/z.bak.rsc'), 'outside the config folder');
});
