// Test helpers for the model tests: parse + build, and short views of tables.
import { parse } from '../../server/src/parser';
import { buildModel } from '../../server/src/model';
import type { FirewallModel, Rule } from '../../server/src/model/types';

export function modelOf(text: string): FirewallModel {
  return buildModel(parse(text), text);
}

/** The rules of a table, each shown by its comment (or `chain/action` when it has none). */
export function order(model: FirewallModel, key = 'ip filter'): string[] {
  return (model.tables.get(key)?.rules ?? []).map(label);
}

export function label(r: Rule): string {
  return r.comment ?? `${r.chain}/${r.action}`;
}

export function rule(model: FirewallModel, comment: string, key = 'ip filter'): Rule {
  const r = model.tables.get(key)?.rules.find((x) => x.comment === comment);
  if (!r) throw new Error(`no rule with comment ${comment} in ${key}`);
  return r;
}

/** Lines joined with \n (readable multi-line .rsc in tests). */
export function rsc(...lines: string[]): string {
  return lines.join('\n') + '\n';
}
