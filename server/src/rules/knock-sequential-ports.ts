// knock-sequential-ports: the stage ports are strictly ascending or strictly descending (three or more
// stages), so a sequential port scan hits them in order. Reported on the first stage.
// Suggestion: fresh, non-sequential ports.

import type { Check } from './types';
import { freshPortsFix } from './util/fresh';
import { fixes, ruleFinding, type RawFinding } from './util/finding';
import { isMonotonic } from './util/ports';
import { known, singlePort } from './util/rules';
import { GOOD_KNOCK } from './util/examples';

export const knockSequentialPorts: Check = {
  id: 'knock-sequential-ports',
  defaultSeverity: 'warning',
  description:
    'The knock ports are strictly ascending or descending, so a sequential port scan hits them in the right order.',
  examples: {
    bad: GOOD_KNOCK.replace('dst-port=4263', 'dst-port=8263'),
    good: GOOD_KNOCK,
  },
  run(ctx) {
    const out: RawFinding[] = [];
    for (const seq of ctx.knocks) {
      if (seq.stages.length < 3 || seq.stages.some((s) => s.rule.disabled)) continue;
      const ports = seq.stages.map((s) => singlePort(s.ports ?? known(s.rule.match.dstPort)?.value));
      if (ports.some((p) => p === undefined)) continue;
      const dir = isMonotonic(ports as number[]);
      if (!dir) continue;
      out.push(
        ruleFinding(
          this.id,
          seq.stages[0].rule,
          `the knock ports ${ports.join(', ')} are strictly ${dir}: a sequential port scan hits them in order`,
          fixes(freshPortsFix(ctx, seq)),
        ),
      );
    }
    return out;
  },
};
