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

/**
 * Visits every command of `script` in order. `startMenu` is the current menu at the start (default the
 * root): pass menuAt(...) to walk a single statement cut out of a larger file.
 */
export function walkScript(script: Script, schema: Schema, visitor: WalkVisitor, startMenu: readonly string[] = []): void {
  let nextId = 0;
  const newScope = (node: Node, parent?: Scope): Scope => ({ id: nextId++, parent, node, bindings: new Map() });

  const walkStatements = (stmts: Statement[], menu: string[], scope: Scope, depth: number) => {
    const state = { menu };
    for (const st of stmts) {
      if (!st) continue;
      if (st.kind === 'block') walkStatements(st.statements ?? [], [...state.menu], newScope(st, scope), depth + 1);
      else if (st.kind === 'command') walkCommand(st, state, scope, depth);
    }
  };

  const walkCommand = (cmd: Command, state: { menu: string[] }, scope: Scope, depth: number) => {
    // Plain loops, no closures: this runs for every command of every request (see bench/completion.ts).
    const words: string[] = [];
    const segs = cmd.path?.segments;
    if (segs) for (let i = 0; i < segs.length; i++) words.push(segs[i].text);
    const base = cmd.path?.absolute ? [] : state.menu;
    const verbText = cmd.verb?.text;
    let visit: CommandVisit;
    if (verbText && verbText.startsWith(':')) {
      visit = { command: cmd, menu: [], verb: verbText.slice(1), global: true, menuChange: false, depth, scope };
    } else if (cmd.callee) {
      visit = { command: cmd, menu: [...base], global: false, menuChange: false, depth, scope };
    } else {
      if (verbText) words.push(verbText);
      const r = schema.resolve(words, base);
      if (verbText) words.pop();
      if (r.command && r.rest.length === 0) {
        visit = { command: cmd, menu: r.menu, verb: r.command, global: false, menuChange: false, depth, scope };
      } else if (!verbText) {
        // Unknown menus are kept as written: the table may not know an older or newer menu.
        visit = { command: cmd, menu: joinMenu(base, words), global: false, menuChange: true, depth, scope };
      } else {
        const menu = joinMenu(base, words);
        const isGlobal = !schema.hasCommand(menu, verbText) && schema.hasCommand([], verbText) && words.length === 0;
        visit = {
          command: cmd,
          menu: isGlobal ? [] : menu,
          verb: verbText,
          global: isGlobal,
          menuChange: false,
          depth,
          scope,
        };
      }
    }
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
    switch (v.kind) {
      case 'variable':
        visitor.variable?.(v, scope);
        return;
      case 'string':
        for (const p of v.parts ?? []) if (p.kind === 'interpolation') walkValue(p.value, menu, scope, depth);
        if (v.embedded) walkStatements(v.embedded.statements ?? [], [], newScope(v.embedded), depth + 1);
        return;
      case 'substitution':
        walkStatements(v.statements ?? [], [...menu], scope, depth + 1);
        return;
      case 'code':
        walkStatements(v.statements ?? [], [...menu], newScope(v, scope), depth + 1);
        return;
      case 'paren':
        walkValue(v.expression, menu, scope, depth);
        return;
      case 'array':
        for (const e of v.elements ?? []) {
          walkValue(e.key, menu, scope, depth);
          walkValue(e.value, menu, scope, depth);
        }
        return;
      case 'negated':
        walkValue(v.value, menu, scope, depth);
        return;
      case 'binary':
        walkValue(v.left, menu, scope, depth);
        walkValue(v.right, menu, scope, depth);
        return;
      case 'unary':
        walkValue(v.operand, menu, scope, depth);
        return;
      default:
        return;
    }
  };

  walkStatements(script.statements ?? [], [...startMenu], newScope(script), 0);
}

interface MenuChange {
  /** End of the menu-change command. */
  end: number;
  start: number;
  depth: number;
  menu: string[];
  scope: Scope;
}

const changesCache = new WeakMap<Script, Map<Schema, MenuChange[]>>();

/** Every bare menu change (`/ip firewall filter`) in the file, in order; cached per tree and schema. */
function menuChanges(script: Script, schema: Schema): MenuChange[] {
  let perSchema = changesCache.get(script);
  if (!perSchema) changesCache.set(script, (perSchema = new Map()));
  let list = perSchema.get(schema);
  if (!list) {
    const out: MenuChange[] = [];
    walkScript(script, schema, {
      command(v) {
        if (v.menuChange && v.command.args.length === 0) {
          out.push({ start: v.command.range.start.offset, end: v.command.range.end.offset, depth: v.depth, menu: v.menu, scope: v.scope });
        }
      },
    });
    list = out;
    perSchema.set(schema, list);
  }
  return list;
}

/** The current menu at `offset` (what a relative command typed there would run in). */
export function menuAt(script: Script, schema: Schema, offset: number): string[] {
  // The last menu change before the offset in the innermost scope that holds the offset.
  let result: string[] = [];
  let bestDepth = -1;
  for (const c of menuChanges(script, schema)) {
    if (c.start >= offset) break;
    if (c.end > offset || !scopeContains(c.scope, offset)) continue;
    if (c.depth >= bestDepth) {
      bestDepth = c.depth;
      result = c.menu;
    }
  }
  return result;
}

function scopeContains(scope: Scope, offset: number): boolean {
  if (scope.node.range === undefined) return true;
  // The file scope covers everything; nested scopes their braces.
  if (!scope.parent && (scope.node as { kind?: string }).kind === 'script') return true;
  return scope.node.range.start.offset <= offset && offset <= scope.node.range.end.offset;
}
