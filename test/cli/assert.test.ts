// `rsc-lint assert` as users and CI run it (the built CLI): a project with scripts and a .rsc-lint.json,
// exit statuses 0 / 1 / 2, text and JSON output, clear errors for bad assertions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { hasStackTrace, runCli, tempTree } from './helpers';
import { GUIDE_RULES } from '../rules/fixtures';

const LISTS = `/interface list add name=WAN
/interface list add name=LAN
/interface list member add list=WAN interface=ether1
/interface list member add list=LAN interface=bridge
`;
const ROUTER = `${LISTS}/ip firewall filter
add chain=input action=accept connection-state=established,related
add chain=input action=accept in-interface-list=LAN protocol=udp dst-port=53
add chain=input action=accept in-interface-list=WAN src-address-list=secured
add chain=input action=drop in-interface-list=WAN
add chain=forward action=accept connection-state=established,related
add chain=forward action=accept in-interface-list=WAN protocol=tcp dst-port=443 dst-address=192.168.88.10
add chain=forward action=drop in-interface-list=WAN
`;
const KNOCK = `${LISTS}/ip firewall filter\n${GUIDE_RULES.map((r) => `add ${r}`).join('\n')}\n`;

const CONFIG = {
  assertions: [
    {
      name: 'from WAN, nothing reaches tcp 22, 8291, 8728 unless src-address-list=secured',
      files: ['router.rsc'],
      packets: 'chain=input in-interface-list=WAN protocol=tcp dst-port=22,8291,8728 src-address-list=!secured connection-state=new',
      expect: 'never-accepted',
    },
    {
      name: 'from LAN, the router answers dns',
      files: ['router.rsc'],
      packets: ['chain=input in-interface-list=LAN protocol=udp dst-port=53', 'chain=input in-interface-list=LAN protocol=tcp dst-port=53'],
      expect: 'all-accepted',
    },
    { name: 'the knock sequence in knock.rsc grants 22 within 30 s', files: ['knock.rsc'], expect: 'knock-grants', grants: 'protocol=tcp dst-port=22', within: '30s' },
    {
      name: 'nothing from WAN is forwarded except tcp 443 to 192.168.88.10',
      files: ['router.rsc'],
      packets: 'chain=forward in-interface-list=WAN connection-state=new',
      except: 'protocol=tcp dst-port=443 dst-address=192.168.88.10',
      expect: 'never-accepted',
    },
  ],
};

function project(router = ROUTER, config: object = CONFIG) {
  return tempTree({ 'router.rsc': router, 'knock.rsc': KNOCK, 'notes/readme.rsc': ':put hello\n', '.rsc-lint.json': JSON.stringify(config, null, 2) });
}

test('rsc-lint assert: every assertion holds (exit 0), with and without FILE operands', async () => {
  const t = project();
  try {
    const all = await runCli(['assert'], { cwd: t.dir });
    assert.equal(all.code, 0, all.stderr + all.stdout);
    assert.equal(
      all.stdout,
      [
        'knock.rsc',
        '  holds   the knock sequence in knock.rsc grants 22 within 30 s',
        '',
        'router.rsc',
        '  holds   from WAN, nothing reaches tcp 22, 8291, 8728 unless src-address-list=secured',
        '  holds   from LAN, the router answers dns',
        '  holds   nothing from WAN is forwarded except tcp 443 to 192.168.88.10',
        '',
        '4 assertion checks: 4 hold, 0 fail, 0 cannot be proven',
        '',
      ].join('\n'),
    );
    const one = await runCli(['assert', 'router.rsc'], { cwd: t.dir });
    assert.equal(one.code, 0);
    assert.match(one.stdout, /3 assertion checks: 3 hold/);
  } finally {
    t.cleanup();
  }
});

test('rsc-lint assert: a failing assertion prints the counterexample, its trace and the deciding rule (exit 1)', async () => {
  const t = project(ROUTER.replace('add chain=input action=drop in-interface-list=WAN', 'add chain=input action=accept protocol=tcp dst-port=8291 comment=winbox\nadd chain=input action=drop in-interface-list=WAN'));
  try {
    const r = await runCli(['assert', 'router.rsc'], { cwd: t.dir });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /^ {2}FAILS {3}from WAN, nothing reaches tcp 22, 8291, 8728 unless src-address-list=secured$/m);
    assert.match(r.stdout, /^ {8}fails: tcp 203\.0\.113\.1:8291 from 198\.51\.100\.7 in ether1 is accepted by `accept` rule "winbox" \(line 9\)$/m);
    assert.match(r.stdout, /^ {8}decided at router\.rsc:9: `accept` rule "winbox"$/m);
    assert.match(r.stdout, /^ {10}#1 0s {6}tcp 203\.0\.113\.1:8291 from 198\.51\.100\.7$/m);
    assert.match(r.stdout, /^ {18}=> ACCEPT by router\.rsc:9$/m);
    assert.match(r.stdout, /^ {8}assertion: \.rsc-lint\.json:3$/m);
    assert.match(r.stdout, /3 assertion checks: 2 hold, 1 fails, 0 cannot be proven\n$/);

    const j = await runCli(['assert', 'router.rsc', '--format', 'json'], { cwd: t.dir });
    assert.equal(j.code, 1);
    const out = JSON.parse(j.stdout);
    assert.deepEqual(out.summary, { holds: 2, fails: 1, unknown: 0 });
    const f = out.results[0];
    assert.deepEqual(Object.keys(f), ['file', 'assertion', 'expect', 'config', 'status', 'message', 'reasons', 'rule', 'others', 'failing', 'counterexample', 'knock']);
    assert.equal(f.status, 'fails');
    assert.deepEqual(f.config, { file: '.rsc-lint.json', line: 3, column: 5 });
    assert.deepEqual(f.rule, { line: 9, column: 1, endLine: 9, table: 'filter', chain: 'input', action: 'accept', comment: 'winbox' });
    assert.equal(f.counterexample.certain, true);
    assert.equal(f.counterexample.verdict, 'accept');
    assert.equal(f.counterexample.packet.dstPort, 8291);
    assert.equal(f.counterexample.trace.verdictRule.line, 9);
    assert.equal(out.results[1].status, 'holds');
    assert.equal(out.results[1].counterexample, null);
  } finally {
    t.cleanup();
  }
});

test('rsc-lint assert: "cannot prove" is exit 1 and never "holds"', async () => {
  const t = project(`${LISTS}:if ($x = 1) do={ /ip firewall filter add chain=input action=drop in-interface-list=WAN }\n`, { assertions: [CONFIG.assertions[0]] });
  try {
    const r = await runCli(['assert'], { cwd: t.dir });
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^ {2}cannot prove {2}from WAN/m);
    assert.match(r.stdout, /cannot prove: it holds for the firewall as the file writes it, but the rule on line 5 may not exist/);
  } finally {
    t.cleanup();
  }
});

test('rsc-lint assert: bad assertions, no config, nothing to check: exit 2 with one clear line', async () => {
  const bad = project(ROUTER, { assertions: [{ name: 'oops', packets: 'protocol=tcp dst-port=22', expect: 'never-accepted' }] });
  const none = tempTree({ 'r.rsc': ROUTER });
  const noAssert = tempTree({ 'r.rsc': ROUTER, '.rsc-lint.json': '{"rules": {}}' });
  try {
    const r = await runCli(['assert'], { cwd: bad.dir });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^rsc-lint: .*\.rsc-lint\.json: assertion 1 \("oops"\): "packets": "protocol=tcp dst-port=22": say which traffic with chain=input \(to the router\), chain=forward \(through it\) or chain=output \(from it\)\n$/);
    assert.ok(!hasStackTrace(r.stderr));
    const n = await runCli(['assert', 'r.rsc'], { cwd: none.dir });
    assert.equal(n.code, 2);
    assert.match(n.stderr, /no assertion applies to r\.rsc: add "assertions" to \.rsc-lint\.json/);
    const a = await runCli(['assert'], { cwd: noAssert.dir });
    assert.equal(a.code, 2);
    const u = await runCli(['assert', '--format', 'xml'], { cwd: noAssert.dir });
    assert.equal(u.code, 2);
    assert.match(u.stderr, /unknown format "xml": use text or json/);
    const m = await runCli(['assert', 'missing.rsc'], { cwd: noAssert.dir });
    assert.equal(m.code, 2);
    assert.match(m.stderr, /cannot read missing\.rsc/);
  } finally {
    bad.cleanup();
    none.cleanup();
    noAssert.cleanup();
  }
});

test('rsc-lint (lint): a failed assertion is an assertion-failed error on the deciding rule', async () => {
  const t = project(ROUTER.replace('dst-port=443 dst-address=192.168.88.10', 'dst-port=443'));
  try {
    const r = await runCli(['router.rsc', '--format', 'json'], { cwd: t.dir });
    const found = JSON.parse(r.stdout).filter((f: { rule: string }) => f.rule === 'assertion-failed');
    assert.equal(found.length, 1);
    assert.equal(found[0].line, 11);
    assert.match(found[0].message, /^assertion "nothing from WAN is forwarded except tcp 443 to 192\.168\.88\.10" fails: tcp 192\.0\.2\.10:443 /);
    const sarif = JSON.parse((await runCli(['router.rsc', '--format', 'sarif'], { cwd: t.dir })).stdout);
    const res = sarif.runs[0].results.find((x: { ruleId: string }) => x.ruleId === 'assertion-failed');
    assert.equal(res.relatedLocations[0].physicalLocation.artifactLocation.uri, '.rsc-lint.json');
    assert.ok(fs.existsSync(path.join(t.dir, '.rsc-lint.json')));
  } finally {
    t.cleanup();
  }
});
