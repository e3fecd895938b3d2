// Public entry of the parser: parse(text) -> { script, errors }, plus tree helpers.
// Architecture invariant: parse() never throws, and every range in the tree (including code parsed
// out of strings) points into the original text.
import type { IToken } from 'chevrotain';
import type { Comment, ParseResult, Position, Script, Statement, SyntaxError } from './ast';
import { Newline, NewlineCR, tokenize } from './lexer';
import { LineIndex } from './lineIndex';
import { OffsetRange } from './offsetRange';
import { RscParser, type PendingEmbed, type PositionMapper } from './parser';

export * from './ast';
export { LineIndex } from './lineIndex';
export { OffsetRange, WordNode } from './offsetRange';
export { findArg, valueText, walkCommands, resolveMenu, commandPathString, isConditionalVerb } from './walk';
export type { WalkContext } from './walk';

/** Code inside strings nests at most this deep (a string in a string in a string ...). */
const MAX_EMBED_DEPTH = 6;

let parserInstance: RscParser | undefined;
function getParser(): RscParser {
  if (!parserInstance) parserInstance = new RscParser();
  return parserInstance;
}

export interface ParseOptions {
  /** Parse code held in strings (`source="..."`, `:parse "..."`). Default true. */
  embedded?: boolean;
  /** Filled with the points where a top-level parse may restart (incremental.ts). */
  sync?: SyncCapture;
}

/**
 * What the incremental parser (incremental.ts) learns from one parse of a file or of a window of it:
 * `points` are file offsets right after a line end (a `Newline` token in command mode) where the
 * lexer's mode stack is back at its base (no `{ [ ( "` open), ascending; `recovered` says Chevrotain's
 * own error recovery ran (then nothing about restart points is trusted). `endDepth` is the lexer's mode
 * stack depth after the last token (1 = base) and `lastNewlineEnd` the file offset after the last
 * such line end (-1 if none).
 */
export interface SyncCapture {
  points: number[];
  recovered: boolean;
  endDepth: number;
  lastNewlineEnd: number;
  /** File offset after the last token (-1 when there is none). */
  lastTokenEnd: number;
}

/**
 * Parses `text` (a stretch [from, from + text.length) of a file whose line index is `lines`, starting
 * at a point where a whole-file parse is at its top level) as the file's top-level statements there:
 * every range is a file offset. For incremental.ts; the caller proves the stretch's bounds sound.
 */
export function parseWindow(text: string, lines: LineIndex, from: number, sync: SyncCapture): ParseResult {
  const shift = (o: number) => o + from;
  const mapper: PositionMapper = { lines, start: shift, end: shift };
  const errors: SyntaxError[] = [];
  const embeddedErrors: SyntaxError[] = [];
  let script: Script;
  try {
    script = parseText(text, mapper, 0, text.length, errors, embeddedErrors, 0, sync);
  } catch (e) {
    parserInstance = undefined;
    throw e;
  }
  const byPos = (a: SyntaxError, b: SyntaxError) => a.range.start.offset - b.range.start.offset || a.range.end.offset - b.range.end.offset;
  errors.sort(byPos);
  embeddedErrors.sort(byPos);
  return { script, errors, embeddedErrors };
}

/** Parse a RouterOS script. Never throws: on an internal failure it returns an empty tree and an error. */
export function parse(text: string, options: ParseOptions = {}): ParseResult {
  const lines = new LineIndex(text);
  const mapper: PositionMapper = { lines, start: identity, end: identity, direct: true };
  try {
    const errors: SyntaxError[] = [];
    const embeddedErrors: SyntaxError[] = [];
    const script = parseText(text, mapper, 0, text.length, errors, embeddedErrors, options.embedded !== false ? 0 : MAX_EMBED_DEPTH, options.sync);
    const byPos = (a: SyntaxError, b: SyntaxError) => a.range.start.offset - b.range.start.offset || a.range.end.offset - b.range.end.offset;
    errors.sort(byPos);
    embeddedErrors.sort(byPos);
    return { script, errors, embeddedErrors };
  } catch (e) {
    // A bug in the parser must not take the editor or the CLI down with it.
    parserInstance = undefined;
    const where = lines.positionAt(0);
    return {
      script: { kind: 'script', statements: [], comments: [], range: { start: where, end: lines.positionAt(text.length) } },
      errors: [{ message: `internal parser error: ${(e as Error)?.message ?? String(e)}`, range: { start: where, end: where } }],
    };
  }
}

function identity(o: number): number {
  return o;
}

function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 0xfeff;
}

function parseText(
  text: string,
  map: PositionMapper,
  scriptStart: number,
  scriptEnd: number,
  errors: SyntaxError[],
  embeddedErrors: SyntaxError[] | null,
  depth: number,
  sync?: SyncCapture,
): Script {
  // lexing and parsing in a helper: its tokens die before the code inside strings is parsed
  const { statements, comments, embeds } = parseOwn(text, map, errors, sync);
  // Code inside strings: parsed after the outer parse (the parser instance is not re-entrant).
  if (depth < MAX_EMBED_DEPTH) {
    for (const emb of embeds) {
      // the parser decoded the string (value) and kept its offset map when there was any escape
      const code = emb.literal.value;
      const n = code.length;
      const from = emb.from;
      const to = emb.to;
      const starts = emb.starts;
      const ends = emb.ends;
      const inner: PositionMapper = starts && ends
        ? {
            lines: map.lines,
            start: (o) => map.start(o < n ? starts[o] : to),
            end: (o) => (o <= 0 ? map.start(n > 0 ? starts[0] : to) : map.end(o <= n ? ends[o - 1] : to)),
          }
        : {
            lines: map.lines,
            start: (o) => map.start(o < n ? from + o : to),
            end: (o) => (o <= 0 ? map.start(n > 0 ? from : to) : map.end(o <= n ? from + o : to)),
          };
      // errors inside a string go to embeddedErrors; none at all for strings with interpolation
      const sink = emb.literal.constant ? (depth === 0 ? embeddedErrors : errors) : null;
      emb.literal.embedded = parseText(code, inner, 0, n, sink ?? [], sink ? embeddedErrors : null, depth + 1);
      // the embedded script spans the string content
      emb.literal.embedded.range = new OffsetRange(map.start(emb.from), map.end(emb.to), map.lines);
    }
  }

  return {
    kind: 'script',
    statements,
    comments,
    range: new OffsetRange(map.start(scriptStart), map.end(scriptEnd), map.lines),
  };
}

/** Lex and parse one text (not the code inside its strings). */
function parseOwn(
  text: string,
  map: PositionMapper,
  errors: SyntaxError[],
  sync?: SyncCapture,
): { statements: Statement[]; comments: Comment[]; embeds: PendingEmbed[] } {
  const lex = tokenize(text);
  // before the parser releases the tokens
  if (sync) captureSync(lex.tokens, map, sync);
  const toRange = (s: number, e: number) => new OffsetRange(map.start(s), map.end(e), map.lines);
  for (const le of lex.errors) {
    // a closer with nothing to close: the parser reports it (with a better message)
    if (le.message.includes('Unable to pop')) continue;
    const ch = text.slice(le.offset, le.offset + le.length);
    errors.push({ message: describeLexError(ch), range: toRange(le.offset, le.offset + le.length) });
  }
  const parser = getParser();
  const res = parser.run(lex.tokens, text, map);
  if (sync && res.chevErrors.length > 0) sync.recovered = true;
  for (const e of res.errors) errors.push({ message: e.message, range: toRange(e.start, e.end) });
  for (const ce of res.chevErrors) errors.push(chevError(ce.message, ce.token, text, toRange));

  const comments: Comment[] = [];
  const group = lex.groups.comments as IToken[] | undefined;
  if (group) {
    for (const t of group) {
      const s = t.startOffset;
      let k = s - 1;
      while (k >= 0 && isBlank(text.charCodeAt(k))) k--;
      const c = k >= 0 ? text.charCodeAt(k) : 10;
      const trailing = !(c === 10 || c === 13);
      comments.push({ kind: 'comment', text: t.image.slice(1), trailing, range: toRange(s, s + t.image.length) });
    }
  }
  return { statements: res.statements, comments, embeds: res.embeds };
}

/** Replays the lexer's mode stack over the tokens (see SyncCapture): pop before push, as Chevrotain does. */
function captureSync(tokens: IToken[], map: PositionMapper, sync: SyncCapture): void {
  let depth = 1;
  const points = sync.points;
  let lastNl = -1;
  for (let i = 0; i < tokens.length; i++) {
    const tt = tokens[i].tokenType;
    if (tt.POP_MODE === true && depth > 1) depth--;
    if (tt.PUSH_MODE !== undefined) depth++;
    if (depth === 1 && (tt === Newline || tt === NewlineCR)) {
      lastNl = map.end(tokens[i].startOffset + tokens[i].image.length);
      points.push(lastNl);
    }
  }
  sync.endDepth = depth;
  sync.lastNewlineEnd = lastNl;
  const last = tokens[tokens.length - 1];
  sync.lastTokenEnd = last ? map.end(last.startOffset + last.image.length) : -1;
}

function describeLexError(ch: string): string {
  const c = ch.charAt(0);
  if (c === '\\') return "unexpected '\\' (a backslash outside a string must end the line to continue it)";
  if (c === '$') return "unexpected '$' (expected a variable name, $\"name\", $( or $[)";
  if (ch.length === 1) return `unexpected character '${printable(c)}'`;
  return `unexpected characters '${printable(ch.length > 20 ? ch.slice(0, 20) + '…' : ch)}'`;
}

function printable(s: string): string {
  return s.replace(/[\x00-\x1f]/g, (m) => `\\x${m.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

function chevError(message: string, token: IToken, text: string, toRange: (s: number, e: number) => { start: Position; end: Position }): SyntaxError {
  const s = token && !isNaN(token.startOffset) ? token.startOffset : text.length;
  const e = token && !isNaN(token.startOffset) ? s + token.image.length : text.length;
  let msg: string;
  if (!token || isNaN(token.startOffset) || token.tokenType?.name === 'EOF') msg = 'unexpected end of file';
  else msg = `unexpected '${token.image.length > 30 ? token.image.slice(0, 30) + '…' : token.image}'`;
  void message;
  return { message: msg, range: toRange(s, e) };
}
