// Moving rule commands in the text (a block of knock stages above the rule that hides them, an accept
// above a drop, a blacklist drop to the top of its chain). Pure: returns TextEdits or undefined when a
// move cannot be expressed safely as a text move.
//
// A move is only offered when the text order is the rule order: every rule of the table is created by
// a top-level command, unconditionally, in file order, and no command of that table refers to rules
// by number (`set 3`, `move 0 3`, `place-before=2`), whose meaning would shift. Each moved rule takes its
// comment lines and continuation lines along (RuleSource.blockRange). In /export form a relative
// `add ...` moved under a different current menu gets its absolute path written in front.

import type { Argument, Command, Script } from '../../parser/ast';
import type { FirewallModel, Rule } from '../../model/types';
import type { TextEdit } from '../types';
import { menuIndex, menuText, sameMenu, type MenuIndex } from './menu';
import { tableOf } from './rules';

const RULE_MENU: Record<string, string[]> = {
  'ip filter': ['ip', 'firewall', 'filter'],
  'ip nat': ['ip', 'firewall', 'nat'],
  'ip mangle': ['ip', 'firewall', 'mangle'],
  'ip raw': ['ip', 'firewall', 'raw'],
  'ipv6 filter': ['ipv6', 'firewall', 'filter'],
  'ipv6 nat': ['ipv6', 'firewall', 'nat'],
  'ipv6 mangle': ['ipv6', 'firewall', 'mangle'],
  'ipv6 raw': ['ipv6', 'firewall', 'raw'],
};

export function ruleMenu(rule: Rule): string[] {
  return RULE_MENU[`${rule.family} ${rule.table}`] ?? [rule.family, 'firewall', rule.table];
}

const NUMERIC = /^\*?[0-9A-Fa-f]*[0-9][0-9A-Fa-f]*(,\*?[0-9A-Fa-f]+)*$/;

function isNumericRef(arg: Argument): boolean {
  const name = arg.name?.text;
  if (name !== undefined && name !== 'numbers' && name !== 'place-before' && name !== 'destination') return false;
  const v = arg.value;
  if (!v || v.kind !== 'word') return false;
  return /^[0-9]+(,[0-9]+)*$/.test(v.text) || (NUMERIC.test(v.text) && v.text.startsWith('*'));
}

const orderCache = new WeakMap<Script, Map<string, boolean>>();

/** True when the rules of `rule`'s table may be moved as text (see the header comment). */
export function tableMovable(rule: Rule, model: FirewallModel, script: Script): boolean {
  const key = `${rule.family} ${rule.table}`;
  let perScript = orderCache.get(script);
  if (!perScript) {
    perScript = new Map();
    orderCache.set(script, perScript);
  }
  const hit = perScript.get(key);
  if (hit !== undefined) return hit;
  const result = computeMovable(rule, model, menuIndex(script));
  perScript.set(key, result);
  return result;
}

function computeMovable(rule: Rule, model: FirewallModel, idx: MenuIndex): boolean {
  const table = tableOf(rule, model);
  if (!table) return false;
  let lastOffset = -1;
  for (const r of table.rules) {
    if (r.source.conditional || !r.positionKnown || !idx.isTopLevel(r.source.command)) return false;
    const off = r.source.command.range.start.offset;
    if (off <= lastOffset) return false;
    lastOffset = off;
  }
  const menu = ruleMenu(rule);
  for (const { command, info } of idx.commands) {
    if (!sameMenu(info.menu, menu) || info.isHeader) continue;
    if (command.args.some(isNumericRef)) return false;
  }
  return true;
}

/** True when the rule's block holds no other top-level command (`add a; add b` on one line). */
function blockIsolated(rule: Rule, idx: MenuIndex): boolean {
  const b = rule.source.blockRange;
  for (const { command } of idx.commands) {
    if (command === rule.source.command) continue;
    if (command.range.start.offset < b.end.offset && command.range.end.offset > b.start.offset) return false;
  }
  return true;
}

/** The text of a rule's block, with the absolute path added when it will run under another menu. */
function blockText(text: string, rule: Rule, targetMenu: string[], idx: MenuIndex): string | undefined {
  const cmd: Command = rule.source.command;
  const info = idx.byCommand.get(cmd);
  if (!info) return undefined;
  const block = rule.source.blockRange;
  let out: string;
  const relative = !cmd.path || !cmd.path.absolute;
  if (relative && !sameMenu(info.menu, targetMenu)) {
    if (!cmd.verb) return undefined;
    const start = cmd.path ? cmd.path.range.start.offset : cmd.verb.range.start.offset;
    out =
      text.slice(block.start.offset, start) +
      `${menuText(info.menu)} ` +
      text.slice(cmd.verb.range.start.offset, block.end.offset);
  } else {
    out = text.slice(block.start.offset, block.end.offset);
  }
  if (!out.endsWith('\n')) out += '\n';
  return out;
}

/**
 * Edits moving `moving` (in their current order) directly above `target`, or undefined when the
 * move is not safe. Rules already above the target are left alone.
 */
export function moveAboveEdits(
  text: string,
  script: Script,
  model: FirewallModel,
  moving: readonly Rule[],
  target: Rule,
): TextEdit[] | undefined {
  if (!tableMovable(target, model, script)) return undefined;
  const idx = menuIndex(script);
  const table = tableOf(target, model);
  if (!table) return undefined;
  const targetIdx = table.rules.indexOf(target);
  const toMove = moving
    .filter((r) => r !== target && table.rules.indexOf(r) > targetIdx)
    .sort((a, b) => a.source.blockRange.start.offset - b.source.blockRange.start.offset);
  if (toMove.length === 0) return undefined;
  if (toMove.some((r) => tableOf(r, model) !== table)) return undefined;
  if (![target, ...toMove].every((r) => blockIsolated(r, idx))) return undefined;
  const insertAt = target.source.blockRange.start.offset;
  // The menu in effect where the block lands: the menu before the target's block.
  const targetMenu = idx.menuAt(insertAt);
  const edits: TextEdit[] = [];
  let inserted = '';
  for (const r of toMove) {
    const t = blockText(text, r, targetMenu, idx);
    if (t === undefined) return undefined;
    inserted += t;
    edits.push({ start: r.source.blockRange.start.offset, end: r.source.blockRange.end.offset, newText: '' });
  }
  edits.push({ start: insertAt, end: insertAt, newText: inserted });
  return edits;
}

/** The first rule of `chain` in the rule's table (the top of the chain), if any. */
export function firstOfChain(rule: Rule, model: FirewallModel): Rule | undefined {
  const table = tableOf(rule, model);
  return table?.rules.find((r) => r.chain === rule.chain);
}
