// Hostile sizes (issue 15, part 6): deep nesting parses (or stops with an error where it gives up),
// huge strings and variable names lex, huge tables do not overflow the stack.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse, type Command, type Statement } from '../../server/src/parser';
import { DEFER_DEPTH, RscParser } from '../../server/src/parser/parser';
import { allRules } from '../../server/src/rules/util/rules';
import type { FirewallModel, Rule } from '../../server/src/model/types';

function nestedIfs(n: number, inner = ':put x\n'): string {
  return ':if (true) do={\n'.repeat(n) + inner + '}\n'.repeat(n);
}

/** Follows `do={...}` bodies down from the first statement; returns the depth and the innermost statement. */
function descend(stmts: Statement[]): { depth: number; inner: Statement | undefined } {
  let depth = 0;
  let s: Statement | undefined = stmts[0];
  for (;;) {
    const c = s as Command | undefined;
    if (!c || c.kind !== 'command' || c.verb?.text !== ':if') return { depth, inner: s };
    depth++;
    const body = c.args.find((a) => a.name?.text === 'do')?.value;
    assert.ok(body && body.kind === 'code', `level ${depth} has a do={ } body`);
    assert.ok(body.closed, `level ${depth} is closed`);
    s = body.statements[0];
  }
}

// (10,000 levels: bench/parser.ts; here fewer, the suite runs on a shared machine)
test('3,000 nested :if ... do={ } parse without errors, every level in the tree', () => {
  const text = nestedIfs(3_000);
  const r = parse(text);
  assert.deepEqual(r.errors, []);
  const { depth, inner } = descend(r.script.statements);
  assert.equal(depth, 3_000);
  const put = inner as Command;
  assert.equal(put.verb?.text, ':put');
  assert.equal(put.range.start.offset, text.indexOf(':put'));
  assert.equal(put.range.start.line, 3_000);
});

test('bodies set aside at depth are the same as parsed in place: ranges, errors and the statements after them', () => {
  // deep enough that the inner bodies are set aside several times (DEFER_DEPTH is a rule depth)
  const n = Math.ceil(DEFER_DEPTH / 2);
  const inner = ':put x\n:local a [/ip address get 0 address]\n:put )\n';
  const text = nestedIfs(n, inner) + ':put after\n';
  // count the bodies set aside (the test is only worth something if there are some)
  const proto = RscParser.prototype as unknown as { deferBody: (k: 1 | 2) => unknown };
  const orig = proto.deferBody;
  let deferred = 0;
  proto.deferBody = function (this: unknown, k: 1 | 2) {
    const d = orig.call(this, k);
    if (d) deferred++;
    return d;
  };
  let r;
  try {
    r = parse(text);
  } finally {
    proto.deferBody = orig;
  }
  assert.ok(deferred >= 2, `${deferred} bodies set aside`);
  const { depth, inner: first } = descend(r.script.statements);
  assert.equal(depth, n);
  assert.equal((first as Command).range.start.offset, text.indexOf(':put x'));
  // the stray ')' deep inside is reported exactly there, once
  assert.equal(r.errors.length, 1);
  assert.equal(r.errors[0].range.start.offset, text.indexOf(':put )') + 5);
  assert.equal(r.script.statements.length, 2);
  assert.equal((r.script.statements[1] as Command).range.start.offset, text.indexOf(':put after'));
  // the innermost block's statements: three commands, the substitution parsed
  const lastIf = (() => {
    let s = r.script.statements[0] as Command;
    for (let i = 1; i < n; i++) s = (s.args.find((a) => a.name?.text === 'do')!.value as { statements: Statement[] }).statements[0] as Command;
    return s;
  })();
  const body = lastIf.args.find((a) => a.name?.text === 'do')!.value as { statements: Statement[] };
  assert.equal(body.statements.length, 3);
  const local = body.statements[1] as Command;
  const sub = local.args[local.args.length - 1].value;
  assert.equal(sub?.kind, 'substitution');
  assert.equal(sub?.range.start.offset, text.indexOf('[/ip address'));
});

test('5,000 nested { } blocks parse without errors', () => {
  const n = 5_000;
  const r = parse('{\n'.repeat(n) + ':put x\n' + '}\n'.repeat(n));
  assert.deepEqual(r.errors, []);
  let depth = 0;
  let s: Statement | undefined = r.script.statements[0];
  while (s && s.kind === 'block') {
    depth++;
    s = s.statements[0];
  }
  assert.equal(depth, n);
});

test('nesting that cannot be set aside stops with one precise error where the parser gives up, never 1:1', () => {
  for (const [what, text] of [
    ['parentheses', ':put ' + '('.repeat(3000) + '1' + ')'.repeat(3000) + '\n'],
    ['arrays', ':global a ' + '{'.repeat(3000) + '1' + '}'.repeat(3000) + '\n'],
    ['unclosed blocks', ':if (true) do={\n'.repeat(3000)],
  ] as const) {
    const r = parse(text);
    assert.equal(r.errors.length, 1, what);
    const e = r.errors[0];
    assert.match(e.message, /^nesting too deep/, what);
    assert.ok(e.range.start.offset > 0, `${what}: at the opener where it gave up, not at 1:1`);
    assert.ok('({"'.includes(text[e.range.start.offset]), `${what}: the range is an opener`);
  }
});

test('a 8 MB $"..." variable name and a 8 MB string lex (no regex stack overflow)', () => {
  const name = 'a'.repeat(8_000_000);
  const r = parse(`:put $"${name}"\n:put "${name}"\n`);
  assert.deepEqual(r.errors, []);
  const [a, b] = r.script.statements as Command[];
  const v = a.args[0].value;
  assert.equal(v?.kind, 'variable');
  assert.equal(v?.kind === 'variable' && v.name.length, name.length);
  const s = b.args[0].value;
  assert.equal(s?.kind === 'string' && s.value.length, name.length);
});

test('allRules on a 200,000-rule table does not overflow the stack', () => {
  const rules = Array.from({ length: 200_000 }, (_, i) => ({ uid: i }) as unknown as Rule);
  const model = {
    tables: new Map([['ip filter', { family: 'ip', name: 'filter', rules }]]),
    addressLists: new Map(),
    interfaceLists: new Map(),
    layer7: new Map(),
    unresolved: [],
  } as unknown as FirewallModel;
  assert.equal(allRules(model).length, 200_000);
});
