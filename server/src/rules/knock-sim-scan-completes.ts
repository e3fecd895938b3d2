// knock-sim-scan-completes: the simulator scans every port (1-65535) from one address at 10,000 packets
// per second: ascending, descending, and three seeded random orders. A sequence that a scan completes
// is reported on its first stage with the scan and the packets that advanced it.
// Sequential scans are always reported. A random-order scan completes any n-stage knock with
// probability 1/n! when nothing stops scanners (that is what blacklists are for), so a random scan is
// reported only when the knock's structure made it easy: one packet climbing several stages
// (overlapping stage matchers) or a stage matching more than one port.

import type { Check } from './types';
import type { Related } from './types';
import { relatedRule, ruleFinding, type RawFinding } from './util/finding';
import { GOOD_KNOCK } from './util/examples';
import { disabledBlacklistRules, runScan, SCAN_SOURCE, type ScanResult } from '../simulate/knock';
import { scanName, secondsText, verification, verifyScans, wideStages } from './knock-sim-common';

function advancesText(r: ScanResult): string {
  return r.advances.map((a) => `${a.protocol} ${a.port} at ${secondsText(a.time)}`).join(' → ');
}

export const knockSimScanCompletes: Check = {
  id: 'knock-sim-scan-completes',
  defaultSeverity: 'warning',
  description:
    'Simulated, a port scan of every port (ascending, descending, or a seeded random order with overlapping or wide stages) completes the knock sequence.',
  examples: {
    bad: GOOD_KNOCK.replace('dst-port=9127', 'dst-port=4263'),
    good: GOOD_KNOCK,
  },
  run(ctx) {
    const out: RawFinding[] = [];
    for (const seq of ctx.knocks) {
      const v = verification(ctx.model, seq);
      if (!v || v.plan.problems.length > 0) continue;
      const wide = wideStages(v.plan);
      // strictly ascending/descending single ports (3+ stages) are knock-sequential-ports's finding
      const ports = v.plan.stages.map((s) => s.packet.dstPort ?? -1);
      const monotonic =
        ports.length >= 3 &&
        wide.length === 0 &&
        (ports.every((p, i) => i === 0 || p > ports[i - 1]) || ports.every((p, i) => i === 0 || p < ports[i - 1]));
      const hits = verifyScans(ctx.model, v).filter(
        (r) => r.granted && (r.climbed || (r.scan.kind === 'random' ? wide.length > 0 : !monotonic)),
      );
      if (hits.length === 0) continue;
      const first = hits[0];
      const how: string[] = [];
      if (first.climbed) how.push('one packet climbs several stages (their matchers overlap)');
      if (first.scan.kind === 'random' && wide.length > 0) how.push(`stage ${wide.map((i) => i + 1).join(', ')} matches more than one port`);
      const bl = disabledBlacklistRules(ctx.model, seq.family);
      let blNote = '';
      const related: Related[] = [];
      if (bl.size > 0) {
        const again = runScan(ctx.model, v.plan, first.scan, { enable: bl });
        if (!again.granted) {
          blNote = '; enabling the disabled blacklist rules stops this scan';
          for (const r of bl) related.push(relatedRule(r, 'disabled blacklist rule'));
        }
      }
      const others = hits.length > 1 ? ` (also: ${hits.slice(1).map((h) => scanName(h.scan)).join(', ')})` : '';
      out.push(
        ruleFinding(
          this.id,
          seq.stages[0].rule,
          `${/^[aeiou]/.test(scanName(first.scan)) ? 'an' : 'a'} ${scanName(first.scan)} of every ${first.protocols.join('+')} port from ${SCAN_SOURCE[seq.family]} (10,000 packets/s) reaches \`${seq.finalList}\`${others}: ${advancesText(first)}${how.length ? `; ${how.join('; ')}` : ''}${blNote}`,
          related.length ? { related } : {},
        ),
      );
    }
    return out;
  },
};
