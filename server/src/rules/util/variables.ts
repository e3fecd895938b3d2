// Variable scopes of a script, as RouterOS resolves them, for `undefined-variable` and `unused-variable`.
//
// RouterOS rules (Manual:Scripting, "Scopes"): every variable except the ones RouterOS itself provides must be
// declared (`:local`, `:global`, a loop variable) before it is used; a variable declared in a `{ }` block, a
// `do={ }` body or a function is visible only there, and only after its declaration. A reference to an undeclared
// name is a compile error: the script (or the imported line) does not run.
//
// Precision first, so the analysis stays silent wherever the script cannot know:
//  - a `:global` declared ANYWHERE in the file (or in another script of the workspace, `env.workspaceGlobals`)
//    counts as declared: another script may set it before this one runs;
//  - function bodies (`:local f do={...}`, `[:parse "..."]`) receive named parameters from their callers, and
//    `do={}` bodies of menu commands (`monitor-traffic ... do={ $"rx-bits-per-second" }`) and event scripts
//    (`lease-script`, `on-up`, `up-script`, ...) receive variables from RouterOS: names nobody declared there
//    are never reported;
//  - `$1`..`$9`, `$0` (function arguments) are never reported;
//  - strings with interpolation that hold code (`source=":put $x"`) interpolate `$x` NOW, in the outer scope;
//    their embedded code is not judged;
//  - the top level of a file is taken as one scope (pasted into a terminal each line is its own scope, but the
//    same file run as a script is one: reporting it would be a guess).
// A local counts as read when its `$name` appears anywhere after the declaration inside its scope, also in text
// the parser keeps raw (`where address=$ip`), so `unused-variable` never claims a used variable is unused.

import type { Argument, Command, Expression, Node, Script, Statement, Value, VariableRef } from '../../parser/ast';
import { MAX_NESTING, valueChildren, walkCommandsDeep } from '../../parser/visit';

export type DeclKind = 'local' | 'global' | 'loop' | 'error';

export interface VarDecl {
  name: string;
  kind: DeclKind;
  /** The name's node (word or string) in the declaring command. */
  node: Node;
  /** The declaring command. */
  command: Command;
  /** Resolved `$name` references. */
  reads: number;
  /** End offset of the scope the declaration lives in (for the textual read check). */
  scopeEnd: number;
  /** Declared in the file's top-level scope. */
  topLevel: boolean;
  /** @internal the unit (script or function) it belongs to. */
  unit: object;
}

export interface UndefinedRef {
  /** The first reference of the name in its script or function. */
  ref: VariableRef;
  /** Later references of the same name in the same script or function (one finding covers them). */
  more: VariableRef[];
  /** A declaration of the same name that is not visible here (a block that ended, or later in the scope). */
  hidden?: VarDecl;
  /** Names visible at the reference (for "did you mean"). */
  visible: string[];
}

export interface VariableAnalysis {
  decls: VarDecl[];
  undefinedRefs: UndefinedRef[];
}

type ScopeKind = 'file' | 'block' | 'function' | 'opaque' | 'stored';

interface Scope {
  kind: ScopeKind;
  parent?: Scope;
  vars: Map<string, VarDecl>;
  end: number;
  /** The script or function this scope belongs to: the nearest file, stored, function or opaque scope. */
  unit: Scope;
  /** For a unit: names nobody declared are reported (the file, a scheduler's code). */
  strict: boolean;
}

/**
 * Stored code judged strictly: a scheduler's `on-event` code receives nothing. Everything else stored is
 * lenient: event scripts get RouterOS's variables, script sources may be called as functions.
 */
const STRICT_STORED_ARGS = new Set(['on-event']);
const STORED_ARGS = new Set([
  'source', 'on-event', 'on-up', 'on-down', 'on-login', 'on-logout', 'up-script', 'down-script', 'test-script',
  'lease-script', 'script',
]);

const cache = new WeakMap<Script, Map<string, VariableAnalysis>>();

/**
 * Variables RouterOS gives event scripts (DHCP server lease-script, DHCP client script, PPP on-up/on-down,
 * hotspot on-login, netwatch, the default configuration): a file that reads one of them undeclared is such a script, run with them.
 */
const EVENT_VARIABLES = new Set([
  'leaseBound', 'leaseServerName', 'leaseActMAC', 'leaseActIP', 'lease-hostname', 'lease-options',
  'bound', 'server-address', 'lease-address', 'gateway-address', 'vendor-specific', 'interface',
  'user', 'local-address', 'remote-address', 'caller-id', 'called-id', 'host', 'status', 'since',
  // the default-configuration script (`/system default-configuration`, run on reset)
  'defconfPassword', 'defconfWifiPassword', 'defconfMode', 'action',
]);

/** The command word and its arguments, with `: local x` (a space after the colon) read as `:local x`. */
function shape(cmd: Command): { verbText?: string; args: Argument[] } {
  const args = cmd.args ?? [];
  const t = cmd.verb?.text;
  if (t === ':' && !cmd.path) {
    const first = args[0];
    if (first && !first.name && first.value?.kind === 'word') return { verbText: ':' + first.value.text, args: args.slice(1) };
  }
  return { verbText: t, args };
}

const NO_ARGS: Argument[] = [];

function verbOf(cmd: Command): string | undefined {
  if (cmd.path || cmd.callee || !cmd.verb) return undefined;
  // only a lone `:` takes its verb from the next word (shape); every other command has its own
  const t = cmd.verb.text === ':' ? shape(cmd).verbText! : cmd.verb.text;
  return t.startsWith(':') ? t.slice(1) : t;
}

/** Global-command verbs that a script may write without `:` (inside blocks). `set` without `:` is a menu's. */
const BARE_GLOBALS = new Set(['local', 'global', 'for', 'foreach', 'while', 'if', 'do', 'onerror', 'retry', 'parse']);

function globalVerb(cmd: Command): string | undefined {
  const v = verbOf(cmd);
  if (!v) return undefined;
  if (cmd.verb!.text.startsWith(':')) return v;
  return BARE_GLOBALS.has(v) ? v : undefined;
}

/** The declared name of `:local`/`:global`: the first positional word, or `name=` (`:local name=x value=1`). */
function declaredName(args: Argument[]): { name?: string; node?: Value; arg?: Argument } {
  const named = args.find((a) => a && a.name?.text === 'name');
  if (named) return { name: nameOf(named.value), node: named.value ?? undefined, arg: named };
  const first = args.find((a) => a && !a.name);
  return { name: nameOf(first?.value), node: first?.value ?? undefined, arg: first };
}

function nameOf(v: Value | null | undefined): string | undefined {
  if (!v) return undefined;
  if (v.kind === 'word') return v.text;
  if (v.kind === 'string' && v.constant) return v.value;
  return undefined;
}

const VALID_NAME = /^[^\s$\[\](){};="\\]+$/;

/** Thrown by the scope analysis past MAX_NESTING levels of nesting. */
const TOO_DEEP = new Error('nested too deep for the scope analysis');

/** Every `:global NAME` in the script, nested and embedded code included (iterative: any depth). */
function globalNames(script: Script): Set<string> {
  const out = new Set<string>();
  walkCommandsDeep<null>(script.statements, null, {
    command(st) {
      if (globalVerb(st) === 'global') {
        const n = declaredName(shape(st).args).name;
        if (n) out.add(n);
      }
      return { args: null };
    },
  });
  return out;
}

function lookup(scope: Scope, name: string): VarDecl | undefined {
  for (let s: Scope | undefined = scope; s; s = s.parent) {
    const d = s.vars.get(name);
    if (d) return d;
  }
  return undefined;
}

/**
 * True when names nobody declared may come from a caller or from RouterOS here: function bodies, `do={}` of
 * menu commands, event scripts, and `/system script` sources (a script is often loaded as a function with
 * `[:parse [/system script get NAME source]]` and called with named arguments).
 */
function lenient(scope: Scope): boolean {
  return !scope.unit.strict;
}

function visibleNames(scope: Scope): string[] {
  const out = new Set<string>();
  for (let s: Scope | undefined = scope; s; s = s.parent) for (const k of s.vars.keys()) out.add(k);
  return [...out];
}

/** The scope analysis of a script; cached per parse and workspace globals. */
export function analyzeVariables(script: Script, workspaceGlobals?: ReadonlySet<string>): VariableAnalysis {
  const key = workspaceGlobals ? [...workspaceGlobals].sort().join('\n') : '';
  let per = cache.get(script);
  if (!per) {
    per = new Map();
    cache.set(script, per);
  }
  const hit = per.get(key);
  if (hit) return hit;
  const result = analyze(script, workspaceGlobals);
  per.set(key, result);
  return result;
}

function analyze(script: Script, workspaceGlobals?: ReadonlySet<string>): VariableAnalysis {
  const globals = globalNames(script);
  if (workspaceGlobals) for (const g of workspaceGlobals) globals.add(g);
  const decls: VarDecl[] = [];
  const undefinedRefs: UndefinedRef[] = [];
  /** Every declaration per name, to explain a reference that cannot see one. */
  const byName = new Map<string, VarDecl[]>();
  const fileEnd = script.range.end.offset;

  const scopeOf = (kind: ScopeKind, parent: Scope | undefined, node: Node, strict = false): Scope => {
    const s = { kind, parent, vars: new Map(), end: node.range?.end?.offset ?? fileEnd, strict: strict || kind === 'file' } as Scope;
    s.unit = kind === 'block' && parent ? parent.unit : s;
    if (s.unit === s) unitIds.set(s, unitIds.size + 1);
    return s;
  };

  /** Units that test for arguments (`[:len $x]` of an undeclared x) or read RouterOS's event variables. */
  const paramUnits = new Set<Scope>();
  const unitIds = new Map<Scope, number>();
  const pending: Array<UndefinedRef & { unit: Scope; lenient: boolean }> = [];

  const declare = (scope: Scope, name: string, kind: DeclKind, node: Node, command: Command) => {
    const d: VarDecl = { name, kind, node, command, reads: 0, scopeEnd: scope.end, topLevel: scope.kind === 'file', unit: scope.unit };
    scope.vars.set(name, d);
    decls.push(d);
    let list = byName.get(name);
    if (!list) byName.set(name, (list = []));
    list.push(d);
  };

  const reference = (ref: VariableRef, scope: Scope) => {
    const name = ref.name;
    if (!name || /^\d+$/.test(name)) return;
    const d = lookup(scope, name);
    if (d) {
      d.reads++;
      return;
    }
    if (globals.has(name)) return;
    // RouterOS ends a name at some characters other tools take as part of it (`"$file_$date"`): when the part
    // before a `_`, `-` or `.` is declared, the reference may well mean that.
    const cut = name.search(/[_.-]/);
    if (cut > 0 && (lookup(scope, name.slice(0, cut)) || globals.has(name.slice(0, cut)))) return;
    // A script reading RouterOS's event variables (`$leaseBound`) is an event script: RouterOS provides more.
    if (EVENT_VARIABLES.has(name)) paramUnits.add(scope.unit);
    pending.push({ ref, more: [], visible: visibleNames(scope), unit: scope.unit, lenient: lenient(scope) });
  };

  // The scope analysis follows source order through nested code, so it recurses; past MAX_NESTING levels
  // (thousands of nested `:if`) it gives up on the file instead of overflowing the stack (see analyze's end).
  let nesting = 0;
  const statements = (list: Statement[] | undefined, scope: Scope) => {
    if (!list) return;
    if (++nesting > MAX_NESTING) throw TOO_DEEP;
    try {
      for (const st of list) {
        if (!st) continue;
        if (st.kind === 'block') statements(st.statements, scopeOf('block', scope, st));
        else if (st.kind === 'command') command(st, scope);
      }
    } finally {
      nesting--;
    }
  };

  const codeArg = (a: Argument | undefined) => (a?.value?.kind === 'code' ? a.value : undefined);

  const command = (cmd: Command, scope: Scope) => {
    if (cmd.callee) reference(cmd.callee, scope);
    const verb = globalVerb(cmd);
    const args = cmd.verb?.text === ':' ? shape(cmd).args : cmd.args ?? [];
    // positional arguments matter to the global commands only (menu commands skip the switch below)
    const positional = verb ? args.filter((a) => a && !a.name) : NO_ARGS;
    if ((verb === 'len' || verb === 'typeof') && positional[0]?.value?.kind === 'variable') {
      // `[:len $x] > 0`: testing whether a caller passed `x` — this script or function takes arguments.
      const ref = positional[0].value;
      if (!lookup(scope, ref.name) && !globals.has(ref.name)) paramUnits.add(scope.unit);
    }
    switch (verb) {
      case 'local':
      case 'global': {
        const d = declaredName(args);
        const first = d.arg;
        const name = d.name;
        // The value is evaluated before the name exists: `:local x ($x + 1)` reads an outer `x`.
        // `:local x $x` / `:local text $msg` copying a name nobody declared: the idiom of a script that takes
        // arguments from its caller.
        const copied = args.filter((a) => a && a !== first && (!a.name || a.name.text === 'value'));
        if (copied.length === 1 && copied[0].value?.kind === 'variable') {
          const n = copied[0].value.name;
          if (!lookup(scope, n) && !globals.has(n)) paramUnits.add(scope.unit);
        }
        for (const a of args) {
          if (!a || a === first) continue;
          if (a.name?.text === 'value') {
            value(a.value, scope);
          } else if (a.name?.text === 'do' && a.value?.kind === 'code') {
            // `:local f do={ ... }`: a function; its body sees its callers' named arguments.
            statements(a.value.statements, scopeOf('function', scope, a.value));
          } else value(a.value, scope);
        }
        if (name && VALID_NAME.test(name) && d.node) declare(scope, name, verb, d.node, cmd);
        return;
      }
      case 'for':
      case 'foreach': {
        const first = positional[0];
        const names = (nameOf(first?.value) ?? '').split(',').filter((n) => n && VALID_NAME.test(n));
        for (const a of args) {
          if (!a || a === first) continue;
          const code = codeArg(a);
          if (code && (a.name?.text === 'do' || !a.name)) {
            const body = scopeOf('block', scope, code);
            for (const n of names) declare(body, n, 'loop', first!.value!, cmd);
            statements(code.statements, body);
          } else value(a.value, scope);
        }
        return;
      }
      case 'onerror': {
        // `:onerror e in={ ... } do={ :put $e }`: the error message variable exists in the handler.
        const first = positional[0];
        const errName = first?.value?.kind === 'word' || (first?.value?.kind === 'string' && first.value.constant) ? nameOf(first.value) : undefined;
        for (const a of args) {
          if (!a || a === first) continue;
          const code = codeArg(a);
          if (code) {
            const body = scopeOf('block', scope, code);
            if (errName && VALID_NAME.test(errName)) declare(body, errName, 'error', first!.value!, cmd);
            statements(code.statements, body);
          } else value(a.value, scope);
        }
        return;
      }
      case 'set': {
        // `:set f do={ ... }` defines a function too; `:set x` writes (it is not a read).
        for (const a of args) {
          if (!a || a === positional[0]) continue;
          if (a.name?.text === 'do' && a.value?.kind === 'code') statements(a.value.statements, scopeOf('function', scope, a.value));
          else value(a.value, scope);
        }
        return;
      }
      default:
        break;
    }
    const menuCommand = !verb && !cmd.verb?.text.startsWith(':') && !!(cmd.verb || cmd.path);
    for (const a of args) {
      if (!a) continue;
      const v = a.value;
      if (!v) continue;
      const argName = a.name?.text;
      if (v.kind === 'code') {
        if (menuCommand && argName && STORED_ARGS.has(argName)) {
          // Stored code runs later, on its own: none of our locals, and event scripts get RouterOS's variables.
          statements(v.statements, scopeOf('stored', undefined, v, STRICT_STORED_ARGS.has(argName)));
        } else if (verb) {
          // :if do=/else=, :while do=, :do { } on-error=, :retry ...: a block of the current script.
          statements(v.statements, scopeOf('block', scope, v));
        } else {
          // `do={...}` of a menu command (monitor, fetch ...): RouterOS provides the variables.
          statements(v.statements, scopeOf('opaque', scope, v));
        }
        continue;
      }
      if (v.kind === 'string' && v.embedded) {
        if (!v.constant) {
          for (const p of v.parts ?? []) if (p.kind === 'interpolation') value(p.value, scope);
          continue;
        }
        if (verb === 'parse' || verb === 'execute') {
          statements(v.embedded.statements, scopeOf('function', scope, v));
        } else if (menuCommand && argName && STORED_ARGS.has(argName)) {
          statements(v.embedded.statements, scopeOf('stored', undefined, v, STRICT_STORED_ARGS.has(argName)));
        } else {
          statements(v.embedded.statements, scopeOf('opaque', undefined, v));
        }
        continue;
      }
      value(v, scope);
    }
  };

  const value = (v: Value | Expression | null | undefined, scope: Scope): void => {
    if (!v) return;
    if (v.kind === 'variable') {
      reference(v, scope);
      return;
    }
    if (++nesting > MAX_NESTING) throw TOO_DEEP;
    try {
      for (const c of valueChildren(v)) {
        if (c.kind === 'value') value(c.value, scope);
        // `[ ]` runs in the scope it is written in; `{ }` code is a block of it. Code in strings is stored
        // or parsed code, handled where its argument is known (see command): a plain string's is not walked.
        else if (c.via === 'substitution') statements(c.statements, scope);
        else if (c.via === 'code') statements(c.statements, scopeOf('block', scope, v));
      }
    } finally {
      nesting--;
    }
  };

  try {
    statements(script.statements, scopeOf('file', undefined, script));
  } catch (e) {
    if (e !== TOO_DEEP) throw e;
    // nested deeper than the analysis follows: no claim about any variable of the file
    return { decls: [], undefinedRefs: [] };
  }
  // One finding per name and script/function: the first reference, the others as related locations.
  const first = new Map<string, UndefinedRef>();
  for (const p of pending) {
    // A declaration in the same script or function that the reference cannot see (a block that ended, or it
    // comes later) is a mistake wherever it happens; a name nobody declares is judged only where nothing
    // (a caller, RouterOS) can provide it.
    const at = p.ref.range.start.offset;
    p.hidden = byName
      .get(p.ref.name)
      ?.find((x) => x.kind !== 'global' && x.unit === p.unit && !(x.command.range.start.offset <= at && at < x.command.range.end.offset));
    if (!p.hidden && (p.lenient || paramUnits.has(p.unit))) continue;
    const key = `${unitIds.get(p.unit) ?? 0}\u0000${p.ref.name}\u0000${p.hidden ? 1 : 0}`;
    const seen = first.get(key);
    if (seen) {
      seen.more.push(p.ref);
      continue;
    }
    const u: UndefinedRef = { ref: p.ref, more: [], hidden: p.hidden, visible: p.visible };
    first.set(key, u);
    undefinedRefs.push(u);
  }
  return { decls, undefinedRefs };
}

/** True when `$name` (or `$"name"`) occurs in `text` between `from` and `to`: a read the tree may keep raw. */
export function mentionedAfter(text: string, name: string, from: number, to: number): boolean {
  const slice = text.slice(from, Math.min(to, text.length));
  if (slice.includes(`$"${name}"`)) return true;
  const re = new RegExp(`\\$${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![A-Za-z0-9_\\-])`);
  return re.test(slice);
}
