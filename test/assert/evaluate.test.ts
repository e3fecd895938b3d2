// Firewall assertions proven over one model (server/src/assert): real scripts and assertions in, exact
// statuses, counterexample packets and deciding rules out. The guide's knock setup is the one the rule
// tests use (test/rules/fixtures.ts GUIDE_RULES).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lint } from '../../server/src/lint';
import { evaluateAssertion, type AssertionResult } from '../../server/src/assert/evaluate';
import type { AssertionConfig } from '../../server/src/assert/spec';
import { GUIDE_RULES } from '../rules/fixtures';

const LISTS = `/interface list add name=WAN
/interface list add name=LAN
/interface list member add list=WAN interface=ether1
/interface list member add list=LAN interface=bridge
`;

/** The guide's knock (lines 8-15) behind a router firewall: DNS for the LAN, https forwarded to one server. */
const ROUTER =
  LISTS +
  `/ip firewall filter
add chain=input action=accept connection-state=established,related
add chain=input action=accept in-interface-list=LAN protocol=udp dst-port=53
` +
  GUIDE_RULES.map((r) => `add ${r}`).join('\n') +
  `
add chain=forward action=accept connection-state=established,related
add chain=forward action=accept in-interface-list=WAN protocol=tcp dst-port=443 dst-address=192.168.88.10
add chain=forward action=drop in-interface-list=WAN
`;

/** The four examples, as docs/assertions.md writes them. */
const MGMT: AssertionConfig = {
  name: 'from WAN, nothing reaches tcp 22, 8291, 8728 unless src-address-list=secured',
  packets: 'chain=input in-interface-list=WAN protocol=tcp dst-port=22,8291,8728 src-address-list=!secured connection-state=new',
  expect: 'never-accepted',
};
const DNS: AssertionConfig = {
  name: 'from LAN, the router answers dns',
  packets: ['chain=input in-interface-list=LAN protocol=udp dst-port=53', 'chain=input in-interface-list=LAN protocol=tcp dst-port=53'],
  expect: 'all-accepted',
};
const KNOCK: AssertionConfig = { name: 'the knock sequence grants 22 within 30 s', expect: 'knock-grants', grants: 'protocol=tcp dst-port=22', within: '30s' };
const FORWARD: AssertionConfig = {
  name: 'nothing from WAN is forwarded except tcp 443 to 192.168.88.10',
  packets: 'chain=forward in-interface-list=WAN connection-state=new',
  except: 'protocol=tcp dst-port=443 dst-address=192.168.88.10',
  expect: 'never-accepted',
};

function check(text: string, a: AssertionConfig): AssertionResult {
  const r = lint(text, { checks: [] });
  return evaluateAssertion({ script: r.parse.script, model: r.model, knocks: r.knocks }, a);
}

const lineOf = (res: AssertionResult) => (res.at ? res.at.source.range.start.line + 1 : undefined);

test('the issue\'s four examples hold on the guide\'s setup behind a router firewall', () => {
  for (const a of [MGMT, DNS, KNOCK, FORWARD]) {
    const res = check(ROUTER, a);
    assert.equal(res.status, 'holds', `${a.name}: ${res.message}`);
    assert.equal(res.counterexample, undefined);
  }
  assert.equal(check(ROUTER, KNOCK).message, 'the knock (3 stages) grants tcp 22 to a client that takes up to 30s');
});

test('never-accepted fails: the counterexample packet, its trace and the accept that lets it in', () => {
  const text = ROUTER.replace('add chain=input action=accept in-interface-list=LAN protocol=udp dst-port=53', 'add chain=input action=accept protocol=tcp dst-port=8291 comment=winbox');
  const res = check(text, MGMT);
  assert.equal(res.status, 'fails');
  assert.equal(lineOf(res), 7);
  assert.equal(res.message, 'fails: tcp 203.0.113.1:8291 from 198.51.100.7 in ether1 is accepted by `accept` rule "winbox" (line 7)');
  const c = res.counterexample!;
  assert.equal(c.certain, true);
  assert.deepEqual([c.packet.protocol, c.packet.dstPort, c.packet.inInterface, c.packet.state], ['tcp', 8291, 'ether1', 'new']);
  assert.equal(c.trace.verdict, 'accept');
  assert.equal(c.trace.verdictRule, c.rule);
  assert.equal(res.failing, 'input: tcp dst-port 8291');
});

test('forwarding: a second accept breaks "nothing except 443", the end of an empty forward chain too', () => {
  const text = ROUTER.replace('add chain=forward action=drop in-interface-list=WAN', 'add chain=forward action=accept in-interface-list=WAN protocol=udp dst-port=1194\nadd chain=forward action=drop in-interface-list=WAN');
  const res = check(text, FORWARD);
  assert.equal(res.status, 'fails');
  assert.equal(lineOf(res), 18);
  assert.match(res.message, /^fails: udp 192\.0\.2\.10:1194 from 198\.51\.100\.7 in ether1 out bridge is accepted by `accept` rule in chain forward/);
  // no forward rules at all: the chain's end (the implicit accept) decides, and there is no rule to point at
  const open = check(LISTS + '/ip firewall filter\nadd chain=input action=drop in-interface-list=WAN\n', FORWARD);
  assert.equal(open.status, 'fails');
  assert.equal(open.at, undefined);
  assert.match(open.message, /by the end of chain forward \(no rule decides it: implicit accept\)$/);
});

test('all-accepted fails: the drop that stops a required packet, with the other drops beside it', () => {
  const text = LISTS + `/ip firewall filter
add chain=input action=accept connection-state=established,related
add chain=input action=accept in-interface-list=LAN protocol=udp dst-port=53
add chain=input action=drop protocol=tcp dst-port=53 comment="no tcp dns"
add chain=input action=drop in-interface-list=!LAN
`;
  const res = check(text, DNS);
  assert.equal(res.status, 'fails');
  assert.equal(lineOf(res), 8);
  assert.match(res.message, /^fails: tcp 203\.0\.113\.1:53 from 198\.51\.100\.7 in bridge is not accepted by `drop` rule "no tcp dns" \(line 8\)$/);
  assert.equal(res.counterexample!.trace.verdict, 'drop');
  assert.deepEqual(res.others, []);
});

test('a counterexample that needs its source in an address list says so and is replayed that way', () => {
  const text = LISTS + `/ip firewall filter
add chain=input action=accept protocol=tcp dst-port=22 src-address-list=admins
add chain=input action=drop in-interface-list=WAN
`;
  const res = check(text, MGMT);
  assert.equal(res.status, 'fails');
  assert.deepEqual(res.counterexample!.lists, [{ list: 'admins', address: '198.51.100.7' }]);
  assert.equal(lineOf(res), 6);
  // the same accept for `secured` is what the assertion excepts
  assert.equal(check(text.replace('admins', 'secured'), MGMT).status, 'holds');
});

test('no connection-state in the assertion: established packets count, and the message says how to ask about new ones', () => {
  const res = check(ROUTER, { ...MGMT, packets: 'chain=input in-interface-list=WAN protocol=tcp dst-port=22 src-address-list=!secured' });
  assert.equal(res.status, 'fails');
  assert.equal(lineOf(res), 6);
  assert.match(res.message, /\(established\) is accepted by `accept` rule in chain input/);
  assert.match(res.message, /add connection-state=new to ask about new connections only\)$/);
});

test('knock-grants: a window longer than the stage timeouts fails on the stage whose entry expired', () => {
  const res = check(ROUTER, { ...KNOCK, within: '60s' });
  assert.equal(res.status, 'fails');
  // stage 1 (line 9, address-list-timeout=30s) fills knock1, gone before stage 2 comes 59.999 s later
  assert.equal(lineOf(res), 9);
  assert.match(res.message, /^fails: tcp 22 \(knocking with gap 1 59\.999s\): stage 2 fails: .*src-address-list=knock1 \(the entry added at 0s expired\)/);
  assert.equal(res.knock!.granted, false);
  assert.equal(res.knock!.runs[0].run.access, false);
});

test('knock-grants: a port the knock does not open, and a file without a knock', () => {
  const text = ROUTER.replace('add action=accept chain=input in-interface-list=WAN src-address-list=secured', 'add action=accept chain=input in-interface-list=WAN src-address-list=secured protocol=tcp dst-port=22');
  assert.equal(check(text, KNOCK).status, 'holds');
  const other = check(text, { ...KNOCK, grants: 'protocol=tcp dst-port=22,8291' });
  assert.equal(other.status, 'fails');
  assert.match(other.message, /^fails: tcp 8291: .*a new tcp connection to port 8291 is dropped/);
  assert.equal(lineOf(other), 15);
  const none = check(LISTS + '/ip firewall filter\nadd chain=input action=drop in-interface-list=WAN\n', KNOCK);
  assert.equal(none.status, 'fails');
  assert.equal(none.message, 'fails: the file sets up no knock sequence (/ip firewall)');
});

test('cannot prove: unknown conditions, :if, dst-nat, partial tables, a vacuous assertion', () => {
  const drop = 'add chain=input action=drop in-interface-list=WAN\n';
  const limit = check(LISTS + `/ip firewall filter\nadd chain=input action=accept protocol=tcp dst-port=22 limit=10,5:packet\n${drop}`, MGMT);
  assert.equal(limit.status, 'unknown');
  assert.equal(lineOf(limit), 6);
  assert.match(limit.message, /^may fail: tcp 203\.0\.113\.1:22 .* \(the failing packets depend on conditions the script cannot know/);
  assert.equal(limit.counterexample!.certain, false);
  assert.deepEqual(limit.counterexample!.assumed, ['limit=10,5:packet (line 6): matches']);

  const dyn = check(LISTS + `/ip firewall filter\nadd chain=input action=accept protocol=tcp dst-port=$port\n${drop}`, MGMT);
  assert.equal(dyn.status, 'unknown');

  const ifAccept = check(LISTS + `:if ($x = 1) do={ /ip firewall filter add chain=input action=accept protocol=tcp dst-port=22 }\n/ip firewall filter\n${drop}`, MGMT);
  assert.equal(ifAccept.status, 'unknown');
  assert.match(ifAccept.message, /^may fail: .*created inside `:if`/);

  const ifDrop = check(LISTS + `:if ($x = 1) do={ /ip firewall filter add chain=input action=drop in-interface-list=WAN }\n`, MGMT);
  assert.equal(ifDrop.status, 'unknown');
  assert.match(ifDrop.message, /^cannot prove: it holds for the firewall as the file writes it, but the rule on line 5 may not exist/);
  assert.equal(ifDrop.at, undefined);

  const nat = check(
    LISTS + `/ip firewall nat add chain=dstnat action=dst-nat in-interface-list=WAN protocol=tcp dst-port=443 to-addresses=192.168.88.10
/ip firewall filter
add chain=forward action=accept connection-state=established,related
add chain=forward action=drop in-interface-list=WAN connection-nat-state=!dstnat
`,
    FORWARD,
  );
  assert.equal(nat.status, 'unknown');
  assert.match(nat.message, /connections the nat table dst-nats/);

  const partial = check(LISTS + '/ip firewall filter\nadd chain=input action=drop in-interface-list=WAN place-before=[find comment="x"]\n', MGMT);
  assert.equal(partial.status, 'unknown');
  assert.match(partial.message, /did not create/);

  const vacuous = check(ROUTER, { name: 'v', packets: 'chain=input protocol=tcp dst-address-type=broadcast', expect: 'never-accepted' });
  assert.equal(vacuous.status, 'unknown');
  assert.match(vacuous.message, /cannot occur/);
});

test('a conditional rule the counterexample never meets does not weaken a proven failure', () => {
  const text = LISTS + `:if ($x = 1) do={ /ip firewall filter add chain=input action=drop protocol=udp }
/ip firewall filter
add chain=input action=accept protocol=tcp dst-port=8291
add chain=input action=drop in-interface-list=WAN
`;
  const res = check(text, MGMT);
  assert.equal(res.status, 'fails');
  assert.equal(lineOf(res), 7);
});

test('IPv6: the family says which firewall', () => {
  const text = LISTS + `/ipv6 firewall filter
add chain=input action=accept protocol=tcp dst-port=22
add chain=input action=drop in-interface-list=WAN
`;
  const res = check(text, { ...MGMT, family: 'ipv6' });
  assert.equal(res.status, 'fails');
  assert.match(res.counterexample!.packet.src, /:/);
  assert.equal(lineOf(res), 6);
  // the /ip firewall of that file has no rules: everything is accepted there
  assert.equal(check(text, MGMT).status, 'fails');
});

test('every counterexample is a packet of the failing set that the simulator decides the same way', () => {
  const scripts = [
    ROUTER.replace('dst-port=53', 'dst-port=53,8728'),
    LISTS + '/ip firewall filter\nadd chain=input action=accept in-interface=ether1 protocol=tcp dst-port=8000-9000\nadd chain=input action=drop\n',
    LISTS + '/ip firewall raw\nadd chain=prerouting action=drop protocol=udp dst-port=53\n/ip firewall filter\nadd chain=input action=drop in-interface-list=WAN\n',
  ];
  for (const s of scripts) {
    for (const a of [MGMT, DNS, FORWARD]) {
      const res = check(s, a);
      const c = res.counterexample;
      if (!c) continue;
      assert.equal(c.trace.verdict === 'accept', a.expect === 'never-accepted', `${a.name}: ${res.message}`);
      assert.equal(c.trace.verdictRule, c.rule);
    }
  }
});

test('defconf input chain: its loopback accept is no counterexample (loopback never arrives on an interface)', () => {
  const text = LISTS + `/ip firewall filter
add chain=input action=accept connection-state=established,related,untracked comment="defconf: accept established,related,untracked"
add chain=input action=drop connection-state=invalid comment="defconf: drop invalid"
add chain=input action=accept protocol=icmp comment="defconf: accept ICMP"
add chain=input action=accept dst-address=127.0.0.1 comment="defconf: accept to local loopback (for CAPsMAN)"
add chain=input action=drop in-interface-list=!LAN comment="defconf: drop all not coming from LAN"
`;
  assert.equal(check(text, MGMT).status, 'holds');
  // without the last drop the WAN is open, and the end of the chain says so
  const open = check(text.replace(/add chain=input action=drop in-interface-list=!LAN.*\n/, ''), MGMT);
  assert.equal(open.status, 'fails');
  assert.equal(lineOf(open), 9);
  assert.match(open.message, /^fails: tcp 203\.0\.113\.1:22 from 198\.51\.100\.7 in ether1 is accepted by the end of chain input/);
});
