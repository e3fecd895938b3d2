// The reachability invariant of fixes (issue 10, "fixes that fix"): applying a fix, or every fix at
// once, never leaves a rule unreachable that was reachable before. Disabled rules are judged as if
// enabled: they are there to be enabled later (the guide's blacklist rules), so a fix that moves them
// below the WAN drop breaks them even though nothing reports it today.
//
// A rule is hidden when an earlier terminal rule (or several) takes every packet it would match on
// every path to it, or a jump on every path admits none of them (server/src/model/reason.ts). Rules
// are matched between the two texts by table and properties (the `disabled` flag aside, which a fix
// may add), so a fix that changes a rule's own properties judges that rule as a new one.

import { blockedByJump, hiddenBy } from '../../server/src/model/reason';
import type { FirewallModel, Rule, Table } from '../../server/src/model/types';
import { lint } from '../../server/src/lint';

/** A copy of the model with every rule enabled (same order, same chains). */
export function allEnabled(model: FirewallModel): FirewallModel {
  const tables = new Map<string, Table>();
  for (const [k, t] of model.tables) tables.set(k, { ...t, rules: t.rules.map((r) => ({ ...r, disabled: false })) });
  return { ...model, tables };
}

function ruleKey(r: Rule): string {
  const props = Object.entries(r.props)
    .filter(([k]) => k !== 'disabled')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  return `${r.family} ${r.table} ${props}`;
}

export interface RuleReach {
  /** Rule key (with an occurrence number for identical rules) -> hidden (as if everything were enabled). */
  hidden: Map<string, boolean>;
  /** Rule key -> 1-based line, for messages. */
  lines: Map<string, number>;
}

/** Which rules of the script are hidden when every rule is enabled. */
export function ruleReach(code: string): RuleReach {
  const model = allEnabled(lint(code, { mergeEvidence: false }).model);
  const hidden = new Map<string, boolean>();
  const lines = new Map<string, number>();
  const seen = new Map<string, number>();
  for (const t of model.tables.values()) {
    for (const r of t.rules) {
      const base = ruleKey(r);
      const n = (seen.get(base) ?? 0) + 1;
      seen.set(base, n);
      const key = `${base} #${n}`;
      hidden.set(key, r.positionKnown && (hiddenBy(r, model) !== undefined || blockedByJump(r, model) !== undefined));
      lines.set(key, r.source.range.start.line + 1);
    }
  }
  return { hidden, lines };
}

/** Rules reachable in `before` that are hidden in `after` ("line N: add ..."), empty when none. */
export function newlyHidden(before: string, after: string): string[] {
  const a = ruleReach(before);
  const b = ruleReach(after);
  const out: string[] = [];
  for (const [key, hid] of b.hidden) {
    if (!hid) continue;
    if (a.hidden.get(key) === false) out.push(`line ${b.lines.get(key)} (was line ${a.lines.get(key)}): ${key}`);
  }
  return out;
}
