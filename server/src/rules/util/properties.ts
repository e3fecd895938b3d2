// How RouterOS reads a property name written on a command: exactly, as an unambiguous prefix
// (`addr=` for `address=`: accepted), as an ambiguous prefix (rejected), or not at all. Judged against
// the target version's tree; a name another version has is left to version-mismatch.

import type { Argument } from '../../parser/ast';
import type { CommandUse } from './commands';
import type { Target } from './target';

/**
 * Properties every command accepts or that the crawled trees leave out of some commands: never
 * reported (item selectors, the generic `comment`/`disabled`/`copy-from`/`place-before`).
 */
export const GENERIC_PROPS = new Set(['comment', 'disabled', 'copy-from', 'place-before', 'numbers', 'number', '.id', 'where']);

/** Commands whose arguments are not properties (filters, expressions) or are never judged. */
export const UNJUDGED_VERBS = new Set(['find']);

export type PropResolution =
  | { kind: 'exact'; name: string }
  | { kind: 'prefix'; name: string }
  | { kind: 'ambiguous'; candidates: string[] }
  /** The exact name exists in another version's tree (not in the target's). */
  | { kind: 'other-version'; name: string }
  | { kind: 'unknown' }
  /** The tree cannot judge (no argument list, unsure). */
  | { kind: 'skip' };

interface Names {
  target: readonly string[];
  targetSet: ReadonlySet<string>;
  anySet: ReadonlySet<string>;
  any: readonly string[];
}

const namesCache = new WeakMap<object, Map<string, Names>>();
/** Per target and menu array (the tree's own path arrays are shared, so identity hits): verb -> names. */
const byMenu = new WeakMap<Target, WeakMap<readonly string[], Map<string, Names>>>();

export function namesOf(t: Target, use: Pick<CommandUse, 'menu' | 'verb'>): Names {
  let perTarget = byMenu.get(t);
  if (!perTarget) byMenu.set(t, (perTarget = new WeakMap()));
  let perMenu = perTarget.get(use.menu);
  if (!perMenu) perTarget.set(use.menu, (perMenu = new Map()));
  const fast = perMenu.get(use.verb);
  if (fast) return fast;
  const key = `${use.menu.join(' ')}\u0000${use.verb}`;
  const owner = t.schema ?? t.any;
  let m = namesCache.get(owner);
  if (!m) namesCache.set(owner, (m = new Map()));
  let hit = m.get(key);
  if (hit) perMenu.set(use.verb, hit);
  if (!hit) {
    const any = t.any.argsOf(use.menu, use.verb).map((a) => a.name);
    const inTarget = t.schema && !t.below && t.schema.hasCommand(use.menu, use.verb);
    const target = inTarget ? t.schema!.argsOf(use.menu, use.verb).map((a) => a.name) : any;
    hit = { target, targetSet: new Set(target), any, anySet: new Set(any) };
    m.set(key, hit);
    perMenu.set(use.verb, hit);
  }
  return hit;
}

export function resolveProp(t: Target, use: Pick<CommandUse, 'menu' | 'verb'>, name: string): PropResolution {
  if (GENERIC_PROPS.has(name)) return { kind: 'exact', name };
  const n = namesOf(t, use);
  if (n.any.length === 0) return { kind: 'skip' };
  if (n.targetSet.has(name)) return { kind: 'exact', name };
  if (n.anySet.has(name)) return { kind: 'other-version', name };
  const cands = n.target.filter((x) => x.startsWith(name));
  if (cands.length === 1) return { kind: 'prefix', name: cands[0] };
  if (cands.length > 1) return { kind: 'ambiguous', candidates: cands };
  const anyCands = n.any.filter((x) => x.startsWith(name));
  if (anyCands.length > 0) return { kind: 'skip' };
  return { kind: 'unknown' };
}

/** The property name an argument stands for (prefixes expanded), for duplicate and required checks. */
export function canonicalName(t: Target, use: Pick<CommandUse, 'menu' | 'verb'>, arg: Argument): string {
  const name = arg.name!.text;
  const r = resolveProp(t, use, name);
  return r.kind === 'prefix' ? r.name : name;
}
