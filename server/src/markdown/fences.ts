// RouterOS code in Markdown: the fenced blocks tagged ```routeros, ```rsc or ```mikrotik (any case),
// extracted with the lines they came from, and linted with every position mapped back into the `.md`.
//
// Fences follow CommonMark: three or more backticks or tildes, an info string whose first word is the
// language, closed by a line of the same character at least as long (only blanks after it); a block
// never closed runs to the end of the document. The opening fence's indentation (a block inside a list
// item) is removed from each code line, as CommonMark does, and added back to the columns.
//
// Pure: text in, blocks and findings out.

import { lint, type LintOptions } from '../lint';
import type { Position, Range } from '../parser/ast';
import type { Finding } from '../rules/types';

/** Info-string languages whose blocks are RouterOS scripts. */
export const ROUTEROS_FENCE_LANGUAGES: readonly string[] = ['routeros', 'rsc', 'mikrotik'];

export interface FencedBlock {
  /** The language word as written (`routeros`, `RSC`, ...). */
  language: string;
  /** The code, lines joined with `\n` (the fence's indentation removed). */
  code: string;
  /** 0-based line of the `.md` holding the block's first code line. */
  firstLine: number;
  /** Characters removed from the start of each code line (its index in the block). */
  stripped: number[];
}

const OPEN = /^([ \t]*)(`{3,}|~{3,})[ \t]*([^\s`]*)[^`]*$/;

function dropCR(s: string): string {
  return s.endsWith('\r') ? s.slice(0, -1) : s;
}

/** Every fenced block of `md` whose language is RouterOS, in order. */
export function routerosFences(md: string): FencedBlock[] {
  const lines = md.split('\n').map(dropCR);
  const out: FencedBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = OPEN.exec(lines[i]);
    if (!m) continue;
    const [, indent, fence, info] = m;
    const ch = fence[0];
    const close = new RegExp(`^[ \\t]*${ch === '`' ? '`' : '~'}{${fence.length},}[ \\t]*$`);
    let j = i + 1;
    while (j < lines.length && !close.test(lines[j])) j++;
    const lang = info.replace(/^\{?\.?/, '').replace(/\}$/, '');
    if (ROUTEROS_FENCE_LANGUAGES.includes(lang.toLowerCase())) {
      const code: string[] = [];
      const stripped: number[] = [];
      for (let k = i + 1; k < j; k++) {
        const l = lines[k];
        let n = 0;
        while (n < indent.length && n < l.length && (l[n] === ' ' || l[n] === '\t')) n++;
        code.push(l.slice(n));
        stripped.push(n);
      }
      out.push({ language: lang, code: code.join('\n'), firstLine: i + 1, stripped });
    }
    i = j; // the closing fence (or the end): fences do not nest
  }
  return out;
}

/** Offsets of the start of each line of `md` (lines end at `\n`). */
function lineStarts(md: string): number[] {
  const starts = [0];
  for (let i = 0; i < md.length; i++) if (md.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

function mapPosition(p: Position, b: FencedBlock, starts: number[]): Position {
  const line = b.firstLine + p.line;
  const column = p.column + (b.stripped[p.line] ?? 0);
  return { line, column, offset: (starts[line] ?? 0) + column };
}

function mapRange(r: Range, b: FencedBlock, starts: number[]): Range {
  return { start: mapPosition(r.start, b, starts), end: mapPosition(r.end, b, starts) };
}

/**
 * Lints each RouterOS block of a Markdown document on its own (each is a separate script) and returns
 * the findings with lines and columns in the `.md`. Fixes are dropped: their offsets are the block's.
 */
export function lintMarkdown(md: string, options: LintOptions = {}): Finding[] {
  const starts = lineStarts(md);
  const out: Finding[] = [];
  for (const b of routerosFences(md)) {
    for (const f of lint(b.code, options).findings) {
      const g: Finding = { rule: f.rule, message: f.message, severity: f.severity, range: mapRange(f.range, b, starts) };
      if (f.related && f.related.length > 0) g.related = f.related.map((r) => ({ message: r.message, range: mapRange(r.range, b, starts) }));
      out.push(g);
    }
  }
  return out;
}

/** True for the file names rsc-lint reads as Markdown. */
export function isMarkdownFile(name: string): boolean {
  return /\.(md|markdown)$/i.test(name);
}
