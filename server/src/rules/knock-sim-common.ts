// Shared by the knock-sim-* checks: the simulator's verification of a sequence (computed once per
// sequence and lint, see server/src/simulate/knock.ts) and how a simulated knock is described.
import type { KnockSequence, KnockStage, PortSet } from '../model/types';
import { formatSeconds } from '../model/values';
import type { KnockPlan, KnockRun } from '../simulate/knock';

export { verification, verifySlow, verifyScans, verifyBlacklist, scanName, wideStages, SCAN_RATE } from '../simulate/knock';

function portsText(p: PortSet | undefined): string {
  return p ? p.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(',') : '?';
}

/** "tcp 7391" / "udp 4263 with passphrase" / "icmp size 100" for one stage's packet. */
export function stagePacketText(plan: KnockPlan, i: number): string {
  const { packet } = plan.stages[i];
  let t = packet.protocol;
  if (packet.dstPort !== undefined) t += ` ${packet.dstPort}`;
  if (packet.size !== undefined) t += ` (${packet.size} bytes)`;
  if (packet.payload !== undefined) t += ' with the passphrase';
  return t;
}

/** "tcp 7391 → 4263 → 9127 from 198.51.100.7, 1 s apart" */
export function knockText(run: KnockRun): string {
  const plan = run.plan;
  const protos = plan.stages.map((s) => s.packet.protocol);
  const same = protos.every((p) => p === protos[0]);
  const steps = plan.stages.map((_, i) => {
    const t = stagePacketText(plan, i);
    return same && i > 0 ? t.slice(protos[i].length + 1) : t;
  });
  const gaps = run.gaps.slice(0, -1);
  const timing = gaps.length === 0 ? '' : gaps.every((g) => g === gaps[0]) ? `, ${formatSeconds(gaps[0])} apart` : `, waits ${gaps.map(formatSeconds).join(' / ')}`;
  return `${steps.join(' → ')} from ${plan.source}${timing}`;
}

export function stageText(seq: KnockSequence, s: KnockStage, extra?: string): string {
  const what = `${s.protocol ?? 'tcp'} ${s.ports ? portsText(s.ports) : s.packetSize ? `size ${s.packetSize[0]}` : '?'}`;
  return `stage ${s.index + 1} of ${seq.stages.length} (${what}${extra ? `, ${extra}` : ''})`;
}

/** "1.25 s" */
export function secondsText(t: number): string {
  return `${Number.isInteger(t) ? t : t.toFixed(2)} s`;
}
