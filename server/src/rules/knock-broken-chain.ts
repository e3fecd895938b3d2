// knock-broken-chain: a stage requires (src-address-list=) a list that nothing fills: no rule adds to
// it and no entry is created, so the sequence can never complete. Often a typo in a list name.
// Suggestion: require the previous stage's list instead.

import type { Check } from './types';
import { setPropertyEdit } from './util/edit';
import { fixes, fixOf, ruleFinding, type RawFinding } from './util/finding';
import { GOOD_KNOCK } from './util/examples';

export const knockBrokenChain: Check = {
  id: 'knock-broken-chain',
  defaultSeverity: 'error',
  description: 'A knock stage requires an address list that nothing fills, so the sequence can never complete.',
  examples: {
    bad: GOOD_KNOCK.replace('src-address-list=knock1', 'src-address-list=knok1'),
    good: GOOD_KNOCK,
  },
  run(ctx) {
    const out: RawFinding[] = [];
    const seen = new Set<unknown>();
    for (const seq of ctx.knocks) {
      seq.stages.forEach((stage, i) => {
        const r = stage.rule;
        if (!stage.requires || r.disabled || seen.has(r)) return;
        // The model marks lists no rule fills; a list whose only fillers are disabled is no better.
        const list = ctx.model.addressLists.get(`${seq.family} ${stage.requires}`);
        const onlyDisabled =
          !!list && list.entries.length === 0 && list.filledBy.length > 0 && list.filledBy.every((f) => f.disabled || f === r);
        if (stage.link !== 'unfilled' && !onlyDisabled) return;
        seen.add(r);
        const previous = i > 0 && seq.stages[i - 1].list !== stage.requires ? seq.stages[i - 1].list : undefined;
        const edit = previous ? setPropertyEdit(r, 'src-address-list', previous, ctx.model) : undefined;
        out.push(
          ruleFinding(
            this.id,
            r,
            `knock stage "${stage.list}" requires list "${stage.requires}", which nothing ${onlyDisabled ? 'enabled ' : ''}fills: ` +
              `the sequence can never complete`,
            fixes(fixOf(`Require the previous stage's list "${previous}"`, false, edit ? [edit] : undefined)),
          ),
        );
      });
    }
    return out;
  },
};
