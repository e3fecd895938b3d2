// wan-input-open: new connections from the WAN reach the end of the input chain, where RouterOS
// accepts them (the implicit accept): there is no drop for them, or the drop misses some protocols or
// ports. Judged per address family that has filter rules, on the one semantics (the input hook's
// implicit-accept set); reported on the last rule of that family's input chain, naming what stays open.
//
// Proof only: packets that reach the end only for some values of conditions the script cannot know
// (limit, psd, values computed at run time) do not count; packets admitted only from an address
// list's members or a few source addresses are not "open". When the WAN is an interface list or the
// default route's interface and every WAN interface the script names is closed, an opening left only
// through interfaces the script never names (ones the router may add to the list) is not reported.
// Silent for tables the script only partly shows (it changes rules it did not create) and when the
// analysis ran out of budget.

import type { Check } from './types';
import type { Family, Rule } from '../model/types';
import { reachOf } from '../semantics/reach';
import { wanOf } from '../model/wan';
import { elsewhereTargets, tableChains, type TableChains } from '../model/chains';
import { describeOpen, fromAnySource, newFromWan, onlyUnnamedOpen, droppedFromWan, evidentWan, wanAtoms } from './util/exposure';
import { ruleFinding, type RawFinding } from './util/finding';

export const wanInputOpen: Check = {
  id: 'wan-input-open',
  defaultSeverity: 'error',
  description: 'New connections from the WAN reach the end of the input chain, where RouterOS accepts them.',
  examples: {
    bad:
      '/interface list add name=WAN\n' +
      '/interface list add name=LAN\n' +
      '/interface list member add interface=ether1 list=WAN\n' +
      '/interface list member add interface=bridge list=LAN\n' +
      '/ip firewall filter\n' +
      'add chain=input action=accept connection-state=established,related\n' +
      'add chain=input action=drop connection-state=invalid\n' +
      'add chain=input action=drop in-interface-list=WAN protocol=tcp\n',
    good:
      '/interface list add name=WAN\n' +
      '/interface list add name=LAN\n' +
      '/interface list member add interface=ether1 list=WAN\n' +
      '/interface list member add interface=bridge list=LAN\n' +
      '/ip firewall filter\n' +
      'add chain=input action=accept connection-state=established,related\n' +
      'add chain=input action=drop connection-state=invalid\n' +
      'add chain=input action=drop in-interface-list=WAN\n',
  },
  run(ctx) {
    const out: RawFinding[] = [];
    const chains = tableChains(ctx.model, ctx.parse.script);
    const wan = wanOf(ctx.model, ctx.parse.script, ctx.text, ctx.env);
    for (const family of ['ip', 'ipv6'] as Family[]) {
      const tc = chains.get(`${family} filter`);
      if (!tc || tc.partial) continue;
      // A jump into a chain another file holds: what happens to its packets there is not in this file.
      if (elsewhereTargets(tc, ctx.parse.script, ctx.env.workspaceChains).size > 0) continue;
      const input = tc.chains.get('input');
      if (!input || input.rules.length === 0) continue;
      if (input.rules.some((r) => r.source.conditional)) continue;
      if (!firewallLike(tc)) continue;
      const last: Rule = [...input.rules].reverse().find((r) => !r.disabled) ?? input.rules[input.rules.length - 1];
      const reach = reachOf(ctx.model, family);
      if (!reach.complete) continue;
      const atoms = wanAtoms(reach.space, wan);
      const mask = evidentWan(reach.space, wan, reach.hook('input'), atoms.mask);
      const named = atoms.named.filter((i) => mask & (1n << BigInt(i)));
      if (mask === 0n) continue;
      const end = reach.hook('input').implicitAccept.certain();
      const open = fromAnySource(reach.space, newFromWan(reach.space, end.cubes, mask));
      if (open.length === 0) continue;
      if (onlyUnnamedOpen(open, named, droppedFromWan(reach.space, reach.hook('input'), mask))) continue;
      const what = describeOpen(reach.space, open);
      const fam = family === 'ip' ? 'IPv4' : 'IPv6';
      out.push(
        ruleFinding(
          this.id,
          last,
          `new ${fam} connections from the WAN reach the end of the input chain, where RouterOS accepts them: ` +
            `${what} left open (${wan.describe})`,
        ),
      );
    }
    return out;
  },
};

const STOPS = new Set(['drop', 'reject', 'tarpit']);

/**
 * True when the filter table is a firewall of its own: it accepts established connections (what every
 * stateful firewall does first), or it has a policy drop (one limited at most by interface or connection
 * state). A table of service accepts, blacklist drops or protections for a few ports is a snippet to add
 * to a router's existing firewall (which has the drop): the end of its input chain proves nothing.
 */
export function firewallLike(tc: TableChains): boolean {
  return tc.table.rules.some((r) => {
    if (r.disabled) return false;
    const m = r.match;
    if (r.action === 'accept') {
      const cs = m.connectionState;
      return !!cs && !cs.negated && Array.isArray(cs.value) && cs.value.includes('established');
    }
    if (!STOPS.has(r.action)) return false;
    const keys = Object.keys(m).filter((k) => k !== 'other' && (m as unknown as Record<string, unknown>)[k] !== undefined);
    const allowed = new Set(['inInterface', 'inInterfaceList', 'connectionState', 'connectionNatState']);
    return keys.every((k) => allowed.has(k)) && Object.keys(m.other).length === 0;
  });
}
