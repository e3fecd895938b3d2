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
import { editDistance } from './editDistance';

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
  /**
   * Fold each knock-sim-* finding into the static finding that explains it (default true; see
   * EXPLAINED_BY). False: every check's findings as it reported them (tests, embedders).
   */
  mergeEvidence?: boolean;
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
 * How an incremental caller (incrementalLint.ts, the language server) plugs into `lintSteps`. Without
 * hooks the lint is the plain whole-file one.
 */
export interface LintHooks {
  /** Parses the text (default: a whole-file parse). */
  parse?: (text: string) => ParseResult;
  /** Findings to use for `check` instead of running it; undefined runs it. */
  reuse?: (check: Check, ctx: CheckContext) => ReturnType<Check['run']> | undefined;
  /** Each check's findings as it reported them (run or reused), before severities and suppressions. */
  ran?: (check: Check, found: ReturnType<Check['run']>) => void;
}

/**
 * `lint` in steps: the generator stops after the parse, the model, the knock recognition and each
 * check, so a caller can do other work in between (the language server answers requests there) or
 * drop a lint nobody waits for any more. Driving it to the end gives exactly `lint`'s result.
 */
export function* lintSteps(text: string, options: LintOptions = {}, hooks: LintHooks = {}): Generator<void, LintResult, void> {
  const checks = options.checks ?? allChecks;
  const thresholds: Thresholds = { ...DEFAULT_THRESHOLDS, ...definedOnly(options.thresholds) };
  const raw: Finding[] = [];

  let parse: ParseResult;
  try {
    parse = hooks.parse ? hooks.parse(text) : parseScript(text);
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
      found = hooks.reuse?.(check, ctx) ?? check.run(ctx);
    } catch (e) {
      raw.push(internalError(`check ${check.id}`, e));
      continue;
    }
    if (!Array.isArray(found)) {
      raw.push(internalError(`check ${check.id}`, new Error('run() did not return an array')));
      continue;
    }
    hooks.ran?.(check, found);
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
  let merged: Finding[];
  try {
    merged = hedgeUncertain(options.mergeEvidence === false ? findings : mergeEvidence(findings, knocks), model);
  } catch (e) {
    merged = [...findings, internalError('merging findings', e)];
  }
  sortFindings(merged);
  return { parse, model, knocks, findings: dedupe(merged) };
}

// ---------------------------------------------------------------------------------------------
// One problem, one diagnostic: the simulator's findings as evidence of the static ones

/**
 * The static checks whose finding explains a simulator finding: when one of them reports the same
 * knock, the simulated run is attached to it (related information) instead of being a second
 * diagnostic. Public ids on both sides; the simulator's id is reported alone only when nothing
 * static explains it.
 */
export const EXPLAINED_BY: Readonly<Record<string, readonly string[]>> = {
  'knock-sim-fails': [
    'knock-shadowed',
    'knock-no-access',
    'knock-broken-chain',
    'knock-layer7-tcp',
    'knock-timeout-short',
    'knock-no-interface',
  ],
  'knock-sim-blacklist-blocks': ['knock-blacklist-catches-knock', 'knock-blacklist-order'],
  'knock-sim-slow-grants': ['knock-timeout-missing', 'knock-timeout-long', 'knock-missing-chain'],
  'knock-sim-scan-completes': ['knock-sequential-ports', 'knock-missing-chain', 'knock-broken-chain'],
  // Consequences of one rule: an accept-all that exposes a service also hides the knock behind it and the
  // drop below it. The finding ON that rule (the cause) carries the others as related information.
  'knock-shadowed': ['knock-exposed-service', 'service-exposed'],
  'rule-unreachable': ['knock-exposed-service', 'service-exposed'],
};

/**
 * Consequences folded into the finding on their cause (second pass of mergeEvidence, after the
 * simulator's findings were folded): each names the one rule that causes it, and a finding of an
 * explaining check must sit exactly on that rule. A rule hidden by several rules together has no single
 * cause and stays a finding of its own.
 */
const CAUSE_OF: Readonly<Record<string, (f: Finding) => Range | undefined>> = {
  'knock-shadowed': (f) => f.related?.find((r) => r.cause)?.range,
  'rule-unreachable': (f) => f.related?.find((r) => r.cause)?.range,
};
/**
 * Pairs where a static finding anywhere on the same knock explains the simulator's (a scan completes
 * because a stage does not require the previous list). Every other pair needs the same rule or a
 * shared related location: a short timeout on stage 1 does not explain a drop that stops stage 2.
 */
const SAME_KNOCK_EXPLAINS = new Set([
  'knock-sim-scan-completes knock-sequential-ports',
  'knock-sim-scan-completes knock-missing-chain',
  'knock-sim-scan-completes knock-broken-chain',
  'knock-sim-slow-grants knock-missing-chain',
]);

const rangeKey = (r: Range): string => `${r.start.offset}:${r.end.offset}`;

/** Ranges of the rules of each knock sequence (stages, accepts, grants, refreshers). */
function knockRuleRanges(knocks: readonly KnockSequence[]): Array<Set<string>> {
  return knocks.map((k) => {
    const s = new Set<string>();
    for (const r of [...k.stages.map((x) => x.rule), ...k.accepts, ...k.disabledAccepts, ...k.otherGrants, ...k.refreshers]) {
      s.add(rangeKey(r.source.range));
    }
    return s;
  });
}

/**
 * Folds each knock-sim-* finding into the static finding that explains it (see EXPLAINED_BY): that
 * finding gains "simulated: ..." and the simulator's related locations it lacks. How well a static
 * finding explains one: same range (3), a shared related location (2), a rule of the same knock (1).
 */
function mergeEvidence(findings: Finding[], knocks: readonly KnockSequence[]): Finding[] {
  const sims = findings.filter((f) => EXPLAINED_BY[f.rule] !== undefined && CAUSE_OF[f.rule] === undefined);
  if (sims.length === 0) return foldIntoCause(findings);
  const seqRanges = knockRuleRanges(knocks);
  const replaced = new Map<Finding, Finding>();
  const dropped = new Set<Finding>();
  for (const sim of sims) {
    const explainers = EXPLAINED_BY[sim.rule];
    const simRanges = new Set([rangeKey(sim.range), ...(sim.related ?? []).map((r) => rangeKey(r.range))]);
    const simSeqs = seqRanges.filter((s) => s.has(rangeKey(sim.range)) || (sim.related ?? []).some((r) => s.has(rangeKey(r.range))));
    let best: Finding | undefined;
    let bestScore = 0;
    for (const f of findings) {
      const rank = explainers.indexOf(f.rule);
      if (rank < 0 || (f.severity !== 'error' && f.severity !== 'warning')) continue;
      let score = 0;
      if (rangeKey(f.range) === rangeKey(sim.range)) score = 3;
      else if ((f.related ?? []).some((r) => simRanges.has(rangeKey(r.range)))) score = 2;
      else if (
        SAME_KNOCK_EXPLAINS.has(`${sim.rule} ${f.rule}`) &&
        simSeqs.some((s) => s.has(rangeKey(f.range)) || (f.related ?? []).some((r) => s.has(rangeKey(r.range))))
      ) {
        score = 1;
      }
      if (score === 0) continue;
      // closer first, then the likelier explanation (EXPLAINED_BY order), then errors
      const weighted = score * 1000 - rank * 10 + (f.severity === 'error' ? 1 : 0);
      if (weighted > bestScore) {
        best = f;
        bestScore = weighted;
      }
    }
    if (!best) continue;
    const target = replaced.get(best) ?? best;
    const related = [...(target.related ?? [])];
    const have = new Set(related.map((r) => rangeKey(r.range)));
    related.push({ message: `${sim.message} (${sim.rule})`, range: sim.range, folded: sim.rule });
    for (const r of sim.related ?? []) {
      if (!have.has(rangeKey(r.range))) related.push(r);
    }
    replaced.set(best, { ...target, related });
    dropped.add(sim);
  }
  const out = dropped.size === 0 ? findings : findings.filter((f) => !dropped.has(f)).map((f) => replaced.get(f) ?? f);
  return foldIntoCause(out);
}

const SEVERITY_RANK: Record<Severity, number> = { hint: 0, info: 1, warning: 2, error: 3 };

/**
 * Folds each consequence (CAUSE_OF) into the error/warning finding of an explaining check that sits on
 * its cause: one diagnostic on the rule to change, the consequences (with what was folded into them) as
 * related information, at the highest severity among them.
 */
function foldIntoCause(findings: Finding[]): Finding[] {
  const byRange = new Map<string, Finding[]>();
  for (const f of findings) {
    if (f.severity !== 'error' && f.severity !== 'warning') continue;
    const k = rangeKey(f.range);
    const l = byRange.get(k);
    if (l) l.push(f);
    else byRange.set(k, [f]);
  }
  const replaced = new Map<Finding, Finding>();
  const dropped = new Set<Finding>();
  for (const f of findings) {
    const causeOf = CAUSE_OF[f.rule];
    if (!causeOf || (f.severity !== 'error' && f.severity !== 'warning')) continue;
    const cause = causeOf(f);
    if (!cause) continue;
    const explainers = EXPLAINED_BY[f.rule];
    let best: Finding | undefined;
    for (const g of byRange.get(rangeKey(cause)) ?? []) {
      if (g === f || dropped.has(g) || !explainers.includes(g.rule)) continue;
      if (!best || explainers.indexOf(g.rule) < explainers.indexOf(best.rule)) best = g;
    }
    if (!best) continue;
    const target = replaced.get(best) ?? best;
    const related = [...(target.related ?? [])];
    const key = (r: { range: Range; message: string }) => `${rangeKey(r.range)} ${r.message}`;
    const have = new Set(related.map(key));
    related.push({ message: `${f.message} (${f.rule})`, range: f.range, folded: f.rule });
    // the stages a shadowed knock also loses say something; the blockers of an unreachable rule (the cause
    // and rules taking part of its packets) say nothing more than the finding they are folded into
    for (const r of f.rule === 'rule-unreachable' ? [] : f.related ?? []) {
      if (rangeKey(r.range) === rangeKey(cause) || have.has(key(r))) continue;
      have.add(key(r));
      related.push(r);
    }
    const severity = SEVERITY_RANK[f.severity] > SEVERITY_RANK[target.severity] ? f.severity : target.severity;
    replaced.set(best, { ...target, severity, related });
    dropped.add(f);
  }
  if (dropped.size === 0) return findings;
  return findings.filter((f) => !dropped.has(f)).map((f) => replaced.get(f) ?? f);
}

// ---------------------------------------------------------------------------------------------
// Honest uncertainty: findings that rest on commands that may not take effect

/** Findings about the text itself (syntax, names, values): true whether or not the command runs. */
const TEXT_RULES = new Set([PARSE_ERROR, INTERNAL_ERROR, 'unknown-command', 'invalid-value']);

/**
 * A finding whose rule or related rules are created, changed, moved or removed by commands that may
 * not take effect (model: `source.uncertain`) says so ("may") and is at most a warning: the script
 * cannot know whether the `:if` runs or which rule item number 3 is.
 */
function hedgeUncertain(findings: Finding[], model: FirewallModel): Finding[] {
  const uncertain = new Map<string, string[]>();
  for (const t of model.tables.values()) {
    for (const r of t.rules) if (r.source.uncertain && r.source.uncertain.length > 0) uncertain.set(rangeKey(r.source.range), r.source.uncertain);
  }
  if (uncertain.size === 0) return findings;
  return findings.map((f) => {
    if (TEXT_RULES.has(f.rule)) return f;
    const whys: string[] = [];
    for (const range of [f.range, ...(f.related ?? []).filter((r) => !r.file).map((r) => r.range)]) {
      const w = uncertain.get(rangeKey(range));
      if (!w) continue;
      const line = range.start.line + 1;
      for (const x of w) {
        const text = `the rule on line ${line} is ${x}`;
        if (!whys.includes(text)) whys.push(text);
      }
    }
    if (whys.length === 0) return f;
    const severity: Severity = f.severity === 'error' ? 'warning' : f.severity;
    return { ...f, severity, message: `${f.message} — this may not hold: ${whys.join('; ')}` };
  });
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
