// The CLI's failure paths (issue #16, items 8-12): failed writes, one input reader for every subcommand,
// argument validation of simulate and knock, control characters in text output, empty folders and a
// directory on standard input. Each case failed before the fix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cliPath, ensureBuilt, examples, hasStackTrace, runCli, tempTree } from './helpers';

const KNOCK_GOOD = fs.readFileSync(path.join(examples, 'knock-good.rsc'), 'utf8');

function utf16le(text: string): Buffer {
  return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
}
function utf8bom(text: string): Buffer {
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
}

function runTo(fd: number, args: string[], cwd: string): Promise<{ code: number | null; stderr: string }> {
  ensureBuilt();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], { cwd, stdio: ['ignore', fd, 'pipe'] });
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

test('#16.8 output to a full disk: exit 2 with one line, no stack trace', { skip: !fs.existsSync('/dev/full') && 'no /dev/full' }, async () => {
  const t = tempTree({ 'bad.rsc': ':put (1 + \n'.repeat(50) });
  const fd = fs.openSync('/dev/full', 'w');
  try {
    for (const format of ['text', 'json', 'sarif', 'github']) {
      const r = await runTo(fd, ['--format', format, 'bad.rsc'], t.dir);
      assert.equal(r.code, 2, `${format}: ${r.stderr}`);
      assert.equal(r.stderr, 'rsc-lint: cannot write the output: no space left on the device\n', format);
      assert.ok(!hasStackTrace(r.stderr));
    }
    const help = await runTo(fd, ['--help'], t.dir);
    assert.equal(help.code, 2);
    const sim = await runTo(fd, ['simulate', path.join(examples, 'knock-good.rsc')], t.dir);
    assert.equal(sim.code, 2);
    assert.equal(sim.stderr, 'rsc-lint: cannot write the output: no space left on the device\n');
  } finally {
    fs.closeSync(fd);
    t.cleanup();
  }
});

test('#16.9 simulate and knock read UTF-16 and UTF-8 BOM files as lint does', async () => {
  const t = tempTree({ 'k16.rsc': utf16le(KNOCK_GOOD), 'kbom.rsc': utf8bom(KNOCK_GOOD), 'k8.rsc': KNOCK_GOOD });
  try {
    const plain = await runCli(['simulate', 'k8.rsc', '--format', 'json'], { cwd: t.dir });
    assert.equal(plain.code, 0, plain.stderr);
    for (const f of ['k16.rsc', 'kbom.rsc']) {
      const r = await runCli(['simulate', f, '--format', 'json'], { cwd: t.dir });
      assert.equal(r.stderr, '', f);
      assert.equal(r.code, 0, f);
      assert.deepEqual({ ...JSON.parse(r.stdout), file: 'x' }, { ...JSON.parse(plain.stdout), file: 'x' }, f);
      const text = await runCli(['simulate', f], { cwd: t.dir });
      assert.doesNotMatch(text.stderr, /syntax error/);
      const k = await runCli(['knock', f, '192.0.2.1', '--dry-run'], { cwd: t.dir });
      assert.equal(k.code, 0, `${f}: ${k.stderr}`);
      assert.match(k.stdout, /^stage 1: tcp 192\.0\.2\.1:\d+$/m);
    }
    // Standard input too.
    const stdin = await runCli(['simulate', '-', '--format', 'json'], { cwd: t.dir, stdin: utf16le(KNOCK_GOOD) });
    assert.equal(stdin.code, 0, stdin.stderr);
    assert.equal(JSON.parse(stdin.stdout).sequences.length, JSON.parse(plain.stdout).sequences.length);
  } finally {
    t.cleanup();
  }
});

test('#16.10 simulate and knock: every bad argument is exit 2 with a message that says what is allowed', async () => {
  const t = tempTree({ 'k.rsc': KNOCK_GOOD });
  const cases: Array<[string[], RegExp]> = [
    [['knock', 'k.rsc', '192.0.2.1', '--delay', '25d', '--dry-run'], /--delay must be from 0ms to 2147483647ms/],
    [['knock', 'k.rsc', '192.0.2.1', '--delay', '-5', '--dry-run'], /--delay/],
    [['knock', 'k.rsc', '', '--dry-run'], /HOST is empty: give the router's address or host name/],
    [['knock', 'k.rsc', 'bad host', '--dry-run'], /neither an IP address nor a host name/],
    [['knock', 'k.rsc', '192.0.2.1', '--timeout', '0', '--dry-run'], /--timeout must be from 1ms to/],
    [['knock', 'k.rsc', '192.0.2.1', '--timeout', '30d', '--dry-run'], /--timeout must be from 1ms to/],
    [['simulate', 'k.rsc', '--from', '999.1.1.1'], /--from: "999\.1\.1\.1" is not an IP address \(write an IPv4 address/],
    [['simulate', 'k.rsc', '--from', ''], /--from: "" is not an IP address/],
    [['simulate', 'k.rsc', '--to', 'notanaddress', 'tcp:22'], /--to: "notanaddress" is not an IP address/],
    [['simulate', 'k.rsc', 'tcp:22,from=1.2.3'], /from=: "1\.2\.3" is not an IP address/],
    [['simulate', 'k.rsc', 'tcp:22,flags=syn+zzz'], /unknown TCP flag "zzz" \(allowed: fin, syn, rst, psh, ack, urg, ece, cwr/],
    [['simulate', 'k.rsc', 'icmp:999:999'], /ICMP type and code are numbers from 0 to 255/],
    [['simulate', 'k.rsc', 'icmp,type=256'], /ICMP type and code are numbers from 0 to 255/],
    [['simulate', 'k.rsc', '--in', '', 'tcp:22'], /--in needs an interface name/],
    [['simulate', '', 'tcp:22'], /the FILE operand is empty/],
  ];
  try {
    for (const [args, re] of cases) {
      const r = await runCli(args, { cwd: t.dir });
      assert.equal(r.code, 2, `${JSON.stringify(args)}: ${r.stderr}`);
      assert.match(r.stderr, re, JSON.stringify(args));
      assert.equal(r.stderr.trimEnd().split('\n').length, 1, `one line for ${JSON.stringify(args)}`);
      assert.equal(r.stdout, '');
    }
    // Still accepted: a host name, an IPv6 source, real flags and ICMP codes.
    for (const args of [
      ['knock', 'k.rsc', 'router.example.net', '--dry-run', '--delay', '2s', '--timeout', '1s'],
      ['simulate', 'k.rsc', 'tcp:22,flags=syn+ack', 'icmp:3:3', '--from', '198.51.100.9'],
    ]) {
      const r = await runCli(args, { cwd: t.dir });
      assert.notEqual(r.code, 2, `${JSON.stringify(args)}: ${r.stderr}`);
    }
  } finally {
    t.cleanup();
  }
});

test('#16.11 control characters from a script are escaped in text output (lint and simulate)', async () => {
  const script =
    '/ip firewall filter\n' +
    'add chain=input action=accept protocol=tcp dst-port=22 connection-state="new\u001bcx" comment="reset\u001bc"\n' +
    'add chain=input action=bogus\u001b[31m\n';
  const t = tempTree({ 'esc.rsc': script });
  try {
    const r = await runCli(['esc.rsc'], { cwd: t.dir });
    assert.equal(r.code, 1);
    assert.ok(!r.stdout.includes('\u001b'), JSON.stringify(r.stdout));
    assert.match(r.stdout, /"new\\x1bcx"/);
    // JSON keeps the exact message (JSON escapes it itself).
    const j = await runCli(['-f', 'json', 'esc.rsc'], { cwd: t.dir });
    assert.ok(JSON.parse(j.stdout).some((x: { message: string }) => x.message.includes('new\u001bcx')));
    const sim = await runCli(['simulate', 'esc.rsc', 'tcp:22'], { cwd: t.dir });
    assert.ok(!sim.stdout.includes('\u001b'), JSON.stringify(sim.stdout));
    assert.match(sim.stdout, /bogus\\x1b/);
  } finally {
    t.cleanup();
  }
});

test('#16.12 a directory on standard input is an error that says so', async () => {
  const t = tempTree({ 'a.rsc': KNOCK_GOOD });
  try {
    for (const args of [['-'], ['simulate', '-'], ['knock', '-', '192.0.2.1', '--dry-run']]) {
      const r = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
        ensureBuilt();
        const fd = fs.openSync(t.dir, 'r');
        const child = spawn(process.execPath, [cliPath, ...args], { cwd: t.dir, stdio: [fd, 'pipe', 'pipe'] });
        fs.closeSync(fd);
        let stderr = '';
        child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, stderr }));
      });
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stderr, 'rsc-lint: standard input is a directory, not a script (give the directory as an operand instead of -)\n');
    }
  } finally {
    t.cleanup();
  }
});
