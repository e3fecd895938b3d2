// Names a script defines and uses: address lists, interface lists, firewall chains, layer7 protocols,
// scripts and variables. Go to definition, find references, document highlights and rename are pure
// functions over the syntax tree; outputs are LSP-shaped (ranges in the one document).
//
// Identity ("key") of a name:
//   address-list  `address-list ip secured`   (ip and ipv6 lists are separate)
//   chain         `chain ip filter knock`     (per family and table; builtin chains cannot be renamed)
//   interface-list `interface-list WAN`, layer7 `layer7 ip pass`, script `script backup`
//   variable      `variable local:<scope>:<n>:x` or `variable global:x` (a `$x` that no `:local`
//                 before it declares refers to the global `x`).

import type { Position as LspPosition, Range as LspRange, TextEdit as LspTextEdit } from 'vscode-languageserver-types';
import type { Argument, Node, ParseResult, StringLiteral, Value, Word } from '../parser/ast';
import type { Schema } from '../schema';
import { walkScript } from '../schema/walk';
import type { CommandVisit, Scope } from '../schema/walk';
import { offsetAt, subRange } from './textPos';

export type NameKind = 'address-list' | 'interface-list' | 'chain' | 'layer7' | 'script' | 'variable';

export interface NameOccurrence {
  kind: NameKind;
  key: string;
  name: string;
  /** Exactly the name's characters: no quotes, no `!`, no `$`. */
  range: LspRange;
  offset: number;
  end: number;
  /** The occurrence creates the name (`list=` of an address-list entry, `chain=` of a rule, `:local x`). */
  def: boolean;
  /** Family for address lists, chains and layer7. */
  family?: 'ip' | 'ipv6';
  /** Table for chains. */
  table?: string;
  /** The name is inside a quoted string whose source text equals the name (rename keeps the quotes). */
  inString: boolean;
}

export interface NameIndex {
  /** Sorted by offset. */
  occurrences: NameOccurrence[];
  byKey: Map<string, NameOccurrence[]>;
}

export const BUILTIN_CHAINS: Record<string, readonly string[]> = {
  filter: ['input', 'forward', 'output'],
  nat: ['srcnat', 'dstnat', 'input', 'output'],
  mangle: ['prerouting', 'input', 'forward', 'output', 'postrouting'],
  raw: ['prerouting', 'output'],
};
export const BUILTIN_INTERFACE_LISTS = ['all', 'none', 'dynamic', 'static'];

const FIREWALL_TABLES = new Set(['filter', 'nat', 'mangle', 'raw']);

interface MenuFacts {
  key: string;
  fw?: { family: 'ip' | 'ipv6'; table: string };
  family: 'ip' | 'ipv6';
}

/** Per menu array (the schema hands out shared arrays), so the index allocates nothing per argument. */
const factsCache = new WeakMap<readonly string[], MenuFacts>();

function menuFacts(menu: readonly string[]): MenuFacts {
  let f = factsCache.get(menu);
  if (!f) {
    const fw =
      menu.length === 3 && (menu[0] === 'ip' || menu[0] === 'ipv6') && menu[1] === 'firewall' && FIREWALL_TABLES.has(menu[2])
        ? { family: menu[0] as 'ip' | 'ipv6', table: menu[2] }
        : undefined;
    f = { key: menu.join(' '), fw, family: menu[0] === 'ipv6' ? 'ipv6' : 'ip' };
    factsCache.set(menu, f);
  }
  return f;
}

const familyOf = (menu: readonly string[]): 'ip' | 'ipv6' => menuFacts(menu).family;

/** Is the menu a firewall rule table (`ip firewall filter`, `ipv6 firewall raw`, ...)? */
export function firewallTable(menu: readonly string[]): { family: 'ip' | 'ipv6'; table: string } | undefined {
  return menuFacts(menu).fw;
}

/** What kind of name the value of `argName` is, in a command of `menu` (undefined: not a name). */
export function nameKindOfArg(menu: readonly string[], verb: string | undefined, argName: string): NameKind | undefined {
  const { key, fw } = menuFacts(menu);
  if (fw) {
    if (argName === 'src-address-list' || argName === 'dst-address-list' || argName === 'address-list') return 'address-list';
    if (argName === 'chain' || argName === 'jump-target') return 'chain';
    if (argName === 'layer7-protocol') return 'layer7';
  }
  if (argName.endsWith('interface-list')) return 'interface-list';
  switch (key) {
    case 'ip firewall address-list':
    case 'ipv6 firewall address-list':
      if (argName === 'list') return 'address-list';
      break;
    case 'interface list member':
      if (argName === 'list') return 'interface-list';
      break;
    case 'interface list':
      if (argName === 'name' || argName === 'include' || argName === 'exclude') return 'interface-list';
      break;
    case 'ip firewall layer7-protocol':
      if (argName === 'name') return 'layer7';
      break;
    case 'system script':
      if (argName === 'name') return 'script';
      break;
  }
  if (argName === 'address-list' || argName === 'address-lists') return 'address-list';
  void verb;
  return undefined;
}

/** Verbs of `/system script` whose first positional argument names a script. */
const SCRIPT_SELECTING_VERBS = new Set(['run', 'get', 'set', 'remove', 'enable', 'disable', 'edit', 'comment']);

/** Arguments whose value is a comma-separated list of names. */
const LIST_ARGS = new Set(['include', 'exclude', 'address-lists']);

function keyOf(kind: NameKind, name: string, menu: readonly string[]): { key: string; family?: 'ip' | 'ipv6'; table?: string } {
  switch (kind) {
    case 'address-list': {
      const family = familyOf(menu);
      return { key: `address-list ${family} ${name}`, family };
    }
    case 'chain': {
      const fw = firewallTable(menu)!;
      return { key: `chain ${fw.family} ${fw.table} ${name}`, family: fw.family, table: fw.table };
    }
    case 'layer7': {
      const family = familyOf(menu);
      return { key: `layer7 ${family} ${name}`, family };
    }
    default:
      return { key: `${kind} ${name}` };
  }
}

const cache = new WeakMap<ParseResult, Map<Schema, NameIndex>>();

/** Every name occurrence in the file; cached per parse result and schema. */
export function indexNames(parse: ParseResult, schema: Schema, text: string): NameIndex {
  let perSchema = cache.get(parse);
  if (!perSchema) {
    perSchema = new Map();
    cache.set(parse, perSchema);
  }
  const hit = perSchema.get(schema);
  if (hit) return hit;
  const occurrences: NameOccurrence[] = [];
  let localCounter = 0;

  /**
   * Records `name` found at `offset` inside `node`. The computed offset is checked against the text:
   * inside code strings (`source="..."`) escapes such as `\$x` or `\"a\"` shift it, so it is then
   * searched for within the node; a name not found there is left out (better no rename than a wrong one).
   */
  const add = (
    kind: NameKind,
    name: string,
    menu: readonly string[],
    offset: number,
    def: boolean,
    inString: boolean,
    node: Node,
    key?: string,
  ) => {
    if (!name) return;
    let range: LspRange | undefined;
    const nodeStart = node.range.start.offset;
    if (text.startsWith(name, offset) && !hasLineBreak(text, nodeStart, offset)) {
      range = subRange(node.range.start, offset, offset + name.length);
    } else {
      // Bounded search inside the node (an unbounded indexOf would scan the rest of the file).
      const at = text.slice(nodeStart, node.range.end.offset).indexOf(name);
      if (at < 0) return;
      offset = nodeStart + at;
      const start = positionFrom(text, node.range.start, offset);
      range = { start, end: { line: start.line, character: start.character + name.length } };
      inString = inString || text[offset - 1] === '"';
    }
    const k = keyOf(kind, name, menu);
    occurrences.push({ kind, key: key ?? k.key, name, range, offset, end: offset + name.length, def, family: k.family, table: k.table, inString });
  };

  /** Adds the name(s) a literal value holds: words (comma lists split), constant strings, `!` forms. */
  const addValue = (kind: NameKind, v: Value | null | undefined, menu: readonly string[], def: boolean, list: boolean) => {
    if (!v) return;
    if (v.kind === 'negated') return addValue(kind, v.value, menu, def, list);
    if (v.kind === 'word') {
      addWord(kind, v, menu, def, list);
    } else if (v.kind === 'string' && v.constant) {
      const inner = stringInner(v);
      if (inner !== undefined) {
        const pieces = list ? splitList(inner.text, inner.offset) : [{ text: inner.text, offset: inner.offset }];
        for (const p of pieces) add(kind, p.text, menu, p.offset, def, true, v);
      }
    }
  };
  const addWord = (kind: NameKind, w: Word, menu: readonly string[], def: boolean, list: boolean) => {
    let text = w.text;
    let offset = w.range.start.offset;
    if (text.startsWith('!')) {
      text = text.slice(1);
      offset++;
    }
    const pieces = list ? splitList(text, offset) : [{ text, offset }];
    for (const p of pieces) {
      if (p.text.startsWith('$') || p.text.includes('[')) continue;
      add(kind, p.text, menu, p.offset, def, false, w);
    }
  };

  const resolveVar = (name: string, scope: Scope): string => {
    for (let s: Scope | undefined = scope; s; s = s.parent) {
      const b = s.bindings.get(name);
      if (b) return b;
    }
    return `global:${name}`;
  };

  walkScript(parse.script, schema, {
    command(v: CommandVisit) {
      const cmd = v.command;
      if (v.global || (v.menu.length === 0 && v.verb)) {
        const verb = v.verb;
        // :local x / :global x / :set x / :foreach x in= / :for x from=
        if (verb === 'local' || verb === 'global' || verb === 'set' || verb === 'foreach' || verb === 'for') {
          const first = cmd.args.find((a) => !a.name);
          const w = first?.value;
          const name = w?.kind === 'word' ? w.text : w?.kind === 'string' && w.constant ? w.value : undefined;
          if (w && name && /^[^\s$\[\](){};="]+$/.test(name)) {
            let key: string;
            if (verb === 'global') {
              key = `global:${name}`;
              v.scope.bindings.set(name, key);
            } else if (verb === 'set') {
              key = resolveVar(name, v.scope);
            } else {
              key = `local:${v.scope.id}:${localCounter++}:${name}`;
              v.scope.bindings.set(name, key);
            }
            const start = w.range.start.offset + (w.kind === 'string' ? 1 : 0);
            add('variable', name, [], start, verb !== 'set', w.kind === 'string', w, `variable ${key}`);
          }
        }
        return;
      }
      for (const a of cmd.args) visitArg(a, v);
      scriptRefs(v);
    },
    variable(ref, scope) {
      if (!ref.name) return;
      const key = resolveVar(ref.name, scope);
      const start = ref.range.start.offset + 1 + (ref.quoted ? 1 : 0);
      add('variable', ref.name, [], start, false, ref.quoted, ref, `variable ${key}`);
    },
  });

  /** `/system script run NAME` (and get/remove/...), scheduler `on-event=NAME`: references to scripts. */
  function scriptRefs(v: CommandVisit) {
    const key = menuFacts(v.menu).key;
    const cmd = v.command;
    if (key === 'system script' && v.verb && SCRIPT_SELECTING_VERBS.has(v.verb)) {
      const first = cmd.args.find((a) => !a.name);
      if (first) addValue('script', first.value, v.menu, false, false);
    } else if (key === 'system scheduler') {
      const ev = cmd.args.find((a) => a.name?.text === 'on-event' && !a.negatedName)?.value;
      if (ev?.kind === 'word' && /^[\w.-]+$/.test(ev.text)) addValue('script', ev, v.menu, false, false);
      else if (ev?.kind === 'string' && ev.constant && /^[\w.-]+$/.test(ev.value)) addValue('script', ev, v.menu, false, false);
    }
  }

  function visitArg(a: Argument, v: CommandVisit) {
    const menu = v.menu;
    if (a.name && !a.negatedName) {
      const argName = a.name.text;
      const kind = nameKindOfArg(menu, v.verb, argName);
      if (!kind) return;
      if (kind === 'chain' && !firewallTable(menu)) return;
      const def = isDefinition(kind, menu, v.verb, argName);
      addValue(kind, a.value, menu, def, LIST_ARGS.has(argName));
      return;
    }
    // `where list=x` / `find where name="x"` kept raw by the parser: positional words `list=x`.
    if (!a.name && a.value?.kind === 'word') {
      const m = /^([a-z0-9-]+)=(.+)$/.exec(a.value.text);
      if (m) {
        const kind = nameKindOfArg(menu, v.verb, m[1]);
        if (kind && kind !== 'chain') {
          let value = m[2];
          let offset = a.value.range.start.offset + m[1].length + 1;
          if (value.startsWith('"') && value.endsWith('"') && value.length >= 2 && !value.includes('\\')) {
            value = value.slice(1, -1);
            offset++;
          }
          if (value && !value.startsWith('$')) add(kind, value, menu, offset, false, m[2].startsWith('"'), a.value);
        }
      }
    }
  }

  occurrences.sort((a, b) => a.offset - b.offset);
  const byKey = new Map<string, NameOccurrence[]>();
  for (const o of occurrences) {
    let l = byKey.get(o.key);
    if (!l) byKey.set(o.key, (l = []));
    l.push(o);
  }
  const index = { occurrences, byKey };
  perSchema.set(schema, index);
  return index;
}

function isDefinition(kind: NameKind, menu: readonly string[], verb: string | undefined, argName: string): boolean {
  const creates = verb === 'add' || verb === 'set';
  switch (kind) {
    case 'address-list':
      // Static entries and the rules that fill a list define it.
      return (creates && argName === 'list') || (creates && argName === 'address-list' && !!firewallTable(menu));
    case 'chain':
      return creates && argName === 'chain';
    case 'interface-list':
      return creates && argName === 'name' && menuFacts(menu).key === 'interface list';
    case 'layer7':
    case 'script':
      return creates && argName === 'name';
    default:
      return false;
  }
}

/** The text between a constant string's quotes when it equals the runtime value (no escapes). */
function stringInner(s: StringLiteral): { text: string; offset: number } | undefined {
  const raw = s.raw;
  if (!raw || raw.length < 2 || raw[0] !== '"') return undefined;
  const inner = raw.endsWith('"') ? raw.slice(1, -1) : raw.slice(1);
  if (inner !== s.value || inner.includes('\\')) return undefined;
  return { text: inner, offset: s.range.start.offset + 1 };
}

/** LSP position of `offset`, counted from a known position before it (no scan from the file start). */
function positionFrom(text: string, base: { line: number; column: number; offset: number }, offset: number): LspRange['start'] {
  let line = base.line;
  let lineStart = base.offset - base.column;
  for (let i = base.offset; i < offset; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, character: offset - lineStart };
}

function hasLineBreak(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) return true;
  }
  return false;
}

function splitList(text: string, offset: number): Array<{ text: string; offset: number }> {
  const out: Array<{ text: string; offset: number }> = [];
  let start = 0;
  for (const piece of text.split(',')) {
    out.push({ text: piece, offset: offset + start });
    start += piece.length + 1;
  }
  return out.filter((p) => p.text.length > 0);
}

// ---------------------------------------------------------------------------------------------
// Queries

/** The occurrence under the cursor (a cursor right after a name counts). */
export function occurrenceAt(index: NameIndex, offset: number): NameOccurrence | undefined {
  const occ = index.occurrences;
  let lo = 0;
  let hi = occ.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (occ[mid].end < offset) lo = mid + 1;
    else if (occ[mid].offset > offset) hi = mid - 1;
    else return occ[mid];
  }
  return undefined;
}

export function isBuiltinName(o: Pick<NameOccurrence, 'kind' | 'name' | 'table'>): boolean {
  if (o.kind === 'chain') return (BUILTIN_CHAINS[o.table ?? ''] ?? []).includes(o.name);
  if (o.kind === 'interface-list') return BUILTIN_INTERFACE_LISTS.includes(o.name);
  return false;
}

/** Where the name under the cursor is defined: its defining occurrences (first one first). */
export function definition(text: string, parse: ParseResult, position: LspPosition, schema: Schema): LspRange[] {
  const index = indexNames(parse, schema, text);
  const o = occurrenceAt(index, offsetAt(text, position));
  if (!o) return [];
  const all = index.byKey.get(o.key) ?? [];
  const defs = all.filter((x) => x.def);
  return (defs.length > 0 ? defs : o.kind === 'variable' ? [] : [all[0]]).map((x) => x.range);
}

/** Every occurrence of the name under the cursor. */
export function references(
  text: string,
  parse: ParseResult,
  position: LspPosition,
  schema: Schema,
  includeDeclaration = true,
): LspRange[] {
  const index = indexNames(parse, schema, text);
  const o = occurrenceAt(index, offsetAt(text, position));
  if (!o) return [];
  return (index.byKey.get(o.key) ?? []).filter((x) => includeDeclaration || !x.def).map((x) => x.range);
}

/** Occurrences for highlighting: definitions as writes (3), uses as reads (2). */
export function documentHighlights(
  text: string,
  parse: ParseResult,
  position: LspPosition,
  schema: Schema,
): Array<{ range: LspRange; kind: 2 | 3 }> {
  const index = indexNames(parse, schema, text);
  const o = occurrenceAt(index, offsetAt(text, position));
  if (!o) return [];
  return (index.byKey.get(o.key) ?? []).map((x) => ({ range: x.range, kind: x.def ? 3 : 2 }));
}

export interface PrepareRenameResult {
  range: LspRange;
  placeholder: string;
}

/** The name's range when it can be renamed, otherwise an error message. */
export function prepareRename(
  text: string,
  parse: ParseResult,
  position: LspPosition,
  schema: Schema,
): PrepareRenameResult | { error: string } {
  const index = indexNames(parse, schema, text);
  const o = occurrenceAt(index, offsetAt(text, position));
  if (!o) return { error: 'Only address lists, interface lists, chains, layer7 protocols, scripts and variables can be renamed.' };
  if (isBuiltinName(o)) return { error: `\`${o.name}\` is built into RouterOS and cannot be renamed.` };
  return { range: o.range, placeholder: o.name };
}

/** Characters that force quoting a name in a bare word. */
const NEEDS_QUOTES = /[\s;{}\[\]()=,!#]/;

/** Edits renaming the name under the cursor everywhere (negated `!name` and quoted forms included). */
export function rename(
  text: string,
  parse: ParseResult,
  position: LspPosition,
  newName: string,
  schema: Schema,
): { edits: LspTextEdit[] } | { error: string } {
  const prep = prepareRename(text, parse, position, schema);
  if ('error' in prep) return prep;
  const index = indexNames(parse, schema, text);
  const o = occurrenceAt(index, offsetAt(text, position))!;
  if (!newName || /["\\$\r\n]/.test(newName)) return { error: 'A name cannot be empty or contain `"`, `\\`, `$` or line breaks.' };
  if (o.kind === 'variable' && !/^[A-Za-z_][A-Za-z0-9_-]*$/.test(newName)) {
    return { error: 'A variable name must start with a letter or `_` and hold only letters, digits, `_` and `-`.' };
  }
  if (NEEDS_QUOTES.test(newName) && !['address-list', 'interface-list', 'layer7', 'script'].includes(o.kind)) {
    return { error: `\`${newName}\` is not a valid ${o.kind} name.` };
  }
  const edits: LspTextEdit[] = [];
  for (const x of index.byKey.get(o.key) ?? []) {
    let range = x.range;
    let newText = newName;
    if (!x.inString && NEEDS_QUOTES.test(newName)) {
      // A bare word becomes a quoted string; a comma list cannot hold one.
      const before = text[x.offset - 1];
      const after = text[x.end];
      if (before === ',' || after === ',') return { error: `\`${newName}\` needs quotes, which a comma-separated list cannot hold.` };
      newText = `"${newName}"`;
      range = x.range;
    }
    edits.push({ range, newText });
  }
  return { edits };
}


