// Robustness: ten thousand nested `:if ... do={ }` parse, and no walker over the tree overflows the stack
// (parser/visit.ts: the iterative walk and the one description of value kinds).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lint } from '../../server/src/lint';
import { walkCommands } from '../../server/src/parser/walk';
import { commandUses } from '../../server/src/rules/util/commands';
import { walkScript } from '../../server/src/schema/walk';
import { indexNames } from '../../server/src/features/navigation';
import { loadSchema } from '../../server/src/schema';

const DEPTH = 10_000;
const deep = (inner: string) => ':local a 1\n' + ':if ($a = 1) do={ '.repeat(DEPTH) + inner + ' }'.repeat(DEPTH) + '\n';

test('10,000 nested :if: every check runs (no internal-error), every command is walked', () => {
  const text = deep('/ip firewall filter add chain=input action=drop protocol=tcp dst-port=23');
  const r = lint(text);
  assert.equal(r.parse.errors.length, 0);
  assert.deepEqual(r.findings.filter((f) => f.rule === 'internal-error').map((f) => f.message), []);
  let n = 0;
  let deepest = 0;
  walkCommands(r.parse.script, (_c, ctx) => {
    n++;
    deepest = Math.max(deepest, ctx.depth);
  });
  assert.equal(n, 1 + DEPTH + 1); // :local, the :ifs, the rule
  assert.equal(deepest, DEPTH);
  // the rule at the bottom is seen with its menu, conditional
  const uses = commandUses(r.parse.script).uses;
  assert.deepEqual(uses.map((u) => `${u.menu.join(' ')} ${u.verb}`), ['ip firewall filter add']);
});

test('10,000 nested :if: the editor walks (names, menus) do not overflow either', () => {
  // (the parse of such a file is slow, seconds: one file for both the lint and the editor walks)
  const text = deep('/ip firewall filter add chain=input action=drop protocol=tcp dst-port=23 comment=$a');
  const parse = lint(text).parse;
  const schema = loadSchema('7.22');
  let commands = 0;
  walkScript(parse.script, schema, { command: () => commands++ });
  assert.ok(commands > 0);
  const idx = indexNames(parse, schema, text);
  assert.ok(idx.occurrences.some((o) => o.name === 'a'));
});

test('unknown-command and the variable checks still judge a deeply nested file they can follow', () => {
  const text = ':local a 1\n' + ':if ($a = 1) do={ '.repeat(50) + ':put $b' + ' }'.repeat(50) + '\n';
  const rules = lint(text).findings.map((f) => f.rule);
  assert.ok(rules.includes('undefined-variable'), rules.join(', '));
});
