// Code actions for a range of a document: each finding's fixes, "Disable <id> for this command / file",
// "Show documentation for <id>", "Fix all <id> problems", `source.fixAll.routeros`, and the rule moves
// of ./reorder.ts. Pure: the lint result in, LSP CodeAction values out (types only); the server
// (server/src/server.ts) passes the request's URI, range and `only` kinds and sends the result.
//
// Never matches on message text: actions come from Finding.fixes, Finding.rule and Finding.range.

import type {
  CodeAction,
  Diagnostic,
  Range as LspRange,
  TextEdit as LspTextEdit,
} from 'vscode-languageserver-types';
import type { Finding, Fix, TextEdit } from '../rules/types';
import { applyEdits, lint, suppressionEdit, type LintOptions, type LintResult } from '../lint';
import { LineIndex } from '../parser/lineIndex';
import { toDiagnostic } from './diagnostics';
import { planMoves, REORDER_KIND } from './reorder';

export const FIX_ALL_KIND = 'source.fixAll.routeros';
export const QUICKFIX_KIND = 'quickfix';
export const SHOW_DOC_COMMAND = 'routeros.showRuleDoc';
/** Rounds of apply-fixes / re-lint for `source.fixAll.routeros` before giving up on settling. */
export const FIX_ALL_MAX_PASSES = 8;

export interface CodeActionRequest {
  uri: string;
  /** The document text the lint result was computed on. */
  text: string;
  lint: LintResult;
  /** The requested range (LSP, 0-based line/character). */
  range: LspRange;
  /** `CodeActionContext.only`: return only actions of these kinds (a kind matches its sub-kinds). */
  only?: readonly string[];
  /** The settings the lint ran with: `source.fixAll` re-lints with them. */
  lintOptions?: LintOptions;
  /** Document version, put into the attached diagnostics' data (as diagnostics.ts publishes them). */
  version?: number;
  docHref?: (rule: string) => string | undefined;
}

// ---------------------------------------------------------------------------------------------
// Offsets <-> LSP positions

/** Offsets <-> LSP positions over the parser's LineIndex, plus TextEdit conversion. */
export class OffsetConverter {
  private readonly index: LineIndex;
  constructor(text: string) {
    this.index = new LineIndex(text);
  }
  positionAt(offset: number): { line: number; character: number } {
    const p = this.index.positionAt(offset);
    return { line: p.line, character: p.column };
  }
  offsetAt(p: { line: number; character: number }): number {
    return this.index.offsetAt({ line: p.line, column: p.character });
  }
  lspEdits(edits: readonly TextEdit[]): LspTextEdit[] {
    return [...edits]
      .sort((a, b) => a.start - b.start || a.end - b.end)
      .map((e) => ({ range: { start: this.positionAt(e.start), end: this.positionAt(e.end) }, newText: e.newText }));
  }
}

// ---------------------------------------------------------------------------------------------
// Combining fixes

/** True when two edits cannot be applied together unambiguously (overlap, or both start at one point). */
function conflicts(a: TextEdit, b: TextEdit): boolean {
  if (a.start < b.end && b.start < a.end) return true;
  return a.start === b.start;
}

/**
 * Picks fixes greedily in the given order, skipping any that conflicts with one already picked, and
 * returns their edits together.
 */
export function combineFixes(fixes: readonly Fix[]): { edits: TextEdit[]; applied: Fix[] } {
  const edits: TextEdit[] = [];
  const applied: Fix[] = [];
  for (const fix of fixes) {
    if (fix.edits.length === 0) continue;
    if (fix.edits.some((e) => edits.some((x) => conflicts(e, x)))) continue;
    // The fix's own edits must be non-overlapping too (checks promise it; verify).
    let ok = true;
    for (let i = 0; i < fix.edits.length && ok; i++) {
      for (let j = i + 1; j < fix.edits.length; j++) {
        const a = fix.edits[i];
        const b = fix.edits[j];
        if (a.start < b.end && b.start < a.end) ok = false;
      }
    }
    if (!ok) continue;
    edits.push(...fix.edits);
    applied.push(fix);
  }
  return { edits, applied };
}

/** The single replacement turning `a` into `b` (common prefix and suffix kept), or undefined if equal. */
export function minimalEdit(a: string, b: string): TextEdit | undefined {
  if (a === b) return undefined;
  let p = 0;
  const max = Math.min(a.length, b.length);
  while (p < max && a.charCodeAt(p) === b.charCodeAt(p)) p++;
  let s = 0;
  while (s < max - p && a.charCodeAt(a.length - 1 - s) === b.charCodeAt(b.length - 1 - s)) s++;
  // Do not split a surrogate pair or a CRLF.
  while (p > 0 && (isLow(a.charCodeAt(p)) || (a.charCodeAt(p) === 10 && a.charCodeAt(p - 1) === 13))) p--;
  while (s > 0 && (isLow(a.charCodeAt(a.length - s)) || (a.charCodeAt(a.length - s) === 10 && a.charCodeAt(a.length - s - 1) === 13))) s--;
  return { start: p, end: a.length - s, newText: b.slice(p, b.length - s) };
}

function isLow(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

function safeFixes(findings: readonly Finding[], rule?: string): Fix[] {
  const out: Fix[] = [];
  for (const f of findings) {
    if (rule !== undefined && f.rule !== rule) continue;
    for (const fix of f.fixes ?? []) if (fix.safe && fix.edits.length > 0) out.push(fix);
  }
  return out;
}

export interface FixAllResult {
  text: string;
  /** Rounds that applied at least one fix. */
  passes: number;
  /** Fixes applied over all rounds. */
  applied: number;
}

/**
 * Applies every safe fix, re-lints, and repeats while fixes remain (fixes can interact: moving a rule
 * can enable another fix, or two fixes may touch one command and need two rounds). Stops after
 * `maxPasses` rounds or when a round would bring back a text already seen (fixes that undo each other).
 */
export function fixAllText(
  text: string,
  first: LintResult,
  options: LintOptions = {},
  maxPasses = FIX_ALL_MAX_PASSES,
): FixAllResult {
  let cur = text;
  let result = first;
  let passes = 0;
  let applied = 0;
  const seen = new Set<string>([cur]);
  for (let pass = 0; pass < maxPasses; pass++) {
    const { edits, applied: used } = combineFixes(safeFixes(result.findings));
    if (used.length === 0) break;
    let next: string;
    try {
      next = applyEdits(cur, edits);
    } catch {
      break;
    }
    if (seen.has(next)) break;
    seen.add(next);
    cur = next;
    passes++;
    applied += used.length;
    result = lint(cur, options);
  }
  return { text: cur, passes, applied };
}

// ---------------------------------------------------------------------------------------------
// The actions

function kindMatches(kind: string, only: readonly string[] | undefined): boolean {
  if (!only || only.length === 0) return true;
  return only.some((o) => kind === o || kind.startsWith(o + '.'));
}

/** `only` explicitly asks for this kind (source actions are listed only when asked for). */
function explicitlyRequested(kind: string, only: readonly string[] | undefined): boolean {
  return !!only && only.length > 0 && kindMatches(kind, only);
}

function overlaps(f: Finding, start: number, end: number): boolean {
  const fs = f.range.start.offset;
  const fe = f.range.end.offset;
  // An empty request range (the cursor) touches a finding when it lies within it or at its ends.
  if (start === end) return start >= fs && start <= fe;
  return fs < end && start < fe || (fs === fe && fs >= start && fs <= end);
}

/** Offset of the first statement, or text length. */
function firstStatementOffset(lintResult: LintResult, text: string): number {
  const first = lintResult.parse.script.statements[0];
  return first ? first.range.start.offset : text.length;
}

/**
 * "Disable for this file": merge into an existing file directive, else insert a directive line just
 * after the leading comment block (an `/export` header `# ... by RouterOS ...`, a `#!` line), so the
 * header stays the first line (editors recognise exports by it), but before the first statement.
 */
export function disableFileEdit(text: string, lintResult: LintResult, rule: string): TextEdit | undefined {
  const edit = suppressionEdit(text, lintResult.parse, rule, 0, 'file');
  if (!edit) return undefined;
  const isPlainInsert = edit.start === edit.end && edit.start <= 1 && edit.newText.startsWith('# rsc-lint');
  if (!isPlainInsert) return edit;
  const firstStmt = firstStatementOffset(lintResult, text);
  // Walk the leading comment lines: full-line comments starting at line 0, contiguous.
  let at = text.startsWith('\uFEFF') ? 1 : 0;
  const comments = lintResult.parse.script.comments.filter((c) => !c.trailing && c.range.end.offset <= firstStmt);
  let lineStart = at;
  for (const c of comments) {
    if (c.range.start.offset < lineStart) continue;
    const gap = text.slice(lineStart, c.range.start.offset);
    if (gap.trim() !== '') break;
    if (gap.includes('\n') || gap.includes('\r')) break; // a blank line ends the header block
    // Next line start after the comment.
    let e = c.range.end.offset;
    if (text[e] === '\r') e++;
    if (text[e] === '\n') e++;
    if (e === c.range.end.offset) {
      // The comment is on the last line without a line end: the directive goes after it.
      return { start: e, end: e, newText: `\n${edit.newText.replace(/\r?\n$/, '')}` };
    }
    lineStart = e;
    at = e;
  }
  return { start: at, end: at, newText: edit.newText };
}

/**
 * "Disable for this command": undefined when the command is the file's first statement (a directive
 * before the first statement applies to the whole file, so only "for this file" is offered there).
 */
export function disableCommandEdit(text: string, lintResult: LintResult, finding: Finding): TextEdit | undefined {
  const edit = suppressionEdit(text, lintResult.parse, finding.rule, finding.range.start.offset, 'command');
  if (!edit) return undefined;
  if (edit.start <= firstStatementOffset(lintResult, text)) return undefined;
  return edit;
}

/** Every code action for the request: see the file header. */
export function codeActions(req: CodeActionRequest): CodeAction[] {
  const { uri, text, lint: result, only } = req;
  const conv = new OffsetConverter(text);
  const start = conv.offsetAt(req.range.start);
  const end = Math.max(start, conv.offsetAt(req.range.end));
  const out: CodeAction[] = [];
  const edit = (edits: readonly TextEdit[]) => ({ changes: { [uri]: conv.lspEdits(edits) } });
  const diag = (f: Finding): Diagnostic =>
    toDiagnostic(f, result.findings.indexOf(f), { uri, version: req.version ?? 0, docHref: req.docHref });

  if (kindMatches(QUICKFIX_KIND, only)) {
    const here = result.findings.filter((f) => overlaps(f, start, end));
    const fileDone = new Set<string>();
    const docDone = new Set<string>();
    const fixAllDone = new Set<string>();
    const tail: CodeAction[] = [];
    // One entry per distinct change: the same fix offered by several findings (fresh knock ports for
    // knock-weak-port and knock-sequential-ports) is listed once, for all of their diagnostics.
    const byEdits = new Map<string, CodeAction>();
    const tailByEdits = new Map<string, CodeAction>();
    const editKey = (edits: readonly TextEdit[]) =>
      [...edits].sort((a, b) => a.start - b.start || a.end - b.end).map((e) => `${e.start}:${e.end}:${e.newText}`).join('\u0000');
    for (const f of here) {
      const d = diag(f);
      for (const fix of f.fixes ?? []) {
        if (fix.edits.length === 0) continue;
        const key = editKey(fix.edits);
        const same = byEdits.get(key);
        if (same) {
          same.diagnostics?.push(d);
          if (fix.safe) same.isPreferred = true;
          continue;
        }
        const action: CodeAction = {
          title: fix.safe ? fix.title : `${fix.title} (${f.rule})`,
          kind: QUICKFIX_KIND,
          diagnostics: [d],
          isPreferred: fix.safe || undefined,
          edit: edit(fix.edits),
        };
        byEdits.set(key, action);
        out.push(action);
      }
      if (!fixAllDone.has(f.rule)) {
        fixAllDone.add(f.rule);
        const all = result.findings.filter((x) => x.rule === f.rule && safeFixes([x]).length > 0);
        if (all.length > 1) {
          const { edits } = combineFixes(safeFixes(all));
          if (edits.length > 0) {
            tail.push({
              title: `Fix all ${f.rule} problems`,
              kind: QUICKFIX_KIND,
              diagnostics: all.map(diag),
              edit: edit(edits),
            });
          }
        }
      }
      if (f.rule !== 'parse-error' && f.rule !== 'internal-error') {
        const cmdEdit = disableCommandEdit(text, result, f);
        const cmdKey = cmdEdit ? editKey([cmdEdit]) : '';
        if (cmdEdit && tailByEdits.has(cmdKey)) tailByEdits.get(cmdKey)!.diagnostics?.push(d);
        else if (cmdEdit) {
          tailByEdits.set(cmdKey, {
            title: `Disable ${f.rule} for this command`,
            kind: QUICKFIX_KIND,
            diagnostics: [d],
            edit: edit([cmdEdit]),
          });
          tail.push(tailByEdits.get(cmdKey)!);
        }
        if (!fileDone.has(f.rule)) {
          fileDone.add(f.rule);
          const fileEdit = disableFileEdit(text, result, f.rule);
          if (fileEdit) {
            tail.push({
              title: `Disable ${f.rule} for this file`,
              kind: QUICKFIX_KIND,
              diagnostics: [d],
              edit: edit([fileEdit]),
            });
          }
        }
      }
      if (!docDone.has(f.rule)) {
        docDone.add(f.rule);
        tail.push({
          title: `Show documentation for ${f.rule}`,
          kind: QUICKFIX_KIND,
          command: { title: `Show documentation for ${f.rule}`, command: SHOW_DOC_COMMAND, arguments: [f.rule] },
        });
      }
    }
    // Fixes first (what the user most likely wants; safe ones before suggestions), then fix-all,
    // disable and documentation entries.
    const fixesFirst = out.splice(0, out.length);
    out.push(...fixesFirst.filter((a) => a.isPreferred), ...fixesFirst.filter((a) => !a.isPreferred));
    out.push(...tail);
  }

  if (kindMatches(REORDER_KIND, only)) {
    const moves = planMoves(text, result.parse, result.model, start, end, result.findings);
    for (const m of moves) out.push({ title: m.title, kind: REORDER_KIND, edit: edit(m.edits) });
  }

  if (explicitlyRequested(FIX_ALL_KIND, only)) {
    const fixed = fixAllText(text, result, req.lintOptions);
    const e = minimalEdit(text, fixed.text);
    if (e) out.push({ title: 'Fix all auto-fixable RouterOS problems', kind: FIX_ALL_KIND, edit: edit([e]) });
  }
  return out;
}
