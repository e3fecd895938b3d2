// Completion: menu paths, commands, property names and values from the command tree, plus names the
// file defines (address lists, interface lists, chains, layer7 protocols, scripts, variables).
//
// The command under the cursor is usually incomplete, so its context is read from the text: a small
// scanner runs from the start of the statement holding the cursor (found in the syntax tree, or the
// line start, continuation lines included) to the cursor, tracking strings, `[ ]`, `{ }`, `( )`,
// `;`/newlines and code strings (`source="..."`). The syntax tree is only asked for the current menu
// set by earlier commands (`/ip firewall filter` then `add ...`) and for the names the file defines.

import type {
  CompletionItem,
  CompletionItemKind,
  Position as LspPosition,
  Range as LspRange,
} from 'vscode-languageserver-types';
import type { ParseResult, Statement } from '../parser/ast';
import type { ArgInfo, Schema } from '../schema';
import { menuAt } from '../schema/walk';
import { BUILTIN_CHAINS, firewallTable, indexNames, nameKindOfArg } from './navigation';
import type { NameKind, NameOccurrence } from './navigation';
import { offsetAt, positionAt } from './textPos';

const K = {
  Method: 2 as CompletionItemKind,
  Function: 3 as CompletionItemKind,
  Variable: 6 as CompletionItemKind,
  Module: 9 as CompletionItemKind,
  Property: 10 as CompletionItemKind,
  Value: 12 as CompletionItemKind,
  Keyword: 14 as CompletionItemKind,
  Reference: 18 as CompletionItemKind,
  EnumMember: 20 as CompletionItemKind,
};

export interface CompletionOptions {
  /**
   * Give items an InsertReplaceEdit whose `replace` range also covers the rest of the word after the
   * cursor (`action=dr|op` -> `drop`, not `dropop`). Set it when the client announces
   * `completionItem.insertReplaceSupport`; otherwise items carry a plain TextEdit up to the cursor.
   */
  insertReplace?: boolean;
  /**
   * Add `editor.action.triggerSuggest` to property items so that accepting `action=` opens the value
   * list at once (VS Code understands this command; other clients may not).
   */
  triggerSuggest?: boolean;
}

/** Characters after which a client should ask for completions. */
export const COMPLETION_TRIGGER_CHARACTERS = ['/', ' ', '=', '$', ':', ',', '!', '"'];

/** Arguments whose string value is RouterOS code. */
const CODE_ARGS = new Set(['source', 'on-event', 'on-up', 'on-down', 'on-login', 'on-logout', 'on-error', 'do', 'else']);
/** Positional arguments of global commands: not offered as `name=`. */
const POSITIONAL_GLOBAL_ARGS = new Set(['counter', 'name', 'value', 'condition', 'message', 'expression']);
/** Verbs whose arguments select items: properties are offered from `set`/`add`. */
const SELECTING_VERBS = new Set(['find', 'print', 'remove', 'enable', 'disable', 'get', 'export']);

// ---------------------------------------------------------------------------------------------
// Scanner: the command under the cursor

interface Tok {
  text: string;
  start: number;
}

type FrameKind = 'top' | 'block' | 'subst' | 'paren' | 'code-string';

interface Frame {
  kind: FrameKind;
  tokens: Tok[];
  cur: Tok | null;
  /** Menu relative commands in this frame start from; null = ask the syntax tree at `cmdStart`. */
  base: string[] | null;
}

export interface CursorContext {
  kind: FrameKind;
  /** Complete words of the command before the cursor (raw text, quotes kept). */
  tokens: Tok[];
  /** The word being typed, up to the cursor ('' when the cursor follows whitespace). */
  partial: Tok;
  /** The cursor is inside a quoted string that is a plain value. */
  inString: boolean;
  base: string[] | null;
  /** Where the statement holding the cursor starts (the syntax tree is asked about the menu there). */
  statementStart: number;
}

function findStatementStart(text: string, parse: ParseResult | undefined, offset: number): number {
  const stmts: Statement[] = parse?.script?.statements ?? [];
  // Binary search for the last statement starting before the offset.
  let lo = 0;
  let hi = stmts.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (stmts[mid].range.start.offset < offset) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  if (found >= 0 && stmts[found].range.end.offset >= offset) {
    const start = stmts[found].range.start.offset;
    // A tree built from older text may claim a statement that now ends earlier: stay on the line.
    if (start <= offset) return start;
  }
  // Not inside a statement: the line start, going up over continuation lines (`\` at line end).
  let start = lineStartOf(text, offset);
  while (start > 0) {
    const prevEnd = start - (text[start - 2] === '\r' ? 2 : 1);
    if (text[prevEnd - 1] !== '\\') break;
    start = lineStartOf(text, prevEnd - 1);
  }
  return start;
}

function lineStartOf(text: string, offset: number): number {
  let i = offset;
  while (i > 0 && text[i - 1] !== '\n' && text[i - 1] !== '\r') i--;
  return i;
}

/** Reads the command around `offset`: see the file comment. */
export function cursorContext(text: string, parse: ParseResult | undefined, offset: number, schema: Schema): CursorContext {
  const statementStart = findStatementStart(text, parse, offset);
  const stack: Frame[] = [{ kind: 'top', tokens: [], cur: null, base: null }];
  let inStr = false;
  let top = stack[0];
  const endCommand = () => {
    top.tokens = [];
    top.cur = null;
  };
  const endToken = () => {
    if (top.cur) top.tokens.push(top.cur);
    top.cur = null;
  };
  const append = (i: number, s: string) => {
    if (top.cur) top.cur.text += s;
    else top.cur = { text: s, start: i };
  };
  const push = (kind: FrameKind, base: string[] | null) => {
    top = { kind, tokens: [], cur: null, base };
    stack.push(top);
  };
  const pop = (kind: FrameKind) => {
    if (stack.length > 1 && top.kind === kind) {
      stack.pop();
      top = stack[stack.length - 1];
      return true;
    }
    return false;
  };
  const frameBaseFor = (kind: 'subst' | 'block'): string[] | null => {
    // `[ ]` runs in the enclosing command's menu; `{ }` under a menu command (source={...}) at the root,
    // under a global command (:if, :foreach) in the enclosing menu.
    const outerBase = top.base ?? (parse ? menuAt(parse.script, schema, statementStart) : []);
    const r = interpret(top.tokens, outerBase, schema);
    if (kind === 'subst') return r.global || !r.verb ? outerBase : r.menu;
    return r.global || r.tokensUsed === 0 ? outerBase : [];
  };

  let i = statementStart;
  while (i < offset) {
    const c = text[i];
    const inCode = top.kind === 'code-string';
    if (inStr) {
      if (c === '\\') {
        if (inCode && text[i + 1] === '"') {
          // An escaped quote inside code: the inner string ends.
          inStr = false;
          append(i, '\\"');
          i += 2;
          continue;
        }
        append(i, text.slice(i, i + 2));
        i += 2;
        continue;
      }
      if (c === '"') {
        if (inCode) {
          // The code string itself ends (malformed inner string): leave both.
          inStr = false;
          pop('code-string');
          i++;
          continue;
        }
        inStr = false;
        append(i, c);
        i++;
        continue;
      }
      append(i, c);
      i++;
      continue;
    }
    if (c === '\\') {
      const n = text[i + 1];
      if (n === '\n' || n === '\r') {
        // Line continuation: whitespace.
        endToken();
        i += n === '\r' && text[i + 2] === '\n' ? 3 : 2;
        while (i < offset && (text[i] === ' ' || text[i] === '\t')) i++;
        continue;
      }
      if (inCode) {
        if (n === '"') {
          inStr = true;
          append(i, '\\"');
          i += 2;
          continue;
        }
        if (n === 'n' || n === 'r') {
          endToken();
          endCommand();
          i += 2;
          continue;
        }
        if (n === '$' || n === '\\') {
          append(i, n);
          i += 2;
          continue;
        }
      }
      append(i, text.slice(i, i + 2));
      i += 2;
      continue;
    }
    if (c === '"') {
      if (inCode) {
        // End of the code string.
        endToken();
        pop('code-string');
        i++;
        continue;
      }
      const m = top.cur ? /^([a-z0-9-]+)=$/.exec(top.cur.text) : null;
      if (m && CODE_ARGS.has(m[1])) {
        append(i, c);
        push('code-string', []);
        i++;
        continue;
      }
      inStr = true;
      append(i, c);
      i++;
      continue;
    }
    if (c === '\n' || c === '\r' || c === ';') {
      endToken();
      endCommand();
      i++;
      continue;
    }
    if (c === ' ' || c === '\t') {
      endToken();
      i++;
      continue;
    }
    if (c === '#' && !top.cur && top.tokens.length === 0) {
      while (i < offset && text[i] !== '\n' && text[i] !== '\r') i++;
      continue;
    }
    if (c === '[') {
      append(i, c);
      push('subst', frameBaseFor('subst'));
      i++;
      continue;
    }
    if (c === ']') {
      endToken();
      pop('subst');
      append(i, c);
      i++;
      continue;
    }
    if (c === '{') {
      append(i, c);
      push('block', frameBaseFor('block'));
      i++;
      continue;
    }
    if (c === '}') {
      endToken();
      pop('block');
      append(i, c);
      i++;
      continue;
    }
    if (c === '(') {
      append(i, c);
      push('paren', top.base);
      i++;
      continue;
    }
    if (c === ')') {
      endToken();
      pop('paren');
      append(i, c);
      i++;
      continue;
    }
    append(i, c);
    i++;
  }
  return {
    kind: top.kind,
    tokens: top.tokens,
    partial: top.cur ?? { text: '', start: offset },
    inString: inStr && top.kind !== 'code-string',
    base: top.base,
    statementStart,
  };
}

// ---------------------------------------------------------------------------------------------
// What the words of a command mean

interface Interpretation {
  menu: string[];
  verb?: string;
  global: boolean;
  /** Number of tokens that form the path and the verb. */
  tokensUsed: number;
  /** Argument names already written. */
  argNames: Set<string>;
  hasWhere: boolean;
}

function interpret(tokens: Tok[], base: string[], schema: Schema): Interpretation {
  const out: Interpretation = { menu: [...base], global: false, tokensUsed: 0, argNames: new Set(), hasWhere: false };
  let k = 0;
  if (tokens.length > 0) {
    const t0 = tokens[0].text;
    if (t0.startsWith(':')) {
      out.menu = [];
      out.verb = t0.slice(1);
      out.global = true;
      k = 1;
    } else if (!t0.startsWith('$')) {
      if (t0.startsWith('/')) out.menu = [];
      // Path words (space or slash form) then the verb.
      for (; k < tokens.length; k++) {
        const t = tokens[k].text;
        if (t.includes('=') || t.startsWith('[') || t.startsWith('"')) break;
        const parts = t.split('/').filter((p) => p !== '');
        let consumed = true;
        for (const p of parts) {
          if (out.verb) {
            consumed = false;
            break;
          }
          if (p === '..') out.menu.pop();
          else if (schema.isMenu([...out.menu, p])) out.menu.push(p);
          else if (schema.hasCommand(out.menu, p)) out.verb = p;
          else if (k === 0 && schema.hasCommand([], p)) {
            out.menu = [];
            out.verb = p;
            out.global = true;
          } else {
            consumed = false;
            break;
          }
        }
        if (!consumed) break;
        if (out.verb) {
          k++;
          break;
        }
      }
    } else {
      k = 1;
    }
  }
  out.tokensUsed = k;
  for (const t of tokens.slice(k)) {
    const m = /^!?([a-z0-9.-]+)=/.exec(t.text);
    if (m) out.argNames.add(m[1]);
    if (t.text === 'where') out.hasWhere = true;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Completion

export function completion(
  text: string,
  parse: ParseResult | undefined,
  position: LspPosition,
  schema: Schema,
  options: CompletionOptions = {},
): CompletionItem[] {
  const offset = offsetAt(text, position);
  const items = completeAt(text, parse, position, offset, schema, options);
  if (!options.insertReplace) return items;
  let end = offset;
  while (end < text.length && !/[\s"\]\)\};,=/[({$]/.test(text[end])) end++;
  if (end === offset) return items;
  const replaceEnd = { line: position.line, character: position.character + (end - offset) };
  const equalsFollows = text[end] === '=';
  for (const item of items) {
    const e = item.textEdit;
    if (!e || !('range' in e)) continue;
    const newText = equalsFollows && e.newText.endsWith('=') ? e.newText.slice(0, -1) : e.newText;
    item.textEdit = { newText, insert: e.range, replace: { start: e.range.start, end: replaceEnd } };
  }
  return items;
}

function completeAt(
  text: string,
  parse: ParseResult | undefined,
  position: LspPosition,
  offset: number,
  schema: Schema,
  options: CompletionOptions,
): CompletionItem[] {
  const ctx = cursorContext(text, parse, offset, schema);
  const base = ctx.base ?? (parse ? menuAt(parse.script, schema, ctx.statementStart) : []);
  const partial = ctx.partial;
  const items: CompletionItem[] = [];
  // Edits start on the cursor line (a word never spans lines); positions are computed from the cursor.
  const range = (from: number): LspRange => ({ start: startPos(text, position, offset, from), end: position });
  const names = () => (parse ? indexNames(parse, schema, text).occurrences : []);

  // `$name` anywhere: variables.
  const dollar = partial.text.lastIndexOf('$');
  if (dollar >= 0 && /^[\w-]*$/.test(partial.text.slice(dollar + 1))) {
    return variableItems(names(), range(partial.start + dollar + 1), partial.start + dollar + 1);
  }
  if (ctx.kind === 'paren') return [];

  const r = interpret(ctx.tokens, base, schema);

  // Typing the path or the verb.
  if (!r.verb && !ctx.inString && (ctx.tokens.length === r.tokensUsed || ctx.tokens.length === 0)) {
    if (ctx.tokens.length === 0 && partial.text.startsWith(':')) {
      for (const c of schema.globalCommands()) {
        items.push({ label: c, kind: K.Keyword, detail: 'global command', textEdit: { range: range(partial.start + 1), newText: c } });
      }
      return items;
    }
    if (partial.text.includes('=')) return items;
    let menu = r.menu;
    let from = partial.start;
    if (partial.text.includes('/')) {
      const lastSlash = partial.text.lastIndexOf('/');
      const written = partial.text.slice(0, lastSlash).split('/').filter((p) => p !== '');
      menu = partial.text.startsWith('/') && ctx.tokens.length === 0 ? [] : [...r.menu];
      for (const w of written) {
        if (w === '..') menu.pop();
        else menu.push(w);
      }
      from = partial.start + lastSlash + 1;
    } else if (ctx.tokens.length === 0 && partial.text === '') {
      // Start of a command: commands of the current menu, its submenus and the global commands.
    }
    if (!schema.isMenu(menu)) return items;
    const rg = range(from);
    // At the root the menus matter most (`/ip`, `/interface`); elsewhere the commands.
    const [cmdSort, menuSort] = menu.length === 0 ? ['2', '1'] : ['1', '2'];
    for (const c of schema.commandsOf(menu)) {
      items.push({ label: c, kind: K.Method, detail: `command of /${menu.join(' ')}`, sortText: `${cmdSort}${c}`, textEdit: { range: rg, newText: c } });
    }
    for (const m of schema.submenusOf(menu)) {
      items.push({ label: m, kind: K.Module, detail: `/${[...menu, m].join(' ')}`, sortText: `${menuSort}${m}`, textEdit: { range: rg, newText: m } });
    }
    if (ctx.tokens.length === 0 && !partial.text.includes('/')) {
      for (const c of schema.globalCommands()) {
        items.push({
          label: `:${c}`,
          kind: K.Keyword,
          detail: 'global command',
          sortText: `3${c}`,
          filterText: c,
          textEdit: { range: rg, newText: `:${c}` },
        });
      }
    }
    return items;
  }
  if (!r.verb) return items;

  // Arguments.
  const eq = partial.text.indexOf('=');
  if (eq > 0) {
    const argName = partial.text.slice(0, eq).replace(/^!/, '');
    return valueItems(text, position, offset, partial, eq, argName, r, schema, names);
  }
  if (ctx.inString) return items;
  if (r.global && partial.text === '' && ctx.tokens.length === r.tokensUsed) {
    // `:set ` / `:local `: variable names.
    if (r.verb === 'set') return variableItems(names(), range(partial.start));
  }
  const rg = range(partial.start);
  const args = argsFor(r, schema);
  for (const a of args) {
    if (r.argNames.has(a.name)) continue;
    if (r.global && POSITIONAL_GLOBAL_ARGS.has(a.name)) continue;
    const item: CompletionItem = {
      label: `${a.name}=`,
      filterText: a.name,
      kind: K.Property,
      detail: a.type,
      sortText: a.name,
      textEdit: { range: rg, newText: `${a.name}=` },
    };
    if (a.desc) item.documentation = a.desc;
    if (options.triggerSuggest && (a.enum?.length || nameKindOfArg(r.menu, r.verb, a.name))) {
      item.command = { title: 'Suggest values', command: 'editor.action.triggerSuggest' };
    }
    items.push(item);
  }
  if (SELECTING_VERBS.has(r.verb) && !r.hasWhere && (r.verb === 'find' || r.verb === 'print')) {
    items.push({ label: 'where', kind: K.Keyword, sortText: '0where', textEdit: { range: rg, newText: 'where' } });
  }
  return items;
}

function argsFor(r: Interpretation, schema: Schema): ArgInfo[] {
  const own = schema.argsOf(r.menu, r.verb!);
  if (r.hasWhere || (r.verb && SELECTING_VERBS.has(r.verb) && own.length <= 1)) {
    // `find list=x`, `print where chain=input`: the item properties.
    const props = schema.argsOf(r.menu, 'set');
    const more = props.length > 0 ? props : schema.argsOf(r.menu, 'add');
    const seen = new Set(more.map((a) => a.name));
    return [...more, ...own.filter((a) => !seen.has(a.name) && a.name !== 'where')];
  }
  return own;
}

function valueItems(
  text: string,
  position: LspPosition,
  cursorOffset: number,
  partial: Tok,
  eq: number,
  argName: string,
  r: Interpretation,
  schema: Schema,
  names: () => NameOccurrence[],
): CompletionItem[] {
  let valueStart = partial.start + eq + 1;
  let value = partial.text.slice(eq + 1);
  if (value.startsWith('!')) {
    value = value.slice(1);
    valueStart++;
  }
  if (value.startsWith('"')) {
    value = value.slice(1);
    valueStart++;
  }
  if (value.startsWith('[') || value.startsWith('(') || value.startsWith('{')) return [];
  const lastComma = value.lastIndexOf(',');
  if (lastComma >= 0) valueStart += lastComma + 1;
  const rg: LspRange = { start: startPos(text, position, cursorOffset, valueStart), end: position };
  const items: CompletionItem[] = [];
  const seen = new Set<string>();
  const push = (label: string, kind: CompletionItemKind, sort: string, detail?: string, doc?: string) => {
    if (seen.has(label) || label === '') return;
    seen.add(label);
    const item: CompletionItem = { label, kind, sortText: `${sort}${label}`, textEdit: { range: rg, newText: label } };
    if (detail) item.detail = detail;
    if (doc) item.documentation = doc;
    items.push(item);
  };

  // Names the file defines.
  const kind: NameKind | undefined =
    nameKindOfArg(r.menu, r.verb, argName) ??
    (argName === 'on-event' && r.menu.join(' ') === 'system scheduler' ? 'script' : undefined);
  if (kind) {
    const fw = firewallTable(r.menu);
    const family = r.menu[0] === 'ipv6' ? 'ipv6' : 'ip';
    const counts = new Map<string, number>();
    for (const o of names()) {
      if (o.kind !== kind) continue;
      if ((kind === 'address-list' || kind === 'layer7') && o.family !== family) continue;
      if (kind === 'chain' && (o.family !== fw?.family || o.table !== fw?.table)) continue;
      counts.set(o.name, (counts.get(o.name) ?? 0) + 1);
    }
    const what = { 'address-list': 'address list', 'interface-list': 'interface list', chain: 'chain', layer7: 'layer7 protocol', script: 'script', variable: 'variable' }[kind];
    for (const [name, n] of counts) push(name, K.Reference, '0', `${what} (${n} in this file)`);
    if (kind === 'chain' && fw) for (const c of BUILTIN_CHAINS[fw.table] ?? []) push(c, K.EnumMember, '1', 'builtin chain');
  }

  // Values the router offers.
  let info = schema.argInfo(r.menu, r.verb!, argName);
  if (!info && r.verb && SELECTING_VERBS.has(r.verb)) info = schema.argInfo(r.menu, 'set', argName) ?? schema.argInfo(r.menu, 'add', argName);
  for (const e of info?.enum ?? []) push(e.value, K.EnumMember, '1', e.desc);
  return items;
}

/** Position of `from` (at or before the cursor), cheaply when it is on the cursor's line. */
function startPos(text: string, cursor: LspPosition, cursorOffset: number, from: number): LspPosition {
  const back = cursorOffset - from;
  if (back <= cursor.character) {
    let sameLine = true;
    for (let i = from; i < cursorOffset; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 || c === 13) {
        sameLine = false;
        break;
      }
    }
    if (sameLine) return { line: cursor.line, character: cursor.character - back };
  }
  return positionAt(text, from);
}

function variableItems(occ: NameOccurrence[], rg: LspRange, typedAt = -1): CompletionItem[] {
  const out = new Map<string, CompletionItem>();
  for (const o of occ) {
    // The reference being typed is in the tree too: it does not count.
    if (o.kind !== 'variable' || out.has(o.name) || o.offset === typedAt) continue;
    const global = o.key.startsWith('variable global:');
    out.set(o.name, { label: o.name, kind: K.Variable, detail: global ? 'global variable' : 'local variable', textEdit: { range: rg, newText: o.name } });
  }
  return [...out.values()];
}
