// Building findings: every knock finding sits on a rule's whole command (continuation lines included).

import type { Rule } from '../../model/types';
import type { Check, Fix, Related, TextEdit } from '../types';

export type RawFinding = ReturnType<Check['run']>[number];

export function ruleFinding(rule: string, on: Rule, message: string, extra: Partial<RawFinding> = {}): RawFinding {
  return { rule, message, range: on.source.range, ...extra };
}

export function relatedRule(rule: Rule, message: string): Related {
  return { message, range: rule.source.range };
}

/** A fix when every edit could be computed, else undefined. */
export function fixOf(title: string, safe: boolean, edits: ReadonlyArray<TextEdit | undefined> | undefined): Fix | undefined {
  if (!edits || edits.length === 0 || edits.some((e) => e === undefined)) return undefined;
  return { title, safe, edits: edits as TextEdit[] };
}

export function fixes(...fs: Array<Fix | undefined>): { fixes?: Fix[] } {
  const list = fs.filter((f): f is Fix => f !== undefined);
  return list.length > 0 ? { fixes: list } : {};
}
