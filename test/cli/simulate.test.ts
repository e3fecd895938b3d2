// `rsc-lint simulate` and `rsc-lint knock`, run in-process with a captured IO.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../server/src/cli/run';
import type { CliIO } from '../../server/src/cli/io';
import { GUIDE } from '../simulate/helpers';

async function run(args: string[], stdin = ''): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = {
    out: (t) => (out += t),
    err: (t) => (err += t),
    readStdin: async () => Buffer.from(stdin),
    stdoutIsTTY: false,
    env: {},
    cwd: os.tmpdir(),
  };
  const code = await runCli(args, io);
  return { code, out, err };
}

function tmpFile(text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rsc-sim-'));
  const f = path.join(dir, 'knock.rsc');
  fs.writeFileSync(f, text);
  return f;
}

test('simulate FILE: sends the knock, traces every rule, says access is granted (exit 0)', async () => {
  const f = tmpFile(GUIDE);
  const r = await run(['simulate', f]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^Knock sequence 1: tcp 888 -> 555 -> 222, 30 s per step, grants `secured` for 30 m\n  from 198\.51\.100\.7 on WAN-port \(in WAN\)\n/);
  assert.match(r.out, /#1 0s {6}tcp 203\.0\.113\.1:888 from 198\.51\.100\.7\n {10}filter input: add-src-to-address-list {2}.*knock\.rsc:3\n {12}\+ knock1 198\.51\.100\.7 \(until 30s\)\n {10}filter input: drop {2}.*knock\.rsc:9\n {10}=> DROP by .*knock\.rsc:9/);
  assert.match(r.out, /OK: 198\.51\.100\.7 reaches `secured` and a new tcp connection to port 22 is accepted\n$/);
});

test('simulate FILE --scan --format json: scans in the JSON, exit 1 when the knock fails', async () => {
  const ok = await run(['simulate', tmpFile(GUIDE), '--scan', '--format', 'json']);
  const j = JSON.parse(ok.out);
  assert.equal(j.sequences[0].access, true);
  assert.deepEqual(j.sequences[0].scans.map((s: { granted: boolean }) => s.granted), [false, true, true, false, true]);
  const broken = await run(['simulate', tmpFile(GUIDE.replace('/ip firewall filter\n', '/ip firewall filter\nadd action=drop chain=input protocol=tcp dst-port=500-600\n'))]);
  assert.equal(broken.code, 1);
  assert.match(broken.out, /FAILED at stage 2: the packet is dropped by the `drop` rule in chain input \(`protocol=tcp dst-port=500-600`\) before it reaches the stage/);
});

test('simulate FILE STEP...: packets with waits, list state at the end, JSON form', async () => {
  const f = tmpFile(GUIDE);
  const r = await run(['simulate', f, '--from', '198.51.100.9', 'tcp:888', '+31s', 'tcp:555', '+1m']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /#2 31s {5}tcp 203\.0\.113\.1:555 from 198\.51\.100\.9/);
  assert.match(r.out, /- knock1 198\.51\.100\.9 \(expired at 30s\)/);
  assert.match(r.out, /Address lists at 91s: \(none\)\n$/);
  const j = JSON.parse((await run(['simulate', f, 'tcp:888', 'tcp:555', '--format=json'])).out);
  assert.deepEqual(j.packets.map((p: { matched: Array<{ line: number }> }) => p.matched.map((m) => m.line)), [[3, 9], [4, 9]]);
  assert.deepEqual(j.lists.entries.map((e: { list: string; expires: number }) => [e.list, e.expires]), [['knock1', 30], ['knock2', 31]]);
});

test('simulate: bad input exits 2 with one clear line', async () => {
  const f = tmpFile(GUIDE);
  const cases: Array<[string[], RegExp]> = [
    [['simulate'], /simulate needs a FILE/],
    [['simulate', f, 'tcp'], /a tcp packet needs a port/],
    [['simulate', f, '--hook', 'sideways'], /--hook must be input, forward or output/],
    [['simulate', f, '--bogus'], /unknown option --bogus/],
    [['simulate', path.join(os.tmpdir(), 'nope-404.rsc')], /cannot read .*nope-404\.rsc: no such file/],
  ];
  for (const [args, re] of cases) {
    const r = await run(args);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.err, re);
    assert.equal(r.err.trim().split('\n').length, 1);
  }
  assert.match((await run(['simulate', '--help'])).out, /^Usage: rsc-lint simulate FILE/);
});

test('knock FILE HOST: knocks on listeners on 127.0.0.1 in order, --dry-run only prints', async () => {
  const seen: number[] = [];
  const servers: net.Server[] = [];
  for (let i = 0; i < 3; i++) {
    const s = net.createServer((c) => {
      seen.push((s.address() as net.AddressInfo).port);
      c.destroy();
    });
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    servers.push(s);
  }
  try {
    const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
    const f = tmpFile(GUIDE.replace('dst-port=888', `dst-port=${ports[0]}`).replace('dst-port=555', `dst-port=${ports[1]}`).replace('dst-port=222', `dst-port=${ports[2]}`));
    const dry = await run(['knock', f, '127.0.0.1', '--dry-run']);
    assert.equal(dry.code, 0, dry.err);
    assert.match(dry.out, new RegExp(`stage 1: tcp 127\\.0\\.0\\.1:${ports[0]}\\nstage 2: tcp 127\\.0\\.0\\.1:${ports[1]}`));
    assert.deepEqual(seen, []);
    const r = await run(['knock', f, '127.0.0.1', '--delay', '50ms', '--check', String(ports[2])]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /stage 1: tcp \d+: connected/);
    assert.match(r.out, /check tcp \d+: connected: access granted/);
    await new Promise((res) => setTimeout(res, 50));
    assert.deepEqual(seen.slice(0, 3), ports);
    const bad = await run(['knock', f]);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /knock needs FILE and HOST/);
  } finally {
    for (const s of servers) s.close();
  }
});
