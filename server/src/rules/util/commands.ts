// Every menu command of a file with the menu it runs in, resolved against the union of all versions'
// command trees, for the property checks (unknown-property, duplicate-property, missing-required,
// invalid-value, version-mismatch). Computed once per parse and shared by the checks.
//
// Menu tracking follows RouterOS: a bare path changes the current menu of its block; `{}` blocks and
// `do={}` bodies start with the enclosing menu; `[find ...]` runs in the command's menu; stored code
// (`source=`, `on-event=`, code strings) starts at the root. The body of a function (`:global f do={..}`)
// runs wherever it is called: its relative commands get no menu and are not judged.

import type { Argument, Command, Expression, Script, Statement, Value, Word } from '../../parser/ast';
import { anySchema } from '../../schema';
import { classifyCommand } from '../../schema/walk';

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

  const statements = (list: Statement[] | undefined, start: string[] | null): void => {
    if (!list) return;
    let current = start;
    for (const st of list) {
      if (!st) continue;
      if (st.kind === 'block') {
        statements(st.statements, current);
        continue;
      }
      if (st.kind !== 'command') continue;
      current = command(st, current);
    }
  };

  /** Visits one command; returns the current menu after it. */
  const command = (cmd: Command, current: string[] | null): string[] | null => {
    const verbText = cmd.verb?.text;
    if (cmd.callee || (verbText && verbText.startsWith(':'))) {
      const defines = !!verbText && FUNCTION_DEFINERS.has(verbText);
      for (const a of cmd.args) value(a?.value, defines && a.value?.kind === 'code' ? null : current, current);
      return current;
    }
    const relative = !cmd.path?.absolute;
    if (relative && current === null) {
      // A relative command whose menu is unknown: only nested code is visited.
      for (const a of cmd.args) value(a?.value, null, null);
      return current;
    }
    const c = classifyCommand(cmd, relative ? current! : ROOT, any);
    if (c.global) {
      for (const a of cmd.args) value(a?.value, current, current);
      return current;
    }
    if (c.menuChange) {
      const known = any.isMenu(c.menu);
      if (known) menus.push({ command: cmd, menu: c.menu, words: relative ? [] : [...(cmd.path?.segments ?? [])] });
      // `/ip firewall filter { add ... }`: the block runs in that menu
      for (const a of cmd.args) value(a?.value, known ? c.menu : null, known ? c.menu : null);
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
    for (const a of cmd.args) {
      const v = a?.value;
      if (!v) continue;
      // `[find ...]` runs in the command's menu; stored code (`source={...}`) at the root.
      if (v.kind === 'substitution') statements(v.statements, menu);
      else if (v.kind === 'code') statements(v.statements, ROOT);
      else value(v, current, current);
    }
    return current;
  };

  const value = (v: Value | Expression | null | undefined, codeMenu: string[] | null, menu: string[] | null): void => {
    if (!v) return;
    switch (v.kind) {
      case 'string':
        if (!v.constant) for (const p of v.parts ?? []) if (p.kind === 'interpolation') value(p.value, menu, menu);
        if (v.embedded) statements(v.embedded.statements, ROOT);
        return;
      case 'substitution':
        statements(v.statements, menu);
        return;
      case 'code':
        statements(v.statements, codeMenu);
        return;
      case 'paren':
        value(v.expression, menu, menu);
        return;
      case 'array':
        for (const e of v.elements ?? []) value(e.value, menu, menu);
        return;
      case 'negated':
        value(v.value, codeMenu, menu);
        return;
      case 'binary':
        value(v.left, menu, menu);
        value(v.right, menu, menu);
        return;
      case 'unary':
        value(v.operand, menu, menu);
        return;
      default:
        return;
    }
  };

  statements(script.statements, ROOT);
  return { uses, menus };
}
