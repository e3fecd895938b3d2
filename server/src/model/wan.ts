// Which interfaces are "the WAN" for the reachability checks (wan-input-open, service-exposed).
// Pure: read from the model and the syntax tree, plus what the user told us (`env.wanLists`/`lanLists`).
//
// In order, the first that applies:
// 1. `env.wanLists`: the interface lists the user names as the WAN side.
// 2. Interface lists named `WAN` (any case; the default configuration's name) that the script defines or uses.
// 3. The interfaces of the default route: `/ip route add [dst-address=0.0.0.0/0] gateway=ether1` (or
//    `gateway=1.2.3.4%ether1`, or a gateway address on a subnet of `/ip address`), `/ip dhcp-client` (adds a
//    default route unless `add-default-route=no`), PPP/VPN clients with `add-default-route=yes`, and the
//    IPv6 forms.
// 4. Every interface not in a LAN list (`env.lanLists`, or lists named `LAN`).
// 5. Every interface (the script says nothing about its sides).
// Commands that may not run (`:if`, loops) and routes in other routing tables count for nothing.
// `describe` says which was assumed, for the messages.

import type { Command, Script } from '../parser/ast';
import { findArg, valueText, walkCommands } from '../parser/walk';
import type { FirewallModel } from './types';
import { parseAddress } from './values';

export interface WanView {
  basis: 'env' | 'list' | 'route' | 'not-lan' | 'all';
  /** WAN interface lists (basis env / list). */
  lists: string[];
  /** WAN interfaces (basis route). */
  interfaces: string[];
  /** LAN interface lists whose complement is the WAN (basis not-lan). */
  lanLists: string[];
  /** For messages: "the WAN is interface list WAN", ... */
  describe: string;
}

export interface WanOptions {
  wanLists?: readonly string[];
  lanLists?: readonly string[];
}

const cache = new WeakMap<FirewallModel, Map<string, WanView>>();

export function wanOf(model: FirewallModel, script: Script, text: string, env: WanOptions = {}): WanView {
  const key = JSON.stringify([env.wanLists ?? null, env.lanLists ?? null]);
  let per = cache.get(model);
  if (!per) cache.set(model, (per = new Map()));
  const hit = per.get(key);
  if (hit) return hit;
  const v = compute(model, script, text, env);
  per.set(key, v);
  return v;
}

function quoteList(names: readonly string[], what: string): string {
  const q = names.map((n) => `"${n}"`);
  return `${what}${names.length > 1 ? 's' : ''} ${q.join(', ')}`;
}

function compute(model: FirewallModel, script: Script, text: string, env: WanOptions): WanView {
  const empty = { lists: [], interfaces: [], lanLists: [] };
  if (env.wanLists && env.wanLists.length > 0) {
    const lists = [...env.wanLists];
    return { ...empty, basis: 'env', lists, describe: `the WAN is ${quoteList(lists, 'interface list')} (from the settings)` };
  }
  const wanLists = [...model.interfaceLists.keys()].filter((n) => n.toLowerCase() === 'wan');
  if (wanLists.length > 0) {
    return { ...empty, basis: 'list', lists: wanLists, describe: `the WAN is ${quoteList(wanLists, 'interface list')}` };
  }
  const routes = defaultRouteInterfaces(script, text);
  if (routes.length > 0) {
    return {
      ...empty,
      basis: 'route',
      interfaces: routes,
      describe: `the WAN is taken to be ${quoteList(routes, 'interface')}, the default route's (the script names no WAN interface list)`,
    };
  }
  const lan = env.lanLists && env.lanLists.length > 0 ? [...env.lanLists] : [...model.interfaceLists.keys()].filter((n) => n.toLowerCase() === 'lan');
  if (lan.length > 0) {
    return {
      ...empty,
      basis: 'not-lan',
      lanLists: lan,
      describe: `the WAN is taken to be every interface not in ${quoteList(lan, 'interface list')} (the script names no WAN interface list and no default route)`,
    };
  }
  return { ...empty, basis: 'all', describe: 'every interface is taken to be WAN (the script names no WAN or LAN interface list and no default route)' };
}

function menuOf(cmd: Command, current: readonly string[]): string[] {
  const p = cmd.path;
  const out = p && p.absolute ? [] : current.map((s) => s.toLowerCase());
  if (p) {
    for (const s of p.segments) {
      if (s.text === '..') out.pop();
      else if (s.text !== '' && s.text !== '.') out.push(s.text.toLowerCase());
    }
  }
  return out;
}

function arg(cmd: Command, name: string): string | undefined {
  return valueText(findArg(cmd, name)?.value);
}

/** The interfaces default routes of the script leave through (both families), in file order. */
export function defaultRouteInterfaces(script: Script, _text: string): string[] {
  const out: string[] = [];
  const gateways: string[] = [];
  const addresses: Array<{ lo: bigint; hi: bigint; v6: boolean; iface: string }> = [];
  const add = (s: string | undefined) => {
    if (s && !out.includes(s)) out.push(s);
  };
  // commands without a path of their own share their section's menu array: its lower-cased form once
  let lastMenu: readonly string[] | undefined;
  let lastM: string[] = [];
  let lastPath = '';
  walkCommands(script, (cmd, ctx) => {
    if (ctx.inEmbedded || ctx.conditional || cmd.verb?.text !== 'add') return;
    if (arg(cmd, 'disabled') === 'yes') return;
    let m: string[];
    let path: string;
    if (!cmd.path && ctx.menu === lastMenu) {
      m = lastM;
      path = lastPath;
    } else {
      m = menuOf(cmd, ctx.menu);
      path = m.join(' ');
      if (!cmd.path) {
        lastMenu = ctx.menu;
        lastM = m;
        lastPath = path;
      }
    }
    if (path === 'ip route' || path === 'ipv6 route') {
      const dst = arg(cmd, 'dst-address');
      const v6 = m[0] === 'ipv6';
      if (findArg(cmd, 'dst-address') && dst !== (v6 ? '::/0' : '0.0.0.0/0')) return;
      const table = arg(cmd, 'routing-table') ?? arg(cmd, 'routing-mark');
      if (findArg(cmd, 'routing-table') || findArg(cmd, 'routing-mark')) if (table !== 'main') return;
      if (arg(cmd, 'type') === 'blackhole' || arg(cmd, 'blackhole') === 'yes') return;
      const gw = arg(cmd, 'gateway');
      if (!gw) return;
      for (const g of gw.split(',')) {
        const pct = g.indexOf('%');
        if (pct >= 0) add(g.slice(pct + 1));
        else if (parseAddress(g)) gateways.push(g);
        else if (/^[A-Za-z][\w.-]*$/.test(g)) add(g);
      }
    } else if (path === 'ip address' || path === 'ipv6 address') {
      const a = arg(cmd, 'address');
      const iface = arg(cmd, 'interface');
      const r = a ? parseAddress(a) : undefined;
      if (r && iface) addresses.push({ lo: r.lo, hi: r.hi, v6: r.v6, iface });
    } else if (path === 'ip dhcp-client') {
      if (arg(cmd, 'add-default-route') === 'no') return;
      add(arg(cmd, 'interface'));
    } else if (path === 'ipv6 dhcp-client') {
      if (arg(cmd, 'add-default-route') !== 'yes') return;
      add(arg(cmd, 'interface'));
    } else if (m[0] === 'interface' && m.length === 2 && /-client$/.test(m[1])) {
      if (arg(cmd, 'add-default-route') !== 'yes') return;
      add(arg(cmd, 'name') ?? `${m[1].replace(/-client$/, '')}-out1`);
    }
  });
  for (const g of gateways) {
    const r = parseAddress(g);
    if (!r) continue;
    // `/ip address add address=203.0.113.2/24` is parsed as the whole subnet's range
    const hit = addresses.find((a) => a.v6 === r.v6 && a.lo <= r.lo && r.hi <= a.hi);
    if (hit) add(hit.iface);
  }
  return out;
}
