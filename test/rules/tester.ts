// RuleTester for the checks (after ESLint's): `valid` snippets must not trigger the check, `invalid`
// ones must trigger it exactly at the listed places (1-based line and column, as the CLI prints).
// For every invalid case, EVERY fix the check offers is applied and the result re-linted: the fixed
// finding is gone (fewer findings of the check) and nothing new appears (no rule id gains findings).
// `output` pins the text after the first fix of the first finding.
// Each fix, and "fix all" (every safe fix, repeated until settled), must also keep every rule reachable
// that was reachable before, disabled rules counted as enabled (./reach.ts).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits, EXPLAINED_BY, lint, type LintOptions } from '../../server/src/lint';
import { fixAllText } from '../../server/src/features/codeActions';
import { newlyHidden } from './reach';
import type { Check, Environment, Finding, Severity, Thresholds } from '../../server/src/rules/types';

export interface ValidCase {
  name?: string;
  code: string;
  thresholds?: Partial<Thresholds>;
}

export interface ExpectedError {
  line: number;
  column?: number;
  /** Last line of the range (1-based), when the case wants to pin it. */
  endLine?: number;
  message?: RegExp;
  /** Line (1-based) of a related location the finding must carry. */
  relatedLine?: number;
  /** Severity when it is not the check's default (hedged findings are at most warnings). */
  severity?: Severity;
}

export interface InvalidCase extends ValidCase {
  errors: ExpectedError[];
  /** Text after applying the first fix of the first finding; null: the first finding has no fix. */
  output?: string | null;
  /** Which fix `output` applies, by title (default: the first). */
  fixTitle?: RegExp;
  /** Expected `safe` of the first finding's first fix. */
  safe?: boolean;
}

/** What the user sees: every check, simulator findings folded into the static ones they confirm. */
export function lintFor(code: string, thresholds?: Partial<Thresholds>, mergeEvidence = true, env?: Environment): Finding[] {
  const opts: LintOptions = { ...(thresholds ? { thresholds } : {}), mergeEvidence, ...(env ? { env } : {}) };
  return lint(code, opts).findings;
}

/** True for checks whose findings usually become evidence of another (see EXPLAINED_BY in lint.ts). */
function isEvidence(id: string): boolean {
  return EXPLAINED_BY[id] !== undefined;
}

/**
 * The findings of one check. For the simulator's checks, as the check reported them (before they are
 * folded into the static finding that explains them, which `lintFor` shows).
 */
export function findingsOf(check: Check | string, code: string, thresholds?: Partial<Thresholds>, env?: Environment): Finding[] {
  const id = typeof check === 'string' ? check : check.id;
  return lintFor(code, thresholds, !isEvidence(id), env).filter((f) => f.rule === id);
}

function counts(findings: readonly Finding[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const f of findings) m.set(f.rule, (m.get(f.rule) ?? 0) + 1);
  return m;
}

function show(findings: readonly Finding[]): string {
  return findings.map((f) => `  ${f.rule} ${f.range.start.line + 1}:${f.range.start.column + 1} ${f.message}`).join('\n');
}

/** Applies every fix of every finding of `id` in `code` and checks the re-lint (see the header). */
export function assertFixesClean(id: string, code: string, thresholds?: Partial<Thresholds>): number {
  // counted without folding evidence: a simulator finding that was evidence before the fix and stands
  // alone after it (a second problem behind the first) is not new
  const before = lintFor(code, thresholds, false);
  const beforeCounts = counts(before);
  let applied = 0;
  for (const f of before.filter((x) => x.rule === id)) {
    for (const fix of f.fixes ?? []) {
      const fixed = applyEdits(code, fix.edits);
      const after = lintFor(fixed, thresholds, false);
      const afterCounts = counts(after);
      const ctx = `fix "${fix.title}" for ${id} at line ${f.range.start.line + 1}\n--- fixed text ---\n${fixed}\n--- findings before ---\n${show(before)}\n--- after ---\n${show(after)}`;
      assert.ok((afterCounts.get(id) ?? 0) < (beforeCounts.get(id) ?? 0), `finding not gone after ${ctx}`);
      for (const [rule, n] of afterCounts) {
        assert.ok(n <= (beforeCounts.get(rule) ?? 0), `new ${rule} finding after ${ctx}`);
      }
      const lost = newlyHidden(code, fixed);
      assert.deepEqual(lost, [], `a rule reachable before (disabled ones counted as enabled) is hidden after ${ctx}`);
      applied++;
    }
  }
  return applied;
}

/**
 * "Fix all" (every safe fix, re-lint, repeat: what `source.fixAll.routeros` does) never leaves a rule
 * unreachable that was reachable before, disabled rules judged as if enabled. Returns the fixed text.
 */
export function assertFixAllKeepsReach(code: string, thresholds?: Partial<Thresholds>): string {
  const opts: LintOptions = thresholds ? { thresholds } : {};
  const fixed = fixAllText(code, lint(code, opts), opts).text;
  const lost = newlyHidden(code, fixed);
  assert.deepEqual(lost, [], `fix-all hides rules that were reachable:\n--- fixed text ---\n${fixed}`);
  return fixed;
}

export function ruleTester(check: Check, cases: { valid: Array<string | ValidCase>; invalid: InvalidCase[] }): void {
  cases.valid.forEach((c, i) => {
    const vc: ValidCase = typeof c === 'string' ? { code: c } : c;
    test(`${check.id} valid: ${vc.name ?? `#${i + 1}`}`, () => {
      const found = findingsOf(check, vc.code, vc.thresholds);
      assert.deepEqual(found, [], `expected no ${check.id} finding, got:\n${show(found)}`);
    });
  });
  cases.invalid.forEach((c, i) => {
    test(`${check.id} invalid: ${c.name ?? `#${i + 1}`}`, () => {
      const found = findingsOf(check, c.code, c.thresholds);
      // Compare line (and column where the case gives one), in position order.
      const got = found.map((f, k) => {
        const e = c.errors[k];
        return e?.column === undefined ? { line: f.range.start.line + 1 } : { line: f.range.start.line + 1, column: f.range.start.column + 1 };
      });
      const want = c.errors.map((e) => (e.column === undefined ? { line: e.line } : { line: e.line, column: e.column }));
      assert.deepEqual(got, want, `findings of ${check.id}:\n${show(found)}`);
      c.errors.forEach((e, k) => {
        const f = found[k];
        assert.equal(f.severity, e.severity ?? check.defaultSeverity);
        if (e.endLine !== undefined) assert.equal(f.range.end.line + 1, e.endLine, `end line of finding ${k + 1}`);
        if (e.message) assert.match(f.message, e.message);
        if (e.relatedLine !== undefined) {
          assert.ok(
            (f.related ?? []).some((r) => r.range.start.line + 1 === e.relatedLine),
            `finding ${k + 1} should relate line ${e.relatedLine}: ${JSON.stringify(f.related?.map((r) => r.range.start.line + 1))}`,
          );
        }
      });
      if (c.output !== undefined) {
        const first = found[0];
        const fix = c.fixTitle ? first?.fixes?.find((x) => c.fixTitle!.test(x.title)) : first?.fixes?.[0];
        if (c.output === null) {
          assert.equal(fix, undefined, `expected no fix, got "${fix?.title}"`);
        } else {
          assert.ok(fix, 'expected a fix on the first finding');
          if (c.safe !== undefined) assert.equal(fix.safe, c.safe, `safe flag of "${fix.title}"`);
          assert.equal(applyEdits(c.code, fix.edits), c.output);
        }
      }
      assertFixesClean(check.id, c.code, c.thresholds);
      assertFixAllKeepsReach(c.code, c.thresholds);
    });
  });
}
