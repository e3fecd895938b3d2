// rule-unreachable: no packet reaches this rule's match. Earlier terminal rules (accept, drop, reject,
// tarpit; jumps into chains that decide; drops of an earlier table: raw before mangle before filter),
// alone or together, take every packet it would match. Decided by the one semantics: the rule's reach
// set holds no packet its conditions match (proven: packets that get there only for some values of
// conditions the script cannot know count as reaching it). The blocking rules are named (related).
// Severity: warning; error when a blocker does the opposite (an accept behind a drop/reject/tarpit, a
// drop behind an accept). Fix (error case only): move the rule above the first opposite blocker, offered (and safe) only when all
// blockers are in its chain, the table's text order is its rule order, and every rule it passes keeps
// some of its packets (so the move makes nothing else unreachable).
//
// Left to other checks: rules of a chain nothing (enabled) jumps to (chain-unused), rules whose own
// conditions never match (rule-never-matches), knock stages and knock accepts (knock-shadowed,
// knock-no-access). Silent for disabled rules, rules or blockers inside `:if`/loops or at uncertain
// positions, nat (not walked), chains no packet enters at all (the rule that stops them is reported),
// and when the analysis ran out of budget.

import type { Check, Related } from './types';
import type { FirewallModel, Match, Rule, TableName } from '../model/types';
import { reachOf, type FamilyReach } from '../semantics/reach';
import { matchOf } from '../semantics/match';
import type { Cube } from '../semantics/sets';
import { hookUniverse, semHooks } from './util/hooks';
import { tableChains, type TableChains } from '../model/chains';
import { hooksOf } from './rule-never-matches';
import { reasonsNeverMatches } from './util/never';
import { describeRule, stageRules } from './util/rules';
import { limitingDims } from './util/exposure';
import { moveAboveEdits } from './util/move';
import { fixes, fixOf, ruleFinding, type RawFinding } from './util/finding';

export const ruleUnreachable: Check = {
  id: 'rule-unreachable',
  defaultSeverity: 'warning',
  description: 'No packet reaches this rule: earlier rules, alone or together, take every packet it would match.',
  examples: {
    bad:
      '/ip firewall filter\n' +
      'add chain=input action=accept connection-state=established,related\n' +
      'add chain=input action=drop in-interface-list=WAN\n' +
      'add chain=input action=accept in-interface-list=WAN protocol=udp dst-port=51820 comment="wireguard"\n',
    good:
      '/ip firewall filter\n' +
      'add chain=input action=accept connection-state=established,related\n' +
      'add chain=input action=accept in-interface-list=WAN protocol=udp dst-port=51820 comment="wireguard"\n' +
      'add chain=input action=drop in-interface-list=WAN\n',
  },
  run(ctx) {
    const out: RawFinding[] = [];
    const all = tableChains(ctx.model, ctx.parse.script);
    const knockRules = stageRules(ctx.knocks);
    for (const k of ctx.knocks) for (const a of k.accepts) knockRules.add(a);
    // Jumps into chains that hold knock stages are the knock checks' too (knock-shadowed reports a
    // jump below the WAN drop through the stages it hides).
    const knockChains = new Set([...knockRules].map((r) => `${r.family} ${r.table} ${r.chain}`));
    for (const t of ctx.model.tables.values()) {
      for (const r of t.rules) if (r.action === 'jump' && knockChains.has(`${r.family} ${r.table} ${r.jumpTarget}`)) knockRules.add(r);
    }
    for (const tc of all.values()) {
      const t = tc.table;
      if (t.name === 'nat' || tc.partial || tc.unknownChain) continue;
      let reach: FamilyReach | undefined;
      // Rules below a catch-all (a terminal rule without conditions) in the same chain: one finding
      // for the first of them that names how many follow (one problem, one diagnostic).
      const groups = new Map<Rule, { finding: RawFinding; count: number; opposite: boolean }>();
      for (const r of t.rules) {
        if (r.disabled || !r.positionKnown || r.source.conditional || knockRules.has(r)) continue;
        const hooks = hooksOf(r, tc);
        if (!hooks) continue; // a chain nothing jumps to: chain-unused
        if (reasonsNeverMatches(r, hooks)) continue;
        reach ??= reachOf(ctx.model, t.family);
        if (!reach.complete) break;
        const rr = reach.rule(r);
        if (!rr || !rr.taken.isEmpty()) continue;
        const first = tc.chains.get(r.chain)?.rules[0];
        const entry = first ? reach.rule(first) : undefined;
        if (!entry || entry.reach.isEmpty()) continue;
        const all = catchAll(r, tc, reach);
        if (all) {
          const g = groups.get(all);
          const opp = oppositeActions(r.action, all.action);
          if (g) {
            g.count++;
            g.opposite ||= opp;
            continue;
          }
          const finding = ruleFinding(this.id, r, '', { related: [{ message: 'takes every packet that gets here', range: all.source.range, cause: true }] });
          groups.set(all, { finding, count: 0, opposite: opp });
          out.push(finding);
          continue;
        }
        // What the rule would match if packets got there: its conditions on the hooks' packets.
        const cm = matchOf(reach.space, r.match, r);
        const would = cm.split(hookUniverse(reach, semHooks(t.name, hooks))).yes;
        if (would.length === 0) continue; // never matches: rule-never-matches' business
        // The rule's own chain (and earlier tables' drops) first; the chains that jump to it only when
        // those do not explain it (a rule elsewhere on another path is not what hides it).
        let found = blockers(r, tc, reach, ctx.model, false);
        if (!found || essentialBlockers(r, found, reach, would).length === 0) found = blockers(r, tc, reach, ctx.model, true);
        if (!found || found.length === 0) continue;
        if (found.some((b) => b.rule.source.conditional || !b.rule.positionKnown)) continue;
        const essential = essentialBlockers(r, found, reach, would);
        const opposite = essential.filter((b) => b.deciders.some((d) => oppositeActions(r.action, d.action)));
        const named = essential.length > 0 ? essential : found;
        const names = named.slice(0, 3).map((b) => describeRule(b.rule));
        const others = found.length - Math.min(3, named.length);
        const extra = named.length > 3 ? ` and ${named.length - 3} more` : '';
        const rest = others - (named.length - Math.min(3, named.length));
        const more = rest > 0 ? ` (with ${rest} other rule${rest === 1 ? '' : 's'} taking some of them)` : '';
        const verb = named.length === 1 ? 'takes' : 'take';
        // One essential blocker (the others only take part of the packets): that rule is the cause.
        const cause = essential.length === 1 ? essential[0].rule : undefined;
        const related: Related[] = found.map((b) => ({
          message: b.via ? `takes packets this rule would match (in chain ${b.via})` : 'takes packets this rule would match',
          range: b.rule.source.range,
          ...(b.rule === cause ? { cause: true as const } : {}),
        }));
        const fix = opposite.length > 0 ? moveFix(ctx.text, ctx.parse.script, ctx.model, r, found, opposite, tc, reach) : undefined;
        out.push(
          ruleFinding(this.id, r, `no packet reaches this rule: ${names.join(', ')}${extra} ${verb} every packet it would match${more}`, {
            related,
            ...(opposite.length > 0 ? { severity: 'error' as const } : {}),
            ...fixes(fix),
          }),
        );
      }
      for (const [all, g] of groups) {
        const rest = g.count === 0 ? '' : ` or the ${g.count} rule${g.count === 1 ? '' : 's'} after it in chain ${all.chain}`;
        g.finding.message = `no packet reaches this rule${rest}: ${describeRule(all)} above takes every packet that gets there`;
        if (g.opposite) g.finding.severity = 'error';
      }
    }
    return out;
  },
};

const CATCH_ALL_ACTIONS = new Set(['accept', 'drop', 'reject', 'tarpit', 'return']);

/** The first enabled terminal rule without conditions above `r` in its chain that packets reach. */
function catchAll(r: Rule, tc: TableChains, reach: FamilyReach): Rule | undefined {
  for (const x of tc.chains.get(r.chain)?.rules ?? []) {
    if (x === r) return undefined;
    if (x.disabled || x.source.conditional || !CATCH_ALL_ACTIONS.has(x.action)) continue;
    if (x.action === 'return' && (x.chain === 'input' || x.chain === 'forward' || x.chain === 'output')) continue;
    if (matchOf(reach.space, x.match, x).lits.length !== 0) continue;
    const xr = reach.rule(x);
    if (!xr || xr.reach.isEmpty()) continue;
    return x;
  }
  return undefined;
}

const ACCEPTS = new Set(['accept']);
const DROPS = new Set(['drop', 'reject', 'tarpit']);

function oppositeActions(a: string, b: string): boolean {
  return (ACCEPTS.has(a) && DROPS.has(b)) || (DROPS.has(a) && ACCEPTS.has(b));
}

const NEW: Match = { connectionState: { negated: false, value: ['new'] }, other: {} };

/**
 * The blockers that matter: those taking packets of `r` from any source `r` itself admits (a blacklist
 * drop above an accept takes only the listed sources' packets: it is there on purpose and does not
 * hide the accept). Judged on the first packets of new connections when `r` matches any (an `accept
 * established` above a drop takes the drop's established packets, which is not what hides it).
 * Empty when every blocker is limited that way.
 */
function essentialBlockers(r: Rule, found: Blocker[], reach: FamilyReach, would: Cube[]): Blocker[] {
  const space = reach.space;
  const cm = matchOf(space, r.match, r);
  const fresh = matchOf(space, NEW);
  const anyNew = fresh.split(would).yes.length > 0;
  let required = -1n;
  for (const c of would) required &= c.bt;
  const limiting = limitingDims(space) & ~required;
  return found.filter((b) =>
    b.deciders.some((d) => {
      // Certain packets only: one the rule decides only for some values of an unknown condition (psd,
      // limit, a list a detector fills during the trip) does not show it taking packets from anyone.
      let mine = cm.split(reach.decided(d).certain().cubes).yes;
      if (anyNew) mine = fresh.split(mine).yes;
      return mine.some((c) => (c.bt & limiting) === 0n);
    }),
  );
}

const TABLE_ORDER: Record<TableName, number> = { raw: 0, mangle: 1, filter: 2, nat: 3 };

interface Blocker {
  /** The rule on the path: the deciding rule itself, or the jump that leads to the deciders. */
  rule: Rule;
  /** The rules that decided the packets (the rule itself, or rules of the chain a jump enters). */
  deciders: Rule[];
  /** The chain the deciders live in, when `rule` is a jump. */
  via?: string;
}

/**
 * The rules before `r` on its path that decide packets `r` would match: rules of its chain above it,
 * of the chains that jump to it above those jumps, rules inside chains entered by jumps on the way,
 * and drops of earlier tables. Undefined when they cannot be told.
 */
function blockers(r: Rule, tc: TableChains, reach: FamilyReach, model: FirewallModel, ancestors: boolean): Blocker[] | undefined {
  const cm = matchOf(reach.space, r.match, r);
  const takesMine = (d: Rule): boolean => {
    const dec = reach.decided(d);
    return !dec.isEmpty() && cm.split(dec.cubes).yes.length > 0;
  };
  const returnsMine = (d: Rule): boolean => {
    const rr = reach.rule(d);
    return !!rr && !rr.taken.isEmpty() && cm.split(rr.taken.cubes).yes.length > 0;
  };
  const out: Blocker[] = [];
  const seen = new Set<Rule>();
  const add = (b: Blocker) => {
    if (seen.has(b.rule)) return;
    seen.add(b.rule);
    out.push(b);
  };
  // Rules inside a chain entered by a jump (and the chains it jumps to) that decide r's packets.
  const inside = (chain: string, depth: number, visited: Set<string>): Rule[] => {
    if (depth > 16 || visited.has(chain)) return [];
    visited.add(chain);
    const found: Rule[] = [];
    for (const x of tc.chains.get(chain)?.rules ?? []) {
      if (x.disabled) continue;
      if (x.action === 'jump' && x.jumpTarget) found.push(...inside(x.jumpTarget, depth + 1, visited));
      else if (takesMine(x)) found.push(x);
    }
    return found;
  };
  const prefix = (chain: string, upTo: Rule | undefined, depth: number, visited: Set<string>) => {
    if (depth > 16 || visited.has(chain)) return;
    visited.add(chain);
    const rules = tc.chains.get(chain)?.rules ?? [];
    for (const x of rules) {
      if (x === upTo) break;
      if (x.disabled) continue;
      if (x.action === 'jump' && x.jumpTarget && x.jumpTarget !== chain) {
        const ds = inside(x.jumpTarget, depth + 1, new Set([chain, r.chain]));
        if (ds.length > 0) add({ rule: x, deciders: ds, via: x.jumpTarget });
      } else if (x.action === 'return' && chain === r.chain && chain !== undefined && returnsMine(x)) {
        add({ rule: x, deciders: [x] });
      } else if (x.action !== 'jump' && takesMine(x)) add({ rule: x, deciders: [x] });
    }
    // the chains that jump to this one, above their jumps
    if (!ancestors) return;
    for (const j of tc.jumpsTo.get(chain) ?? []) {
      if (j.disabled) continue;
      prefix(j.chain, j, depth + 1, visited);
    }
  };
  prefix(r.chain, r, 0, new Set());
  // drops of earlier tables of the same family
  for (const t of model.tables.values()) {
    if (t.family !== r.family || TABLE_ORDER[t.name] >= TABLE_ORDER[r.table] || t.name === 'nat') continue;
    for (const x of t.rules) {
      if (x.disabled || !DROPS.has(x.action)) continue;
      if (takesMine(x)) add({ rule: x, deciders: [x] });
    }
  }
  return out.sort((a, b) => order(a.rule, model) - order(b.rule, model));
}

function order(r: Rule, model: FirewallModel): number {
  const t = model.tables.get(`${r.family} ${r.table}`);
  return TABLE_ORDER[r.table] * 1e7 + (t ? t.rules.indexOf(r) : 0);
}

/**
 * Move `r` above its first opposite blocker, when all blockers are in its chain and the move is sound:
 * every rule it passes keeps some of its packets. (A rule hidden by rules doing the same is redundant;
 * moving it would only take packets from them, so no fix is offered then.)
 */
function moveFix(
  text: string,
  script: import('../parser/ast').Script,
  model: FirewallModel,
  r: Rule,
  found: Blocker[],
  opposite: Blocker[],
  tc: TableChains,
  reach: FamilyReach,
) {
  if (found.some((b) => b.rule.table !== r.table || b.rule.chain !== r.chain)) return undefined;
  const rules = tc.table.rules;
  // Above the first blocker that does the opposite: that is what defeats the rule.
  const firstIdx = Math.min(...opposite.map((b) => rules.indexOf(b.rule)));
  const at = rules[firstIdx];
  const cm = matchOf(reach.space, r.match, r);
  // Every rule the move passes keeps some of its packets: the move makes nothing else unreachable.
  for (let i = firstIdx; i < rules.indexOf(r); i++) {
    const x = rules[i];
    if (x.chain !== r.chain || x.disabled) continue;
    const xr = reach.rule(x);
    if (!xr || xr.taken.isEmpty()) continue;
    if (cm.split(xr.taken.cubes).no.length === 0) return undefined;
  }
  const edits = moveAboveEdits(text, script, model, [r], at);
  return fixOf(`Move this rule above ${describeRule(at)}`, true, edits);
}
