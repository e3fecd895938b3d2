// duplicate-property: the same property twice in one command (`dst-port=22 ... dst-port=80`, also
// through an abbreviation: `addr=` and `address=`). RouterOS refuses the line; whichever value was
// meant, one of them is a mistake. Reported on the later one, the earlier one in `related`; the fix
// removes the earlier one (the value RouterOS would have kept last stays).
// Not a tree check: also on RouterOS 6 files; `find`/`print where` expressions are not properties.

import type { Argument } from '../parser/ast';
import type { Check } from './types';
import type { RawFinding } from './util/finding';
import { commandUses } from './util/commands';
import { canonicalName, UNJUDGED_VERBS } from './util/properties';
import { targetOf } from './util/target';

const ID = 'duplicate-property';

/** The earlier argument with the blanks before it (so the line keeps single spacing). */
function removal(text: string, arg: Argument): { start: number; end: number; newText: string } {
  let start = arg.range.start.offset;
  while (start > 0 && (text[start - 1] === ' ' || text[start - 1] === '\t')) start--;
  return { start, end: arg.range.end.offset, newText: '' };
}

export const duplicateProperty: Check = {
  id: ID,
  defaultSeverity: 'error',
  description: 'The same property twice in one command: RouterOS refuses the line.',
  examples: {
    bad: `/ip firewall filter add chain=input protocol=tcp dst-port=22 dst-port=8291 action=accept
`,
    good: `/ip firewall filter add chain=input protocol=tcp dst-port=22,8291 action=accept
`,
  },
  run(ctx) {
    const t = targetOf(ctx);
    const out: RawFinding[] = [];
    for (const use of commandUses(ctx.parse.script).uses) {
      if (UNJUDGED_VERBS.has(use.verb) || use.named.length < 2) continue;
      const seen = new Map<string, Argument>();
      for (const arg of use.named) {
        const name = t.v6 ? arg.name!.text : canonicalName(t, use, arg);
        const first = seen.get(name);
        if (!first) {
          seen.set(name, arg);
          continue;
        }
        out.push({
          rule: ID,
          message: `"${name}" is given twice in this /${use.menu.join(' ')} ${use.verb}: RouterOS refuses the line`,
          range: arg.name!.range,
          related: [{ message: `first "${first.name!.text}" here`, range: first.range }],
          fixes: [{ title: `Remove the earlier ${first.name!.text}=`, safe: false, edits: [removal(ctx.text, first)] }],
        });
        seen.set(name, arg);
      }
    }
    return out;
  },
};
