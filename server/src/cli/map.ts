// `rsc-lint map FILE [options]`: draws the firewall the file builds (features/firewallMap.ts + mapRender.ts) as a
// self-contained SVG, HTML page or Graphviz DOT, for documentation, reviews and CI artefacts, optionally with a packet
// trace on top.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { lint } from '../lint';
import { firewallMap, knockTrace, packetTrace, type MapTrace } from '../features/firewallMap';
import { layoutMap, renderDot, renderHtml, renderSvg } from '../features/mapRender';
import { parsePacketSpec, SpecError } from '../simulate/spec';
import { KNOCK_SOURCE } from '../simulate/knock';
import type { SimPacket } from '../simulate/types';
import { CliError, type CliIO } from './io';
import { readScript } from './simulate';
import type { Subcommand } from './subcommands';

export const MAP_USAGE = `Usage: rsc-lint map FILE [options]

Draws the firewall FILE builds: each table's chains in hook order, rules as rows (the number print shows, action,
the matches that matter, comment), jumps as edges, rules marked unreachable / never matches / knock / final drop as
the checks prove, each knock as a path through its stages.

Options:
  -f, --format svg|html|dot   output format (default svg; html is a self-contained page with the trace)
      --table NAME            only this table: filter, nat, mangle or raw
      --trace SPEC            a packet on top: "tcp:22 from WAN", "udp:53 from 192.0.2.7", "knock" (the file's
                              first knock sequence) or "knock:N"
  -o, --output FILE           write there instead of standard output
  -h, --help                  show this help

Exit status: 0 written, 2 bad usage or unreadable FILE.

Example:
  rsc-lint map firewall.rsc --format html --trace knock -o firewall.html`;

interface MapArgs {
  file?: string;
  format: 'svg' | 'html' | 'dot';
  table?: string;
  trace?: string;
  output?: string;
  help: boolean;
}

const TABLES = new Set(['filter', 'nat', 'mangle', 'raw']);

export function parseMapArgs(argv: string[]): MapArgs {
  const a: MapArgs = { format: 'svg', help: false };
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i];
    const eq = raw.startsWith('--') ? raw.indexOf('=') : -1;
    const name = eq > 0 ? raw.slice(0, eq) : raw;
    const take = (): string => {
      if (eq > 0) return raw.slice(eq + 1);
      const v = argv[++i];
      if (v === undefined) throw new CliError(`${name} needs a value (see rsc-lint map --help)`);
      return v;
    };
    switch (name) {
      case '-h':
      case '--help':
        a.help = true;
        break;
      case '-f':
      case '--format': {
        const f = take();
        if (f !== 'svg' && f !== 'html' && f !== 'dot') throw new CliError(`--format: "${f}" is not one of svg, html, dot`);
        a.format = f;
        break;
      }
      case '--table': {
        const t = take();
        if (!TABLES.has(t)) throw new CliError(`--table: "${t}" is not one of filter, nat, mangle, raw`);
        a.table = t;
        break;
      }
      case '--trace':
        a.trace = take();
        break;
      case '-o':
      case '--output':
        a.output = take();
        break;
      default:
        if (raw.startsWith('-') && raw !== '-') throw new CliError(`unknown option ${raw} (see rsc-lint map --help)`);
        if (a.file !== undefined) throw new CliError(`one FILE only (got ${a.file} and ${raw})`);
        a.file = raw;
    }
  }
  return a;
}

const ADDRESS = /^(\d{1,3}(\.\d{1,3}){3}|[0-9a-f:]*:[0-9a-f:.]*)$/i;

/** "tcp:22 from WAN" / "udp:53 from 192.0.2.7 in ether1" into a packet. */
export function parseTraceSpec(spec: string): Omit<SimPacket, 'time'> {
  const words = spec.trim().split(/\s+/);
  if (words.length === 0 || !words[0]) throw new CliError('--trace: write a packet, e.g. "tcp:22 from WAN", or "knock"');
  let p: Omit<SimPacket, 'time' | 'src'> & { src?: string };
  try {
    p = parsePacketSpec(words[0]);
  } catch (e) {
    if (e instanceof SpecError) throw new CliError(`--trace: ${e.message}`);
    throw e;
  }
  for (let i = 1; i < words.length; i++) {
    const w = words[i].toLowerCase();
    const v = words[i + 1];
    if ((w === 'from' || w === 'in' || w === 'to') && v === undefined) throw new CliError(`--trace: "${w}" needs a value`);
    if (w === 'from') {
      if (ADDRESS.test(v)) p.src = v;
      else p.inInterfaceLists = [...(p.inInterfaceLists ?? []), v];
      i++;
    } else if (w === 'in') {
      p.inInterface = v;
      i++;
    } else if (w === 'to') {
      if (!ADDRESS.test(v)) throw new CliError(`--trace: "to ${v}": write an address`);
      p.dst = v;
      i++;
    } else throw new CliError(`--trace: "${words[i]}" is not understood (write: PACKET [from WAN|ADDRESS] [in IFACE] [to ADDRESS])`);
  }
  if (p.inInterfaceLists && !p.inInterface) p.inInterface = `${p.inInterfaceLists[0]}-port`;
  return { ...p, src: p.src ?? KNOCK_SOURCE.ip };
}

export async function runMapCommand(argv: string[], io: CliIO): Promise<number> {
  const args = parseMapArgs(argv);
  if (args.help) {
    io.out(`${MAP_USAGE}\n`);
    return 0;
  }
  if (!args.file) throw new CliError('rsc-lint map needs a FILE (see rsc-lint map --help)');
  const { text, display } = await readScript(args.file, io);
  const result = lint(text);
  const map = firewallMap(result, { table: args.table });
  let trace: MapTrace | undefined;
  if (args.trace) {
    const k = /^knock(?::(\d+))?$/i.exec(args.trace.trim());
    if (k) {
      const n = Number(k[1] ?? 1);
      trace = knockTrace(result.model, result, n);
      if (!trace) throw new CliError(`--trace ${args.trace}: ${display} has ${result.knocks.length} knock sequence(s)`);
    } else {
      const p = parseTraceSpec(args.trace);
      trace = packetTrace(result.model, args.trace, [{ ...p, time: 0 }], p.src.includes(':') ? 'ipv6' : 'ip');
    }
  }
  if (map.tables.length === 0) io.err(`rsc-lint: ${display} builds no firewall${args.table ? ` ${args.table} table` : ''}: the map is empty\n`);
  const layout = layoutMap(map);
  const title = `Firewall map of ${path.basename(display)}`;
  const out =
    args.format === 'dot' ? renderDot(map) : args.format === 'html' ? renderHtml(map, layout, { title, trace }) : renderSvg(map, layout, { trace }) + '\n';
  if (args.output) {
    try {
      await fs.writeFile(path.resolve(io.cwd, args.output), out);
    } catch (e) {
      throw new CliError(`cannot write ${args.output}: ${e instanceof Error ? e.message : String(e)}`);
    }
  } else io.out(out);
  return 0;
}

export const command: Subcommand = {
  name: 'map',
  summary: 'draw the firewall the file builds as SVG, HTML or Graphviz DOT, optionally with a packet trace',
  run: runMapCommand,
};
export default command;
