// knock-timeout-long: an intermediate stage's timeout is over ctx.thresholds.stageTimeoutMax (60 s),
// a wide window for brute-forcing the next port, or the final list's is over finalTimeoutMax (1 day).
// Quick fix: 30s for stages, 30m for the final list.

import type { Check } from './types';
import { forEachStageTimeout, formatTimeout, timeoutFinding } from './util/timeout';
import { GOOD_KNOCK } from './util/examples';

export const knockTimeoutLong: Check = {
  id: 'knock-timeout-long',
  defaultSeverity: 'warning',
  description:
    'An intermediate knock stage stays open for over 60 s (a wide brute-force window), or the final list for over a day.',
  examples: {
    bad: `/ip firewall filter
add chain=input action=add-src-to-address-list address-list=knock1 address-list-timeout=1h \\
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
    const { stageTimeoutMax, finalTimeoutMax } = ctx.thresholds;
    return forEachStageTimeout(ctx, (seq, stage, t, final) => {
      if (t.kind !== 'seconds') return undefined;
      const max = final ? finalTimeoutMax : stageTimeoutMax;
      if (t.seconds <= max) return undefined;
      const message = final
        ? `the knock's final list "${stage.list}" keeps access for ${formatTimeout(t.seconds)} (over ${formatTimeout(max)})`
        : `knock stage "${stage.list}" stays open for ${formatTimeout(t.seconds)} (over ${formatTimeout(max)}): a wide window to brute-force the next port`;
      return timeoutFinding(ctx, this.id, stage, final, message);
    });
  },
};
