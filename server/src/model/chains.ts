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

/**
 * The table is a FRAGMENT: the file creates rules only in the built-in chains, jumps to chains it never
 * defines, and is not an `/export` (an export shows every rule of the table, so a chain it lacks is empty on
 * that router). Such a file may be one piece of a firewall split over several files (the forward rules here,
 * the chains in a sibling file) as much as a firewall with a chain missing: jump-target-missing only says "may".
 */
export function fragmentTable(tc: TableChains, script: Script): boolean {
  if (![...tc.jumpsTo.keys()].some((t) => !tc.chains.has(t) && !routerChain(tc.table, t))) return false;
  return ![...tc.chains.keys()].some((c) => !routerChain(tc.table, c)) && !isExport(script);
}

/** Undefined jump targets that another file of the workspace defines (`workspaceChains`: `chain ip filter X`). */
export function workspaceTargets(tc: TableChains, workspaceChains?: ReadonlySet<string>): Set<string> {
  const out = new Set<string>();
  if (!workspaceChains || workspaceChains.size === 0) return out;
  for (const t of tc.jumpsTo.keys()) {
    if (tc.chains.has(t) || routerChain(tc.table, t)) continue;
    if (workspaceChains.has(`chain ${tc.table.family} ${tc.table.name} ${t}`)) out.add(t);
  }
  return out;
}

/**
 * Undefined jump targets whose rules may live in another file: every one of a fragment table, and those the
 * workspace defines. A jump into one of them proves nothing about its packets coming back: the checks that
 * follow packets to the end of a chain say nothing where such a jump exists.
 */
export function elsewhereTargets(tc: TableChains, script: Script, workspaceChains?: ReadonlySet<string>): Set<string> {
  if (!fragmentTable(tc, script)) return workspaceTargets(tc, workspaceChains);
  return new Set([...tc.jumpsTo.keys()].filter((t) => !tc.chains.has(t) && !routerChain(tc.table, t)));
}

const EXPORT_HEADER = /\bby RouterOS\s+v?\d+\.\d+/i;

/** The file is an `/export` (`# 2024-05-01 12:00:00 by RouterOS 7.16.2` before the first command). */
export function isExport(script: Script): boolean {
  const first = script.statements[0]?.range.start.offset ?? Infinity;
  for (const c of script.comments) {
    if (c.range.start.offset > first) break;
    if (EXPORT_HEADER.test(c.text)) return true;
  }
  return false;
}

/**
 * Jump targets no rule defines, for the enabled unconditional jumps of a fully shown table; targets in
 * `elsewhere` (another file defines them) are not missing.
 */
export function missingTargets(tc: TableChains, elsewhere?: ReadonlySet<string>): Map<string, Rule[]> {
  const out = new Map<string, Rule[]>();
  if (tc.partial || tc.unknownChain) return out;
  for (const [target, jumps] of tc.jumpsTo) {
    if (tc.chains.has(target) || routerChain(tc.table, target) || elsewhere?.has(target)) continue;
    const live = jumps.filter((j) => !j.disabled && !j.source.conditional);
    if (live.length > 0) out.set(target, live);
  }
  return out;
}

