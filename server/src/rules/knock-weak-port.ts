// knock-weak-port: a knock stage uses a port below 1024, a well-known service port, or a port already
// used by an earlier stage of the same sequence. Suggestion: fresh ports for the weak stages.

import type { Check } from './types';
import { freshPortsFix } from './util/fresh';
import { fixes, ruleFinding, type RawFinding } from './util/finding';
import { WELL_KNOWN_HIGH_PORTS } from './util/ports';
import { known } from './util/rules';
import { GOOD_KNOCK } from './util/examples';

const SERVICE_NAMES: Record<number, string> = {
  20: 'ftp-data', 21: 'ftp', 22: 'ssh', 23: 'telnet', 25: 'smtp', 53: 'dns', 80: 'http', 110: 'pop3',
  123: 'ntp', 143: 'imap', 161: 'snmp', 443: 'https', 445: 'smb', 993: 'imaps', 995: 'pop3s',
  1194: 'openvpn', 1723: 'pptp', 3306: 'mysql', 3389: 'rdp', 5060: 'sip', 8080: 'http-alt', 8291: 'winbox',
  8728: 'api', 8729: 'api-ssl', 13231: 'wireguard', 51820: 'wireguard',
};

export const knockWeakPort: Check = {
  id: 'knock-weak-port',
  defaultSeverity: 'warning',
  description: 'A knock port is below 1024, a well-known service port, or repeated in the sequence.',
  examples: {
    bad: GOOD_KNOCK.replace('dst-port=4263', 'dst-port=22'),
    good: GOOD_KNOCK,
  },
  run(ctx) {
    const out: RawFinding[] = [];
    const seen = new Set<unknown>();
    for (const seq of ctx.knocks) {
      const earlier = new Set<number>();
      const weak: Array<{ index: number; reasons: string[] }> = [];
      seq.stages.forEach((stage, index) => {
        const set = stage.ports ?? known(stage.rule.match.dstPort)?.value;
        if (!set || stage.rule.disabled) return;
        const reasons: string[] = [];
        for (const [a, b] of set) {
          if (b - a > 64) continue; // a wide range is not a knock port; leave it to the other checks
          for (let p = a; p <= b; p++) {
            const name = SERVICE_NAMES[p] ? ` (${SERVICE_NAMES[p]})` : '';
            if (p < 1024) reasons.push(`${p} is a privileged port${name}`);
            else if (WELL_KNOWN_HIGH_PORTS.has(p)) reasons.push(`${p} is a well-known service port${name}`);
            if (earlier.has(p)) reasons.push(`${p} is already used by an earlier stage`);
          }
        }
        for (const [a, b] of set) if (b - a <= 64) for (let p = a; p <= b; p++) earlier.add(p);
        if (reasons.length > 0) weak.push({ index, reasons });
      });
      if (weak.length === 0) continue;
      const fix = freshPortsFix(ctx, seq, new Set(weak.map((w) => w.index)));
      for (const w of weak) {
        const stage = seq.stages[w.index];
        if (seen.has(stage.rule)) continue;
        seen.add(stage.rule);
        out.push(
          ruleFinding(
            this.id,
            stage.rule,
            `weak knock port in stage "${stage.list}": ${w.reasons.join('; ')}`,
            fixes(fix),
          ),
        );
      }
    }
    return out;
  },
};
