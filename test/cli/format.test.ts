// `rsc-lint format`: stdout, --write, --check (exit 1 and the list of files, like prettier/gofmt),
// standard input, options, a file with a syntax error left alone, and bad usage (exit 2, no stack trace).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { hasStackTrace, runCli, tempTree } from './helpers';

const MESSY = '/ip firewall filter add   chain=input action=accept connection-state=established,related comment="allow established and related"\n/ip firewall filter add chain=input action=drop in-interface-list=WAN\n';
const TIDY =
  '/ip firewall filter\n' +
  'add chain=input action=accept connection-state=established,related comment=\\\n' +
  '    "allow established and related"\n' +
  'add chain=input action=drop in-interface-list=WAN\n';

test('format prints the /export layout on standard output and leaves the file alone', async () => {
  const t = tempTree({ 'a.rsc': MESSY });
  try {
    const r = await runCli(['format', path.join(t.dir, 'a.rsc')]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, TIDY);
    assert.equal(fs.readFileSync(path.join(t.dir, 'a.rsc'), 'utf8'), MESSY);
  } finally {
    t.cleanup();
  }
});

test('format --check lists the files that would change and exits 1; 0 once formatted', async () => {
  const t = tempTree({ 'messy.rsc': MESSY, 'sub/tidy.rsc': TIDY, 'notes.txt': MESSY });
  try {
    const r = await runCli(['format', '--check', '.'], { cwd: t.dir });
    assert.equal(r.code, 1);
    assert.equal(r.stdout, 'messy.rsc\n');
    assert.match(r.stderr, /1 file not formatted \(rsc-lint format --write to fix\)/);
    assert.equal(fs.readFileSync(path.join(t.dir, 'messy.rsc'), 'utf8'), MESSY, '--check writes nothing');

    const w = await runCli(['format', '--write', '.'], { cwd: t.dir });
    assert.equal(w.code, 0, w.stderr);
    assert.equal(w.stdout, '');
    assert.equal(w.stderr, 'formatted messy.rsc\n');
    assert.equal(fs.readFileSync(path.join(t.dir, 'messy.rsc'), 'utf8'), TIDY);
    assert.equal(fs.readFileSync(path.join(t.dir, 'notes.txt'), 'utf8'), MESSY, 'only *.rsc in a directory');

    const again = await runCli(['format', '--check', '.'], { cwd: t.dir });
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stdout, '');
  } finally {
    t.cleanup();
  }
});

test('format reads standard input with -, and takes --paths, --width and --no-headers', async () => {
  const r = await runCli(['format', '--paths', 'slashed', '-'], { stdin: MESSY });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.split('\n')[0], '/ip/firewall/filter');
  const wide = await runCli(['format', '--width=200', '--no-headers', '-'], { stdin: MESSY });
  assert.equal(
    wide.stdout,
    '/ip firewall filter add chain=input action=accept connection-state=established,related comment="allow established and related"\n' +
      '/ip firewall filter add chain=input action=drop in-interface-list=WAN\n',
  );
});

test('a file with a syntax error is not touched, and says so', async () => {
  const broken = '/ip firewall filter add   chain=input\n:if ($a = 1) do={ :put "x"\n';
  const t = tempTree({ 'b.rsc': broken });
  try {
    const r = await runCli(['format', '--write', 'b.rsc'], { cwd: t.dir });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^rsc-lint: b\.rsc: not formatted: syntax error at line \d+/);
    assert.equal(fs.readFileSync(path.join(t.dir, 'b.rsc'), 'utf8'), broken);
    const c = await runCli(['format', '--check', 'b.rsc'], { cwd: t.dir });
    assert.equal(c.code, 1);
  } finally {
    t.cleanup();
  }
});

test('bad usage of format: one line, exit 2, no stack trace', async () => {
  for (const args of [['format'], ['format', '--check', '--write', 'x.rsc'], ['format', '--paths', 'wavy', '-'], ['format', '--width', 'ten', '-'], ['format', '--frobnicate', '-'], ['format', 'no-such-file.rsc']]) {
    const r = await runCli(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /^rsc-lint: .+\n$/, args.join(' '));
    assert.ok(!hasStackTrace(r.stderr));
  }
  const h = await runCli(['format', '--help']);
  assert.equal(h.code, 0);
  assert.match(h.stdout, /Usage: rsc-lint format/);
  const top = await runCli(['--help']);
  assert.match(top.stdout, /rsc-lint format +format scripts like \/export/);
});
