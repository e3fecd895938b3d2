import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blockedByJump, covers, hiddenBy, mayOverlap, pathTo, rulesBefore } from '../../server/src/model';
import { label, modelOf, rsc, rule } from './helpers';

const LISTS = rsc(
  '/interface list add name=WAN',
  '/interface list add name=LAN',
  '/interface list add name=MGMT',
  '/interface list member add list=WAN interface=ether1',
  '/interface list member add list=LAN interface=bridge',
  '/interface list member add list=MGMT interface=bridge',
);

/** [A's properties, B's properties, A covers B, they may overlap] */
const TABLE: Array<[string, string, boolean, boolean]> = [
  // anything A does not constrain is covered
  ['', 'protocol=tcp dst-port=888', true, true],
  ['action=drop', 'protocol=udp dst-port=1-2', true, true],
  // protocol
  ['protocol=tcp', 'protocol=tcp dst-port=888', true, true],
  ['protocol=tcp', 'protocol=udp dst-port=888', false, false],
  ['protocol=!tcp', 'protocol=udp', true, true],
  ['protocol=!tcp', 'protocol=tcp', false, false],
  ['protocol=tcp', '', false, true],
  // ports: lists, ranges, negation
  ['protocol=tcp dst-port=1-1000', 'protocol=tcp dst-port=888', true, true],
  ['protocol=tcp dst-port=21,22,23,8291,10000-60000', 'protocol=tcp dst-port=22', true, true],
  ['protocol=tcp dst-port=21,22,23,8291,10000-60000', 'protocol=tcp dst-port=888', false, false],
  ['protocol=tcp dst-port=!1,2,3', 'protocol=tcp dst-port=888', true, true],
  ['protocol=tcp dst-port=!888', 'protocol=tcp dst-port=888', false, false],
  ['protocol=tcp dst-port=!1-100', 'protocol=tcp dst-port=!1-50', false, true],
  ['protocol=tcp dst-port=!1-50', 'protocol=tcp dst-port=!1-100', true, true],
  ['protocol=tcp port=888', 'protocol=tcp dst-port=888', true, true],
  ['protocol=tcp dst-port=888', 'protocol=tcp port=888', false, true],
  // addresses and prefixes
  ['src-address=10.0.0.0/8', 'src-address=10.1.2.0/24', true, true],
  ['src-address=10.1.2.0/24', 'src-address=10.0.0.0/8', false, true],
  ['src-address=!192.168.0.0/16', 'src-address=10.0.0.1', true, true],
  ['src-address=192.168.0.0/16', 'src-address=10.0.0.1', false, false],
  ['src-address=10.0.0.1-10.0.0.9', 'src-address=10.0.0.4/31', true, true],
  // address lists: same name; negation covers negation; different lists unknown
  ['src-address-list=secured', 'src-address-list=secured dst-port=22 protocol=tcp', true, true],
  ['src-address-list=!secured', 'src-address-list=!secured', true, true],
  ['src-address-list=!secured', 'src-address-list=knock2', false, true],
  ['src-address-list=secured', 'src-address-list=!secured', false, false],
  ['src-address-list=secured', '', false, true],
  // interfaces and interface lists
  ['in-interface-list=WAN', 'in-interface-list=WAN protocol=tcp', true, true],
  ['in-interface-list=!LAN', 'in-interface-list=WAN', true, true],
  ['in-interface-list=LAN', 'in-interface-list=WAN', false, false],
  ['in-interface-list=!WAN', 'in-interface-list=WAN', false, false],
  // both lists hold exactly the members the file gives them (bridge): the same interfaces
  ['in-interface-list=LAN', 'in-interface-list=MGMT', true, true],
  ['in-interface-list=!LAN', 'in-interface-list=MGMT', false, false],
  ['in-interface-list=WAN', 'in-interface=ether1', true, true],
  ['in-interface-list=WAN', 'in-interface=ether2', false, false],
  ['in-interface=!bridge', 'in-interface-list=WAN', true, true],
  ['in-interface=ether1', 'in-interface-list=WAN', true, true],
  ['in-interface=ether1', 'in-interface=ether2', false, false],
  ['in-interface=!ether2', 'in-interface=ether1', true, true],
  ['in-interface-list=all', 'in-interface=ether7', true, true],
  ['in-interface-list=!LAN', 'in-interface=ether1', true, true],
  ['in-interface-list=!LAN', 'in-interface=bridge', false, false],
  // connection state
  ['connection-state=new', 'connection-state=new protocol=tcp', true, true],
  ['connection-state=established,related', 'connection-state=new', false, false],
  ['connection-state=!established,related', 'connection-state=new', true, true],
  ['connection-state=new', '', false, true],
  ['connection-state=established,related,new', 'connection-state=!invalid,untracked', true, true],
  // tcp flags, packet size
  ['protocol=tcp tcp-flags=syn', 'protocol=tcp tcp-flags=syn,!ack', true, true],
  ['protocol=tcp tcp-flags=syn', 'protocol=tcp tcp-flags=!syn', false, false],
  ['packet-size=100-200', 'packet-size=150', true, true],
  ['packet-size=100-200', 'packet-size=250', false, false],
  // matchers A does not understand, stateful ones, unknown values
  ['ipsec-policy=in,ipsec', 'protocol=tcp', false, true],
  ['ipsec-policy=in,ipsec', 'ipsec-policy=in,ipsec protocol=tcp', true, true],
  ['protocol=tcp limit=5/1m,10', 'protocol=tcp limit=5/1m,10', false, true],
  ['protocol=tcp psd=21,3s,3,1', 'protocol=tcp', false, true],
  ['protocol=tcp dst-port=$p', 'protocol=tcp dst-port=888', false, true],
  ['protocol=tcp dst-port=888', 'protocol=tcp dst-port=$p', false, true],
  ['layer7-protocol=pass', 'layer7-protocol=pass protocol=udp', true, true],
  ['layer7-protocol=pass', 'layer7-protocol=other', false, true],
];

test('covers / mayOverlap table', () => {
  const lines = [LISTS.trimEnd(), '/ip firewall filter'];
  TABLE.forEach(([a, b], i) => {
    lines.push(`add chain=input comment=a${i} ${a}`);
    lines.push(`add chain=input comment=b${i} ${b}`);
  });
  const m = modelOf(rsc(...lines));
  const wrong: string[] = [];
  TABLE.forEach(([a, b, cov, ov], i) => {
    const ra = rule(m, `a${i}`);
    const rb = rule(m, `b${i}`);
    if (covers(ra, rb, m) !== cov) wrong.push(`covers("${a}", "${b}") should be ${cov}`);
    if (mayOverlap(ra, rb, m) !== ov) wrong.push(`mayOverlap("${a}", "${b}") should be ${ov}`);
    if (mayOverlap(rb, ra, m) !== ov) wrong.push(`mayOverlap("${b}", "${a}") should be ${ov} (symmetry)`);
  });
  assert.deepEqual(wrong, []);
});

test('lists with no members in the file: different names are disjoint', () => {
  const m = modelOf(rsc('/ip firewall filter', 'add chain=input comment=a in-interface-list=!LAN', 'add chain=input comment=b in-interface-list=WAN'));
  assert.equal(covers(rule(m, 'a'), rule(m, 'b'), m), true);
  assert.equal(mayOverlap(rule(m, 'a'), rule(m, 'b'), m), true);
});

test('IPv4 and IPv6 rules never cover each other', () => {
  const m = modelOf(rsc('/ip firewall filter add chain=input comment=a', '/ipv6 firewall filter add chain=input comment=b'));
  assert.equal(covers(rule(m, 'a'), rule(m, 'b', 'ipv6 filter'), m), false);
});

const JUMPS = rsc(
  '/ip firewall filter',
  'add chain=input comment=est connection-state=established,related',
  'add chain=input action=jump jump-target=knocks comment=toKnocks in-interface-list=WAN protocol=tcp',
  'add chain=knocks action=accept comment=sideAccept protocol=tcp dst-port=22',
  'add chain=knocks action=return comment=ret src-address-list=trusted',
  'add chain=knocks action=add-src-to-address-list address-list=knock1 dst-port=888 protocol=tcp comment=k1',
  'add chain=input action=drop comment=off disabled=yes',
  'add chain=input action=drop comment=wanDrop in-interface-list=WAN',
  'add chain=input action=accept comment=final src-address-list=secured',
);

test('pathTo follows the jump into a custom chain and records the jump condition', () => {
  const m = modelOf(JUMPS);
  const paths = pathTo(rule(m, 'k1'), m);
  assert.equal(paths.length, 1);
  assert.equal(paths[0].entry, 'input');
  assert.deepEqual(paths[0].jumps.map(label), ['toKnocks']);
  assert.deepEqual(paths[0].steps.map((s) => label(s.rule)), ['est', 'toKnocks', 'sideAccept', 'ret']);
  assert.deepEqual(paths[0].steps.map((s) => s.terminal), [true, false, true, true]);
});

test('pathTo after a jump: the side chain is met behind its jump, disabled rules skipped', () => {
  const m = modelOf(JUMPS);
  const [p] = pathTo(rule(m, 'final'), m);
  assert.deepEqual(p.steps.map((s) => label(s.rule)), ['est', 'toKnocks', 'sideAccept', 'ret', 'k1', 'wanDrop']);
  const side = p.steps.find((s) => label(s.rule) === 'sideAccept')!;
  assert.deepEqual(side.via.map(label), ['toKnocks']);
  // `return` in a side chain only returns: not terminal for a rule after the jump
  assert.equal(p.steps.find((s) => label(s.rule) === 'ret')!.terminal, false);
  assert.deepEqual(rulesBefore(rule(m, 'final'), m).map(label), ['est', 'toKnocks', 'sideAccept', 'ret', 'k1', 'wanDrop']);
});

test('an accept inside a custom chain hides a rule only for packets that take the jump', () => {
  const m = modelOf(
    rsc(
      '/ip firewall filter',
      'add chain=input action=jump jump-target=svc comment=toSvc in-interface-list=LAN',
      'add chain=svc action=accept comment=svcAccept',
      'add chain=input action=add-src-to-address-list address-list=knock1 comment=wanKnock in-interface-list=WAN protocol=tcp dst-port=888',
      'add chain=input action=add-src-to-address-list address-list=knock1 comment=lanKnock in-interface-list=LAN protocol=tcp dst-port=888',
      'add chain=input action=add-src-to-address-list address-list=knock1 comment=anyKnock protocol=tcp dst-port=888',
    ),
  );
  assert.equal(hiddenBy(rule(m, 'wanKnock'), m), undefined);
  assert.equal(label(hiddenBy(rule(m, 'lanKnock'), m)!), 'svcAccept');
  assert.equal(hiddenBy(rule(m, 'anyKnock'), m), undefined);
});

test('hiddenBy: a drop above, an accept above, a return in the rule\'s own chain, raw drops', () => {
  const m = modelOf(
    rsc(
      '/ip firewall raw add chain=prerouting action=drop src-address-list=blacklist comment=rawDrop',
      '/ip firewall raw add chain=prerouting action=accept comment=rawAccept',
      '/ip firewall filter',
      'add chain=input action=drop in-interface-list=WAN comment=wanDrop',
      'add chain=input action=add-src-to-address-list address-list=knock1 in-interface-list=WAN protocol=tcp dst-port=888 comment=k1',
      'add chain=input action=add-src-to-address-list address-list=x in-interface=ether9 src-address-list=blacklist comment=blx',
      'add chain=input action=jump jump-target=c comment=j',
      'add chain=c action=return comment=cret',
      'add chain=c action=add-src-to-address-list address-list=knock2 protocol=udp dst-port=999 comment=k2',
    ),
  );
  assert.equal(label(hiddenBy(rule(m, 'k1'), m)!), 'wanDrop');
  assert.equal(hiddenBy(rule(m, 'k1'), m, { actions: ['accept'] }), undefined);
  assert.equal(label(hiddenBy(rule(m, 'blx'), m)!), 'rawDrop');
  assert.equal(label(hiddenBy(rule(m, 'k2'), m)!), 'cret');
});

test('hiddenBy newConnection: a drop of new WAN connections hides a knock stage and the final accept', () => {
  const m = modelOf(
    rsc(
      '/ip firewall filter',
      'add chain=input action=accept connection-state=established,related comment=est',
      'add chain=input action=drop connection-state=new in-interface-list=WAN comment=dropNew',
      'add chain=input action=add-src-to-address-list address-list=knock1 in-interface-list=WAN protocol=tcp dst-port=7342 comment=k1',
      'add chain=input action=accept in-interface-list=WAN src-address-list=knock1 comment=acc',
      'add chain=input action=accept in-interface-list=WAN connection-state=established comment=estOnly',
      'add chain=input action=accept in-interface-list=WAN connection-state=!established comment=notEst',
    ),
  );
  // by default a packet of another state could pass
  assert.equal(hiddenBy(rule(m, 'k1'), m), undefined);
  assert.equal(label(hiddenBy(rule(m, 'k1'), m, { newConnection: true })!), 'dropNew');
  assert.equal(label(hiddenBy(rule(m, 'acc'), m, { newConnection: true })!), 'dropNew');
  // a rule for established packets only is not hidden by a drop of new ones
  assert.equal(label(hiddenBy(rule(m, 'estOnly'), m, { newConnection: true })!), 'est');
  assert.equal(hiddenBy(rule(m, 'notEst'), m, { newConnection: true }), undefined);
});

test('blockedByJump: a jump no packet of the rule can take (wrong protocol, a port typo)', () => {
  const m = modelOf(
    rsc(
      '/ip firewall filter',
      'add chain=input action=jump jump-target=pk protocol=tcp in-interface-list=WAN comment=jTcp',
      'add chain=pk action=add-src-to-address-list address-list=k1 protocol=udp dst-port=23811 comment=udpStage',
      'add chain=pk action=add-src-to-address-list address-list=k2 protocol=tcp dst-port=5512 comment=tcpStage',
      'add chain=input action=jump jump-target=ssh dst-port=9835,6738,475 protocol=tcp comment=jPorts',
      'add chain=ssh action=accept dst-port=457 protocol=tcp src-address-list=allow comment=acc457',
      'add chain=ssh action=accept dst-port=475 protocol=tcp src-address-list=allow comment=acc475',
      'add chain=input action=jump jump-target=ssh protocol=udp comment=jUdp',
      'add chain=nowhere action=accept comment=orphan',
    ),
  );
  assert.equal(label(blockedByJump(rule(m, 'udpStage'), m)!), 'jTcp');
  assert.equal(blockedByJump(rule(m, 'tcpStage'), m), undefined);
  // two paths into chain ssh, both closed to tcp/457
  assert.equal(label(blockedByJump(rule(m, 'acc457'), m)!), 'jPorts');
  assert.equal(blockedByJump(rule(m, 'acc475'), m), undefined);
  assert.equal(blockedByJump(rule(m, 'orphan'), m), undefined);
});

test('unreachable custom chains have no path; jump loops terminate', () => {
  const m = modelOf(
    rsc(
      '/ip firewall filter',
      'add chain=orphan action=accept comment=o',
      'add chain=input action=jump jump-target=a comment=ja',
      'add chain=a action=jump jump-target=b comment=jb',
      'add chain=b action=jump jump-target=a comment=jba',
      'add chain=b action=drop comment=bd',
    ),
  );
  assert.deepEqual(pathTo(rule(m, 'o'), m), []);
  const paths = pathTo(rule(m, 'bd'), m);
  assert.equal(paths.length, 1);
  assert.deepEqual(paths[0].jumps.map(label), ['ja', 'jb']);
});

test('a rule whose position is unknown is never reported as hidden', () => {
  const m = modelOf(
    rsc(
      '/ip firewall filter',
      'add chain=input action=drop comment=d',
      'add chain=input action=accept protocol=tcp dst-port=22 comment=x place-before=*3',
    ),
  );
  assert.equal(hiddenBy(rule(m, 'x'), m), undefined);
});

test('packets that leave a side trip early are not caught later in it: raw accept, return in a side chain', () => {
  const m = modelOf(
    rsc(
      '/ip firewall raw add chain=prerouting in-interface-list=WAN src-address-list=mgmt-allow protocol=tcp dst-port=8291 action=accept comment=rawAccept',
      '/ip firewall raw add chain=prerouting in-interface-list=WAN protocol=tcp dst-port=8291 action=drop comment=rawDrop',
      '/ip firewall filter',
      'add chain=input action=jump jump-target=guard comment=toGuard',
      'add chain=guard action=return src-address-list=trusted comment=ret',
      'add chain=guard action=drop protocol=tcp dst-port=22 comment=guardDrop',
      'add chain=input in-interface-list=WAN protocol=tcp dst-port=8291 src-address-list=mgmt-allow action=accept comment=winbox',
      'add chain=input in-interface-list=WAN protocol=tcp dst-port=8291 action=accept comment=winboxAll',
      'add chain=input protocol=tcp dst-port=22 src-address-list=trusted action=accept comment=sshTrusted',
      'add chain=input protocol=tcp dst-port=22 action=accept comment=sshAll',
    ),
  );
  assert.equal(hiddenBy(rule(m, 'winbox'), m), undefined);
  // packets not in mgmt-allow could be hit by rawAccept? no: but mgmt-allow ones escape -> not provably hidden
  assert.equal(hiddenBy(rule(m, 'winboxAll'), m), undefined);
  assert.equal(hiddenBy(rule(m, 'sshTrusted'), m), undefined);
  assert.equal(hiddenBy(rule(m, 'sshAll'), m), undefined);
  const m2 = modelOf(
    rsc(
      '/ip firewall filter',
      'add chain=input action=jump jump-target=guard comment=toGuard',
      'add chain=guard action=return src-address-list=trusted comment=ret',
      'add chain=guard action=drop protocol=tcp dst-port=22 comment=guardDrop',
      'add chain=input protocol=tcp dst-port=22 src-address-list=!trusted action=accept comment=sshUntrusted',
    ),
  );
  assert.equal(label(hiddenBy(rule(m2, 'sshUntrusted'), m2)!), 'guardDrop');
});
