// Which menu each top-level command runs in, for edits that move or insert commands.
//
// RouterOS semantics used here: a bare path (`/ip firewall filter`) changes the current menu; a path
// written together with a command (`/ip firewall filter add ...`, `/ip/firewall/filter/add ...`) runs
// that command there and leaves the current menu unchanged; a relative command (`add ...`) runs in
// the current menu. Only top-level statements are tracked: blocks are never edited by moves.

import type { Command, Script, Statement } from '../../parser/ast';

export interface CommandMenu {
  /** The menu the command runs in (segments, no `/`). */
  menu: string[];
  /** The current menu in effect before the command. */
  before: string[];
  /** True when the command is a bare path that changes the current menu. */
  isHeader: boolean;
}

export interface MenuIndex {
  /** Top-level commands in file order with their menus. */
  commands: Array<{ command: Command; info: CommandMenu }>;
  byCommand: Map<Command, CommandMenu>;
  /** The current menu at `offset` (after every top-level statement that ends at or before it). */
  menuAt(offset: number): string[];
  /** True when the command is a direct top-level statement of the script. */
  isTopLevel(cmd: Command): boolean;
}

function resolvePath(cmd: Command, current: string[]): string[] {
  if (!cmd.path) return current;
  const out = cmd.path.absolute ? [] : [...current];
  for (const seg of cmd.path.segments) {
    if (seg.text === '..') out.pop();
    else if (seg.text !== '') out.push(seg.text);
  }
  return out;
}

const cache = new WeakMap<Script, MenuIndex>();

export function menuIndex(script: Script): MenuIndex {
  const hit = cache.get(script);
  if (hit) return hit;
  const commands: MenuIndex['commands'] = [];
  const byCommand = new Map<Command, CommandMenu>();
  const states: Array<{ end: number; menu: string[] }> = [];
  let current: string[] = [];
  const visit = (st: Statement): void => {
    if (st.kind !== 'command') {
      // A block at top level: its commands may change the menu inside it only; keep `current`.
      states.push({ end: st.range.end.offset, menu: current });
      return;
    }
    const menu = resolvePath(st, current);
    const isHeader = st.path !== null && st.verb === null && !st.callee && st.args.length === 0;
    const info: CommandMenu = { menu, before: current, isHeader };
    commands.push({ command: st, info });
    byCommand.set(st, info);
    if (isHeader) current = menu;
    states.push({ end: st.range.end.offset, menu: current });
  };
  for (const st of script.statements) visit(st);
  const idx: MenuIndex = {
    commands,
    byCommand,
    menuAt(offset: number): string[] {
      let m: string[] = [];
      for (const s of states) {
        if (s.end <= offset) m = s.menu;
        else break;
      }
      return m;
    },
    isTopLevel(cmd: Command): boolean {
      return byCommand.has(cmd);
    },
  };
  cache.set(script, idx);
  return idx;
}

export function sameMenu(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}

/** `/ip firewall filter` for ['ip','firewall','filter']. */
export function menuText(menu: readonly string[]): string {
  return '/' + menu.join(' ');
}
