// Document and range formatting for the language server: the formatter (server/src/format) turned into
// LSP text edits, and the `routeros.format.*` settings read into its options. Pure: no connection.

import type { Range as LspRange, TextEdit as LspTextEdit } from 'vscode-languageserver-types';
import { formatRange, formatScript, type FormatOptions } from '../format/format';
import { offsetAt, positionAt } from './textPos';

/** The `routeros.format` settings section (malformed entries are dropped: the defaults apply). */
export function formatOptionsFrom(raw: unknown): FormatOptions {
  const out: FormatOptions = {};
  if (!raw || typeof raw !== 'object') return out;
  const r = raw as Record<string, unknown>;
  if (r.pathStyle === 'keep' || r.pathStyle === 'spaced' || r.pathStyle === 'slashed') out.pathStyle = r.pathStyle;
  if (typeof r.width === 'number' && Number.isInteger(r.width) && r.width >= 20 && r.width <= 1000) out.width = r.width;
  if (typeof r.headers === 'boolean') out.headers = r.headers;
  return out;
}

export interface FormattingResult {
  edits: LspTextEdit[];
  /** Why the document was left as it is (syntax errors), for a message to the user. */
  skipped?: string;
}

/** Edits that format the whole document, or only the lines `range` touches. */
export function formattingEdits(text: string, options: FormatOptions, range?: LspRange): FormattingResult {
  const r = range ? formatRange(text, offsetAt(text, range.start), offsetAt(text, range.end), options) : formatScript(text, options);
  return {
    edits: r.edits.map((e) => ({ range: { start: positionAt(text, e.start), end: positionAt(text, e.end) }, newText: e.newText })),
    ...(r.skipped ? { skipped: r.skipped } : {}),
  };
}
