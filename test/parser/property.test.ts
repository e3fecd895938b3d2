// Property tests: random and mutated input never makes the parser throw, every range lies inside the
// text and is ordered, and time grows linearly with input size.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parse, walkCommands, type ParseResult, type Range } from '../../server/src/parser/index';

const SNIPPETS = [
  '/ip firewall filter\nadd chain=input action=drop src-address-list=!secured comment="x \\$y"\n',
  ':if ($a->"x" = 10.0.0.0/8) do={ :put "a $[/system identity get name] b" } else={:local x {1;2;a=3}}\n',
  '/system script add name=s source=":put \\"hi\\"\\r\\\n    \\n:log info \\$x"\n',
  ':foreach k,v in=$arr do={ :put ($k . "=" . $v) }\n',
  ':do { :put 1 } on-error={ :put 2 }\n',
  '/interface ethernet set [ find default-name=ether1 ] name=wan\n',
  ':global f do={ :return ($1 + 1) }; :put [$f 2]\n',
];

function checkRanges(text: string, res: ParseResult): void {
  const n = text.length;
  const ok = (r: Range) => {
    assert.ok(r.start.offset >= 0 && r.end.offset <= n, `range ${r.start.offset}-${r.end.offset} outside 0-${n}`);
    assert.ok(r.start.offset <= r.end.offset, `range ${r.start.offset}-${r.end.offset} reversed`);
  };
  ok(res.script.range);
  for (const e of res.errors) ok(e.range);
  for (const e of res.embeddedErrors ?? []) ok(e.range);
  walkCommands(res.script, (cmd) => {
    ok(cmd.range);
    if (cmd.path) ok(cmd.path.range);
    if (cmd.verb) ok(cmd.verb.range);
    for (const a of cmd.args) {
      ok(a.range);
      if (a.value) ok(a.value.range);
    }
  });
}

const alphabet = fc.constantFrom(...'abc:/=!$"\\{}[]();#,.-+*<>~ \t\n\r09xyz@'.split(''));

test('random input: never throws, ranges inside the text', () => {
  fc.assert(
    fc.property(fc.array(alphabet, { maxLength: 200 }).map((a) => a.join('')), (text) => {
      checkRanges(text, parse(text));
    }),
    { numRuns: 400 },
  );
});

test('mutated real snippets: never throws, ranges inside the text', () => {
  const mutated = fc
    .tuple(fc.constantFrom(...SNIPPETS), fc.array(fc.tuple(fc.nat(), fc.nat(3), fc.string({ maxLength: 3 })), { maxLength: 6 }))
    .map(([s, edits]) => {
      let t = s;
      for (const [at, del, ins] of edits) {
        const p = at % (t.length + 1);
        t = t.slice(0, p) + ins + t.slice(p + del);
      }
      return t;
    });
  fc.assert(
    fc.property(mutated, (text) => {
      checkRanges(text, parse(text));
    }),
    { numRuns: 400 },
  );
});

test('time grows linearly: 8x the input takes well under 8x squared the time', () => {
  const unit = SNIPPETS.join('') + '{ :put 1\n';
  const time = (copies: number) => {
    const text = unit.repeat(copies);
    parse(text); // warm
    const t = process.hrtime.bigint();
    for (let i = 0; i < 3; i++) parse(text);
    return Number(process.hrtime.bigint() - t) / 3;
  };
  const small = time(40);
  const large = time(320);
  // linear would be ~8x; quadratic ~64x. A generous bound absorbs noise on a shared machine.
  assert.ok(large / small < 24, `8x input took ${(large / small).toFixed(1)}x the time`);
});
