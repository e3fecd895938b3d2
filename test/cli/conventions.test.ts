// The conventions linters have, run as users run them (node dist/cli.js): --jobs with deterministic
// output, --cache, --shard, .rsc-lint.json, --fix / --fix-dry-run, --max-warnings, --stdin-filename,
// --format github.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { allChecks } from '../../server/src/rules';
import { lint } from '../../server/src/lint';
import { fixAllText } from '../../server/src/features/codeActions';
import { runCli, tempTree } from './helpers';

const BROKEN = '/ip firewall filter\nadd chain=input action=accept\n:put (1 + \n';
const CLEAN = '/ip firewall filter\nadd chain=input action=accept protocol=icmp comment="ping"\n';
const example = (id: string) => allChecks.find((c) => c.id === id)!.examples.bad;
/** A script with a safe fix (enabled blacklist rules in the knock setup: "Add disabled=yes"). */
const FIXABLE = example('knock-blacklist-untested');
/** A script whose only findings are warnings. */
const WARNS = example('knock-weak-port');

function fleet(n: number): Record<string, string> {
  const files: Record<string, string> = {};
  for (let i = 0; i < n; i++) files[`site${i % 7}/r${String(i).padStart(3, '0')}.rsc`] = [BROKEN, CLEAN, WARNS, FIXABLE][i % 4];
  return files;
}

test('--jobs: the same output, in sorted path order, with 1, 2 and 4 threads, in every format', async () => {
  const t = tempTree(fleet(60));
  try {
    for (const format of ['text', 'json', 'sarif', 'github']) {
      const one = await runCli(['--jobs', '1', '-f', format, '.'], { cwd: t.dir });
      assert.equal(one.code, 1);
      for (const jobs of format === 'text' ? ['2', '4'] : ['2']) {
        const many = await runCli(['--jobs', jobs, '-f', format, '.'], { cwd: t.dir });
        assert.equal(many.stdout, one.stdout, `${format} --jobs ${jobs}`);
        assert.equal(many.code, one.code);
        assert.equal(many.stderr, '');
      }
    }
    const text = (await runCli(['-f', 'json', '.'], { cwd: t.dir })).stdout;
    const files = (JSON.parse(text) as Array<{ file: string }>).map((r) => r.file);
    assert.deepEqual(files, [...files].sort(), 'sorted by path');
    for (const bad of [['--jobs', '0'], ['--jobs', 'x'], ['-j', '1.5']]) {
      const r = await runCli([...bad, '.'], { cwd: t.dir });
      assert.equal(r.code, 2);
      assert.match(r.stderr, /^rsc-lint: (--jobs|-j) must be a whole number from 1 to 256/);
    }
  } finally {
    t.cleanup();
  }
});

test('--shard i/n: the parts are disjoint, cover every file, and are the same on every run', async () => {
  const t = tempTree(fleet(40));
  try {
    const all = JSON.parse((await runCli(['-f', 'json', '.'], { cwd: t.dir })).stdout) as Array<{ file: string }>;
    const seen: string[] = [];
    for (const i of [1, 2, 3]) {
      const a = await runCli(['-f', 'json', '--shard', `${i}/3`, '.'], { cwd: t.dir });
      const b = await runCli(['-f', 'json', '--shard', `${i}/3`, '--jobs', '1', '.'], { cwd: t.dir });
      assert.equal(a.stdout, b.stdout);
      const files = new Set((JSON.parse(a.stdout) as Array<{ file: string }>).map((r) => r.file));
      assert.ok(files.size > 0, `shard ${i} is not empty`);
      seen.push(...files);
    }
    assert.deepEqual(seen.sort(), [...new Set(all.map((r) => r.file))].sort());
    for (const bad of ['0/3', '4/3', '1/0', 'a/b', '1']) {
      const r = await runCli(['--shard', bad, '.'], { cwd: t.dir });
      assert.equal(r.code, 2);
      assert.match(r.stderr, /--shard must be I\/N with 1 <= I <= N/);
    }
  } finally {
    t.cleanup();
  }
});

test('--cache: same output; unchanged files are not linted again; a content, config or rule change is seen', async () => {
  const t = tempTree({ ...fleet(12), [path.join('site0', '.rsc-lint.json')]: '{}' });
  try {
    const args = ['--cache', '--cache-location', 'cachedir/', '-f', 'json', '.'];
    const first = await runCli(args, { cwd: t.dir });
    const cacheFile = path.join(t.dir, 'cachedir', '.rsc-lint-cache');
    assert.ok(fs.existsSync(cacheFile));
    // Proof that the second run uses the cache: plant a finding in it; it comes back.
    const data = JSON.parse(fs.readFileSync(cacheFile, 'utf8'));
    const cleanFile = Object.keys(data.entries).find((f) => f.endsWith('r001.rsc'))!;
    data.entries[cleanFile].findings = [{ rule: 'parse-error', severity: 'error', message: 'from the cache', range: { start: { line: 0, column: 0, offset: 0 }, end: { line: 0, column: 1, offset: 1 } } }];
    fs.writeFileSync(cacheFile, JSON.stringify(data));
    const second = await runCli(args, { cwd: t.dir });
    assert.match(second.stdout, /from the cache/);
    // Touched but identical bytes: still from the cache (content hash).
    const later = new Date(Date.now() + 5000);
    fs.utimesSync(path.join(t.dir, 'site1', 'r001.rsc'), later, later);
    assert.match((await runCli(args, { cwd: t.dir })).stdout, /from the cache/);
    // Changed content: linted again.
    fs.writeFileSync(path.join(t.dir, 'site1', 'r001.rsc'), CLEAN + '\n');
    const third = await runCli(args, { cwd: t.dir });
    assert.doesNotMatch(third.stdout, /from the cache/);
    assert.equal(third.stdout, first.stdout);
    // A --rule change or a config change invalidates.
    const off = await runCli(['--rule', 'parse-error=off', ...args], { cwd: t.dir });
    assert.doesNotMatch(off.stdout, /"parse-error"/);
    fs.writeFileSync(path.join(t.dir, 'site0', '.rsc-lint.json'), '{"rules": {"parse-error": "warning"}}');
    const cfg = JSON.parse((await runCli(args, { cwd: t.dir })).stdout) as Array<{ file: string; rule: string; severity: string }>;
    assert.ok(cfg.filter((r) => r.file.startsWith('site0') && r.rule === 'parse-error').every((r) => r.severity === 'warning'));
    assert.ok(cfg.some((r) => r.file.startsWith('site1') && r.rule === 'parse-error' && r.severity === 'error'));
    // A corrupt cache is ignored and rewritten.
    fs.writeFileSync(cacheFile, '{not json');
    const fresh = await runCli(args, { cwd: t.dir });
    assert.equal(fresh.stderr, '');
    JSON.parse(fs.readFileSync(cacheFile, 'utf8'));
  } finally {
    t.cleanup();
  }
});

test('.rsc-lint.json: found upwards per file, rules/ignore applied, --config, --no-config, bad config exit 2', async () => {
  const t = tempTree({
    '.rsc-lint.json': '{"rules": {"parse-error": "warning"}, "ignore": ["old/", "*.bak.rsc"]}',
    'a.rsc': BROKEN,
    'x.bak.rsc': BROKEN,
    'old/b.rsc': BROKEN,
    'strict/.rsc-lint.json': '{"rules": {}}',
    'strict/c.rsc': BROKEN,
    'other.json': '{"rules": {"parse-error": "off"}}',
  });
  const b = tempTree({ 'broken/.rsc-lint.json': '{"rulez": {}}', 'broken/d.rsc': BROKEN });
  try {
    const r = await runCli(['-f', 'json', 'a.rsc', 'x.bak.rsc', 'old', 'strict'], { cwd: t.dir, env: {} });
    // old/ is ignored entirely: a folder whose files are all ignored is "no .rsc files".
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no \.rsc files found in old/);
    const ok = await runCli(['-f', 'json', 'a.rsc', 'x.bak.rsc', 'strict'], { cwd: t.dir });
    const rows = JSON.parse(ok.stdout) as Array<{ file: string; severity: string; rule: string }>;
    assert.deepEqual([...new Set(rows.map((x) => x.file))], ['a.rsc', path.join('strict', 'c.rsc')], 'ignored files are not linted');
    const walked = JSON.parse((await runCli(['-f', 'json', '.'], { cwd: t.dir })).stdout) as Array<{ file: string }>;
    assert.deepEqual([...new Set(walked.map((x) => x.file))], ['a.rsc', path.join('strict', 'c.rsc')], 'a walk skips ignored folders and files');
    assert.match(ok.stderr, /x\.bak\.rsc is ignored by an "ignore" pattern/);
    assert.ok(rows.filter((x) => x.file === 'a.rsc').every((x) => x.severity === 'warning'));
    assert.ok(rows.filter((x) => x.file.startsWith('strict')).every((x) => x.severity === 'error'), 'nearest config wins, no merging');
    const explicit = await runCli(['--config', 'other.json', 'a.rsc', 'strict'], { cwd: t.dir });
    assert.equal(explicit.code, 0);
    assert.match(explicit.stdout, /^0 problems/);
    const none = await runCli(['--no-config', '-f', 'json', 'a.rsc'], { cwd: t.dir });
    assert.ok((JSON.parse(none.stdout) as Array<{ severity: string }>).every((x) => x.severity === 'error'));
    const bad = await runCli(['broken/d.rsc'], { cwd: b.dir });
    assert.equal(bad.code, 2);
    assert.equal(bad.stderr, `rsc-lint: ${path.join(b.dir, 'broken', '.rsc-lint.json')}: unknown key "rulez" (allowed: $schema, rules, thresholds, target, wan, lan, ignore, assertions)\n`);
    assert.equal(bad.stdout, '');
    const missing = await runCli(['--config', 'nope.json', 'a.rsc'], { cwd: t.dir });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nope\.json: no such file/);
    const both = await runCli(['--config', 'other.json', '--no-config', 'a.rsc'], { cwd: t.dir });
    assert.equal(both.code, 2);
    // --rule wins over the config.
    const cli = await runCli(['--rule', 'parse-error=error', '-f', 'json', 'a.rsc'], { cwd: t.dir });
    assert.ok((JSON.parse(cli.stdout) as Array<{ severity: string }>).every((x) => x.severity === 'error'));
  } finally {
    t.cleanup();
    b.cleanup();
  }
});

test('--fix applies the editor\'s fix-all safe fixes atomically; --fix-dry-run writes nothing', async () => {
  const expected = fixAllText(FIXABLE, lint(FIXABLE)).text;
  assert.notEqual(expected, FIXABLE, 'the fixture has a safe fix');
  const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(FIXABLE, 'utf16le')]);
  const latin1 = Buffer.concat([Buffer.from(FIXABLE, 'utf8'), Buffer.from('# caf\xe9\n', 'latin1')]);
  const t = tempTree({ 'f.rsc': FIXABLE, 'u16.rsc': utf16, 'l1.rsc': latin1, 'clean.rsc': CLEAN });
  try {
    const dry = await runCli(['--fix-dry-run', '-f', 'json', 'f.rsc'], { cwd: t.dir });
    assert.equal(fs.readFileSync(path.join(t.dir, 'f.rsc'), 'utf8'), FIXABLE, 'dry run writes nothing');
    assert.match(dry.stderr, /would fix \d+ problems? in f\.rsc/);
    const remaining = JSON.parse(dry.stdout) as Array<{ rule: string }>;
    assert.ok(!remaining.some((r) => r.rule === 'knock-blacklist-untested'));
    const mode = 0o640;
    fs.chmodSync(path.join(t.dir, 'f.rsc'), mode);
    const fix = await runCli(['--fix', '-f', 'json', 'f.rsc', 'u16.rsc', 'l1.rsc', 'clean.rsc'], { cwd: t.dir });
    assert.equal(fs.readFileSync(path.join(t.dir, 'f.rsc'), 'utf8'), expected, 'the same text as fix-all in the editor');
    assert.equal(fs.statSync(path.join(t.dir, 'f.rsc')).mode & 0o777, mode, 'permissions kept');
    assert.deepEqual(fs.readFileSync(path.join(t.dir, 'u16.rsc')), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(expected, 'utf16le')]), 'UTF-16 stays UTF-16 with its BOM');
    assert.deepEqual(fs.readFileSync(path.join(t.dir, 'l1.rsc')), latin1, 'a file that is not valid UTF-8 is never rewritten');
    assert.match(fix.stderr, /l1\.rsc: not fixed: the file is not valid UTF-8/);
    assert.match(fix.stderr, /fixed \d+ problems? in f\.rsc/);
    assert.deepEqual(fs.readdirSync(t.dir).sort(), ['clean.rsc', 'f.rsc', 'l1.rsc', 'u16.rsc'], 'no temporary file left');
    assert.equal(fs.readFileSync(path.join(t.dir, 'clean.rsc'), 'utf8'), CLEAN);
    // Idempotent: a second --fix changes nothing.
    const again = await runCli(['--fix', 'f.rsc'], { cwd: t.dir });
    assert.doesNotMatch(again.stderr, /fixed/);
    assert.equal(fs.readFileSync(path.join(t.dir, 'f.rsc'), 'utf8'), expected);
    const stdin = await runCli(['--fix', '-'], { cwd: t.dir, stdin: FIXABLE });
    assert.equal(stdin.code, 2);
    assert.match(stdin.stderr, /--fix cannot write standard input back/);
  } finally {
    t.cleanup();
  }
});

test('--max-warnings N: exit 1 past N warnings; --stdin-filename names stdin and finds its config', async () => {
  const t = tempTree({ 'w.rsc': WARNS, 'site/.rsc-lint.json': '{"rules": {"knock-weak-port": "error"}}' });
  try {
    const plain = await runCli(['-f', 'json', 'w.rsc'], { cwd: t.dir });
    const warnings = (JSON.parse(plain.stdout) as Array<{ severity: string }>).filter((x) => x.severity === 'warning').length;
    assert.ok(warnings > 0);
    assert.equal(plain.code, 0);
    assert.equal((await runCli(['--max-warnings', String(warnings), 'w.rsc'], { cwd: t.dir })).code, 0);
    const over = await runCli(['--max-warnings', String(warnings - 1), 'w.rsc'], { cwd: t.dir });
    assert.equal(over.code, 1);
    assert.match(over.stderr, new RegExp(`too many warnings \\(${warnings}; --max-warnings is ${warnings - 1}\\)`));
    assert.equal((await runCli(['--max-warnings', '-1', 'w.rsc'], { cwd: t.dir })).code, 2);
    const named = await runCli(['--stdin-filename', 'site/r1.rsc', '-f', 'json', '-'], { cwd: t.dir, stdin: WARNS });
    const rows = JSON.parse(named.stdout) as Array<{ file: string; rule: string; severity: string }>;
    assert.ok(rows.length > 0 && rows.every((r) => r.file === 'site/r1.rsc'));
    assert.ok(rows.filter((r) => r.rule === 'knock-weak-port').every((r) => r.severity === 'error'), 'config found from the stdin name');
    assert.equal((await runCli(['--stdin-filename', 'x.rsc', 'w.rsc'], { cwd: t.dir })).code, 2);
  } finally {
    t.cleanup();
  }
});

test('--format github: one workflow command per finding, escaped, paths relative to the working folder', async () => {
  const t = tempTree({ 'd/a,b:c.rsc': BROKEN, 'w.rsc': WARNS });
  try {
    const r = await runCli(['-f', 'github', 'd', 'w.rsc'], { cwd: t.dir });
    assert.equal(r.code, 1);
    const lines = r.stdout.trimEnd().split('\n');
    assert.ok(lines.length > 2);
    for (const l of lines) assert.match(l, /^::(error|warning|notice) file=[^,]+,line=\d+,col=\d+,endLine=\d+,endColumn=\d+,title=rsc-lint [a-z0-9-]+::\S/);
    assert.ok(lines.some((l) => l.startsWith('::error file=d/a%2Cb%3Ac.rsc,line=3,')), r.stdout);
    assert.ok(lines.some((l) => l.startsWith('::warning file=w.rsc,')));
  } finally {
    t.cleanup();
  }
});

test('shardOf: the same part for ./a.rsc and a.rsc; every part is used', async () => {
  const { shardOf } = await import('../../server/src/cli/run');
  for (let n = 1; n <= 7; n++) {
    for (const f of ['a.rsc', 'site/b.rsc', 'x/y/z.rsc']) {
      assert.equal(shardOf(`./${f}`, n), shardOf(f, n));
      assert.ok(shardOf(f, n) >= 1 && shardOf(f, n) <= n);
    }
  }
  const parts = new Set(Array.from({ length: 200 }, (_, i) => shardOf(`r/${i}.rsc`, 4)));
  assert.deepEqual([...parts].sort(), [1, 2, 3, 4]);
});
