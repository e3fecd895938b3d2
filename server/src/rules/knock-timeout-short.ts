// knock-timeout-short: a stage's address-list-timeout is under ctx.thresholds.stageTimeoutMin (5 s by
// default): fragile over slow links. Quick fix: 30s (30m for the final list).
// The final list is judged too (the knocked client must connect before it expires), except when a
// script or scheduler in the file reads it (`seq.finalUsedOutsideFirewall`): then its short life is a
// hand-off to that script (a token list polled every second), not the client's access window.

import type { Check } from './types';
import { forEachStageTimeout, formatTimeout, timeoutFinding } from './util/timeout';
import { GOOD_KNOCK } from './util/examples';

export const knockTimeoutShort: Check = {
  id: 'knock-timeout-short',
  defaultSeverity: 'warning',
  description: "A knock stage's address-list-timeout is so short (under 5 s) that the sequence fails over slow links.",
  examples: {
    bad: `/ip firewall filter
add chain=input action=add-src-to-address-list address-list=knock1 address-list-timeout=2s \\
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
    const min = ctx.thresholds.stageTimeoutMin;
    return forEachStageTimeout(ctx, (seq, stage, t, final) => {
      if (t.kind !== 'seconds' || t.seconds >= min) return undefined;
      if (final && seq.finalUsedOutsideFirewall) return undefined;
      const message = final
        ? `the knock's final list "${stage.list}" expires after ${formatTimeout(t.seconds)} (under ${formatTimeout(min)}): ` +
          `the knocked client may not open its connection in time over a slow link`
        : `knock stage "${stage.list}" expires after ${formatTimeout(t.seconds)} (under ${formatTimeout(min)}): ` +
          `the next knock may arrive too late over a slow link`;
      return timeoutFinding(ctx, this.id, stage, final, message);
    });
  },
};
