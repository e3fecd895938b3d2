// Assertions over real scripts (../shared/corpus; skips without it) and the documented examples:
// never a throw, "fails" always with a packet the simulator decides the way the sets say, a knock
// assertion on every file with a knock. The docs' example config is a valid config.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { lint } from '../../server/src/lint';
import { evaluateAssertion } from '../../server/src/assert/evaluate';
import type { AssertionConfig } from '../../server/src/assert/spec';
import { parseConfig } from '../../server/src/lintConfig';

const root = path.join(__dirname, '..', '..');
const corpus = path.join(root, '..', 'shared', 'corpus', 'files');

test('docs/assertions.md: its example .rsc-lint.json is a valid config with the issue\'s four examples', () => {
  const doc = fs.readFileSync(path.join(root, 'docs', 'assertions.md'), 'utf8');
  const m = /```json\n(\{\n {2}"\$schema"[\s\S]*?\n\})\n```/.exec(doc);
  assert.ok(m, 'docs/assertions.md shows an example .rsc-lint.json');
  const c = parseConfig(m[1], 'docs example');
  assert.deepEqual(c.assertions!.map((a) => a.expect), ['never-accepted', 'all-accepted', 'knock-grants', 'never-accepted']);
});

const ASSERTIONS: AssertionConfig[] = [
  { name: 'mgmt', packets: 'chain=input in-interface-list=WAN protocol=tcp dst-port=22,8291,8728 src-address-list=!secured connection-state=new', expect: 'never-accepted' },
  { name: 'dns', packets: ['chain=input in-interface-list=LAN protocol=udp dst-port=53', 'chain=input in-interface-list=LAN protocol=tcp dst-port=53'], expect: 'all-accepted' },
  { name: 'fwd', packets: 'chain=forward in-interface-list=WAN connection-state=new', except: 'protocol=tcp dst-port=443 dst-address=192.168.88.10', expect: 'never-accepted' },
  { name: 'knock', expect: 'knock-grants', grants: 'protocol=tcp dst-port=22', within: '30s' },
];

test('corpus: every failure has a replayed counterexample that agrees with the sets', { skip: !fs.existsSync(corpus) && 'no ../shared/corpus' }, () => {
  const files = fs.readdirSync(corpus).filter((f) => f.endsWith('.rsc')).sort();
  const counts: Record<string, number> = {};
  // every second file: the whole corpus takes a minute on this machine
  for (const f of files.filter((_f, i) => i % 2 === 0)) {
    const text = fs.readFileSync(path.join(corpus, f), 'utf8');
    const r = lint(text, { checks: [] });
    const input = { script: r.parse.script, model: r.model, knocks: r.knocks };
    for (const a of ASSERTIONS) {
      const res = evaluateAssertion(input, a);
      counts[`${a.name} ${res.status}`] = (counts[`${a.name} ${res.status}`] ?? 0) + 1;
      if (a.expect === 'knock-grants' || res.status === 'holds') continue;
      const c = res.counterexample;
      if (res.status === 'fails') {
        assert.ok(c && c.certain, `${f} ${a.name}: a failure without a replayed packet: ${res.message}`);
        assert.equal(res.reasons.length, 0);
      }
      if (c) {
        assert.equal(c.trace.verdict === 'accept', a.expect === 'never-accepted', `${f} ${a.name}: ${res.message}`);
        assert.equal(c.trace.verdictRule, c.rule);
      }
    }
  }
  // the corpus is mostly snippets and open routers: many failures, some proofs, some "cannot prove"
  for (const k of ['mgmt holds', 'mgmt fails', 'mgmt unknown', 'dns holds', 'fwd fails', 'knock fails']) assert.ok((counts[k] ?? 0) > 0, `${k}: ${JSON.stringify(counts)}`);
});
