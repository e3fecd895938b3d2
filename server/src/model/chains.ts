// The chain structure of each firewall table: which chains rules define, which jumps lead where, and
// whether the script works on rules the router already has (then chains and jumps we do not see may
// exist). Pure structure: nothing here decides what a packet matches.

import type { Script } from '../parser/ast';
import { walkCommands } from '../parser/walk';
import { builtinChains } from './reason';
import type { FirewallModel, Rule, Table } from './types';
import { editDistance as distance } from '../editDistance';

export interface ChainInfo {
  name: string;
  /** Rules of the chain in table order (enabled and disabled). */
  rules: Rule[];
}

export interface TableChains {
  table: Table;
  chains: Map<string, ChainInfo>;
  /** Jump rules by literal target (enabled and disabled, conditional or not). */
  jumpsTo: Map<string, Rule[]>;
  /** Some jump's target is computed at run time: any chain may be its target. */
  unknownJump: boolean;
  /** Some rule's chain is computed at run time (`chain=$c`): any jump target may be defined. */
  unknownChain: boolean;
  /**
   * The script changes, moves or places rules relative to rules it did not create (`set [find ...]`,
   * `place-before=` an existing rule): the router's table holds more than the script shows.
   */
  partial: boolean;
}

/** Chains the router itself creates (hotspot) or enters: never "missing", never "unused". */
export function routerChain(table: Table, chain: string): boolean {
  if (builtinChains(table.name).includes(chain)) return true;
  return /^(hs-|pre-hs-|pre-hotspot$|hotspot$)/.test(chain);
}

const cache = new WeakMap<FirewallModel, Map<string, TableChains>>();

export function tableChains(model: FirewallModel, script: Script): Map<string, TableChains> {
  const hit = cache.get(model);
  if (hit) return hit;
  const partialKeys = partialTables(model, script);
  const out = new Map<string, TableChains>();
  for (const [key, table] of model.tables) {
    const chains = new Map<string, ChainInfo>();
    const jumpsTo = new Map<string, Rule[]>();
    let unknownJump = false;
    let unknownChain = false;
    let partial = partialKeys.has(key);
    for (const r of table.rules) {
      if (!r.positionKnown) partial = true;
      if (r.dynamicProps?.includes('chain') || r.chain.includes('$')) {
        unknownChain = true;
        continue;
      }
      let c = chains.get(r.chain);
      if (!c) chains.set(r.chain, (c = { name: r.chain, rules: [] }));
      c.rules.push(r);
      if (r.action !== 'jump') continue;
      if (r.dynamicProps?.includes('jump-target') || r.jumpTarget === undefined) {
        unknownJump = true;
        continue;
      }
      let l = jumpsTo.get(r.jumpTarget);
      if (!l) jumpsTo.set(r.jumpTarget, (l = []));
      l.push(r);
    }
    out.set(key, { table, chains, jumpsTo, unknownJump, unknownChain, partial });
  }
  cache.set(model, out);
  return out;
}

/** `${family} ${table}` keys of tables where some command refers to rules the script did not create. */
function partialTables(model: FirewallModel, script: Script): Set<string> {
  const cmds = new Set(model.unresolved.map((u) => u.command).filter((c) => c !== undefined));
  const out = new Set<string>();
  if (cmds.size === 0) return out;
  walkCommands(script, (cmd, ctx) => {
    if (!cmds.has(cmd)) return;
    const menu = [...ctx.menu];
    if (cmd.path) {
      if (cmd.path.absolute) menu.length = 0;
      for (const s of cmd.path.segments) {
        if (s.text === '..') menu.pop();
        else if (s.text !== '') menu.push(s.text);
      }
    }
    const m = menu.map((s) => s.toLowerCase());
    if ((m[0] === 'ip' || m[0] === 'ipv6') && m[1] === 'firewall' && m.length === 3) out.add(`${m[0]} ${m[2]}`);
  });
  return out;
}

/**
 * The defined chain (other than `name`) whose name is closest to a jump target `name`: the same but for
 * case, or at most 2 edits (fewer for short names). A likely typo; undefined when none is close.
 */
export function closestChain(name: string, tc: TableChains): { name: string; first: Rule } | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of tc.chains.keys()) {
    if (c === name || routerChain(tc.table, c)) continue;
    const d = distance(name.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  if (best === undefined || bestD > Math.min(2, Math.floor(name.length / 3))) return undefined;
  return { name: best, first: tc.chains.get(best)!.rules[0] };
}

/** Jump targets no rule defines, for the enabled unconditional jumps of a fully shown table. */
export function missingTargets(tc: TableChains): Map<string, Rule[]> {
  const out = new Map<string, Rule[]>();
  if (tc.partial || tc.unknownChain) return out;
  for (const [target, jumps] of tc.jumpsTo) {
    if (tc.chains.has(target) || routerChain(tc.table, target)) continue;
    const live = jumps.filter((j) => !j.disabled && !j.source.conditional);
    if (live.length > 0) out.set(target, live);
  }
  return out;
}

