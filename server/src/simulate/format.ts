// Traces as text (CLI, editor output) and as JSON-ready objects. Pure.

import type { Rule } from '../model/types';
import type { KnockRun, ScanResult } from './knock';
import { scanName } from './knock';
import type { ListChange, PacketTrace, SimPacket } from './types';

export interface RuleRef {
  /** 1-based line and column of the rule's command. */
  line: number;
  column: number;
  endLine: number;
  table: string;
  chain: string;
  action: string;
  comment?: string;
}

export function ruleRef(r: Rule): RuleRef {
  const { start, end } = r.source.range;
  const ref: RuleRef = { line: start.line + 1, column: start.column + 1, endLine: end.line + 1, table: r.table, chain: r.chain, action: r.action };
  if (r.comment !== undefined) ref.comment = r.comment;
  return ref;
}

export function secs(t: number): string {
  if (!Number.isFinite(t)) return 'never';
  const r = Math.round(t * 1000) / 1000;
  return `${r}s`;
}

export function packetText(p: SimPacket): string {
  let t = p.protocol;
  if (p.dstPort !== undefined) t += ` ${p.dst ?? ''}${p.dst ? ':' : 'port '}${p.dstPort}`;
  else if (p.dst) t += ` ${p.dst}`;
  if (p.icmp) t += ` type ${p.icmp.type} code ${p.icmp.code}`;
  t += ` from ${p.src}`;
  if (p.state && p.state !== 'new') t += ` (${p.state})`;
  if (p.payload !== undefined) t += ` payload ${JSON.stringify(p.payload)}`;
  if (p.size !== undefined) t += ` size ${p.size}`;
  return t;
}

function changeText(c: ListChange): string {
  const sign = c.op === 'expire' ? '-' : c.op === 'refresh' ? '~' : '+';
  const until = c.op === 'expire' ? `expired at ${secs(c.expires)}` : Number.isFinite(c.expires) ? `until ${secs(c.expires)}` : 'no timeout';
  return `${sign} ${c.list} ${c.address} (${until})`;
}

function ruleLabel(r: Rule): string {
  return `line ${r.source.range.start.line + 1}${r.comment ? ` "${r.comment}"` : ''}`;
}

/** Lines for one packet: header, the rules it matched, list changes, verdict. */
export function traceLines(tr: PacketTrace, file?: string): string[] {
  const where = (r: Rule) => (file ? `${file}:${r.source.range.start.line + 1}` : ruleLabel(r));
  const out: string[] = [];
  for (const c of tr.expired) out.push(`        ${changeText(c)}`);
  out.push(`#${tr.index + 1} ${secs(tr.packet.time).padEnd(7)} ${packetText(tr.packet)}`);
  for (const s of tr.matched) {
    const extra: string[] = [];
    if (s.assumed) extra.push(`assumed: ${s.assumed.join(', ')}`);
    if (s.logged) extra.push('logged');
    if (s.note) extra.push(s.note);
    const comment = s.rule.comment && file ? ` "${s.rule.comment}"` : '';
    out.push(`        ${s.table} ${s.chain}: ${s.action}  ${where(s.rule)}${comment}${extra.length ? `  [${extra.join('; ')}]` : ''}`);
    for (const c of tr.changes) if (c.rule === s.rule) out.push(`          ${changeText(c)}`);
  }
  const by = tr.verdictRule ? ` by ${where(tr.verdictRule)}` : ' (end of chain: implicit accept)';
  out.push(`        => ${tr.verdict.toUpperCase()}${by}`);
  return out;
}

export function traceJson(tr: PacketTrace): object {
  const change = (c: ListChange) => ({
    op: c.op,
    list: c.list,
    address: c.address,
    expires: Number.isFinite(c.expires) ? c.expires : null,
    ...(c.rule ? { rule: ruleRef(c.rule) } : {}),
  });
  return {
    index: tr.index,
    time: tr.packet.time,
    packet: tr.packet,
    verdict: tr.verdict,
    verdictRule: tr.verdictRule ? ruleRef(tr.verdictRule) : null,
    matched: tr.matched.map((s) => ({
      ...ruleRef(s.rule),
      ...(s.assumed ? { assumed: s.assumed } : {}),
      ...(s.logged ? { logged: true } : {}),
      ...(s.note ? { note: s.note } : {}),
    })),
    changes: tr.changes.map(change),
    expired: tr.expired.map(change),
  };
}

/** One line saying how a knock run ended. */
export function knockResultText(run: KnockRun): string {
  const plan = run.plan;
  if (run.access) {
    if (!plan.probe) return `OK: ${plan.source} reaches \`${plan.seq.finalList}\``;
    return `OK: ${plan.source} reaches \`${plan.seq.finalList}\` and a new ${plan.probe.protocol} connection to port ${plan.protectedPort} is accepted${plan.unprotected ? ' (that port is open without knocking too)' : ''}`;
  }
  const f = run.failure;
  if (!f) return 'FAILED';
  return f.stage < plan.stages.length ? `FAILED at stage ${f.stage + 1}: ${f.reason}` : `FAILED: ${f.reason}`;
}

export function knockRunJson(run: KnockRun): object {
  return {
    source: run.plan.source,
    finalList: run.plan.seq.finalList,
    protectedPort: run.plan.protectedPort ?? null,
    access: run.access,
    reached: run.reached,
    final: run.final,
    gaps: run.gaps,
    failure: run.failure ? { stage: run.failure.stage + 1, reason: run.failure.reason, rule: run.failure.blockedBy ? ruleRef(run.failure.blockedBy) : null } : null,
    packets: run.traces.map(traceJson),
  };
}

export function scanText(r: ScanResult): string {
  const adv = r.advances.map((a) => `${a.protocol} ${a.port} at ${secs(a.time)}`).join(' -> ');
  return `${scanName(r.scan)}: ${r.granted ? 'GRANTED' : 'not granted'} after ${r.packets} packets${adv ? ` (${adv})` : ''}${r.climbed ? '; one packet climbed several stages' : ''}`;
}

export function scanJson(r: ScanResult): object {
  return { scan: r.scan, protocols: r.protocols, packets: r.packets, granted: r.granted, climbed: r.climbed, advances: r.advances };
}
