// Walks a syntax tree in execution order and tells each command the menu it runs in, resolving
// relative paths, `..`, bare menu changes (`/ip firewall filter` then `add ...`) and block scopes
// against the command tree. Also reports variable scopes and references, for the editor features.
//
// Menu rules (as RouterOS runs a script):
//  - a command with a path and no verb changes the current menu of its scope (`/ip firewall filter`);
//  - a command with a path and a verb runs there without changing the current menu;
//  - `{}` blocks, `do={}` bodies and `[ ]` substitutions start with the enclosing menu, and their menu
//    changes do not leak out; code in strings (`source="..."`) starts at the root menu.

import type {
  Argument,
  Command,
  Expression,
  Node,
  Script,
  Statement,
  Value,
  VariableRef,
} from '../parser/ast';
import type { Schema } from './index';
import { MAX_NESTING, valueChildren } from '../parser/visit';

export interface Scope {
  id: number;
  parent?: Scope;
  /** The node that opens the scope (script, block, code block); the embedded script for code strings. */
  node: Node;
  /** Variable name -> identity key (`local:<id>` or `global:<name>`), as declared so far. */
  bindings: Map<string, string>;
}

export interface CommandVisit {
  command: Command;
  /** The menu the command runs in (for a bare menu change: the new menu). */
  menu: string[];
  /** The command name (`add`, `set`, and for global commands without `:`: `local`, `foreach`, ...). */
  verb?: string;
  /** True for `:local`-style global commands. */
  global: boolean;
  /** The command only changes the current menu. */
  menuChange: boolean;
  /** The enclosing command's nesting: 0 at top level of the file. */
  depth: number;
  scope: Scope;
}

export interface WalkVisitor {
  command?(v: CommandVisit): void;
  /** A `$name` reference (in values, expressions and string interpolations). */
  variable?(ref: VariableRef, scope: Scope): void;
}

/** Joins `words` onto `base`, `..` going up. */
export function joinMenu(base: readonly string[], words: readonly string[]): string[] {
  const out = [...base];
  for (const w of words) {
    if (w === '..') out.pop();
    else if (w !== '' && w !== '/') out.push(w);
  }
  return out;
}

export interface CommandClass {
  /** The menu the command runs in (for a bare menu change: the new menu). Shared: do not mutate. */
  menu: string[];
  verb?: string;
  global: boolean;
  menuChange: boolean;
}

const ROOT: string[] = [];

/** What a command is, given the current menu: see CommandVisit. */
export function classifyCommand(cmd: Command, current: string[], schema: Schema): CommandClass {
  const verbText = cmd.verb?.text;
  if (verbText && verbText.startsWith(':')) return { menu: ROOT, verb: verbText.slice(1), global: true, menuChange: false };
  const base = cmd.path?.absolute ? ROOT : current;
  if (cmd.callee) return { menu: base, global: false, menuChange: false };
  // Plain loops, no closures: this runs for every command of every request (see bench/completion.ts).
  const words: string[] = [];
  const segs = cmd.path?.segments;
  if (segs) for (let i = 0; i < segs.length; i++) words.push(segs[i].text);
  if (verbText) words.push(verbText);
  const r = schema.resolve(words, base);
  if (verbText) words.pop();
  if (r.command && r.rest.length === 0) return { menu: r.menu, verb: r.command, global: false, menuChange: false };
  // Unknown menus are kept as written: the table may not know an older or newer menu.
  if (!verbText) return { menu: r.rest.length === 0 ? r.menu : joinMenu(base, words), global: false, menuChange: true };
  const menu = joinMenu(base, words);
  const isGlobal = words.length === 0 && !schema.hasCommand(menu, verbText) && schema.hasCommand(ROOT, verbText);
  return { menu: isGlobal ? ROOT : menu, verb: verbText, global: isGlobal, menuChange: false };
}

/**
 * Visits every command of `script` in order. `startMenu` is the current menu at the start (default the
 * root): pass menuAt(...) to walk a single statement cut out of a larger file.
 */
export function walkScript(script: Script, schema: Schema, visitor: WalkVisitor, startMenu: readonly string[] = []): void {
  let nextId = 0;
  const newScope = (node: Node, parent?: Scope): Scope => ({ id: nextId++, parent, node, bindings: new Map() });

  // Editor features walk in source order with scopes, so this recurses: past MAX_NESTING levels (thousands
  // of nested `:if`) the deeper code is not visited (no tokens, no names there) instead of overflowing.
  let nesting = 0;
  const walkStatements = (stmts: Statement[], menu: string[], scope: Scope, depth: number) => {
    if (nesting >= MAX_NESTING) return;
    nesting++;
    try {
      const state = { menu };
      for (const st of stmts) {
        if (!st) continue;
        if (st.kind === 'block') walkStatements(st.statements ?? [], [...state.menu], newScope(st, scope), depth + 1);
        else if (st.kind === 'command') walkCommand(st, state, scope, depth);
      }
    } finally {
      nesting--;
    }
  };

  const walkCommand = (cmd: Command, state: { menu: string[] }, scope: Scope, depth: number) => {
    const c = classifyCommand(cmd, state.menu, schema);
    const visit: CommandVisit = { command: cmd, menu: c.menu, verb: c.verb, global: c.global, menuChange: c.menuChange, depth, scope };
    if (visit.menuChange && cmd.args.length === 0) state.menu = visit.menu;
    visitor.command?.(visit);
    if (cmd.callee) walkValue(cmd.callee, state.menu, scope, depth);
    const args = cmd.args;
    if (args) for (let i = 0; i < args.length; i++) walkArg(args[i], visit, state.menu, scope, depth);
  };

  const walkArg = (a: Argument, visit: CommandVisit, current: string[], scope: Scope, depth: number) => {
    const v = a?.value;
    if (!v) return;
    const menuCommand = !visit.global && !!visit.verb;
    if (menuCommand && v.kind === 'code') {
      // `source={...}` / `on-event={...}`: a script of its own, run from the root menu.
      walkStatements(v.statements ?? [], [], newScope(v), depth + 1);
    } else if (menuCommand && v.kind === 'substitution') {
      // `/ip firewall filter remove [find ...]`: `find` runs in the command's menu.
      walkStatements(v.statements ?? [], [...visit.menu], scope, depth + 1);
    } else {
      walkValue(v, visit.menuChange ? visit.menu : current, scope, depth);
    }
  };

  const walkValue = (v: Value | Expression | null | undefined, menu: string[], scope: Scope, depth: number): void => {
    if (!v) return;
    if (v.kind === 'variable') {
      visitor.variable?.(v, scope);
      return;
    }
    if (nesting >= MAX_NESTING) return;
    nesting++;
    try {
      if (v.kind === 'array') {
        // an element's key too (`{a=1}`): editor features colour and resolve it
        for (const e of v.elements ?? []) {
          walkValue(e.key, menu, scope, depth);
          walkValue(e.value, menu, scope, depth);
        }
        return;
      }
      for (const c of valueChildren(v)) {
        if (c.kind === 'value') walkValue(c.value, menu, scope, depth);
        else if (c.via === 'embedded') walkStatements(c.statements ?? [], [], newScope(v.kind === 'string' && v.embedded ? v.embedded : v), depth + 1);
        else if (c.via === 'substitution') walkStatements(c.statements ?? [], [...menu], scope, depth + 1);
        else walkStatements(c.statements ?? [], [...menu], newScope(v, scope), depth + 1);
      }
    } finally {
      nesting--;
    }
  };

  walkStatements(script.statements ?? [], [...startMenu], newScope(script), 0);
}

const holds = (n: Node | null | undefined, offset: number) =>
  !!n && !!n.range && n.range.start.offset < offset && offset <= n.range.end.offset;

/**
 * The current menu at `offset` (what a relative command typed there would run in). Only the
 * statements before the offset at each level and the nodes holding the offset are looked at, so this
 * is cheap enough for every completion request on a fresh parse.
 */
export function menuAt(script: Script, schema: Schema, offset: number): string[] {
  return menuIn(script.statements ?? [], ROOT, schema, offset);
}

function menuIn(stmts: Statement[], start: string[], schema: Schema, offset: number): string[] {
  let cur = start;
  for (const st of stmts) {
    if (!st || st.range.start.offset >= offset) break;
    if (st.kind === 'block') {
      if (holds(st, offset) && (st.closed === false || offset < st.range.end.offset)) return menuIn(st.statements ?? [], cur, schema, offset);
      continue;
    }
    if (st.kind !== 'command') continue;
    if (holds(st, offset)) {
      const c = classifyCommand(st, cur, schema);
      const menuCommand = !c.global && !!c.verb;
      for (const a of st.args ?? []) {
        const inner = innerCode(a.value, offset);
        if (!inner) continue;
        // stored code (`source={...}`) starts at the root; a menu block (`/ip firewall filter { ... }`) in its menu
        if (inner.kind === 'code') return menuIn(inner.statements ?? [], menuCommand ? ROOT : c.menuChange ? c.menu : cur, schema, offset);
        if (inner.kind === 'substitution') return menuIn(inner.statements ?? [], menuCommand ? c.menu : cur, schema, offset);
        if (inner.kind === 'embedded') return menuIn(inner.statements, ROOT, schema, offset);
      }
      return cur;
    }
    if (!st.verb && !st.callee && st.path && (st.args?.length ?? 0) === 0) cur = classifyCommand(st, cur, schema).menu;
  }
  return cur;
}

type Inner =
  | { kind: 'code'; statements: Statement[] }
  | { kind: 'substitution'; statements: Statement[] }
  | { kind: 'embedded'; statements: Statement[] };

/** The outermost code block, substitution or code string inside `v` that holds `offset`. */
function innerCode(v: Value | Expression | null | undefined, offset: number): Inner | undefined {
  if (!v || !holds(v, offset)) return undefined;
  switch (v.kind) {
    case 'code':
      return { kind: 'code', statements: v.statements };
    case 'substitution':
      return { kind: 'substitution', statements: v.statements };
    case 'string':
      if (v.embedded) return { kind: 'embedded', statements: v.embedded.statements };
      if (!v.constant) for (const p of v.parts ?? []) if (p.kind === 'interpolation') {
        const r = innerCode(p.value, offset);
        if (r) return r;
      }
      return undefined;
    case 'paren':
      return innerCode(v.expression, offset);
    case 'negated':
      return innerCode(v.value, offset);
    case 'binary':
      return innerCode(v.left, offset) ?? innerCode(v.right, offset);
    case 'unary':
      return innerCode(v.operand, offset);
    case 'array':
      for (const e of v.elements ?? []) {
        const r = innerCode(e.value, offset);
        if (r) return r;
      }
      return undefined;
    default:
      return undefined;
  }
}
