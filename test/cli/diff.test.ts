// `rsc-lint diff OLD NEW` as users and CI run it (the built CLI): exit codes 0 / 1 / 2, the three
// formats, --fail-on widened, standard input, bad usage.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hasStackTrace, runCli, tempTree } from './helpers';

const LISTS = `/interface list add name=WAN
/interface list add name=LAN
/interface list member add list=WAN interface=ether1
/interface list member add list=LAN interface=bridge
`;
const OLD = LISTS + `/ip firewall filter
add chain=input action=accept connection-state=established,related
add chain=input action=accept protocol=icmp comment="icmp"
add chain=input action=accept in-interface-list=LAN
add chain=input action=drop in-interface-list=WAN comment="drop all from WAN"
`;
// winbox opened from the WAN, icmp closed
const NEW = LISTS + `/ip firewall filter
add chain=input action=accept connection-state=established,related
add chain=input action=accept protocol=tcp dst-port=8291 comment="winbox"
add chain=input action=accept in-interface-list=LAN
add chain=input action=drop in-interface-list=WAN comment="drop all from WAN"
`;
// the same firewall, the two independent accepts swapped
const REORDERED = LISTS + `/ip firewall filter
add chain=input action=accept connection-state=established,related
add chain=input action=accept in-interface-list=LAN
add chain=input action=accept protocol=icmp comment="icmp"
add chain=input action=drop in-interface-list=WAN comment="drop all from WAN"
`;
// icmp closed only (narrowed)
const NARROWED = LISTS + `/ip firewall filter
add chain=input action=accept connection-state=established,related
add chain=input action=accept in-interface-list=LAN
add chain=input action=drop in-interface-list=WAN comment="drop all from WAN"
`;

function files() {
  return tempTree({ 'old.rsc': OLD, 'new.rsc': NEW, 'reordered.rsc': REORDERED, 'narrowed.rsc': NARROWED, 'broken.rsc': '/ip firewall filter add chain=input action=accept "\n' });
}

test('rsc-lint diff: changes are exit 1 with one line per change; a reordering is exit 0', async () => {
  const t = files();
  try {
    const r = await runCli(['diff', 'old.rsc', 'new.rsc'], { cwd: t.dir });
    assert.equal(r.code, 1, r.stderr);
    assert.equal(
      r.stdout,
      'old.rsc -> new.rsc: 2 changes, 1 newly accepted (1 from WAN), 1 newly refused\n' +
        'input  from WAN  icmp connection-state=new,invalid      accept (rule 1 "icmp", old.rsc:7) -> drop (rule 3 "drop all from WAN", new.rsc:9)\n' +
        'input  from WAN  tcp 8291 connection-state=new,invalid  drop (rule 3 "drop all from WAN", old.rsc:9) -> accept (rule 1 "winbox", new.rsc:7)\n' +
        'WAN: the WAN is interface list "WAN"\n',
    );
    const same = await runCli(['diff', 'old.rsc', 'reordered.rsc'], { cwd: t.dir });
    assert.equal(same.code, 0, same.stderr);
    assert.equal(same.stdout, 'old.rsc -> reordered.rsc: no change (every packet gets the same verdict)\n');
  } finally {
    t.cleanup();
  }
});

test('rsc-lint diff --fail-on widened: exit 1 only when something from the WAN is newly accepted', async () => {
  const t = files();
  try {
    const narrowed = await runCli(['diff', 'old.rsc', 'narrowed.rsc', '--fail-on', 'widened'], { cwd: t.dir });
    assert.equal(narrowed.code, 0, narrowed.stdout);
    assert.match(narrowed.stdout, /1 change, 1 newly refused/);
    const widened = await runCli(['diff', 'old.rsc', 'new.rsc', '--fail-on=widened'], { cwd: t.dir });
    assert.equal(widened.code, 1);
    // the other way round, winbox is closed and icmp opened: still something newly accepted from the WAN
    const back = await runCli(['diff', 'new.rsc', 'old.rsc', '--fail-on', 'widened'], { cwd: t.dir });
    assert.equal(back.code, 1);
    const closeOnly = await runCli(['diff', 'narrowed.rsc', 'old.rsc', '--fail-on', 'widened', '--wan', 'LAN'], { cwd: t.dir });
    assert.equal(closeOnly.code, 0, 'icmp newly accepted, but from the WAN side only when WAN is the LAN list: --wan is honoured');
  } finally {
    t.cleanup();
  }
});

test('rsc-lint diff --format json: the versioned shape', async () => {
  const t = files();
  try {
    const r = await runCli(['diff', 'old.rsc', 'new.rsc', '--format', 'json'], { cwd: t.dir });
    assert.equal(r.code, 1);
    const j = JSON.parse(r.stdout);
    assert.equal(j.version, 1);
    assert.equal(j.complete, true);
    assert.equal(j.changed, true);
    assert.deepEqual(j.summary, { changes: 2, widened: 1, narrowed: 1, changed: 0, widenedFromWan: 1, may: 0 });
    const w = j.changes[1];
    assert.deepEqual(
      { hook: w.hook, family: w.family, directions: w.directions, protocols: w.protocols, dstPorts: w.dstPorts, kind: w.kind, widenedFromWan: w.widenedFromWan, may: w.may },
      { hook: 'input', family: 'ip', directions: ['wan'], protocols: ['tcp'], dstPorts: '8291', kind: 'widened', widenedFromWan: true, may: false },
    );
    assert.deepEqual(w.before, { verdict: 'drop', rule: { table: 'filter', chain: 'input', number: 3, action: 'drop', comment: 'drop all from WAN', file: 'old.rsc', line: 9, column: 1 } });
    assert.deepEqual(w.after.rule, { table: 'filter', chain: 'input', number: 1, action: 'accept', comment: 'winbox', file: 'new.rsc', line: 7, column: 1 });
    assert.equal(w.example.packet.dstPort, 8291);
    assert.equal(w.example.packet.inInterface, 'ether1');
    assert.equal(w.example.agrees, true);
    const none = JSON.parse((await runCli(['diff', 'old.rsc', 'reordered.rsc', '-f', 'json'], { cwd: t.dir })).stdout);
    assert.deepEqual([none.changed, none.changes], [false, []]);
  } finally {
    t.cleanup();
  }
});

test('rsc-lint diff --format markdown: a table for a pull-request comment', async () => {
  const t = files();
  try {
    const r = await runCli(['diff', 'old.rsc', 'new.rsc', '--format', 'markdown'], { cwd: t.dir });
    assert.equal(r.code, 1);
    assert.equal(
      r.stdout,
      '### Firewall changes: `old.rsc` → `new.rsc`\n\n' +
        'old.rsc -\\> new.rsc: 2 changes, 1 newly accepted (1 from WAN), 1 newly refused\n\n' +
        '| | hook | from | traffic | before | after |\n|---|---|---|---|---|---|\n' +
        '| 🔒 | input | WAN | icmp connection-state=new,invalid | accept (rule 1 "icmp", old.rsc:7) | drop (rule 3 "drop all from WAN", new.rsc:9) |\n' +
        '| 🔓 | input | WAN | tcp 8291 connection-state=new,invalid | drop (rule 3 "drop all from WAN", old.rsc:9) | accept (rule 1 "winbox", new.rsc:7) |\n\n' +
        'WAN: the WAN is interface list "WAN"\n',
    );
  } finally {
    t.cleanup();
  }
});

test('rsc-lint diff: - reads one side from standard input', async () => {
  const t = files();
  try {
    const r = await runCli(['diff', '-', 'new.rsc'], { cwd: t.dir, stdin: OLD });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /^<stdin> -> new\.rsc: 2 changes/);
    assert.match(r.stdout, /drop \(rule 3 "drop all from WAN", <stdin>:9\) -> accept \(rule 1 "winbox", new\.rsc:7\)/);
  } finally {
    t.cleanup();
  }
});

test('rsc-lint diff: could not run or not proven is exit 2 with one line', async () => {
  const t = files();
  try {
    const cases: Array<[string[], RegExp]> = [
      [['diff', 'old.rsc'], /rsc-lint diff needs two files, OLD and NEW \(got 1/],
      [['diff', 'old.rsc', 'missing.rsc'], /cannot read missing\.rsc/],
      [['diff', 'old.rsc', 'broken.rsc'], /broken\.rsc:1:\d+: syntax error .*fix the file first/],
      [['diff', 'old.rsc', 'new.rsc', '--format', 'sarif'], /--format: "sarif" is not one of text, json, markdown/],
      [['diff', 'old.rsc', 'new.rsc', '--fail-on', 'narrowed'], /--fail-on: "narrowed" is not one of any, widened/],
      [['diff', 'old.rsc', 'new.rsc', '--budget', 'lots'], /--budget: "lots" is not a whole number/],
      [['diff', 'old.rsc', 'new.rsc', '--bogus'], /unknown option --bogus/],
      [['diff', '-', '-'], /only one of OLD and NEW can be -/],
    ];
    for (const [args, msg] of cases) {
      const r = await runCli(args, { cwd: t.dir });
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}`);
      assert.match(r.stderr, msg, args.join(' '));
      assert.ok(!hasStackTrace(r.stderr), r.stderr);
    }
    // an exhausted budget proves nothing: never "no change"
    const r = await runCli(['diff', 'old.rsc', 'reordered.rsc', '--budget', '1'], { cwd: t.dir });
    assert.equal(r.code, 2);
    assert.match(r.stdout, /the difference could not be proven/);
    assert.doesNotMatch(r.stdout, /no change/);
    assert.match(r.stderr, /could not be proven/);
    const help = await runCli(['diff', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: rsc-lint diff OLD NEW/);
  } finally {
    t.cleanup();
  }
});
