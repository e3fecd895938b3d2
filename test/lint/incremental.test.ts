// The incremental lint (server/src/incrementalLint.ts) gives exactly the findings of a fresh lint after
// every edit: random edit sequences (fixed seed) on scripts made of the checks' own bad examples and the
// example files, with edits that change only blanks (where check results are reused) mixed with edits
// that change commands and comments.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { lint, type LintOptions } from '../../server/src/lint';
import { DocumentLinter } from '../../server/src/incrementalLint';
import { allChecks } from '../../server/src/rules';
import type { Finding } from '../../server/src/rules/types';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Everything a finding says, positions as line/column/offset. */
function plain(findings: Finding[]): string {
  const r = (x: { start: { line: number; column: number; offset: number }; end: { line: number; column: number; offset: number } }) => [
    x.start.line, x.start.column, x.start.offset, x.end.line, x.end.column, x.end.offset,
  ];
  return JSON.stringify(
    findings.map((f) => ({
      rule: f.rule,
      severity: f.severity,
      message: f.message,
      range: r(f.range),
      related: (f.related ?? []).map((x) => ({ message: x.message, range: r(x.range) })),
      fixes: f.fixes ?? [],
    })),
  );
}

function drive(linter: DocumentLinter, text: string, options: LintOptions): Finding[] {
  const steps = linter.steps(text, options);
  for (;;) {
    const s = steps.next();
    if (s.done) return s.value.findings;
  }
}

const BLANK_EDITS = [' ', '  ', '\t', ''];
const OTHER_EDITS = ['\n', 'x', '# note', '=', '"', '}', 'add chain=input action=accept\n', ' # rsc-lint disable=unused-variable\n'];
const edits = fc.array(
  fc.tuple(fc.nat(), fc.nat(2), fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...BLANK_EDITS) }, { weight: 1, arbitrary: fc.constantFrom(...OTHER_EDITS) })),
  { minLength: 1, maxLength: 6 },
);

/** Edits land on blanks mostly (a space deleted or added), sometimes anywhere. */
function apply(text: string, [at, del, ins]: [number, number, string]): string {
  let p = at % (text.length + 1);
  if (ins === '' || BLANK_EDITS.includes(ins)) {
    // move to the nearest blank so the edit keeps the commands as they are
    const q = text.indexOf(' ', p);
    if (q >= 0) p = q;
    return text.slice(0, p) + ins + text.slice(Math.min(text.length, p + (text[p] === ' ' && ins === '' ? Math.min(del, 1) : 0)));
  }
  return text.slice(0, p) + ins + text.slice(Math.min(text.length, p + del));
}

const scripts = [
  ...allChecks.map((c) => c.examples.bad),
  ...readdirSync(join(repoRoot, 'examples'))
    .filter((f) => f.endsWith('.rsc'))
    .map((f) => readFileSync(join(repoRoot, 'examples', f), 'utf8')),
];
// a few bad examples together: several checks with findings in one file
const combined = fc.array(fc.constantFrom(...scripts), { minLength: 1, maxLength: 3 }).map((a) => a.join('\n'));

test('incremental lint equals a fresh lint after random edits', () => {
  let reused = 0;
  const options: LintOptions = { env: { targetVersion: '7.22' } };
  fc.assert(
    fc.property(combined, edits, (base, list) => {
      const linter = new DocumentLinter();
      let text = base;
      assert.equal(plain(drive(linter, text, options)), plain(lint(text, options).findings));
      for (const e of list) {
        text = apply(text, e);
        const got = plain(drive(linter, text, options));
        const want = plain(lint(text, options).findings);
        if (got !== want) assert.fail(`after edit ${JSON.stringify(e)} of ${JSON.stringify(text)}:\nincremental ${got}\nfresh       ${want}`);
      }
      reused += linter.stats.reusedChecks;
    }),
    { numRuns: 40, seed: 4815 },
  );
  assert.ok(reused > 30, `check results reused only ${reused} times`);
});

test('a blank typed at the end of a firewall rule reuses the expensive checks and keeps the findings', () => {
  const text =
    '/ip firewall filter\nadd chain=input action=accept\nadd chain=input action=drop protocol=tcp dst-port=22\nadd chain=input action=drop\n:local unused 1\n';
  const linter = new DocumentLinter();
  const before = drive(linter, text, {});
  assert.ok(before.length > 0);
  const at = text.indexOf('dst-port=22') + 'dst-port=22'.length;
  const edited = text.slice(0, at) + ' ' + text.slice(at);
  const after = drive(linter, edited, {});
  assert.equal(plain(after), plain(lint(edited).findings));
  assert.ok(linter.stats.reusedChecks > 0, 'nothing reused');
  assert.deepEqual(linter.parseCounts, { full: 1, incremental: 1 });
});

test('an edit that changes a command runs the checks again', () => {
  const text = '/ip firewall filter\nadd chain=input action=accept\nadd chain=input action=drop protocol=tcp dst-port=22\n';
  const linter = new DocumentLinter();
  drive(linter, text, {});
  const edited = text.replace('dst-port=22', 'dst-port=2222');
  const after = drive(linter, edited, {});
  assert.equal(plain(after), plain(lint(edited).findings));
  assert.equal(linter.stats.reusedChecks, 0);
});
