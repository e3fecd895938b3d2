// unknown-command: what RouterOS itself rejects with "bad command name": a global command that does
// not exist (`:foobar`, `:pt "x"`), and a menu or command word the command tree does not know
// (`/ip fliter add ...`, `add` misspelled under a section header).
//
// Precision first. The tree (server/src/schema: every version 7.9 .. 7.24 crawled on a CHR, with the
// extra packages' menus: wireless, caps-man, container, iot, user-manager, ...) lacks RouterBOARD
// hardware menus and every v6 menu that moved in v7, so a menu word is only reported when
//  - the file is not a v6 export/script (`# ... by RouterOS 6.x` header),
//  - no menu or command at that level starts with it in either tree (RouterOS accepts unique
//    abbreviations: `/sys sch`, `:typ`),
//  - it is not a known package or v6 menu name, and
//  - one single name at that level is a close spelling (so the word is a typo, not a menu the tree
//    lacks): "did you mean `filter`?".
// Global commands (`:name`) are a small fixed set: every unknown one is reported.
// Anything dynamic (function calls `$f`, `:to$type`, words with `$`) is never judged.

import type { Command, Script, Word } from '../parser/ast';
import { walkCommandsDeep } from '../parser/visit';
import { anySchema, type Schema } from '../schema';
import { classifyCommand } from '../schema/walk';
import type { Check, Fix } from './types';
import type { RawFinding } from './util/finding';

const ID = 'unknown-command';
const ROOT: string[] = [];

/**
 * Every command of the file in order, nested ones included (blocks, `do=`/`source=` code, `[ ]`,
 * code strings); `top` is true for the file's own top-level commands.
 */
function forEachCommand(script: Script, visit: (cmd: Command, top: boolean) => void): void {
  // iterative (parser/visit.ts): ten thousand nested `:if ... do={ }` cost heap, not call stack
  walkCommandsDeep<boolean>(script.statements, true, {
    command(cmd, top) {
      visit(cmd, top);
      return { args: false };
    },
    enter: () => false,
  });
}

/**
 * Names that exist on real routers but not in the CHR command tree: optional packages, RouterBOARD
 * hardware menus, and v6 menus/commands that moved or vanished in v7. Never reported at any level.
 */
const KNOWN_ELSEWHERE = new Set([
  // root menus/commands of packages and older versions
  'app', 'blink', 'caps-man', 'container', 'driver', 'dude', 'gps', 'iot', 'lcd', 'led', 'lora', 'metarouter',
  'mme', 'openflow', 'partitions', 'setup', 'store', 'tr069-client', 'user-manager', 'zerotier', 'wireless',
  // /interface package and hardware menus
  'wifiwave2', 'veth', 'w60g', 'lte', 'ppp-client', 'wireless', 'wifi', 'cap', 'nstreme-dual', 'mesh',
  'traffic-eng', 'isdn-client', 'isdn-server', 'switch', 'bonding', 'vpls', 'ethernet',
  // /system hardware and package menus
  'routerboard', 'ups', 'health', 'gps', 'lcd', 'hardware', 'package', 'rose-storage',
  // v6 routing and ip menus
  'ospf', 'ospf-v3', 'bgp', 'rip', 'ripng', 'mme', 'filter', 'vrf', 'prefix-list', 'igmp-proxy', 'pim',
  'hotspot', 'kid-control', 'traffic-flow', 'upnp', 'smb', 'cloud', 'accounting', 'mac-server',
  'romon', 'install', 'sniffer', 'profile', 'bandwidth-server', 'e-mail', 'sms', 'flood-ping', 'traffic-generator',
]);

/** The file says it comes from RouterOS 6 (an `/export` header or a comment naming v6). */
function isV6(script: Script, text: string): boolean {
  const first = script.statements[0]?.range.start.offset ?? text.length;
  for (const c of script.comments) {
    if (c.range.start.offset > first) break;
    if (/\bRouterOS\s+v?6\./i.test(c.text)) return true;
  }
  return false;
}

const IDENT = /^[a-z0-9][a-z0-9-]*$/i;

type Level = { menu: boolean; command: boolean; prefix: 'none' | 'one-menu' | 'one-command' | 'many' };

/** Distance with a cap: returns cap + 1 as soon as it is certainly above `cap`. */
function distance(a: string, b: string, cap: number): number {
  if (Math.abs(a.length - b.length) > cap) return cap + 1;
  // Damerau (optimal string alignment): a swapped pair of letters (`fliter`) costs 1.
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    rows.push(new Array<number>(b.length + 1).fill(0));
    rows[i][0] = i;
  }
  for (let j = 0; j <= b.length; j++) rows[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    let rowMin = Infinity;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, rows[i - 2][j - 2] + 1);
      rows[i][j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > cap) return cap + 1;
  }
  return rows[a.length][b.length];
}

/** The single name within reach of `word` (≤ 1 edit for short words, ≤ 2 otherwise), if exactly one. */
export function closeMatch(word: string, names: Iterable<string>): string | undefined {
  const cap = word.length <= 4 ? 1 : 2;
  let best: string | undefined;
  let bestD = cap + 1;
  let tie = false;
  for (const n of names) {
    const d = distance(word, n, cap);
    if (d < bestD) {
      best = n;
      bestD = d;
      tie = false;
    } else if (d === bestD && d <= cap) tie = true;
  }
  return best !== undefined && bestD <= cap && !tie ? best : undefined;
}

class Tree {
  constructor(private readonly schemas: readonly Schema[]) {}

  isMenu(path: readonly string[]): boolean {
    return this.schemas.some((s) => s.isMenu(path));
  }

  /** Names (menus and commands) at `path` in any tree. */
  names(path: readonly string[]): Set<string> {
    const out = new Set<string>();
    for (const s of this.schemas) {
      for (const n of s.submenusOf(path)) out.add(n);
      for (const n of s.commandsOf(path)) out.add(n);
    }
    if (path.length === 0) for (const n of KNOWN_ELSEWHERE) out.add(n);
    return out;
  }

  private readonly levels = new Map<string, Level>();

  /** How `word` fits at menu `path` (cached: the same few words recur on every keystroke). */
  level(path: readonly string[], word: string): Level {
    const key = `${path.join(' ')}\u0000${word}`;
    let hit = this.levels.get(key);
    if (!hit) {
      if (this.levels.size > 10000) this.levels.clear();
      hit = this.computeLevel(path, word);
      this.levels.set(key, hit);
    }
    return hit;
  }

  private computeLevel(path: readonly string[], word: string): Level {
    const child = [...path, word];
    const menu = this.isMenu(child);
    const command = this.schemas.some((s) => s.hasCommand(path, word));
    if (menu || command) return { menu, command, prefix: 'none' };
    let menus = 0;
    let commands = 0;
    for (const s of this.schemas) {
      for (const n of s.submenusOf(path)) if (n.startsWith(word)) menus++;
      for (const n of s.commandsOf(path)) if (n.startsWith(word)) commands++;
    }
    // Both trees usually agree: count distinct names instead of per-tree hits.
    const distinct = new Set<string>();
    for (const n of this.names(path)) if (n.startsWith(word)) distinct.add(n);
    if (distinct.size === 0) return { menu: false, command: false, prefix: 'none' };
    if (distinct.size > 1) return { menu: false, command: false, prefix: 'many' };
    return { menu: false, command: false, prefix: menus > 0 && commands === 0 ? 'one-menu' : 'one-command' };
  }

  /**
   * `child name` when exactly one menu `child` of `path` has a submenu `name` close to `word` and the
   * word after it (if any) is a menu or command there.
   */
  deeperMatch(path: readonly string[], word: string, next: string | undefined): string | undefined {
    let found: string | undefined;
    const children = new Set<string>();
    for (const s of this.schemas) for (const c of s.submenusOf(path)) children.add(c);
    for (const c of children) {
      const sub = [...path, c];
      const subs = new Set<string>();
      for (const s of this.schemas) for (const n of s.submenusOf(sub)) subs.add(n);
      const m = closeMatch(word, subs);
      if (!m) continue;
      if (next !== undefined && IDENT.test(next)) {
        const lv = this.level([...sub, m], next);
        if (!lv.menu && !lv.command && lv.prefix === 'none') continue;
      }
      if (found) return undefined;
      found = `${c} ${m}`;
    }
    return found;
  }

  /** The full name of the single menu `word` abbreviates at `path`. */
  expand(path: readonly string[], word: string): string {
    for (const s of this.schemas) for (const n of s.submenusOf(path)) if (n.startsWith(word)) return n;
    return word;
  }
}

let tree: Tree | undefined;
const getTree = () => (tree ??= new Tree([anySchema()]));

function fixFor(text: string, word: Word, replacement: string, prefix = ''): Fix | undefined {
  if (text.slice(word.range.start.offset, word.range.end.offset) !== word.text) return undefined;
  return {
    title: `Replace "${word.text}" with "${prefix}${replacement}"`,
    safe: false,
    edits: [{ start: word.range.start.offset + prefix.length, end: word.range.end.offset, newText: replacement }],
  };
}

function where(path: readonly string[]): string {
  return path.length === 0 ? 'the root menu' : `/${path.join(' ')}`;
}

/** The words to resolve (path segments, verb, and for relative commands the path words RouterOS reads after a menu name). */
function wordsOf(cmd: Command): Word[] {
  const out: Word[] = [...(cmd.path?.segments ?? [])];
  if (cmd.verb) out.push(cmd.verb);
  return out;
}

export const unknownCommand: Check = {
  id: ID,
  defaultSeverity: 'error',
  description: 'A command RouterOS rejects as "bad command name": an unknown global command or a misspelled menu or command word.',
  examples: {
    bad: `:foobar
/ip fliter add chain=input action=drop
`,
    good: `:put "ok"
/ip firewall filter add chain=input action=drop
`,
  },
  run(ctx) {
    const out: RawFinding[] = [];
    const script = ctx.parse.script;
    const t = getTree();
    const v6 = isV6(script, ctx.text);
    const text = ctx.text;

    const s22 = anySchema();
    // One pass over every command (not walkScript: its scope and variable bookkeeping costs more than
    // this whole check). Only the file's top-level commands need the current menu.
    let current: string[] = [];
    forEachCommand(script, (cmd, top) => {
        if (cmd.callee) return;
        const global = !!cmd.verb && cmd.verb.text.startsWith(':');
        const relative = !cmd.path?.absolute;
        if (!global && !top && relative) return; // see below: relative commands only at the top level
        const v = global ? undefined : classifyCommand(cmd, top ? current : ROOT, s22);
        if (v && top && v.menuChange && cmd.args.length === 0) current = v.menu;
        const depth = top ? 0 : 1;
        const verb = cmd.verb;
        // A name completed at run time (`:to$type`) is not a name.
        if (verb && text.charCodeAt(verb.range.end.offset) === 36 /* $ */) return;
        if (!v) {
        if (!verb) return;
        const name = verb.text.slice(1);
        if (s22.hasCommand([], name) || name === '' || !IDENT.test(name)) return;
        const lv = t.level([], name);
        if (lv.menu || lv.command || lv.prefix !== 'none' || KNOWN_ELSEWHERE.has(name)) return;
        const close = closeMatch(name, t.names([]));
        const fix = close ? fixFor(text, verb, close, ':') : undefined;
        out.push({
          rule: ID,
          message: `bad command name ":${name}": no such global command${close ? ` (did you mean ":${close}"?)` : ''}`,
          range: verb.range,
          ...(fix ? { fixes: [fix] } : {}),
        });
        return;
        }
        if (v6) return;
        // The common case first: the walker resolved a known command or menu (7.22 tree).
        if (v.menuChange ? s22.isMenu(v.menu) : v.verb !== undefined && s22.hasCommand(v.menu, v.verb)) return;
        const words = wordsOf(cmd);
        if (words.length === 0) return;
        // Where the words start: the root for `/...`, else the menu current before this command.
        if (relative && (cmd.path?.segments.length ?? 0) > 0) return; // `.. set`: rare, left alone
        // (classifyCommand keeps the menu before the verb for relative commands.)
        const base = relative ? v.menu : [];
        if (!t.isMenu(base)) return; // judged where that menu was entered
        // `// note` (a C-style comment RouterOS rejects anyway): no word in it is a typo of a menu.
        if (!relative && cmd.path && text.charCodeAt(cmd.path.range.start.offset + 1) === 47 /* / */) return;
        // Relative commands are judged only at the top level after a section header (`/ip firewall
        // filter` then `ad ...`): inside blocks, `do=` bodies and substitutions the menu they run in
        // often comes from context the file does not show (a `/container { ... }` wrapper, a caller).
        if (relative && (depth > 0 || base.length === 0)) return;
        // A relative command may name menus as plain words: `log info "x"` -> /log info.
        if (relative) {
        for (const a of cmd.args) {
          if (a.name || !a.value || a.value.kind !== 'word' || !IDENT.test(a.value.text)) break;
          words.push(a.value);
        }
        }
        let node = base;
        for (let i = 0; i < words.length; i++) {
        const w = words[i];
        if (w.text === '..') {
          node = node.slice(0, -1);
          continue;
        }
        if (!IDENT.test(w.text)) return;
        const lv = t.level(node, w.text);
        if (lv.menu) {
          node = [...node, w.text];
          continue;
        }
        if (lv.command || lv.prefix === 'one-command' || lv.prefix === 'many') return;
        if (lv.prefix === 'one-menu') {
          node = [...node, t.expand(node, w.text)];
          continue;
        }
        if (KNOWN_ELSEWHERE.has(w.text)) return;
        // A close name here, or a menu one level deeper that the next word continues
        // (`/ip fliter add` -> `/ip firewall filter add`).
        const close = closeMatch(w.text, t.names(node)) ?? t.deeperMatch(node, w.text, words[i + 1]?.text);
        if (!close) return;
        const fix = fixFor(text, w, close);
        out.push({
          rule: ID,
          message: `bad command name "${w.text}" in ${where(node)} (did you mean "${close}"?)`,
          range: w.range,
          ...(fix ? { fixes: [fix] } : {}),
        });
        return;
        }
    });
    return out;
  },
};
