// knock-sim-slow-grants: the simulator sends the knock with one wait longer than the timeout of the
// stage before it (timeout + 1 s) and the client still gets into the final list: something other than
// the stage keeps the entry alive (a second rule filling the list with a longer timeout, a static
// entry), so the timeout protects nothing. Reported on the stage whose timeout is ineffective.
// Stages without a timeout are knock-timeout-missing's; a stage that does not require the previous
// list at all is knock-missing-chain's: neither is reported here again.

import type { Check } from './types';
import { relatedRule, ruleFinding, type RawFinding } from './util/finding';
import { GOOD_KNOCK } from './util/examples';
import { formatSeconds } from '../model/values';
import { stageText, verification, verifySlow } from './knock-sim-common';

export const knockSimSlowGrants: Check = {
  id: 'knock-sim-slow-grants',
  defaultSeverity: 'warning',
  description:
    'Simulated with a wait longer than a stage timeout, the knock still grants access: the stage timeout does not limit the knock.',
  examples: {
    bad: GOOD_KNOCK.replace(
      'comment="knock 1"\n',
      'comment="knock 1"\nadd chain=input action=add-src-to-address-list address-list=knock1 address-list-timeout=1d \\\n    dst-port=7391 in-interface-list=WAN protocol=tcp comment="knock 1 (old)"\n',
    ),
    good: GOOD_KNOCK,
  },
  run(ctx) {
    const out: RawFinding[] = [];
    for (const seq of ctx.knocks) {
      const v = verification(ctx.model, seq);
      if (!v?.intended?.final) continue;
      for (const { stage: i, run } of verifySlow(ctx.model, v)) {
        if (!run.final) continue;
        const next = seq.stages[i + 1];
        if (next.link === 'missing') continue;
        // granted before the late packet (one packet climbed to the end): not the timeout's fault
        const grantedAt = run.traces.findIndex((t) => t.changes.some((c) => c.list === seq.finalList));
        if (grantedAt >= 0 && grantedAt <= i) continue;
        const s = seq.stages[i];
        // who kept the entry: the rules that added or refreshed the stage's list for the client
        const keepers = new Set(run.traces.flatMap((t) => t.changes.filter((c) => c.list === s.list && c.rule && c.rule !== s.rule).map((c) => c.rule!)));
        const timeout = typeof s.timeout === 'number' ? formatSeconds(s.timeout) : '?';
        const why = keepers.size > 0 ? `: another rule also fills \`${s.list}\` with a longer timeout` : `: \`${s.list}\` still holds the client after ${timeout}`;
        out.push(
          ruleFinding(
            this.id,
            s.rule,
            `a knock that waits ${formatSeconds(run.gaps[i])} after ${stageText(seq, s, `timeout ${timeout}`)} still reaches \`${seq.finalList}\`${why}`,
            keepers.size > 0 ? { related: [...keepers].map((r) => relatedRule(r, `also fills \`${s.list}\``)) } : {},
          ),
        );
      }
    }
    return out;
  },
};
