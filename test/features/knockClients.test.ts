import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KnockSequence, KnockStage, Layer7Protocol, Rule } from '../../server/src/model/types';
import {
  describeKnockSequence,
  describeKnockStage,
  formatTimeout,
  knockClientCommands,
  layer7Literal,
} from '../../server/src/features/knockClients';

type StageSpec = Omit<KnockStage, 'rule' | 'index' | 'link' | 'trigger' | 'attached'>;

function seq(specs: StageSpec[], finalList = 'secured'): KnockSequence {
  const stages: KnockStage[] = specs.map((s, index) => ({
    ...s,
    index,
    rule: {} as Rule,
    link: index === 0 ? 'first' : 'ok',
    trigger: s.ports ? 'port' : 'size',
    attached: false,
  }));
  return {
    family: 'ip',
    table: 'filter',
    chain: 'input',
    stages,
    finalList,
    accepts: [],
    chains: ['input'],
    disabledAccepts: [],
    otherGrants: [],
    finalUsedOutsideFirewall: false,
    refreshers: [],
    brokenLinks: [],
    orphanStages: [],
    complete: true,
  };
}

const guide = seq([
  { protocol: 'tcp', ports: [[7342, 7342]], list: 'knock1', timeout: 30 },
  { protocol: 'tcp', ports: [[4519, 4519]], list: 'knock2', timeout: 30, requires: 'knock1' },
  { protocol: 'tcp', ports: [[9121, 9121]], list: 'secured', timeout: 1800, requires: 'knock2' },
]);

test('summary of a three-stage TCP sequence', () => {
  assert.equal(describeKnockSequence(guide), 'tcp 7342 -> 4519 -> 9121, 30 s per step, grants `secured` for 30 m');
  assert.equal(
    describeKnockStage(guide, guide.stages[1]),
    'stage 2 of 3: tcp 7342 -> 4519 -> 9121, 30 s per step, grants `secured` for 30 m',
  );
});

test('client commands probe one port at a time, in order', () => {
  const [bash, ps, knock] = knockClientCommands(guide, { host: '203.0.113.7' });
  assert.equal(
    bash.command,
    'nmap -Pn -p 7342 --max-retries 0 203.0.113.7; nmap -Pn -p 4519 --max-retries 0 203.0.113.7; nmap -Pn -p 9121 --max-retries 0 203.0.113.7',
  );
  assert.deepEqual(bash.notes, []);
  assert.equal(
    ps.command,
    [7342, 4519, 9121]
      .map((p) => `Test-NetConnection 203.0.113.7 -Port ${p} -InformationLevel Quiet -WarningAction SilentlyContinue | Out-Null`)
      .join('; '),
  );
  assert.equal(knock.command, 'knock 203.0.113.7 7342 4519 9121');
});

test('UDP stages: knock -u, PowerShell UdpClient, nmap -sU with sudo', () => {
  const udp = seq([
    { protocol: 'udp', ports: [[5000, 5000]], list: 'k1', timeout: 10 },
    { protocol: 'udp', ports: [[6000, 6010]], list: 'ok', timeout: 3600, requires: 'k1' },
  ], 'ok');
  assert.equal(describeKnockSequence(udp), 'udp 5000 -> 6000-6010, 10 s per step, grants `ok` for 1 h');
  const [bash, ps, knock] = knockClientCommands(udp);
  assert.equal(bash.command, 'sudo nmap -Pn -sU -p 5000 --max-retries 0 HOST; sudo nmap -Pn -sU -p 6000 --max-retries 0 HOST');
  assert.deepEqual(bash.notes, ['nmap UDP probes need root (sudo)']);
  assert.match(ps.command, /^\$u=New-Object Net\.Sockets\.UdpClient; \$b=\[byte\[\]\]::new\(1\); \[void\]\$u\.Send\(\$b,\$b\.Length,'HOST',5000\); \$u\.Close\(\)/);
  assert.equal(knock.command, 'knock -u HOST 5000 6000');
});

test('mixed protocols and a layer7 passphrase', () => {
  const l7 = new Map<string, Layer7Protocol>([['pass', { name: 'pass', regexp: '^passphrase$', command: {} as never }]]);
  const mixed = seq([
    { protocol: 'udp', ports: [[888, 888]], list: 'knock1', timeout: 30, layer7: 'pass' },
    { protocol: 'tcp', ports: [[555, 555]], list: 'secured', timeout: 'none-dynamic', requires: 'knock1' },
  ]);
  assert.equal(describeKnockSequence(mixed), 'udp 888 (layer7 pass) -> tcp 555, 30 s per step, grants `secured` for no timeout');
  const [bash, ps, knock] = knockClientCommands(mixed, { layer7: l7 });
  assert.equal(bash.command, "printf %s 'passphrase' | nc -u -w 1 HOST 888; nmap -Pn -p 555 --max-retries 0 HOST");
  assert.match(ps.command, /GetBytes\('passphrase'\)/);
  assert.equal(knock.command, 'knock HOST 888:udp 555:tcp');
  assert.deepEqual(knock.notes, ['stage 1 needs a layer7 passphrase: knock cannot send it']);
});

test('short steps warn about Test-NetConnection', () => {
  const fast = seq([
    { protocol: 'tcp', ports: [[1111, 1111]], list: 'a', timeout: 10 },
    { protocol: 'tcp', ports: [[2222, 2222]], list: 'secured', timeout: 60, requires: 'a' },
  ]);
  assert.equal(knockClientCommands(fast)[1].notes.length, 1);
});

test('durations and layer7 literals', () => {
  assert.equal(formatTimeout(5400), '1 h 30 m');
  assert.equal(formatTimeout(86400 * 2), '2 d');
  assert.equal(formatTimeout({ unknown: true, raw: '$t' }), '$t');
  assert.equal(layer7Literal('^passphrase$'), 'passphrase');
  assert.equal(layer7Literal('^pass\\.word$'), 'pass.word');
  assert.equal(layer7Literal('^pa.*ss$'), undefined);
});
