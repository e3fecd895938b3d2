// What a knock sequence looks like from the client side: a one-line summary and the commands that
// perform the knock (bash + nmap, PowerShell, the knockd `knock` client). Pure; used by hover, the
// outline and the CLI.
//
// The guide's `for x in 888,555,222; do nmap -p $x ...` passes all ports to ONE nmap run, which scans
// them in random order: the commands here run one probe per port, in sequence order.

import type { KnockSequence, KnockStage, Layer7Protocol, PortSet, Timeout, Unknown } from '../model/types';

export type KnockClient = 'bash' | 'powershell' | 'knock';

export interface KnockClientCommand {
  client: KnockClient;
  /** "bash (nmap)", "PowerShell", "knock (knockd client)". */
  label: string;
  command: string;
  /** Caveats: root needed, a stage this client cannot perform, timing. */
  notes: string[];
}

export interface KnockClientOptions {
  /** The router's address; default `HOST`. */
  host?: string;
  /** Layer7 definitions (model.layer7) to find a stage's passphrase. */
  layer7?: Map<string, Layer7Protocol>;
}

/** `30 s`, `30 m`, `1 h 30 m`, `2 d`; `no timeout` for none-dynamic/none-static; raw text when computed. */
export function formatTimeout(t: Timeout | Unknown | undefined): string {
  if (t === undefined) return 'no timeout';
  if (typeof t === 'object') return t.raw;
  if (typeof t === 'string') return 'no timeout';
  if (t === 0) return '0 s';
  const parts: string[] = [];
  let rest = t;
  for (const [unit, size] of [['w', 604800], ['d', 86400], ['h', 3600], ['m', 60], ['s', 1]] as const) {
    if (rest >= size) {
      const n = Math.floor(rest / size);
      rest -= n * size;
      parts.push(`${n} ${unit}`);
    }
  }
  if (rest > 0) parts.push(`${Math.round(rest * 1000)} ms`);
  return parts.join(' ');
}

function portsText(p: PortSet | undefined): string {
  if (!p || p.length === 0) return '?';
  return p.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(',');
}

/** The port a client knocks on for a stage: the first one of its set. */
function knockPort(s: KnockStage): number | undefined {
  return s.ports && s.ports.length > 0 ? s.ports[0][0] : undefined;
}

function proto(s: KnockStage): string {
  return (s.protocol ?? 'tcp').toLowerCase();
}

/**
 * "tcp 7342 -> 4519 -> 9121, 30 s per step, grants `secured` for 30 m"; the protocol is repeated per
 * stage when stages differ ("tcp 7342 -> udp 4519").
 */
export function describeKnockSequence(seq: KnockSequence): string {
  const stages = seq.stages;
  const protos = stages.map(proto);
  const same = protos.every((p) => p === protos[0]);
  const steps = stages.map((s, i) => {
    let t = s.ports ? portsText(s.ports) : s.packetSize ? `size ${s.packetSize[0]}-${s.packetSize[1]}` : '?';
    if (s.ports && s.packetSize) t += ` (size ${s.packetSize[0] === s.packetSize[1] ? s.packetSize[0] : `${s.packetSize[0]}-${s.packetSize[1]}`})`;
    if (s.layer7) t += ` (layer7 ${s.layer7})`;
    return same && i > 0 ? t : `${protos[i]} ${t}`;
  });
  const inter = stages.slice(0, -1).map((s) => formatTimeout(s.timeout));
  let timing = '';
  if (inter.length > 0) {
    timing = inter.every((t) => t === inter[0]) ? `, ${inter[0]} per step` : `, steps ${inter.join(' / ')}`;
  }
  const last = stages[stages.length - 1];
  const grant = last ? `, grants \`${seq.finalList}\` for ${formatTimeout(last.timeout)}` : '';
  return `${steps.join(' -> ')}${timing}${grant}`;
}

/** "stage 2 of 3: tcp 7342 -> 4519 -> 9121, ..." */
export function describeKnockStage(seq: KnockSequence, stage: KnockStage): string {
  return `stage ${stage.index + 1} of ${seq.stages.length}: ${describeKnockSequence(seq)}`;
}

/** The literal text a layer7 regexp like `^passphrase$` matches, when it is a plain literal. */
export function layer7Literal(regexp: string | undefined): string | undefined {
  if (regexp === undefined) return undefined;
  const m = /^\^?((?:[^\\^$.|?*+()[\]{}]|\\[^a-zA-Z0-9])*)\$?$/.exec(regexp);
  if (!m || m[1] === '') return undefined;
  return m[1].replace(/\\(.)/g, '$1');
}

const shQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const psQuote = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** Commands that perform the sequence from a client, one probe per stage, in order. */
export function knockClientCommands(seq: KnockSequence, options: KnockClientOptions = {}): KnockClientCommand[] {
  const host = options.host ?? 'HOST';
  const passphrase = (s: KnockStage): { text?: string; unknown: boolean } => {
    if (!s.layer7) return { unknown: false };
    const text = layer7Literal(options.layer7?.get(s.layer7)?.regexp);
    return { text, unknown: text === undefined };
  };

  // bash: nmap per port; nc for passphrases; nping for packet sizes; ping for ICMP.
  const bash: string[] = [];
  const bashNotes: string[] = [];
  // PowerShell
  const ps: string[] = [];
  const psNotes: string[] = [];
  // knockd client
  const knockArgs: string[] = [];
  const knockNotes: string[] = [];
  let knockOk = true;

  for (const s of seq.stages) {
    const p = proto(s);
    const port = knockPort(s);
    const n = s.index + 1;
    const pass = passphrase(s);
    const passText = pass.text ?? 'PASSPHRASE';
    if (pass.unknown) bashNotes.push(`stage ${n}: replace PASSPHRASE with text matching layer7 \`${s.layer7}\``);
    if (p === 'icmp') {
      const size = s.packetSize ? Math.max(0, s.packetSize[0] - 28) : undefined;
      bash.push(`ping -c 1 ${size !== undefined ? `-s ${size} ` : ''}${host}`);
      ps.push(`ping -n 1 ${size !== undefined ? `-l ${size} ` : ''}${host} | Out-Null`);
      knockOk = false;
      knockNotes.push(`stage ${n} is ICMP: knock cannot send it`);
      continue;
    }
    if (port === undefined || (p !== 'tcp' && p !== 'udp')) {
      bash.push(`# stage ${n}: no port to knock (${p})`);
      ps.push(`# stage ${n}: no port to knock (${p})`);
      knockOk = false;
      knockNotes.push(`stage ${n} has no port`);
      continue;
    }
    if (s.packetSize) {
      const overhead = p === 'udp' ? 28 : 40;
      const len = Math.max(0, s.packetSize[0] - overhead);
      bash.push(`sudo nping --${p} -p ${port} --data-length ${len} -c 1 ${host}`);
      bashNotes.push(`stage ${n} needs packet-size ${s.packetSize[0]}-${s.packetSize[1]}: nping sends a ${s.packetSize[0]}-byte packet`);
    } else if (s.layer7) {
      bash.push(`printf %s ${shQuote(passText)} | nc ${p === 'udp' ? '-u ' : ''}-w 1 ${host} ${port}`);
    } else if (p === 'udp') {
      bash.push(`sudo nmap -Pn -sU -p ${port} --max-retries 0 ${host}`);
    } else {
      bash.push(`nmap -Pn -p ${port} --max-retries 0 ${host}`);
    }

    if (p === 'udp' || s.layer7 || s.packetSize) {
      const payload = s.layer7
        ? `[Text.Encoding]::ASCII.GetBytes(${psQuote(passText)})`
        : `[byte[]]::new(${s.packetSize ? Math.max(1, s.packetSize[0] - (p === 'udp' ? 28 : 40)) : 1})`;
      if (p === 'udp') {
        ps.push(`$u=New-Object Net.Sockets.UdpClient; $b=${payload}; [void]$u.Send($b,$b.Length,${psQuote(host)},${port}); $u.Close()`);
      } else {
        ps.push(
          `$c=New-Object Net.Sockets.TcpClient; if ($c.ConnectAsync(${psQuote(host)},${port}).Wait(2000)) { $b=${payload}; $c.GetStream().Write($b,0,$b.Length) }; $c.Close()`,
        );
      }
      if (s.packetSize) psNotes.push(`stage ${n} needs packet-size ${s.packetSize[0]}-${s.packetSize[1]}: check the payload size`);
    } else {
      ps.push(`Test-NetConnection ${host} -Port ${port} -InformationLevel Quiet -WarningAction SilentlyContinue | Out-Null`);
    }

    if (s.layer7 || s.packetSize) {
      knockOk = false;
      knockNotes.push(`stage ${n} needs ${s.layer7 ? 'a layer7 passphrase' : 'a packet size'}: knock cannot send it`);
    }
    knockArgs.push(`${port}:${p}`);
  }

  const hasTcpProbe = ps.some((l) => l.startsWith('Test-NetConnection'));
  const shortStep = seq.stages
    .slice(0, -1)
    .some((s) => typeof s.timeout === 'number' && s.timeout < 25);
  if (hasTcpProbe && shortStep) {
    psNotes.push('Test-NetConnection waits about 20 s on a port that does not answer: too slow for steps under 25 s');
  }
  if (seq.stages.some((s) => proto(s) === 'udp' && !s.layer7 && !s.packetSize)) bashNotes.push('nmap UDP probes need root (sudo)');

  // knock: `-u` when every stage is UDP, `port:proto` otherwise.
  const allUdp = knockArgs.length > 0 && knockArgs.every((a) => a.endsWith(':udp'));
  const allTcp = knockArgs.every((a) => a.endsWith(':tcp'));
  const kPorts = allUdp || allTcp ? knockArgs.map((a) => a.split(':')[0]) : knockArgs;
  const out: KnockClientCommand[] = [
    { client: 'bash', label: 'bash (nmap)', command: bash.join('; '), notes: bashNotes },
    { client: 'powershell', label: 'PowerShell', command: ps.join('; '), notes: psNotes },
  ];
  if (knockArgs.length > 0) {
    out.push({
      client: 'knock',
      label: 'knock (knockd client)',
      command: `knock ${allUdp ? '-u ' : ''}${host} ${kPorts.join(' ')}`,
      notes: knockOk ? [] : knockNotes,
    });
  }
  return out;
}
