// knock-blacklist-catches-knock: a blacklist-filling rule matches a knock packet of a client that has
// not completed the sequence, so knocking blacklists the knocker. Blacklist rules are analysed as if
// enabled (the guide adds them disabled and enables them later). Order counts: a stage adds the knocker
// to its list at once, so a filler below the stage sees the packet already in it. Reported on the blacklist rule,
// naming the stage. Suggestion: take the knock ports out of the blacklist rule's dst-port.

import type { KnockSequence, PortSet, Rule } from '../model/types';
import type { Check, CheckContext } from './types';
import { setPropertyEdit } from './util/edit';
import { fixes, fixOf, relatedRule, ruleFinding, type RawFinding } from './util/finding';
import { mayOverlapIgnoringLists, metBefore } from './util/path';
import { findBlacklists, known } from './util/rules';
import { GOOD_KNOCK } from './util/examples';

const BUILTIN_CHAINS = new Set(['input', 'forward', 'output', 'prerouting', 'postrouting', 'srcnat', 'dstnat']);

export const knockBlacklistCatchesKnock: Check = {
  id: 'knock-blacklist-catches-knock',
  defaultSeverity: 'error',
  description:
    'A blacklist-filling rule matches a knock port for a client that has not completed the sequence, so knocking blacklists the knocker.',
  examples: {
    bad: `/ip firewall filter
add chain=input action=drop in-interface-list=WAN src-address-list=blacklist disabled=yes comment="drop blacklisted"
${GOOD_KNOCK.replace('/ip firewall filter\n', '')}add chain=input action=add-src-to-address-list address-list=blacklist address-list-timeout=1m \\
    disabled=yes dst-port=21,22,23,8291,1024-60000 in-interface-list=WAN protocol=tcp src-address-list=!secured
`,
    good: `/ip firewall filter
add chain=input action=drop in-interface-list=WAN src-address-list=blacklist disabled=yes comment="drop blacklisted"
${GOOD_KNOCK.replace('/ip firewall filter\n', '')}add chain=input action=add-src-to-address-list address-list=blacklist address-list-timeout=1m \\
    disabled=yes dst-port=21,22,23,8291,10000-60000 in-interface-list=WAN protocol=tcp src-address-list=!secured
`,
  },
  run(ctx) {
    if (ctx.knocks.length === 0) return [];
    const out: RawFinding[] = [];
    const seen = new Set<Rule>();
    for (const bl of findBlacklists(ctx.model, ctx.knocks)) {
      for (const filler of bl.fillers) {
        if (seen.has(filler)) continue;
        const caught = caughtStages(ctx, filler);
        if (caught.length === 0) continue;
        seen.add(filler);
        const first = caught[0];
        const ports = caught
          .map((c) => c.stage.rule.match.dstPort?.value)
          .filter((v): v is PortSet => Array.isArray(v));
        const fix = excludeFix(ctx, filler, ports);
        out.push(
          ruleFinding(
            this.id,
            filler,
            `this blacklist rule (fills "${bl.list}") matches knock stage "${first.stage.list}"` +
              `${caught.length > 1 ? ` and ${caught.length - 1} more` : ''} for a client that has not completed ` +
              `the sequence: knocking blacklists the knocker`,
            {
              related: caught.map((c) => relatedRule(c.stage.rule, `knock stage "${c.stage.list}" matched by the blacklist rule`)),
              ...fixes(fix),
            },
          ),
        );
      }
    }
    return out;
  },
};

interface Caught {
  seq: KnockSequence;
  stage: KnockSequence['stages'][number];
}

function caughtStages(ctx: CheckContext, filler: Rule): Caught[] {
  const out: Caught[] = [];
  const m = filler.match;
  // Conditions a single knock packet (one SYN or datagram from a new source) does not meet.
  if (m.psd !== undefined || m.connectionLimit !== undefined || m.limit !== undefined || m.dstLimit !== undefined) return out;
  const cs = known(m.connectionState);
  if (cs && !cs.negated && !cs.value.includes('new')) return out;
  if (cs && cs.negated && cs.value.includes('new')) return out;
  for (const seq of ctx.knocks) {
    if (seq.family !== filler.family) continue;
    const before = new Set<string>();
    for (const stage of seq.stages) {
      const s = stage.rule;
      const lists = new Set(before);
      // add-src-to-address-list takes effect at once: a filler the packet meets after its own stage
      // sees the knocker in that stage's list already (`src-address-list=!knock1` below stage 1)
      if (metBefore(s, filler, ctx.model) === true) lists.add(stage.list);
      if (
        !(filler.table === s.table && filler.chain !== s.chain && BUILTIN_CHAINS.has(filler.chain) && BUILTIN_CHAINS.has(s.chain)) &&
        listsAllow(filler, lists) &&
        synAllowed(filler, s) &&
        mayOverlapIgnoringLists(filler, s, ctx.model)
      ) {
        out.push({ seq, stage });
      }
      before.add(stage.list);
    }
  }
  return out;
}

/** Can a knocker who is on exactly `lists` (and not on the final list) meet the rule's list conditions? */
function listsAllow(rule: Rule, lists: ReadonlySet<string>): boolean {
  for (const n of [rule.match.srcAddressList]) {
    const l = known(n);
    if (!l) continue;
    const member = lists.has(l.value);
    if (l.negated ? member : !member) return false;
  }
  return true;
}

/** A TCP knock is a bare SYN: does the rule's tcp-flags allow it? */
function synAllowed(rule: Rule, stage: Rule): boolean {
  const flags = known(rule.match.tcpFlags);
  const proto = known(stage.match.protocol);
  if (!flags || flags.negated || !proto || proto.negated || proto.value !== 'tcp') return true;
  for (const f of flags.value) {
    const neg = f.startsWith('!');
    const name = neg ? f.slice(1) : f;
    if (neg ? name === 'syn' : name !== 'syn') return false;
  }
  return true;
}

function subtract(set: PortSet, remove: readonly PortSet[]): PortSet {
  let cur: PortSet = set.map(([a, b]) => [a, b]);
  for (const r of remove) {
    for (const [ra, rb] of r) {
      const next: PortSet = [];
      for (const [a, b] of cur) {
        if (rb < a || ra > b) {
          next.push([a, b]);
          continue;
        }
        if (a < ra) next.push([a, ra - 1]);
        if (b > rb) next.push([rb + 1, b]);
      }
      cur = next;
    }
  }
  return cur;
}

export function formatPortSet(set: PortSet): string {
  return set.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(',');
}

function excludeFix(ctx: CheckContext, filler: Rule, knockPorts: readonly PortSet[]) {
  const dp = known(filler.match.dstPort);
  if (!dp || dp.negated || knockPorts.length === 0) return undefined;
  const rest = subtract(dp.value, knockPorts);
  if (rest.length === 0 || rest.length > 15) return undefined;
  const edit = setPropertyEdit(filler, 'dst-port', formatPortSet(rest), ctx.model);
  return fixOf('Leave the knock ports out of the blacklist rule', false, edit ? [edit] : undefined);
}
