// Every menu command of a file with the menu it runs in, resolved against the union of all versions'
// command trees, for the property checks (unknown-property, duplicate-property, missing-required,
// invalid-value, version-mismatch). Computed once per parse and shared by the checks.
//
// Menu tracking follows RouterOS: a bare path changes the current menu of its block; `{}` blocks and
// `do={}` bodies start with the enclosing menu; `[find ...]` runs in the command's menu; stored code
// (`source=`, `on-event=`, code strings) starts at the root. The body of a function (`:global f do={..}`)
// runs wherever it is called: its relative commands get no menu and are not judged.

import type { Argument, Command, Script, Word } from '../../parser/ast';
import { anySchema } from '../../schema';
import { classifyCommand } from '../../schema/walk';
import { walkCommandsDeep } from '../../parser/visit';

export interface CommandUse {
  command: Command;
  /** The menu it runs in (a path the union tree knows). Shared: do not mutate. */
  menu: string[];
  /** The command name (`add`, `set`, `print`, ...), a command of `menu` in some version. */
  verb: string;
  /** The word naming the command (null when a relative verb resolved without one, never in practice). */
  verbWord: Word | null;
  /** The named arguments RouterOS reads as properties: `name=value` or `name`, before any `where`. */
  named: Argument[];
  /** True when the command had an unnamed argument (`set 0 ...`, `add [find]`, `print detail`). */
  positional: boolean;
  /** The command writes its menu path itself (`/ip firewall filter add ...`, a section header). */
  ownPath: boolean;
}

export interface MenuChange {
  command: Command;
  menu: string[];
  /** The words that name the menu as written (absolute paths only: the first is its first segment). */
  words: Word[];
}

export interface CommandUses {
  uses: CommandUse[];
  /** Section headers and absolute paths with a verb whose menu the union tree knows. */
  menus: MenuChange[];
}

const NAME = /^[a-z0-9][a-z0-9.-]*$/i;
const FUNCTION_DEFINERS = new Set([':global', ':local', ':set', 'global', 'local', 'set']);

const cache = new WeakMap<Script, CommandUses>();

export function commandUses(script: Script): CommandUses {
  let hit = cache.get(script);
  if (!hit) {
    hit = collect(script);
    cache.set(script, hit);
  }
  return hit;
}

function collect(script: Script): CommandUses {
  const any = anySchema();
  const uses: CommandUse[] = [];
  const menus: MenuChange[] = [];
  const ROOT: string[] = [];

  // The walk is iterative (parser/visit.ts): `menu` is the current menu of a statement list, or for a value
  // the menu its `[ ]` commands run in; `code` the menu of the `{ }` code in it (null: unknown).
  type Ctx = { code: string[] | null; menu: string[] | null };
  /** How the current command's arguments are walked (set by `command`, read by `arg` right after). */
  let argCtx: (a: Argument) => Ctx = () => ({ code: null, menu: null });
  const same = (m: string[] | null): Ctx => ({ code: m, menu: m });

  /** Visits one command; returns the current menu after it. */
  const command = (cmd: Command, current: string[] | null): string[] | null => {
    const verbText = cmd.verb?.text;
    if (cmd.callee || (verbText && verbText.startsWith(':'))) {
      const defines = !!verbText && FUNCTION_DEFINERS.has(verbText);
      argCtx = (a) => ({ code: defines && a.value?.kind === 'code' ? null : current, menu: current });
      return current;
    }
    const relative = !cmd.path?.absolute;
    if (relative && current === null) {
      // A relative command whose menu is unknown: only nested code is visited.
      argCtx = () => same(null);
      return current;
    }
    const c = classifyCommand(cmd, relative ? current! : ROOT, any);
    if (c.global) {
      argCtx = () => same(current);
      return current;
    }
    if (c.menuChange) {
      const known = any.isMenu(c.menu);
      if (known) menus.push({ command: cmd, menu: c.menu, words: relative ? [] : [...(cmd.path?.segments ?? [])] });
      // `/ip firewall filter { add ... }`: the block runs in that menu
      argCtx = () => same(known ? c.menu : null);
      return cmd.args.length === 0 ? (known ? c.menu : null) : current;
    }
    let menu = c.menu;
    let verb = c.verb;
    let verbWord = cmd.verb;
    let argStart = 0;
    // the words naming the menu, built only for the commands that record them (most do not)
    const pathWords = (): Word[] => (relative ? [] : [...(cmd.path?.segments ?? [])]);
    let words: Word[] | undefined;
    // `/system upgrade refresh`: the parser took a menu word for the verb; RouterOS reads on.
    if (verb && cmd.verb && !any.hasCommand(menu, verb) && any.isMenu([...menu, verb])) {
      menu = [...menu, verb];
      words = pathWords();
      words.push(cmd.verb);
      verb = undefined;
      verbWord = null;
      let i = 0;
      for (; i < cmd.args.length; i++) {
        const a = cmd.args[i];
        if (!a || a.name || a.value?.kind !== 'word') break;
        const w = a.value.text;
        if (any.isMenu([...menu, w])) {
          menu = [...menu, w];
          words.push(a.value);
          continue;
        }
        if (any.hasCommand(menu, w)) {
          verb = w;
          verbWord = a.value;
          i++;
        }
        break;
      }
      argStart = i;
      if (!verb && !relative) menus.push({ command: cmd, menu, words });
    }
    if (verb && any.hasCommand(menu, verb)) {
      const named: Argument[] = [];
      let positional = false;
      for (let i = argStart; i < cmd.args.length; i++) {
        const a = cmd.args[i];
        if (!a) continue;
        if (!a.name) {
          if (a.value?.kind === 'word' && a.value.text === 'where') break;
          positional = true;
          continue;
        }
        if (a.operator || a.negatedName || !NAME.test(a.name.text)) continue;
        named.push(a);
      }
      uses.push({ command: cmd, menu, verb, verbWord, named, positional, ownPath: !!cmd.path });
      if (cmd.path && !relative) menus.push({ command: cmd, menu, words: words ?? pathWords() });
    }
    // `[find ...]` runs in the command's menu; stored code (`source={...}`) at the root.
    argCtx = (a) => (a.value?.kind === 'substitution' ? { code: null, menu } : a.value?.kind === 'code' ? { code: ROOT, menu: null } : same(current));
    return current;
  };

  walkCommandsDeep<Ctx>(script.statements, same(ROOT), {
    command(cmd, c) {
      const next = command(cmd, c.menu);
      return { args: c, next: same(next) };
    },
    arg: (a) => argCtx(a),
    enter(child, c) {
      switch (child.via) {
        case 'block':
          return c;
        case 'embedded':
          return same(ROOT);
        case 'substitution':
          return same(c.menu);
        case 'code':
          return same(c.code);
        case 'negated':
          return c;
        default:
          // interpolations, `( )`, array elements, operands: values in the menu of the command
          return same(c.menu);
      }
    },
  });
  return { uses, menus };
}
