// The three output formats of rsc-lint. Pure functions from findings to text.
//
// Positions: the tree is 0-based; every format prints 1-based lines and columns (UTF-16 code units,
// like LSP and SARIF's default columnKind). End positions are EXCLUSIVE: `endColumn` is the column just
// after the last character of the range, as in LSP and SARIF (a range covering `add` at column 1 has
// endColumn 4).

import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Finding, Severity } from '../rules/types';
import type { RuleInfo } from '../lint';
import { STDIN_NAME } from './inputs';

export type Format = 'text' | 'json' | 'sarif' | 'github';
export const FORMATS: readonly Format[] = ['text', 'json', 'sarif', 'github'];

export interface FileReport {
  /** Name as printed (operand, or operand/relative path), `<stdin>` for standard input. */
  file: string;
  findings: Finding[];
}

/** One line of the JSON output. The key order and the set of keys are a public interface: keep them. */
export interface JsonFinding {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: Severity;
  rule: string;
  message: string;
}

export function toJsonFinding(file: string, f: Finding): JsonFinding {
  return {
    file,
    line: f.range.start.line + 1,
    column: f.range.start.column + 1,
    endLine: f.range.end.line + 1,
    endColumn: f.range.end.column + 1,
    severity: f.severity,
    rule: f.rule,
    message: f.message,
  };
}

/** One JSON array, one finding per line (easy to diff and grep, still a single JSON value). */
export function formatJson(reports: FileReport[]): string {
  const rows: string[] = [];
  for (const r of reports) for (const f of r.findings) rows.push(JSON.stringify(toJsonFinding(r.file, f)));
  return rows.length === 0 ? '[]\n' : `[\n  ${rows.join(',\n  ')}\n]\n`;
}

// ---------------------------------------------------------------------------------------------
// text

const ANSI = {
  reset: '\u001b[0m',
  bold: '\u001b[1m',
  dim: '\u001b[2m',
  red: '\u001b[31m',
  yellow: '\u001b[33m',
  cyan: '\u001b[36m',
  gray: '\u001b[90m',
};

const SEVERITY_COLOR: Record<Severity, string> = {
  error: ANSI.red,
  warning: ANSI.yellow,
  info: ANSI.cyan,
  hint: ANSI.gray,
};

function oneLine(s: string): string {
  return escapeControl(s.replace(/\r\n|\r|\n/g, ' '));
}

/**
 * Control characters from a script (an ESC in a comment resets or recolours the terminal) shown as
 * visible escapes: `\x1b`, `\x7f`, C1 controls, and line/paragraph separators. Tab is kept.
 */
export function escapeControl(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => {
    const n = c.charCodeAt(0);
    return n > 0xff ? `\\u${n.toString(16).padStart(4, '0')}` : `\\x${n.toString(16).padStart(2, '0')}`;
  });
}

export interface Counts {
  error: number;
  warning: number;
  info: number;
  hint: number;
}

export function countFindings(reports: FileReport[], into: Counts = { error: 0, warning: 0, info: 0, hint: 0 }): Counts {
  for (const r of reports) for (const f of r.findings) into[f.severity]++;
  return into;
}

function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

/** `N problems (E errors, W warnings, I infos) in F files` (`, H hints` added when there are hints). */
export function summaryLine(reports: FileReport[]): string {
  return summaryOf(countFindings(reports), reports.length);
}

export function summaryOf(c: Counts, files: number): string {
  const total = c.error + c.warning + c.info + c.hint;
  const parts = [plural(c.error, 'error'), plural(c.warning, 'warning'), plural(c.info, 'info')];
  if (c.hint > 0) parts.push(plural(c.hint, 'hint'));
  return `${plural(total, 'problem')} (${parts.join(', ')}) in ${plural(files, 'file')}`;
}

/** The text lines of one file's findings: `path:line:column: severity rule-id message`. */
export function textLines(r: FileReport, color: boolean): string[] {
  const lines: string[] = [];
  const file = escapeControl(r.file);
  for (const f of r.findings) {
    const loc = `${file}:${f.range.start.line + 1}:${f.range.start.column + 1}:`;
    const msg = oneLine(f.message);
    if (color) {
      lines.push(
        `${ANSI.bold}${loc}${ANSI.reset} ${SEVERITY_COLOR[f.severity]}${f.severity}${ANSI.reset} ${ANSI.dim}${f.rule}${ANSI.reset} ${msg}`,
      );
    } else {
      lines.push(`${loc} ${f.severity} ${f.rule} ${msg}`);
    }
  }
  return lines;
}

/** The last line of the text format. */
export function textSummary(c: Counts, files: number, color: boolean): string {
  const summary = summaryOf(c, files);
  const summaryColor = c.error > 0 ? ANSI.red : c.warning > 0 ? ANSI.yellow : '';
  return color && summaryColor ? `${ANSI.bold}${summaryColor}${summary}${ANSI.reset}` : summary;
}

/** `path:line:column: severity rule-id message` per finding, then the summary line. */
export function formatText(reports: FileReport[], color: boolean): string {
  const lines: string[] = [];
  for (const r of reports) lines.push(...textLines(r, color));
  lines.push(textSummary(countFindings(reports), reports.length, color));
  return `${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------
// GitHub Actions workflow commands (annotations on the pull request's diff)

function ghData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function ghProperty(s: string): string {
  return ghData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** `::error file=F,line=L,col=C,endLine=..,endColumn=..,title=rule::message` per finding. */
export function githubLines(r: FileReport, cwd: string): string[] {
  const out: string[] = [];
  const file = r.file === STDIN_NAME ? r.file : path.relative(cwd, path.resolve(cwd, r.file)).split(path.sep).join('/');
  for (const f of r.findings) {
    const cmd = f.severity === 'error' ? 'error' : f.severity === 'warning' ? 'warning' : 'notice';
    const props = [
      `file=${ghProperty(file)}`,
      `line=${f.range.start.line + 1}`,
      `col=${f.range.start.column + 1}`,
      `endLine=${f.range.end.line + 1}`,
      `endColumn=${f.range.end.column + 1}`,
      `title=${ghProperty(`rsc-lint ${f.rule}`)}`,
    ];
    out.push(`::${cmd} ${props.join(',')}::${ghData(f.message.split(/\r\n|\r|\n/).map(escapeControl).join('\n'))}`);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// SARIF 2.1.0

export type SarifLevel = 'error' | 'warning' | 'note' | 'none';

export function sarifLevel(s: Severity): SarifLevel {
  return s === 'error' ? 'error' : s === 'warning' ? 'warning' : 'note';
}

export interface SarifOptions {
  version: string;
  rules: RuleInfo[];
  /** Base of the rule documentation (ends with `/`); `<id>.md` is appended. */
  docsBase: string;
  /** Directory artifact URIs are made relative to. */
  cwd: string;
  informationUri?: string;
}

/** A relative URI reference for a printed file name (forward slashes, percent-encoded). */
export function artifactUri(file: string, cwd: string): string {
  if (file === STDIN_NAME) return 'stdin';
  const abs = path.resolve(cwd, file);
  const rel = path.relative(cwd, abs);
  if (path.isAbsolute(rel)) return pathToFileURL(abs).href; // another drive (Windows)
  return rel
    .split(path.sep)
    .map((seg) => encodeURIComponent(seg))
    .join('/');
}

function region(f: { range: Finding['range'] }) {
  return {
    startLine: f.range.start.line + 1,
    startColumn: f.range.start.column + 1,
    endLine: f.range.end.line + 1,
    endColumn: f.range.end.column + 1,
  };
}

export function formatSarif(reports: FileReport[], opts: SarifOptions): string {
  const rules = opts.rules.map((r) => ({ ...r }));
  const index = new Map(rules.map((r, i) => [r.id, i]));
  for (const rep of reports) {
    for (const f of rep.findings) {
      if (!index.has(f.rule)) {
        index.set(f.rule, rules.length);
        rules.push({ id: f.rule, defaultSeverity: f.severity, description: f.rule });
      }
    }
  }
  const artifacts: Array<{ location: { uri: string } }> = [];
  const artifactIndex = new Map<string, number>();
  const results: unknown[] = [];
  for (const rep of reports) {
    const uri = artifactUri(rep.file, opts.cwd);
    if (!artifactIndex.has(uri)) {
      artifactIndex.set(uri, artifacts.length);
      artifacts.push({ location: { uri } });
    }
    const artifactLocation = { uri, index: artifactIndex.get(uri)! };
    for (const f of rep.findings) {
      const result: Record<string, unknown> = {
        ruleId: f.rule,
        ruleIndex: index.get(f.rule)!,
        level: sarifLevel(f.severity),
        message: { text: f.message },
        locations: [{ physicalLocation: { artifactLocation, region: region(f) } }],
      };
      if (f.related && f.related.length > 0) {
        result.relatedLocations = f.related.map((rel, i) => ({
          id: i,
          message: { text: rel.message },
          physicalLocation: { artifactLocation: rel.file ? { uri: artifactUri(rel.file, opts.cwd) } : artifactLocation, region: region(rel) },
        }));
      }
      results.push(result);
    }
  }
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'rsc-lint',
            version: opts.version,
            semanticVersion: opts.version,
            ...(opts.informationUri ? { informationUri: opts.informationUri } : {}),
            rules: rules.map((r) => ({
              id: r.id,
              shortDescription: { text: r.description },
              helpUri: `${opts.docsBase}${encodeURIComponent(r.id)}.md`,
              defaultConfiguration: { level: sarifLevel(r.defaultSeverity) },
            })),
          },
        },
        invocations: [{ executionSuccessful: true }],
        columnKind: 'utf16CodeUnits',
        artifacts,
        results,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
