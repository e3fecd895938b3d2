// rsc-lint's inputs and outputs end to end (node dist/cli.js): stdin, directories, JSON and SARIF,
// encodings, and a reader that goes away.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { cliPath, ensureBuilt, examples, hasStackTrace, repoRoot, runCli, tempTree } from './helpers';

const CLEAN = '/ip firewall filter\nadd chain=input action=accept protocol=icmp comment="ping"\n';
const BROKEN = '/ip firewall filter\nadd chain=input action=accept\n:put (1 + \n';

interface Row {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: string;
  rule: string;
  message: string;
}

test('- reads standard input, reported as <stdin>', async () => {
  const r = await runCli(['--format', 'json', '-'], { stdin: BROKEN });
  assert.equal(r.code, 1);
  const rows = JSON.parse(r.stdout) as Row[];
  assert.ok(rows.length > 0);
  assert.ok(rows.every((x) => x.file === '<stdin>' && x.rule === 'parse-error' && x.line === 3));
  const clean = await runCli(['-'], { stdin: CLEAN });
  assert.equal(clean.code, 0);
  assert.equal(clean.stdout, '0 problems (0 errors, 0 warnings, 0 infos) in 1 file\n');
});

test('directories are searched recursively for *.rsc, skipping node_modules and dot directories', async () => {
  const t = tempTree({
    'a.rsc': BROKEN,
    'sub/deeper/b.RSC': BROKEN,
    'sub/c.rsc': CLEAN,
    'sub/notes.txt': BROKEN,
    'node_modules/pkg/d.rsc': BROKEN,
    '.git/e.rsc': BROKEN,
  });
  try {
    const r = await runCli(['--format', 'json', '.'], { cwd: t.dir });
    assert.equal(r.code, 1);
    const files = [...new Set((JSON.parse(r.stdout) as Row[]).map((x) => x.file))];
    assert.deepEqual(files, ['a.rsc', path.join('sub', 'deeper', 'b.RSC')]);
    const text = await runCli(['sub'], { cwd: t.dir });
    assert.match(text.stdout, /in 2 files\n$/, 'sub/deeper/b.RSC and sub/c.rsc');
    // A file named explicitly is linted whatever its extension; the same file twice is linted once.
    const explicit = await runCli(['sub/notes.txt', 'a.rsc', './a.rsc'], { cwd: t.dir });
    assert.match(explicit.stdout, /in 2 files\n$/);
  } finally {
    t.cleanup();
  }
});

test('a directory without .rsc files is exit 2 (a wrong path must not pass CI), unless --no-error-on-unmatched-pattern', async () => {
  const t = tempTree({ 'empty/readme.txt': 'x' });
  try {
    const bad = await runCli(['empty'], { cwd: t.dir });
    assert.equal(bad.code, 2);
    assert.equal(bad.stderr, 'rsc-lint: no .rsc files found in empty (check the path; --no-error-on-unmatched-pattern allows this)\n');
    assert.equal(bad.stdout, '');
    const r = await runCli(['--no-error-on-unmatched-pattern', 'empty'], { cwd: t.dir });
    assert.equal(r.code, 0);
    assert.equal(r.stderr, 'rsc-lint: no .rsc files found in empty\n');
    assert.equal(r.stdout, '0 problems (0 errors, 0 warnings, 0 infos) in 0 files\n');
  } finally {
    t.cleanup();
  }
});

test('json: the exact shape, 1-based positions, exclusive end, stable across runs', async () => {
  const t = tempTree({ 'bad.rsc': BROKEN });
  try {
    const a = await runCli(['--format', 'json', 'bad.rsc'], { cwd: t.dir });
    const b = await runCli(['--format=json', 'bad.rsc'], { cwd: t.dir });
    assert.equal(a.stdout, b.stdout);
    const rows = JSON.parse(a.stdout) as Row[];
    assert.ok(Array.isArray(rows) && rows.length > 0);
    for (const r of rows) {
      assert.deepEqual(Object.keys(r), ['file', 'line', 'column', 'endLine', 'endColumn', 'severity', 'rule', 'message']);
      assert.equal(r.file, 'bad.rsc');
      for (const k of ['line', 'column', 'endLine', 'endColumn'] as const) assert.ok(Number.isInteger(r[k]) && r[k] >= 1, k);
      assert.ok(r.endLine > r.line || (r.endLine === r.line && r.endColumn >= r.column));
      assert.ok(['error', 'warning', 'info', 'hint'].includes(r.severity));
      assert.equal(typeof r.message, 'string');
      assert.ok(r.message.length > 0);
    }
    const clean = await runCli(['--format', 'json', '-'], { stdin: CLEAN });
    assert.equal(clean.stdout, '[]\n');
  } finally {
    t.cleanup();
  }
});

test('sarif: a valid 2.1.0 log that names every rule and locates every result', async () => {
  const t = tempTree({ 'dir one/bad.rsc': BROKEN, 'clean.rsc': CLEAN });
  try {
    const r = await runCli(['--format', 'sarif', 'dir one', 'clean.rsc'], { cwd: t.dir });
    assert.equal(r.code, 1);
    const log = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(log), ['$schema', 'version', 'runs']);
    assert.equal(log.version, '2.1.0');
    assert.equal(log.runs.length, 1);
    const run = log.runs[0];
    const driver = run.tool.driver;
    assert.equal(driver.name, 'rsc-lint');
    assert.match(driver.version, /^\d+\.\d+\.\d+/);
    const ids = driver.rules.map((x: { id: string }) => x.id);
    assert.ok(ids.includes('parse-error') && ids.includes('internal-error'));
    assert.equal(new Set(ids).size, ids.length, 'rule ids are unique');
    for (const rule of driver.rules) {
      assert.match(rule.id, /^[a-z0-9-]+$/);
      assert.equal(typeof rule.shortDescription.text, 'string');
      assert.ok(rule.shortDescription.text.length > 0);
      assert.match(rule.helpUri, new RegExp(`^(https://|file://).*/docs/rules/${rule.id}\\.md$`));
      assert.ok(['error', 'warning', 'note'].includes(rule.defaultConfiguration.level));
    }
    assert.deepEqual(run.artifacts, [{ location: { uri: 'dir%20one/bad.rsc' } }, { location: { uri: 'clean.rsc' } }]);
    assert.ok(run.results.length > 0);
    for (const res of run.results) {
      assert.equal(res.ruleId, 'parse-error');
      assert.equal(driver.rules[res.ruleIndex].id, res.ruleId);
      assert.equal(res.level, 'error');
      assert.equal(typeof res.message.text, 'string');
      const loc = res.locations[0].physicalLocation;
      assert.deepEqual(loc.artifactLocation, { uri: 'dir%20one/bad.rsc', index: 0 });
      assert.equal(loc.region.startLine, 3);
      for (const k of ['startLine', 'startColumn', 'endLine', 'endColumn']) assert.ok(Number.isInteger(loc.region[k]) && loc.region[k] >= 1, k);
    }
    // The same findings as the JSON output, position for position.
    const json = JSON.parse((await runCli(['--format', 'json', 'dir one', 'clean.rsc'], { cwd: t.dir })).stdout) as Row[];
    assert.deepEqual(
      run.results.map((x: { locations: Array<{ physicalLocation: { region: Record<string, number> } }> }) => x.locations[0].physicalLocation.region),
      json.map((x) => ({ startLine: x.line, startColumn: x.column, endLine: x.endLine, endColumn: x.endColumn })),
    );
  } finally {
    t.cleanup();
  }
});

test('sarif with no findings is still a complete log', async () => {
  const r = await runCli(['--format', 'sarif', '-'], { stdin: CLEAN });
  assert.equal(r.code, 0);
  const log = JSON.parse(r.stdout);
  assert.deepEqual(log.runs[0].results, []);
  assert.deepEqual(log.runs[0].artifacts, [{ location: { uri: 'stdin' } }]);
});

test('non-UTF-8 files (Latin-1, CP1251) and BOMs are read without failing', async () => {
  const latin1 = Buffer.concat([Buffer.from('# R'), Buffer.from([0xe9]), Buffer.from('seau: caf'), Buffer.from([0xe9]), Buffer.from('\n' + CLEAN)]);
  const cp1251 = Buffer.concat([Buffer.from(':put "'), Buffer.from([0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2]), Buffer.from('"\n')]);
  const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(BROKEN)]);
  const t = tempTree({ 'latin1.rsc': latin1, 'cp1251.rsc': cp1251, 'bom.rsc': bom });
  try {
    const r = await runCli(['--format', 'json', 'latin1.rsc', 'cp1251.rsc', 'bom.rsc'], { cwd: t.dir });
    assert.equal(r.stderr, '');
    const rows = JSON.parse(r.stdout) as Row[];
    assert.deepEqual([...new Set(rows.map((x) => x.file))], ['bom.rsc']);
    // The BOM is not a column: positions are those of the same file without it.
    const plain = JSON.parse((await runCli(['--format', 'json', '-'], { stdin: BROKEN })).stdout) as Row[];
    assert.deepEqual(
      rows.map((x) => [x.line, x.column, x.endLine, x.endColumn]),
      plain.map((x) => [x.line, x.column, x.endLine, x.endColumn]),
    );
  } finally {
    t.cleanup();
  }
});

test('a reader that closes the pipe early: exit 2 with one line, no stack trace (any failed write is exit 2)', async () => {
  ensureBuilt();
  // Many files with errors: more output than one pipe buffer.
  const files: Record<string, string> = {};
  for (let i = 0; i < 400; i++) files[`f${String(i).padStart(3, '0')}.rsc`] = BROKEN.repeat(5);
  const t = tempTree(files);
  try {
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [cliPath, '.'], { cwd: t.dir, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      child.stdout.once('data', () => child.stdout.destroy());
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stderr }));
    });
    assert.equal(result.stderr, 'rsc-lint: cannot write the output: the reader closed the pipe\n');
    assert.ok(!hasStackTrace(result.stderr));
    assert.equal(result.code, 2);
  } finally {
    t.cleanup();
  }
});

test('the bundled examples: syntax-error.rsc fails with parse errors, knock-good.rsc has no error', async () => {
  const bad = await runCli(['--format', 'json', path.join('examples', 'syntax-error.rsc')], { cwd: repoRoot });
  assert.equal(bad.code, 1);
  const rows = JSON.parse(bad.stdout) as Row[];
  assert.ok(rows.filter((x) => x.rule === 'parse-error').length >= 2, 'several errors: the parser recovers');
  const good = await runCli(['--format', 'json', path.join(examples, 'knock-good.rsc')]);
  const goodRows = JSON.parse(good.stdout) as Row[];
  assert.deepEqual(goodRows.filter((x) => x.severity === 'error'), []);
  assert.equal(good.code, 0);
});

test('examples/knock-broken.rsc shows the knock mistakes it describes, each on its command', async () => {
  const r = await runCli(['--format', 'json', path.join('examples', 'knock-broken.rsc')], { cwd: repoRoot });
  assert.equal(r.code, 1);
  const rows = JSON.parse(r.stdout) as Row[];
  const ids = new Set(rows.map((x) => x.rule));
  for (const id of [
    'knock-shadowed',
    'knock-missing-chain',
    'knock-exposed-service',
    'knock-timeout-missing',
    'knock-timeout-long',
    'knock-sequential-ports',
    'knock-blacklist-untested',
    'knock-blacklist-catches-knock',
    'knock-blacklist-order',
  ]) {
    assert.ok(ids.has(id), `${id} reported`);
  }
  // The three stages and the accept sit below the WAN drop: one problem, one finding on the first stage
  // (the range covers the command with its continuation line), the rest as related locations.
  assert.deepEqual(
    rows.filter((x) => x.rule === 'knock-shadowed').map((x) => [x.line, x.column, x.endLine]),
    [[22, 1, 23]],
  );
  assert.deepEqual(rows.filter((x) => x.rule === 'knock-missing-chain').map((x) => x.line), [27]);
});

test('suppression comments and --rule work end to end on a real check', async () => {
  const fs = await import('node:fs');
  const broken = fs.readFileSync(path.join(examples, 'knock-broken.rsc'), 'utf8');
  const count = (out: string, rule: string) => (JSON.parse(out) as Row[]).filter((x) => x.rule === rule).length;
  const base = await runCli(['-f', 'json', '-'], { stdin: broken });
  assert.equal(count(base.stdout, 'knock-shadowed'), 1);
  // File-level: a directive before the first command.
  const fileLevel = await runCli(['-f', 'json', '-'], { stdin: `# rsc-lint disable=knock-shadowed\n${broken}` });
  assert.equal(count(fileLevel.stdout, 'knock-shadowed'), 0);
  assert.equal(count(fileLevel.stdout, 'knock-missing-chain'), 1);
  // Command-level: only the command right after the directive.
  const oneStage = broken.replace('add action=add-src-to-address-list address-list=knock1', '# rsc-lint disable=knock-shadowed\nadd action=add-src-to-address-list address-list=knock1');
  const cmd = JSON.parse((await runCli(['-f', 'json', '-'], { stdin: oneStage })).stdout) as Row[];
  assert.deepEqual(cmd.filter((x) => x.rule === 'knock-shadowed').map((x) => x.line), []);
  assert.deepEqual(cmd.filter((x) => x.rule === 'knock-missing-chain').map((x) => x.line), [28]);
  // Severity overrides from the command line.
  const off = await runCli(['-f', 'json', '--rule', 'knock-shadowed=off', '--rule', 'knock-weak-port=error', '-'], { stdin: broken });
  assert.equal(count(off.stdout, 'knock-shadowed'), 0);
  // Every rule that reported an error, downgraded: nothing at error severity is left, exit 0.
  const errorRules = [...new Set((JSON.parse(base.stdout) as Row[]).filter((x) => x.severity === 'error').map((x) => x.rule))];
  assert.ok(errorRules.includes('knock-shadowed') && errorRules.includes('knock-missing-chain'));
  const downgraded = await runCli(['-f', 'json', '-r', errorRules.map((id) => `${id}=warning`).join(','), '-'], { stdin: broken });
  assert.deepEqual((JSON.parse(downgraded.stdout) as Row[]).filter((x) => x.severity === 'error'), []);
  assert.equal(downgraded.code, 0);
});
