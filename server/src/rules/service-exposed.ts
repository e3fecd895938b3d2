// service-exposed: a management service of the router (ssh, telnet, winbox, api, api-ssl, www,
// www-ssl, ftp) accepts new connections from any WAN source. The services and their ports come from
// `/ip service` as the script leaves it (disabled ones, `address=` limits and changed `port=` taken into
// account; untouched ones at RouterOS's defaults); who admits the connection comes from the one
// semantics (the input hook's accept set and the rule that accepted each packet). Reported on that
// accept rule, once, naming every service it exposes.
//
// Not exposure: an accept limited to a source address list or a few source addresses, one that admits
// only for some values of conditions the script cannot know (limit, run-time values), the implicit
// accept at the end of the chain (wan-input-open reports that), and an accept that knock-exposed-service
// already reports (one problem, one diagnostic). Silent for rules inside `:if`/loops, tables the script
// only partly shows, and services whose state the script leaves uncertain.

import type { Check, CheckContext } from './types';
import type { Family, Match, Rule } from '../model/types';
import { reachOf } from '../semantics/reach';
import { matchOf } from '../semantics/match';
import { servicesOf, type ServiceState } from '../model/services';
import { wanOf } from '../model/wan';
import { elsewhereTargets, tableChains } from '../model/chains';
import { fromAnySource, newFromWan, onlyUnnamedOpen, droppedFromWan, evidentWan, wanAtoms } from './util/exposure';
import { ruleFinding, type RawFinding } from './util/finding';
import { knockExposedService } from './knock-exposed-service';
import { firewallLike } from './wan-input-open';

export const serviceExposed: Check = {
  id: 'service-exposed',
  defaultSeverity: 'warning',
  description: 'A management service of the router (ssh, winbox, api, www, ...) accepts new connections from any WAN source.',
  examples: {
    bad:
      '/interface list add name=WAN\n' +
      '/interface list member add interface=ether1 list=WAN\n' +
      '/ip firewall filter\n' +
      'add chain=input action=accept connection-state=established,related\n' +
      'add chain=input action=accept protocol=tcp dst-port=22,8291 comment="ssh and winbox"\n' +
      'add chain=input action=drop in-interface-list=WAN\n',
    good:
      '/interface list add name=WAN\n' +
      '/interface list member add interface=ether1 list=WAN\n' +
      '/ip firewall filter\n' +
      'add chain=input action=accept connection-state=established,related\n' +
      'add chain=input action=accept protocol=tcp dst-port=22,8291 src-address-list=admins comment="ssh and winbox"\n' +
      'add chain=input action=drop in-interface-list=WAN\n',
  },
  run(ctx) {
    const out: RawFinding[] = [];
    const services = [...servicesOf(ctx.parse.script, ctx.text).values()].filter(
      (s) => s.disabled === false && Array.isArray(s.address) && s.address.length === 0 && typeof s.port === 'number',
    );
    if (services.length === 0) return out;
    const chains = tableChains(ctx.model, ctx.parse.script);
    const wan = wanOf(ctx.model, ctx.parse.script, ctx.text, ctx.env);
    const knockReported = knockFindings(ctx);
    for (const family of ['ip', 'ipv6'] as Family[]) {
      const tc = chains.get(`${family} filter`);
      if (!tc || tc.partial || !tc.chains.get('input')?.rules.length) continue;
      // A jump into a chain another file holds: what happens to its packets there is not in this file.
      if (elsewhereTargets(tc, ctx.parse.script, ctx.env.workspaceChains).size > 0) continue;
      // With the WAN only assumed, a table that is no firewall of its own (a snippet) proves nothing.
      if ((wan.basis === 'all' || wan.basis === 'not-lan') && !firewallLike(tc)) continue;
      const reach = reachOf(ctx.model, family);
      if (!reach.complete) continue;
      const space = reach.space;
      const atoms = wanAtoms(space, wan);
      const mask = evidentWan(space, wan, reach.hook('input'), atoms.mask);
      const named = atoms.named.filter((i) => mask & (1n << BigInt(i)));
      if (mask === 0n) continue;
      const accepted = reach.hook('input').accept.certain();
      const wanNew = fromAnySource(space, newFromWan(space, accepted.cubes, mask));
      const dropped = droppedFromWan(space, reach.hook('input'), mask);
      const byRule = new Map<Rule, { services: ServiceState[]; notrack: boolean }>();
      for (const s of services) {
        const port = s.port as number;
        const q: Match = { protocol: { negated: false, value: 'tcp' }, dstPort: { negated: false, value: [[port, port]] }, other: {} };
        const hit = matchOf(space, q).split(wanNew).yes;
        if (hit.length === 0) continue;
        if (onlyUnnamedOpen(hit, named, dropped)) continue;
        for (const c of hit) {
          const r = c.trip.by;
          if (!r || r.table !== 'filter' || r.family !== family) continue;
          let e = byRule.get(r);
          if (!e) byRule.set(r, (e = { services: [], notrack: false }));
          if (!e.services.includes(s)) e.services.push(s);
          if (c.trip.notrack) e.notrack = true;
        }
      }
      for (const [r, e] of byRule) {
        if (r.source.conditional || !r.positionKnown || knockReported.has(r.source.range.start.offset)) continue;
        const list = e.services
          .sort((a, b) => (a.port as number) - (b.port as number))
          .map((s) => `${s.name} (${s.port})`)
          .join(', ');
        const how = e.notrack ? ' (a raw notrack rule makes them untracked, and this rule accepts untracked packets)' : '';
        out.push(
          ruleFinding(this.id, r, `this accept admits new connections from any WAN source to the router's ${list}${how}; ${wan.describe}`),
        );
      }
    }
    return out;
  },
};

const knockCache = new WeakMap<object, Set<number>>();

/** Start offsets of the rules knock-exposed-service reports (service-exposed stays silent there). */
function knockFindings(ctx: CheckContext): Set<number> {
  const hit = knockCache.get(ctx.model);
  if (hit) return hit;
  const s = new Set<number>();
  if (ctx.knocks.length > 0) {
    try {
      for (const f of knockExposedService.run(ctx)) s.add(f.range.start.offset);
    } catch {
      // its failure is reported by its own run
    }
  }
  knockCache.set(ctx.model, s);
  return s;
}
