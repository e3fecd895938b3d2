// The numbers RouterOS's `print` shows for the rules a script leaves behind, when the script can know
// them. `print` numbers every static rule of a table (disabled ones too) from 0 across all chains, in
// table order; since RouterOS 7 plain `print` is `print static` (the manual: "By default print is
// equivalent to print static and shows only static rules"), so dynamic rules (the fasttrack counter
// rule, hotspot's) take no number. A number is known only when the table holds nothing but what the
// model shows (a full `/export`, or after a certain `remove [find]`) and no rule before it may be
// missing or misplaced. Pure; reads what build.ts recorded (`Table.numbering`, `Rule.mayBeAbsent`).

import type { Rule, Table } from './types';

export interface PrintNumbers {
  /** Rule -> the number `print` shows after the script, for the rules whose number is known. */
  numbers: Map<Rule, number>;
  /** Why the rest have none (undefined when every rule's number is known). */
  why?: string;
}

export function printNumbers(table: Table): PrintNumbers {
  const numbers = new Map<Rule, number>();
  const n = table.numbering;
  if (!n || !n.complete || !n.orderCertain) return { numbers, why: n?.why ?? 'the router\'s own rules are numbered too' };
  for (let i = 0; i < table.rules.length; i++) {
    const r = table.rules[i];
    const line = r.source.range.start.line + 1;
    // the rule's own number is known when it exists; the ones after it are not
    if (r.source.conditional || r.mayBeAbsent) {
      return { numbers, why: `the rule of line ${line} may not be there (${r.source.uncertain?.[0] ?? 'conditional code'})` };
    }
    if (!r.positionKnown) return { numbers, why: `the rule of line ${line} has a position the script cannot know` };
    numbers.set(r, i);
  }
  return { numbers };
}

/** True when a `print` of this table may also list a dynamic rule on RouterOS versions that number them
 * (a `fasttrack-connection` rule makes RouterOS add "special dummy rule to show fasttrack counters"). */
export function mayListDynamic(table: Table): boolean {
  return table.name === 'filter' && table.rules.some((r) => r.action === 'fasttrack-connection');
}
