import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Simulator } from '../../server/src/simulate';
import type { PacketTrace, SimPacket } from '../../server/src/simulate';
import { GUIDE, lineOf, modelOf, rsc, WAN } from './helpers';

const tcp = (time: number, dstPort: number, extra: Partial<SimPacket> = {}): SimPacket => ({ ...WAN, protocol: 'tcp', time, dstPort, ...extra });
const lines = (tr: PacketTrace) => tr.matched.map((s) => lineOf(s.rule));

test('the guide: each knock adds to its list and is dropped; the last one is accepted, then port 22 is open', () => {
  const sim = new Simulator(modelOf(GUIDE));
  const before = sim.send(tcp(0, 22));
  assert.equal(before.verdict, 'drop');
  assert.equal(lineOf(before.verdictRule), 9);
  const k1 = sim.send(tcp(1, 888));
  assert.deepEqual(lines(k1), [3, 9]);
  assert.deepEqual(k1.changes.map((c) => [c.op, c.list, c.address, c.expires]), [['add', 'knock1', '198.51.100.7', 31]]);
  assert.equal(k1.verdict, 'drop');
  const k2 = sim.send(tcp(2, 555));
  assert.deepEqual(lines(k2), [4, 9]);
  const k3 = sim.send(tcp(3, 222));
  assert.deepEqual(lines(k3), [5, 6]);
  assert.equal(k3.verdict, 'accept');
  assert.deepEqual(k3.changes.map((c) => [c.list, c.expires]), [['secured', 1803]]);
  const ssh = sim.send(tcp(4, 22));
  assert.equal(ssh.verdict, 'accept');
  assert.equal(lineOf(ssh.verdictRule), 6);
  assert.equal(sim.inList('secured', '198.51.100.7', 1802.9), true);
  assert.equal(sim.inList('secured', '198.51.100.7', 1803), false, 'an entry is gone at its expiry time');
});

test('entries expire on the virtual clock: a second knock 31 s late does not advance, and the trace says what expired', () => {
  const sim = new Simulator(modelOf(GUIDE));
  sim.send(tcp(0, 888));
  const late = sim.send(tcp(31, 555));
  assert.deepEqual(late.expired.map((c) => [c.op, c.list, c.expires]), [['expire', 'knock1', 30]]);
  assert.deepEqual(lines(late), [9]);
  assert.deepEqual(late.changes, []);
  assert.equal(sim.inList('knock2', '198.51.100.7', 31), false);
});

test('re-adding an address refreshes its timeout (and only extends it)', () => {
  const sim = new Simulator(modelOf(GUIDE));
  sim.send(tcp(0, 888));
  const again = sim.send(tcp(20, 888));
  assert.deepEqual(again.changes.map((c) => [c.op, c.expires]), [['refresh', 50]]);
  assert.equal(sim.inList('knock1', '198.51.100.7', 45), true);
  const noRefresh = new Simulator(modelOf(GUIDE), { refreshOnReAdd: false });
  noRefresh.send(tcp(0, 888));
  assert.deepEqual(noRefresh.send(tcp(20, 888)).changes, []);
  assert.equal(noRefresh.inList('knock1', '198.51.100.7', 45), false);
});

test('disabled rules are skipped unless enabled by option; packets from other interfaces fall to the implicit accept', () => {
  const model = modelOf(GUIDE);
  const off = new Simulator(model).send(tcp(0, 666));
  assert.deepEqual(lines(off), [9]);
  const bl = model.tables.get('ip filter')!.rules.filter((r) => r.disabled);
  const on = new Simulator(model, { enable: new Set(bl) });
  const caught = on.send(tcp(0, 666));
  assert.deepEqual(lines(caught), [7, 9]);
  assert.equal(on.send(tcp(1, 888)).verdictRule, bl[0], 'the blacklist drop at the top now stops the knock');
  const lan = new Simulator(model).send({ src: '192.168.88.2', protocol: 'tcp', time: 0, dstPort: 22, inInterface: 'bridge' });
  assert.equal(lan.verdict, 'accept');
  assert.equal(lan.verdictRule, undefined, 'implicit accept at the end of the built-in chain');
  assert.deepEqual(lan.matched, []);
});

test('jump into a custom chain, return, and falling off its end come back to the rule after the jump', () => {
  const model = modelOf(
    rsc(
      '/ip firewall filter',
      'add chain=input action=jump jump-target=knock in-interface-list=WAN',
      'add chain=input action=accept src-address-list=secured',
      'add chain=input action=drop in-interface-list=WAN',
      'add chain=knock action=return protocol=udp',
      'add chain=knock action=add-src-to-address-list address-list=secured address-list-timeout=1h protocol=tcp dst-port=7000',
      'add chain=knock action=log log-prefix=knock',
    ),
  );
  const sim = new Simulator(model);
  const u = sim.send({ ...WAN, protocol: 'udp', dstPort: 7000, time: 0 });
  assert.deepEqual(lines(u), [2, 5, 4]);
  assert.equal(u.verdict, 'drop');
  const t = sim.send(tcp(1, 7000));
  assert.deepEqual(lines(t), [2, 6, 7, 3]);
  assert.equal(t.matched[2].logged, true);
  assert.equal(t.verdict, 'accept');
});

test('a jump loop is cut, not followed forever', () => {
  const model = modelOf(rsc('/ip firewall filter', 'add chain=input action=jump jump-target=a', 'add chain=a action=jump jump-target=input', 'add chain=input action=drop'));
  const tr = new Simulator(model).send(tcp(0, 1));
  assert.equal(tr.verdict, 'drop');
  assert.ok(tr.matched.some((s) => /jump loop/.test(s.note ?? '')));
});

test('raw prerouting runs first: its drop stops the packet, its accept only ends the raw table', () => {
  const model = modelOf(
    rsc(
      '/ip firewall raw',
      'add chain=prerouting action=drop src-address-list=blacklist',
      'add chain=prerouting action=accept protocol=tcp',
      '/ip firewall filter',
      'add chain=input action=drop protocol=tcp dst-port=23',
      '/ip firewall address-list',
      'add list=blacklist address=203.0.113.0/24',
    ),
  );
  const sim = new Simulator(model);
  const bad = sim.send(tcp(0, 80, { src: '203.0.113.9' }));
  assert.equal(bad.verdict, 'drop');
  assert.equal(bad.matched[0].table, 'raw');
  const telnet = sim.send(tcp(1, 23));
  assert.deepEqual(telnet.matched.map((s) => `${s.table} ${s.action}`), ['raw accept', 'filter drop']);
  assert.equal(telnet.verdict, 'drop');
});

test('layer7 passphrase: matches a UDP payload, never a TCP connection attempt', () => {
  const model = modelOf(
    rsc(
      '/ip firewall layer7-protocol add name=pass regexp="^passphrase\\$"',
      '/ip firewall filter',
      'add chain=input action=add-src-to-address-list address-list=k protocol=udp dst-port=888 layer7-protocol=pass',
      'add chain=input action=add-src-to-address-list address-list=t protocol=tcp dst-port=888 layer7-protocol=pass',
    ),
  );
  const sim = new Simulator(model);
  assert.deepEqual(sim.send({ ...WAN, protocol: 'udp', dstPort: 888, time: 0, payload: 'wrong' }).changes, []);
  assert.deepEqual(sim.send({ ...WAN, protocol: 'udp', dstPort: 888, time: 1, payload: 'passphrase' }).changes.map((c) => c.list), ['k']);
  assert.deepEqual(sim.send(tcp(2, 888)).changes, []);
  assert.deepEqual(sim.explainMiss(model.tables.get('ip filter')!.rules[1], { ...tcp(3, 888) }), ['layer7-protocol=pass']);
});

test('interface lists from the file: members, include=, negation', () => {
  const model = modelOf(
    rsc(
      '/interface list add name=WAN',
      '/interface list add name=LAN',
      '/interface list add name=UPLINKS include=WAN',
      '/interface list member add list=WAN interface=ether1',
      '/interface list member add list=LAN interface=bridge',
      '/ip firewall filter',
      'add chain=input action=accept in-interface-list=!LAN protocol=udp',
      'add chain=input action=drop in-interface-list=UPLINKS',
    ),
  );
  const sim = new Simulator(model);
  const p = { src: '198.51.100.7', protocol: 'tcp', dstPort: 22, time: 0 };
  assert.equal(sim.send({ ...p, inInterface: 'ether1' }).verdict, 'drop', 'ether1 is in WAN, so in UPLINKS');
  assert.equal(sim.send({ ...p, inInterface: 'bridge' }).verdict, 'accept');
  assert.equal(sim.send({ ...p, protocol: 'udp', inInterface: 'bridge' }).matched.length, 0, 'bridge is in LAN: !LAN does not match');
});

test('connection state, tcp flags, packet size, src-address ranges', () => {
  const model = modelOf(
    rsc(
      '/ip firewall filter',
      'add chain=input action=accept connection-state=established,related',
      'add chain=input action=drop tcp-flags=!syn protocol=tcp',
      'add chain=input action=add-src-to-address-list address-list=big packet-size=100-200 protocol=udp',
      'add chain=input action=accept src-address=10.0.0.0/8',
      'add chain=input action=drop',
    ),
  );
  const sim = new Simulator(model);
  assert.equal(lineOf(sim.send(tcp(0, 22, { state: 'established' })).verdictRule), 2);
  assert.equal(lineOf(sim.send(tcp(0, 22, { tcpFlags: ['fin'] })).verdictRule), 3);
  assert.deepEqual(sim.send({ ...WAN, protocol: 'udp', dstPort: 53, time: 1, size: 150 }).changes.map((c) => c.list), ['big']);
  assert.deepEqual(sim.send({ ...WAN, protocol: 'udp', dstPort: 53, time: 2 }).changes, [], 'a bare UDP datagram is 28 bytes');
  assert.equal(lineOf(sim.send(tcp(3, 22, { src: '10.1.2.3' })).verdictRule), 5);
});

test('conditions the simulator does not model are listed on the step and resolved by `assume`', () => {
  const model = modelOf(rsc('/ip firewall filter', 'add chain=input action=accept ipsec-policy=in,ipsec', 'add chain=input action=drop'));
  const no = new Simulator(model).send(tcp(0, 22));
  assert.equal(no.verdict, 'drop');
  const yes = new Simulator(model, { assume: () => true }).send(tcp(0, 22));
  assert.equal(yes.verdict, 'accept');
  assert.deepEqual(yes.matched[0].assumed, ['ipsec-policy=in,ipsec']);
});

test('psd detects a port scan: weights add up while packets come within the delay threshold', () => {
  const model = modelOf(
    rsc(
      '/ip firewall filter',
      'add chain=input action=add-src-to-address-list address-list=scanners address-list-timeout=1d protocol=tcp psd=21,3s,3,1',
      'add chain=input action=drop src-address-list=scanners',
    ),
  );
  const sim = new Simulator(model);
  const verdicts = [2000, 2001, 2002, 2003, 2004].map((port, i) => sim.send(tcp(i * 0.1, port)).changes.length);
  assert.deepEqual(verdicts, [0, 0, 0, 0, 0], 'high ports weigh 1: five are not 21');
  const low = [20, 21, 22, 23, 24, 25, 26].map((port, i) => sim.send(tcp(1 + i * 0.1, port)).changes.length);
  assert.deepEqual(low, [0, 0, 0, 0, 0, 1, 1], 'five high ports (5) + six low ones (18) pass 21 at port 25; later probes refresh the entry');
  const slow = new Simulator(model);
  for (let i = 0; i < 20; i++) assert.deepEqual(slow.send(tcp(i * 4, 20 + i)).changes, [], 'probes 4 s apart never add up');
});

test('limit= lets a burst through, then the rate', () => {
  const model = modelOf(rsc('/ip firewall filter', 'add chain=input action=accept protocol=icmp limit=1/1s,2', 'add chain=input action=drop protocol=icmp'));
  const sim = new Simulator(model);
  const v = [0, 0.1, 0.2, 0.3, 1.3].map((t) => sim.send({ ...WAN, protocol: 'icmp', time: t }).verdict);
  assert.deepEqual(v, ['accept', 'accept', 'drop', 'drop', 'accept']);
});

test('mangle marks are seen by filter; passthrough=no ends the mangle table', () => {
  const model = modelOf(
    rsc(
      '/ip firewall mangle',
      'add chain=prerouting action=mark-packet new-packet-mark=knocked protocol=tcp dst-port=22 passthrough=no',
      'add chain=prerouting action=mark-packet new-packet-mark=other protocol=tcp',
      '/ip firewall filter',
      'add chain=input action=accept packet-mark=knocked',
      'add chain=input action=drop',
    ),
  );
  const sim = new Simulator(model);
  const ssh = sim.send(tcp(0, 22));
  assert.deepEqual(ssh.matched.map((s) => `${s.table} ${lineOf(s.rule)}`), ['mangle 2', 'filter 5']);
  assert.equal(ssh.verdict, 'accept');
  assert.equal(sim.send(tcp(1, 80)).verdict, 'drop');
});

for (const [name, text, minAdds] of [
  ['blacklist disabled', GUIDE, 100],
  ['blacklist enabled', GUIDE.replace(/disabled=yes /g, ''), 2],
] as const) {
  test(`the scan fast path (memoized by port class and list membership) agrees with packet-by-packet evaluation: ${name}`, () => {
    const model = modelOf(rsc(text, '/ip firewall filter', 'add chain=input action=add-src-to-address-list address-list=seen address-list-timeout=2s protocol=tcp dst-port=30000-30100'));
    const pool = [888, 555, 222, 666, 22, 30050, 80, 12345, 29999];
    let seed = 7;
    const ports = Array.from({ length: 3000 }, () => pool[(seed = (seed * 1103515245 + 12345) % 2147483648) % pool.length]);
    const record = () => {
      const log: string[] = [];
      return { log, onAdd: (list: string, _a: string, time: number) => log.push(`${list}@${time.toFixed(4)}`) };
    };
    const a = record();
    const fast = new Simulator(model, { onAdd: a.onAdd });
    fast.scan({ ...WAN, protocol: 'tcp', time: 0 }, ['tcp'], ports, 10, () => false);
    const b = record();
    const slow = new Simulator(model, { onAdd: b.onAdd });
    ports.forEach((p, i) => slow.sendFast(tcp(i / 10, p)));
    assert.ok(a.log.length >= minAdds, `the scan adds entries: ${a.log.length}`);
    assert.deepEqual(a.log, b.log);
    assert.deepEqual(fast.entries(299.9), slow.entries(299.9));
  });
}
