// The lint of one open document, kept up to date edit by edit (issue 15, big files in the editor). Pure:
// the language server owns one DocumentLinter per open document and drops it when the document closes.
//
// - The parse is incremental (parser/incremental.ts): only the top-level commands an edit touched are
//   parsed again. The model is rebuilt from the tree (cheap next to the checks).
// - Check results are reused when the edit changed no command and no comment, only the blanks between
//   tokens (typing a space, re-indenting, a line break inside a line's blanks is not such an edit: the
//   line count must stay the same): the old and new re-parsed commands and comments are compared node by
//   node with every offset mapped across the edit. Then a check whose findings are a function of the
//   tree, the model and the comments gives the same findings with their offsets mapped, except where a
//   finding, a related location or a fix's edit lies on a line the edit touched (a fix copies or removes
//   text there, blanks included): such a check runs again, as does every check not listed in
//   REUSABLE_CHECKS (the cheap ones, and the ones that hash the whole text to seed suggestions).
//
// Invariant (test/lint/incremental.test.ts, test/lsp/incremental.test.ts): the findings of `steps(text)`
// equal those of `lint(text)` with the same options, whatever edits came before.
import { lintSteps, type LintHooks, type LintOptions, type LintResult } from './lint';
import { IncrementalParser, type Splice } from './parser/incremental';
import type { ParseResult } from './parser/ast';
import { ArgNode, heldParts, linesOf, OffsetRange, Ranged, StringNode } from './parser/offsetRange';
import type { LineIndex } from './parser/lineIndex';
import type { Check, Finding, Fix, Related } from './rules/types';

type RawFinding = ReturnType<Check['run']>[number];

/**
 * Checks whose findings depend on the text only through the tree, the model and the comments (not on
 * the blanks between tokens, except inside the fixes' own ranges), and that cost enough to be worth it.
 */
export const REUSABLE_CHECKS: ReadonlySet<string> = new Set([
  'invalid-value',
  'unknown-command',
  'unknown-property',
  'missing-required',
  'duplicate-property',
  'version-mismatch',
  'undefined-variable',
  'unused-variable',
  'rule-unreachable',
  'rule-never-matches',
  'wan-input-open',
  'service-exposed',
]);

/** A finding with its offsets only (nodes move under later edits; offsets are copied at once). */
interface OffsetFinding {
  f: RawFinding;
  s: number;
  e: number;
  related?: Array<{ message: string; s: number; e: number }>;
}

interface Snapshot {
  text: string;
  optionsKey: string;
  lineCount: number;
  byCheck: Map<string, OffsetFinding[]>;
}

/** Statistics for tests and the bench. */
export interface IncrementalStats {
  lints: number;
  /** Lints that reused at least one check's findings. */
  reusedLints: number;
  /** Checks whose findings were reused / that ran, over all lints. */
  reusedChecks: number;
  ranChecks: number;
}

function offsetOf(r: { start: { offset: number } } | Ranged): number {
  return r instanceof Ranged ? r.startOffset : r.start.offset;
}
function endOffset(r: { end: { offset: number } } | Ranged): number {
  return r instanceof Ranged ? r.endOffset : r.end.offset;
}

function optionsKey(o: LintOptions): string {
  const env = o.env ?? {};
  return JSON.stringify({
    severities: o.severities ?? null,
    thresholds: o.thresholds ?? null,
    suppressions: o.suppressions ?? null,
    mergeEvidence: o.mergeEvidence ?? null,
    checks: o.checks ? o.checks.map((c) => c.id) : null,
    env: {
      targetVersion: env.targetVersion ?? null,
      wanLists: env.wanLists ?? null,
      lanLists: env.lanLists ?? null,
      workspaceGlobals: env.workspaceGlobals ? [...env.workspaceGlobals].sort() : null,
    },
  });
}

function countLines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) n++;
  }
  return n;
}

/** One open document's parse and lint. */
export class DocumentLinter {
  private parser: IncrementalParser | undefined;
  /** The text the parser had before its last update, and that update's splice. */
  private spliceBase: string | undefined;
  private splice: Splice | undefined;
  private snapshot: Snapshot | undefined;
  readonly stats: IncrementalStats = { lints: 0, reusedLints: 0, reusedChecks: 0, ranChecks: 0 };

  /** The parse of `text` (incremental from the last one). The previous parse result is consumed. */
  parse(text: string): ParseResult {
    if (!this.parser) {
      this.parser = new IncrementalParser(text);
      this.spliceBase = undefined;
      this.splice = undefined;
      return this.parser.result;
    }
    if (text === this.parser.text) return this.parser.result;
    const before = this.parser.text;
    const r = this.parser.update(text);
    this.spliceBase = this.parser.lastSplice ? before : undefined;
    this.splice = this.parser.lastSplice;
    return r;
  }

  /** Incremental parse and parse counts (tests, bench). */
  get parseCounts(): { full: number; incremental: number } {
    return this.parser ? { ...this.parser.counts } : { full: 0, incremental: 0 };
  }

  /** `lintSteps` over the incremental parse, reusing check results where sound (see the file comment). */
  *steps(text: string, options: LintOptions = {}): Generator<void, LintResult, void> {
    const key = optionsKey(options);
    const prev = this.snapshot;
    // the snapshot's offsets are read from nodes that the next parse update moves: taken now, dropped now
    this.snapshot = undefined;
    let map: OffsetMap | undefined;
    const byCheck = new Map<string, OffsetFinding[]>();
    let reusedAny = false;
    const hooks: LintHooks = {
      parse: (t) => {
        const parse = this.parse(t);
        if (prev && prev.optionsKey === key) map = this.reuseMap(prev, t, parse);
        return parse;
      },
      reuse: (check) => {
        if (!map || !prev || !REUSABLE_CHECKS.has(check.id)) return undefined;
        const old = prev.byCheck.get(check.id);
        if (!old) return undefined;
        const out = map.findings(old);
        if (out) reusedAny = true;
        return out;
      },
      ran: (check, found) => {
        byCheck.set(check.id, found.map(toOffsets));
      },
    };
    const counted = { reused: 0, ran: 0 };
    const wrapped: LintHooks = {
      ...hooks,
      reuse: (check, ctx) => {
        const r = hooks.reuse!(check, ctx);
        if (r) counted.reused++;
        else counted.ran++;
        return r;
      },
    };
    const result = yield* lintSteps(text, options, wrapped);
    this.stats.lints++;
    this.stats.reusedChecks += counted.reused;
    this.stats.ranChecks += counted.ran;
    if (reusedAny) this.stats.reusedLints++;
    if (this.parser && this.parser.text === text) {
      this.snapshot = { text, optionsKey: key, lineCount: linesOf(result.parse.script.range as Ranged).lineCount, byCheck };
    }
    return result;
  }

  /** Drops everything (closed document). */
  dispose(): void {
    this.parser = undefined;
    this.snapshot = undefined;
    this.spliceBase = undefined;
    this.splice = undefined;
  }

  /** The offset map from the snapshot's text to `text`, when the edit between them changed only blanks. */
  private reuseMap(prev: Snapshot, text: string, parse: ParseResult): OffsetMap | undefined {
    const sp = this.splice;
    if (!sp || this.spliceBase === undefined || this.spliceBase !== prev.text) return undefined;
    // the line count is unchanged (messages name lines)
    if (countLines(prev.text, sp.editFrom, sp.editOldTo) !== countLines(text, sp.editFrom, sp.editNewTo)) return undefined;
    const m = new OffsetMap(sp, linesOf(parse.script.range as Ranged), prev.text);
    const added = parse.script.statements.slice(sp.first, sp.first + sp.added);
    if (!m.same(sp.removed, added) || !m.same(sp.removedComments, sp.addedComments)) return undefined;
    return m;
  }
}

function toOffsets(f: RawFinding): OffsetFinding {
  const out: OffsetFinding = { f, s: offsetOf(f.range), e: endOffset(f.range) };
  if (f.related) out.related = f.related.map((r) => ({ message: r.message, s: offsetOf(r.range), e: endOffset(r.range) }));
  // fixes are offsets and text already (plain data)
  return out;
}

/**
 * Offsets of the old text -> the new text across one edit that changed only blanks: before the edit
 * unchanged, after it shifted; an offset at the edit's bounds is ambiguous (a token there may sit on
 * either side of inserted blanks).
 */
class OffsetMap {
  private readonly from: number;
  private readonly oldTo: number;
  private readonly delta: number;
  /** Old offsets of the lines the edit touched (a finding there is not reused). */
  private readonly touchFrom: number;
  private readonly touchTo: number;

  constructor(
    sp: Splice,
    private readonly lines: LineIndex,
    oldText: string,
  ) {
    this.from = sp.editFrom;
    this.oldTo = sp.editOldTo;
    this.delta = sp.delta;
    let a = sp.editFrom;
    while (a > 0 && oldText.charCodeAt(a - 1) !== 10 && oldText.charCodeAt(a - 1) !== 13) a--;
    let b = sp.editOldTo;
    while (b < oldText.length && oldText.charCodeAt(b) !== 10 && oldText.charCodeAt(b) !== 13) b++;
    this.touchFrom = a;
    this.touchTo = b;
  }

  /** The new offset of old offset `o`, or -1 when it lies on the edit. */
  map(o: number): number {
    if (o < this.from) return o;
    if (o > this.oldTo) return o + this.delta;
    return -1;
  }

  /** `b` is where old offset `o` went (either side of the edit when `o` is on its bounds). */
  private maps(o: number, b: number): boolean {
    if (o < this.from) return b === o;
    if (o > this.oldTo) return b === o + this.delta;
    return (o === this.from && b === o) || (o === this.oldTo && b === o + this.delta);
  }

  /** Old and new nodes are the same tree with every offset mapped. */
  same(a: unknown, b: unknown): boolean {
    if (a === b) return typeof a !== 'object' || a === null;
    if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
    if (Array.isArray(a)) {
      if (!Array.isArray(b) || a.length !== b.length) return false;
      for (let i = 0; i < a.length; i++) if (!this.same(a[i], b[i])) return false;
      return true;
    }
    if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
    const x = a as Record<string, unknown>;
    const y = b as Record<string, unknown>;
    if (x.kind !== y.kind) return false;
    if (a instanceof Ranged) {
      const r = b as Ranged;
      if (!this.maps(a.startOffset, r.startOffset) || !this.maps(a.endOffset, r.endOffset)) return false;
    }
    if (a instanceof ArgNode) {
      const r = b as ArgNode;
      if (a.equalsStart < 0 ? r.equalsStart >= 0 : !this.maps(a.equalsStart, r.equalsStart) || !this.maps(a.equalsEnd, r.equalsEnd)) return false;
    }
    if (a instanceof StringNode && !this.same(heldParts(a), heldParts(b as StringNode))) return false;
    const keys = Object.keys(x);
    if (keys.length !== Object.keys(y).length) return false;
    for (const k of keys) {
      if (k === 'startOffset' || k === 'endOffset' || k === 'equalsStart' || k === 'equalsEnd') continue;
      if (!this.same(x[k], y[k])) return false;
    }
    return true;
  }

  private touches(s: number, e: number): boolean {
    return s <= this.touchTo && e >= this.touchFrom;
  }

  private range(s: number, e: number): OffsetRange | undefined {
    const ns = this.map(s);
    const ne = this.map(e);
    return ns < 0 || ne < 0 ? undefined : new OffsetRange(ns, ne, this.lines);
  }

  /** A check's findings with offsets mapped, or undefined when one of them touches the edited lines. */
  findings(old: readonly OffsetFinding[]): RawFinding[] | undefined {
    const out: RawFinding[] = [];
    for (const o of old) {
      if (this.touches(o.s, o.e)) return undefined;
      const range = this.range(o.s, o.e);
      if (!range) return undefined;
      const f: RawFinding = { ...o.f, range };
      if (o.related) {
        const related: Related[] = [];
        for (const r of o.related) {
          if (this.touches(r.s, r.e)) return undefined;
          const rr = this.range(r.s, r.e);
          if (!rr) return undefined;
          related.push({ message: r.message, range: rr });
        }
        f.related = related;
      }
      if (o.f.fixes) {
        const fixes: Fix[] = [];
        for (const fix of o.f.fixes) {
          const edits = [];
          for (const ed of fix.edits) {
            if (this.touches(ed.start, ed.end)) return undefined;
            const s = this.map(ed.start);
            const e = this.map(ed.end);
            if (s < 0 || e < 0) return undefined;
            edits.push({ ...ed, start: s, end: e });
          }
          fixes.push({ ...fix, edits });
        }
        f.fixes = fixes;
      }
      out.push(f);
    }
    return out;
  }
}

export type { Finding };
