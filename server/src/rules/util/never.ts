// Why a rule can never match, from its own conditions and the built-in chains that reach it. Used by
// rule-never-matches (which reports it) and rule-unreachable (which leaves such rules alone).

import type { Rule } from '../../model/types';
import { known } from './rules';

/** Chains whose packets have no incoming / no outgoing interface. */
const NO_IN = new Set(['output']);
const NO_OUT = new Set(['input']);

const TCP = new Set(['tcp', '6']);

/**
 * A sentence saying why `r` never matches, or undefined. `hooks` are the built-in chains whose packets
 * reach the rule's chain (undefined: unknown, no chain-based reason is given).
 */
export function reasonsNeverMatches(r: Rule, hooks: readonly string[] | undefined): string | undefined {
  const m = r.match;
  if (hooks && hooks.length > 0) {
    const via = hooks.length === 1 && hooks[0] === r.chain ? `chain ${r.chain}` : `chain ${r.chain}, reached only from ${hooks.join(', ')},`;
    for (const [cond, name] of [
      [m.inInterface, 'in-interface'],
      [m.inInterfaceList, 'in-interface-list'],
    ] as const) {
      const k = known(cond);
      if (k && !k.negated && hooks.every((h) => NO_IN.has(h))) {
        return `${name}=${k.value} in ${via} which sees only packets the router itself sends (they arrive on no interface)`;
      }
    }
    for (const [cond, name] of [
      [m.outInterface, 'out-interface'],
      [m.outInterfaceList, 'out-interface-list'],
    ] as const) {
      const k = known(cond);
      if (k && !k.negated && hooks.every((h) => NO_OUT.has(h))) {
        return `${name}=${k.value} in ${via} where the outgoing interface is not decided yet`;
      }
    }
  }
  const p = known(m.protocol);
  if (p) {
    const proto = p.value.toLowerCase();
    const notTcp = p.negated ? TCP.has(proto) : !TCP.has(proto);
    if (notTcp) {
      const pText = `protocol=${p.negated ? '!' : ''}${p.value}`;
      const flags = known(m.tcpFlags);
      if (flags) return `tcp-flags=${flags.value.join(',')} needs TCP, but ${pText}`;
    }
  }
  return undefined;
}
