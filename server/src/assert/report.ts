// Assertion results as text and as JSON (the shape of `rsc-lint assert --format json`, documented in
// docs/assertions.md; keys are a public interface). Pure.

import type { Rule } from '../model/types';
import { knockResultText, knockRunJson, ruleRef, traceJson, traceLines } from '../simulate/format';
import { describeRule } from '../simulate/knock';
import type { AssertionResult } from './evaluate';
import type { AssertionSpec } from './spec';

export interface FileResult {
  /** The script as given (display path). */
  file: string;
  /** The config file as displayed (relative to the working folder). */
  config?: string;
  results: Array<{ spec: AssertionSpec; result: AssertionResult }>;
}

const LABEL = { holds: 'holds ', fails: 'FAILS ', unknown: 'cannot prove' } as const;

function where(file: string, r: Rule): string {
  return `${file}:${r.source.range.start.line + 1}`;
}

/** Lines for one file's results. */
export function resultLines(fr: FileResult): string[] {
  const out: string[] = [fr.file];
  for (const { spec, result } of fr.results) {
    out.push(`  ${LABEL[result.status]}  ${spec.name}`);
    if (result.status === 'holds') continue;
    const pad = '        ';
    out.push(`${pad}${result.message}`);
    for (const r of result.reasons.slice(result.message.includes(result.reasons[0] ?? '\u0000') ? 1 : 0)) out.push(`${pad}note: ${r}`);
    if (result.at) out.push(`${pad}decided at ${where(fr.file, result.at)}: ${describeRule(result.at)}`);
    const c = result.counterexample;
    if (c) {
      out.push(`${pad}counterexample${c.certain ? '' : ' (may)'}:`);
      for (const l of c.lists) out.push(`${pad}  ${l.address} is in address list ${l.list} before the packet`);
      for (const a of c.assumed) out.push(`${pad}  assumed: ${a}`);
      for (const l of traceLines(c.trace, fr.file)) out.push(`${pad}  ${l}`);
    } else if (result.failing) out.push(`${pad}failing packets: ${result.failing}`);
    if (result.others.length > 0) out.push(`${pad}also: ${result.others.slice(0, 8).map((r) => where(fr.file, r)).join(', ')}${result.others.length > 8 ? ', ...' : ''}`);
    const k = result.knock?.runs[0];
    if (k && !k.run.access) {
      out.push(`${pad}knock from ${k.run.plan.source}, gaps ${k.gaps.map((g) => `${Math.round(g * 1000) / 1000}s`).join(' ')}:`);
      for (const tr of k.run.traces) for (const l of traceLines(tr, fr.file)) out.push(`${pad}  ${l}`);
      out.push(`${pad}  ${knockResultText(k.run)}`);
    }
    if (fr.config && spec.range) out.push(`${pad}assertion: ${fr.config}:${spec.range.start.line + 1}`);
  }
  return out;
}

export function summaryLine(all: readonly FileResult[]): string {
  let holds = 0;
  let fails = 0;
  let unknown = 0;
  for (const f of all) for (const { result } of f.results) {
    if (result.status === 'holds') holds++;
    else if (result.status === 'fails') fails++;
    else unknown++;
  }
  const n = holds + fails + unknown;
  return `${n} assertion check${n === 1 ? '' : 's'}: ${holds} hold${holds === 1 ? 's' : ''}, ${fails} fail${fails === 1 ? 's' : ''}, ${unknown} cannot be proven`;
}

/** The JSON value of a run (see docs/assertions.md). */
export function resultsJson(all: readonly FileResult[]): object {
  const results: object[] = [];
  const summary = { holds: 0, fails: 0, unknown: 0 };
  for (const f of all) {
    for (const { spec, result } of f.results) {
      summary[result.status]++;
      const c = result.counterexample;
      results.push({
        file: f.file,
        assertion: spec.name,
        expect: spec.expect,
        config: f.config && spec.range ? { file: f.config, line: spec.range.start.line + 1, column: spec.range.start.column + 1 } : null,
        status: result.status,
        message: result.message,
        reasons: result.reasons,
        rule: result.at ? ruleRef(result.at) : null,
        others: result.others.map(ruleRef),
        failing: result.failing ?? null,
        counterexample: c
          ? { certain: c.certain, packet: c.packet, lists: c.lists, assumed: c.assumed, verdict: c.trace.verdict, rule: c.rule ? ruleRef(c.rule) : null, trace: traceJson(c.trace) }
          : null,
        knock: result.knock
          ? { granted: result.knock.granted, runs: result.knock.runs.map((r) => ({ port: r.port, gaps: r.gaps, ...knockRunJson(r.run) })) }
          : null,
      });
    }
  }
  return { results, summary };
}
