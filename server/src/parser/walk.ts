// Tree helpers: argument lookup, literal values, and a walk over every command with the menu that
// RouterOS would run it in.
//
// Menu semantics (RouterOS console rules, which /import and scripts follow):
// - A command that is only a path (`/ip firewall filter`, `firewall filter`, `..`) changes the current
//   menu for the following commands of the same block. An absolute path starts at the root, a
//   relative one (and `..`, one level up) starts at the current menu.
// - A path written on a command with a verb (`/ip firewall filter add ...`) applies to that command
//   only: the current menu stays what it was (this is how the console behaves: the prompt does not
//   change; /export never relies on it, it always writes the section header on its own line).
// - A `{ }` block starts with the current menu and its menu changes end with the block.
// - Commands in `[ ]` run in the menu of the command that holds them (`/ip route set [find ...]`:
//   `find` runs in /ip/route). Code in `do={ }`, `else={ }` ... likewise, and is `conditional`.
// - Stored code (`source=`, `on-event=`, `on-up=` ..., as a `{ }` block or a string) runs later from
//   the root menu: it starts at [] and is `inEmbedded`.
import type { Argument, Command, Expression, Script, Statement, StringLiteral, Value } from './ast';
import { CONDITIONAL_VERBS, STORED_CODE_ARGS } from './words';

/** The argument `name` of `cmd`; the last one wins when repeated (as in RouterOS). */
export function findArg(cmd: Command, name: string): Argument | undefined {
  const args = cmd.args;
  for (let i = args.length - 1; i >= 0; i--) {
    const a = args[i];
    if (a.name && a.name.text === name) return a;
  }
  return undefined;
}

/**
 * The literal text of a value: a bare word's text, or a constant string's decoded value.
 * Undefined for dynamic values (variables, `[ ]`, `( )`, strings with interpolation), code, arrays,
 * and for `Negated` (look at `.value` for those).
 */
export function valueText(v: Value | Expression | null | undefined): string | undefined {
  if (!v) return undefined;
  if (v.kind === 'word') return v.text;
  if (v.kind === 'string') return v.constant ? v.value : undefined;
  return undefined;
}

export interface WalkContext {
  /** Menu the command runs in (segments, root = []), before the command's own path is applied. */
  menu: string[];
  /** Nesting depth: 0 at top level, +1 per block, code block, `[ ]`, `( )` and embedded script. */
  depth: number;
  /** Inside stored code: a script/scheduler/netwatch body (`source=`, `on-event=` ..., block or string). */
  inEmbedded: boolean;
  /** Inside the body of :if/:for/:foreach/:while/:do/:onerror/:retry, or any `do=`/`else=` code or function. */
  conditional: boolean;
}

export function isConditionalVerb(verb: string | undefined | null): boolean {
  return !!verb && CONDITIONAL_VERBS.has(verb);
}

/** The menu a command runs in: its own path applied to `current`. */
export function resolveMenu(cmd: Command, current: readonly string[]): string[] {
  const p = cmd.path;
  if (!p) return current.slice();
  const out = p.absolute ? [] : current.slice();
  for (const s of p.segments) {
    if (s.text === '..') out.pop();
    else if (s.text !== '' && s.text !== '.') out.push(s.text);
  }
  return out;
}

/** `/ip/firewall/filter`-style string of the menu the command runs in (`/` for the root). */
export function commandPathString(cmd: Command, current: readonly string[]): string {
  return '/' + resolveMenu(cmd, current).join('/');
}

/** True when the command only changes the current menu (`/ip firewall filter` on its own). */
function isMenuChange(cmd: Command): boolean {
  return !!cmd.path && !cmd.verb && !cmd.callee && cmd.args.length === 0;
}

/**
 * Visit every command in source order (a command before the commands nested in its arguments),
 * including blocks, code blocks, `[ ]`, `( )`, array elements and scripts embedded in strings.
 */
export function walkCommands(script: Script, visit: (cmd: Command, ctx: WalkContext) => void): void {
  walkStatements(script.statements, { menu: [], depth: 0, inEmbedded: false, conditional: false }, visit);
}

function walkStatements(stmts: Statement[], ctx: WalkContext, visit: (cmd: Command, ctx: WalkContext) => void): void {
  let menu = ctx.menu;
  for (const s of stmts) {
    if (s.kind === 'block') {
      walkStatements(s.statements, { ...ctx, menu, depth: ctx.depth + 1 }, visit);
      continue;
    }
    const here: WalkContext = { menu, depth: ctx.depth, inEmbedded: ctx.inEmbedded, conditional: ctx.conditional };
    visit(s, here);
    // The command's menu and its arguments' context are built only for values that can hold commands
    // (most arguments are words or plain strings: nothing to visit, nothing to allocate).
    let cmdMenu: string[] | undefined;
    let argCtx: WalkContext | undefined;
    const args = s.args;
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      const v = a.value;
      if (!v || !mayHoldCommands(v)) continue;
      const name = a.name?.text;
      const stored = !!name && STORED_CODE_ARGS.has(name);
      cmdMenu ??= resolveMenu(s, menu);
      argCtx ??= { menu: cmdMenu, depth: ctx.depth, inEmbedded: ctx.inEmbedded, conditional: ctx.conditional || isConditionalVerb(s.verb?.text) };
      // a fresh context per argument, as visitors may keep the one they are given
      walkValue(v, { ...argCtx }, stored, visit);
    }
    if (isMenuChange(s)) menu = cmdMenu ?? resolveMenu(s, menu);
  }
}

/** False for values walkValue has nothing to visit in: words, variables, plain strings. */
function mayHoldCommands(v: Value | Expression): boolean {
  switch (v.kind) {
    case 'word':
    case 'variable':
      return false;
    case 'string':
      return !v.constant || !!v.embedded;
    default:
      return true;
  }
}

function walkValue(v: Value | Expression, ctx: WalkContext, stored: boolean, visit: (cmd: Command, ctx: WalkContext) => void): void {
  switch (v.kind) {
    case 'code':
      if (stored) walkStatements(v.statements, { menu: [], depth: ctx.depth + 1, inEmbedded: true, conditional: ctx.conditional }, visit);
      else walkStatements(v.statements, { ...ctx, depth: ctx.depth + 1, conditional: true }, visit);
      return;
    case 'substitution':
      walkStatements(v.statements, { ...ctx, depth: ctx.depth + 1 }, visit);
      return;
    case 'paren':
      if (v.expression) walkValue(v.expression, { ...ctx, depth: ctx.depth + 1 }, false, visit);
      return;
    case 'string':
      walkString(v, ctx, stored, visit);
      return;
    case 'array':
      for (const e of v.elements) if (e.value) walkValue(e.value, ctx, false, visit);
      return;
    case 'negated':
      if (v.value) walkValue(v.value, ctx, stored, visit);
      return;
    case 'binary':
      if (v.left) walkValue(v.left, ctx, false, visit);
      if (v.right) walkValue(v.right, ctx, false, visit);
      return;
    case 'unary':
      if (v.operand) walkValue(v.operand, ctx, false, visit);
      return;
    default:
      return;
  }
}

function walkString(s: StringLiteral, ctx: WalkContext, stored: boolean, visit: (cmd: Command, ctx: WalkContext) => void): void {
  // a constant string has text parts only (and may not have built them yet)
  if (!s.constant) {
    for (const p of s.parts) {
      if (p.kind === 'interpolation') walkValue(p.value, ctx, false, visit);
    }
  }
  if (s.embedded) {
    // `:parse "..."` code is a function body: conditional; stored bodies run later from the root
    walkStatements(s.embedded.statements, { menu: [], depth: ctx.depth + 1, inEmbedded: true, conditional: ctx.conditional || !stored }, visit);
  }
}
