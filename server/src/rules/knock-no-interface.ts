// knock-no-interface: a knock stage is not limited to the WAN: neither it nor every jump that leads to
// its chain names an in-interface or in-interface-list. Hosts on the LAN (or any interface) can knock,
// and the stage also sees traffic that is not meant for it. Suggestion: add the WAN interface list the
// file uses elsewhere.

import type { FirewallModel, Rule } from '../model/types';
import type { Check } from './types';
import { setPropertyEdit } from './util/edit';
import { fixes, fixOf, ruleFinding, type RawFinding } from './util/finding';
import { allRules, known } from './util/rules';
import { GOOD_KNOCK } from './util/examples';

export const knockNoInterface: Check = {
  id: 'knock-no-interface',
  defaultSeverity: 'info',
  description: 'A knock stage is not limited to the WAN (in-interface, in-interface-list, or a jump that is).',
  examples: {
    bad: GOOD_KNOCK.replace('dst-port=7391 in-interface-list=WAN', 'dst-port=7391'),
    good: GOOD_KNOCK,
  },
  run(ctx) {
    const out: RawFinding[] = [];
    const seen = new Set<Rule>();
    const wan = wanList(ctx.model);
    for (const seq of ctx.knocks) {
      for (const stage of seq.stages) {
        const r = stage.rule;
        if (seen.has(r) || r.disabled) continue;
        seen.add(r);
        if (limitedRule(r) || chainLimited(r, ctx.model, new Set())) continue;
        const edit = wan ? setPropertyEdit(r, 'in-interface-list', wan, ctx.model) : undefined;
        out.push(
          ruleFinding(
            this.id,
            r,
            `knock stage "${stage.list}" is not limited to the WAN (no in-interface or in-interface-list): any interface can knock`,
            fixes(fixOf(`Limit the stage to in-interface-list=${wan ?? 'WAN'}`, false, edit ? [edit] : undefined)),
          ),
        );
      }
    }
    return out;
  },
};

function limitedRule(r: Rule): boolean {
  return r.match.inInterface !== undefined || r.match.inInterfaceList !== undefined;
}

/** True when every enabled jump into the rule's (custom) chain is limited, directly or by its own chain. */
function chainLimited(r: Rule, model: FirewallModel, visiting: Set<string>): boolean {
  const table = model.tables.get(`${r.family} ${r.table}`);
  if (!table) return false;
  if (visiting.has(r.chain)) return true;
  visiting.add(r.chain);
  const jumps = table.rules.filter((j) => j.action === 'jump' && j.jumpTarget === r.chain && !j.disabled);
  if (jumps.length === 0) return false;
  return jumps.every((j) => limitedRule(j) || chainLimited(j, model, visiting));
}

/** The WAN interface list the file uses (a list named like WAN, defined or used positively). */
function wanList(model: FirewallModel): string | undefined {
  for (const name of model.interfaceLists.keys()) if (/^wan$/i.test(name)) return name;
  for (const r of allRules(model)) {
    const l = known(r.match.inInterfaceList);
    if (l && !l.negated && /wan/i.test(l.value)) return l.value;
  }
  return undefined;
}
