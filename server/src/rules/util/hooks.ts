// The semantics' hooks behind a table's built-in chains, and the packets entering them: what a rule
// "would match if packets got there", asked of the one semantics.

import type { TableName } from '../../model/types';
import type { FamilyReach } from '../../semantics/reach';
import { universe, type Cube } from '../../semantics/sets';
import type { Hook } from '../../semantics/space';

/** The semantics' hooks whose packets pass the built-in chains `chains` of `table`. */
export function semHooks(table: TableName, chains: readonly string[]): Hook[] {
  const out = new Set<Hook>();
  for (const c of chains) {
    if (c === 'input' || c === 'forward' || c === 'output') out.add(c);
    if (c === 'prerouting') {
      out.add('input');
      out.add('forward');
    }
    if (c === 'postrouting') {
      out.add('forward');
      out.add('output');
    }
  }
  void table;
  return [...out];
}

export function hookUniverse(reach: FamilyReach, hooks: readonly Hook[]): Cube[] {
  const out: Cube[] = [];
  for (const h of hooks) out.push(...universe(reach.space, h));
  return out;
}

