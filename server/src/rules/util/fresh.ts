// The "use fresh knock ports" suggestion shared by knock-sequential-ports and knock-weak-port:
// replaces stage ports with fresh, non-sequential, unprivileged ones that avoid well-known ports,
// every port another rule of the file matches (blacklists included, as if enabled), and each other.

import type { KnockSequence, PortSet } from '../../model/types';
import type { CheckContext, Fix } from '../types';
import { setPropertyEdit } from './edit';
import { fixOf } from './finding';
import { freshPorts, hashText } from './ports';
import { allRules, known, singlePort } from './rules';

/** Port sets matched by rules that are not stages of `seq` (any table of the same family). */
export function portsToAvoid(ctx: CheckContext, seq: KnockSequence): PortSet[] {
  const stages = new Set(seq.stages.map((s) => s.rule));
  const out: PortSet[] = [];
  for (const r of allRules(ctx.model)) {
    if (stages.has(r) || r.family !== seq.family) continue;
    for (const n of [r.match.dstPort, r.match.anyPort]) {
      const k = known(n);
      if (k && !k.negated) out.push(k.value);
    }
  }
  return out;
}

const textHashes = new WeakMap<CheckContext, number>();

/** The seed of a sequence's suggestion: the hash of the file's text, a NUL and the final list. */
function seedOf(ctx: CheckContext, seq: KnockSequence): number {
  // the text's part once per lint (hashing the whole file for every knock made many knocks quadratic)
  let h = textHashes.get(ctx);
  if (h === undefined) textHashes.set(ctx, (h = hashText(ctx.text)));
  return hashText('\u0000' + seq.finalList, h);
}

/** The property a stage's port is written in. */
function portProp(stage: KnockSequence['stages'][number]): string | undefined {
  if (known(stage.rule.match.dstPort)) return 'dst-port';
  if (known(stage.rule.match.anyPort)) return 'port';
  return undefined;
}

/**
 * A suggestion replacing the ports of the stages whose index is in `replace` (all when undefined).
 * Undefined when a stage has no single port or the edit would touch other rules.
 */
export function freshPortsFix(ctx: CheckContext, seq: KnockSequence, replace?: ReadonlySet<number>): Fix | undefined {
  const current = seq.stages.map((s) => singlePort(s.ports ?? known(s.rule.match.dstPort)?.value));
  if (current.some((p) => p === undefined)) return undefined;
  const fixed = current.map((p, i) => (replace && !replace.has(i) ? p : undefined));
  const ports = freshPorts(seedOf(ctx, seq), fixed, portsToAvoid(ctx, seq));
  if (!ports) return undefined;
  const edits = [];
  for (let i = 0; i < seq.stages.length; i++) {
    if (fixed[i] !== undefined) continue;
    const prop = portProp(seq.stages[i]);
    if (!prop) return undefined;
    edits.push(setPropertyEdit(seq.stages[i].rule, prop, String(ports[i]), ctx.model));
  }
  const shown = ports.join(', ');
  return fixOf(`Use fresh knock ports ${shown} (update the knock client too)`, false, edits);
}
