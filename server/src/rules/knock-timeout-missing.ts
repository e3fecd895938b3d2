// knock-timeout-missing: a stage (or the final list) has no address-list-timeout, so its entries stay
// until reboot and partial sequences pile up. Quick fix: 30s for stages, 30m for the final list.

import type { Check } from './types';
import { forEachStageTimeout, timeoutFinding } from './util/timeout';
import { GOOD_KNOCK } from './util/examples';

export const knockTimeoutMissing: Check = {
  id: 'knock-timeout-missing',
  defaultSeverity: 'warning',
  description: 'A knock stage or the final list has no address-list-timeout, so its entries never expire.',
  examples: {
    bad: `/ip firewall filter
add chain=input action=add-src-to-address-list address-list=knock1 \\
    dst-port=7391 in-interface-list=WAN protocol=tcp comment="knock 1"
add chain=input action=add-src-to-address-list address-list=knock2 address-list-timeout=30s \\
    dst-port=4263 in-interface-list=WAN protocol=tcp src-address-list=knock1 comment="knock 2"
add chain=input action=add-src-to-address-list address-list=secured address-list-timeout=30m \\
    dst-port=9127 in-interface-list=WAN protocol=tcp src-address-list=knock2 comment="knock 3"
add chain=input action=accept in-interface-list=WAN src-address-list=secured comment="knocked"
add chain=input action=drop in-interface-list=WAN comment="drop all from WAN"
`,
    good: GOOD_KNOCK,
  },
  run(ctx) {
    return forEachStageTimeout(ctx, (seq, stage, t, final) => {
      if (t.kind !== 'missing' && t.kind !== 'none') return undefined;
      const what = final ? `the knock's final list "${stage.list}"` : `knock stage "${stage.list}"`;
      const why =
        t.kind === 'missing'
          ? 'has no address-list-timeout'
          : `has address-list-timeout=${t.raw} (never expires)`;
      return timeoutFinding(
        ctx,
        this.id,
        stage,
        final,
        `${what} ${why}: entries stay until reboot, so ${final ? 'access never expires' : 'partial sequences pile up'}`,
      );
    });
  },
};
