// `rsc-lint simulate FILE [options] [STEP...]`: runs packets through the firewall the script builds and
// prints what each one met. Without steps it sends each knock sequence the file sets up (the intended
// knock, 1 s apart, then a connection to the protected port). The step language is in
// server/src/simulate/spec.ts.

import { isIP } from 'node:net';
import { parse } from '../parser';
import { buildModel, findKnockSequences } from '../model';
import type { Family, FirewallModel, Rule } from '../model/types';
import { describeKnockSequence } from '../features/knockClients';
import {
  DEFAULT_SCANS,
  disabledBlacklistRules,
  interfaceOf,
  KNOCK_SOURCE,
  planKnock,
  runKnock,
  runScan,
  simulatable,
  type ScanSpec,
} from '../simulate/knock';
import { defaultDst, Simulator } from '../simulate/engine';
import { endTime, parseSteps, SpecError } from '../simulate/spec';
import { knockResultText, knockRunJson, scanJson, scanText, secs, traceJson, traceLines } from '../simulate/format';
import type { Hook, SimPacket } from '../simulate/types';
import { CliError, type CliIO } from './io';
import { escapeControl } from './formats';
import { readScriptOperand } from './inputs';
import type { Subcommand } from './subcommands';

export const SIMULATE_USAGE = `Usage: rsc-lint simulate FILE [options] [STEP...]

Runs packets through the firewall FILE builds (raw, mangle and filter tables, rules in order, jumps,
address lists with their timeouts on a virtual clock) and prints every rule each packet matched, its
verdict, and the address-list entries it added or that expired.

Without STEPs: sends each knock sequence the file sets up (one packet per stage, 1 s apart), then a new
connection to the port the knock protects, and says whether access is granted (exit status 1 if not).

Steps (left to right; the first packet is at 0 s):
  tcp:7342                     a TCP connection attempt (SYN) to port 7342
  udp:4519,payload=secret      a UDP datagram carrying "secret" (for layer7-protocol stages)
  icmp  icmp:3:3               an ICMP packet (echo request by default; TYPE:CODE)
  +2s  +500ms  +1m             wait this long before the next packet (default: --gap)
  @40s                         send the next packet at this time
  modifiers after a comma:     payload=TEXT state=new|established|related|invalid|untracked
                               size=BYTES from=ADDR to=ADDR in=IFACE sport=PORT flags=syn+ack

Options:
      --from ADDR        source address (default 198.51.100.7, or 2001:db8:5::7 with --ipv6)
      --to ADDR          destination address (default the router, 203.0.113.1)
      --in IFACE         arrival interface (default: the WAN the file's knock or drop rules name)
      --in-list LIST     the arrival interface is in this interface list (repeatable)
      --hook HOOK        input (default), forward or output
      --ipv6             simulate the /ipv6 firewall
      --gap DURATION     wait between packets without +DELAY (default 1s)
      --enable-blacklist treat the file's disabled blacklist rules as enabled
      --scan             (knock mode) also scan every port: ascending, descending, 3 random orders
  -f, --format FORMAT    text (default) or json
  -h, --help             show this help

Examples:
  rsc-lint simulate knock.rsc
  rsc-lint simulate knock.rsc --scan
  rsc-lint simulate knock.rsc --from 198.51.100.7 tcp:7342 +2s tcp:4519 +2s tcp:9121 +1s tcp:22
  rsc-lint simulate knock.rsc udp:4519,payload=passphrase tcp:8291 --format json`;

interface SimulateArgs {
  file?: string;
  steps: string[];
  from?: string;
  to?: string;
  inIface?: string;
  inLists: string[];
  hook: Hook;
  family?: Family;
  gap: number;
  enableBlacklist: boolean;
  scan: boolean;
  format: 'text' | 'json';
  help: boolean;
}

function value(args: string[], i: number, opt: string, what: string): string {
  const v = args[i + 1];
  if (v === undefined) throw new CliError(`${opt} needs ${what} (see rsc-lint simulate --help)`);
  return v;
}

export function parseSimulateArgs(argv: string[]): SimulateArgs {
  const a: SimulateArgs = { steps: [], inLists: [], hook: 'input', gap: 1, enableBlacklist: false, scan: false, format: 'text', help: false };
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i];
    const eq = raw.startsWith('--') ? raw.indexOf('=') : -1;
    const name = eq > 0 ? raw.slice(0, eq) : raw;
    const args = eq > 0 ? [name, raw.slice(eq + 1)] : argv;
    const at = eq > 0 ? 0 : i;
    const take = (what: string) => {
      const v = value(args, at, name, what);
      if (eq <= 0) i++;
      return v;
    };
    switch (name) {
      case '-h':
      case '--help':
        a.help = true;
        break;
      case '--from':
        a.from = checkAddress(take('an address'), '--from');
        break;
      case '--to':
        a.to = checkAddress(take('an address'), '--to');
        break;
      case '--in': {
        const v = take('an interface name');
        if (v.trim() === '') throw new CliError('--in needs an interface name, not an empty string');
        a.inIface = v;
        break;
      }
      case '--in-list': {
        const v = take('an interface list name');
        if (v.trim() === '') throw new CliError('--in-list needs an interface list name, not an empty string');
        a.inLists.push(v);
        break;
      }
      case '--hook': {
        const h = take('input, forward or output');
        if (h !== 'input' && h !== 'forward' && h !== 'output') throw new CliError(`--hook must be input, forward or output, not "${h}"`);
        a.hook = h;
        break;
      }
      case '--ipv6':
        a.family = 'ipv6';
        break;
      case '--gap': {
        const g = take('a duration such as 1s or 500ms');
        const t = parseDuration(g);
        if (t === undefined) throw new CliError(`--gap: "${g}" is not a duration (write 1s, 500ms)`);
        a.gap = t;
        break;
      }
      case '--enable-blacklist':
        a.enableBlacklist = true;
        break;
      case '--scan':
        a.scan = true;
        break;
      case '-f':
      case '--format': {
        const f = take('text or json').toLowerCase();
        if (f !== 'text' && f !== 'json') throw new CliError(`unknown format "${f}": use text or json`);
        a.format = f;
        break;
      }
      default:
        if (raw.startsWith('-') && raw !== '-' && !/^-\d/.test(raw)) throw new CliError(`unknown option ${raw} (see rsc-lint simulate --help)`);
        if (a.file === undefined) a.file = raw;
        else a.steps.push(raw);
    }
  }
  return a;
}

function parseDuration(t: string): number | undefined {
  try {
    const p = parseSteps([`+${t}`, 'tcp:1'], { src: '0.0.0.0' });
    return p[0]?.time;
  } catch {
    return undefined;
  }
}

/** Reads FILE (or standard input for `-`) with the lint command's reader (BOMs, UTF-16, stdin checks). */
export async function readScript(file: string, io: CliIO): Promise<{ text: string; display: string }> {
  return readScriptOperand(file, io);
}

/** An IPv4 or IPv6 address (what --from, --to, from= and to= accept). */
export function checkAddress(value: string, what: string): string {
  if (isIP(value) === 0) {
    throw new CliError(`${what}: "${value}" is not an IP address (write an IPv4 address such as 198.51.100.7 or an IPv6 address such as 2001:db8::7)`);
  }
  return value;
}

/** TCP flag names a packet can carry (RouterOS tcp-flags names). */
export const TCP_FLAGS = ['fin', 'syn', 'rst', 'psh', 'ack', 'urg', 'ece', 'cwr'] as const;

/** What parseSteps accepts but no packet can be: checked here so a typo is an error, not a silent pass. */
export function checkPackets(packets: readonly SimPacket[]): void {
  for (const p of packets) {
    checkAddress(p.src, 'from=');
    if (p.dst !== undefined) checkAddress(p.dst, 'to=');
    for (const f of p.tcpFlags ?? []) {
      if (!(TCP_FLAGS as readonly string[]).includes(f)) throw new CliError(`flags=: unknown TCP flag "${f}" (allowed: ${TCP_FLAGS.join(', ')}, joined with +)`);
    }
    if (p.icmp && (p.icmp.type > 255 || p.icmp.code > 255)) {
      throw new CliError(`icmp:${p.icmp.type}:${p.icmp.code}: ICMP type and code are numbers from 0 to 255`);
    }
    if (p.size !== undefined && p.size > 65535) throw new CliError(`size=${p.size}: a packet is at most 65535 bytes`);
    if (p.protocol !== 'tcp' && p.tcpFlags && p.tcpFlags.length > 0) throw new CliError(`flags= is for TCP packets, not ${p.protocol}`);
    if (/^\d+$/.test(p.protocol) && Number(p.protocol) > 255) throw new CliError(`protocol ${p.protocol}: IP protocol numbers are 0 to 255`);
  }
}

/** Text output line by line with control characters from the script made visible. */
function textOut(io: CliIO, text: string): void {
  io.out(text.split('\n').map(escapeControl).join('\n'));
}

/** The WAN side packets come from when the user does not say: the knock's, else the first input drop's. */
function defaultInterface(model: FirewallModel, family: Family): Pick<SimPacket, 'inInterface' | 'inInterfaceLists'> {
  const knocks = findKnockSequences(model).filter((k) => k.family === family);
  const rules: Rule[] = [];
  for (const k of knocks) rules.push(...k.stages.map((s) => s.rule), ...k.accepts);
  const filter = model.tables.get(`${family} filter`);
  for (const r of filter?.rules ?? []) if (!r.disabled && r.chain === 'input' && (r.action === 'drop' || r.action === 'reject')) rules.push(r);
  return interfaceOf(model, rules);
}

async function runSimulate(argv: string[], io: CliIO): Promise<number> {
  const args = parseSimulateArgs(argv);
  if (args.help) {
    io.out(`${SIMULATE_USAGE}\n`);
    return 0;
  }
  if (args.file === undefined) throw new CliError('simulate needs a FILE (see rsc-lint simulate --help)');
  const { text, display } = await readScript(args.file, io);
  const parsed = parse(text);
  const model = buildModel(parsed, text);
  const family: Family = args.family ?? (args.from?.includes(':') ? 'ipv6' : 'ip');
  const enable = args.enableBlacklist ? disabledBlacklistRules(model, family) : undefined;
  const syntax = parsed.errors?.length ?? 0;
  if (syntax > 0 && args.format === 'text') io.err(`rsc-lint: ${escapeControl(display)} has ${syntax} syntax error(s); simulating what could be read (rsc-lint ${display} lists them)\n`);
  return args.steps.length > 0 ? packetsMode(args, io, model, family, display, enable) : knockMode(args, io, model, family, display, enable);
}

function packetsMode(args: SimulateArgs, io: CliIO, model: FirewallModel, family: Family, display: string, enable: Set<Rule> | undefined): number {
  const iface = args.inIface !== undefined || args.inLists.length > 0 ? { inInterface: args.inIface ?? `${args.inLists[0]}-port`, inInterfaceLists: args.inLists } : defaultInterface(model, family);
  const base: Omit<SimPacket, 'time' | 'protocol'> = { src: args.from ?? KNOCK_SOURCE[family], dst: args.to ?? defaultDst(family), hook: args.hook, ...iface };
  let packets: SimPacket[];
  try {
    packets = parseSteps(args.steps, base, args.gap);
  } catch (e) {
    if (e instanceof SpecError) throw new CliError(`${e.message} (see rsc-lint simulate --help)`);
    throw e;
  }
  if (packets.length === 0) throw new CliError('no packet among the steps (write e.g. tcp:7342)');
  checkPackets(packets);
  const sim = new Simulator(model, { family, enable });
  const traces = packets.map((p) => sim.send(p));
  const end = endTime(packets);
  const lists = sim.entries(end);
  if (args.format === 'json') {
    io.out(
      `${JSON.stringify(
        {
          file: display,
          family,
          interface: iface,
          packets: traces.map(traceJson),
          lists: { time: end, entries: lists.map((e) => ({ ...e, expires: Number.isFinite(e.expires) ? e.expires : null })) },
        },
        null,
        2,
      )}\n`,
    );
    return 0;
  }
  const out: string[] = [`Simulating ${display} (${family === 'ipv6' ? '/ipv6' : '/ip'} firewall, ${args.hook}) from ${base.src} on ${ifaceText(iface)}`];
  for (const tr of traces) out.push(...traceLines(tr, display));
  out.push(`Address lists at ${secs(end)}:${lists.length === 0 ? ' (none)' : ''}`);
  for (const e of lists) out.push(`  ${e.list} ${e.address} ${Number.isFinite(e.expires) ? `until ${secs(e.expires)}` : '(no timeout)'}`);
  textOut(io, `${out.join('\n')}\n`);
  return 0;
}

function ifaceText(i: Pick<SimPacket, 'inInterface' | 'inInterfaceLists'>): string {
  return `${i.inInterface ?? '(no interface)'}${i.inInterfaceLists?.length ? ` (in ${i.inInterfaceLists.join(', ')})` : ''}`;
}

function knockMode(args: SimulateArgs, io: CliIO, model: FirewallModel, family: Family, display: string, enable: Set<Rule> | undefined): number {
  const knocks = findKnockSequences(model).filter((k) => (args.family ? k.family === args.family : true));
  const results: object[] = [];
  const out: string[] = [];
  let failed = false;
  if (knocks.length === 0) {
    if (args.format === 'json') io.out(`${JSON.stringify({ file: display, sequences: [] }, null, 2)}\n`);
    else textOut(io, `${display}: no knock sequence found; give packets to simulate (rsc-lint simulate --help)\n`);
    return 0;
  }
  knocks.forEach((seq, n) => {
    const title = `Knock sequence ${n + 1}: ${describeKnockSequence(seq)}`;
    if (!simulatable(model, seq)) {
      out.push(title, '  not simulated: rule positions depend on the router (place-before/move to existing rules) or a stage has no trigger', '');
      results.push({ description: describeKnockSequence(seq), simulated: false });
      return;
    }
    const plan = planKnock(model, seq, { source: args.from });
    if (args.inIface !== undefined || args.inLists.length > 0) {
      const iface = { inInterface: args.inIface ?? `${args.inLists[0]}-port`, inInterfaceLists: args.inLists };
      for (const s of plan.stages) Object.assign(s.packet, iface);
      if (plan.probe) Object.assign(plan.probe, iface);
    }
    const gaps = plan.stages.map(({ stage }) => Math.min(args.gap, typeof stage.timeout === 'number' ? stage.timeout / 2 : Infinity));
    const run = runKnock(model, plan, { gaps, enable: seq.family === family ? enable : undefined });
    if (!run.access) failed = true;
    const scans = args.scan && plan.problems.length === 0 ? DEFAULT_SCANS.map((s: ScanSpec) => runScan(model, plan, s, { enable })) : [];
    results.push({ description: describeKnockSequence(seq), simulated: true, problems: plan.problems, ...knockRunJson(run), scans: scans.map(scanJson) });
    out.push(title, `  from ${plan.source} on ${ifaceText(plan.stages[0]?.packet ?? {})}`);
    for (const p of plan.problems) out.push(`  note: ${p}`);
    for (const tr of run.traces) out.push(...traceLines(tr, display).map((l) => `  ${l}`));
    out.push(`  ${knockResultText(run)}`);
    for (const r of scans) out.push(`  ${scanText(r)}`);
    out.push('');
  });
  if (args.format === 'json') io.out(`${JSON.stringify({ file: display, sequences: results }, null, 2)}\n`);
  else textOut(io, `${out.join('\n').trimEnd()}\n`);
  return failed ? 1 : 0;
}

export const command: Subcommand = {
  name: 'simulate',
  summary: 'run packets (or the file\'s knock sequence) through the firewall and trace them',
  run: runSimulate,
};
export default command;
