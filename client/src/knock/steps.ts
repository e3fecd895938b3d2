// From a knock sequence of the firewall model to the steps a client sends. Pure (no vscode, no network).

import type { KnockSequence, Layer7Protocol } from '../../../server/src/model/types';
import { layer7Literal } from '../../../server/src/features/knockClients';
import type { KnockStep } from './sender';

export interface KnockSteps {
  steps: KnockStep[];
  /** Stages a network client cannot perform as the firewall expects (reported, never hidden). */
  problems: string[];
  /** The shortest stage timeout in seconds (the delay between steps must stay well under it). */
  minTimeout?: number;
}

export function stepsFromSequence(seq: KnockSequence, layer7?: Map<string, Layer7Protocol>): KnockSteps {
  const steps: KnockStep[] = [];
  const problems: string[] = [];
  let minTimeout: number | undefined;
  for (const s of seq.stages) {
    const n = s.index + 1;
    if (typeof s.timeout === 'number' && s.index < seq.stages.length - 1) minTimeout = Math.min(minTimeout ?? Infinity, s.timeout);
    const protocol = (s.protocol ?? 'tcp').toLowerCase();
    const port = s.ports?.[0]?.[0];
    if (protocol !== 'tcp' && protocol !== 'udp') {
      problems.push(`stage ${n} is ${protocol}: this client sends only TCP and UDP knocks`);
      continue;
    }
    if (port === undefined) {
      problems.push(`stage ${n} has no destination port to knock on`);
      continue;
    }
    const step: KnockStep = { stage: n, protocol, port };
    if (s.layer7 !== undefined) {
      const text = layer7Literal(layer7?.get(s.layer7)?.regexp);
      if (protocol === 'tcp') problems.push(`stage ${n} needs layer7 \`${s.layer7}\` on TCP: a connection attempt carries no payload, the router will not match it`);
      else if (text === undefined) problems.push(`stage ${n}: the layer7 pattern \`${s.layer7}\` is not a plain passphrase; an empty datagram is sent`);
      else step.payload = text;
    }
    if (s.packetSize) {
      const [lo, hi] = s.packetSize;
      if (protocol === 'udp') {
        const overhead = seq.family === 'ipv6' ? 48 : 28; // IP + UDP headers
        const want = lo - overhead;
        const have = Buffer.byteLength(step.payload ?? '');
        if (want > have) step.payload = (step.payload ?? '') + ' '.repeat(want - have);
        if (have > hi - overhead) problems.push(`stage ${n}: the payload makes the packet larger than packet-size ${lo}-${hi}`);
      } else problems.push(`stage ${n} needs packet-size ${lo}-${hi}: a TCP connection attempt has a fixed size`);
    }
    steps.push(step);
  }
  return { steps, problems, minTimeout };
}
