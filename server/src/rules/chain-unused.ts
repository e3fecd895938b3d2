// chain-unused: a custom chain that no rule of its table jumps to. Its rules never see a packet
// (RouterOS enters only the built-in chains), so they protect nothing. Reported once per chain, on its
// first enabled rule; rule-unreachable stays silent for the rules of such a chain.
//
// Silent when a jump may lead there after all: a jump whose target is computed at run time, a
// disabled or conditional jump (it is there to be enabled or may run), a table the script only partly
// shows (it changes rules it did not create), chains the router makes (hotspot).

import type { Check } from './types';
import { closestChain, elsewhereTargets, isExport, missingTargets, tableChains, routerChain, type TableChains } from '../model/chains';
import type { Rule } from '../model/types';
import { ruleFinding, type RawFinding } from './util/finding';

export const chainUnused: Check = {
  id: 'chain-unused',
  defaultSeverity: 'info',
  description: 'A custom chain that no rule jumps to: its rules never run.',
  examples: {
    bad:
      '/ip firewall filter\n' +
      'add chain=input action=accept connection-state=established,related\n' +
      'add chain=input action=drop in-interface-list=WAN\n' +
      'add chain=icmp-in action=accept protocol=icmp\n',
    good:
      '/ip firewall filter\n' +
      'add chain=input action=accept connection-state=established,related\n' +
      'add chain=input action=jump jump-target=icmp-in protocol=icmp\n' +
      'add chain=input action=drop in-interface-list=WAN\n' +
      'add chain=icmp-in action=accept protocol=icmp\n',
  },
  run(ctx) {
    const out: RawFinding[] = [];
    for (const tc of tableChains(ctx.model, ctx.parse.script).values()) {
      // A table of custom chains only, with no jump and no `/export` header, is a piece of a firewall whose
      // jumps live in another file (the chains of a split configuration), not a set of dead chains.
      if (!isExport(ctx.parse.script) && tc.jumpsTo.size === 0 && ![...tc.chains.keys()].some((c) => routerChain(tc.table, c))) continue;
      for (const u of unusedChains(tc, elsewhereTargets(tc, ctx.parse.script, ctx.env.workspaceChains))) {
        const n = u.rules.length;
        out.push(
          ruleFinding(
            this.id,
            u.first,
            `no rule of /${tc.table.family} firewall ${tc.table.name} jumps to chain "${u.name}": ` +
              `its ${n === 1 ? 'rule never runs' : `${n} rules never run`} (RouterOS enters only the built-in chains)`,
          ),
        );
      }
    }
    return out;
  },
};

/** Custom chains of the table nothing jumps to, with their first enabled rule. */
export function unusedChains(tc: TableChains, elsewhere?: ReadonlySet<string>): Array<{ name: string; first: Rule; rules: Rule[] }> {
  const out: Array<{ name: string; first: Rule; rules: Rule[] }> = [];
  if (tc.partial || tc.unknownJump) return out;
  // A chain a misspelt jump was meant for is jump-target-missing's finding (one problem, one diagnostic).
  const meant = new Set<string>();
  for (const target of missingTargets(tc, elsewhere).keys()) {
    const c = closestChain(target, tc);
    if (c) meant.add(c.name);
  }
  for (const [name, c] of tc.chains) {
    if (routerChain(tc.table, name) || tc.jumpsTo.has(name) || meant.has(name)) continue;
    const first = c.rules.find((r) => !r.disabled);
    if (!first) continue;
    out.push({ name, first, rules: c.rules.filter((r) => !r.disabled) });
  }
  return out;
}

/** True when `rule` lives in a custom chain nothing jumps to (rule-unreachable leaves those alone). */
export function inUnusedChain(rule: Rule, tc: TableChains | undefined): boolean {
  if (!tc || tc.partial || tc.unknownJump) return false;
  return !routerChain(tc.table, rule.chain) && !tc.jumpsTo.has(rule.chain);
}
