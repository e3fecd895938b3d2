// What "RouterOS: Simulate knock sequence" shows: one pick item per packet and per rule it matched,
// each linked to the rule's place in the file. Pure (no vscode), so it is unit-tested.

import type { FirewallModel, KnockSequence } from '../../../server/src/model/types';
import { describeKnockSequence, formatTimeout } from '../../../server/src/features/knockClients';
import { planKnock, runKnock, type KnockRun } from '../../../server/src/simulate/knock';
import { knockResultText, packetText, secs, traceLines } from '../../../server/src/simulate/format';

export interface ViewRange {
  /** 0-based, as the parser and vscode.Range use them. */
  startLine: number;
  startCharacter: number;
  endLine: number;
  endCharacter: number;
}

export interface TraceItem {
  kind: 'packet' | 'rule' | 'result';
  label: string;
  description?: string;
  detail?: string;
  /** Where the rule (or the stage the packet is for) is in the file. */
  range?: ViewRange;
}

export interface KnockSimulationView {
  title: string;
  run: KnockRun;
  items: TraceItem[];
  /** The whole trace as text (for the output channel). */
  text: string;
  ok: boolean;
}

function rangeOf(r: { source: { range: { start: { line: number; column: number }; end: { line: number; column: number } } } }): ViewRange {
  const { start, end } = r.source.range;
  return { startLine: start.line, startCharacter: start.column, endLine: end.line, endCharacter: end.column };
}

/**
 * The quick pick shows plain text: no Markdown backticks, one arrow (→) throughout. The CLI keeps its ASCII `->`.
 */
export function plain(text: string): string {
  return text.replace(/`([^`]*)`/g, '"$1"').replace(/ -> /g, ' → ');
}

export function simulateKnockView(model: FirewallModel, seq: KnockSequence, fileLabel?: string): KnockSimulationView {
  const plan = planKnock(model, seq);
  const run = runKnock(model, plan);
  const items: TraceItem[] = [];
  run.traces.forEach((tr, i) => {
    const stage = plan.stages[i]?.stage;
    // A knock packet did its job when its stage put the source on the stage's list; that the firewall then drops
    // it is how knocking works, so say that rather than a bare DROP.
    const registered = stage && tr.changes.some((c) => c.list === stage.list && c.op !== 'expire');
    const outcome = registered
      ? `stage ${stage.index + 1} registered (${tr.verdict === 'accept' ? 'packet accepted' : `packet ${tr.verdict === 'reject' ? 'rejected' : 'dropped'}, as a knock should be`})`
      : tr.verdict.toUpperCase();
    items.push({
      kind: 'packet',
      label: `${stage ? `Stage ${stage.index + 1}` : 'Access'}: ${packetText(tr.packet)}`,
      description: `at ${secs(tr.packet.time)} → ${outcome}`,
      detail: tr.expired.length ? `expired before it: ${tr.expired.map((c) => `${c.list} ${c.address}`).join(', ')}` : undefined,
      range: stage ? rangeOf(stage.rule) : tr.verdictRule ? rangeOf(tr.verdictRule) : undefined,
    });
    for (const s of tr.matched) {
      const changes = tr.changes
        .filter((c) => c.rule === s.rule)
        .map((c) => `${c.op === 'add' ? 'adds' : 'refreshes'} ${c.address} to ${c.list}${Number.isFinite(c.expires) ? ` for ${formatTimeout(Math.max(0, c.expires - tr.packet.time))}` : ', no timeout'}`);
      const notes = [...changes, ...(s.assumed ? [`assumed: ${s.assumed.join(', ')}`] : []), ...(s.note ? [s.note] : [])];
      items.push({
        kind: 'rule',
        label: `    ${s.table} ${s.chain}: ${s.action}`,
        description: `line ${s.rule.source.range.start.line + 1}${s.rule.comment ? ` "${s.rule.comment}"` : ''}`,
        detail: notes.length ? plain(notes.join('; ')) : undefined,
        range: rangeOf(s.rule),
      });
    }
  });
  const resultText = knockResultText(run);
  const blocker = run.failure?.blockedBy;
  const failedStage = run.failure && run.failure.stage < plan.stages.length ? plan.stages[run.failure.stage].stage.rule : undefined;
  items.push({
    kind: 'result',
    label: run.access ? 'Access granted' : 'Knock fails',
    description: plain(resultText),
    range: blocker ? rangeOf(blocker) : failedStage ? rangeOf(failedStage) : undefined,
  });
  const title = plain(`Knock simulation: ${describeKnockSequence(seq)}`);
  const text = [title, `from ${plan.source}`, ...plan.problems.map((p) => `note: ${p}`), ...run.traces.flatMap((t) => traceLines(t, fileLabel)), resultText].join('\n');
  return { title, run, items, text, ok: run.access };
}
