// The assertion format in .rsc-lint.json: what is accepted, the messages for what is not (naming the
// assertion and what to write), where each entry sits in the file, which files an assertion applies to.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { ConfigError, ConfigResolver, parseConfig } from '../../server/src/lintConfig';
import { compilePacketText } from '../../server/src/assert/spec';

const OK = {
  name: 'WAN management closed',
  packets: 'chain=input in-interface-list=WAN protocol=tcp dst-port=22,8291 src-address-list=!secured connection-state=new',
  expect: 'never-accepted',
};

function cfg(assertions: unknown[]): string {
  return JSON.stringify({ assertions }, null, 2);
}

test('a valid config: every assertion with its index, config file and range of its entry', () => {
  const text = cfg([OK, { name: 'knock', files: ['knock.rsc'], expect: 'knock-grants', grants: 'protocol=tcp dst-port=22', within: '30s' }]);
  const c = parseConfig(text, '/p/.rsc-lint.json');
  assert.equal(c.assertions!.length, 2);
  const [a, k] = c.assertions!;
  assert.equal(a.index, 0);
  assert.equal(a.configFile, '/p/.rsc-lint.json');
  assert.deepEqual([a.range!.start.line, a.range!.start.column, a.range!.end.line], [2, 4, 6]);
  assert.equal(text.slice(a.range!.start.offset, a.range!.start.offset + 1), '{');
  assert.equal(text.slice(k.range!.end.offset - 1, k.range!.end.offset), '}');
  assert.equal(k.range!.start.line, 7);
});

test('bad assertions: one message naming the assertion and saying what to write', () => {
  const cases: Array<[unknown, RegExp]> = [
    ['x', /assertion 1 must be an object \{"name", "packets", "expect"\}, not string "x"/],
    [{ packets: 'chain=input', expect: 'never-accepted' }, /assertion 1 needs a "name"/],
    [{ ...OK, expect: 'closed' }, /\("WAN management closed"\): "expect" must be "never-accepted", "all-accepted", "knock-grants", not string "closed"/],
    [{ ...OK, packet: 'x' }, /unknown key "packet" \(allowed: name, files, family, packets, except, expect, grants, within\)/],
    [{ name: 'n', expect: 'never-accepted' }, /needs "packets": the traffic it is about, e.g\. "chain=input in-interface-list=WAN protocol=tcp dst-port=22"/],
    [{ ...OK, packets: 'in-interface-list=WAN protocol=tcp' }, /"packets": "in-interface-list=WAN protocol=tcp": say which traffic with chain=input \(to the router\), chain=forward \(through it\) or chain=output \(from it\)/],
    [{ ...OK, packets: 'chain=prerouting protocol=tcp' }, /chain=prerouting: say which traffic with chain=input/],
    [{ ...OK, packets: 'chain=input protocol=tcp action=drop' }, /describes packets, not a rule: remove action=/],
    [{ ...OK, packets: 'chain=input protocol=tcp limit=10,5' }, /limit= is not a packet property an assertion can use \(use protocol, src-port/],
    [{ ...OK, packets: 'chain=input protocol=tcp dst-port=$p' }, /variables, \[ \] and ; are not allowed/],
    [{ ...OK, packets: 'chain=input protocol=tcp dst-port=22-x' }, /dst-port=22-x is not a valid value/],
    [{ ...OK, packets: 'chain=input protocol="tcp' }, /not matcher syntax/],
    [{ ...OK, packets: [] }, /"packets" must be matcher text such as/],
    [{ ...OK, family: 'ipv4' }, /"family" must be "ip" or "ipv6"/],
    [{ ...OK, grants: 'protocol=tcp dst-port=22' }, /"grants" belongs to "expect": "knock-grants"/],
    [{ name: 'k', expect: 'knock-grants', grants: 'protocol=tcp dst-port=22' }, /knock-grants needs "within": the time a client takes to knock and connect, e.g\. "30s"/],
    [{ name: 'k', expect: 'knock-grants', within: '30s' }, /knock-grants needs "grants": the service the knock opens, e\.g\. "protocol=tcp dst-port=22"/],
    [{ name: 'k', expect: 'knock-grants', within: '30s', grants: 'protocol=icmp dst-port=1' }, /protocol=tcp or protocol=udp, not icmp/],
    [{ name: 'k', expect: 'knock-grants', within: '30s', grants: 'dst-port=1-100' }, /at most 64 ports/],
    [{ name: 'k', expect: 'knock-grants', within: '30s', grants: 'protocol=tcp dst-port=22', packets: 'chain=input' }, /"packets" is for never-accepted \/ all-accepted/],
    [{ ...OK, files: ['/abs/r.rsc'] }, /"files" pattern "\/abs\/r\.rsc" must be relative/],
  ];
  for (const [a, re] of cases) {
    assert.throws(() => parseConfig(cfg([a]), 'c.json'), (e: unknown) => e instanceof ConfigError && e.message.startsWith('c.json: assertion') && re.test(e.message), JSON.stringify(a));
  }
  assert.throws(() => parseConfig(cfg([OK, OK]), 'c.json'), /the name "WAN management closed" is used twice/);
  assert.throws(() => parseConfig('{"assertions": {}}', 'c.json'), /"assertions" must be a list of assertions/);
});

test('matcher text reads as a firewall rule reads it: lists, negations, ranges, prefixes', () => {
  const p = compilePacketText('chain=forward  in-interface-list=!LAN protocol=udp dst-port=53,5353,1000-2000 dst-address=10.0.0.0/8', 'ip', true);
  assert.equal(p.hook, 'forward');
  assert.deepEqual(p.match.inInterfaceList, { negated: true, value: 'LAN' });
  assert.deepEqual(p.match.dstPort, { negated: false, value: [[53, 53], [5353, 5353], [1000, 2000]] });
  assert.deepEqual(p.match.dstAddress, { negated: false, value: '10.0.0.0/8' });
  assert.equal(compilePacketText('protocol=tcp', 'ip', false).hook, undefined);
});

test('"files" globs are relative to the config folder; without them an assertion applies everywhere', () => {
  const text = cfg([{ ...OK, name: 'all' }, { ...OK, name: 'sites', files: ['sites/*.rsc'] }, { ...OK, name: 'knock', files: ['knock.rsc'] }]);
  const r = new ConfigResolver({ readFile: (f) => (f === path.join('/p', '.rsc-lint.json') ? text : undefined) });
  const names = (f: string) => r.forFile(f)!.assertionsFor(f).map((a) => a.name);
  assert.deepEqual(names('/p/sites/a.rsc'), ['all', 'sites']);
  assert.deepEqual(names('/p/knock.rsc'), ['all', 'knock']);
  assert.deepEqual(names('/p/deep/knock.rsc'), ['all', 'knock']);
  assert.deepEqual(names('/p/other.rsc'), ['all']);
  const opts = r.forFile('/p/knock.rsc')!.optionsFor('/p/knock.rsc');
  assert.deepEqual(opts.env!.assertions!.map((a) => a.name), ['all', 'knock']);
});
