// Reordering firewall rules as text: "Move rule up", "Move rule down", "Move to top of chain" and, on a
// knock-shadowed stage, "Move above <the rule that hides it>". Pure: offsets in, TextEdits out; the
// code-action layer (./codeActions.ts) turns them into LSP actions.
//
// Decisions:
// - Up/down swap with the previous/next rule OF THE SAME CHAIN in the table's final order. RouterOS
//   evaluates a chain's rules in order and ignores other chains' rules in between, so moving past an
//   `output` rule while on an `input` rule would change nothing: the user means "one step in my chain".
// - A move never changes rule text: the rule's block (its comment lines, continuation lines and
//   trailing comment, RuleSource.blockRange) moves verbatim. The only addition: a relative `add ...`
//   (/export form) that lands under another current menu gets its absolute path written in front.
// - A move is only offered when the text order IS the rule order, so moving text moves the rule:
//   every rule of the table is created top-level, unconditionally, in file order (rules/util/move.ts),
//   and no command of that table menu says `move` or `place-before=` (the script sets the order
//   itself; a text move could be undone by it or shift its numbers), and no other command of the
//   table's menu (`set`, `remove`, `disable`, ... with `[find ...]`) stands between the old and new
//   position (its selector could start or stop matching the moved rule), and no syntax error lies in
//   the text the move touches. Otherwise: no action.
// - Whole lines move (blockExtent): a `;`, a trailing `# comment` and the line end go along; a rule
//   that shares its line with another command (`add a; add b`) is not moved (it may be a target).
// - "Move above" is offered for knock-shadowed findings whose related range names an earlier rule of
//   the same chain; the check's own quick fix moves the whole sequence, this moves just the one rule.

import type { CodeAction } from 'vscode-languageserver-types';
import type { Command, ParseResult, Script } from '../parser/ast';
import type { FirewallModel, Rule } from '../model/types';
import type { Finding, TextEdit } from '../rules/types';
import { menuIndex, sameMenu } from '../rules/util/menu';
import { ruleMenu, tableMovable } from '../rules/util/move';
import { tableOf } from '../rules/util/rules';

export type MoveKind = 'up' | 'down' | 'top' | 'above';

export const REORDER_KIND = 'refactor.move';

/** Rule ids whose findings name (in `related`) the rule that should come after the flagged one. */
export const HIDDEN_BY_RULES: ReadonlySet<string> = new Set(['knock-shadowed']);

/** The rule whose block (its comment lines through its last continuation line) contains `offset`. */
export function ruleAt(model: FirewallModel, script: Script, offset: number): Rule | undefined {
  const idx = menuIndex(script);
  let best: Rule | undefined;
  for (const t of model.tables.values()) {
    for (const r of t.rules) {
      const cmd = r.source.command;
      if (!cmd.verb || cmd.verb.text !== 'add' || !idx.isTopLevel(cmd)) continue;
      const start = r.source.blockRange.start.offset;
      const end = Math.max(r.source.range.end.offset, r.source.blockRange.end.offset);
      if (offset >= start && (offset < end || offset === r.source.range.end.offset)) {
        // Prefer the rule whose own command contains the offset (blocks share no lines, but be exact).
        if (!best || (offset >= cmd.range.start.offset && offset <= cmd.range.end.offset)) best = r;
      }
    }
  }
  return best;
}

/** Same-chain neighbours in the table's final order. */
function chainRules(rule: Rule, model: FirewallModel): Rule[] {
  const t = tableOf(rule, model);
  return t ? t.rules.filter((r) => r.chain === rule.chain) : [];
}

function hasArg(cmd: Command, name: string): boolean {
  return cmd.args.some((a) => a.name?.text === name);
}

/** The script itself orders this table (`move`, `place-before=`): refuse to move text in it. */
function scriptOrdersTable(rule: Rule, script: Script): boolean {
  const idx = menuIndex(script);
  const menu = ruleMenu(rule);
  for (const { command, info } of idx.commands) {
    if (!sameMenu(info.menu, menu) || info.isHeader) continue;
    const verb = command.verb?.text;
    if (verb === 'move') return true;
    if (verb === 'add' && hasArg(command, 'place-before')) return true;
  }
  return false;
}

/** A non-`add` command of the table's menu between offsets [from, to) (its selector could change). */
function editBetween(rule: Rule, script: Script, from: number, to: number, except: Command): boolean {
  const idx = menuIndex(script);
  const menu = ruleMenu(rule);
  for (const { command, info } of idx.commands) {
    if (command === except) continue;
    const at = command.range.start.offset;
    if (at < from || at >= to) continue;
    if (!sameMenu(info.menu, menu) || info.isHeader) continue;
    if (command.verb?.text !== 'add') return true;
  }
  return false;
}

/**
 * The text a rule moves with: RuleSource.blockRange (comment lines above, continuation lines), widened
 * to whole lines: a `;` and a trailing `# comment` after the command and the line end are taken along.
 * `wholeLines` is false when another command shares the first or last line (`add a; add b`).
 */
export function blockExtent(text: string, rule: Rule): { start: number; end: number; wholeLines: boolean } {
  let start = Math.min(rule.source.blockRange.start.offset, rule.source.range.start.offset);
  let end = Math.max(rule.source.blockRange.end.offset, rule.source.range.end.offset);
  let wholeLines = true;
  let ls = start;
  while (ls > 0 && text[ls - 1] !== '\n' && text[ls - 1] !== '\r') ls--;
  if (/^[ \t]*$/.test(text.slice(ls, start))) start = ls;
  else wholeLines = false;
  if (end > 0 && text[end - 1] !== '\n' && !(text[end - 1] === '\r' && text[end] !== '\n')) {
    const m = /^[ \t]*;?[ \t]*(?:#[^\r\n]*)?(\r\n|\n|\r|$)/.exec(text.slice(end));
    if (m) end += m[0].length;
    else wholeLines = false;
  }
  return { start, end, wholeLines };
}

/** True when the rule's block holds no other top-level command (`add a; add b` on one line). */
function blockIsolated(rule: Rule, script: Script, text: string): boolean {
  const b0 = blockExtent(text, rule);
  const b = { start: { offset: b0.start }, end: { offset: b0.end } };
  for (const { command } of menuIndex(script).commands) {
    if (command === rule.source.command) continue;
    if (command.range.start.offset < b.end.offset && command.range.end.offset > b.start.offset) return false;
  }
  return true;
}

/**
 * Edits that move `rule`'s block to `insertAt` (a line start, or the end of the text), or undefined
 * when that is not a safe text move (see the header). `anchors` are the neighbours whose blocks must
 * stay intact (the rule moved past).
 */
function moveBlockTo(
  text: string,
  parse: ParseResult,
  model: FirewallModel,
  rule: Rule,
  insertAt: number,
  anchors: readonly Rule[],
): TextEdit[] | undefined {
  const script = parse.script;
  if (!tableMovable(rule, model, script) || scriptOrdersTable(rule, script)) return undefined;
  if (![rule, ...anchors].every((r) => blockIsolated(r, script, text))) return undefined;
  const ext = blockExtent(text, rule);
  // The moved rule must own its lines (else moving would leave `add a;` or glue lines together).
  if (!ext.wholeLines) return undefined;
  const block = { start: { offset: ext.start }, end: { offset: ext.end } };
  if (insertAt >= block.start.offset && insertAt <= block.end.offset) return undefined;
  const from = Math.min(insertAt, block.start.offset);
  const to = Math.max(insertAt, block.end.offset);
  // A syntax error in the text the move touches (an unterminated string swallowing lines): the
  // commands' extent is uncertain, so moving them could cut through what RouterOS sees as one command.
  const spans = [{ start: from, end: to }, ...[rule, ...anchors].map((r) => blockExtent(text, r))];
  for (const e of parse.errors) {
    const es = e.range.start.offset;
    const ee = Math.max(e.range.end.offset, es + 1);
    if (spans.some((sp) => es < sp.end && sp.start < ee)) return undefined;
  }
  if (editBetween(rule, script, from, to, rule.source.command)) return undefined;

  const idx = menuIndex(script);
  const cmd = rule.source.command;
  const info = idx.byCommand.get(cmd);
  if (!info || !cmd.verb) return undefined;
  const targetMenu = idx.menuAt(insertAt);
  let moved: string;
  if ((!cmd.path || !cmd.path.absolute) && !sameMenu(info.menu, targetMenu)) {
    // A relative `add` (export form) lands under another current menu: write its full path.
    const pathStart = cmd.path ? cmd.path.range.start.offset : cmd.verb.range.start.offset;
    moved =
      text.slice(block.start.offset, pathStart) +
      `/${info.menu.join(' ')} ` +
      text.slice(cmd.verb.range.start.offset, block.end.offset);
  } else {
    moved = text.slice(block.start.offset, block.end.offset);
  }
  const edits: TextEdit[] = [];
  let del = { start: block.start.offset, end: block.end.offset };
  if (!/[\r\n]$/.test(moved)) {
    // The block is the last line and has no line end: take the line end before it along.
    const eol = /\r?\n$/.exec(text.slice(0, block.start.offset));
    if (eol) del = { start: block.start.offset - eol[0].length, end: block.end.offset };
    moved += eol ? eol[0] : '\n';
  }
  if (insertAt === text.length && text.length > 0 && !/[\r\n]$/.test(text)) {
    // Appending after a last line without a line end.
    moved = '\n' + moved.replace(/\r?\n$/, '');
  }
  edits.push({ start: del.start, end: del.end, newText: '' });
  edits.push({ start: insertAt, end: insertAt, newText: moved });
  return edits.sort((a, b) => a.start - b.start);
}

/** Edits moving `moving` directly above `target` (same table, target earlier in the table). */
function moveAbove(text: string, parse: ParseResult, model: FirewallModel, moving: Rule, target: Rule): TextEdit[] | undefined {
  if (moving === target || tableOf(moving, model) !== tableOf(target, model)) return undefined;
  const t = tableOf(target, model)!;
  if (t.rules.indexOf(moving) < t.rules.indexOf(target)) return undefined;
  return moveBlockTo(text, parse, model, moving, blockExtent(text, target).start, [target]);
}

/** Edits moving `moving` directly below `target` (same table, target later in the table). */
function moveBelow(text: string, parse: ParseResult, model: FirewallModel, moving: Rule, target: Rule): TextEdit[] | undefined {
  if (moving === target || tableOf(moving, model) !== tableOf(target, model)) return undefined;
  const t = tableOf(target, model)!;
  if (t.rules.indexOf(moving) > t.rules.indexOf(target)) return undefined;
  const ext = blockExtent(text, target);
  // Below a rule that shares its last line with another command: no clean place to put it.
  if (ext.end !== text.length && text[ext.end - 1] !== '\n' && text[ext.end - 1] !== '\r') return undefined;
  return moveBlockTo(text, parse, model, moving, ext.end, [target]);
}

/**
 * The edits for one move of `rule`, or undefined when the move is impossible (no neighbour, already at
 * the top) or unsafe. `target` is the rule to move above, for kind 'above'.
 */
export function moveRuleEdits(
  text: string,
  parse: ParseResult,
  model: FirewallModel,
  rule: Rule,
  kind: MoveKind,
  target?: Rule,
): TextEdit[] | undefined {
  const chain = chainRules(rule, model);
  const i = chain.indexOf(rule);
  if (i < 0) return undefined;
  switch (kind) {
    case 'up':
      return i > 0 ? moveAbove(text, parse, model, rule, chain[i - 1]) : undefined;
    case 'down':
      return i + 1 < chain.length ? moveBelow(text, parse, model, rule, chain[i + 1]) : undefined;
    case 'top':
      // Only when it is not already directly below the top (then "up" is the same move).
      return i > 1 ? moveAbove(text, parse, model, rule, chain[0]) : undefined;
    case 'above':
      // Only within the chain: above a rule of another chain the move would change nothing.
      return target && target.chain === rule.chain ? moveAbove(text, parse, model, rule, target) : undefined;
  }
}

/** How a rule is named in an action title: its comment, or its action, then its line. */
export function ruleLabel(rule: Rule): string {
  const line = rule.source.range.start.line + 1;
  return rule.comment ? `"${rule.comment}" (line ${line})` : `the ${rule.action} rule at line ${line}`;
}

/** The rule a related-information range points at (the range of its command, or inside it). */
export function ruleAtRange(model: FirewallModel, offset: number): Rule | undefined {
  for (const t of model.tables.values()) {
    for (const r of t.rules) {
      const { start, end } = r.source.range;
      if (offset >= start.offset && offset < Math.max(end.offset, start.offset + 1)) return r;
    }
  }
  return undefined;
}

export interface PlannedMove {
  title: string;
  kind: MoveKind;
  rule: Rule;
  target?: Rule;
  edits: TextEdit[];
}

/**
 * Every move offered for the rule under [start, end] (offsets): up, down, top of chain, and "move above"
 * for each finding of a HIDDEN_BY_RULES rule on it whose related range names an earlier rule.
 */
export function planMoves(
  text: string,
  parse: ParseResult,
  model: FirewallModel,
  start: number,
  end: number,
  findings: readonly Finding[] = [],
): PlannedMove[] {
  const script = parse.script;
  const rule = ruleAt(model, script, start) ?? (end !== start ? ruleAt(model, script, end) : undefined);
  if (!rule) return [];
  const out: PlannedMove[] = [];
  const seenTargets = new Set<Rule>();
  for (const f of findings) {
    if (!HIDDEN_BY_RULES.has(f.rule)) continue;
    const at = f.range.start.offset;
    if (at < rule.source.range.start.offset || at >= Math.max(rule.source.range.end.offset, at + 1)) continue;
    for (const rel of f.related ?? []) {
      const target = ruleAtRange(model, rel.range.start.offset);
      if (!target || target === rule || seenTargets.has(target)) continue;
      const edits = moveRuleEdits(text, parse, model, rule, 'above', target);
      if (!edits) continue;
      seenTargets.add(target);
      out.push({ title: `Move above ${ruleLabel(target)}`, kind: 'above', rule, target, edits });
    }
  }
  const titles: Array<[MoveKind, string]> = [
    ['up', 'Move rule up'],
    ['down', 'Move rule down'],
    ['top', 'Move to top of chain'],
  ];
  for (const [kind, title] of titles) {
    const edits = moveRuleEdits(text, parse, model, rule, kind);
    if (edits) out.push({ title, kind, rule, edits });
  }
  return out;
}

/** Converts planned moves into LSP code actions (kind refactor.move) with a converter for offsets. */
export function movesToActions(
  moves: readonly PlannedMove[],
  uri: string,
  toLspEdits: (edits: readonly TextEdit[]) => import('vscode-languageserver-types').TextEdit[],
): CodeAction[] {
  return moves.map((m) => ({
    title: m.title,
    kind: REORDER_KIND,
    edit: { changes: { [uri]: toLspEdits(m.edits) } },
  }));
}
