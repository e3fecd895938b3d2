// Shared by the three knock-timeout-* checks: what a stage's address-list-timeout is, and the fix that
// sets the guide's values (30s for intermediate stages, 30m for the final list).

import type { CheckContext } from '../types';
import type { KnockSequence, KnockStage } from '../../model/types';
import { fixOf, fixes, ruleFinding, type RawFinding } from './finding';
import { setPropertyEdit } from './edit';
import { formatTimeout, isUnknown } from './rules';

export type TimeoutState =
  | { kind: 'missing' }
  | { kind: 'none'; raw: string }
  | { kind: 'seconds'; seconds: number }
  | { kind: 'unknown' };

export function timeoutOf(stage: KnockStage): TimeoutState {
  const t = stage.timeout ?? stage.rule.addressListTimeout;
  if (t === undefined) return { kind: 'missing' };
  if (isUnknown(t)) return { kind: 'unknown' };
  // RouterOS 6's zero timeout (`0s`) means "never expire": the model holds it as `none-dynamic`; the
  // message quotes what the script wrote.
  if (t === 'none-dynamic' || t === 'none-static' || t === 0) return { kind: 'none', raw: stage.rule.props['address-list-timeout'] ?? String(t) };
  return { kind: 'seconds', seconds: t };
}

export function isFinalStage(seq: KnockSequence, stage: KnockStage): boolean {
  return stage === seq.stages[seq.stages.length - 1];
}

export const STAGE_TIMEOUT = '30s';
export const FINAL_TIMEOUT = '30m';

/**
 * The guide's timeout (30s per stage, 30m for the final list), moved into the user's thresholds when
 * they exclude it, so the fix never produces a new timeout finding.
 */
export function saneTimeout(ctx: CheckContext, final: boolean): string {
  const { stageTimeoutMin, stageTimeoutMax, finalTimeoutMax } = ctx.thresholds;
  const want = final ? 1800 : 30;
  const max = final ? finalTimeoutMax : stageTimeoutMax;
  const secs = Math.max(Math.ceil(stageTimeoutMin), Math.min(want, Math.floor(max)));
  if (secs === want) return final ? FINAL_TIMEOUT : STAGE_TIMEOUT;
  return formatTimeout(secs);
}

/** Walks every enabled stage of every sequence with its timeout. */
export function forEachStageTimeout(
  ctx: CheckContext,
  visit: (seq: KnockSequence, stage: KnockStage, t: TimeoutState, final: boolean) => RawFinding | undefined,
): RawFinding[] {
  const out: RawFinding[] = [];
  const seen = new Set<KnockStage['rule']>();
  for (const seq of ctx.knocks) {
    for (const stage of seq.stages) {
      if (stage.rule.disabled || seen.has(stage.rule)) continue;
      seen.add(stage.rule);
      const f = visit(seq, stage, timeoutOf(stage), isFinalStage(seq, stage));
      if (f) out.push(f);
    }
  }
  return out;
}

export function timeoutFinding(
  ctx: CheckContext,
  id: string,
  stage: KnockStage,
  final: boolean,
  message: string,
): RawFinding {
  const value = saneTimeout(ctx, final);
  const edit = setPropertyEdit(stage.rule, 'address-list-timeout', value, ctx.model);
  return ruleFinding(id, stage.rule, message, {
    ...fixes(fixOf(`Set address-list-timeout=${value}`, true, edit ? [edit] : undefined)),
  });
}

export { formatTimeout };
