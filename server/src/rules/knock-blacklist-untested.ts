// knock-blacklist-untested: blacklist-filling rules are enabled in the same script that sets up the
// knock sequence. The guide adds them with disabled=yes and enables them only once the knock is proven
// to work, to avoid locking yourself out. Reported on each such rule. Quick fix: add disabled=yes.
//
// Only blacklists that could lock the knocker out count (address lists aside):
//  - one of the list's drops (as if enabled) could meet a knock packet or the access the knock grants;
//  - and the filler could catch the knocker: a single-hit filler (a trap port, a scanner list, psd, a
//    `limit=` rule: one stray packet is enough) when it could see any packet from where the knocker
//    comes from (the stages' interfaces and addresses, jumps included); a repeated-attempt detector
//    (it requires a list fed by earlier detector stages, or counts connections with connection-limit
//    / connection-rate) only when it could match the knock packets themselves. The guide's own
//    brute-force prevention (`connection-limit=3,32` on ssh) runs beside the knock, enabled
//    ("orthogonal to port knocking"); a knocked client's ssh is accepted before such detectors.
// A rule reached by a jump to a port computed at run time (an ssh chain behind `jump
// dst-port=[/ip service get ssh port]`) does not meet a knock stage that is limited to a port.

import type { Blacklist, FirewallModel, KnockSequence, Rule } from '../model/types';
import type { Check } from './types';
import { disableRuleEdit } from './util/edit';
import { fixes, fixOf, ruleFinding, type RawFinding } from './util/finding';
import { mayMeetIgnoringLists } from './util/path';
import { findBlacklists, requiredSrcList } from './util/rules';
import { GOOD_KNOCK } from './util/examples';

export const knockBlacklistUntested: Check = {
  id: 'knock-blacklist-untested',
  defaultSeverity: 'warning',
  description:
    'Blacklist rules are enabled in the script that sets up the knock sequence; add them with disabled=yes until the knock is proven.',
  examples: {
    bad: `/ip firewall filter
add chain=input action=drop in-interface-list=WAN src-address-list=blacklist comment="drop blacklisted"
${GOOD_KNOCK.replace('/ip firewall filter\n', '')}add chain=input action=add-src-to-address-list address-list=blacklist address-list-timeout=1000m \\
    dst-port=666 in-interface-list=WAN protocol=tcp comment="bad port"
`,
    good: `/ip firewall filter
add chain=input action=drop in-interface-list=WAN src-address-list=blacklist comment="drop blacklisted"
${GOOD_KNOCK.replace('/ip firewall filter\n', '')}add chain=input action=add-src-to-address-list address-list=blacklist address-list-timeout=1000m \\
    disabled=yes dst-port=666 in-interface-list=WAN protocol=tcp comment="bad port"
`,
  },
  run(ctx) {
    if (ctx.knocks.length === 0) return [];
    const out: RawFinding[] = [];
    const seen = new Set<unknown>();
    for (const bl of findBlacklists(ctx.model, ctx.knocks)) {
      for (const r of bl.fillers) {
        if (r.disabled || seen.has(r)) continue;
        if (!mayCatchKnocker(r, bl, ctx.knocks, ctx.model)) continue;
        seen.add(r);
        const edit = disableRuleEdit(r, ctx.model);
        out.push(
          ruleFinding(
            this.id,
            r,
            `blacklist rule (fills "${bl.list}") is enabled in the script that sets up the knock sequence: ` +
              `add it with disabled=yes and enable it once the knock is proven to work`,
            fixes(fixOf('Add disabled=yes', true, edit ? [edit] : undefined)),
          ),
        );
      }
    }
    return out;
  },
};

/**
 * Could the filler put the knocker on a blacklist that then blocks its knocks or its access?
 */
export function mayCatchKnocker(filler: Rule, bl: Blacklist, knocks: readonly KnockSequence[], model: FirewallModel): boolean {
  const opts = { opaqueJumpPorts: true };
  const mine = knocks.filter((k) => k.family === filler.family);
  const stages = mine.flatMap((k) => k.stages.map((s) => s.rule));
  const access = mine.flatMap((k) => [...k.accepts, ...(k.disabledAccepts ?? []), ...(k.otherGrants ?? [])]);
  const blocks = bl.drops.some((d) => [...stages, ...access].some((r) => mayMeetIgnoringLists(d, r, model, opts)));
  if (!blocks) return false;
  if (repeatDetector(filler, bl)) return stages.some((s) => mayMeetIgnoringLists(filler, s, model, opts));
  return stages.some((s) => mayMeetIgnoringLists(filler, s, model, { sourceOnly: true }));
}

/**
 * A filler that fires only after repeated attempts: it requires a list that the blacklist's detector
 * stages fill (`ssh_stage3 -> ssh_blacklist`), or it counts connections (`connection-limit=3,32`,
 * `connection-rate=`). `limit=`/`dst-limit=` do not count: they match the first packets, under the rate.
 */
function repeatDetector(filler: Rule, bl: Blacklist): boolean {
  if (filler.match.connectionLimit !== undefined || filler.match.other['connection-rate'] !== undefined) return true;
  const req = requiredSrcList(filler);
  if (!req) return false;
  return bl.feeders.some((f) => f.addressList === req && f !== filler);
}
