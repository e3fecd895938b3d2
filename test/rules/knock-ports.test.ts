// knock-sequential-ports and knock-weak-port, and the fresh-ports suggestion they share.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits } from '../../server/src/lint';
import { knockSequentialPorts } from '../../server/src/rules/knock-sequential-ports';
import { knockWeakPort } from '../../server/src/rules/knock-weak-port';
import { findingsOf, lintFor, ruleTester } from './tester';
import { ACCEPT, GUIDE_RULES, lineOf, S1, S2, S3, script, STYLES, WAN_DROP } from './fixtures';

const port = (rule: string, p: string) => rule.replace(/dst-port=\S+/, `dst-port=${p}`);

ruleTester(knockSequentialPorts, {
  valid: [
    knockSequentialPorts.examples.good,
    ...STYLES.map((s) => ({ name: `mixed order (${s})`, code: script([S1, S2, S3, ACCEPT, WAN_DROP], s) })),
    { name: 'two stages are never reported', code: script([S1, S3.replace('knock2', 'knock1'), ACCEPT, WAN_DROP], 'export') },
    { name: 'a stage with several ports', code: script([port(S1, '1000,3000'), port(S2, '5000'), port(S3, '6000'), ACCEPT, WAN_DROP], 'export') },
  ],
  invalid: [
    {
      name: 'meta example: ascending',
      code: knockSequentialPorts.examples.bad,
      errors: [{ line: 2, message: /7391, 8263, 9127 are strictly ascending/ }],
      safe: false,
    },
    ...STYLES.map((s) => ({
      name: `the guide's descending 888, 555, 222 (${s})`,
      code: script(GUIDE_RULES, s),
      errors: [{ line: lineOf(1, s), message: /strictly descending/ }],
    })),
    {
      name: 'a later set makes the ports ascending',
      code: script([S1, S2 + ' comment=k2', S3, ACCEPT, WAN_DROP], 'export') + 'set [find comment=k2] dst-port=8000\n',
      errors: [{ line: 2 }],
    },
  ],
});

ruleTester(knockWeakPort, {
  valid: [
    knockWeakPort.examples.good,
    ...STYLES.map((s) => ({ name: `unprivileged, unknown ports (${s})`, code: script([S1, S2, S3, ACCEPT, WAN_DROP], s) })),
  ],
  invalid: [
    {
      name: 'meta example: ssh as a knock port',
      code: knockWeakPort.examples.bad,
      errors: [{ line: 4, message: /22 is a privileged port \(ssh\)/ }],
      safe: false,
    },
    ...STYLES.map((s) => ({
      name: `the guide's ports are all below 1024 (${s})`,
      code: script(GUIDE_RULES, s),
      errors: [1, 2, 3].map((i) => ({ line: lineOf(i, s) })),
    })),
    {
      name: 'a well-known high port',
      code: script([S1, port(S2, '8080'), S3, ACCEPT, WAN_DROP], 'export'),
      errors: [{ line: 3, message: /8080 is a well-known service port/ }],
    },
    {
      name: 'a repeated port',
      code: script([S1, S2, port(S3, '7391'), ACCEPT, WAN_DROP], 'export'),
      errors: [{ line: 4, message: /7391 is already used by an earlier stage/ }],
    },
  ],
});

test('fresh ports are deterministic for a text and avoid well-known, blacklisted and used ports', () => {
  const code = script([
    'chain=input action=drop src-address-list=blacklist',
    port(S1, '22'), port(S2, '23'), port(S3, '24'), ACCEPT,
    'chain=input action=add-src-to-address-list address-list=blacklist dst-port=2000-30000 protocol=tcp disabled=yes',
    WAN_DROP,
  ], 'export');
  const a = findingsOf('knock-weak-port', code)[0].fixes![0];
  const b = findingsOf('knock-weak-port', code)[0].fixes![0];
  assert.deepEqual(a, b);
  const fixed = applyEdits(code, a.edits);
  const ports = [...fixed.matchAll(/address-list=(?:knock1|knock2|secured)\S* .*?dst-port=(\d+)/g)].map((m) => Number(m[1]));
  assert.equal(ports.length, 3);
  for (const p of ports) assert.ok(p > 30000 && p <= 49151, `port ${p} avoids the blacklist range`);
  assert.deepEqual(lintFor(fixed).filter((f) => /knock-(weak-port|sequential-ports|blacklist-catches-knock)/.test(f.rule)), []);
});
