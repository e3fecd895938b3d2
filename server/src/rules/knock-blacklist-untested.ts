// knock-blacklist-untested: blacklist-filling rules are enabled in the same script that sets up the
// knock sequence. The guide adds them with disabled=yes and enables them only once the knock is proven
// to work, to avoid locking yourself out. Reported on each such rule. Quick fix: add disabled=yes.

import type { Check } from './types';
import { disableRuleEdit } from './util/edit';
import { fixes, fixOf, ruleFinding, type RawFinding } from './util/finding';
import { findBlacklists } from './util/rules';
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
