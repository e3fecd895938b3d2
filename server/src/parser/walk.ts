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
import type { Argument, Command, Expression, Script, Value } from './ast';
import { CONDITIONAL_VERBS, STORED_CODE_ARGS } from './words';
import { walkCommandsDeep } from './visit';

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
 * Iterative (parser/visit.ts): any nesting depth.
 */
export function walkCommands(script: Script, visit: (cmd: Command, ctx: WalkContext) => void): void {
  walkCommandsDeep<Ctx>(script.statements, { w: { menu: [], depth: 0, inEmbedded: false, conditional: false }, stored: false }, {
    command(cmd, c) {
      const w = c.w;
      visit(cmd, { menu: w.menu, depth: w.depth, inEmbedded: w.inEmbedded, conditional: w.conditional });
      const cmdMenu = resolveMenu(cmd, w.menu);
      const condVerb = isConditionalVerb(cmd.verb?.text);
      return {
        args: { w: { menu: cmdMenu, depth: w.depth, inEmbedded: w.inEmbedded, conditional: w.conditional || condVerb }, stored: false },
        ...(isMenuChange(cmd) ? { next: { w: { ...w, menu: cmdMenu }, stored: c.stored } } : {}),
      };
    },
    arg(a, args) {
      const name = a.name?.text;
      return { w: args.w, stored: !!name && STORED_CODE_ARGS.has(name) };
    },
    enter(child, c): Ctx {
      const w = c.w;
      switch (child.via) {
        case 'block':
        case 'substitution':
          return { w: { ...w, depth: w.depth + 1 }, stored: false };
        case 'code':
          // stored code runs later from the root menu; other code (`do=`, `else=`, functions) may not run
          return c.stored
            ? { w: { menu: [], depth: w.depth + 1, inEmbedded: true, conditional: w.conditional }, stored: false }
            : { w: { ...w, depth: w.depth + 1, conditional: true }, stored: false };
        case 'embedded':
          // `:parse "..."` code is a function body: conditional; stored bodies run later from the root
          return { w: { menu: [], depth: w.depth + 1, inEmbedded: true, conditional: w.conditional || !c.stored }, stored: false };
        case 'paren':
          return { w: { ...w, depth: w.depth + 1 }, stored: false };
        case 'negated':
          return c;
        default:
          return c.stored ? { w, stored: false } : c;
      }
    },
  });
}

/** The walk's context: the command context, and whether the value is stored code (`source=`, ...). */
interface Ctx {
  w: WalkContext;
  stored: boolean;
}
