// unused-variable: a `:local` that nothing reads. Usually a leftover or a typo in the name that reads it
// (which undefined-variable then reports at the read). Hint severity: it is harmless to RouterOS.
// A read is a `$name` resolved to the declaration, or the name written as `$name` anywhere after it in its
// scope (text the parser keeps raw, such as `where address=$ip`, counts), so a used local is never reported.

import type { Check } from './types';
import type { RawFinding } from './util/finding';
import { analyzeVariables, mentionedAfter } from './util/variables';

const ID = 'unused-variable';

export const unusedVariable: Check = {
  id: ID,
  defaultSeverity: 'hint',
  description: 'A `:local` variable that is never read.',
  examples: {
    bad: ':local wanPort "ether1"\n:local lanPort "bridge"\n/interface list member add list=WAN interface=$lanPort\n',
    good: ':local wanPort "ether1"\n/interface list member add list=WAN interface=$wanPort\n',
  },
  run(ctx) {
    if (ctx.parse.errors.length > 0) return [];
    const a = analyzeVariables(ctx.parse.script, ctx.env.workspaceGlobals);
    const out: RawFinding[] = [];
    for (const d of a.decls) {
      if (d.kind !== 'local' || d.reads > 0) continue;
      if (d.name.startsWith('_')) continue; // the usual "deliberately unused" spelling
      if (mentionedAfter(ctx.text, d.name, d.node.range.end.offset, d.scopeEnd)) continue;
      const message = `:local ${d.name} is never read`;
      out.push({ rule: ID, message, range: d.node.range });
    }
    return out;
  },
};
