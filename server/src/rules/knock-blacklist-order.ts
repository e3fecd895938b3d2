// knock-blacklist-order: the drop rule for a blacklist is not above the knock stages, so blacklisted
// sources can still knock. Disabled drops count (their place matters once enabled). Only drops that
// could meet the knock packets are considered, address lists aside: the conditions of the jumps on the
// way to the drop and to the stages count, and a jump to a port computed at run time (an ssh chain
// behind `jump dst-port=[/ip service get ssh port]`) does not meet knock stages limited to a port.
// Quick fix: move the drop to the top of its chain.

import type { FirewallModel, Rule } from '../model/types';
import { pathTo } from '../model/reason';
import type { Check } from './types';
import { fixes, fixOf, relatedRule, ruleFinding, type RawFinding } from './util/finding';
import { firstOfChain, moveAboveEdits } from './util/move';
import { mayMeetIgnoringLists, metBefore } from './util/path';
import { findBlacklists } from './util/rules';
import { GOOD_KNOCK } from './util/examples';

export const knockBlacklistOrder: Check = {
  id: 'knock-blacklist-order',
  defaultSeverity: 'warning',
  description: 'The drop rule for the blacklist is not above the knock stages, so blacklisted sources can still knock.',
  examples: {
    bad: `${GOOD_KNOCK}add chain=input action=drop in-interface-list=WAN src-address-list=blacklist disabled=yes comment="drop blacklisted"
add chain=input action=add-src-to-address-list address-list=blacklist address-list-timeout=1000m \\
    disabled=yes dst-port=666 in-interface-list=WAN protocol=tcp comment="bad port"
`,
    good: `/ip firewall filter
add chain=input action=drop in-interface-list=WAN src-address-list=blacklist disabled=yes comment="drop blacklisted"
${GOOD_KNOCK.replace('/ip firewall filter\n', '')}add chain=input action=add-src-to-address-list address-list=blacklist address-list-timeout=1000m \\
    disabled=yes dst-port=666 in-interface-list=WAN protocol=tcp comment="bad port"
`,
  },
  run(ctx) {
    if (ctx.knocks.length === 0) return [];
    const out: RawFinding[] = [];
    const reported = new Set<Rule>();
    for (const bl of findBlacklists(ctx.model, ctx.knocks)) {
      for (const seq of ctx.knocks) {
        if (seq.family !== bl.family) continue;
        const stages = seq.stages.map((s) => s.rule).filter((r) => !r.disabled);
        if (stages.length === 0 || stages.some((s) => !s.positionKnown)) continue;
        const relevant = bl.drops.filter((d) => stages.some((s) => mayMeetIgnoringLists(d, s, ctx.model, { opaqueJumpPorts: true })));
        if (relevant.length === 0) continue;
        const orders = relevant.map((d) => ({ d, before: stages.map((s) => metBefore(d, s, ctx.model)) }));
        // Fine when one drop is above every stage; silent when the order cannot be told.
        if (orders.some((o) => o.before.every((b) => b === true))) continue;
        const bad = orders.find((o) => o.before.some((b) => b === false));
        if (!bad || reported.has(bad.d)) continue;
        reported.add(bad.d);
        const firstAfter = stages.find((_, i) => bad.before[i] === false) ?? stages[0];
        // Moving the drop to the top of its chain helps only when that chain is on the stages' way.
        const top = onStagePath(bad.d, stages, ctx.model) ? firstOfChain(bad.d, ctx.model) : undefined;
        const edits = top && top !== bad.d ? moveAboveEdits(ctx.text, ctx.parse.script, ctx.model, [bad.d], top) : undefined;
        out.push(
          ruleFinding(
            this.id,
            bad.d,
            `the drop rule for blacklist "${bl.list}" is below the knock stages: blacklisted sources can still knock`,
            {
              related: [relatedRule(firstAfter, 'knock stage above the blacklist drop')],
              ...fixes(fixOf(`Move the blacklist drop to the top of chain ${bad.d.chain}`, true, edits)),
            },
          ),
        );
      }
    }
    return out;
  },
};

/** Is `d`'s chain one every stage's packets pass through (the stages' own chain, or one jumping to it)? */
function onStagePath(d: Rule, stages: readonly Rule[], model: FirewallModel): boolean {
  return stages.every(
    (s) =>
      (s.chain === d.chain && s.table === d.table) ||
      (s.table === d.table && pathTo(s, model).some((p) => p.entry === d.chain || p.jumps.some((j) => j.chain === d.chain))),
  );
}
