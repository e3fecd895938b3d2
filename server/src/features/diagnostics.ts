// Finding -> LSP Diagnostic. Pure: the LSP wire types come from vscode-languageserver-types (data only),
// so this is tested without an editor and the server (server/src/server.ts) only sends the result.

import {
  DiagnosticSeverity,
  type Diagnostic,
  type DiagnosticRelatedInformation,
  type Range as LspRange,
} from 'vscode-languageserver-types';
import { pathToFileURL } from 'node:url';
import type { Range } from '../parser/ast';
import type { Finding, Severity } from '../rules/types';

/** Shown as the diagnostic's `source` (the Problems panel prints it before the code). */
export const DIAGNOSTIC_SOURCE = 'routeros';

/**
 * What a diagnostic carries in `data` so a code action request (which sends diagnostics back) can find
 * the finding it came from: the rule id, the index into `LintResult.findings`, and the document version
 * the findings were computed on (a stale diagnostic is matched by rule + range instead).
 */
export interface DiagnosticData {
  rule: string;
  index: number;
  version: number;
  /** The finding carries at least one fix (lets clients show a lightbulb without asking). */
  fixable: boolean;
}

export interface ToDiagnosticsOptions {
  /** Document URI: related information points into the same file (unless it names another `file`). */
  uri: string;
  version: number;
  /** Where the rule's documentation lives (a file: URI of the bundled docs/rules/<id>.md), if anywhere. */
  docHref?: (rule: string) => string | undefined;
}

export function toLspRange(r: Range): LspRange {
  return {
    start: { line: r.start.line, character: r.start.column },
    end: { line: r.end.line, character: r.end.column },
  };
}

export function toLspSeverity(s: Severity): DiagnosticSeverity {
  switch (s) {
    case 'error':
      return DiagnosticSeverity.Error;
    case 'warning':
      return DiagnosticSeverity.Warning;
    case 'info':
      return DiagnosticSeverity.Information;
    case 'hint':
      return DiagnosticSeverity.Hint;
  }
}

export function toDiagnostic(f: Finding, index: number, opts: ToDiagnosticsOptions): Diagnostic {
  const d: Diagnostic = {
    range: toLspRange(f.range),
    severity: toLspSeverity(f.severity),
    code: f.rule,
    source: DIAGNOSTIC_SOURCE,
    message: f.message,
  };
  const href = opts.docHref?.(f.rule);
  if (href) d.codeDescription = { href };
  if (f.related && f.related.length > 0) {
    d.relatedInformation = f.related.map(
      (r): DiagnosticRelatedInformation => ({
        location: { uri: r.file ? pathToFileURL(r.file).href : opts.uri, range: toLspRange(r.range) },
        message: r.message,
      }),
    );
  }
  const data: DiagnosticData = {
    rule: f.rule,
    index,
    version: opts.version,
    fixable: (f.fixes?.length ?? 0) > 0,
  };
  d.data = data;
  return d;
}

export function toDiagnostics(findings: readonly Finding[], opts: ToDiagnosticsOptions): Diagnostic[] {
  return findings.map((f, i) => toDiagnostic(f, i, opts));
}

/** Reads back `Diagnostic.data` written by toDiagnostic (undefined for foreign or malformed data). */
export function diagnosticData(d: { data?: unknown }): DiagnosticData | undefined {
  const x = d.data as Partial<DiagnosticData> | undefined;
  if (!x || typeof x !== 'object' || typeof x.rule !== 'string' || typeof x.index !== 'number') return undefined;
  return {
    rule: x.rule,
    index: x.index,
    version: typeof x.version === 'number' ? x.version : -1,
    fixable: x.fixable === true,
  };
}

/**
 * The finding a diagnostic (sent back by the client) refers to, in the current findings: by index when
 * the versions agree and the rule matches, else by rule and exact range.
 */
export function findingForDiagnostic(
  findings: readonly Finding[],
  version: number,
  d: { code?: string | number; range: LspRange; data?: unknown },
): Finding | undefined {
  const data = diagnosticData(d);
  if (data && data.version === version) {
    const f = findings[data.index];
    if (f && f.rule === data.rule) return f;
  }
  const rule = data?.rule ?? (typeof d.code === 'string' ? d.code : undefined);
  if (!rule) return undefined;
  return findings.find((f) => {
    if (f.rule !== rule) return false;
    const r = toLspRange(f.range);
    return (
      r.start.line === d.range.start.line &&
      r.start.character === d.range.start.character &&
      r.end.line === d.range.end.line &&
      r.end.character === d.range.end.character
    );
  });
}
