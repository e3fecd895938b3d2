// The lint pipeline: text -> syntax tree -> firewall model -> knock sequences -> every check ->
// findings with severities applied, suppression comments honoured, sorted by position.
// Pure (no I/O, no LSP): the CLI (server/src/cli) and the language server both call `lint`.
//
// Robustness: the parser never throws; if the model or a check throws anyway (a bug), the lint still
// completes and reports an `internal-error` finding naming the failing stage, so bugs are visible
// instead of silently hiding findings.

import type { ParseResult, Range, Script } from './parser/ast';
import type { FirewallModel, KnockSequence } from './model/types';
import type { Check, CheckContext, Environment, Finding, Severity, SeveritySetting, Thresholds } from './rules/types';
import { parse as parseScript } from './parser';
import { buildModel, findKnockSequences } from './model';
import { allChecks } from './rules';
import { collectSuppressions, isSuppressed } from './suppression';

export { applyEdits, EditError } from './edits';
export { parseDirective, suppressionEdit } from './suppression';

export const DEFAULT_THRESHOLDS: Readonly<Thresholds> = Object.freeze({
  stageTimeoutMin: 5,
  stageTimeoutMax: 60,
  finalTimeoutMax: 86400,
});

/** Rule id of syntax errors. */
export const PARSE_ERROR = 'parse-error';
/** Rule id reported when the model or a check crashed (a bug in rsc-lint). */
export const INTERNAL_ERROR = 'internal-error';

export interface LintOptions {
  /** Per-rule severity overrides; `off` drops the rule's findings. Unknown ids are ignored here. */
  severities?: Record<string, SeveritySetting>;
  thresholds?: Partial<Thresholds>;
  /** The checks to run instead of `allChecks` (tests, embedders). */
  checks?: readonly Check[];
  /** Honour `# rsc-lint disable=` comments (default true). */
  suppressions?: boolean;
  /** Target RouterOS version, WAN/LAN assumptions, workspace globals. */
  env?: Environment;
}

export interface LintResult {
  parse: ParseResult;
  model: FirewallModel;
  knocks: KnockSequence[];
  findings: Finding[];
}

/** What the CLI and the editor need to know about a rule. */
export interface RuleInfo {
  id: string;
  defaultSeverity: Severity;
  description: string;
}

const BUILTIN_RULES: readonly RuleInfo[] = [
  {
    id: PARSE_ERROR,
    defaultSeverity: 'error',
    description: 'The text is not valid RouterOS script syntax; the parser recovered at the next command.',
  },
  {
    id: INTERNAL_ERROR,
    defaultSeverity: 'error',
    description: 'A part of rsc-lint failed on this file (a bug, please report it); the other checks still ran.',
  },
];

/** Every known rule: the built-in ones first, then the checks in registry order. */
export function ruleInfos(checks: readonly Check[] = allChecks): RuleInfo[] {
  const out: RuleInfo[] = [...BUILTIN_RULES];
  const seen = new Set(out.map((r) => r.id));
  for (const c of checks) {
    if (seen.has(c.id)) continue;
    seen.add(c.id);
    out.push({ id: c.id, defaultSeverity: c.defaultSeverity, description: c.description });
  }
  return out;
}

/** Every known rule id (including `parse-error` and `internal-error`). */
export function ruleIds(checks: readonly Check[] = allChecks): string[] {
  return ruleInfos(checks).map((r) => r.id);
}

const SEVERITY_SETTINGS: readonly SeveritySetting[] = ['off', 'hint', 'info', 'warning', 'error'];

export function isSeveritySetting(s: string): s is SeveritySetting {
  return (SEVERITY_SETTINGS as readonly string[]).includes(s);
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}

/**
 * Checks a rule id given by a user (CLI `--rule`, editor settings). Returns undefined when it is known,
 * otherwise a one-line message, with the closest known id as a suggestion when there is a close one.
 */
export function validateRuleId(id: string, checks: readonly Check[] = allChecks): string | undefined {
  const ids = ruleIds(checks);
  if (ids.includes(id)) return undefined;
  let best: string | undefined;
  let bestD = Number.POSITIVE_INFINITY;
  for (const known of ids) {
    const d = editDistance(id.toLowerCase(), known);
    if (d < bestD) {
      bestD = d;
      best = known;
    }
  }
  const close = best !== undefined && (bestD <= 3 || (bestD <= Math.floor(best.length / 3) && bestD < id.length));
  return close ? `unknown rule id "${id}" (did you mean "${best}"?)` : `unknown rule id "${id}"`;
}

function emptyModel(): FirewallModel {
  return { tables: new Map(), addressLists: new Map(), interfaceLists: new Map(), layer7: new Map(), unresolved: [] };
}

const ORIGIN: Range = { start: { line: 0, column: 0, offset: 0 }, end: { line: 0, column: 0, offset: 0 } };

function emptyParse(): ParseResult {
  const script: Script = { kind: 'script', statements: [], comments: [], range: ORIGIN };
  return { script, errors: [] };
}

function errorText(e: unknown): string {
  if (e instanceof Error) return e.message || e.name;
  return String(e);
}

function internalError(where: string, e: unknown): Finding {
  return {
    rule: INTERNAL_ERROR,
    severity: 'error',
    message: `internal error in ${where}: ${errorText(e)} (this is a bug in rsc-lint; the other checks still ran)`,
    range: ORIGIN,
  };
}

/** Lints one file's text. Never throws. */
export function lint(text: string, options: LintOptions = {}): LintResult {
  const steps = lintSteps(text, options);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * `lint` in steps: the generator stops after the parse, the model, the knock recognition and each
 * check, so a caller can do other work in between (the language server answers requests there) or
 * drop a lint nobody waits for any more. Driving it to the end gives exactly `lint`'s result.
 */
export function* lintSteps(text: string, options: LintOptions = {}): Generator<void, LintResult, void> {
  const checks = options.checks ?? allChecks;
  const thresholds: Thresholds = { ...DEFAULT_THRESHOLDS, ...definedOnly(options.thresholds) };
  const raw: Finding[] = [];

  let parse: ParseResult;
  try {
    parse = parseScript(text);
  } catch (e) {
    parse = emptyParse();
    raw.push(internalError('the parser', e));
  }
  for (const err of parse.errors) {
    raw.push({ rule: PARSE_ERROR, severity: 'error', message: err.message, range: err.range });
  }
  yield;

  let model: FirewallModel;
  try {
    model = buildModel(parse, text);
  } catch (e) {
    model = emptyModel();
    raw.push(internalError('the firewall model', e));
  }
  yield;
  let knocks: KnockSequence[];
  try {
    knocks = findKnockSequences(model);
  } catch (e) {
    knocks = [];
    raw.push(internalError('knock sequence detection', e));
  }

  const ctx: CheckContext = { text, parse, model, knocks, thresholds, env: options.env ?? {} };
  const defaults = new Map<string, Severity>();
  for (const r of BUILTIN_RULES) defaults.set(r.id, r.defaultSeverity);
  for (const c of checks) if (!defaults.has(c.id)) defaults.set(c.id, c.defaultSeverity);

  for (const check of checks) {
    // A check switched off entirely need not run (its findings would all be dropped).
    if (options.severities?.[check.id] === 'off') continue;
    yield;
    let found: ReturnType<Check['run']>;
    try {
      found = check.run(ctx);
    } catch (e) {
      raw.push(internalError(`check ${check.id}`, e));
      continue;
    }
    if (!Array.isArray(found)) {
      raw.push(internalError(`check ${check.id}`, new Error('run() did not return an array')));
      continue;
    }
    for (const f of found) {
      if (!f || !f.range || !f.range.start || !f.range.end) {
        raw.push(internalError(`check ${check.id}`, new Error('a finding without a range')));
        continue;
      }
      const rule = f.rule || check.id;
      const severity = f.severity ?? defaults.get(rule) ?? check.defaultSeverity;
      raw.push({ ...f, rule, severity });
    }
  }

  const suppressions = options.suppressions === false ? undefined : safeSuppressions(parse, raw);
  const findings: Finding[] = [];
  for (const f of raw) {
    const setting = options.severities?.[f.rule];
    if (setting === 'off') continue;
    if (suppressions && isSuppressed(suppressions, f.rule, f.range.start.offset)) continue;
    findings.push(setting ? { ...f, severity: setting } : f);
  }
  sortFindings(findings);
  return { parse, model, knocks, findings: dedupe(findings) };
}

function safeSuppressions(parse: ParseResult, raw: Finding[]) {
  try {
    return collectSuppressions(parse);
  } catch (e) {
    raw.push(internalError('suppression comments', e));
    return undefined;
  }
}

function definedOnly<T extends object>(o: Partial<T> | undefined): Partial<T> {
  const out: Partial<T> = {};
  if (!o) return out;
  for (const [k, v] of Object.entries(o)) {
    if (typeof v === 'number' && Number.isFinite(v)) (out as Record<string, unknown>)[k] = v;
  }
  return out;
}

/** Drops exact repeats (same rule, range and message) from sorted findings: one problem, one line. */
function dedupe(sorted: Finding[]): Finding[] {
  const out: Finding[] = [];
  for (const f of sorted) {
    const prev = out[out.length - 1];
    if (
      prev &&
      prev.rule === f.rule &&
      prev.message === f.message &&
      prev.range.start.offset === f.range.start.offset &&
      prev.range.end.offset === f.range.end.offset
    ) {
      continue;
    }
    out.push(f);
  }
  return out;
}

/** Sorts in place by start position, then end, then rule id, then message (stable output for CI). */
export function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort(
    (a, b) =>
      a.range.start.offset - b.range.start.offset ||
      a.range.end.offset - b.range.end.offset ||
      (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0) ||
      (a.message < b.message ? -1 : a.message > b.message ? 1 : 0),
  );
}
