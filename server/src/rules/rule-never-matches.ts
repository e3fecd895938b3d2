// rule-never-matches: the rule's own conditions contradict each other or the chain it lives in, so no
// packet can ever match it, wherever it stands: `in-interface` in output (a packet the router sends
// arrived on no interface), `out-interface` in input (it leaves on none), `tcp-flags` with a protocol
// other than TCP. The semantics decides (no packet of the hooks that reach the chain meets the
// conditions); util/never.ts only says which conditions clash, for the message.
//
// A custom chain is judged by the built-in chains that jump to it: `out-interface` in a chain reached
// only from input never matches. Disabled rules are not reported; negated interface conditions are left
// alone (what `!` means for a packet without that interface is the router's business).
// No fix: which condition is wrong is for the author to say.

import type { Check } from './types';
import type { Rule, Table } from '../model/types';
import { tableChains, type TableChains } from '../model/chains';
import { reasonsNeverMatches } from './util/never';
import { reachOf } from '../semantics/reach';
import { matchOf } from '../semantics/match';
import { hookUniverse, semHooks } from './util/hooks';
import { ruleFinding, type RawFinding } from './util/finding';

export const ruleNeverMatches: Check = {
  id: 'rule-never-matches',
  defaultSeverity: 'warning',
  description: "The rule's own conditions contradict each other or its chain: no packet can ever match it.",
  examples: {
    bad:
      '/ip firewall filter\n' +
      'add chain=input action=accept connection-state=established,related\n' +
      'add chain=input action=accept protocol=udp dst-port=53 out-interface=bridge\n' +
      'add chain=input action=drop in-interface-list=WAN\n',
    good:
      '/ip firewall filter\n' +
      'add chain=input action=accept connection-state=established,related\n' +
      'add chain=input action=accept protocol=udp dst-port=53 in-interface=bridge\n' +
      'add chain=input action=drop in-interface-list=WAN\n',
  },
  run(ctx) {
    const out: RawFinding[] = [];
    const all = tableChains(ctx.model, ctx.parse.script);
    for (const tc of all.values()) {
      for (const r of tc.table.rules) {
        if (r.disabled) continue;
        const hooks = hooksOf(r, tc);
        const why = reasonsNeverMatches(r, hooks);
        if (!why || !hooks) continue;
        // The semantics decides: no packet of the hooks reaching this chain meets the conditions.
        const reach = reachOf(ctx.model, r.family);
        if (matchOf(reach.space, r.match, r).split(hookUniverse(reach, semHooks(r.table, hooks))).yes.length > 0) continue;
        out.push(ruleFinding(this.id, r, `this rule never matches: ${why}`));
      }
    }
    return out;
  },
};

const HOOKS: Record<Table['name'], string[]> = {
  filter: ['input', 'forward', 'output'],
  mangle: ['prerouting', 'input', 'forward', 'output', 'postrouting'],
  raw: ['prerouting', 'output'],
  nat: [],
};

/**
 * The built-in chains whose packets can reach rule `r`'s chain (through enabled jumps), or undefined
 * when that is not known (nat, jump targets computed at run time, a table the script only partly shows,
 * a chain nothing jumps to).
 */
export function hooksOf(r: Rule, tc: TableChains): string[] | undefined {
  const builtin = HOOKS[r.table];
  if (builtin.length === 0) return undefined;
  if (builtin.includes(r.chain)) return [r.chain];
  if (tc.partial || tc.unknownJump || tc.unknownChain) return undefined;
  const out = new Set<string>();
  const seen = new Set<string>();
  const visit = (chain: string): boolean => {
    if (builtin.includes(chain)) {
      out.add(chain);
      return true;
    }
    if (seen.has(chain)) return true;
    seen.add(chain);
    for (const j of tc.jumpsTo.get(chain) ?? []) {
      if (j.disabled) continue;
      visit(j.chain);
    }
    return true;
  };
  visit(r.chain);
  return out.size > 0 ? [...out] : undefined;
}
