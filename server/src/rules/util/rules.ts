// Small, pure helpers over the firewall model shared by the knock checks: rule kinds, list names,
// positions, and the blacklist view (lists filled by rules and used by a drop). Nothing here
// reasons about packets; that is server/src/model/reason.ts.

import type { Range } from '../../parser/ast';
import { findBlacklists as modelBlacklists } from '../../model';
import type { Blacklist, FirewallModel, KnockSequence, Neg, PortSet, Rule, Table, Unknown } from '../../model/types';

export const TERMINAL_ACTIONS = new Set(['accept', 'drop', 'reject', 'tarpit']);
export const DROP_ACTIONS = new Set(['drop', 'reject', 'tarpit']);

export function isUnknown(v: unknown): v is Unknown {
  return typeof v === 'object' && v !== null && (v as Unknown).unknown === true;
}

/** A known (non-computed) value of a negatable match, or undefined. */
export function known<T>(n: Neg<T> | undefined): { negated: boolean; value: T } | undefined {
  if (!n || isUnknown(n.value)) return undefined;
  return { negated: n.negated, value: n.value as T };
}

/** The list a rule requires positively (`src-address-list=X`, not `!X`). */
export function requiredSrcList(rule: Rule): string | undefined {
  const l = known(rule.match.srcAddressList);
  return l && !l.negated ? l.value : undefined;
}

export function isAddToList(rule: Rule): boolean {
  return rule.action === 'add-src-to-address-list' || rule.action === 'add-dst-to-address-list';
}

export function tableKey(rule: Rule): string {
  return `${rule.family} ${rule.table}`;
}

export function tableOf(rule: Rule, model: FirewallModel): Table | undefined {
  return model.tables.get(tableKey(rule));
}

/** Position of the rule in its table (the order RouterOS numbers it), or -1. */
export function indexOf(rule: Rule, model: FirewallModel): number {
  const t = tableOf(rule, model);
  return t ? t.rules.indexOf(rule) : -1;
}

export function allRules(model: FirewallModel): Rule[] {
  const out: Rule[] = [];
  // (a loop: push(...rules) passes every rule as an argument and overflows the stack on a huge table)
  for (const t of model.tables.values()) for (const r of t.rules) out.push(r);
  return out;
}

export function ruleRange(rule: Rule): Range {
  return rule.source.range;
}

/** Human name of a rule for messages: its comment, or its action and chain. */
export function describeRule(rule: Rule): string {
  const line = rule.source.range.start.line + 1;
  const what = rule.comment ? `"${rule.comment}"` : `${rule.action} in chain ${rule.chain}`;
  return `${what} (line ${line})`;
}

export function stageRules(knocks: readonly KnockSequence[]): Set<Rule> {
  const s = new Set<Rule>();
  for (const k of knocks) for (const st of k.stages) s.add(st.rule);
  return s;
}

/** Every list a knock sequence uses (stage lists and final lists), keyed `${family} ${name}`. */
export function knockLists(knocks: readonly KnockSequence[]): Set<string> {
  const s = new Set<string>();
  for (const k of knocks) for (const st of k.stages) s.add(`${k.family} ${st.list}`);
  return s;
}

const blacklistCache = new WeakMap<FirewallModel, Blacklist[]>();

/**
 * Blacklists with at least one filling rule (the model's `findBlacklists`, which also lists drop-only
 * lists such as static block lists): lists filled by some rule and used by a drop/reject/tarpit as
 * `src-address-list=<list>`. Knock stages are never fillers. Cached per model.
 */
export function findBlacklists(model: FirewallModel, knocks: readonly KnockSequence[]): Blacklist[] {
  const hit = blacklistCache.get(model);
  if (hit) return hit;
  const stages = stageRules(knocks);
  const out: Blacklist[] = [];
  for (const bl of modelBlacklists(model)) {
    const fillers = bl.fillers.filter((r) => r.action === 'add-src-to-address-list' && !stages.has(r));
    if (fillers.length === 0) continue;
    out.push({ ...bl, fillers });
  }
  blacklistCache.set(model, out);
  return out;
}

/** True when the port set contains `port`. */
export function portIn(set: PortSet, port: number): boolean {
  return set.some(([a, b]) => port >= a && port <= b);
}

/** The single port of a stage when it matches exactly one (`dst-port=888`). */
export function singlePort(set: PortSet | undefined): number | undefined {
  if (!set || set.length !== 1 || set[0][0] !== set[0][1]) return undefined;
  return set[0][0];
}

export function formatTimeout(seconds: number): string {
  if (seconds % 86400 === 0) return `${seconds / 86400}d`;
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}
