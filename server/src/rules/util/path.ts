// Thin adapters over the model's reasoning (server/src/model/reason.ts) used by several checks:
// "which earlier rule hides this one", "is A met before B", and copies of rules with some match
// conditions removed (to ask "could these match the same packet, address lists aside?").

import { hiddenBy, mayOverlap, rulesBefore } from '../../model/reason';
import type { FirewallModel, Match, Rule } from '../../model/types';
import { indexOf } from './rules';

/**
 * The enabled rule with one of `actions` that a packet meets before `rule` on every path to it and
 * that matches every packet of `rule` (jump conditions included); never a rule whose position is
 * unknown. Delegates to the model's `hiddenBy`.
 */
export function hiderOf(rule: Rule, model: FirewallModel, actions: ReadonlySet<string>): Rule | undefined {
  if (!rule.positionKnown) return undefined;
  const h = hiddenBy(rule, model, { actions: [...actions] });
  return h && !h.disabled && h.positionKnown ? h : undefined;
}

/** A copy of `rule` without the given match conditions, enabled. */
export function without(rule: Rule, keys: ReadonlyArray<keyof Match>): Rule {
  const match: Match = { ...rule.match, other: { ...rule.match.other } };
  for (const k of keys) delete match[k];
  return { ...rule, match, disabled: false };
}

export const LIST_KEYS: ReadonlyArray<keyof Match> = ['srcAddressList', 'dstAddressList'];

/** Could the two rules match a common packet when their address-list conditions are ignored? */
export function mayOverlapIgnoringLists(a: Rule, b: Rule, model: FirewallModel): boolean {
  return mayOverlap(without(a, LIST_KEYS), without(b, LIST_KEYS), model);
}

const PRE_FILTER_TABLES = new Set(['raw', 'mangle']);
const PRE_FILTER_CHAINS = new Set(['prerouting']);

/**
 * True when a packet meets `a` before `b` (as if `a` were enabled), false when after, undefined when
 * the order cannot be told (different custom chains of a disabled rule, unknown positions).
 */
export function metBefore(a: Rule, b: Rule, model: FirewallModel): boolean | undefined {
  if (!a.positionKnown || !b.positionKnown) return undefined;
  if (a.family !== b.family) return undefined;
  if (a.table === b.table) {
    if (a.chain === b.chain) return indexOf(a, model) < indexOf(b, model);
    if (!a.disabled) return rulesBefore(b, model).includes(a);
    // A disabled rule is not on any path; judge by the chain structure instead: `a` sits in a chain
    // that jumps into b's chain, above every such jump.
    const table = model.tables.get(`${a.family} ${a.table}`);
    if (!table) return undefined;
    const jumps = table.rules.filter((r) => r.chain === a.chain && r.action === 'jump' && r.jumpTarget === b.chain);
    if (jumps.length === 0) return undefined;
    const ia = table.rules.indexOf(a);
    return jumps.every((j) => table.rules.indexOf(j) > ia);
  }
  if (PRE_FILTER_TABLES.has(a.table) && PRE_FILTER_CHAINS.has(a.chain) && b.table === 'filter') return true;
  if (a.table === 'filter' && PRE_FILTER_TABLES.has(b.table) && PRE_FILTER_CHAINS.has(b.chain)) return false;
  return undefined;
}
