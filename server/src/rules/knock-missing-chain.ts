// knock-missing-chain: a stage after the first does not require `src-address-list=<previous stage's
// list>`, so a single hit on its port advances the sequence. Reported on that stage. Also a stage that
// requires some other filled list than the previous stage's (stages skipped: `mismatch`).
// Quick fix: add (or correct) the src-address-list=.

import type { Check } from './types';
import { setPropertyEdit } from './util/edit';
import { fixes, fixOf, ruleFinding, type RawFinding } from './util/finding';
import { GOOD_KNOCK } from './util/examples';

export const knockMissingChain: Check = {
  id: 'knock-missing-chain',
  defaultSeverity: 'error',
  description:
    "A knock stage after the first does not require the previous stage's list, so any single hit on its port advances the sequence.",
  examples: {
    bad: GOOD_KNOCK.replace(' src-address-list=knock1', ''),
    good: GOOD_KNOCK,
  },
  run(ctx) {
    const out: RawFinding[] = [];
    const seen = new Set<unknown>();
    for (const seq of ctx.knocks) {
      seq.stages.forEach((stage, i) => {
        const r = stage.rule;
        if (i === 0 || r.disabled || seen.has(r)) return;
        if (stage.link !== 'missing' && stage.link !== 'mismatch') return;
        const prev = seq.stages[i - 1];
        // A stage attached by the model's naming/adjacency heuristics that is the final stage of another
        // recognized sequence belongs to that sequence, not to this one: no missing link here.
        if (
          (prev.attached || stage.attached) &&
          ctx.knocks.some((k) => k !== seq && k.stages[k.stages.length - 1]?.rule === prev.rule)
        ) {
          return;
        }
        const previous = prev.list;
        seen.add(r);
        const edit = setPropertyEdit(r, 'src-address-list', previous, ctx.model);
        const message =
          stage.link === 'missing'
            ? `knock stage "${stage.list}" does not require the previous stage's list "${previous}" ` +
              `(src-address-list=${previous}): any single hit on its port advances the sequence`
            : `knock stage "${stage.list}" requires "${stage.requires}" instead of the previous stage's list "${previous}": ` +
              `the previous stage is skipped`;
        const title = stage.link === 'missing' ? `Add src-address-list=${previous}` : `Require src-address-list=${previous}`;
        out.push(ruleFinding(this.id, r, message, fixes(fixOf(title, true, edit ? [edit] : undefined))));
      });
    }
    return out;
  },
};
