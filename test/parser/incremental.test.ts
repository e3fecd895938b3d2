// The incremental parse (server/src/parser/incremental.ts) equals a whole-file parse after every edit:
// the same tree (values and positions), errors, embedded errors and comments. Random edit sequences
// (fixed seed) on test fixtures and on scripts built from constructs that span lines (`\` continuations,
// `{ }` blocks, strings over several lines, menu headers, CRLF line ends); the corpus part skips when
// ../shared/corpus is absent.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { parse } from '../../server/src/parser/index';
import { IncrementalParser } from '../../server/src/parser/incremental';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const corpus = join(repoRoot, '..', 'shared', 'corpus', 'files');

const PIECES = [
  '/ip firewall filter\n',
  'add chain=input action=drop src-address-list=!secured comment="x \\$y"\n',
  'add chain=forward action=accept connection-state=established,related \\\n    in-interface-list=LAN\n',
  ':if ($a->"x" = 10.0.0.0/8) do={\n  :put "a $[/system identity get name] b"\n} else={:local x {1;2;a=3}}\n',
  '/system script add name=s source=":put \\"hi\\"\\r\\\n    \\n:log info \\$x"\n',
  ':foreach k,v in=$arr do={ :put ($k . "=" . $v) }\n',
  '{\n  :local a 1\n  /ip address\n  add address=1.2.3.4/24 interface=ether1\n}\n',
  '# a comment\n',
  '/ip firewall address-list\nadd list=bad address=1.2.3.4\nadd list=bad address=5.6.7.8\n',
  ':put "two\nlines"\n',
  '/interface ethernet set [ find default-name=ether1 ] name=wan\n',
  ':global f do={ :return ($1 + 1) }; :put [$f 2]\n',
  'add chain=input \\\r\n  action=accept\r\n',
  '/ip service\nset telnet disabled=yes\n',
  '\n',
];

/** Small texts an edit inserts: tokens that open, close or continue things across lines. */
const INSERTS = ['', ' ', '\n', '\r\n', '\\\n', '"', '{', '}', '[', ']', '(', ')', '$(', '#', ';', '=', 'x', 'add chain=input', '/ip firewall nat\n', ':put "a\nb"', '\\', '$[', '}\n{'];

type Edit = [at: number, del: number, ins: string];

const edits = fc.array(
  fc.tuple(fc.nat(), fc.nat(12), fc.oneof(fc.constantFrom(...INSERTS), fc.string({ maxLength: 4 }))),
  { minLength: 1, maxLength: 10 },
);

function apply(text: string, [at, del, ins]: Edit): string {
  const p = at % (text.length + 1);
  return text.slice(0, p) + ins + text.slice(Math.min(text.length, p + del));
}

/** Everything a parse result says, positions included (nodes print through toJSON). */
function snapshot(r: ReturnType<typeof parse>): string {
  return JSON.stringify(r);
}

function runEdits(base: string, list: Edit[], inc = new IncrementalParser(base)): IncrementalParser {
  let text = base;
  for (const e of list) {
    text = apply(text, e);
    const got = snapshot(inc.update(text));
    const want = snapshot(parse(text));
    if (got !== want) {
      let i = 0;
      while (got[i] === want[i]) i++;
      assert.fail(
        `incremental parse differs from a full parse after edit ${JSON.stringify(e)} of ${JSON.stringify(text)}:\n` +
          `incremental: ...${got.slice(Math.max(0, i - 300), i + 200)}\nfull:        ...${want.slice(Math.max(0, i - 300), i + 200)}`,
      );
    }
  }
  return inc;
}

test('incremental parse equals a full parse: random edits on scripts built from multi-line constructs', () => {
  let spliced = 0;
  const script = fc.array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 14 }).map((a) => a.join(''));
  fc.assert(
    fc.property(script, edits, (base, list) => {
      spliced += runEdits(base, list).counts.incremental;
    }),
    { numRuns: 300, seed: 15 },
  );
  // the property is about the splice: most edits must actually take it
  assert.ok(spliced > 500, `only ${spliced} edits were spliced`);
});

test('incremental parse equals a full parse: random edits on the test fixtures', () => {
  const dirs = [join(repoRoot, 'test', 'golden'), join(repoRoot, 'examples')];
  const files = dirs.flatMap((d) => readdirSync(d).filter((f) => f.endsWith('.rsc')).map((f) => join(d, f)));
  assert.ok(files.length >= 5);
  const texts = files.map((f) => readFileSync(f, 'utf8'));
  fc.assert(
    fc.property(fc.constantFrom(...texts), edits, (base, list) => {
      runEdits(base, list);
    }),
    { numRuns: 150, seed: 1515 },
  );
});

test('an edit in the middle of a long file re-parses a few lines only', () => {
  const text = '/ip firewall address-list\n' + Array.from({ length: 2000 }, (_, i) => `add list=l address=10.0.${i >> 8}.${i & 255}\n`).join('');
  const inc = new IncrementalParser(text);
  const at = text.indexOf('address=10.0.3.232');
  const edited = text.slice(0, at) + ' ' + text.slice(at);
  inc.update(edited);
  assert.equal(inc.counts.incremental, 1);
  const s = inc.lastSplice!;
  assert.ok(s.oldTo - s.from < 200, `re-parsed ${s.oldTo - s.from} characters`);
  assert.equal(snapshot(inc.result), snapshot(parse(edited)));
});

test('an edit that opens a string or a block up to the end of the file is parsed as a whole file would', () => {
  const text = ':put 1\n:put 2\n:put 3\n:put 4\n';
  for (const ins of ['"', '{', '[', '\\']) {
    const inc = new IncrementalParser(text);
    const edited = text.replace(':put 2', `:put 2${ins}`);
    assert.equal(snapshot(inc.update(edited)), snapshot(parse(edited)), ins);
    // and closing it again
    assert.equal(snapshot(inc.update(text)), snapshot(parse(text)), ins);
  }
});

test('a menu header typed above relative commands: the tree is the same as a full parse', () => {
  const text = '/ip address\nadd address=1.1.1.1/32 interface=a\nadd address=2.2.2.2/32 interface=b\n';
  const inc = new IncrementalParser(text);
  const edited = text.replace('add address=2', '/ip route\nadd address=2');
  assert.equal(snapshot(inc.update(edited)), snapshot(parse(edited)));
});

test('incremental parse equals a full parse on corpus files', { skip: !existsSync(corpus) && `${corpus} not found` }, () => {
  const files = readdirSync(corpus).sort();
  // a spread of sizes, deterministic
  const picked = files.filter((_, i) => i % 20 === 0);
  const texts = picked.map((f) => readFileSync(join(corpus, f), 'utf8'));
  fc.assert(
    fc.property(fc.constantFrom(...texts), edits, (base, list) => {
      runEdits(base, list);
    }),
    { numRuns: 60, seed: 151515 },
  );
});
