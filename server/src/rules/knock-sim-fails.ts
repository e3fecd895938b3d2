// knock-sim-fails: the simulator sends the intended knock (the stage packets in order, 1 s apart,
// from a WAN client) and then a new connection to a protected port; the connection is not accepted.
// Reported on the stage that failed (or on the accept when the knock completes but the connection is
// still refused), naming the rule that dropped the packet or took it away.

import type { Check } from './types';
import { relatedRule, ruleFinding, type RawFinding } from './util/finding';
import { GOOD_KNOCK } from './util/examples';
import { knockText, stageText, verification } from './knock-sim-common';

export const knockSimFails: Check = {
  id: 'knock-sim-fails',
  defaultSeverity: 'error',
  description:
    'Simulated on the firewall the script builds, the intended knock (each stage in order, 1 s apart) does not end with access to the protected port.',
  examples: {
    bad: GOOD_KNOCK.replace(
      '/ip firewall filter\n',
      '/ip firewall filter\nadd chain=input action=drop protocol=tcp dst-port=4000-5000 in-interface-list=WAN comment="drop VNC scans"\n',
    ),
    good: GOOD_KNOCK,
  },
  run(ctx) {
    const out: RawFinding[] = [];
    for (const seq of ctx.knocks) {
      const v = verification(ctx.model, seq);
      const run = v?.intended;
      if (!run || run.access || !run.failure) continue;
      const f = run.failure;
      const related = f.blockedBy ? [relatedRule(f.blockedBy, 'the rule that stops the knock')] : undefined;
      if (f.stage < seq.stages.length) {
        const s = seq.stages[f.stage];
        out.push(
          ruleFinding(this.id, s.rule, `simulated knock (${knockText(run)}) fails at ${stageText(seq, s)}: ${f.reason}`, related ? { related } : {}),
        );
      } else {
        const on = seq.accepts[0] ?? seq.stages[seq.stages.length - 1].rule;
        out.push(ruleFinding(this.id, on, `simulated knock (${knockText(run)}): ${f.reason}`, related ? { related } : {}));
      }
    }
    return out;
  },
};
