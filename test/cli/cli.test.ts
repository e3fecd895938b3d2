// rsc-lint as users run it (node dist/cli.js): options, exit statuses, error messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureBuilt, hasStackTrace, repoRoot, runCli, tempTree } from './helpers';

const CLEAN = '/ip firewall filter\nadd chain=input action=accept protocol=icmp comment="ping"\n';
const BROKEN = '/ip firewall filter\nadd chain=input action=accept protocol=icmp\n:put (1 + \n';

test('--help prints usage and exits 0; --version prints the package version', async () => {
  const help = await runCli(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^Usage: rsc-lint \[options\] FILE\|DIR\|- \.\.\./);
  assert.match(help.stdout, /--format FORMAT/);
  assert.match(help.stdout, /--rule ID=LEVEL/);
  assert.equal(help.stderr, '');
  const version = await runCli(['--version']);
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
  assert.equal(version.code, 0);
  assert.equal(version.stdout, `rsc-lint ${pkg.version}\n`);
});

test('--list-rules lists parse-error with its default severity', async () => {
  const r = await runCli(['--list-rules']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^parse-error\s+error\s+\S/m);
  assert.match(r.stdout, /^internal-error\s+error\s+\S/m);
});

test('exit 0 for a clean file, with the summary line', async () => {
  const t = tempTree({ 'clean.rsc': CLEAN });
  try {
    const r = await runCli(['clean.rsc'], { cwd: t.dir });
    assert.equal(r.stderr, '');
    assert.equal(r.stdout, '0 problems (0 errors, 0 warnings, 0 infos) in 1 file\n');
    assert.equal(r.code, 0);
  } finally {
    t.cleanup();
  }
});

test('exit 1 when a syntax error is found, reported as parse-error at its line', async () => {
  const t = tempTree({ 'bad.rsc': BROKEN, 'clean.rsc': CLEAN });
  try {
    const r = await runCli(['bad.rsc', 'clean.rsc'], { cwd: t.dir });
    assert.equal(r.code, 1);
    const lines = r.stdout.trimEnd().split('\n');
    assert.ok(lines.length >= 2);
    for (const l of lines.slice(0, -1)) assert.match(l, /^bad\.rsc:3:\d+: error parse-error \S/);
    assert.match(lines.at(-1)!, /^\d+ problems? \(\d+ errors?, 0 warnings, 0 infos\) in 2 files$/);
  } finally {
    t.cleanup();
  }
});

test('exit 2 with one clear line and no stack trace when it cannot run', async () => {
  const t = tempTree({ 'clean.rsc': CLEAN });
  fs.symlinkSync(path.join(t.dir, 'gone.rsc'), path.join(t.dir, 'dangling.rsc'));
  const cases: Array<[string[], RegExp]> = [
    [['missing.rsc'], /^rsc-lint: cannot read missing\.rsc: no such file or directory \(check the path\)\n$/],
    [['dangling.rsc'], /^rsc-lint: cannot read dangling\.rsc: no such file or directory \(check the path\)\n$/],
    [['clean.rsc', 'missing.rsc'], /^rsc-lint: cannot read missing\.rsc: no such file/],
    [[], /^rsc-lint: no input: give FILE, DIR or - for standard input \(see rsc-lint --help\)\n$/],
    [['--frobnicate', 'clean.rsc'], /^rsc-lint: unknown option --frobnicate \(see rsc-lint --help\)\n$/],
    [['--format', 'xml', 'clean.rsc'], /^rsc-lint: unknown format "xml": use text, json, sarif or github\n$/],
    [['clean.rsc', '--format'], /^rsc-lint: --format needs text, json, sarif or github \(see rsc-lint --help\)\n$/],
    [['--rule', 'parse-eror=off', 'clean.rsc'], /^rsc-lint: unknown rule id "parse-eror" \(did you mean "parse-error"\?\) in --rule parse-eror=off \(rsc-lint --list-rules shows the ids\)\n$/],
    [['--rule', 'parse-error=loud', 'clean.rsc'], /^rsc-lint: bad severity "loud" in --rule parse-error=loud: use off, hint, info, warning or error\n$/],
    [['--rule', 'parse-error', 'clean.rsc'], /^rsc-lint: bad --rule "parse-error": write ID=LEVEL/],
    [['--quiet=yes', 'clean.rsc'], /^rsc-lint: --quiet takes no value/],
  ];
  try {
    for (const [args, expected] of cases) {
      const r = await runCli(args, { cwd: t.dir });
      assert.equal(r.code, 2, `exit status for ${args.join(' ')}`);
      assert.match(r.stderr, expected, `stderr for ${args.join(' ')}`);
      assert.equal(r.stdout, '', `nothing on stdout for ${args.join(' ')}`);
      assert.ok(!hasStackTrace(r.stderr), r.stderr);
    }
  } finally {
    t.cleanup();
  }
});

test('--rule changes severities: parse-error=warning exits 0, =off drops it, comma lists and --rule= work', async () => {
  const t = tempTree({ 'bad.rsc': BROKEN });
  try {
    const warn = await runCli(['--rule', 'parse-error=warning', '--format', 'json', 'bad.rsc'], { cwd: t.dir });
    assert.equal(warn.code, 0);
    const rows = JSON.parse(warn.stdout) as Array<{ severity: string; rule: string }>;
    assert.ok(rows.length > 0);
    assert.ok(rows.every((r) => r.rule === 'parse-error' && r.severity === 'warning'));

    const off = await runCli(['--rule=parse-error=off', 'bad.rsc'], { cwd: t.dir });
    assert.equal(off.code, 0);
    assert.equal(off.stdout, '0 problems (0 errors, 0 warnings, 0 infos) in 1 file\n');

    const list = await runCli(['-r', 'internal-error=warning,parse-error=info', '-f', 'json', 'bad.rsc'], { cwd: t.dir });
    assert.equal(list.code, 0);
    assert.ok((JSON.parse(list.stdout) as Array<{ severity: string }>).every((r) => r.severity === 'info'));
  } finally {
    t.cleanup();
  }
});

test('--quiet reports errors only', async () => {
  const t = tempTree({ 'bad.rsc': BROKEN });
  try {
    const r = await runCli(['--quiet', '--rule', 'parse-error=warning', 'bad.rsc'], { cwd: t.dir });
    assert.equal(r.code, 0);
    assert.equal(r.stdout, '0 problems (0 errors, 0 warnings, 0 infos) in 1 file\n');
  } finally {
    t.cleanup();
  }
});

test('a file named like an option is reachable after --', async () => {
  const t = tempTree({ '--weird.rsc': CLEAN });
  try {
    const r = await runCli(['--', '--weird.rsc'], { cwd: t.dir });
    assert.equal(r.code, 0);
    assert.match(r.stdout, /in 1 file\n$/);
  } finally {
    t.cleanup();
  }
});

test('colour: on with --color or FORCE_COLOR, off with --no-color and NO_COLOR, off when piped', async () => {
  const t = tempTree({ 'bad.rsc': BROKEN });
  const esc = /\u001b\[/;
  try {
    assert.ok(!esc.test((await runCli(['bad.rsc'], { cwd: t.dir })).stdout), 'piped: no colour');
    assert.ok(esc.test((await runCli(['--color', 'bad.rsc'], { cwd: t.dir })).stdout));
    assert.ok(esc.test((await runCli(['bad.rsc'], { cwd: t.dir, env: { FORCE_COLOR: '1' } })).stdout));
    assert.ok(!esc.test((await runCli(['--no-color', 'bad.rsc'], { cwd: t.dir, env: { FORCE_COLOR: '1' } })).stdout));
    assert.ok(!esc.test((await runCli(['bad.rsc'], { cwd: t.dir, env: { NO_COLOR: '1', FORCE_COLOR: '1' } })).stdout));
  } finally {
    t.cleanup();
  }
});

test('subcommands: built-in ones are listed in --help, a missing one says it is not available (exit 2)', async () => {
  const help = (await runCli(['--help'])).stdout;
  for (const name of ['simulate', 'knock']) {
    if (fs.existsSync(path.join(repoRoot, 'server', 'src', 'cli', `${name}.ts`))) {
      assert.match(help, new RegExp(`^Commands:\\n(  rsc-lint \\S+ +.+\\n)*  rsc-lint ${name} +\\S`, 'm'));
    } else {
      assert.doesNotMatch(help, new RegExp(`rsc-lint ${name} `));
      const r = await runCli([name, 'x.rsc']);
      assert.equal(r.code, 2);
      assert.equal(r.stderr, `rsc-lint: the "${name}" command is not available in this build (rsc-lint --help lists the commands)\n`);
    }
  }
});

test('the bin shim runs the CLI', async () => {
  const { spawnSync } = await import('node:child_process');
  ensureBuilt();
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'bin', 'rsc-lint.js'), '--version'], { encoding: 'utf8' });
  assert.equal(r.status, 0);
  assert.match(r.stdout, /^rsc-lint \d+\.\d+\.\d+/);
});
