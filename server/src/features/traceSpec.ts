// The packet a user asks the firewall map to trace: "tcp:22 from WAN", "udp:53 from 192.0.2.7 in ether1",
// "icmp to 203.0.113.1", or "knock" / "knock:N" for the file's knock sequence. Shared by `rsc-lint map --trace`
// and the editor's map. Pure; bad text throws a TraceSpecError that says what to write.

import type { LintResult } from '../lint';
import { parsePacketSpec, SpecError } from '../simulate/spec';
import { KNOCK_SOURCE } from '../simulate/knock';
import type { SimPacket } from '../simulate/types';
import { knockTrace, packetTrace, type MapTrace } from './firewallMap';

export class TraceSpecError extends Error {
  override name = 'TraceSpecError';
}

const ADDRESS = /^(\d{1,3}(\.\d{1,3}){3}|[0-9a-f:]*:[0-9a-f:.]*)$/i;

/** "tcp:22 from WAN" / "udp:53 from 192.0.2.7 in ether1" into a packet. */
export function parseTraceSpec(spec: string): Omit<SimPacket, 'time'> {
  const words = spec.trim().split(/\s+/);
  if (words.length === 0 || !words[0]) throw new TraceSpecError('write a packet, e.g. "tcp:22 from WAN", or "knock"');
  let p: Omit<SimPacket, 'time' | 'src'> & { src?: string };
  try {
    p = parsePacketSpec(words[0]);
  } catch (e) {
    if (e instanceof SpecError) throw new TraceSpecError(e.message);
    throw e;
  }
  for (let i = 1; i < words.length; i++) {
    const w = words[i].toLowerCase();
    const v = words[i + 1];
    if ((w === 'from' || w === 'in' || w === 'to') && v === undefined) throw new TraceSpecError(`"${w}" needs a value`);
    if (w === 'from') {
      if (ADDRESS.test(v)) p.src = v;
      else p.inInterfaceLists = [...(p.inInterfaceLists ?? []), v];
      i++;
    } else if (w === 'in') {
      p.inInterface = v;
      i++;
    } else if (w === 'to') {
      if (!ADDRESS.test(v)) throw new TraceSpecError(`"to ${v}": write an address`);
      p.dst = v;
      i++;
    } else throw new TraceSpecError(`"${words[i]}" is not understood (write: PACKET [from WAN|ADDRESS] [in IFACE] [to ADDRESS])`);
  }
  if (p.inInterfaceLists && !p.inInterface) p.inInterface = `${p.inInterfaceLists[0]}-port`;
  return { ...p, src: p.src ?? KNOCK_SOURCE.ip };
}


/** The trace `spec` asks for on the firewall `result` describes. */
export function mapTrace(result: LintResult, spec: string): MapTrace {
  const k = /^knock(?::(\d+))?$/i.exec(spec.trim());
  if (k) {
    const n = Number(k[1] ?? 1);
    const t = knockTrace(result.model, result, n);
    if (!t) throw new TraceSpecError(`"${spec}": the file has ${result.knocks.length} knock sequence(s)`);
    return t;
  }
  const p = parseTraceSpec(spec);
  return packetTrace(result.model, spec.trim(), [{ ...p, time: 0 }], p.src.includes(':') ? 'ipv6' : 'ip');
}
