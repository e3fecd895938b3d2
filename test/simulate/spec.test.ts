import { test } from 'node:test';
import assert from 'node:assert/strict';
import { endTime, parsePacketSpec, parseSteps, SpecError } from '../../server/src/simulate';

const base = { src: '198.51.100.7' };

test('steps: packets 1 s apart by default, +DELAY replaces the wait, @TIME sets it', () => {
  const p = parseSteps(['tcp:7342', '+2s', 'tcp:4519', 'udp:9121,payload=secret', '@40s', 'tcp:22', '+500ms'], base);
  assert.deepEqual(p.map((x) => [x.time, x.protocol, x.dstPort, x.payload]), [
    [0, 'tcp', 7342, undefined],
    [2, 'tcp', 4519, undefined],
    [3, 'udp', 9121, 'secret'],
    [40, 'tcp', 22, undefined],
  ]);
  assert.equal(endTime(p), 40.5);
  assert.deepEqual(parseSteps(['tcp:1', 'tcp:2'], base, 0.25).map((x) => x.time), [0, 0.25]);
  assert.deepEqual(parseSteps(['+3s', 'tcp:1'], base).map((x) => x.time), [3]);
});

test('modifiers: state, size, from, to, in, sport, flags, icmp type/code', () => {
  assert.deepEqual(parsePacketSpec('tcp:22,state=established,size=100,from=10.0.0.1,to=10.0.0.2,in=ether2,sport=5555,flags=syn+ack'), {
    protocol: 'tcp',
    dstPort: 22,
    state: 'established',
    size: 100,
    src: '10.0.0.1',
    dst: '10.0.0.2',
    inInterface: 'ether2',
    srcPort: 5555,
    tcpFlags: ['syn', 'ack'],
  });
  assert.deepEqual(parsePacketSpec('icmp:3:3'), { protocol: 'icmp', icmp: { type: 3, code: 3 } });
  assert.deepEqual(parsePacketSpec('icmp,type=0'), { protocol: 'icmp', icmp: { type: 0, code: 0 } });
});

test('bad steps say what to write', () => {
  const bad: Array<[string[], RegExp]> = [
    [['tcp'], /a tcp packet needs a port: tcp:PORT/],
    [['tcp:70000'], /"70000" is not a port/],
    [['foo:1'], /unknown protocol "foo"/],
    [['tcp:22,colour=red'], /unknown modifier "colour"/],
    [['tcp:22,state=half'], /state must be one of new, established/],
    [['+2x', 'tcp:1'], /"2x" is not a duration/],
    [['tcp:1', '@0.5s', 'tcp:2', '@0.2s', 'tcp:3'], /earlier than the previous packet/],
  ];
  for (const [steps, re] of bad) assert.throws(() => parseSteps(steps, base), (e: unknown) => e instanceof SpecError && re.test(e.message), steps.join(' '));
});
